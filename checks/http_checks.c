/*
 * http_checks.c — the http.* checks: what the portal's HTTP behaviour gives away or allows.
 *
 * http.info_leak: Server with a version number, X-Powered-By, X-AspNet-Version,
 *     X-AspNetMvc-Version, on any response of the start page's redirect chain.
 * http.redirect: http://host/ must redirect to https:// on the same host first, and no step of
 *     either chain may go from https back to http.
 * http.cors: the start page asked with `Origin: https://cocscan-probe.invalid` must not hand
 *     that origin (or "*") credentialed access.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "http.h"
#include "http_page.h"
#include "scan.h"
#include "strbuf.h"
#include "target.h"
#include "util.h"

#define PROBE_ORIGIN "https://cocscan-probe.invalid"
#define PLAIN_MAX_HOPS 10

static json_t *lossy(const char *s)
{
    return json_string_lossy(s, strlen(s));
}

/* ------------------------------------------------------------------ http.info_leak */

static int leak_observe(struct scan *scan, struct target *t, json_t *obs)
{
    return http_page_observe(scan, t, obs, "http.info_leak");
}

/* Does a Server value carry a version ("nginx/1.22.1", "Microsoft-IIS/10.0", "Apache 2.4")? */
static int has_version(const char *v)
{
    for (const char *p = v; *p; p++)
        if (isdigit((unsigned char)*p) && (p == v || p[-1] == '/' || p[-1] == ' ' ||
                                           p[-1] == 'v' || p[-1] == 'V'))
            return 1;
    return 0;
}

static const char *const powered_by_headers[] = {
    "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version", NULL,
};

static enum status leak_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *chain = json_object_get(obs, "chain");
    if (!json_is_array(chain) || json_array_size(chain) == 0) {
        result_evidencef(r, "no HTTP response was recorded");
        return ST_ERROR;
    }
    int forbid_server = expect_bool(expect, "forbid_server_version", 1);
    int forbid_powered = expect_bool(expect, "forbid_powered_by", 1);
    json_t *seen = json_object();
    struct strbuf why = STRBUF_INIT;
    size_t i;
    const json_t *hop;
    json_array_foreach(chain, i, hop) {
        const json_t *h = json_object_get(hop, "headers");
        const json_t *server = json_object_get(h, "server");
        size_t k;
        json_t *v;
        json_array_foreach(server, k, v) {
            const char *s = json_string_value(v);
            if (forbid_server && has_version(s) && !json_object_get(seen, "server")) {
                json_object_set(seen, "server", v);
                strbuf_addf(&why, "%sServer: %s", why.len ? "; " : "", s);
            }
        }
        for (size_t p = 0; forbid_powered && powered_by_headers[p]; p++) {
            const json_t *vals = json_object_get(h, powered_by_headers[p]);
            if (json_array_size(vals) && !json_object_get(seen, powered_by_headers[p])) {
                json_object_set(seen, powered_by_headers[p], json_array_get(vals, 0));
                strbuf_addf(&why, "%s%s: %s", why.len ? "; " : "", powered_by_headers[p],
                            json_string_value(json_array_get(vals, 0)));
            }
        }
    }
    enum status st;
    r->observed = seen;
    if (why.len) {
        result_evidencef(r, "the server names its software and version: %s", why.buf);
        st = ST_FAIL;
    } else {
        result_evidencef(r, "no software version in Server, X-Powered-By or X-AspNet headers");
        st = ST_PASS;
    }
    strbuf_release(&why);
    return st;
}

static const struct expect_key leak_keys[] = {
    { "forbid_server_version", EXP_BOOL, NULL,
      "a Server header with a version number fails (default true)" },
    { "forbid_powered_by", EXP_BOOL, NULL,
      "X-Powered-By, X-AspNet-Version or X-AspNetMvc-Version fail (default true)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_http_info_leak = {
    .id = "http.info_leak",
    .family = "http",
    .title = "No software versions in response headers",
    .observe = leak_observe,
    .judge = leak_judge,
    .expect_keys = leak_keys,
};

/* ------------------------------------------------------------------ http.redirect */

/* Split an absolute http(s) URL into scheme-is-https and host (lower-cased, no port). */
static int url_host(const char *url, int *https, char *host, size_t n)
{
    const char *p;
    if (strncasecmp(url, "https://", 8) == 0) {
        *https = 1;
        p = url + 8;
    } else if (strncasecmp(url, "http://", 7) == 0) {
        *https = 0;
        p = url + 7;
    } else {
        return -1;
    }
    const char *at = NULL;
    for (const char *q = p; *q && *q != '/' && *q != '?' && *q != '#'; q++)
        if (*q == '@')
            at = q;
    if (at)
        p = at + 1;
    size_t len = 0;
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (!close)
            return -1;
        p++;
        len = (size_t)(close - p);
    } else {
        while (p[len] && !strchr(":/?#", p[len]))
            len++;
    }
    if (len == 0 || len >= n)
        return -1;
    for (size_t i = 0; i < len; i++)
        host[i] = (char)tolower((unsigned char)p[i]);
    host[len] = '\0';
    return 0;
}

