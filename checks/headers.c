/*
 * headers.c — the browser-side defences a portal sends in its response headers.
 *
 * headers.hsts: Strict-Transport-Security on the final https response, parsed the way a browser
 * parses it (RFC 6797), judged as "at least" the profile's max-age, never "equal to".
 */
#include "headers.h"

#include <string.h>

#include "check.h"
#include "http_page.h"
#include "scan.h"
#include "util.h"

#define HSTS_ONE_YEAR 31536000LL
#define HSTS_MAX_AGE_CAP 999999999999999999LL

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static int is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static json_t *hsts_invalid(json_t *o, const char *why)
{
    json_object_set_new(o, "valid", json_false());
    json_object_set_new(o, "error", json_string(why));
    return o;
}

json_t *hsts_parse(const char *v, size_t len)
{
    json_t *o = json_object();
    const char *p = v, *end = v + len;
    int seen_max_age = 0, seen_sub = 0, seen_preload = 0;
    long long max_age = -1;
    while (p < end) {
        while (p < end && is_ows(*p))
            p++;
        const char *name = p;
        while (p < end && is_tchar(*p))
            p++;
        size_t nlen = (size_t)(p - name);
        while (p < end && is_ows(*p))
            p++;
        char val[32];
        size_t vlen = 0;
        int has_val = 0;
        if (p < end && *p == '=') {
            has_val = 1;
            p++;
            while (p < end && is_ows(*p))
                p++;
            int quoted = p < end && *p == '"';
            if (quoted)
                p++;
            while (p < end && (quoted ? *p != '"' : is_tchar(*p))) {
                if (vlen < sizeof val - 1)
                    val[vlen] = *p;
                vlen++;
                p++;
            }
            if (quoted) {
                if (p >= end)
                    return hsts_invalid(o, "unterminated quoted value");
                p++;
            }
            while (p < end && is_ows(*p))
                p++;
        }
        if (p < end && *p != ';')
            return hsts_invalid(o, "syntax error");
        if (p < end)
            p++;
        if (nlen == 0) {
            if (has_val)
                return hsts_invalid(o, "value without a directive name");
            continue; /* empty directive, e.g. a trailing ';' */
        }
        if (ascii_casecmp_n(name, nlen, "max-age") == 0) {
            if (seen_max_age++)
                return hsts_invalid(o, "max-age given more than once");
            if (!has_val || vlen == 0 || vlen >= sizeof val)
                return hsts_invalid(o, "max-age has no valid value");
            max_age = 0;
            for (size_t i = 0; i < vlen; i++) {
                if (val[i] < '0' || val[i] > '9')
                    return hsts_invalid(o, "max-age is not a number of seconds");
                /* Saturate rather than overflow: any such value is "forever" to a judge. */
                max_age = max_age > (HSTS_MAX_AGE_CAP - 9) / 10
                              ? HSTS_MAX_AGE_CAP
                              : max_age * 10 + (val[i] - '0');
            }
        } else if (ascii_casecmp_n(name, nlen, "includesubdomains") == 0) {
            if (seen_sub++)
                return hsts_invalid(o, "includeSubDomains given more than once");
            if (has_val)
                return hsts_invalid(o, "includeSubDomains takes no value");
        } else if (ascii_casecmp_n(name, nlen, "preload") == 0) {
            if (seen_preload++)
                return hsts_invalid(o, "preload given more than once");
        }
    }
    if (!seen_max_age)
        return hsts_invalid(o, "no max-age directive");
    json_object_set_new(o, "valid", json_true());
    json_object_set_new(o, "max_age", json_integer(max_age));
    json_object_set_new(o, "include_subdomains", json_boolean(seen_sub));
    json_object_set_new(o, "preload", json_boolean(seen_preload));
    return o;
}

static int hsts_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (http_page_observe(scan, t, obs, "headers.hsts") < 0)
        return -1;
    if (json_object_get(obs, "hsts"))
        return 0;
    json_t *vals = json_object_get(json_object_get(obs, "headers"), "strict-transport-security");
    json_t *h;
    if (json_array_size(vals) == 0) {
        h = json_pack("{s:b}", "present", 0);
    } else {
        /* Browsers act on the first Strict-Transport-Security header only. */
        const char *raw = json_string_value(json_array_get(vals, 0));
        h = hsts_parse(raw, strlen(raw));
        json_object_set_new(h, "present", json_true());
        json_object_set(h, "raw", json_array_get(vals, 0));
        if (json_array_size(vals) > 1)
            json_object_set_new(h, "count", json_integer((json_int_t)json_array_size(vals)));
    }
    json_object_set_new(obs, "hsts", h);
    return 0;
}

static enum status hsts_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *h = json_object_get(obs, "hsts");
    json_t *min_j = json_object_get(expect, "min_max_age");
    long long min = min_j ? json_integer_value(min_j) : HSTS_ONE_YEAR;
    int want_sub = json_is_true(json_object_get(expect, "include_subdomains"));
    int want_preload = json_is_true(json_object_get(expect, "preload"));
    if (!h) {
        result_evidencef(r, "no HSTS observation was recorded");
        return ST_ERROR;
    }
    if (!json_is_true(json_object_get(h, "present"))) {
        r->observed = json_string("absent");
        result_evidencef(r, "%s sends no Strict-Transport-Security header",
                         json_string_value(json_object_get(obs, "final_url")));
        return ST_FAIL;
    }
    r->observed = json_incref(json_object_get(h, "raw"));
    if (!json_is_true(json_object_get(h, "valid"))) {
        result_evidencef(r, "Strict-Transport-Security is invalid (%s), so browsers ignore it",
                         json_string_value(json_object_get(h, "error")));
        return ST_FAIL;
    }
    long long age = json_integer_value(json_object_get(h, "max_age"));
    if (age < min) {
        result_evidencef(r, "max-age=%lld (%.1f days) is below the required %lld (%.1f days)",
                         age, (double)age / 86400, min, (double)min / 86400);
        return ST_FAIL;
    }
    if (want_sub && !json_is_true(json_object_get(h, "include_subdomains"))) {
        result_evidencef(r, "includeSubDomains is required but missing");
        return ST_FAIL;
    }
    if (want_preload && !json_is_true(json_object_get(h, "preload"))) {
        result_evidencef(r, "preload is required but missing");
        return ST_FAIL;
    }
    result_evidencef(r, "max-age=%lld (%.1f days) meets the required %lld", age,
                     (double)age / 86400, min);
    return ST_PASS;
}

static const struct expect_key hsts_keys[] = {
    { "min_max_age", EXP_INT, NULL, "minimum max-age in seconds (default 31536000, one year)" },
    { "include_subdomains", EXP_BOOL, NULL, "require includeSubDomains (default false)" },
    { "preload", EXP_BOOL, NULL, "require the preload directive (default false)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_headers_hsts = {
    .id = "headers.hsts",
    .family = "headers",
    .title = "HTTP Strict Transport Security",
    .observe = hsts_observe,
    .judge = hsts_judge,
    .expect_keys = hsts_keys,
};
