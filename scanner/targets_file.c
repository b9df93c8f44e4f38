/*
 * targets_file.c — loading and validating the targets file of `cocscan scan --targets`.
 *
 * The file is read into a position-keeping YAML tree (yamldoc) and checked key by key; every
 * problem is reported as file:line:col and checking goes on, so one run shows them all. Paths
 * are resolved against their target's origin here, so probes only ever see absolute URLs on it.
 * Credentials are named, never read: the login driver reads the environment when it runs, so no
 * password is held longer than a login takes, and no message here ever echoes what was written
 * for a variable name (it might be the password itself).
 */
#include "targets_file.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"
#include "util.h"
#include "yamldoc.h"

static const char *const top_keys[] = { "targets", NULL };
static const char *const target_keys[] = {
    "url",       "name",      "organisation", "login",     "second_account",
    "documents", "sensitive", "storage",      "http_port", NULL,
};
static const char *const login_keys[] = {
    "form", "username_env", "password_env", "protected", NULL,
};
static const char *const account_keys[] = { "username_env", "password_env", NULL };

/* The file being checked: where problems go, and the name they are reported under. */
struct tf {
    const char *file;
    struct diag *d;
};

/* Normalised target URLs seen so far (borrowed from the targets), to refuse duplicates:
 * open addressing on a power-of-two table at most half full. */
struct seen {
    const char **url;
    int *line;
    size_t cap;
};

static int seen_init(struct seen *s, size_t n)
{
    s->cap = 16;
    while (s->cap < 2 * n)
        s->cap *= 2;
    s->url = calloc(s->cap, sizeof *s->url);
    s->line = calloc(s->cap, sizeof *s->line);
    return s->url && s->line ? 0 : -1;
}

static void seen_release(struct seen *s)
{
    free(s->url);
    free(s->line);
}

/* The line where url was first seen; 0 when it is new (it is then recorded at `line`). */
static int seen_add(struct seen *s, const char *url, int line)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    for (size_t i = (size_t)h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->url[i]) {
            s->url[i] = url;
            s->line[i] = line;
            return 0;
        }
        if (strcmp(s->url[i], url) == 0)
            return s->line[i];
    }
}

static void oom(const struct tf *f, const struct ynode *n)
{
    diag_at(f->d, f->file, n->line, n->col, "out of memory");
}

static void unknown_key(const struct tf *f, const struct ynode *key, const char *where,
                        const char *const *allowed)
{
    const char *hint = closest_word(key->value, allowed);
    if (hint) {
        diag_at(f->d, f->file, key->line, key->col, "unknown key '%s' in %s (did you mean '%s'?)",
                key->value, where, hint);
        return;
    }
    struct strbuf all = STRBUF_INIT;
    for (size_t i = 0; allowed[i]; i++)
        strbuf_addf(&all, "%s%s", i ? ", " : "", allowed[i]);
    diag_at(f->d, f->file, key->line, key->col, "unknown key '%s' in %s (expected: %s)",
            key->value, where, all.buf);
    strbuf_release(&all);
}

/* n's key `name` is missing: say so at the key that holds n. */
static void require(const struct tf *f, const struct ynode *key, const struct ynode *n,
                    const char *what, const char *name)
{
    if (!ynode_get(n, name))
        diag_at(f->d, f->file, key->line, key->col, "%s has no '%s'", what, name);
}

/* A non-null scalar without NUL bytes as a string, or NULL after a diagnostic. */
static const char *want_string(const struct tf *f, const struct ynode *n, const char *what)
{
    if (n->type == YN_SCALAR && ynode_is_null(n) && n->len > 1) {
        diag_at(f->d, f->file, n->line, n->col,
                "%s must be a string, not null (plain %s is YAML's null; write \"%s\")", what,
                n->value, n->value);
        return NULL;
    }
    if (n->type != YN_SCALAR || ynode_is_null(n)) {
        diag_at(f->d, f->file, n->line, n->col, "%s must be a string, not %s", what,
                ynode_type_name(n));
        return NULL;
    }
    if (strlen(n->value) != n->len) {
        diag_at(f->d, f->file, n->line, n->col, "%s must not contain a NUL character", what);
        return NULL;
    }
    return n->value;
}