static int redirect_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (json_object_get(obs, "plain_http"))
        return 0;
    /* The start page's https chain, for https→http steps (a failure there is not ours). */
    http_page_observe(scan, t, obs, "http.redirect");
    struct strbuf url = STRBUF_INIT;
    int v6 = strchr(t->host, ':') != NULL;
    strbuf_addf(&url, v6 ? "http://[%s]" : "http://%s", t->host);
    if (t->http_port != 80)
        strbuf_addf(&url, ":%d", t->http_port);
    strbuf_adds(&url, t->path);
    json_t *plain = json_object(), *chain = json_array();
    json_object_set_new(plain, "url", lossy(url.buf));
    char *next = strdup(url.buf);
    for (int hop = 0; next && hop < PLAIN_MAX_HOPS; hop++) {
        struct http_request req = { .url = next, .max_body = 64 * 1024 };
        struct http_response resp;
        struct coc_error e = { "" };
        scan->probes++;
        if (http_fetch(scan, &req, &resp, &e) < 0) {
            if (hop == 0)
                json_object_set_new(plain, "error", lossy(e.msg));
            else
                json_object_set_new(plain, "hop_error", lossy(e.msg));
            break;
        }
        json_t *step = json_pack("{s:o, s:I}", "url", lossy(next), "status",
                                 (json_int_t)resp.status);
        char *loc = resp.location ? strdup(resp.location) : NULL;
        long status = resp.status;
        if (loc)
            json_object_set_new(step, "location", lossy(loc));
        json_array_append_new(chain, step);
        http_response_release(&resp);
        free(next);
        next = NULL;
        /* Follow only within the target's host: the scanner never wanders to other hosts. */
        char host[256];
        int https;
        if (loc && status >= 300 && status < 400 &&
            url_host(loc, &https, host, sizeof host) == 0 && strcasecmp(host, t->host) == 0)
            next = loc;
        else
            free(loc);
    }
    free(next);
    json_object_set_new(plain, "chain", chain);
    json_object_set_new(obs, "plain_http", plain);
    strbuf_release(&url);
    return 0;
}

/* First https→http step of a chain ([{url, location?}]), or NULL. */
static const char *downgrade_in(const json_t *chain)
{
    size_t i;
    const json_t *step;
    json_array_foreach(chain, i, step) {
        const char *from = json_string_value(json_object_get(step, "url"));
        const char *to = json_string_value(json_object_get(step, "location"));
        if (from && to && strncasecmp(from, "https://", 8) == 0 &&
            strncasecmp(to, "http://", 7) == 0)
            return from;
    }
    return NULL;
}

static enum status redirect_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *plain = json_object_get(obs, "plain_http");
    if (!plain) {
        result_evidencef(r, "no plain-HTTP observation was recorded");
        return ST_ERROR;
    }
    const json_t *chain = json_object_get(plain, "chain");
    r->observed = json_deep_copy(chain);
    const char *down = downgrade_in(json_object_get(obs, "chain"));
    if (!down)
        down = downgrade_in(chain);
    if (down) {
        result_evidencef(r, "%s redirects from https back to plain http", down);
        return ST_FAIL;
    }
    const char *err = json_string_value(json_object_get(plain, "error"));
    const char *url = json_string_value(json_object_get(plain, "url"));
    if (err) {
        result_evidencef(r, "nothing is served over plain http (%s: %s)", url, err);
        return ST_PASS;
    }
    if (!expect_bool(expect, "require_https_redirect", 1)) {
        result_evidencef(r, "no https→http step; the http redirect is not required");
        return ST_PASS;
    }
    const json_t *first = json_array_get(chain, 0);
    json_int_t status = json_integer_value(json_object_get(first, "status"));
    const char *loc = json_string_value(json_object_get(first, "location"));
    char host[256], want_host[256];
    int https = 0, ignored;
    if (status < 300 || status >= 400 || !loc) {
        result_evidencef(r, "%s answers %lld instead of redirecting to https", url,
                         (long long)status);
        return ST_FAIL;
    }
    if (url_host(loc, &https, host, sizeof host) < 0) {
        result_evidencef(r, "%s redirects to \"%s\", not an absolute http(s) URL", url, loc);
        return ST_FAIL;
    }
    url_host(url, &ignored, want_host, sizeof want_host);
    if (!https) {
        result_evidencef(r, "%s redirects to %s, which is not https", url, loc);
        return ST_FAIL;
    }
    if (strcmp(host, want_host) != 0) {
        result_evidencef(r, "%s redirects to another host (%s) first; it must go to https on the "
                            "same host so that HSTS is set for it",
                         url, loc);
        return ST_FAIL;
    }
    result_evidencef(r, "%s redirects to %s", url, loc);
    return ST_PASS;
}

