/*
 * documents_listing.c — documents.listing: can anyone list where the documents are kept?
 *
 * Directories — the parents of the account's document URLs (configured, and found by
 * documents.crawl when it ran first), common upload paths, and the start page itself — are
 * asked without a session for a web server's directory listing (nginx autoindex, Apache
 * mod_autoindex, IIS directory browsing…, recognised by structure in scanner/listing.c).
 * Object stores — every storage: URL of the target, and object-storage links on the start page
 * — are asked for a bucket listing (S3 ListBucketResult, Azure EnumerationResults), as given
 * and then as an explicit list request. A store linked on another host than the target's is
 * recorded but never contacted: the user lists it under storage: to have it probed.
 */
#include "documents_listing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "documents.h"
#include "html_form.h"
#include "http.h"
#include "listing.h"
#include "scan.h"
#include "strbuf.h"
#include "target.h"
#include "url.h"
#include "util.h"

#define LISTING_ID "documents.listing"
#define LISTING_MAX_BODY (256 * 1024)
#define LISTING_MAX_REDIRECTS 3
#define DIRS_MAX 16         /* directories asked for a listing */
#define LINKS_MAX 512       /* start-page links looked at */
#define STORES_MAX 16       /* object-store URLs recorded */
#define STORE_PROBES_MAX 8  /* of which probed (each at most twice) */
#define NOT_PROBED_NOTE                                                                        \
    "not probed (outside the target's scope; list it under storage: to probe it)"

/* ------------------------------------------------------------------------------------------ */
/* Pure helpers */

/* Does list hold the string s (exactly)? */
static int list_has(const json_t *list, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
        if (json_string_value(v) && strcmp(json_string_value(v), s) == 0)
            return 1;
    return 0;
}

/* Append url to list unless present or full; takes url (may be NULL). */
static void add_unique(json_t *list, char *url, size_t max)
{
    if (url && json_array_size(list) < max && !list_has(list, url))
        json_array_append_new(list, json_string_lossy(url, strlen(url)));
    free(url);
}

json_t *docs_dir_candidates(const char *origin_url, const json_t *docs, size_t max)
{
    static const char *const common[] = { "/uploads/", "/files/", "/documents/",
                                          "/attachments/", "/media/", "/upload/",
                                          "/static/uploads/", "/userfiles/", NULL };
    json_t *list = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(docs, i, v) {
        const char *doc = json_string_value(v);
        struct url_parts u;
        if (!list || !doc || url_split(doc, &u) < 0 || !url_same_origin(origin_url, doc))
            continue;
        /* every '/' before the last segment ends a parent directory; the root is left out */
        for (size_t k = u.path_len > 1 ? u.path_len - 1 : 0; k-- > 1;) {
            if (u.path[k] != '/')
                continue;
            char *dir = strndup(u.path, k + 1);
            add_unique(list, dir ? url_with_path(origin_url, dir) : NULL, max);
            free(dir);
        }
    }
    for (i = 0; list && common[i]; i++)
        add_unique(list, url_with_path(origin_url, common[i]), max);
    return list;
}

/* Does host end with suffix, a whole-label suffix such as ".blob.core.windows.net"? */
static int host_ends(const char *host, const char *suffix)
{
    size_t h = strlen(host), s = strlen(suffix);
    return h > s && strcasecmp(host + h - s, suffix) == 0;
}

/* Does s[0..n) contain needle, ASCII case-insensitively? */
static int has_ci(const char *s, size_t n, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = 0; s && i + nl <= n; i++)
        if (strncasecmp(s + i, needle, nl) == 0)
            return 1;
    return 0;
}

/* A path segment naming storage: 2 for "storage" or an "s3" word (the bucket follows it),
 * 1 for one with "bucket" in it (the bucket itself), else 0. */
static int store_segment(const char *s, size_t n)
{
    if (has_ci(s, n, "bucket"))
        return 1;
    if (ascii_casecmp_n(s, n, "storage") == 0 || ascii_casecmp_n(s, n, "s3") == 0)
        return 2;
    return n > 3 && strncasecmp(s, "s3", 2) == 0 && (s[2] == '-' || s[2] == '_') ? 2 : 0;
}

