/*
 * documents_exposed.c — documents.exposed_paths: files a careless deployment leaves readable.
 *
 * The target's origin is asked, without a session, for well-known files (.git, .env, backups,
 * server-status…; the exposed_paths table of scanner/listing.c). One counts as exposed only when
 * its body is that file's real content (the table's matchers) and is not what the server
 * answers for any random path: a status alone proves nothing, since many servers answer 200
 * "Page not found", and some answer every path with the same page. The random paths are asked
 * first and recorded as the baseline.
 */
#include "documents_exposed.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "html_form.h"
#include "http.h"
#include "scan.h"
#include "strbuf.h"
#include "target.h"
#include "util.h"

#define EXPOSED_ID "documents.exposed_paths"
#define EXPOSED_MAX_BODY 65536 /* every content signature is near the start */
#define EXPOSED_MAX_PATHS 32   /* rows of the exposed_paths table probed */
#define BASELINE_MAX 3         /* random paths asked first */
#define PREFIX_MAX 48          /* bytes of a baseline body recorded */
#define CTYPE_MAX 200
#define MAX_REDIRECTS 3
#define SIG_NAMES_MAX 5     /* .env variable names quoted */
#define SIG_LINE_MAX 80

/* ------------------------------------------------------------------------------------------ */
/* Pure helpers */

/* The media type of a Content-Type value: [*s, *s + returned length), parameters and OWS cut. */
static size_t media_type(const char **s)
{
    while (http_is_ows(**s))
        (*s)++;
    size_t n = strcspn(*s, ";");
    while (n && http_is_ows((*s)[n - 1]))
        n--;
    return n;
}

static int same_media(const char *a, const char *b)
{
    if (!a || !b)
        return !a && !b;
    size_t la = media_type(&a), lb = media_type(&b);
    return la == lb && strncasecmp(a, b, la) == 0;
}

int docs_like_baseline(const struct docs_answer *base, size_t n, const struct docs_answer *r,
                       int matched)
{
    for (size_t i = 0; i < n; i++) {
        const struct docs_answer *b = &base[i];
        if (b->status != r->status)
            continue;
        if (b->sha256 && r->sha256 && strcmp(b->sha256, r->sha256) == 0)
            return 1;
        if (matched || !same_media(b->content_type, r->content_type))
            continue;
        size_t d = b->length > r->length ? b->length - r->length : r->length - b->length;
        if (d <= b->length / 20) /* ±5%: a "not found" page that echoes the path */
            return 1;
    }
    return 0;
}

/* Bytes as text, non-printable ones as \xNN. */
static void add_escaped(struct strbuf *sb, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\')
            strbuf_addch(sb, (char)b[i]);
        else
            strbuf_addf(sb, "\\x%02x", b[i]);
    }
}

/* The first non-blank line of b, at most SIG_LINE_MAX bytes, into sb. */
static void add_first_line(struct strbuf *sb, const unsigned char *b, size_t n)
{
    size_t i = 0;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    size_t e = i;
    while (e < n && e - i < SIG_LINE_MAX && b[e] != '\n' && b[e] != '\r')
        e++;
    strbuf_add(sb, b + i, e - i);
}