static const struct expect_key redirect_keys[] = {
    { "require_https_redirect", EXP_BOOL, NULL,
      "a plain-http listener must redirect to https on the same host first (default true)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_http_redirect = {
    .id = "http.redirect",
    .family = "http",
    .title = "Plain HTTP redirects to HTTPS, and nothing goes back",
    .observe = redirect_observe,
    .judge = redirect_judge,
    .expect_keys = redirect_keys,
};

/* ------------------------------------------------------------------ http.cors */

static int cors_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (json_object_get(obs, "cors"))
        return 0;
    if (http_page_observe(scan, t, obs, "http.cors") < 0)
        return -1;
    const char *url = json_string_value(json_object_get(obs, "final_url"));
    static const char *const hdrs[] = { "Origin: " PROBE_ORIGIN, NULL };
    struct http_request req = { .url = url, .headers = hdrs, .max_body = 64 * 1024 };
    struct http_response resp;
    struct coc_error e = { "" };
    scan->probes++;
    if (http_fetch(scan, &req, &resp, &e) < 0)
        return obs_error(obs, "http.cors", "%s", e.msg);
    json_t *c = json_pack("{s:s, s:s, s:I}", "origin_sent", PROBE_ORIGIN, "url", url, "status",
                          (json_int_t)resp.status);
    json_object_set_new(c, "allow_origin", http_header_values(&resp, "access-control-allow-origin"));
    json_object_set_new(c, "allow_credentials",
                        http_header_values(&resp, "access-control-allow-credentials"));
    http_response_release(&resp);
    json_object_set_new(obs, "cors", c);
    return 0;
}

static enum status cors_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *c = json_object_get(obs, "cors");
    if (!c) {
        result_evidencef(r, "no CORS observation was recorded");
        return ST_ERROR;
    }
    const char *acao = json_string_value(json_array_get(json_object_get(c, "allow_origin"), 0));
    const char *acac =
        json_string_value(json_array_get(json_object_get(c, "allow_credentials"), 0));
    int creds = acac && strcasecmp(acac, "true") == 0;
    r->observed = json_pack("{s:s?, s:s?}", "access-control-allow-origin", acao,
                            "access-control-allow-credentials", acac);
    if (!acao) {
        result_evidencef(r, "no Access-Control-Allow-Origin for a foreign origin");
        return ST_PASS;
    }
    int reflected = strcmp(acao, PROBE_ORIGIN) == 0;
    if ((reflected || strcmp(acao, "null") == 0) && creds) {
        result_evidencef(r, "Access-Control-Allow-Origin: %s with Allow-Credentials: true — any "
                            "site can read a signed-in patient's pages",
                         acao);
        return ST_FAIL;
    }
    if (strcmp(acao, "*") == 0 && creds) {
        result_evidencef(r, "Access-Control-Allow-Origin: * with Allow-Credentials: true (browsers "
                            "refuse it, but it shows credentialed access was meant for everyone)");
        return ST_FAIL;
    }
    if (reflected) {
        result_evidencef(r, "the foreign origin %s is echoed in Access-Control-Allow-Origin "
                            "(without credentials)",
                         PROBE_ORIGIN);
        return expect_bool(expect, "forbid_reflected_origin", 1) ? ST_FAIL : ST_WARN;
    }
    if (strcmp(acao, "*") == 0) {
        result_evidencef(r, "Access-Control-Allow-Origin: * (public, without credentials)");
        return expect_bool(expect, "forbid_wildcard", 0) ? ST_FAIL : ST_PASS;
    }
    result_evidencef(r, "Access-Control-Allow-Origin is %s, not the foreign origin", acao);
    return ST_PASS;
}

static const struct expect_key cors_keys[] = {
    { "forbid_reflected_origin", EXP_BOOL, NULL,
      "echoing a foreign Origin fails even without credentials (default true; false: warn)" },
    { "forbid_wildcard", EXP_BOOL, NULL,
      "Access-Control-Allow-Origin: * fails even without credentials (default false)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_http_cors = {
    .id = "http.cors",
    .family = "http",
    .title = "CORS does not grant other sites access to signed-in pages",
    .observe = cors_observe,
    .judge = cors_judge,
    .expect_keys = cors_keys,
};
