/*
 * yamldoc.c — libyaml's event stream folded into a position-keeping tree.
 *
 * Profiles and targets files are small, so a tree is simplest; the limits below keep a hostile
 * or broken file from costing unbounded memory. Aliases are refused: profiles have no use for
 * them and they are the door to "billion laughs" expansion.
 */
#include "yamldoc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define YDOC_MAX_DEPTH 64
#define YDOC_MAX_NODES 200000

struct builder {
    const char *file;
    struct diag *d;
    yaml_parser_t parser;
    size_t nodes;
};

static struct ynode *node_new(enum ynode_type type, const yaml_mark_t *m)
{
    struct ynode *n = calloc(1, sizeof *n);
    if (n) {
        n->type = type;
        n->line = (int)m->line + 1;
        n->col = (int)m->column + 1;
    }
    return n;
}

void ynode_free(struct ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        if (n->keys)
            ynode_free(n->keys[i]);
        ynode_free(n->items[i]);
    }
    free(n->keys);
    free(n->items);
    free(n->value);
    free(n);
}

static int push_item(struct ynode *parent, struct ynode *key, struct ynode *val)
{
    if ((parent->n & (parent->n - 1)) == 0) { /* grow at powers of two */
        size_t cap = parent->n ? parent->n * 2 : 4;
        struct ynode **items = realloc(parent->items, cap * sizeof *items);
        if (!items)
            return -1;
        parent->items = items;
        if (parent->type == YN_MAP) {
            struct ynode **keys = realloc(parent->keys, cap * sizeof *keys);
            if (!keys)
                return -1;
            parent->keys = keys;
        }
    }
    if (parent->type == YN_MAP)
        parent->keys[parent->n] = key;
    parent->items[parent->n++] = val;
    return 0;
}

static int next_event(struct builder *b, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&b->parser, ev)) {
        const yaml_mark_t *m = &b->parser.problem_mark;
        diag_at(b->d, b->file, (int)m->line + 1, (int)m->column + 1, "YAML syntax error: %s%s%s",
                b->parser.problem ? b->parser.problem : "unknown problem",
                b->parser.context ? " " : "", b->parser.context ? b->parser.context : "");
        return -1;
    }
    return 0;
}

static struct ynode *build_node(struct builder *b, yaml_event_t *ev, int depth);

/* Build the children of a map or sequence until its end event. */
static int build_children(struct builder *b, struct ynode *n, int depth)
{
    for (;;) {
        yaml_event_t ev;
        if (next_event(b, &ev) < 0)
            return -1;
        if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        struct ynode *key = NULL;
        if (n->type == YN_MAP) {
            key = build_node(b, &ev, depth + 1);
            if (!key)
                return -1;
            if (key->type != YN_SCALAR) {
                diag_at(b->d, b->file, key->line, key->col, "mapping keys must be plain strings");
                ynode_free(key);
                return -1;
            }
            for (size_t i = 0; i < n->n; i++) {
                if (strcmp(n->keys[i]->value, key->value) == 0) {
                    diag_at(b->d, b->file, key->line, key->col,
                            "duplicate key '%s' (first at line %d)", key->value, n->keys[i]->line);
                    ynode_free(key);
                    return -1;
                }
            }
            if (next_event(b, &ev) < 0) {
                ynode_free(key);
                return -1;
            }
        }
        struct ynode *val = build_node(b, &ev, depth + 1);
        if (!val || push_item(n, key, val) < 0) {
            ynode_free(key);
            ynode_free(val);
            return -1;
        }
    }
}