/* A non-empty string, copied to *out. */
static void text_value(const struct tf *f, const struct ynode *n, const char *what, char **out)
{
    const char *s = want_string(f, n, what);
    if (!s)
        return;
    if (!*s) {
        diag_at(f->d, f->file, n->line, n->col, "%s must not be empty", what);
        return;
    }
    if (!(*out = strdup(s)))
        oom(f, n);
}

/* The name of an environment variable, copied to *out. The value written is never quoted back:
 * someone may have put the secret itself here. */
static void env_name(const struct tf *f, const struct ynode *n, const char *what, char **out)
{
    const char *s = want_string(f, n, what);
    if (!s)
        return;
    int valid = (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_';
    valid = valid && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
                         n->len;
    if (!valid) {
        diag_at(f->d, f->file, n->line, n->col,
                "%s must be the name of an environment variable (letters, digits and '_', not "
                "starting with a digit), not a credential itself", what);
        return;
    }
    if (!(*out = strdup(s)))
        oom(f, n);
}

/* A path on the target's origin, as an absolute URL there. NULL after a diagnostic, or when the
 * target's own url is broken (reported already; the path is still checked). */
static char *path_url(const struct tf *f, const struct target *t, const struct ynode *n,
                      const char *what)
{
    const char *s = want_string(f, n, what);
    if (!s)
        return NULL;
    if (s[0] != '/') {
        diag_at(f->d, f->file, n->line, n->col,
                "%s must be a path starting with '/' (on the target's origin), not '%s'", what, s);
        return NULL;
    }
    if (s[1] == '/') {
        diag_at(f->d, f->file, n->line, n->col,
                "%s: '%s' starts with '//' (a path on the target's origin starts with one '/')",
                what, s);
        return NULL;
    }
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c <= 0x20 || *c >= 0x7f) {
            diag_at(f->d, f->file, n->line, n->col,
                    "%s: '%s' has a space or control character (percent-encode it)", what, s);
            return NULL;
        }
        if (*c == '#') {
            diag_at(f->d, f->file, n->line, n->col,
                    "%s: '%s' has a fragment ('#'), which is never sent to a server", what, s);
            return NULL;
        }
    }
    if (!t->url)
        return NULL;
    char *url = target_resolve(t, s);
    if (!url)
        oom(f, n);
    return url;
}

/* A list of paths, resolved into *out (*count of them: those that were valid). */
static void path_list(const struct tf *f, const struct target *t, const struct ynode *n,
                      const char *what, char ***out, size_t *count)
{
    if (n->type != YN_SEQ) {
        diag_at(f->d, f->file, n->line, n->col, "%s must be a list of paths, not %s", what,
                ynode_type_name(n));
        return;
    }
    if (n->n == 0)
        return;
    if (!(*out = calloc(n->n, sizeof **out))) {
        oom(f, n);
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        char item[64];
        snprintf(item, sizeof item, "%s[%zu]", what, i);
        char *url = path_url(f, t, n->items[i], item);
        if (url)
            (*out)[(*count)++] = url;
    }
}

/* Object-store URLs: absolute https, on any host; stored normalised. */
static void storage_list(const struct tf *f, const struct ynode *n, struct target *t)
{
    if (n->type != YN_SEQ) {
        diag_at(f->d, f->file, n->line, n->col, "storage must be a list of https:// URLs, not %s",
                ynode_type_name(n));
        return;
    }
    if (n->n == 0)
        return;
    if (!(t->storage = calloc(n->n, sizeof *t->storage))) {
        oom(f, n);
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *item = n->items[i];
        char what[64];
        snprintf(what, sizeof what, "storage[%zu]", i);
        const char *s = want_string(f, item, what);
        if (!s)
            continue;
        if (strncasecmp(s, "https://", 8) != 0) {
            diag_at(f->d, f->file, item->line, item->col,
                    "%s must be an absolute https:// URL", what);
            continue;
        }
        struct target st;
        struct coc_error e = { "" };
        if (target_parse(s, &st, &e) < 0) {
            diag_at(f->d, f->file, item->line, item->col, "%s: %s", what, e.msg);
            continue;
        }
        t->storage[t->n_storage++] = st.url;
        st.url = NULL;
        target_release(&st);
    }
}

