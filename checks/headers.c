/*
 * headers.c — the browser-side defences a portal sends in its response headers.
 *
 * headers.hsts: Strict-Transport-Security on the final https response and on every https
 * redirect before it, parsed the way a browser parses it (RFC 6797), judged as "at least" the
 * profile's max-age, never "equal to".
 * headers.content_type_options: X-Content-Type-Options nosniff, read as Fetch reads it.
 * headers.referrer_policy: Referrer-Policy header and <meta name=referrer>, the last valid
 * token winning as the Referrer Policy spec says.
 */
#include "headers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "http_page.h"
#include "scan.h"
#include "strbuf.h"
#include "util.h"

#define HSTS_ONE_YEAR 31536000LL
#define HSTS_MAX_AGE_CAP 999999999999999999LL


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
        while (p < end && http_is_ows(*p))
            p++;
        const char *name = p;
        while (p < end && is_tchar(*p))
            p++;
        size_t nlen = (size_t)(p - name);
        while (p < end && http_is_ows(*p))
            p++;
        char val[32];
        size_t vlen = 0;
        int has_val = 0;
        if (p < end && *p == '=') {
            has_val = 1;
            p++;
            while (p < end && http_is_ows(*p))
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
            while (p < end && http_is_ows(*p))
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

/* All values of a header joined by ", " (Fetch's combined value); caller frees. */
static char *combined(const json_t *values)
{
    struct strbuf b = STRBUF_INIT;
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v)
        strbuf_addf(&b, "%s%s", i ? ", " : "", json_string_value(v));
    return strbuf_detach(&b, NULL);
}


int nosniff_valid(const json_t *values)
{
    if (json_array_size(values) == 0)
        return 0;
    char *all = combined(values);
    const char *s = all, *e = strchr(all, ',');
    if (!e)
        e = all + strlen(all);
    http_trim_ows(&s, &e);
    int ok = ascii_casecmp_n(s, (size_t)(e - s), "nosniff") == 0;
    free(all);
    return ok;
}

static const char *const referrer_policies[] = {
    "no-referrer",   "no-referrer-when-downgrade",      "same-origin",
    "origin",        "strict-origin",                   "origin-when-cross-origin",
    "strict-origin-when-cross-origin", "unsafe-url",    NULL,
};

const char *referrer_policy_effective(const json_t *values, size_t *n_unknown)
{
    const char *policy = NULL;
    size_t unknown = 0;
    char *all = combined(values);
    const char *p = all;
    while (*p) {
        const char *s = p, *e = strchr(p, ',');
        if (!e)
            e = p + strlen(p);
        p = *e ? e + 1 : e;
        http_trim_ows(&s, &e);
        if (s == e)
            continue;
        const char *known = NULL;
        for (size_t i = 0; referrer_policies[i] && !known; i++)
            if (ascii_casecmp_n(s, (size_t)(e - s), referrer_policies[i]) == 0)
                known = referrer_policies[i];
        if (known)
            policy = known;
        else
            unknown++;
    }
    free(all);
    if (n_unknown)
        *n_unknown = unknown;
    return policy;
}

/* The HSTS facts of one response's header values: {present, raw?, count?, valid, …}. */
static json_t *hsts_of(const json_t *vals)
{
    if (json_array_size(vals) == 0)
        return json_pack("{s:b}", "present", 0);
    /* Browsers act on the first Strict-Transport-Security header only. */
    const char *raw = json_string_value(json_array_get(vals, 0));
    json_t *h = hsts_parse(raw, strlen(raw));
    json_object_set_new(h, "present", json_true());
    json_object_set(h, "raw", json_array_get(vals, 0));
    if (json_array_size(vals) > 1)
        json_object_set_new(h, "count", json_integer((json_int_t)json_array_size(vals)));
    return h;
}

static int hsts_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (http_page_observe(scan, t, obs, "headers.hsts") < 0)
        return -1;
    if (json_object_get(obs, "hsts"))
        return 0;
    json_object_set_new(obs, "hsts", hsts_of(json_object_get(json_object_get(obs, "headers"),
                                                             "strict-transport-security")));
    /* Every https redirect before the final page must carry it too: a browser that stops at a
     * redirect (or a user who bookmarked it) learns HSTS only from that response. */
    json_t *hops = json_array();
    const json_t *chain = json_object_get(obs, "chain");
    for (size_t i = 0; i + 1 < json_array_size(chain); i++) {
        const json_t *hop = json_array_get(chain, i);
        const char *url = json_string_value(json_object_get(hop, "url"));
        if (!url || strncasecmp(url, "https://", 8) != 0)
            continue;
        json_t *h = hsts_of(json_object_get(json_object_get(hop, "headers"),
                                            "strict-transport-security"));
        json_object_set(h, "url", json_object_get(hop, "url"));
        json_object_set(h, "status", json_object_get(hop, "status"));
        json_array_append_new(hops, h);
    }
    json_object_set_new(obs, "hsts_redirects", hops);
    return 0;
}