/* The root path of a storage link's path, through the bucket segment; NULL when the path
 * names no storage. Caller frees. */
static char *store_path_root(const char *path, size_t len)
{
    size_t i = 0, end = 0;
    while (i < len) {
        size_t s = i + 1, e = s;
        while (e < len && path[e] != '/')
            e++;
        int kind = store_segment(path + s, e - s);
        if (kind) {
            end = e;
            if (kind == 2 && e < len) {
                /* "storage/<bucket>/…", or a last segment without a dot (not an object) */
                size_t b = e + 1;
                while (b < len && path[b] != '/')
                    b++;
                if (b > e + 1 && (b < len || !memchr(path + e + 1, '.', b - e - 1)))
                    end = b;
            }
            char *root = malloc(end + 2);
            if (root) {
                memcpy(root, path, end);
                memcpy(root + end, "/", 2);
            }
            return root;
        }
        i = e;
    }
    return NULL;
}

/* The first path segment of u as "/seg" + tail, or "/" + tail when there is none. */
static char *first_segment_root(const struct url_parts *u, const char *tail_seg, const char *tail)
{
    size_t n = 0;
    if (u->path_len > 1)
        while (1 + n < u->path_len && u->path[1 + n] != '/')
            n++;
    struct strbuf sb = STRBUF_INIT;
    if (strbuf_addch(&sb, '/') < 0 || strbuf_add(&sb, u->path + 1, n) < 0 ||
        strbuf_adds(&sb, n ? tail_seg : tail) < 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb, NULL);
}

int docs_store_root(const char *link, char **root, const char **kind)
{
    struct url_parts u;
    char *path = NULL;
    *root = NULL;
    *kind = NULL;
    if (!link || url_split(link, &u) < 0)
        return 0;
    const char *h = u.host;
    if (has_ci(u.query, u.query_len, "restype=container") ||
        has_ci(u.query, u.query_len, "comp=list")) {
        *kind = "azure"; /* the link is a listing request itself */
        *root = strdup(link);
        return *root ? 1 : -1;
    }
    if (has_ci(u.query, u.query_len, "list-type=")) {
        *kind = "s3";
        *root = strdup(link);
        return *root ? 1 : -1;
    }
    if (host_ends(h, ".blob.core.windows.net")) {
        *kind = "azure";
        path = first_segment_root(&u, "?restype=container&comp=list", "?comp=list");
    } else if (strncasecmp(h, "s3.", 3) == 0 || strncasecmp(h, "s3-", 3) == 0) {
        *kind = "s3"; /* path-style: the bucket is the first segment */
        path = first_segment_root(&u, "/", "");
    } else if (strstr(h, ".s3.") || strstr(h, ".s3-")) {
        *kind = "s3"; /* virtual-hosted: the bucket is the host */
        path = strdup("/");
    } else if (strcasecmp(h, "storage.googleapis.com") == 0) {
        *kind = "gcs";
        path = first_segment_root(&u, "/", "");
    } else if (host_ends(h, ".storage.googleapis.com")) {
        *kind = "gcs";
        path = strdup("/");
    } else if ((path = store_path_root(u.path, u.path_len))) {
        *kind = "storage";
    } else {
        return 0;
    }
    *root = path ? url_with_path(link, path) : NULL;
    free(path);
    return *root ? 1 : -1;
}

/* ------------------------------------------------------------------------------------------ */
/* Observe */

/* GET url without a session, following redirects on scope's origin: {status, final_url? (when
 * redirected)} into o, or {error}; the body in *r (released by the caller on 0). */
static int get(struct scan *scan, const char *scope, const char *url, json_t *o,
               struct http_response *r)
{
    char *final_url = NULL;
    struct coc_error e = { "" };
    if (http_get_follow(scan, scope, url, NULL, LISTING_MAX_REDIRECTS, LISTING_MAX_BODY, NULL, r,
                        &final_url, &e) < 0) {
        json_object_set_new(o, "error", json_string_lossy(e.msg, strlen(e.msg)));
        return -1;
    }
    json_object_set_new(o, "status", json_integer(r->status));
    if (strcmp(final_url, url) != 0)
        json_object_set_new(o, "final_url", json_string_lossy(final_url, strlen(final_url)));
    free(final_url);
    return 0;
}

