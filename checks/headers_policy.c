/*
 * headers_policy.c — the page's content and embedding policies.
 *
 * headers.csp: every Content-Security-Policy header, Content-Security-Policy-Report-Only header
 * and <meta http-equiv> policy in <head>, parsed and analysed by checks/csp.c the way a browser
 * enforces them, and named the way the MDN HTTP Observatory names them.
 * headers.frame_options: protection against framing (clickjacking): CSP frame-ancestors from an
 * enforced header policy, else X-Frame-Options read as the HTML standard reads it.
 * headers.cross_origin: Permissions-Policy, Cross-Origin-Opener-Policy, -Resource-Policy and
 * -Embedder-Policy: reported, and judged only against what a profile requires.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "csp.h"
#include "headers.h"
#include "http_page.h"
#include "scan.h"
#include "strbuf.h"
#include "util.h"

/* ------------------------------------------------------------------------------------------ */
/* Pure parsers */



const char *xfo_effective(const json_t *values, json_t *tokens)
{
    /* HTML §7.1.1 "check a navigation response's adherence to X-Frame-Options": the values
     * split on commas, trimmed, lower-cased, as a set. */
    size_t i;
    json_t *v;
    json_t *set = tokens ? json_incref(tokens) : json_array();
    json_array_foreach(values, i, v) {
        const char *p = json_string_value(v);
        if (!p)
            continue;
        const char *end = p + strlen(p);
        while (p <= end) {
            const char *c = memchr(p, ',', (size_t)(end - p));
            const char *te = c ? c : end, *ts = p;
            http_trim_ows(&ts, &te);
            char tok[64];
            size_t n = (size_t)(te - ts);
            if (n >= sizeof tok)
                n = sizeof tok - 1;
            for (size_t k = 0; k < n; k++)
                tok[k] = (char)((ts[k] >= 'A' && ts[k] <= 'Z') ? ts[k] + 32 : ts[k]);
            tok[n] = '\0';
            if (!json_list_has(set, tok))
                json_array_append_new(set, json_string_lossy(tok, n));
            if (!c)
                break;
            p = c + 1;
        }
    }
    const char *eff;
    size_t n = json_array_size(set);
    if (n == 0)
        eff = "absent";
    else if (n > 1)
        eff = (json_list_has(set, "deny") || json_list_has(set, "sameorigin") ||
               json_list_has(set, "allowall"))
                  ? "conflict" /* browsers then block all framing */
                  : "invalid";
    else if (json_list_has(set, "deny"))
        eff = "deny";
    else if (json_list_has(set, "sameorigin"))
        eff = "sameorigin";
    else if (json_list_has(set, "allowall"))
        eff = "allowall";
    else
        eff = "invalid"; /* ALLOW-FROM included: no current browser implements it */
    json_decref(set);
    return eff;
}

const char *frame_ancestors_class(const json_t *sources)
{
    size_t i;
    json_t *v;
    int self = 0, others = 0;
    json_array_foreach(sources, i, v) {
        const char *s = json_string_value(v);
        if (!s)
            continue;
        if (strcasecmp(s, "'none'") == 0)
            continue; /* 'none' with other sources is ignored by browsers: the others count */
        if (strcmp(s, "*") == 0 || (strchr(s, ':') && s[strlen(s) - 1] == ':'))
            return "wildcard"; /* *, https:, http: … any site of that scheme */
        if (strncmp(s, "*.", 2) == 0 || strstr(s, "://*."))
            others = 1;
        else if (strcasecmp(s, "'self'") == 0)
            self = 1;
        else
            others = 1;
    }
    return others ? "listed" : self ? "self" : "none";
}

/* Rank of a frame-ancestors class: lower is stricter. Several enforced policies all apply. */
static int fa_rank(const char *c)
{
    static const char *const order[] = { "none", "self", "listed", "wildcard" };
    for (int i = 0; i < 4; i++)
        if (strcmp(c, order[i]) == 0)
            return i;
    return 3;
}

