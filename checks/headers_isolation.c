/*
 * headers_isolation.c — headers.cross_origin: the page's isolation and feature policies.
 *
 * Permissions-Policy (which powerful features — camera, geolocation, payment… — the page and its
 * frames may use), Cross-Origin-Opener-Policy (whether a page that opened it, or that it opens,
 * keeps a handle on it), Cross-Origin-Resource-Policy (who may embed its responses) and
 * Cross-Origin-Embedder-Policy. All four are recorded as browsers read them. They are newer
 * defences that few portals send, so the check reports them, warns when none is sent, and fails
 * only on what a profile requires.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "headers.h"
#include "http_page.h"
#include "scan.h"
#include "strbuf.h"
#include "util.h"

static const char *const coop_values[] = { "same-origin", "same-origin-allow-popups",
                                           "noopener-allow-popups", "unsafe-none", NULL };
static const char *const corp_values[] = { "same-origin", "same-site", "cross-origin", NULL };
static const char *const coep_values[] = { "require-corp", "credentialless", "unsafe-none", NULL };

/* The policy a single-valued header sets: its one value's token (before any ';' parameter for
 * COOP/COEP, which are structured-field items), "absent", or "invalid" (browsers then apply the
 * default). Several header fields make one invalid item. */
static const char *single_token(const json_t *values, const char *const *known, int params)
{
    size_t n = json_array_size(values);
    if (n == 0)
        return "absent";
    const char *v = json_string_value(json_array_get(values, 0));
    if (n > 1 || !v)
        return "invalid";
    while (*v == ' ' || *v == '\t')
        v++;
    size_t len = params ? strcspn(v, ";") : strlen(v);
    while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
        len--;
    for (const char *const *k = known; *k; k++)
        if (strlen(*k) == len && strncmp(v, *k, len) == 0) /* tokens are case-sensitive */
            return *k;
    return "invalid";
}

static json_t *header_obs(const json_t *headers, const char *name, const char *const *known,
                          int params)
{
    json_t *vals = json_object_get(headers, name);
    return json_pack("{s:o, s:s}", "values", vals ? json_incref(vals) : json_array(), "effective",
                     single_token(vals, known, params));
}

static int isolation_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (http_page_observe(scan, t, obs, "headers.cross_origin") < 0)
        return -1;
    if (json_object_get(obs, "cross_origin"))
        return 0;
    const json_t *h = json_object_get(obs, "headers");
    json_t *pp_vals = json_object_get(h, "permissions-policy");
    json_t *pp;
    if (json_array_size(pp_vals)) {
        /* Several fields are one dictionary, joined with ", " as HTTP allows. */
        struct strbuf sb = STRBUF_INIT;
        size_t i;
        json_t *v;
        json_array_foreach(pp_vals, i, v)
            strbuf_addf(&sb, "%s%s", i ? ", " : "", json_string_value(v));
        pp = permissions_policy_parse(sb.buf ? sb.buf : "", sb.len);
        strbuf_release(&sb);
        json_object_set_new(pp, "present", json_true());
    } else {
        pp = json_pack("{s:b, s:b, s:{}}", "present", 0, "valid", 0, "features");
    }
    json_object_set_new(pp, "values", pp_vals ? json_incref(pp_vals) : json_array());
    json_object_set_new(pp, "feature_policy_legacy",
                        json_boolean(json_object_get(h, "feature-policy") != NULL));
    json_object_set_new(obs, "cross_origin",
                        json_pack("{s:o, s:o, s:o, s:o}", "permissions_policy", pp, "coop",
                                  header_obs(h, "cross-origin-opener-policy", coop_values, 1),
                                  "corp",
                                  header_obs(h, "cross-origin-resource-policy", corp_values, 0),
                                  "coep",
                                  header_obs(h, "cross-origin-embedder-policy", coep_values, 1)));
    return 0;
}

/* A feature is restricted when the Permissions-Policy names it with an allowlist without "*". */
static int feature_restricted(const json_t *features, const char *name)
{
    const json_t *allow = json_object_get(features, name);
    if (!allow)
        return 0;
    size_t i;
    json_t *v;
    json_array_foreach(allow, i, v)
        if (strcmp(json_string_value(v) ? json_string_value(v) : "", "*") == 0)
            return 0;
    return 1;
}

/* Check the effective value of one policy against an allowed list from the profile; appends a
 * problem to sb when the list is given and the value is not in it. */
