/*
 * diff_obs.c — what a server shows differently between two scans, from the two targets'
 * observations. The changes people ask about come first, each with a sentence of its own: TLS
 * protocols and cipher suites accepted (added, removed), the certificate (renewed or replaced:
 * fingerprint, serial, not_after, subject, issuer, key), the intermediates, response header
 * values. Everything else is compared as JSON under readable paths
 * (`http.cookies[0].httponly`, `tls.cipher_order["TLSv1.2"].order`): objects by key, lists of
 * plain values as sets (added, removed, or only reordered), lists of objects item by item when
 * their lengths agree and as multisets otherwise.
 *
 * What changes on every scan of an unchanged server is left out, or every diff would be noise:
 * the Date, Age, Expires, Last-Modified, ETag and Content-Length headers, the certificate's days
 * remaining, the number of probes sent, the trust store used, and the random paths asked to
 * learn how the server answers for nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "diff_int.h"
#include "strbuf.h"
#include "util.h"

#define VALUE_MAX 120 /* bytes of a value quoted in a summary */
#define LIST_MAX 6    /* items of a list named in a summary */

struct od {
    json_t *out;
    size_t max;
    long more; /* changes beyond max */
    int oom;
    int cert_changed; /* the leaf changed: its fields and the chain are not compared again */
    struct strbuf path;
};

/* Headers that differ on every response. */
static const char *const volatile_headers[] = { "date", "age", "expires", "last-modified",
                                                "etag", "content-length" };

/* Paths never compared as JSON: covered by a specific change, or different on every scan. */
static const char *const skip_paths[] = {
    "tls.protocols",          "tls.ciphers",           "tls.probes",
    "cert.leaf.days_remaining", "cert.verify.trust_store", "http.headers",
    "http.chain[*].headers", "documents.exposed_paths.baseline[*].path",
};

/* json_equal that takes absent (NULL) values: equal when both are. */
static int same(const json_t *a, const json_t *b)
{
    return a && b ? json_equal((json_t *)a, (json_t *)b) : a == b;
}

static const json_t *get2(const json_t *o, const char *a, const char *b)
{
    return json_object_get(json_object_get(o, a), b);
}

/* Does path match pattern, where "[*]" in the pattern stands for any index? */
static int path_match(const char *path, const char *pat)
{
    while (*pat) {
        if (strncmp(pat, "[*]", 3) == 0 && *path == '[') {
            path++;
            while (*path >= '0' && *path <= '9')
                path++;
            if (*path++ != ']')
                return 0;
            pat += 3;
        } else if (*path++ != *pat++) {
            return 0;
        }
    }
    return *path == '\0';
}

static int skipped(const struct od *d)
{
    const char *path = d->path.buf;
    for (size_t i = 0; i < sizeof skip_paths / sizeof skip_paths[0]; i++)
        if (path_match(path, skip_paths[i]))
            return 1;
    return d->cert_changed && (strcmp(path, "cert.leaf") == 0 || strcmp(path, "cert.chain") == 0);
}

static int volatile_header(const char *name)
{
    for (size_t i = 0; i < sizeof volatile_headers / sizeof volatile_headers[0]; i++)
        if (strcmp(name, volatile_headers[i]) == 0)
            return 1;
    return 0;
}