/* sf-key (RFC 8941 §3.2): lcalpha / "*" then lcalpha / DIGIT / "_" / "-" / "." / "*". */
static size_t sf_key(const char *p, const char *end)
{
    if (p >= end || !((*p >= 'a' && *p <= 'z') || *p == '*'))
        return 0;
    size_t n = 1;
    while (p + n < end && ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') ||
                           strchr("_-.*", p[n])))
        n++;
    return n;
}

json_t *permissions_policy_parse(const char *v, size_t len)
{
    /* A Structured Fields dictionary (RFC 8941 §4.2.2): feature=allowlist, where the allowlist is
     * a token (*, self) or an inner list of tokens and strings. A parse failure makes browsers
     * ignore the whole header, so it is reported as invalid with no features. */
    json_t *o = json_object(), *feat = json_object();
    const char *p = v, *end = v + len, *why = NULL;
    while (p < end && !why) {
        while (p < end && *p == ' ')
            p++;
        size_t kn = sf_key(p, end);
        if (!kn) {
            why = "a feature name is not a lower-case token";
            break;
        }
        json_t *allow = json_array();
        const char *key = p;
        p += kn;
        if (p < end && *p == '=') {
            p++;
            if (p < end && *p == '(') {
                p++;
                while (p < end && *p != ')' && !why) {
                    while (p < end && *p == ' ')
                        p++;
                    if (p < end && *p == ')')
                        break;
                    const char *s = p;
                    if (p < end && *p == '"') {
                        p++;
                        while (p < end && *p != '"' && *p >= 0x20 && *p < 0x7f)
                            p += (*p == '\\' && p + 1 < end) ? 2 : 1;
                        if (p >= end || *p != '"')
                            why = "an unterminated or invalid string in an allowlist";
                        else
                            p++;
                    } else {
                        while (p < end && *p != ' ' && *p != ')' && *p > 0x20 && *p < 0x7f &&
                               *p != '"' && *p != '(' && *p != ',')
                            p++;
                        if (p == s)
                            why = "an allowlist item is neither a token nor a string";
                    }
                    if (!why && json_array_size(allow) < 32)
                        json_array_append_new(allow, json_string_lossy(s, (size_t)(p - s)));
                    if (p < end && *p != ' ' && *p != ')')
                        why = "allowlist items are not separated by spaces";
                }
                if (!why && (p >= end || *p != ')'))
                    why = "an allowlist's parenthesis is not closed";
                else if (!why)
                    p++;
            } else {
                const char *s = p;
                while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                                   (*p >= '0' && *p <= '9') || strchr("*:/!#$%&'+-.^_`|~", *p)))
                    p++;
                if (p == s)
                    why = "a feature's value is neither a token nor a list";
                else
                    json_array_append_new(allow, json_string_lossy(s, (size_t)(p - s)));
            }
        } else {
            json_array_append_new(allow, json_string("?1")); /* a bare key is boolean true */
        }
        while (!why && p < end && *p == ';') { /* parameters: skipped, as browsers do */
            p++;
            while (p < end && *p != ',' && *p != ';')
                p++;
        }
        if (!why && json_object_size(feat) < 128) {
            char name[64];
            size_t n = kn < sizeof name ? kn : sizeof name - 1;
            memcpy(name, key, n);
            name[n] = '\0';
            json_object_set_new(feat, name, allow); /* a repeated key: the last one wins */
        } else {
            json_decref(allow);
        }
        while (!why && p < end && http_is_ows(*p))
            p++;
        if (!why && p < end) {
            if (*p != ',')
                why = "features are not separated by commas";
            for (p++; !why && p < end && http_is_ows(*p);)
                p++;
            if (!why && p >= end)
                why = "a trailing comma";
        }
    }
    json_object_set_new(o, "valid", json_boolean(!why));
    if (why) {
        json_object_set_new(o, "error", json_string(why));
        json_object_clear(feat);
    }
    json_object_set_new(o, "features", feat);
    return o;
}

/* ------------------------------------------------------------------------------------------ */
/* Observation: CSP and framing, from the one start-page fetch */

