/*
 * profile.c — loading, merging and validating minimum-requirements profiles.
 *
 * A profile is read into a position-keeping YAML tree, checked key by key against what the format
 * and each check's `expect` keys allow, and folded into a resolved JSON document on top of the
 * profile it `extends`. Every problem is reported with file:line:col and loading continues, so one
 * run of `profile validate` shows them all.
 */
#include "profile.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "builtin_profiles.h"
#include "check.h"
#include "expect_order.h"
#include "registry.h"
#include "strbuf.h"
#include "util.h"
#include "yamldoc.h"
#include "yamlout.h"

#define PROFILE_MAX_BYTES (4 * 1024 * 1024)
#define PROFILE_MAX_DEPTH 16

static const char *const top_keys[] = {
    "profile", "title", "version", "description", "extends", "controls", "attestations", NULL,
};
static const char *const control_keys[] = {
    "title", "check", "severity", "expect", "refs", "remediation", "disabled", "reason",
    "description", NULL,
};
static const char *const attestation_keys[] = {
    "title", "severity", "refs", "remediation", "max_age", "disabled", "reason", "description",
    NULL,
};
static const char *const severity_words[] = {
    "info", "low", "medium", "high", "critical", NULL,
};

/* One file being loaded; `chain` is the stack of identities for cycle detection. */
struct loader {
    struct diag *d;
    const char *chain[PROFILE_MAX_DEPTH];
    int depth;
    int parent_failed; /* a broken parent: don't also report what it would have supplied */
    json_t *notes;     /* what the reader should know that is not an error (refs withdrawn) */
};

struct source {
    char *ident; /* "builtin:NAME" or a canonical path */
    char *file;  /* the name used in messages */
    char *text;
    size_t len;
    int builtin;
};

size_t profile_builtin_count(void)
{
    return builtin_profiles_count;
}

const char *profile_builtin_name(size_t i)
{
    return i < builtin_profiles_count ? builtin_profiles[i].name : NULL;
}

const char *profile_builtin_text(const char *name, size_t *len)
{
    for (size_t i = 0; i < builtin_profiles_count; i++) {
        if (strcmp(builtin_profiles[i].name, name) == 0) {
            if (len)
                *len = builtin_profiles[i].len;
            return builtin_profiles[i].text;
        }
    }
    return NULL;
}

static int looks_like_path(const char *ref)
{
    size_t n = strlen(ref);
    return strchr(ref, '/') || (n > 5 && strcmp(ref + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(ref + n - 4, ".yml") == 0);
}

static void source_release(struct source *s)
{
    free(s->ident);
    free(s->file);
    if (!s->builtin)
        free(s->text);
    memset(s, 0, sizeof *s);
}

/* Find what `ref` names: a built-in, or a file relative to `base_dir` (NULL = cwd). */
static int source_open(const char *ref, const char *base_dir, struct source *s, struct diag *d,
                       const char *from_file, int from_line, int from_col)
{
    memset(s, 0, sizeof *s);
    size_t len = 0;
    const char *text = looks_like_path(ref) ? NULL : profile_builtin_text(ref, &len);
    if (text) {
        struct strbuf id = STRBUF_INIT;
        strbuf_addf(&id, "builtin:%s", ref);
        s->builtin = 1;
        s->text = (char *)text;
        s->len = len;
        s->file = strdup(id.buf);
        s->ident = strbuf_detach(&id, NULL);
        return s->file && s->ident ? 0 : -1;
    }
    struct strbuf path = STRBUF_INIT;
    if (ref[0] != '/' && base_dir && base_dir[0])
        strbuf_addf(&path, "%s/", base_dir);
    strbuf_adds(&path, ref);
    if (file_read_all(path.buf, PROFILE_MAX_BYTES, &s->text, &s->len) < 0) {
        int err = errno;
        struct strbuf names = STRBUF_INIT;
        for (size_t i = 0; i < builtin_profiles_count; i++)
            strbuf_addf(&names, "%s%s", i ? ", " : "", builtin_profiles[i].name);
        if (err == ENOENT && !looks_like_path(ref))
            diag_at(d, from_file, from_line, from_col,
                    "unknown profile '%s' (built-in profiles: %s; or give a file path)", ref,
                    names.buf);
        else
            diag_at(d, from_file, from_line, from_col, "cannot read profile %s: %s", path.buf,
                    err == EFBIG ? "file too large" : strerror(err));
        strbuf_release(&names);
        strbuf_release(&path);
        return -1;
    }
    char *real = realpath(path.buf, NULL);
    s->ident = real ? real : strdup(path.buf);
    s->file = strbuf_detach(&path, NULL);
    return s->ident && s->file ? 0 : -1;
}

static char *dir_of(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash)
        return strdup("");
    size_t n = (size_t)(slash - file);
    char *dir = malloc(n + 2);
    if (dir) {
        memcpy(dir, file, n ? n : 1);
        dir[n ? n : 1] = '\0';
    }
    return dir;
}