/* A directory asked for its listing: {url, status, final_url?, listing?} or {url, error}.
 * With links set (the start page), also the page's links. */
static json_t *dir_probe(struct scan *scan, const char *scope, const char *url, json_t **links)
{
    struct http_response r;
    json_t *o = json_pack("{s:s%}", "url", url, strlen(url));
    if (get(scan, scope, url, o, &r) < 0)
        return o;
    const char *final = json_string_value(json_object_get(o, "final_url"));
    if (r.status >= 200 && r.status < 300) {
        json_t *l = listing_detect_html(r.body.buf, r.body.len, final ? final : url);
        if (l)
            json_object_set_new(o, "listing", l);
    }
    if (links)
        *links = html_links(r.body.buf, r.body.len, final ? final : url, LINKS_MAX);
    http_response_release(&r);
    return o;
}

/* The URL that asks a store explicitly for a list, or NULL when url already does. Caller
 * frees. */
static char *list_request(const char *url, const char *kind)
{
    int azure = strcmp(kind, "azure") == 0;
    const char *add = !azure                      ? "list-type=2"
                      : strstr(url, "restype=")   ? "comp=list"
                                                  : "restype=container&comp=list";
    if (strstr(url, azure ? "comp=list" : "list-type="))
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    if (strbuf_addf(&sb, "%s%c%s", url, strchr(url, '?') ? '&' : '?', add) < 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb, NULL);
}

/* Ask a store as given, then (no listing yet) as an explicit list request. Redirects are
 * followed only on the store's own origin. */
static void store_probe(struct scan *scan, json_t *st)
{
    const char *url = json_string_value(json_object_get(st, "url"));
    const char *kind = json_string_value(json_object_get(st, "kind"));
    struct http_response r;
    if (get(scan, url, url, st, &r) < 0)
        return;
    json_t *l = r.status >= 200 && r.status < 300 ? listing_detect_xml(r.body.buf, r.body.len)
                                                  : NULL;
    http_response_release(&r);
    char *lr = l ? NULL : list_request(url, kind ? kind : "s3");
    if (lr) {
        json_t *o = json_pack("{s:s%}", "url", lr, strlen(lr));
        if (get(scan, url, lr, o, &r) == 0) {
            if (r.status >= 200 && r.status < 300 &&
                (l = listing_detect_xml(r.body.buf, r.body.len)))
                json_object_set_new(st, "listed_by", json_string_lossy(lr, strlen(lr)));
            http_response_release(&r);
        }
        json_object_set_new(st, "list_request", o);
        free(lr);
    }
    if (l)
        json_object_set_new(st, "listing", l);
}

static int store_known(const json_t *stores, const char *url)
{
    size_t i;
    json_t *s;
    json_array_foreach(stores, i, s) {
        const char *u = json_string_value(json_object_get(s, "url"));
        if (u && strcmp(u, url) == 0)
            return 1;
    }
    return 0;
}

/* The stores: the target's storage: URLs as given, then the buckets the start page links to
 * (on another origin: recorded, not probed). */
static void stores_collect(const struct target *t, const json_t *links, json_t *stores)
{
    char *root;
    const char *kind;
    for (size_t i = 0; i < t->n_storage && json_array_size(stores) < STORES_MAX; i++) {
        if (store_known(stores, t->storage[i]))
            continue;
        int rc = docs_store_root(t->storage[i], &root, &kind);
        free(root);
        json_array_append_new(stores, json_pack("{s:s, s:s, s:s, s:b}", "url", t->storage[i],
                                                "source", "storage", "kind",
                                                rc == 1 ? kind : "storage", "probed", 1));
    }
    size_t i;
    json_t *v;
    json_array_foreach(links, i, v) {
        if (json_array_size(stores) >= STORES_MAX)
            break;
        if (docs_store_root(json_string_value(v), &root, &kind) != 1)
            continue;
        if (!store_known(stores, root)) {
            int here = url_same_origin(t->url, root);
            json_t *s = json_pack("{s:s, s:s, s:s, s:b}", "url", root, "source", "start page",
                                  "kind", kind, "probed", here);
            if (s && !here)
                json_object_set_new(s, "note", json_string(NOT_PROBED_NOTE));
            json_array_append_new(stores, s);
        }
        free(root);
    }
}