/* Append ".key" (or ["key"] when key is not a plain name) to a path. 0 ok, -1 out of memory. */
static int append_key(struct strbuf *path, const char *key)
{
    int plain = *key != '\0' && !(*key >= '0' && *key <= '9');
    for (const char *k = key; *k && plain; k++)
        plain = (*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
                (*k >= '0' && *k <= '9') || *k == '_' || *k == '-';
    if (plain)
        return strbuf_addf(path, "%s%s", path->len ? "." : "", key);
    int rc = strbuf_adds(path, "[\"");
    for (const char *k = key; *k && rc == 0; k++)
        rc = (*k == '"' || *k == '\\') ? strbuf_addf(path, "\\%c", *k) : strbuf_addch(path, *k);
    return rc == 0 ? strbuf_adds(path, "\"]") : rc;
}

static void path_key(struct od *d, const char *key)
{
    if (append_key(&d->path, key) != 0)
        d->oom = 1;
}

static void path_cut(struct od *d, size_t len)
{
    if (d->path.cap && len < d->path.len) { /* cap 0: still the shared empty string */
        d->path.len = len;
        d->path.buf[len] = '\0';
    }
}

/* A value in a summary: a string quoted, anything else as compact JSON; cut at VALUE_MAX. */
static void add_value(struct strbuf *sb, const json_t *v)
{
    char *js = NULL;
    const char *s;
    size_t n;
    if (json_is_string(v)) {
        s = json_string_value(v);
        n = json_string_length(v);
        strbuf_addch(sb, '"');
    } else {
        js = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        s = js ? js : "?";
        n = strlen(s);
    }
    size_t cut = n;
    if (cut > VALUE_MAX) {
        cut = VALUE_MAX;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    for (size_t i = 0; i < cut; i++) /* a string may hold NUL: show it as a space */
        strbuf_addch(sb, s[i] ? s[i] : ' ');
    if (cut < n)
        strbuf_adds(sb, "\xE2\x80\xA6");
    if (json_is_string(v))
        strbuf_addch(sb, '"');
    free(js);
}

/* "a, b, c and 4 more": strings bare (or quoted, when bare is 0), other values as compact
 * JSON. */
static void add_list(struct strbuf *sb, const json_t *list, int bare)
{
    size_t i, n = json_array_size(list);
    const json_t *v;
    json_array_foreach(list, i, v) {
        if (i == LIST_MAX) {
            strbuf_addf(sb, " and %zu more", n - LIST_MAX);
            break;
        }
        strbuf_adds(sb, i ? ", " : "");
        if (bare && json_is_string(v))
            strbuf_add(sb, json_string_value(v), strnlen(json_string_value(v), VALUE_MAX));
        else
            add_value(sb, v);
    }
}

/* Record one change; every json_t is a new reference (or NULL, left out), taken here. */
static void emit(struct od *d, const char *kind, const char *change, const char *path,
                 struct strbuf *summary, json_t *old, json_t *new, json_t *added,
                 json_t *removed)
{
    if (json_array_size(d->out) >= d->max) {
        d->more++;
        json_decref(old);
        json_decref(new);
        json_decref(added);
        json_decref(removed);
        return;
    }
    json_t *e = json_object();
    if (json_object_set_new(e, "kind", json_string(kind)) ||
        json_object_set_new(e, "change", json_string(change)) ||
        json_object_set_new(e, "path", json_string_lossy(path, strlen(path))) ||
        json_object_set_new(e, "summary", json_string_lossy(summary->buf, summary->len)) ||
        (old && json_object_set_new(e, "old", old)) ||
        (new && json_object_set_new(e, "new", new)) ||
        (added && json_object_set_new(e, "added", added)) ||
        (removed && json_object_set_new(e, "removed", removed)) ||
        json_array_append_new(d->out, e))
        d->oom = 1;
}

/* A value's identity for set comparison: its compact, key-sorted JSON. Caller frees. */
static char *identity(const json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

/* The items of a that are not in b (by value). New reference; NULL when memory ran out. */
static json_t *minus(const json_t *a, const json_t *b)
{
    json_t *seen = json_object(), *out = json_array();
    size_t i;
    const json_t *v;
    int bad = !seen || !out;
    json_array_foreach(b, i, v) {
        char *id = identity(v);
        bad |= !id || json_object_set_new(seen, id, json_true()) != 0;
        free(id);
    }
    json_array_foreach(a, i, v) {
        char *id = identity(v);
        bad |= !id;
        if (id && !json_object_get(seen, id))
            bad |= json_array_append_new(out, json_deep_copy(v)) != 0;
        free(id);
    }
    json_decref(seen);
    if (bad) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* Added and removed items of two lists, as one change when there are any. what: the words;
 * the items are named bare for the "tls_*" kinds (protocol and suite names), quoted otherwise. */
static int set_change(struct od *d, const char *kind, const char *path, const char *what,
                      const json_t *old, const json_t *new)
{
    json_t *added = minus(new, old), *removed = minus(old, new);
    if (!added || !removed) {
        d->oom = 1;
        json_decref(added);
        json_decref(removed);
        return 0;
    }
    if (json_array_size(added) == 0 && json_array_size(removed) == 0) {
        json_decref(added);
        json_decref(removed);
        return 0;
    }
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s:", what);
    if (json_array_size(added)) {
        strbuf_adds(&sb, " added ");
        add_list(&sb, added, strncmp(kind, "tls_", 4) == 0);
    }
    if (json_array_size(removed)) {
        strbuf_adds(&sb, json_array_size(added) ? "; removed " : " removed ");
        add_list(&sb, removed, strncmp(kind, "tls_", 4) == 0);
    }
    emit(d, kind, "changed", path, &sb, NULL, NULL, added, removed);
    strbuf_release(&sb);
    return 1;
}

static int all_scalar(const json_t *list)
{
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v)
        if (json_is_object(v) || json_is_array(v))
            return 0;
    return 1;
}

static void diff_value(struct od *d, const json_t *a, const json_t *b, int in_headers);

static void diff_object(struct od *d, const json_t *a, const json_t *b, int in_headers)
{
    const char *key;
    json_t *v;
    size_t len = d->path.len;
    json_object_foreach((json_t *)a, key, v) {
        path_key(d, key);
        const json_t *w = json_object_get(b, key);
        if (!(in_headers && volatile_header(key)) && !skipped(d)) {
            if (w) {
                diff_value(d, v, w, strcmp(key, "headers") == 0);
            } else {
                struct strbuf sb = STRBUF_INIT;
                strbuf_addf(&sb, "%s: removed (was ", d->path.buf);
                add_value(&sb, v);
                strbuf_adds(&sb, ")");
                emit(d, "value", "removed", d->path.buf, &sb, json_deep_copy(v), NULL, NULL,
                     NULL);
                strbuf_release(&sb);
            }
        }
        path_cut(d, len);
    }
    json_object_foreach((json_t *)b, key, v) {
        if (json_object_get(a, key))
            continue;
        path_key(d, key);
        if (!(in_headers && volatile_header(key)) && !skipped(d)) {
            struct strbuf sb = STRBUF_INIT;
            strbuf_addf(&sb, "%s: added ", d->path.buf);
            add_value(&sb, v);
            emit(d, "value", "added", d->path.buf, &sb, NULL, json_deep_copy(v), NULL, NULL);
            strbuf_release(&sb);
        }
        path_cut(d, len);
    }
}

static void diff_array(struct od *d, const json_t *a, const json_t *b)
{
    size_t na = json_array_size(a), nb = json_array_size(b), len = d->path.len;
    if (all_scalar(a) && all_scalar(b)) {
        if (!set_change(d, "value", d->path.buf, d->path.buf, a, b)) {
            struct strbuf sb = STRBUF_INIT;
            if (na == nb)
                strbuf_addf(&sb, "%s: order changed", d->path.buf);
            else
                strbuf_addf(&sb, "%s (%zu item%s \xE2\x86\x92 %zu): the same items, some "
                                 "repeated", d->path.buf, na, na == 1 ? "" : "s", nb);
            emit(d, "value", na == nb ? "reordered" : "changed", d->path.buf, &sb,
                 json_deep_copy(a), json_deep_copy(b), NULL, NULL);
            strbuf_release(&sb);
        }
        return;
    }
    if (na == nb) {
        for (size_t i = 0; i < na; i++) {
            if (strbuf_addf(&d->path, "[%zu]", i) != 0)
                d->oom = 1;
            if (!skipped(d))
                diff_value(d, json_array_get(a, i), json_array_get(b, i), 0);
            path_cut(d, len);
        }
        return;
    }
    char what[160];
    snprintf(what, sizeof what, "%zu item%s \xE2\x86\x92 %zu", na, na == 1 ? "" : "s", nb);
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s (%s)", d->path.buf, what);
    if (!set_change(d, "value", d->path.buf, sb.buf, a, b)) {
        strbuf_adds(&sb, ": the same items, some repeated");
        emit(d, "value", "changed", d->path.buf, &sb, json_deep_copy(a), json_deep_copy(b),
             NULL, NULL);
    }
    strbuf_release(&sb);
}

static void diff_value(struct od *d, const json_t *a, const json_t *b, int in_headers)
{
    if (json_equal((json_t *)a, (json_t *)b))
        return;
    if (json_is_object(a) && json_is_object(b)) {
        diff_object(d, a, b, in_headers);
    } else if (json_is_array(a) && json_is_array(b)) {
        diff_array(d, a, b);
    } else {
        struct strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "%s: ", d->path.buf);
        add_value(&sb, a);
        strbuf_adds(&sb, " \xE2\x86\x92 ");
        add_value(&sb, b);
        emit(d, "value", "changed", d->path.buf, &sb, json_deep_copy(a), json_deep_copy(b), NULL,
             NULL);
        strbuf_release(&sb);
    }
}

/* A list member of a family both sides observed, or an empty list: NULL if a side lacks the
 * family (the generic comparison reports a family added or removed). */
static json_t *list_of(const json_t *obs, const json_t *other, const char *family,
                       const char *key)
{
    if (!json_is_object(json_object_get(obs, family)) ||
        !json_is_object(json_object_get(other, family)))
        return NULL;
    const json_t *v = get2(obs, family, key);
    return json_is_array(v) ? json_incref((json_t *)v) : json_array();
}

static void protocols(struct od *d, const json_t *o, const json_t *n)
{
    json_t *a = list_of(o, n, "tls", "protocols"), *b = list_of(n, o, "tls", "protocols");
    if (a && b)
        set_change(d, "tls_protocols", "tls.protocols", "TLS protocols accepted", a, b);
    json_decref(a);
    json_decref(b);
}

/* "TLSv1.2 TLS_RSA_WITH_AES_128_CBC_SHA" for each accepted suite. New reference. */
static json_t *suite_names(const json_t *ciphers)
{
    json_t *out = json_array();
    size_t i;
    const json_t *c;
    json_array_foreach(ciphers, i, c) {
        const char *proto = json_string_value(json_object_get(c, "protocol"));
        const char *name = json_string_value(json_object_get(c, "name"));
        if (!name)
            name = json_string_value(json_object_get(c, "code"));
        struct strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "%s%s%s", proto ? proto : "", proto ? " " : "", name ? name : "?");
        json_array_append_new(out, json_string_lossy(sb.buf, sb.len));
        strbuf_release(&sb);
    }
    return out;
}

static void ciphers(struct od *d, const json_t *o, const json_t *n)
{
    json_t *a = list_of(o, n, "tls", "ciphers"), *b = list_of(n, o, "tls", "ciphers");
    if (a && b) {
        json_t *sa = suite_names(a), *sb = suite_names(b);
        if (sa && sb)
            set_change(d, "tls_ciphers", "tls.ciphers", "TLS cipher suites accepted", sa, sb);
        else
            d->oom = 1;
        json_decref(sa);
        json_decref(sb);
    }
    json_decref(a);
    json_decref(b);
}

/* The certificate facts people compare, from a leaf or chain entry. New reference. */
static json_t *cert_facts(const json_t *c)
{
    static const char *const keys[] = { "sha256",   "serial",  "subject",
                                        "issuer",   "not_before", "not_after",
                                        "key_type", "key_bits", "signature_algorithm" };
    json_t *out = json_object();
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        json_t *v = json_object_get(c, keys[i]);
        if (v)
            json_object_set_new(out, keys[i], json_deep_copy(v));
    }
    return out;
}