/* Consumes ev. */
static struct ynode *build_node(struct builder *b, yaml_event_t *ev, int depth)
{
    struct ynode *n = NULL;
    const yaml_mark_t *m = &ev->start_mark;
    if (depth > YDOC_MAX_DEPTH || ++b->nodes > YDOC_MAX_NODES) {
        diag_at(b->d, b->file, (int)m->line + 1, (int)m->column + 1,
                "document too deeply nested or too large");
        goto out;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n = node_new(YN_SCALAR, m);
        if (!n)
            break;
        n->len = ev->data.scalar.length;
        n->value = malloc(n->len + 1);
        if (!n->value) {
            free(n);
            n = NULL;
            break;
        }
        memcpy(n->value, ev->data.scalar.value, n->len);
        n->value[n->len] = '\0';
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        break;
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
        n = node_new(ev->type == YAML_MAPPING_START_EVENT ? YN_MAP : YN_SEQ, m);
        if (n && build_children(b, n, depth) < 0) {
            ynode_free(n);
            n = NULL;
        }
        break;
    case YAML_ALIAS_EVENT:
        diag_at(b->d, b->file, (int)m->line + 1, (int)m->column + 1,
                "YAML aliases (*name) are not supported; write the value out");
        break;
    default:
        diag_at(b->d, b->file, (int)m->line + 1, (int)m->column + 1, "unexpected YAML event");
        break;
    }
out:
    yaml_event_delete(ev);
    return n;
}

int ydoc_parse(const char *file, const char *data, size_t len, struct ynode **root, struct diag *d)
{
    struct builder b = { .file = file, .d = d };
    yaml_event_t ev;
    int rc = -1, before = d->count;
    *root = NULL;
    if (!yaml_parser_initialize(&b.parser)) {
        diag_at(d, file, 0, 0, "out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)data, len);
    /* STREAM-START, then DOCUMENT-START or STREAM-END for an empty file. */
    if (next_event(&b, &ev) < 0)
        goto out;
    yaml_event_delete(&ev);
    if (next_event(&b, &ev) < 0)
        goto out;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        diag_at(d, file, 1, 1, "the file is empty");
        goto out;
    }
    yaml_event_delete(&ev);
    if (next_event(&b, &ev) < 0)
        goto out;
    *root = build_node(&b, &ev, 0);
    if (!*root)
        goto out;
    if (next_event(&b, &ev) < 0) /* DOCUMENT-END */
        goto out;
    yaml_event_delete(&ev);
    if (next_event(&b, &ev) < 0)
        goto out;
    if (ev.type != YAML_STREAM_END_EVENT) {
        diag_at(d, file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                "only one YAML document per file is allowed");
        yaml_event_delete(&ev);
        goto out;
    }
    yaml_event_delete(&ev);
    rc = 0;
out:
    yaml_parser_delete(&b.parser);
    if (rc < 0 || d->count > before) {
        if (d->count == before)
            diag_at(d, file, 0, 0, "out of memory");
        ynode_free(*root);
        *root = NULL;
        rc = -1;
    }
    return rc;
}

struct ynode *ynode_get(const struct ynode *n, const char *key)
{
    if (!n || n->type != YN_MAP)
        return NULL;
    for (size_t i = 0; i < n->n; i++)
        if (strcmp(n->keys[i]->value, key) == 0)
            return n->items[i];
    return NULL;
}

const char *ynode_type_name(const struct ynode *n)
{
    if (n->type == YN_MAP)
        return "a mapping";
    if (n->type == YN_SEQ)
        return "a list";
    long long i;
    int b;
    if (ynode_is_null(n))
        return "null";
    if (ynode_bool(n, &b) == 0)
        return "a boolean";
    if (ynode_int(n, &i) == 0)
        return "an integer";
    return "a string";
}

int ynode_is_null(const struct ynode *n)
{
    return n->type == YN_SCALAR && n->plain &&
           (n->len == 0 || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0 ||
            strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0);
}

int ynode_bool(const struct ynode *n, int *out)
{
    static const char *const t[] = { "true", "True", "TRUE" };
    static const char *const f[] = { "false", "False", "FALSE" };
    if (n->type != YN_SCALAR || !n->plain)
        return -1;
    for (int i = 0; i < 3; i++) {
        if (strcmp(n->value, t[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcmp(n->value, f[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

int ynode_int(const struct ynode *n, long long *out)
{
    if (n->type != YN_SCALAR || !n->plain || n->len == 0 || n->len > 18)
        return -1;
    const char *p = n->value;
    if (*p == '-' || *p == '+')
        p++;
    if (!*p)
        return -1;
    for (const char *c = p; *c; c++)
        if (*c < '0' || *c > '9')
            return -1;
    errno = 0;
    *out = strtoll(n->value, NULL, 10);
    return errno ? -1 : 0;
}