static void unknown_key(struct diag *d, const char *file, const struct ynode *key,
                        const char *where, const char *const *allowed)
{
    const char *hint = closest_word(key->value, allowed);
    if (hint)
        diag_at(d, file, key->line, key->col, "unknown key '%s' in %s (did you mean '%s'?)",
                key->value, where, hint);
    else
        diag_at(d, file, key->line, key->col, "unknown key '%s' in %s", key->value, where);
}

static int in_list(const char *w, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(w, list[i]) == 0)
            return 1;
    return 0;
}

/* A non-null scalar as a string, or a diagnostic. */
static const char *want_string(struct diag *d, const char *file, const struct ynode *n,
                               const char *what)
{
    if (n->type == YN_SCALAR && ynode_is_null(n) && n->len > 1) {
        diag_at(d, file, n->line, n->col,
                "%s must be a string, not null (plain %s is YAML's null; write \"%s\")", what,
                n->value, n->value);
        return NULL;
    }
    if (n->type != YN_SCALAR || ynode_is_null(n)) {
        diag_at(d, file, n->line, n->col, "%s must be a string, not %s", what,
                ynode_type_name(n));
        return NULL;
    }
    return n->value;
}

static int want_bool(struct diag *d, const char *file, const struct ynode *n, const char *what,
                     int *out)
{
    if (ynode_bool(n, out) < 0) {
        diag_at(d, file, n->line, n->col, "%s must be true or false, not %s", what,
                ynode_type_name(n));
        return -1;
    }
    return 0;
}

static void check_one_of(struct diag *d, const char *file, const struct ynode *n, const char *what,
                         const char *const *values)
{
    if (!values || in_list(n->value, values))
        return;
    struct strbuf all = STRBUF_INIT;
    for (size_t i = 0; values[i]; i++)
        strbuf_addf(&all, "%s%s", i ? ", " : "", values[i]);
    const char *hint = closest_word(n->value, values);
    if (hint)
        diag_at(d, file, n->line, n->col, "%s: '%s' is not one of %s (did you mean '%s'?)", what,
                n->value, all.buf, hint);
    else
        diag_at(d, file, n->line, n->col, "%s: '%s' is not one of %s", what, n->value, all.buf);
    strbuf_release(&all);
}

/* Convert one `expect` value by the type the check declares for it. New reference or NULL. */
static json_t *expect_value(struct diag *d, const char *file, const struct expect_key *k,
                            const struct ynode *n)
{
    char what[96];
    snprintf(what, sizeof what, "expect.%s", k->name);
    switch (k->type) {
    case EXP_BOOL: {
        int b;
        return want_bool(d, file, n, what, &b) == 0 ? json_boolean(b) : NULL;
    }
    case EXP_INT: {
        long long v;
        if (ynode_int(n, &v) < 0 || v < 0) {
            diag_at(d, file, n->line, n->col, "%s must be a non-negative integer, not %s", what,
                    ynode_type_name(n));
            return NULL;
        }
        return json_integer(v);
    }
    case EXP_STRING: {
        const char *s = want_string(d, file, n, what);
        if (!s)
            return NULL;
        check_one_of(d, file, n, what, k->values);
        return json_string_lossy(s, n->len);
    }
    case EXP_STRING_LIST: {
        if (n->type == YN_MAP) {
            diag_at(d, file, n->line, n->col, "%s must be a list of strings, not a mapping", what);
            return NULL;
        }
        json_t *arr = json_array();
        size_t count = n->type == YN_SEQ ? n->n : 1;
        for (size_t i = 0; i < count && arr; i++) {
            const struct ynode *item = n->type == YN_SEQ ? n->items[i] : n;
            const char *s = want_string(d, file, item, what);
            if (!s)
                continue;
            check_one_of(d, file, item, what, k->values);
            json_array_append_new(arr, json_string_lossy(s, item->len));
        }
        return arr;
    }
    }
    return NULL;
}