/* "; what a → b" when key differs between the two facts. */
static void fact_change(struct strbuf *sb, const json_t *a, const json_t *b, const char *key,
                        const char *what)
{
    const json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
    if (same(x, y))
        return;
    strbuf_addf(sb, "; %s ", what);
    if (x)
        add_value(sb, x);
    else
        strbuf_adds(sb, "(none)");
    strbuf_adds(sb, " \xE2\x86\x92 ");
    if (y)
        add_value(sb, y);
    else
        strbuf_adds(sb, "(none)");
}

static void certificate(struct od *d, const json_t *o, const json_t *n)
{
    const json_t *a = get2(o, "cert", "leaf"), *b = get2(n, "cert", "leaf");
    if (!json_is_object(a) || !json_is_object(b))
        return;
    const json_t *fa = json_object_get(a, "sha256"), *fb = json_object_get(b, "sha256");
    const json_t *sa = json_object_get(a, "serial"), *sb_ = json_object_get(b, "serial");
    if (same(fa, fb) && same(sa, sb_))
        return;
    d->cert_changed = 1;
    json_t *x = cert_facts(a), *y = cert_facts(b);
    int same_subject = same(json_object_get(a, "subject"), json_object_get(b, "subject"));
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, same_subject ? "certificate renewed" : "certificate replaced");
    fact_change(&sb, x, y, "not_after", "not_after");
    fact_change(&sb, x, y, "serial", "serial");
    fact_change(&sb, x, y, "subject", "subject");
    fact_change(&sb, x, y, "issuer", "issuer");
    fact_change(&sb, x, y, "key_type", "key");
    fact_change(&sb, x, y, "key_bits", "key bits");
    fact_change(&sb, x, y, "signature_algorithm", "signature");
    fact_change(&sb, x, y, "sha256", "fingerprint (SHA-256)");
    emit(d, "certificate", "changed", "cert.leaf", &sb, x, y, NULL, NULL);
    strbuf_release(&sb);

    /* the intermediates (the chain after the leaf), by fingerprint */
    const json_t *ca = get2(o, "cert", "chain"), *cb = get2(n, "cert", "chain");
    if (!json_is_array(ca) || !json_is_array(cb))
        return;
    json_t *ia = json_array(), *ib = json_array();
    for (size_t i = 1; i < json_array_size(ca); i++)
        json_array_append_new(ia, cert_facts(json_array_get(ca, i)));
    for (size_t i = 1; i < json_array_size(cb); i++)
        json_array_append_new(ib, cert_facts(json_array_get(cb, i)));
    if (!json_equal(ia, ib)) {
        struct strbuf s2 = STRBUF_INIT;
        strbuf_addf(&s2, "intermediate certificates changed: %zu \xE2\x86\x92 %zu",
                    json_array_size(ia), json_array_size(ib));
        emit(d, "certificate_chain", "changed", "cert.chain", &s2, json_incref(ia),
             json_incref(ib), NULL, NULL);
        strbuf_release(&s2);
    }
    json_decref(ia);
    json_decref(ib);
}

