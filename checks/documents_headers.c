/*
 * documents_headers.c — how documents and sensitive pages are sent.
 *
 * documents.headers: every document served (to its owner, or to anyone) must not be kept by
 * caches (Cache-Control: no-store, or private when the profile allows it), must not be
 * content-sniffed (X-Content-Type-Options: nosniff) and must download rather than render
 * (Content-Disposition: attachment). Pre-signed storage links found by the crawl (S3
 * X-Amz-Expires, GCS X-Goog-Expires, Azure SAS se=, CloudFront/GCS v2 Expires=) must expire
 * within the profile's maximum. Their signatures are redacted before anything is recorded: a
 * live pre-signed link is a key to a patient's document.
 * headers.cache_control: the sensitive pages of the targets file (login, records) must send
 * Cache-Control: no-store, fetched signed in when the test account can sign in.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "check.h"
#include "doc_fetch.h"
#include "documents.h"
#include "login.h"
#include "scan.h"
#include "strbuf.h"
#include "target.h"
#include "util.h"

#define PRESIGN_DEFAULT_MAX 3600

/* ------------------------------------------------------------------------------------------ */
/* Pre-signed links (pure) */

/* The value of query parameter `name` (case-insensitive) in url, as [*v, *v + *n). 1 found. */
static int query_param(const char *url, const char *name, const char **v, size_t *n)
{
    const char *q = strchr(url, '?');
    size_t nl = strlen(name);
    for (const char *p = q; p && *p;) {
        p++;
        if (strncasecmp(p, name, nl) == 0 && p[nl] == '=') {
            *v = p + nl + 1;
            *n = strcspn(*v, "&#");
            return 1;
        }
        p = strchr(p, '&');
    }
    return 0;
}

static int has_param(const char *url, const char *name)
{
    const char *v;
    size_t n;
    return query_param(url, name, &v, &n);
}

static long long param_int(const char *url, const char *name)
{
    const char *v;
    size_t n;
    if (!query_param(url, name, &v, &n) || n == 0 || n > 18)
        return -1;
    long long x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        x = x * 10 + (v[i] - '0');
    }
    return x;
}

/* An ISO 8601 UTC time (2026-11-24T10:00:00Z, %3A-encoded colons allowed) as epoch seconds. */
static long long param_time(const char *url, const char *name)
{
    const char *v;
    size_t n;
    char buf[64];
    size_t o = 0;
    if (!query_param(url, name, &v, &n))
        return -1;
    for (size_t i = 0; i < n && o + 1 < sizeof buf; i++) {
        if (v[i] == '%' && i + 2 < n && v[i + 1] == '3' && (v[i + 2] == 'A' || v[i + 2] == 'a')) {
            buf[o++] = ':';
            i += 2;
        } else {
            buf[o++] = v[i];
        }
    }
    buf[o] = '\0';
    struct tm tm = { 0 };
    const char *end = strptime(buf, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end)
        end = strptime(buf, "%Y-%m-%d", &tm);
    if (!end)
        return -1;
    return (long long)timegm(&tm);
}

int presign_lifetime(const char *url, long long now, long long *seconds, const char **kind)
{
    long long s;
    if ((s = param_int(url, "X-Amz-Expires")) >= 0) {
        *kind = "s3";
    } else if ((s = param_int(url, "X-Goog-Expires")) >= 0) {
        *kind = "gcs";
    } else if (has_param(url, "sig") && param_time(url, "se") >= 0) {
        long long st = param_time(url, "st"), se = param_time(url, "se");
        s = se - (st >= 0 ? st : now);
        *kind = "azure-sas";
    } else if ((has_param(url, "Signature") || has_param(url, "X-Goog-Signature")) &&
               (s = param_int(url, "Expires")) >= 0) {
        s -= now;
        *kind = "signed-expires";
    } else {
        return 0;
    }
    *seconds = s;
    return 1;
}