/* "KEY=… lines: A, B (N variables)": the names of an .env file's variables, never values. */
static void add_env_names(struct strbuf *sb, const unsigned char *b, size_t n)
{
    size_t pos = 0, count = 0;
    strbuf_adds(sb, "variables (values not recorded):");
    for (int lines = 0; pos < n && lines < 500; lines++) {
        const unsigned char *s = b + pos, *nl = memchr(s, '\n', n - pos);
        size_t l = nl ? (size_t)(nl - s) : n - pos;
        pos += l + 1;
        while (l && (*s == ' ' || *s == '\t'))
            s++, l--;
        if (l > 7 && memcmp(s, "export ", 7) == 0)
            s += 7, l -= 7;
        size_t k = 0;
        while (k < l && k < 64 && (s[k] == '_' || s[k] == '.' || (s[k] >= '0' && s[k] <= '9') ||
                                   ((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z')))
            k++;
        if (k == 0 || k >= l || s[k] != '=')
            continue;
        if (count++ < SIG_NAMES_MAX) {
            strbuf_adds(sb, count > 1 ? ", " : " ");
            strbuf_add(sb, s, k);
        }
    }
    if (count > SIG_NAMES_MAX)
        strbuf_addf(sb, ", … (%zu in all)", count);
}

json_t *docs_exposed_signature(const struct exposed_path *p, const unsigned char *b, size_t n)
{
    static const char *const pages[] = { "server_status", "server_info", "phpinfo", "error_log",
                                         "trace", NULL };
    static const char *const binary[] = { "backup", "ds_store", "/.git/index", "/.svn/wc.db",
                                          NULL };
    struct strbuf sb = STRBUF_INIT;
    json_t *title = NULL;
    int is_page = 0, is_binary = 0;
    for (size_t i = 0; pages[i]; i++)
        is_page |= strcmp(p->kind, pages[i]) == 0;
    for (size_t i = 0; binary[i]; i++)
        is_binary |= strcmp(p->kind, binary[i]) == 0 || strcmp(p->path, binary[i]) == 0;
    if (strcmp(p->path, "/.git/HEAD") == 0 || strcmp(p->path, "/.svn/entries") == 0 ||
        (strcmp(p->kind, "sql_dump") == 0 && n > 3 && memcmp(b, "-- ", 3) == 0)) {
        add_first_line(&sb, b, n);
    } else if (strcmp(p->kind, "env") == 0) {
        add_env_names(&sb, b, n);
    } else if (is_page && (title = html_title((const char *)b, n))) {
        strbuf_addf(&sb, "page titled \"%s\"", json_string_value(title));
    } else if (is_page) {
        add_first_line(&sb, b, n);
    } else if (is_binary) {
        strbuf_adds(&sb, "starts with ");
        add_escaped(&sb, b, n < 8 ? n : 8);
    } else {
        strbuf_adds(&sb, "content in the file's own format");
    }
    json_decref(title);
    json_t *s = json_string_lossy(sb.buf, sb.len);
    strbuf_release(&sb);
    return s;
}

/* ------------------------------------------------------------------------------------------ */
/* Fetching */

/* One GET without a session, following redirects that stay on scope's origin. */
struct answer {
    struct http_response r;
    char *final_url;
    const char *ctype; /* borrowed from r.headers, or NULL */
    char sha[65];
};

static int fetch(struct scan *scan, const char *scope, const char *url, size_t max_body,
                 struct answer *a, struct coc_error *e)
{
    memset(a, 0, sizeof *a);
    if (http_get_follow(scan, scope, url, NULL, MAX_REDIRECTS, max_body, NULL, &a->r,
                        &a->final_url, e) < 0)
        return -1;
    a->ctype = http_header_first(&a->r, "content-type");
    sha256_hex(a->r.body.buf, a->r.body.len, a->sha);
    return 0;
}

static void answer_release(struct answer *a)
{
    http_response_release(&a->r);
    free(a->final_url);
}

/* The facts of an answer: {<key>: name, status, length, content_type?, truncated?,
 * final_url? (when redirected)}. */
static json_t *answer_json(const char *key, const char *name, const char *url,
                           const struct answer *a)
{
    json_t *o = json_pack("{s:s%, s:I, s:I}", key, name, strlen(name), "status",
                          (json_int_t)a->r.status, "length", (json_int_t)a->r.body.len);
    if (o && a->ctype) {
        size_t n = strlen(a->ctype);
        json_object_set_new(o, "content_type", json_string_lossy(a->ctype, n < CTYPE_MAX ? n
                                                                             : CTYPE_MAX));
    }
    if (o && a->r.body_truncated)
        json_object_set_new(o, "truncated", json_true());
    if (o && a->final_url && strcmp(a->final_url, url) != 0)
        json_object_set_new(o, "final_url", json_string_lossy(a->final_url,
                                                              strlen(a->final_url)));
    return o;
}

static json_t *error_json(const char *key, const char *name, const struct coc_error *e)
{
    return json_pack("{s:s%, s:o}", key, name, strlen(name), "error",
                     json_string_lossy(e->msg, strlen(e->msg)));
}

/* 16 random hex digits, so the baseline paths exist nowhere. */
static void random_hex(char out[17])
{
    unsigned char b[8];
    if (RAND_bytes(b, sizeof b) != 1) {
        unsigned long long v = (unsigned long long)clock_ms() * 0x9E3779B97F4A7C15ULL;
        memcpy(b, &v, sizeof b);
    }
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* ------------------------------------------------------------------------------------------ */
/* documents.exposed_paths: observe */

struct baseline {
    struct docs_answer ans[BASELINE_MAX];
    char sha[BASELINE_MAX][65];
    char *ctype[BASELINE_MAX];
    size_t n;
};

/* Ask for random paths: how the server answers for something that does not exist. */
static void baseline_fetch(struct scan *scan, const struct target *t, json_t *out,
                           struct baseline *b, struct coc_error *last)
{
    static const char *const forms[BASELINE_MAX] = { "/cocscan-%s", "/cocscan-%s.txt",
                                                     "/.cocscan-%s" };
    char hex[17], path[64];
    random_hex(hex);
    for (size_t i = 0; i < BASELINE_MAX; i++) {
        snprintf(path, sizeof path, forms[i], hex);
        char *url = target_resolve(t, path);
        struct answer a;
        if (!url || fetch(scan, t->url, url, EXPOSED_MAX_BODY, &a, last) < 0) {
            if (!url)
                snprintf(last->msg, sizeof last->msg, "out of memory");
            json_array_append_new(out, error_json("path", path, last));
            free(url);
            continue;
        }
        json_t *o = answer_json("path", path, url, &a);
        size_t pn = a.r.body.len < PREFIX_MAX ? a.r.body.len : PREFIX_MAX;
        json_object_set_new(o, "sha256", json_string(a.sha));
        json_object_set_new(o, "prefix", json_string_lossy(a.r.body.buf, pn));
        json_array_append_new(out, o);
        memcpy(b->sha[b->n], a.sha, sizeof a.sha);
        b->ctype[b->n] = a.ctype ? strdup(a.ctype) : NULL;
        b->ans[b->n] = (struct docs_answer){ a.r.status, b->ctype[b->n], a.r.body.len,
                                             b->sha[b->n] };
        b->n++;
        answer_release(&a);
        free(url);
    }
}

/* Ask for one well-known path; its facts, with whether its content is the real thing. */
static json_t *exposed_probe(struct scan *scan, const struct target *t,
                             const struct exposed_path *p, const struct baseline *b)
{
    struct answer a;
    struct coc_error e = { "" };
    char *url = target_resolve(t, p->path);
    if (!url || fetch(scan, t->url, url, EXPOSED_MAX_BODY, &a, &e) < 0) {
        if (!url)
            snprintf(e.msg, sizeof e.msg, "out of memory");
        json_t *o = error_json("path", p->path, &e);
        json_object_set_new(o, "kind", json_string(p->kind));
        free(url);
        return o;
    }
    const unsigned char *body = (const unsigned char *)a.r.body.buf;
    int ok = a.r.status >= 200 && a.r.status < 300;
    int matched = p->match(body, a.r.body.len);
    struct docs_answer ans = { a.r.status, a.ctype, a.r.body.len, a.sha };
    int like = docs_like_baseline(b->ans, b->n, &ans, matched);
    json_t *o = answer_json("path", p->path, url, &a);
    json_object_set_new(o, "kind", json_string(p->kind));
    json_object_set_new(o, "matched", json_boolean(matched));
    json_object_set_new(o, "like_baseline", json_boolean(like));
    json_object_set_new(o, "exposed", json_boolean(ok && matched && !like));
    if (matched)
        json_object_set_new(o, "signature", docs_exposed_signature(p, body, a.r.body.len));
    answer_release(&a);
    free(url);
    return o;
}

static int exposed_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (json_object_get(obs, "exposed_paths"))
        return 0;
    json_t *base = json_array(), *paths = json_array();
    json_t *o = json_pack("{s:o, s:o}", "baseline", base, "paths", paths);
    if (!o || json_object_set_new(obs, "exposed_paths", o) < 0)
        return obs_error(obs, EXPOSED_ID, "out of memory");
    struct baseline b = { .n = 0 };
    struct coc_error last = { "" };
    int rc = 0;
    baseline_fetch(scan, t, base, &b, &last);
    if (b.n == 0) {
        rc = obs_error(obs, EXPOSED_ID, "no answer for a random path, so real files cannot be "
                                        "told from a \"not found\" page: %s", last.msg);
        goto out;
    }
    size_t count = 0;
    for (const struct exposed_path *p = exposed_paths; p->path && count < EXPOSED_MAX_PATHS;
         p++, count++)
        json_array_append_new(paths, exposed_probe(scan, t, p, &b));
out:
    for (size_t i = 0; i < b.n; i++)
        free(b.ctype[i]);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* documents.exposed_paths: judge */

/* Does the profile's `ignore` (a list, or one string) name this path or its kind? */
static int ignored(const json_t *ignore, const char *path, const char *kind)
{
    if (json_is_string(ignore))
        return strcmp(json_string_value(ignore), path) == 0 ||
               (kind && strcmp(json_string_value(ignore), kind) == 0);
    size_t i;
    json_t *v;
    json_array_foreach(ignore, i, v) {
        const char *s = json_string_value(v);
        if (s && (strcmp(s, path) == 0 || (kind && strcmp(s, kind) == 0)))
            return 1;
    }
    return 0;
}

static enum status exposed_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *o = json_object_get(obs, "exposed_paths");
    if (!json_is_object(o)) {
        result_evidencef(r, "no exposed-paths observation was recorded");
        return ST_ERROR;
    }
    size_t i, n_base = 0, n_soft = 0, n_probed = 0, n_err = 0;
    json_t *v;
    json_array_foreach(json_object_get(o, "baseline"), i, v) {
        json_int_t st = json_integer_value(json_object_get(v, "status"));
        n_base += json_object_get(v, "status") != NULL;
        n_soft += st >= 200 && st < 300;
    }
    if (!n_base) {
        result_evidencef(r, "no random path could be fetched, so a real file cannot be told "
                            "from a \"not found\" page");
        return ST_ERROR;
    }
    const json_t *ignore = json_object_get(expect, "ignore");
    struct strbuf found = STRBUF_INIT, skipped = STRBUF_INIT;
    const char *first_err = NULL, *err_path = NULL;
    json_t *exposed = json_array();
    json_array_foreach(json_object_get(o, "paths"), i, v) {
        const char *path = json_string_value(json_object_get(v, "path"));
        const char *kind = json_string_value(json_object_get(v, "kind"));
        if (!path)
            continue;
        if (json_object_get(v, "error")) {
            if (!n_err++) {
                first_err = json_string_value(json_object_get(v, "error"));
                err_path = path;
            }
            continue;
        }
        n_probed++;
        if (!json_is_true(json_object_get(v, "exposed")))
            continue;
        if (ignored(ignore, path, kind)) {
            strbuf_addf(&skipped, "%s%s", skipped.len ? ", " : "", path);
            continue;
        }
        const struct exposed_path *p = exposed_path_find(path);
        const char *sig = json_string_value(json_object_get(v, "signature"));
        strbuf_addf(&found, "%s%s (%s: %s)", found.len ? "; " : "", path,
                    p ? p->what : kind ? kind : "?", sig ? sig : "content matched");
        json_array_append_new(exposed, json_string(path));
    }
    r->observed = json_pack("{s:o, s:I, s:I, s:b}", "exposed", exposed, "probed",
                            (json_int_t)n_probed, "errors", (json_int_t)n_err, "soft_404",
                            n_soft > 0);
    enum status st;
    if (found.len) {
        result_evidencef(r, "%zu well-known file(s) served with their real content to anyone: "
                            "%s", json_array_size(exposed), found.buf);
        st = ST_FAIL;
    } else if (n_err) {
        result_evidencef(r, "%zu of %zu well-known paths could not be fetched (%s: %s); none "
                            "of the others serves its real content",
                         n_err, n_err + n_probed, err_path, first_err ? first_err : "?");
        st = ST_ERROR;
    } else {
        result_evidencef(r, "none of %zu well-known paths (.git, .env, backups, server status…) "
                            "serves its real content%s%s%s", n_probed,
                         n_soft ? "; random paths are answered 200 (a soft 404), which is not "
                                  "taken for a file" : "",
                         skipped.len ? "; exposed but ignored by the profile: " : "",
                         skipped.len ? skipped.buf : "");
        st = ST_PASS;
    }
    strbuf_release(&found);
    strbuf_release(&skipped);
    return st;
}

static const struct expect_key exposed_keys[] = {
    { "ignore", EXP_STRING_LIST, NULL,
      "paths (/server-status) or kinds (server_status) not to flag, e.g. a status page that "
      "is public on purpose (default none)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_documents_exposed_paths = {
    .id = "documents.exposed_paths",
    .family = "documents",
    .title = "No repository metadata, secrets, backups or status pages readable by anyone",
    .observe = exposed_observe,
    .judge = exposed_judge,
    .expect_keys = exposed_keys,
};