/* Overlay a child's `expect` on the parent's (key-wise; a null value removes the key). */
static void load_expect(struct diag *d, const char *file, const struct ynode *n,
                        const struct check *c, json_t *expect)
{
    if (n->type != YN_MAP) {
        diag_at(d, file, n->line, n->col, "expect must be a mapping, not %s", ynode_type_name(n));
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *key = n->keys[i], *val = n->items[i];
        if (!c)
            continue; /* the unknown check was reported already */
        const struct expect_key *k = check_expect_key(c, key->value);
        if (!k) {
            const char *names[64];
            size_t m = 0;
            for (const struct expect_key *e = c->expect_keys; e && e->name && m < 63; e++)
                names[m++] = e->name;
            names[m] = NULL;
            const char *hint = closest_word(key->value, names);
            struct strbuf all = STRBUF_INIT;
            for (size_t j = 0; j < m; j++)
                strbuf_addf(&all, "%s%s", j ? ", " : "", names[j]);
            diag_at(d, file, key->line, key->col,
                    "check %s does not accept expect key '%s'%s%s%s (it accepts: %s)", c->id,
                    key->value, hint ? " (did you mean '" : "", hint ? hint : "",
                    hint ? "'?)" : "", m ? all.buf : "none");
            strbuf_release(&all);
            continue;
        }
        if (ynode_is_null(val)) {
            json_object_del(expect, k->name);
            continue;
        }
        json_t *v = expect_value(d, file, k, val);
        if (v)
            json_object_set_new(expect, k->name, v);
    }
}

/* Overlay `refs`: framework -> id string or list of id strings. */
static void load_refs(struct diag *d, const char *file, const struct ynode *n, json_t *refs)
{
    if (n->type != YN_MAP) {
        diag_at(d, file, n->line, n->col, "refs must be a mapping of framework to id, not %s",
                ynode_type_name(n));
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *val = n->items[i];
        const char *fw = n->keys[i]->value;
        if (ynode_is_null(val)) {
            json_object_del(refs, fw);
        } else if (val->type == YN_SCALAR) {
            json_object_set_new(refs, fw, json_string_lossy(val->value, val->len));
        } else if (val->type == YN_SEQ) {
            json_t *arr = json_array();
            for (size_t j = 0; j < val->n; j++) {
                const char *s = want_string(d, file, val->items[j], "a refs id");
                if (s)
                    json_array_append_new(arr, json_string_lossy(s, val->items[j]->len));
            }
            json_object_set_new(refs, fw, arr);
        } else {
            diag_at(d, file, val->line, val->col, "refs.%s must be an id or a list of ids", fw);
        }
    }
}

static json_t *child_object(json_t *parent, const char *key)
{
    json_t *o = json_object_get(parent, key);
    if (!json_is_object(o)) {
        o = json_object();
        json_object_set_new(parent, key, o);
    }
    return o;
}

static void set_origin(json_t *origins, const char *id, const char *file, int line)
{
    json_object_set_new(origins, id, json_pack("{s:s, s:i}", "file", file, "line", line));
}

/* A tailored control whose expect is looser than its parent's keeps only the refs it states
 * itself: it must not go on claiming the parent's framework compliance. */