void documents_listing_collect(struct scan *scan, const struct target *t, json_t *obs)
{
    if (json_object_get(obs, "listing"))
        return;
    json_t *dirs = json_array(), *stores = json_array();
    json_t *o = json_pack("{s:o, s:o}", "directories", dirs, "stores", stores);
    if (!o || json_object_set_new(obs, "listing", o) < 0) {
        obs_error(obs, LISTING_ID, "out of memory");
        return;
    }
    json_t *links = NULL;
    json_t *start = dir_probe(scan, t->url, t->url, &links);
    json_object_set_new(start, "from", json_string("start page"));
    json_array_append_new(dirs, start);
    json_t *docs = documents_all(t, obs); /* configured, and found by documents.crawl */
    json_t *cands = docs_dir_candidates(t->url, docs, DIRS_MAX);
    json_decref(docs);
    size_t i, probes = 0;
    json_t *v;
    json_array_foreach(cands, i, v) {
        const char *url = json_string_value(v);
        if (strcmp(url, t->url) != 0)
            json_array_append_new(dirs, dir_probe(scan, t->url, url, NULL));
    }
    json_decref(cands);
    stores_collect(t, links, stores);
    json_decref(links);
    json_array_foreach(stores, i, v) {
        if (!json_is_true(json_object_get(v, "probed")))
            continue;
        if (probes++ < STORE_PROBES_MAX) {
            store_probe(scan, v);
        } else {
            json_object_set_new(v, "probed", json_false());
            json_object_set_new(v, "note", json_string("not probed: more object-store URLs "
                                                       "than one scan asks"));
        }
    }
}

static int listing_observe(struct scan *scan, struct target *t, json_t *obs)
{
    documents_listing_collect(scan, t, obs);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Judge */

static const char *server_name(const char *s)
{
    static const char *const names[][2] = {
        { "nginx", "nginx autoindex" },          { "apache", "Apache mod_autoindex" },
        { "iis", "IIS directory browsing" },     { "lighttpd", "lighttpd mod_dirlisting" },
        { "python", "Python http.server" },      { "generic", "an \"Index of\" page" },
    };
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i][0]) == 0)
            return names[i][1];
    return s ? s : "?";
}

/* ", e.g. a, b, c" from a listing's sample. */
static void add_sample(struct strbuf *sb, const json_t *sample)
{
    size_t i;
    json_t *v;
    json_array_foreach(sample, i, v)
        strbuf_addf(sb, "%s%s", i ? ", " : ", e.g. ", json_string_value(v));
}

/* Does the profile's `ignore` name url, or (an entry starting with '/') its path? */
static int url_ignored(const json_t *ignore, const char *url)
{
    struct url_parts u;
    int split = url_split(url, &u) == 0;
    size_t i, n = json_is_array(ignore) ? json_array_size(ignore) : json_is_string(ignore);
    for (i = 0; i < n; i++) {
        const json_t *v = json_is_array(ignore) ? json_array_get(ignore, i) : ignore;
        const char *s = json_string_value(v);
        if (!s)
            continue;
        if (strcmp(s, url) == 0 || (s[0] == '/' && split && strlen(s) == u.path_len &&
                                    strncmp(s, u.path, u.path_len) == 0))
            return 1;
    }
    return 0;
}

struct tally {
    struct strbuf found, skipped, outside;
    size_t asked, errors, not_probed;
    const char *err_url, *err;
    json_t *listed;
};

/* Count an answer (or its error); 1 when it carries a listing to look at. */
static int tally_answer(struct tally *y, const json_t *v)
{
    const char *url = json_string_value(json_object_get(v, "url"));
    if (json_object_get(v, "error")) {
        if (!y->errors++) {
            y->err_url = url;
            y->err = json_string_value(json_object_get(v, "error"));
        }
        return 0;
    }
    y->asked++;
    return json_object_get(v, "listing") != NULL;
}