/* Judge one response's HSTS facts; on failure, the evidence starts with `where`. */
static enum status hsts_judge_one(const json_t *h, const char *where, long long min, int want_sub,
                                  int want_preload, struct result *r)
{
    if (!json_is_true(json_object_get(h, "present"))) {
        result_evidencef(r, "%s sends no Strict-Transport-Security header", where);
        return ST_FAIL;
    }
    if (!json_is_true(json_object_get(h, "valid"))) {
        result_evidencef(r, "%s: Strict-Transport-Security is invalid (%s), so browsers ignore it",
                         where, json_string_value(json_object_get(h, "error")));
        return ST_FAIL;
    }
    long long age = json_integer_value(json_object_get(h, "max_age"));
    if (age < min) {
        result_evidencef(r, "%s: max-age=%lld (%.1f days) is below the required %lld (%.1f days)",
                         where, age, (double)age / 86400, min, (double)min / 86400);
        return ST_FAIL;
    }
    if (want_sub && !json_is_true(json_object_get(h, "include_subdomains"))) {
        result_evidencef(r, "%s: includeSubDomains is required but missing", where);
        return ST_FAIL;
    }
    if (want_preload && !json_is_true(json_object_get(h, "preload"))) {
        result_evidencef(r, "%s: preload is required but missing", where);
        return ST_FAIL;
    }
    result_evidencef(r, "max-age=%lld (%.1f days) meets the required %lld", age,
                     (double)age / 86400, min);
    return ST_PASS;
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
    const json_t *raw = json_object_get(h, "raw");
    r->observed = raw ? json_incref((json_t *)raw) : json_string("absent");
    enum status st = hsts_judge_one(h, json_string_value(json_object_get(obs, "final_url")), min,
                                    want_sub, want_preload, r);
    size_t i;
    const json_t *hop;
    json_array_foreach(json_object_get(obs, "hsts_redirects"), i, hop) {
        if (st != ST_PASS)
            break;
        char where[600];
        snprintf(where, sizeof where, "the redirect %s (%lld)",
                 json_string_value(json_object_get(hop, "url")),
                 (long long)json_integer_value(json_object_get(hop, "status")));
        struct result hr = { NULL, NULL };
        if (hsts_judge_one(hop, where, min, want_sub, want_preload, &hr) != ST_PASS) {
            json_decref(r->evidence);
            r->evidence = json_incref(hr.evidence);
            st = ST_FAIL;
        }
        result_release(&hr);
    }
    return st;
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

/* The header-value facts the simple header checks judge: X-Content-Type-Options and
 * Referrer-Policy (with <meta name=referrer>, which browsers apply after the header). */
static int simple_observe(struct scan *scan, struct target *t, json_t *obs, const char *id)
{
    if (http_page_observe(scan, t, obs, id) < 0)
        return -1;
    if (json_object_get(obs, "content_type_options"))
        return 0;
    const json_t *h = json_object_get(obs, "headers");
    json_t *xcto = json_object_get(h, "x-content-type-options");
    json_object_set_new(obs, "content_type_options",
                        json_pack("{s:b, s:o, s:b}", "present", json_array_size(xcto) > 0,
                                  "values", xcto ? json_incref(xcto) : json_array(), "valid",
                                  nosniff_valid(xcto)));

    json_t *rp_h = json_object_get(h, "referrer-policy");
    json_t *rp_m = json_object_get(json_object_get(obs, "meta"), "referrer");
    size_t unk_h = 0, unk_m = 0;
    const char *eff_h = rp_h ? referrer_policy_effective(rp_h, &unk_h) : NULL;
    const char *eff_m = rp_m ? referrer_policy_effective(rp_m, &unk_m) : NULL;
    json_t *rp = json_object();
    json_object_set_new(rp, "header", rp_h ? json_incref(rp_h) : json_array());
    json_object_set_new(rp, "meta", rp_m ? json_incref(rp_m) : json_array());
    json_object_set_new(rp, "effective", eff_m   ? json_string(eff_m)
                                         : eff_h ? json_string(eff_h)
                                                 : json_null());
    json_object_set_new(rp, "source", eff_m   ? json_string("meta")
                                      : eff_h ? json_string("header")
                                              : json_null());
    json_object_set_new(rp, "ignored_tokens", json_integer((json_int_t)(unk_h + unk_m)));
    json_object_set_new(obs, "referrer_policy", rp);
    return 0;
}

static int xcto_observe(struct scan *scan, struct target *t, json_t *obs)
{
    return simple_observe(scan, t, obs, "headers.content_type_options");
}

static enum status xcto_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    (void)expect;
    const json_t *x = json_object_get(obs, "content_type_options");
    if (!x) {
        result_evidencef(r, "no X-Content-Type-Options observation was recorded");
        return ST_ERROR;
    }
    const json_t *vals = json_object_get(x, "values");
    r->observed = json_array_size(vals) ? json_incref((json_t *)vals) : json_string("absent");
    if (!json_is_true(json_object_get(x, "present"))) {
        result_evidencef(r, "%s sends no X-Content-Type-Options header",
                         json_string_value(json_object_get(obs, "final_url")));
        return ST_FAIL;
    }
    if (!json_is_true(json_object_get(x, "valid"))) {
        result_evidencef(r, "X-Content-Type-Options is \"%s\", not nosniff, so browsers ignore it",
                         json_string_value(json_array_get(vals, 0)));
        return ST_FAIL;
    }
    result_evidencef(r, "X-Content-Type-Options: nosniff");
    return ST_PASS;
}