static void withdraw_relaxed_refs(struct loader *L, const char *file, const struct ynode *idn,
                                  const struct ynode *n, const struct check *chk,
                                  const json_t *parent_expect, json_t *e)
{
    struct strbuf why = STRBUF_INIT;
    json_t *refs = json_object_get(e, "refs");
    if (json_object_size(refs) == 0 || !ynode_get(n, "expect") ||
        !expect_relaxed(chk, parent_expect, json_object_get(e, "expect"), &why))
        goto out;
    const struct ynode *own = ynode_get(n, "refs");
    json_t *kept = json_object();
    if (own) {
        struct diag scratch = DIAG_INIT; /* its problems were reported by the first pass */
        load_refs(&scratch, file, own, kept);
        diag_release(&scratch);
    }
    char *names = NULL;
    struct strbuf lost = STRBUF_INIT;
    const char *fw;
    json_t *v;
    json_object_foreach(refs, fw, v)
        if (!json_object_get(kept, fw))
            strbuf_addf(&lost, "%s%s", lost.len ? ", " : "", fw);
    names = strbuf_detach(&lost, NULL);
    if (names && names[0] && L->notes) {
        struct strbuf note = STRBUF_INIT;
        strbuf_addf(&note, "%s:%d:%d: control %s relaxes its parent's expect (%s): the parent's "
                    "refs (%s) are withdrawn; restate them under refs to keep them", file,
                    idn->line, idn->col, idn->value, why.buf, names);
        json_array_append_new(L->notes, json_string(note.buf));
        strbuf_release(&note);
    }
    free(names);
    json_object_set_new(e, "refs", kept);
out:
    strbuf_release(&why);
}

/* One entry under `controls` (is_control) or `attestations`, merged into `into`. */
static void load_entry(struct loader *L, const char *file, const struct ynode *idn,
                       const struct ynode *n, int is_control, json_t *into, json_t *origins)
{
    struct diag *d = L->d;
    const char *id = idn->value;
    const char *kind = is_control ? "control" : "attestation";
    for (const char *c = id; *c; c++) {
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_' || *c == '.')) {
            diag_at(d, file, idn->line, idn->col,
                    "%s id '%s' may use only letters, digits, '-', '_' and '.'", kind, id);
            return;
        }
    }
    if (n->type != YN_MAP) {
        diag_at(d, file, n->line, n->col, "%s %s must be a mapping, not %s", kind, id,
                ynode_type_name(n));
        return;
    }
    int inherited = json_object_get(into, id) != NULL;
    json_t *e = child_object(into, id);
    set_origin(origins, id, file, idn->line);
    const struct ynode *checkn = ynode_get(n, "check");
    const struct check *chk = NULL;
    if (is_control) {
        /* A non-string `check` is reported once, by the key loop below. */
        const char *cid = checkn ? (checkn->type == YN_SCALAR && !ynode_is_null(checkn)
                                        ? checkn->value
                                        : NULL)
                                 : json_string_value(json_object_get(e, "check"));
        if (cid && !(chk = check_find(cid)) && checkn) {
            const char *hint = check_suggest(cid);
            diag_at(d, file, checkn->line, checkn->col,
                    "unknown check '%s'%s%s%s (see `cocscan checks`)", cid,
                    hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
        }
        if (checkn && chk && inherited && json_object_get(e, "check") &&
            strcmp(chk->id, json_string_value(json_object_get(e, "check"))) != 0) {
            json_object_del(e, "expect"); /* another check: the parent's expect no longer fits */
            json_object_set_new(e, "refs", json_object()); /* nor do its claims */
        }
    }
    json_t *parent_expect = inherited && is_control ? json_deep_copy(json_object_get(e, "expect"))
                                                    : NULL;
    const char *const *allowed = is_control ? control_keys : attestation_keys;
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *key = n->keys[i], *val = n->items[i];
        const char *k = key->value;
        if (!in_list(k, allowed)) {
            unknown_key(d, file, key, kind, allowed);
        } else if (strcmp(k, "expect") == 0) {
            load_expect(d, file, val, chk, child_object(e, "expect"));
        } else if (strcmp(k, "refs") == 0) {
            load_refs(d, file, val, child_object(e, "refs"));
        } else if (strcmp(k, "disabled") == 0) {
            int b;
            if (want_bool(d, file, val, "disabled", &b) == 0)
                json_object_set_new(e, "disabled", json_boolean(b));
        } else if (strcmp(k, "max_age") == 0) {
            long long days;
            if (ynode_int(val, &days) < 0 || days <= 0)
                diag_at(d, file, val->line, val->col,
                        "max_age must be a positive number of days, not %s", ynode_type_name(val));
            else
                json_object_set_new(e, "max_age", json_integer(days));
        } else {
            const char *s = want_string(d, file, val, k);
            if (!s)
                continue;
            if (strcmp(k, "severity") == 0)
                check_one_of(d, file, val, "severity", severity_words);
            json_object_set_new(e, k, json_string_lossy(s, val->len));
        }
    }
    if (parent_expect) {
        withdraw_relaxed_refs(L, file, idn, n, chk, parent_expect, e);
        json_decref(parent_expect);
    }
    /* What a control needs once merged with its parent. */
    static const char *const need_control[] = { "title", "check", "severity", NULL };
    static const char *const need_attestation[] = { "title", "severity", NULL };
    for (const char *const *k = is_control ? need_control : need_attestation; *k; k++)
        if (!json_object_get(e, *k) && !L->parent_failed)
            diag_at(d, file, idn->line, idn->col, "%s %s has no '%s'", kind, id, *k);
    const char *why = json_string_value(json_object_get(e, "reason"));
    if (json_is_true(json_object_get(e, "disabled")) && (!why || !why[strspn(why, " \t\n")]))
        diag_at(d, file, idn->line, idn->col, "%s %s is disabled without a 'reason'", kind, id);
    if (is_control && !json_object_get(e, "expect"))
        json_object_set_new(e, "expect", json_object());
}