/* A header's values for a summary: "v" or "v1", "v2". */
static void header_values(struct strbuf *sb, const json_t *v)
{
    if (!json_is_array(v)) {
        add_value(sb, v);
        return;
    }
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x) {
        strbuf_adds(sb, i ? ", " : "");
        add_value(sb, x);
    }
}

/* One header's change; hop: the redirect hop's index, or -1 for the final response. */
static void header(struct od *d, long hop, const char *name, const json_t *was,
                   const json_t *now)
{
    struct strbuf path = STRBUF_INIT, sb = STRBUF_INIT;
    int rc = append_key(&path, "http");
    if (hop >= 0)
        rc = rc ? rc : strbuf_addf(&path, ".chain[%ld]", hop);
    if (rc || append_key(&path, "headers") || append_key(&path, name))
        d->oom = 1;
    strbuf_addf(&sb, "header %s", name);
    if (hop >= 0)
        strbuf_addf(&sb, " (redirect %ld)", hop + 1);
    if (!was) {
        strbuf_adds(&sb, " added: ");
        header_values(&sb, now);
    } else if (!now) {
        strbuf_adds(&sb, " removed (was ");
        header_values(&sb, was);
        strbuf_adds(&sb, ")");
    } else {
        strbuf_adds(&sb, ": ");
        header_values(&sb, was);
        strbuf_adds(&sb, " \xE2\x86\x92 ");
        header_values(&sb, now);
    }
    emit(d, "header", !was ? "added" : !now ? "removed" : "changed", path.buf, &sb,
         was ? json_deep_copy(was) : NULL, now ? json_deep_copy(now) : NULL, NULL, NULL);
    strbuf_release(&path);
    strbuf_release(&sb);
}