static void require_one(const json_t *co, const json_t *expect, const char *key,
                        const char *header, struct strbuf *sb)
{
    const json_t *want = json_object_get(expect, key);
    if (!want)
        return;
    const char *eff = json_string_value(json_object_get(json_object_get(co, key), "effective"));
    if (!eff)
        eff = "absent";
    int ok = json_is_string(want) ? strcmp(json_string_value(want), eff) == 0
                                  : json_list_has(want, eff);
    if (!ok)
        strbuf_addf(sb, "%s%s is %s, not one the profile accepts", sb->len ? "; " : "", header,
                    eff);
}

/* A policy value that browsers apply (not missing, not ignored as invalid). */
static int in_effect(const char *eff)
{
    return eff && strcmp(eff, "absent") != 0 && strcmp(eff, "invalid") != 0;
}

static enum status isolation_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *co = json_object_get(obs, "cross_origin");
    const json_t *pp = json_object_get(co, "permissions_policy");
    if (!co || !pp) {
        result_evidencef(r, "no cross-origin policy observation was recorded");
        return ST_ERROR;
    }
    const json_t *features = json_object_get(pp, "features");
    int pp_valid = json_is_true(json_object_get(pp, "valid"));
    const char *coop = json_string_value(json_object_get(json_object_get(co, "coop"), "effective"));
    const char *corp = json_string_value(json_object_get(json_object_get(co, "corp"), "effective"));
    const char *coep = json_string_value(json_object_get(json_object_get(co, "coep"), "effective"));
    r->observed = json_pack("{s:s, s:i, s:s, s:s, s:s}", "permissions_policy",
                            !json_is_true(json_object_get(pp, "present")) ? "absent"
                            : pp_valid                                   ? "valid"
                                                                         : "invalid",
                            "features", (int)json_object_size(features), "coop",
                            coop ? coop : "?", "corp", corp ? corp : "?", "coep",
                            coep ? coep : "?");

    struct strbuf bad = STRBUF_INIT;
    if (expect_bool(expect, "require_permissions_policy", 0) && !pp_valid)
        strbuf_addf(&bad, "no valid Permissions-Policy%s",
                    json_is_true(json_object_get(pp, "present")) ? " (browsers ignore it)" : "");
    size_t i;
    json_t *f;
    const json_t *restrict_list = json_object_get(expect, "restrict_features");
    json_array_foreach(restrict_list, i, f) {
        const char *name = json_string_value(f);
        if (name && !feature_restricted(features, name))
            strbuf_addf(&bad, "%sPermissions-Policy does not restrict %s", bad.len ? "; " : "",
                        name);
    }
    require_one(co, expect, "coop", "Cross-Origin-Opener-Policy", &bad);
    require_one(co, expect, "corp", "Cross-Origin-Resource-Policy", &bad);
    require_one(co, expect, "coep", "Cross-Origin-Embedder-Policy", &bad);
    if (bad.len) {
        r->evidence = json_string_lossy(bad.buf, bad.len);
        strbuf_release(&bad);
        return ST_FAIL;
    }
    strbuf_release(&bad);
    int sent = pp_valid || in_effect(coop) || in_effect(corp) || in_effect(coep);
    result_evidencef(r, "Permissions-Policy: %s (%zu features); COOP: %s; CORP: %s; COEP: %s",
                     pp_valid ? "valid" : "none in effect", json_object_size(features), coop,
                     corp, coep);
    return sent ? ST_PASS : ST_WARN;
}

static const char *const coop_accept[] = { "same-origin", "same-origin-allow-popups",
                                           "noopener-allow-popups", "unsafe-none", "absent",
                                           "invalid", NULL };
static const char *const corp_accept[] = { "same-origin", "same-site", "cross-origin", "absent",
                                           "invalid", NULL };
static const char *const coep_accept[] = { "require-corp", "credentialless", "unsafe-none",
                                           "absent", "invalid", NULL };

static const struct expect_key isolation_keys[] = {
    { "require_permissions_policy", EXP_BOOL, NULL,
      "a valid Permissions-Policy header is required (default false)" },
    { "restrict_features", EXP_STRING_LIST, NULL,
      "features (camera, geolocation, …) the Permissions-Policy must name without \"*\" "
      "(default none)" },
    { "coop", EXP_STRING_LIST, coop_accept,
      "accepted Cross-Origin-Opener-Policy values (default: any, reported only)" },
    { "corp", EXP_STRING_LIST, corp_accept,
      "accepted Cross-Origin-Resource-Policy values (default: any, reported only)" },
    { "coep", EXP_STRING_LIST, coep_accept,
      "accepted Cross-Origin-Embedder-Policy values (default: any, reported only)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_headers_cross_origin = {
    .id = "headers.cross_origin",
    .family = "headers",
    .title = "Permissions-Policy and cross-origin isolation headers",
    .observe = isolation_observe,
    .judge = isolation_judge,
    .expect_keys = isolation_keys,
};