static enum status listing_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *o = json_object_get(obs, "listing");
    if (!json_is_object(o)) {
        result_evidencef(r, "no listing observation was recorded");
        return ST_ERROR;
    }
    const json_t *ignore = json_object_get(expect, "ignore");
    struct tally y = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, 0, 0, 0, NULL, NULL, json_array() };
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(o, "directories"), i, v) {
        if (!tally_answer(&y, v))
            continue;
        const json_t *l = json_object_get(v, "listing");
        const char *url = json_string_value(json_object_get(v, "final_url"));
        url = url ? url : json_string_value(json_object_get(v, "url"));
        if (url_ignored(ignore, url)) {
            strbuf_addf(&y.skipped, "%s%s", y.skipped.len ? ", " : "", url);
            continue;
        }
        const char *server = json_string_value(json_object_get(l, "server"));
        strbuf_addf(&y.found, "%sdirectory listing at %s (%s, %lld entries",
                    y.found.len ? "; " : "", url, server_name(server),
                    json_integer_value(json_object_get(l, "entries")));
        add_sample(&y.found, json_object_get(l, "sample"));
        strbuf_addch(&y.found, ')');
        json_array_append_new(y.listed, json_string(url));
    }
    json_array_foreach(json_object_get(o, "stores"), i, v) {
        const char *url = json_string_value(json_object_get(v, "url"));
        if (!json_is_true(json_object_get(v, "probed"))) {
            y.not_probed++;
            strbuf_addf(&y.outside, "%s%s", y.outside.len ? ", " : "", url);
            continue;
        }
        if (!tally_answer(&y, v))
            continue;
        const json_t *l = json_object_get(v, "listing");
        const char *by = json_string_value(json_object_get(v, "listed_by"));
        const char *bucket = json_string_value(json_object_get(l, "bucket"));
        if (url_ignored(ignore, url)) {
            strbuf_addf(&y.skipped, "%s%s", y.skipped.len ? ", " : "", url);
            continue;
        }
        const char *kind = json_string_value(json_object_get(l, "kind"));
        strbuf_addf(&y.found, "%sbucket listing at %s (%s%s%s, %lld keys%s",
                    y.found.len ? "; " : "", by ? by : url, kind ? kind : "?",
                    bucket ? " bucket " : "", bucket ? bucket : "",
                    json_integer_value(json_object_get(l, "keys")),
                    json_is_true(json_object_get(l, "truncated")) ? " and more" : "");
        add_sample(&y.found, json_object_get(l, "sample"));
        strbuf_addch(&y.found, ')');
        json_array_append_new(y.listed, json_string(by ? by : url));
    }
    r->observed = json_pack("{s:O, s:I, s:I, s:I}", "listings", y.listed, "asked",
                            (json_int_t)y.asked, "errors", (json_int_t)y.errors, "not_probed",
                            (json_int_t)y.not_probed);
    enum status st;
    if (y.found.len) {
        result_evidencef(r, "anyone can list stored files: %s", y.found.buf);
        st = ST_FAIL;
    } else if (y.errors) {
        result_evidencef(r, "%zu of %zu requests failed (%s: %s); no listing in the others",
                         y.errors, y.errors + y.asked, y.err_url, y.err ? y.err : "?");
        st = ST_ERROR;
    } else {
        result_evidencef(r, "no directory or bucket listing in %zu answers%s%s%s%s", y.asked,
                         y.skipped.len ? "; listings ignored by the profile: " : "",
                         y.skipped.buf,
                         y.outside.len ? "; object-store links outside the target's scope, "
                                         "not probed (list them under storage: to probe "
                                         "them): " : "",
                         y.outside.buf);
        st = ST_PASS;
    }
    json_decref(y.listed);
    strbuf_release(&y.found);
    strbuf_release(&y.skipped);
    strbuf_release(&y.outside);
    return st;
}

static const struct expect_key listing_keys[] = {
    { "ignore", EXP_STRING_LIST, NULL,
      "URLs, or paths on any origin (/downloads/), whose listing is public on purpose "
      "(default none)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_documents_listing = {
    .id = "documents.listing",
    .family = "documents",
    .title = "No directory or object-store listing of stored files",
    .observe = listing_observe,
    .judge = listing_judge,
    .expect_keys = listing_keys,
};