char *presign_redact(const char *url)
{
    static const char *const secret[] = { "X-Amz-Signature", "X-Amz-Credential",
                                          "X-Amz-Security-Token", "X-Goog-Signature",
                                          "X-Goog-Credential", "sig", "Signature",
                                          "Key-Pair-Id", "Policy", NULL };
    struct strbuf sb = STRBUF_INIT;
    const char *q = strchr(url, '?');
    if (!q)
        return strdup(url);
    strbuf_add(&sb, url, (size_t)(q - url));
    for (const char *p = q; *p && *p != '#';) {
        strbuf_addch(&sb, *p); /* '?' or '&' */
        p++;
        size_t len = strcspn(p, "&#");
        const char *eq = memchr(p, '=', len);
        int hide = 0;
        for (const char *const *k = secret; eq && *k; k++)
            hide |= strlen(*k) == (size_t)(eq - p) && strncasecmp(p, *k, (size_t)(eq - p)) == 0;
        if (hide) {
            strbuf_add(&sb, p, (size_t)(eq - p) + 1);
            strbuf_adds(&sb, "REDACTED");
        } else {
            strbuf_add(&sb, p, len);
        }
        p += len;
    }
    return strbuf_detach(&sb, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* documents.headers */

static int dh_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (json_object_get(obs, "served_headers"))
        return 0;
    documents_crawl(scan, t, obs);
    struct http_session *sess = NULL;
    if (t->login)
        login_shared(scan, t, LOGIN_FIRST, &sess);
    json_t *list = json_array();
    if (sess) {
        json_t *urls = documents_all(t, obs);
        size_t i;
        json_t *u;
        json_array_foreach(urls, i, u) {
            json_t *f = doc_fetch(scan, t, json_string_value(u), sess);
            if (json_is_true(json_object_get(f, "served")))
                json_array_append(list, f);
            json_decref(f);
        }
        json_decref(urls);
    }
    json_object_set_new(obs, "served_headers", json_pack("{s:b, s:o}", "signed_in", sess != NULL,
                                                         "documents", list));
    return 0;
}

/* What is wrong with how one served document was sent; appended to bad. */
static void doc_problems(const json_t *f, const json_t *expect, struct strbuf *bad)
{
    const char *cc = json_string_value(json_object_get(f, "cache-control"));
    const char *xcto = json_string_value(json_object_get(f, "x-content-type-options"));
    const char *cd = json_string_value(json_object_get(f, "disposition"));
    const char *url = json_string_value(json_object_get(f, "url"));
    int allow_private = expect_bool(expect, "allow_private", 1);
    size_t before = bad->len;
    if (!cc || !(strcasestr(cc, "no-store") || (allow_private && strcasestr(cc, "private"))))
        strbuf_addf(bad, "%sCache-Control %s%s%s", bad->len ? "; " : "", cc ? "\"" : "absent",
                    cc ? cc : "", cc ? "\"" : "");
    if (expect_bool(expect, "require_nosniff", 1) && (!xcto || strcasecmp(xcto, "nosniff") != 0))
        strbuf_addf(bad, "%sno X-Content-Type-Options: nosniff", bad->len ? "; " : "");
    if (expect_bool(expect, "require_attachment", 1) && (!cd || !strcasestr(cd, "attachment")))
        strbuf_addf(bad, "%sno Content-Disposition: attachment", bad->len ? "; " : "");
    if (bad->len > before)
        strbuf_addf(bad, " (%s)", url ? url : "?");
}

static enum status dh_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *sh = json_object_get(obs, "served_headers");
    if (!sh) {
        result_evidencef(r, "no observation of served documents was recorded");
        return ST_ERROR;
    }
    json_t *docs = json_deep_copy(json_object_get(sh, "documents"));
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(obs, "unauthenticated"), i, f)
        if (json_is_true(json_object_get(f, "served")))
            json_array_append(docs, f);
    long long max = json_integer_value(json_object_get(expect, "max_presign_seconds"));
    if (!json_object_get(expect, "max_presign_seconds"))
        max = PRESIGN_DEFAULT_MAX;
    struct strbuf bad = STRBUF_INIT;
    json_array_foreach(docs, i, f)
        if (bad.len < 600)
            doc_problems(f, expect, &bad);
    size_t n_presigned = 0;
    json_array_foreach(json_object_get(json_object_get(obs, "crawl"), "presigned"), i, f) {
        n_presigned++;
        long long s = json_integer_value(json_object_get(f, "lifetime_seconds"));
        if (s > max)
            strbuf_addf(&bad, "%sa pre-signed link lives %lld s, longer than %lld s (%s)",
                        bad.len ? "; " : "", s, max,
                        json_string_value(json_object_get(f, "url")));
    }
    r->observed = json_pack("{s:i, s:i}", "documents", (int)json_array_size(docs), "presigned",
                            (int)n_presigned);
    enum status st;
    if (bad.len) {
        r->evidence = json_string_lossy(bad.buf, bad.len);
        st = ST_FAIL;
    } else if (json_array_size(docs) == 0 && n_presigned == 0) {
        result_evidencef(r, "no document was served to inspect (%s)",
                         json_is_true(json_object_get(sh, "signed_in"))
                             ? "the signed-in account was served none"
                             : "the test account could not sign in fully");
        st = ST_SKIPPED;
    } else {
        result_evidencef(r, "%zu served documents are sent uncacheable, unsniffable and as "
                            "downloads; %zu pre-signed links expire in time",
                         json_array_size(docs), n_presigned);
        st = ST_PASS;
    }
    strbuf_release(&bad);
    json_decref(docs);
    return st;
}