static void http_port(const struct tf *f, const struct ynode *n, struct target *t)
{
    long long v;
    if (ynode_int(n, &v) < 0) {
        diag_at(f->d, f->file, n->line, n->col, "http_port must be a port number, not %s",
                ynode_type_name(n));
    } else if (v < 1 || v > 65535) {
        diag_at(f->d, f->file, n->line, n->col, "http_port must be 1-65535, not %lld", v);
    } else {
        t->http_port = (int)v;
        t->http_port_fixed = 1;
    }
}

static void load_login(const struct tf *f, const struct ynode *key, const struct ynode *n,
                       struct target *t)
{
    if (n->type != YN_MAP) {
        diag_at(f->d, f->file, n->line, n->col,
                "login must be a mapping with form, username_env, password_env and protected, "
                "not %s", ynode_type_name(n));
        return;
    }
    struct target_login *l = t->login = calloc(1, sizeof *t->login);
    if (!l) {
        oom(f, n);
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        const char *k = n->keys[i]->value;
        const struct ynode *v = n->items[i];
        if (strcmp(k, "form") == 0)
            l->form_url = path_url(f, t, v, "login.form");
        else if (strcmp(k, "protected") == 0)
            l->protected_url = path_url(f, t, v, "login.protected");
        else if (strcmp(k, "username_env") == 0)
            env_name(f, v, "login.username_env", &l->account.username_env);
        else if (strcmp(k, "password_env") == 0)
            env_name(f, v, "login.password_env", &l->account.password_env);
        else
            unknown_key(f, n->keys[i], "login", login_keys);
    }
    for (size_t i = 0; login_keys[i]; i++)
        require(f, key, n, "login", login_keys[i]);
}

static void load_second(const struct tf *f, const struct ynode *key, const struct ynode *n,
                        struct target *t)
{
    if (n->type != YN_MAP) {
        diag_at(f->d, f->file, n->line, n->col,
                "second_account must be a mapping with username_env and password_env, not %s",
                ynode_type_name(n));
        return;
    }
    struct target_account *a = t->second = calloc(1, sizeof *t->second);
    if (!a) {
        oom(f, n);
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        const char *k = n->keys[i]->value;
        if (strcmp(k, "username_env") == 0)
            env_name(f, n->items[i], "second_account.username_env", &a->username_env);
        else if (strcmp(k, "password_env") == 0)
            env_name(f, n->items[i], "second_account.password_env", &a->password_env);
        else
            unknown_key(f, n->keys[i], "second_account", account_keys);
    }
    for (size_t i = 0; account_keys[i]; i++)
        require(f, key, n, "second_account", account_keys[i]);
}

/* The target's url first: every path in it is resolved against that url's origin. */
static void load_url(const struct tf *f, const struct ynode *item, struct target *t,
                     struct seen *seen)
{
    const struct ynode *n = ynode_get(item, "url");
    if (!n) {
        diag_at(f->d, f->file, item->line, item->col, "target has no 'url'");
        return;
    }
    const char *s = want_string(f, n, "url");
    struct coc_error e = { "" };
    if (!s)
        return;
    if (target_parse(s, t, &e) < 0) {
        diag_at(f->d, f->file, n->line, n->col, "url: %s", e.msg);
        return;
    }
    int first = seen_add(seen, t->url, n->line);
    if (first)
        diag_at(f->d, f->file, n->line, n->col, "duplicate target %s (first at line %d)",
                t->url, first);
}