static void header_map(struct od *d, long hop, const json_t *a, const json_t *b)
{
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)a, name, v) {
        const json_t *w = json_object_get(b, name);
        if (!volatile_header(name) && !same(v, w))
            header(d, hop, name, v, w);
    }
    json_object_foreach((json_t *)b, name, v)
        if (!volatile_header(name) && !json_object_get(a, name))
            header(d, hop, name, NULL, v);
}

/* The final response's headers, then those of each redirect before it (http.chain: the last
 * hop is the final response), hop by hop when both scans were redirected the same way. */
static void headers(struct od *d, const json_t *o, const json_t *n)
{
    if (!json_is_object(json_object_get(o, "http")) || !json_is_object(json_object_get(n, "http")))
        return;
    header_map(d, -1, get2(o, "http", "headers"), get2(n, "http", "headers"));
    const json_t *ca = get2(o, "http", "chain"), *cb = get2(n, "http", "chain");
    size_t hops = json_array_size(ca);
    if (hops < 2 || hops != json_array_size(cb))
        return;
    for (size_t i = 0; i + 1 < hops; i++)
        header_map(d, (long)i, json_object_get(json_array_get(ca, i), "headers"),
                   json_object_get(json_array_get(cb, i), "headers"));
}

long diff_observations(const json_t *old_obs, const json_t *new_obs, json_t *changes,
                       size_t max)
{
    struct od d = { changes, max, 0, 0, 0, STRBUF_INIT };
    protocols(&d, old_obs, new_obs);
    ciphers(&d, old_obs, new_obs);
    certificate(&d, old_obs, new_obs);
    headers(&d, old_obs, new_obs);
    if (!json_equal((json_t *)old_obs, (json_t *)new_obs))
        diff_value(&d, old_obs ? old_obs : json_null(), new_obs ? new_obs : json_null(), 0);
    strbuf_release(&d.path);
    return d.oom ? -1 : d.more;
}