const struct check check_headers_content_type_options = {
    .id = "headers.content_type_options",
    .family = "headers",
    .title = "X-Content-Type-Options: nosniff",
    .observe = xcto_observe,
    .judge = xcto_judge,
};

static int referrer_observe(struct scan *scan, struct target *t, json_t *obs)
{
    return simple_observe(scan, t, obs, "headers.referrer_policy");
}

/* Policies that send the full URL (path and query) or the origin to other sites. */
static const char *const leaky_default[] = {
    "unsafe-url", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin", NULL,
};

static int in_list(const json_t *list, const char *const *dflt, const char *word)
{
    if (list)
        return json_list_has(list, word);
    for (size_t i = 0; dflt[i]; i++)
        if (strcmp(dflt[i], word) == 0)
            return 1;
    return 0;
}

static enum status referrer_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *rp = json_object_get(obs, "referrer_policy");
    if (!rp) {
        result_evidencef(r, "no Referrer-Policy observation was recorded");
        return ST_ERROR;
    }
    const char *eff = json_string_value(json_object_get(rp, "effective"));
    int sent = json_array_size(json_object_get(rp, "header")) ||
               json_array_size(json_object_get(rp, "meta"));
    r->observed = eff ? json_string(eff) : json_string(sent ? "invalid" : "absent");
    if (!sent) {
        if (json_is_true(json_object_get(expect, "required"))) {
            result_evidencef(r, "no Referrer-Policy header or <meta name=referrer>");
            return ST_FAIL;
        }
        result_evidencef(r, "no Referrer-Policy: browsers default to "
                            "strict-origin-when-cross-origin");
        return ST_PASS;
    }
    if (!eff) {
        result_evidencef(r, "Referrer-Policy has no valid policy token (\"%s\"), so browsers "
                            "ignore it",
                         json_string_value(json_array_get(json_object_get(rp, "header"), 0)));
        return ST_FAIL;
    }
    if (in_list(json_object_get(expect, "forbid"), leaky_default, eff)) {
        result_evidencef(r, "Referrer-Policy %s (from the %s) sends page addresses to other sites",
                         eff, json_string_value(json_object_get(rp, "source")));
        return ST_FAIL;
    }
    result_evidencef(r, "Referrer-Policy %s (from the %s)", eff,
                     json_string_value(json_object_get(rp, "source")));
    return ST_PASS;
}

static const struct expect_key referrer_keys[] = {
    { "required", EXP_BOOL, NULL,
      "a Referrer-Policy header or meta must be sent (default false: browsers then use "
      "strict-origin-when-cross-origin)" },
    { "forbid", EXP_STRING_LIST, referrer_policies,
      "policies that fail (default: unsafe-url, no-referrer-when-downgrade, origin, "
      "origin-when-cross-origin)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_headers_referrer_policy = {
    .id = "headers.referrer_policy",
    .family = "headers",
    .title = "Referrer-Policy",
    .observe = referrer_observe,
    .judge = referrer_judge,
    .expect_keys = referrer_keys,
};