static void load_target(const struct tf *f, const struct ynode *item, struct target *t,
                        struct seen *seen)
{
    if (item->type != YN_MAP) {
        diag_at(f->d, f->file, item->line, item->col,
                "a target must be a mapping (- url: https://...), not %s", ynode_type_name(item));
        return;
    }
    load_url(f, item, t, seen); /* target_parse starts from a zeroed target */
    t->source_line = item->line;
    if (!(t->source_file = strdup(f->file)))
        oom(f, item);
    for (size_t i = 0; i < item->n; i++) {
        const struct ynode *key = item->keys[i], *v = item->items[i];
        const char *k = key->value;
        if (strcmp(k, "url") == 0) {
            continue;
        } else if (strcmp(k, "name") == 0) {
            text_value(f, v, "name", &t->name);
        } else if (strcmp(k, "organisation") == 0) {
            text_value(f, v, "organisation", &t->organisation);
        } else if (strcmp(k, "login") == 0) {
            load_login(f, key, v, t);
        } else if (strcmp(k, "second_account") == 0) {
            if (!ynode_get(item, "login"))
                diag_at(f->d, f->file, key->line, key->col,
                        "second_account needs 'login' (the first account) in the same target");
            load_second(f, key, v, t);
        } else if (strcmp(k, "documents") == 0) {
            path_list(f, t, v, "documents", &t->documents, &t->n_documents);
        } else if (strcmp(k, "sensitive") == 0) {
            path_list(f, t, v, "sensitive", &t->sensitive, &t->n_sensitive);
        } else if (strcmp(k, "storage") == 0) {
            storage_list(f, v, t);
        } else if (strcmp(k, "http_port") == 0) {
            http_port(f, v, t);
        } else {
            unknown_key(f, key, "a target", target_keys);
        }
    }
}

void targets_free(struct target *t, size_t n)
{
    for (size_t i = 0; t && i < n; i++)
        target_release(&t[i]);
    free(t);
}

int targets_file_parse(const char *file, const char *text, size_t len, struct target **out,
                       size_t *n, struct diag *d)
{
    const struct tf f = { file, d };
    struct ynode *root = NULL;
    struct target *ts = NULL;
    struct seen seen = { NULL, NULL, 0 };
    const struct ynode *list = NULL;
    size_t count = 0;
    int before = d->count;

    *out = NULL;
    *n = 0;
    if (ydoc_parse(file, text, len, &root, d) < 0)
        goto out;
    if (root->type != YN_MAP) {
        diag_at(d, file, root->line, root->col,
                "a targets file must be a mapping with a 'targets' list, not %s",
                ynode_type_name(root));
        goto out;
    }
    for (size_t i = 0; i < root->n; i++) {
        if (strcmp(root->keys[i]->value, "targets") == 0)
            list = root->items[i];
        else
            unknown_key(&f, root->keys[i], "the top level", top_keys);
    }
    if (!list) {
        diag_at(d, file, root->line, root->col, "the file has no 'targets' list");
        goto out;
    }
    if (list->type != YN_SEQ) {
        diag_at(d, file, list->line, list->col, "targets must be a list of targets, not %s",
                ynode_type_name(list));
        goto out;
    }
    if (list->n == 0) {
        diag_at(d, file, list->line, list->col, "targets is empty: name at least one target");
        goto out;
    }
    count = list->n;
    if (count > TARGETS_FILE_MAX_TARGETS) {
        const struct ynode *extra = list->items[TARGETS_FILE_MAX_TARGETS];
        diag_at(d, file, extra->line, extra->col, "more than %d targets (split the file)",
                TARGETS_FILE_MAX_TARGETS);
        count = TARGETS_FILE_MAX_TARGETS;
    }
    ts = calloc(count, sizeof *ts);
    if (!ts || seen_init(&seen, count) < 0) {
        oom(&f, list);
        goto out;
    }
    for (size_t i = 0; i < count; i++)
        load_target(&f, list->items[i], &ts[i], &seen);
out:
    seen_release(&seen);
    ynode_free(root);
    if (d->count > before || !ts) {
        if (d->count == before)
            diag_at(d, file, 0, 0, "out of memory");
        targets_free(ts, count);
        return -1;
    }
    *out = ts;
    *n = count;
    return 0;
}

int targets_file_load(const char *path, struct target **out, size_t *n, struct diag *d)
{
    char *text = NULL;
    size_t len = 0;

    *out = NULL;
    *n = 0;
    if (strcmp(path, "-") == 0) {
        diag_at(d, "--targets", 0, 0, "'-' (standard input) is not supported; name a file");
        return -1;
    }
    if (file_read_all(path, TARGETS_FILE_MAX_BYTES, &text, &len) < 0) {
        int err = errno;
        diag_at(d, path, 0, 0, "cannot read the targets file: %s",
                err == EFBIG ? "larger than 4 MiB" : strerror(err));
        return -1;
    }
    int rc = targets_file_parse(path, text, len, out, n, d);
    free(text);
    return rc;
}