/* The csp_to_json observation of the final page's policies; NULL on ENOMEM. */
static json_t *csp_observe_page(const json_t *obs)
{
    const json_t *h = json_object_get(obs, "headers");
    struct csp_set *set = csp_set_new();
    if (!set)
        return NULL;
    static const struct {
        const char *header;
        enum csp_origin origin;
    } src[] = {
        { "content-security-policy", CSP_ORIGIN_HEADER },
        { "content-security-policy-report-only", CSP_ORIGIN_REPORT_ONLY },
    };
    size_t i;
    json_t *v;
    for (size_t k = 0; k < sizeof src / sizeof src[0]; k++)
        json_array_foreach(json_object_get(h, src[k].header), i, v)
            csp_parse(set, src[k].origin, json_string_value(v), json_string_length(v));
    json_array_foreach(json_object_get(json_object_get(obs, "meta"), "csp"), i, v)
        csp_parse(set, CSP_ORIGIN_META, json_string_value(v), json_string_length(v));
    const char *final = json_string_value(json_object_get(obs, "final_url"));
    struct csp_analysis a;
    json_t *o = NULL;
    if (csp_analyse(set, final && strncasecmp(final, "https:", 6) == 0, &a) == 0)
        o = csp_to_json(set, &a);
    csp_set_free(set);
    return o;
}

/* obs.frame_options: X-Frame-Options as browsers read it and the enforced frame-ancestors. */
static json_t *frame_observe_page(const json_t *obs, const json_t *csp)
{
    json_t *xfo = json_object_get(json_object_get(obs, "headers"), "x-frame-options");
    json_t *tokens = json_array();
    const char *eff = xfo_effective(xfo, tokens);
    json_t *fa = json_array();
    const char *fa_class = NULL;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(csp, "policies"), i, p) {
        const char *disp = json_string_value(json_object_get(p, "disposition"));
        const char *del = json_string_value(json_object_get(p, "delivery"));
        json_t *src = json_object_get(json_object_get(p, "directives"), "frame-ancestors");
        if (!src || !disp || strcmp(disp, "enforce") != 0 || !del || strcmp(del, "header") != 0)
            continue;
        json_array_append(fa, src);
        const char *c = frame_ancestors_class(src);
        if (!fa_class || fa_rank(c) < fa_rank(fa_class))
            fa_class = c;
    }
    return json_pack("{s:o, s:o, s:s, s:o, s:o}", "x_frame_options",
                     xfo ? json_incref(xfo) : json_array(), "xfo_tokens", tokens, "xfo_effective",
                     eff, "frame_ancestors", fa, "frame_ancestors_class",
                     fa_class ? json_string(fa_class) : json_null());
}

static int policy_observe(struct scan *scan, struct target *t, json_t *obs, const char *id)
{
    if (http_page_observe(scan, t, obs, id) < 0)
        return -1;
    if (json_object_get(obs, "csp"))
        return 0;
    json_t *csp = csp_observe_page(obs);
    if (!csp)
        return obs_error(obs, id, "out of memory analysing the Content-Security-Policy");
    json_object_set_new(obs, "csp", csp);
    json_object_set_new(obs, "frame_options", frame_observe_page(obs, csp));
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* headers.csp */

static int csp_observe(struct scan *scan, struct target *t, json_t *obs)
{
    return policy_observe(scan, t, obs, "headers.csp");
}

static enum status csp_judge_obs(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *csp = json_object_get(obs, "csp");
    if (!csp) {
        result_evidencef(r, "no Content-Security-Policy observation was recorded");
        return ST_ERROR;
    }
    enum status st = csp_judge_json(csp, expect, r);
    const json_t *outside = json_object_get(json_object_get(obs, "meta"), "csp_outside_head");
    if (json_array_size(outside) && r->evidence && json_is_string(r->evidence)) {
        struct strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "%s; %zu <meta> policy outside <head> ignored, as browsers ignore it",
                    json_string_value(r->evidence), json_array_size(outside));
        json_decref(r->evidence);
        r->evidence = json_string_lossy(sb.buf, sb.len);
        strbuf_release(&sb);
    }
    return st;
}