static const struct expect_key dh_keys[] = {
    { "allow_private", EXP_BOOL, NULL,
      "Cache-Control: private is enough (default true; false requires no-store)" },
    { "require_nosniff", EXP_BOOL, NULL, "X-Content-Type-Options: nosniff (default true)" },
    { "require_attachment", EXP_BOOL, NULL,
      "Content-Disposition: attachment (default true)" },
    { "max_presign_seconds", EXP_INT, NULL,
      "longest lifetime of a pre-signed storage link, in seconds (default 3600)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_documents_headers = {
    .id = "documents.headers",
    .family = "documents",
    .title = "Documents are sent uncacheable, as downloads; pre-signed links expire soon",
    .observe = dh_observe,
    .judge = dh_judge,
    .expect_keys = dh_keys,
};

/* ------------------------------------------------------------------------------------------ */
/* headers.cache_control */

static int cc_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (json_object_get(obs, "cache_control"))
        return 0;
    struct http_session *sess = NULL;
    if (t->login)
        login_shared(scan, t, LOGIN_FIRST, &sess);
    json_t *pages = json_array();
    for (size_t i = 0; i < t->n_sensitive && i < DOCUMENTS_MAX; i++)
        json_array_append_new(pages, doc_fetch(scan, t, t->sensitive[i], sess));
    json_object_set_new(obs, "cache_control",
                        json_pack("{s:b, s:o}", "signed_in", sess != NULL, "pages", pages));
    return 0;
}

static enum status cc_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    (void)expect;
    const json_t *cc = json_object_get(obs, "cache_control");
    if (!cc) {
        result_evidencef(r, "no observation of the sensitive pages was recorded");
        return ST_ERROR;
    }
    const json_t *pages = json_object_get(cc, "pages");
    if (json_array_size(pages) == 0) {
        result_evidencef(r, "no sensitive page is configured (sensitive: in a targets file)");
        return ST_SKIPPED;
    }
    struct strbuf bad = STRBUF_INIT;
    size_t i, checked = 0, errors = 0;
    json_t *p;
    json_array_foreach(pages, i, p) {
        if (json_object_get(p, "error")) {
            errors++;
            continue;
        }
        checked++;
        const char *v = json_string_value(json_object_get(p, "cache-control"));
        if (!v || !strcasestr(v, "no-store"))
            strbuf_addf(&bad, "%s%s: Cache-Control %s%s%s", bad.len ? "; " : "",
                        json_string_value(json_object_get(p, "url")), v ? "\"" : "absent",
                        v ? v : "", v ? "\"" : "");
    }
    r->observed = json_pack("{s:i, s:b}", "pages", (int)checked, "signed_in",
                            json_is_true(json_object_get(cc, "signed_in")));
    enum status st = ST_PASS;
    if (bad.len) {
        r->evidence = json_string_lossy(bad.buf, bad.len);
        st = ST_FAIL;
    } else if (!checked) {
        result_evidencef(r, "none of the %zu sensitive pages could be requested", errors);
        st = ST_ERROR;
    } else {
        result_evidencef(r, "all %zu sensitive pages send Cache-Control: no-store", checked);
    }
    strbuf_release(&bad);
    return st;
}


const struct check check_headers_cache_control = {
    .id = "headers.cache_control",
    .family = "headers",
    .title = "Sensitive pages are not cached (Cache-Control: no-store)",
    .observe = cc_observe,
    .judge = cc_judge,
};