static void load_section(struct loader *L, const char *file, const struct ynode *n,
                         int is_control, json_t *doc, json_t *origins)
{
    struct diag *d = L->d;
    const char *name = is_control ? "controls" : "attestations";
    if (n->type != YN_MAP) {
        diag_at(d, file, n->line, n->col, "%s must be a mapping of id to %s, not %s", name,
                is_control ? "control" : "attestation", ynode_type_name(n));
        return;
    }
    json_t *into = child_object(doc, name);
    json_t *other = json_object_get(doc, is_control ? "attestations" : "controls");
    for (size_t i = 0; i < n->n; i++) {
        if (json_object_get(other, n->keys[i]->value)) {
            diag_at(d, file, n->keys[i]->line, n->keys[i]->col,
                    "'%s' is already defined as %s", n->keys[i]->value,
                    is_control ? "an attestation" : "a control");
            continue;
        }
        load_entry(L, file, n->keys[i], n->items[i], is_control, into, origins);
    }
}

static int load_rec(struct loader *L, const char *ref, const char *base_dir, json_t **doc_out,
                    json_t **origins_out, char **source_out, const char *from_file,
                    int from_line, int from_col);

/* Fold one parsed file over its parent (if it extends one). */
static void load_tree(struct loader *L, const struct source *src, const struct ynode *root,
                      json_t **doc, json_t **origins)
{
    struct diag *d = L->d;
    const char *file = src->file;
    if (root->type != YN_MAP) {
        diag_at(d, file, root->line, root->col, "a profile must be a mapping, not %s",
                ynode_type_name(root));
        return;
    }
    const struct ynode *ext = ynode_get(root, "extends");
    if (ext) {
        const char *pref = want_string(d, file, ext, "extends");
        char *dir = src->builtin ? NULL : dir_of(src->file);
        if (!pref || load_rec(L, pref, dir, doc, origins, NULL, file, ext->line, ext->col) < 0)
            L->parent_failed = 1;
        free(dir);
    }
    if (!*doc)
        *doc = json_object();
    if (!*origins)
        *origins = json_object();
    /* Identity is never inherited: a tailored profile names and titles itself. */
    static const char *const own[] = { "profile", "title", "version", "description", "extends" };
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        json_object_del(*doc, own[i]);
    for (size_t i = 0; i < root->n; i++) {
        const struct ynode *key = root->keys[i], *val = root->items[i];
        const char *k = key->value;
        if (!in_list(k, top_keys)) {
            unknown_key(d, file, key, "the profile", top_keys);
        } else if (strcmp(k, "controls") == 0) {
            load_section(L, file, val, 1, *doc, *origins);
        } else if (strcmp(k, "attestations") == 0) {
            load_section(L, file, val, 0, *doc, *origins);
        } else {
            const char *s = want_string(d, file, val, k);
            if (s)
                json_object_set_new(*doc, k, json_string_lossy(s, val->len));
        }
    }
    const struct ynode *idn = ynode_get(root, "profile");
    if (!idn)
        diag_at(d, file, root->line, root->col, "the profile has no 'profile' (its id)");
    if (!json_object_get(*doc, "title"))
        diag_at(d, file, root->line, root->col, "the profile has no 'title'");
    child_object(*doc, "controls");
    child_object(*doc, "attestations");
}