const struct check check_headers_csp = {
    .id = "headers.csp",
    .family = "headers",
    .title = "Content-Security-Policy restricts scripts, plugins and insecure sources",
    .observe = csp_observe,
    .judge = csp_judge_obs,
    .expect_keys = csp_expect_keys,
};

/* ------------------------------------------------------------------------------------------ */
/* headers.frame_options */

static int frame_observe(struct scan *scan, struct target *t, json_t *obs)
{
    return policy_observe(scan, t, obs, "headers.frame_options");
}

static enum status frame_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *f = json_object_get(obs, "frame_options");
    const char *xfo = json_string_value(json_object_get(f, "xfo_effective"));
    if (!f || !xfo) {
        result_evidencef(r, "no framing observation was recorded");
        return ST_ERROR;
    }
    int allow_self = expect_bool(expect, "allow_sameorigin", 1);
    int need_xfo = expect_bool(expect, "require_x_frame_options", 0);
    const char *fa = json_string_value(json_object_get(f, "frame_ancestors_class"));
    int xfo_ok = strcmp(xfo, "deny") == 0 || (allow_self && strcmp(xfo, "sameorigin") == 0);
    if (fa) {
        r->observed = json_pack("{s:s, s:s}", "frame_ancestors", fa, "x_frame_options", xfo);
        if (strcmp(fa, "wildcard") == 0) {
            result_evidencef(r, "CSP frame-ancestors allows any site (a wildcard or scheme) to "
                                "frame the page; browsers then ignore X-Frame-Options");
            return ST_FAIL;
        }
        if (strcmp(fa, "self") == 0 && !allow_self) {
            result_evidencef(r, "CSP frame-ancestors is 'self', and the profile requires 'none'");
            return ST_FAIL;
        }
        if (need_xfo && !xfo_ok) {
            result_evidencef(r, "CSP frame-ancestors is set, but the profile also requires "
                                "X-Frame-Options for older browsers, and it is %s", xfo);
            return ST_FAIL;
        }
        result_evidencef(r, "CSP frame-ancestors (%s) restricts who may frame the page%s", fa,
                         strcmp(fa, "listed") == 0 ? " to the listed origins" : "");
        return ST_PASS;
    }
    r->observed = json_string(xfo);
    if (xfo_ok) {
        result_evidencef(r, "X-Frame-Options: %s", xfo);
        return ST_PASS;
    }
    if (strcmp(xfo, "sameorigin") == 0) {
        result_evidencef(r, "X-Frame-Options is SAMEORIGIN, and the profile requires DENY");
        return ST_FAIL;
    }
    if (strcmp(xfo, "conflict") == 0) {
        result_evidencef(r, "X-Frame-Options has conflicting values; browsers following the "
                            "HTML standard then block all framing, but the header is "
                            "misconfigured and older browsers may ignore it");
        return ST_WARN;
    }
    if (strcmp(xfo, "absent") == 0)
        result_evidencef(r, "neither CSP frame-ancestors nor X-Frame-Options: any site can "
                            "frame the page (clickjacking)");
    else
        result_evidencef(r, "X-Frame-Options is %s, which browsers treat as no protection "
                            "(ALLOW-FROM is no longer implemented), and there is no CSP "
                            "frame-ancestors", xfo);
    return ST_FAIL;
}

static const struct expect_key frame_keys[] = {
    { "allow_sameorigin", EXP_BOOL, NULL,
      "SAMEORIGIN / frame-ancestors 'self' is acceptable (default true; false requires DENY "
      "or 'none')" },
    { "require_x_frame_options", EXP_BOOL, NULL,
      "X-Frame-Options is required even when CSP frame-ancestors is set, for older browsers "
      "(default false)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_headers_frame_options = {
    .id = "headers.frame_options",
    .family = "headers",
    .title = "Framing restricted (CSP frame-ancestors or X-Frame-Options)",
    .observe = frame_observe,
    .judge = frame_judge,
    .expect_keys = frame_keys,
};