static int load_rec(struct loader *L, const char *ref, const char *base_dir, json_t **doc_out,
                    json_t **origins_out, char **source_out, const char *from_file,
                    int from_line, int from_col)
{
    struct source src;
    struct ynode *root = NULL;
    int before = L->d->count;
    if (source_open(ref, base_dir, &src, L->d, from_file, from_line, from_col) < 0) {
        source_release(&src);
        return -1;
    }
    for (int i = 0; i < L->depth; i++) {
        if (strcmp(L->chain[i], src.ident) == 0) {
            diag_at(L->d, from_file, from_line, from_col, "'extends: %s' makes a cycle (%s)", ref,
                    src.file);
            goto out;
        }
    }
    if (L->depth == PROFILE_MAX_DEPTH) {
        diag_at(L->d, from_file, from_line, from_col, "'extends' chain deeper than %d profiles",
                PROFILE_MAX_DEPTH);
        goto out;
    }
    L->chain[L->depth++] = src.ident;
    if (ydoc_parse(src.file, src.text, src.len, &root, L->d) == 0)
        load_tree(L, &src, root, doc_out, origins_out);
    L->depth--;
    if (source_out)
        *source_out = strdup(src.file);
out:
    ynode_free(root);
    source_release(&src);
    return L->d->count > before ? -1 : 0;
}

int profile_load(const char *ref, struct profile *p, struct diag *d)
{
    struct loader L = { .d = d };
    memset(p, 0, sizeof *p);
    L.notes = p->notes = json_array();
    int before = d->count;
    load_rec(&L, ref, NULL, &p->doc, &p->origins, &p->source, ref, 0, 0);
    if (d->count > before || !p->doc) {
        profile_release(p);
        return -1;
    }
    /* The resolved profile stands alone: `extends` has been applied. Identity first. */
    static const char *const order[] = { "profile",  "title",    "version",
                                         "description", "controls", "attestations" };
    json_t *ordered = json_object();
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        json_t *v = json_object_get(p->doc, order[i]);
        if (v)
            json_object_set(ordered, order[i], v);
    }
    json_decref(p->doc);
    p->doc = ordered;
    char *canon = json_dumps(p->doc, JSON_COMPACT | JSON_SORT_KEYS);
    if (!canon) {
        diag_at(d, ref, 0, 0, "out of memory");
        profile_release(p);
        return -1;
    }
    sha256_hex(canon, strlen(canon), p->sha256);
    free(canon);
    return 0;
}

void profile_release(struct profile *p)
{
    json_decref(p->doc);
    json_decref(p->origins);
    json_decref(p->notes);
    free(p->source);
    memset(p, 0, sizeof *p);
}

void profile_print_notes(const struct profile *p, FILE *out, const char *prefix)
{
    size_t i;
    json_t *v;
    json_array_foreach(p->notes, i, v)
        fprintf(out, "%s%s\n", prefix, json_string_value(v));
}

char *profile_to_yaml(const struct profile *p)
{
    struct strbuf out = STRBUF_INIT;
    if (yaml_from_json(p->doc, &out) < 0) {
        strbuf_release(&out);
        return NULL;
    }
    return strbuf_detach(&out, NULL);
}
