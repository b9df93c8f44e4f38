/*
 * test_csp.c — checks/csp*.c: the Content-Security-Policy parser (CSP3 grammar, first directive
 * wins, bounds), the browser-side analysis (fallbacks, nonces/hashes/'strict-dynamic' voiding
 * 'unsafe-inline', several policies all enforced, <meta> restrictions), the MDN HTTP
 * Observatory's verdict (every result, with the Observatory's own test cases from
 * test/csp.test.js and test/csp-parser.test.js of @mdn/mdn-http-observatory), the JSON and the
 * judge of each expect key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "csp.h"

/* Values are header values unless prefixed "M:" (<meta>) or "R:" (report-only header). */
static struct csp_set *set_of(const char *const *vals)
{
    struct csp_set *s = csp_set_new();
    assert_non_null(s);
    for (; *vals; vals++) {
        const char *v = *vals;
        enum csp_origin o = CSP_ORIGIN_HEADER;
        if (strncmp(v, "M:", 2) == 0)
            o = CSP_ORIGIN_META, v += 2;
        else if (strncmp(v, "R:", 2) == 0)
            o = CSP_ORIGIN_REPORT_ONLY, v += 2;
        assert_true(csp_parse(s, o, v, strlen(v)) >= 0);
    }
    return s;
}

static void analyse_vals(const char *const *vals, bool https, struct csp_analysis *a)
{
    struct csp_set *s = set_of(vals);
    assert_int_equal(csp_analyse(s, https, a), 0);
    csp_set_free(s);
}

#define VALS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define AN(a, ...) analyse_vals(VALS(__VA_ARGS__), true, (a))

/* The enforced view of one header value. */
static struct csp_view view1(const char *v)
{
    struct csp_analysis a;
    AN(&a, v);
    return a.enforced;
}

/* ---- parsing ------------------------------------------------------------------------------- */

static json_t *json_of(const char *const *vals)
{
    struct csp_set *s = set_of(vals);
    struct csp_analysis a;
    assert_int_equal(csp_analyse(s, true, &a), 0);
    json_t *j = csp_to_json(s, &a);
    assert_non_null(j);
    csp_set_free(s);
    return j;
}

/* The sources of directive `name` in policy `pi` of the JSON, space-joined ("" if absent). */
static char *sources_of(json_t *j, size_t pi, const char *name)
{
    json_t *d = json_object_get(
        json_object_get(json_array_get(json_object_get(j, "policies"), pi), "directives"), name);
    static char buf[512];
    buf[0] = '\0';
    if (!d)
        return strcpy(buf, "(absent)");
    size_t i;
    json_t *v;
    json_array_foreach(d, i, v) {
        if (i)
            strcat(buf, " ");
        strcat(buf, json_string_value(v));
    }
    return buf;
}

static bool has_warning(json_t *j, const char *needle)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(j, "warnings"), i, w) {
        if (strstr(json_string_value(w), needle))
            return true;
    }
    return false;
}

static void test_parse_case_and_whitespace(void **state)
{
    (void)state;
    json_t *j = json_of(VALS("  DEFAULT-SRC\t'NONE' ;Script-Src   'Self'\thttps://CDN.example.com "
                             " 'nonce-AbC+/=' ; ; ;;"));
    assert_string_equal(sources_of(j, 0, "default-src"), "'NONE'");
    /* names lowercased; values as sent (a nonce is case-sensitive) */
    assert_string_equal(sources_of(j, 0, "script-src"),
                        "'Self' https://CDN.example.com 'nonce-AbC+/='");
    assert_int_equal(json_array_size(json_object_get(j, "warnings")), 0);
    json_decref(j);

    struct csp_view v = view1("DEFAULT-SRC 'NONE'; SCRIPT-SRC 'UNSAFE-INLINE'");
    assert_true(v.default_src_none);
    assert_true(v.unsafe_inline);
    assert_string_equal(v.script_src_directive, "script-src");
}

static void test_parse_duplicates_first_wins(void **state)
{
    (void)state;
    json_t *j = json_of(VALS("script-src 'self'; object-src 'none'; SCRIPT-SRC 'unsafe-inline'"));
    assert_string_equal(sources_of(j, 0, "script-src"), "'self'");
    assert_true(has_warning(j, "repeated directive 'script-src'"));
    assert_true(json_is_true(json_object_get(j, "duplicate_directives")));
    json_decref(j);
    struct csp_view v = view1("script-src 'self'; object-src 'none'; SCRIPT-SRC 'unsafe-inline'");
    assert_false(v.unsafe_inline);

    /* A directive skipped for being malformed does not shadow a later good one. */
    v = view1("script-src 'unsafe-inline' \xc3\xa9; script-src 'self'");
    assert_false(v.unsafe_inline);
    assert_true(v.script_restricted);
}

static void test_parse_empty_and_bad_directives(void **state)
{
    (void)state;
    json_t *j = json_of(VALS(";;; ; default-src 'self';;"));
    assert_string_equal(sources_of(j, 0, "default-src"), "'self'");
    json_decref(j);

    /* non-ASCII and malformed names are ignored, with a warning */
    j = json_of(VALS("script-src 'unsafe-inline' \xc3\xa9; script_src 'unsafe-inline'; "
                     "default-src 'none'; frame-anchestors 'none'"));
    assert_string_equal(sources_of(j, 0, "script-src"), "(absent)");
    assert_string_equal(sources_of(j, 0, "script_src"), "(absent)");
    assert_string_equal(sources_of(j, 0, "frame-anchestors"), "'none'"); /* kept, no effect */
    assert_true(has_warning(j, "non-ASCII"));
    assert_true(has_warning(j, "malformed directive name 'script_src'"));
    assert_true(has_warning(j, "unknown directive 'frame-anchestors'"));
    json_decref(j);
    struct csp_view v = view1("script-src 'unsafe-inline' \xc3\xa9; default-src 'none'");
    assert_false(v.unsafe_inline);
    assert_true(v.default_src_none);

    /* an empty value, or nothing but separators, is no policy */
    struct csp_analysis a;
    AN(&a, "");
    assert_int_equal(a.header_policies, 0);
    assert_int_equal(a.enforced.policies, 0);
    AN(&a, " ; ;, ,");
    assert_int_equal(a.header_policies, 0);
    /* a directive with no value is a source list matching nothing */
    v = view1("default-src");
    assert_true(v.default_src_none);
    assert_true(v.object_src_none);
    assert_false(v.unsafe_inline);
}

static void test_parse_bad_tokens(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "'unsafe-inlin'", "'nonce-'", "'nonce-a=b'", "'sha1-abc'", "'sha256-'", "https://",
        "*.*", "http://*.*", "https://a..b", "a:b:c", "https://x:port", "'self",
        "https://[::1]", "https://x/%zz", "\"self\"",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char pol[128];
        snprintf(pol, sizeof pol, "default-src 'none'; script-src %s", bad[i]);
        json_t *j = json_of(VALS(pol));
        if (!has_warning(j, "invalid source"))
            fail_msg("%s was not reported as an invalid source", bad[i]);
        json_decref(j);
        /* an invalid source is ignored: script-src matches nothing */
        struct csp_view v = view1(pol);
        if (v.script_wildcard || v.unsafe_inline)
            fail_msg("invalid source %s was given effect", bad[i]);
    }
    static const char *const good[] = {
        "'self'", "'none'", "'unsafe-eval'", "'strict-dynamic'", "'unsafe-hashes'",
        "'report-sample'", "'wasm-unsafe-eval'", "'nonce-abc123'", "'NONCE-abc=='",
        "'sha256-hqBEA/HXB3aJU2FgOnYN8rkAgEVgyfi3Vs1j2/XMPBA='", "'sha384-a_b-c'",
        "'sha512-xyz'", "https:", "data:", "blob:", "filesystem:", "*", "*.example.com",
        "https://x.example.com:443/path/a.js", "example.com", "example.com:*", "*:8080",
        "https://*.example.com", "wss://chat.example.com", "localhost:8080", "127.0.0.1",
        "https://example.com/a%20b/", "example.com.",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char pol[128];
        snprintf(pol, sizeof pol, "script-src %s", good[i]);
        json_t *j = json_of(VALS(pol));
        if (has_warning(j, "invalid source"))
            fail_msg("%s was reported as an invalid source", good[i]);
        json_decref(j);
    }
}

static void test_parse_commas_are_policies(void **state)
{
    (void)state;
    struct csp_analysis a;
    AN(&a, "script-src 'unsafe-inline', script-src 'self'");
    assert_int_equal(a.header_policies, 2);
    assert_false(a.enforced.unsafe_inline); /* both are enforced */
    /* the same as two header fields */
    AN(&a, "script-src 'unsafe-inline'", "script-src 'self'");
    assert_int_equal(a.header_policies, 2);
    assert_false(a.enforced.unsafe_inline);
    AN(&a, "script-src 'unsafe-inline', script-src 'unsafe-inline' 'self'");
    assert_true(a.enforced.unsafe_inline);
    json_t *j = json_of(VALS("default-src 'self',,img-src 'none'"));
    assert_int_equal(json_array_size(json_object_get(j, "policies")), 2);
    assert_true(has_warning(j, "policy 2 (header) is empty"));
    assert_string_equal(sources_of(j, 1, "img-src"), "'none'");
    json_decref(j);
}

static void test_parse_bounds(void **state)
{
    (void)state;
    struct csp_set *s = csp_set_new();
    assert_non_null(s);
    /* longer than the input cap: truncated at a separator, flagged, judged "error" */
    size_t n = CSP_MAX_INPUT + 100;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = "script-src 'self';"[i % 18];
    assert_int_equal(csp_parse(s, CSP_ORIGIN_HEADER, big, n), 1);
    assert_int_equal(csp_parse(s, CSP_ORIGIN_HEADER, "default-src 'none'", 18), 1);
    struct csp_analysis a;
    assert_int_equal(csp_analyse(s, true, &a), 0);
    assert_true(a.truncated);
    json_t *j = csp_to_json(s, &a);
    assert_non_null(j);
    assert_true(json_is_true(json_object_get(j, "truncated")));
    assert_true(has_warning(j, "65536 bytes"));
    /* warnings are capped too (one per repeated directive here) and counted */
    assert_true(json_array_size(json_object_get(j, "warnings")) <= CSP_MAX_WARNINGS + 1);
    json_decref(j);
    struct result r = { NULL, NULL };
    json_t *e = json_object();
    assert_int_equal(csp_judge(&a, e, &r), ST_ERROR);
    result_release(&r);
    json_decref(e);
    csp_set_free(s);

    /* too many sources, policies, directives */
    const char *what[] = { "script-src", "a,", "img-src 'self';" };
    for (int k = 0; k < 3; k++) {
        char *p = malloc(60000);
        size_t len = 0;
        assert_non_null(p);
        if (k == 0)
            len += (size_t)sprintf(p, "script-src");
        while (len < 50000)
            len += (size_t)sprintf(p + len, "%s", k == 0 ? " a.example" : what[k]);
        s = csp_set_new();
        assert_int_equal(csp_parse(s, CSP_ORIGIN_HEADER, p, len), 1);
        assert_int_equal(csp_analyse(s, true, &a), 0);
        assert_true(a.truncated);
        csp_set_free(s);
        free(p);
    }
    /* bad arguments */
    s = csp_set_new();
    assert_int_equal(csp_parse(NULL, CSP_ORIGIN_HEADER, "a", 1), -1);
    assert_int_equal(csp_parse(s, CSP_ORIGIN_HEADER, NULL, 1), -1);
    assert_int_equal(csp_parse(s, (enum csp_origin)7, "a", 1), -1);
    assert_int_equal(csp_parse(s, CSP_ORIGIN_HEADER, NULL, 0), 0);
    csp_set_free(s);
    free(big);
}

/* A NUL byte is data, not the end of the value. */
static void test_parse_nul_byte(void **state)
{
    (void)state;
    static const char v[] = "default-src 'none'; script-src 'self'\0 'unsafe-inline'";
    struct csp_set *s = csp_set_new();
    assert_int_equal(csp_parse(s, CSP_ORIGIN_HEADER, v, sizeof v - 1), 0);
    struct csp_analysis a;
    assert_int_equal(csp_analyse(s, true, &a), 0);
    assert_true(a.enforced.unsafe_inline); /* parsing went on past the NUL */
    json_t *j = csp_to_json(s, &a);
    assert_non_null(j);
    assert_true(has_warning(j, "invalid source ''self'?'"));
    char *d = json_dumps(j, 0);
    assert_non_null(d);
    assert_non_null(strstr(d, "'self'\xef\xbf\xbd")); /* U+FFFD, valid JSON */
    free(d);
    json_decref(j);
    csp_set_free(s);
}

/* ---- the browser's reading ----------------------------------------------------------------- */

static void test_fallbacks(void **state)
{
    (void)state;
    struct csp_view v = view1("default-src 'self' 'unsafe-inline'");
    assert_true(v.unsafe_inline);
    assert_string_equal(v.script_src_directive, "default-src");
    v = view1("default-src 'self' 'unsafe-inline'; script-src 'self'");
    assert_false(v.unsafe_inline);
    assert_string_equal(v.script_src_directive, "script-src");
    /* script-src-elem wins for <script>; script-src-attr for event handlers */
    v = view1("script-src 'unsafe-inline'; script-src-elem 'self'; script-src-attr 'none'");
    assert_false(v.unsafe_inline);
    assert_string_equal(v.script_src_directive, "script-src-elem");
    v = view1("script-src 'self'; script-src-attr 'unsafe-inline'");
    assert_true(v.unsafe_inline);
    /* eval follows script-src, then default-src */
    assert_true(view1("default-src 'self' 'unsafe-eval'").unsafe_eval);
    assert_false(view1("default-src 'self' 'unsafe-eval'; script-src 'self'").unsafe_eval);
    /* object-src falls back to default-src */
    assert_true(view1("default-src 'none'").object_src_none);
    assert_true(view1("default-src 'self'; object-src 'none'").object_src_none);
    assert_false(view1("default-src 'self'").object_src_none);
    assert_false(view1("default-src 'none'; object-src 'self'").object_src_none);
    assert_false(view1("object-src 'none' https:").object_src_none); /* 'none' ignored */
    /* no script-src nor default-src: scripts are unrestricted */
    v = view1("frame-ancestors 'none'; object-src 'none'");
    assert_false(v.script_restricted);
    assert_true(v.unsafe_inline && v.unsafe_eval && v.script_data && v.script_wildcard);
    assert_string_equal(v.wildcard_example, "no script-src or default-src");
    assert_true(v.frame_ancestors);
    /* no object-src nor default-src: plugins unrestricted */
    v = view1("script-src 'self'");
    assert_false(v.object_restricted);
    assert_true(v.object_wildcard);
    assert_false(v.style_wildcard); /* a missing style-src is style_unsafe_inline only */
    assert_true(v.style_unsafe_inline);
}

static void test_nonce_hash_strict_dynamic(void **state)
{
    (void)state;
    struct csp_view v = view1("script-src 'unsafe-inline' 'nonce-abc123'");
    assert_false(v.unsafe_inline);
    assert_true(v.unsafe_inline_neutralised);
    assert_true(v.nonce);
    v = view1("script-src 'unsafe-inline' 'sha384-abcdef'");
    assert_false(v.unsafe_inline);
    assert_true(v.hash);
    v = view1("script-src 'unsafe-inline' 'strict-dynamic'"); /* CSP3: voids it too */
    assert_false(v.unsafe_inline);
    assert_true(v.strict_dynamic);
    v = view1("script-src 'unsafe-inline' 'nonce-'"); /* not a nonce */
    assert_true(v.unsafe_inline);
    assert_false(v.unsafe_inline_neutralised);
    /* for styles a nonce or hash voids it, 'strict-dynamic' does not */
    assert_false(view1("style-src 'unsafe-inline' 'nonce-abc'").style_unsafe_inline);
    assert_true(view1("style-src 'unsafe-inline' 'strict-dynamic'").style_unsafe_inline);
    /* 'strict-dynamic' makes host and scheme sources inert for scripts */
    v = view1("object-src 'none'; script-src 'strict-dynamic' 'nonce-a' https: http: data:");
    assert_false(v.script_wildcard);
    assert_false(v.script_data);
    assert_false(v.insecure_scheme_active);
    /* Google's "strict CSP" */
    v = view1("object-src 'none'; script-src 'nonce-r4nd0m' 'unsafe-inline' 'unsafe-eval' "
              "'strict-dynamic' https: http:; base-uri 'none'");
    assert_false(v.unsafe_inline);
    assert_true(v.unsafe_eval);
    assert_false(v.script_wildcard);
    assert_true(v.object_src_none);
    assert_true(v.base_uri);
    json_t *j = json_of(VALS("script-src 'strict-dynamic' 'self'"));
    assert_true(has_warning(j, "'strict-dynamic' in script-src without a nonce or hash"));
    json_decref(j);
}

static void test_data_wildcards_insecure(void **state)
{
    (void)state;
    struct csp_view v = view1("default-src 'self'; script-src 'self' data:");
    assert_true(v.script_data);
    static const char *const broad[] = { "*", "https:", "http:", "https://*", "*:443",
                                         "http://*:*/x", "wss:", "ftp:" };
    for (size_t i = 0; i < sizeof broad / sizeof broad[0]; i++) {
        char p[96];
        snprintf(p, sizeof p, "default-src 'none'; script-src %s", broad[i]);
        if (!view1(p).script_wildcard)
            fail_msg("script-src %s not judged a wildcard", broad[i]);
        snprintf(p, sizeof p, "default-src 'none'; object-src %s", broad[i]);
        if (!view1(p).object_wildcard)
            fail_msg("object-src %s not judged a wildcard", broad[i]);
        snprintf(p, sizeof p, "default-src 'none'; style-src %s", broad[i]);
        if (!view1(p).style_wildcard)
            fail_msg("style-src %s not judged a wildcard", broad[i]);
    }
    assert_false(view1("default-src 'none'; script-src *.example.com").script_wildcard);
    v = view1("default-src 'none'; script-src https:");
    assert_string_equal(v.wildcard_example, "script-src https:");

    v = view1("default-src 'self'; connect-src 'self' ws://chat.example.com");
    assert_true(v.insecure_scheme_active);
    assert_string_equal(v.insecure_example, "connect-src ws://chat.example.com");
    v = view1("default-src 'self'; img-src http:; media-src ftp://m.example");
    assert_false(v.insecure_scheme_active);
    assert_true(v.insecure_scheme_passive);
    v = view1("default-src http://x.example; img-src 'self'");
    assert_true(v.insecure_scheme_active);
    assert_true(view1("default-src 'self'; form-action http://x").insecure_scheme_active);
    assert_true(view1("default-src 'self'; report-uri http://r.example/").insecure_scheme_active);
    /* a bare host is secure on an https page (CSP3 upgrades the scheme) */
    assert_false(view1("default-src 'self' cdn.example.com").insecure_scheme_active);
    /* on an http page the insecure-scheme checks do not apply (as the Observatory) */
    struct csp_analysis a;
    analyse_vals(VALS("default-src http://x"), false, &a);
    assert_false(a.enforced.insecure_scheme_active);
    assert_false(a.page_https);
}

static void test_several_policies_all_enforced(void **state)
{
    (void)state;
    struct csp_analysis a;
    AN(&a, "script-src 'unsafe-inline'", "script-src 'self'");
    assert_false(a.enforced.unsafe_inline);
    AN(&a, "script-src 'unsafe-inline'", "object-src 'none'"); /* 2nd leaves scripts free */
    assert_true(a.enforced.unsafe_inline);
    assert_true(a.enforced.object_src_none);
    AN(&a, "default-src 'self' http://a.example", "img-src 'self'");
    assert_true(a.enforced.insecure_scheme_active);
    AN(&a, "default-src 'self' http://a.example", "default-src 'self'");
    assert_false(a.enforced.insecure_scheme_active);
    AN(&a, "default-src *", "script-src 'self'; object-src 'none'");
    assert_false(a.enforced.script_wildcard);
    assert_false(a.enforced.object_wildcard);
    AN(&a, "default-src 'self'; base-uri 'self'", "form-action 'self'");
    assert_true(a.enforced.base_uri && a.enforced.form_action);
    assert_false(a.enforced.frame_ancestors);
    /* a header and a meta policy are both enforced */
    AN(&a, "script-src 'unsafe-inline' 'self'", "M:script-src 'self'");
    assert_false(a.enforced.unsafe_inline);
    assert_int_equal(a.header_policies, 1);
    assert_int_equal(a.meta_policies, 1);
    assert_int_equal(a.enforced.policies, 2);
}

static void test_meta_restrictions(void **state)
{
    (void)state;
    const char *m = "M:script-src 'self'; frame-ancestors 'none'; report-uri http://r.example/; "
                    "sandbox; base-uri 'self'";
    json_t *j = json_of(VALS(m));
    assert_string_equal(sources_of(j, 0, "frame-ancestors"), "(absent)");
    assert_string_equal(sources_of(j, 0, "report-uri"), "(absent)");
    assert_string_equal(sources_of(j, 0, "sandbox"), "(absent)");
    assert_string_equal(sources_of(j, 0, "base-uri"), "'self'");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "policies"), 0), "delivery")),
                        "meta");
    assert_true(has_warning(j, "'frame-ancestors' is not allowed in a <meta> policy"));
    assert_true(has_warning(j, "'report-uri' is not allowed"));
    assert_true(has_warning(j, "'sandbox' is not allowed"));
    json_decref(j);
    struct csp_analysis a;
    AN(&a, m);
    assert_false(a.enforced.frame_ancestors);
    assert_false(a.enforced.insecure_scheme_active); /* the report-uri is ignored */
    assert_true(a.enforced.base_uri);
    AN(&a, "frame-ancestors 'self'");
    assert_true(a.enforced.frame_ancestors);
    /* a meta policy of only dropped directives is no policy */
    AN(&a, "M:frame-ancestors 'none'");
    assert_int_equal(a.meta_policies, 0);
    assert_int_equal(a.enforced.policies, 0);
}

static void test_report_only_view(void **state)
{
    (void)state;
    struct csp_analysis a;
    AN(&a, "R:default-src 'none'; report-uri /r", "script-src 'unsafe-inline'");
    assert_int_equal(a.report_only_policies, 1);
    assert_int_equal(a.header_policies, 1);
    assert_true(a.enforced.unsafe_inline); /* a report-only policy restricts nothing */
    assert_false(a.report_only.unsafe_inline);
    assert_true(a.report_only.default_src_none);
}

/* ---- the Observatory's verdict -------------------------------------------------------------- */

static enum csp_obs_result obs_vals(const char *const *vals, struct csp_analysis *a)
{
    analyse_vals(vals, true, a);
    return a->observatory;
}

/* Every value, alone as the Content-Security-Policy header, gets result `want`. */
static void expect_obs(const char *const *vals, size_t n, enum csp_obs_result want)
{
    for (size_t i = 0; i < n; i++) {
        struct csp_analysis a;
        enum csp_obs_result got = obs_vals(VALS(vals[i]), &a);
        if (got != want)
            fail_msg("\"%s\": %s, expected %s", vals[i], csp_observatory_name(got),
                     csp_observatory_name(want));
        assert_int_equal(a.observatory_pass, csp_observatory_passes(want));
    }
}

#define EXPECT_OBS(want, ...)                                                                     \
    do {                                                                                          \
        static const char *const v_[] = { __VA_ARGS__ };                                          \
        expect_obs(v_, sizeof v_ / sizeof v_[0], (want));                                          \
    } while (0)

static void test_obs_not_implemented_and_invalid(void **state)
{
    (void)state;
    struct csp_analysis a;
    assert_int_equal(obs_vals(VALS(NULL), &a), CSP_OBS_NOT_IMPLEMENTED);
    assert_false(a.observatory_pass);
    assert_false(a.observatory_policy.present);
    EXPECT_OBS(CSP_OBS_INVALID, "  ", "", "default-src 'none'; default-src 'none'",
               "default-src 'none'; img-src 'self'; default-src 'none'",
               "default-src 'none'; script-src 'strict-dynamic'", "defa",
               /* csp-parser.test.js */ "\r\n", "\r\n\r\n\r\n\r\n\r\n\r\n",
               /* and: a trailing comma is an empty policy to the Observatory */
               "default-src 'none',");
    /* a browser ignores the repeat; the Observatory rejects the header */
    assert_int_equal(obs_vals(VALS("default-src 'none'; default-src 'none'"), &a),
                     CSP_OBS_INVALID);
    assert_true(a.enforced.default_src_none);
    /* report-only alone */
    assert_int_equal(obs_vals(VALS("R:default-src 'none'; report-to /_/csp-reports"), &a),
                     CSP_OBS_REPORTING_ONLY);
    assert_int_equal(csp_observatory_score(a.observatory), -25);
    /* an empty report-only header is no reporting */
    assert_int_equal(obs_vals(VALS("R:"), &a), CSP_OBS_NOT_IMPLEMENTED);
    /* a <meta> policy with only directives <meta> may not carry */
    assert_int_equal(obs_vals(VALS("M:frame-ancestors 'none'"), &a), CSP_OBS_NOT_IMPLEMENTED);
    assert_int_equal(obs_vals(VALS("M:frame-ancestors 'none'", "frame-anchestors 'none'"), &a),
                     CSP_OBS_UNSAFE_INLINE);
}

static void test_obs_unsafe_inline(void **state)
{
    (void)state;
    EXPECT_OBS(CSP_OBS_UNSAFE_INLINE, "default-src 'none'; script-src https://*",
               "default-src 'none'; script-src 'unsafe-inline'", "script-src 'unsafe-inline'",
               "script-src data:", "script-src http:", "script-src ftp:",
               "default-src 'unsafe-inline'", "default-src 'UNSAFE-INLINE'",
               "upgrade-insecure-requests", "script-src 'none'", "script-src https:",
               "script-src https://mozilla.org https:", "default-src https://mozilla.org https:",
               "default-src 'none'; script-src *", "default-src *; script-src *; object-src 'none'",
               "default-src 'none'; script-src 'none'; object-src *",
               "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'",
               "default-src 'none'; script-src 'unsafe-inline' http:",
               "object-src https:; script-src 'none'");
    struct csp_analysis a;
    obs_vals(VALS("default-src 'none'; script-src 'unsafe-inline'"), &a);
    assert_true(a.observatory_policy.present && a.observatory_policy.unsafe_inline);
    assert_int_equal(csp_observatory_score(a.observatory), -20);
}

static void test_obs_insecure_scheme(void **state)
{
    (void)state;
    EXPECT_OBS(CSP_OBS_INSECURE_SCHEME, "default-src http://mozilla.org",
               "default-src 'none'; script-src http://mozilla.org",
               "default-src 'none'; script-src ftp://mozilla.org",
               /* any directive but img-src/media-src counts as active */
               "default-src 'none'; form-action http://mozilla.org");
    struct csp_analysis a;
    obs_vals(VALS("default-src http://mozilla.org"), &a);
    assert_true(a.observatory_policy.insecure_scheme_active);
    /* only for an https page */
    analyse_vals(VALS("default-src http://mozilla.org"), false, &a);
    assert_int_equal(a.observatory, CSP_OBS_NO_UNSAFE);
}

static void test_obs_passive_only(void **state)
{
    (void)state;
    EXPECT_OBS(CSP_OBS_INSECURE_PASSIVE, "default-src 'none'; img-src http://mozilla.org",
               "default-src 'self'; img-src ftp:", "default-src 'self'; img-src http:",
               "default-src 'none'; img-src https:; media-src http://mozilla.org",
               "default-src 'none'; img-src http: https:; script-src 'self'; style-src 'self'",
               "default-src 'none'; img-src 'none'; media-src http:; script-src 'self'; "
               "style-src 'self'",
               "default-src 'none'; img-src 'none'; media-src http:; script-src 'self'; "
               "style-src 'unsafe-inline'");
    struct csp_analysis a;
    obs_vals(VALS("default-src 'self'; img-src http:"), &a);
    assert_true(a.observatory_pass);
    assert_int_equal(csp_observatory_score(a.observatory), -10);
    /* policy analysis: insecureSchemePassive */
    static const char *const passive[] = {
        "default-src * http: https: data: 'unsafe-inline' 'unsafe-eval'",
        "default-src 'none'; img-src http:",
        "default-src 'none' https://mozilla.org; img-src http://mozilla.org",
        "default-src https:; media-src http://mozilla.org; script-src http:",
    };
    for (size_t i = 0; i < sizeof passive / sizeof passive[0]; i++) {
        obs_vals(VALS(passive[i]), &a);
        if (!a.observatory_policy.insecure_scheme_passive)
            fail_msg("\"%s\": insecureSchemePassive not set", passive[i]);
    }
}

static void test_obs_unsafe_eval(void **state)
{
    (void)state;
    EXPECT_OBS(CSP_OBS_UNSAFE_EVAL, "default-src 'none'; script-src 'unsafe-eval'",
               "default-src 'none'; style-src 'unsafe-eval'");
    struct csp_analysis a;
    obs_vals(VALS("default-src 'none'; script-src 'unsafe-eval'"), &a);
    assert_true(a.observatory_policy.unsafe_eval);
    assert_int_equal(csp_observatory_score(a.observatory), -10);
}

static void test_obs_style_only(void **state)
{
    (void)state;
    EXPECT_OBS(CSP_OBS_UNSAFE_STYLE_ONLY,
               "object-src 'none'; script-src 'none'; style-src 'unsafe-inline'",
               "default-src 'none'; script-src https://mozilla.org; style-src 'unsafe-inline'",
               "default-src 'unsafe-inline'; script-src https://mozilla.org",
               "default-src 'none';;; ;;;style-src 'self' 'unsafe-inline'",
               "default-src 'none'; style-src data:", "default-src 'none'; style-src *",
               "default-src 'none'; style-src https:",
               "default-src 'none'; style-src 'unsafe-inline'; "
               "script-src 'sha256-hqBEA/HXB3aJU2FgOnYN8rkAgEVgyfi3Vs1j2/XMPBB=' "
               "'unsafe-inline'");
    struct csp_analysis a;
    obs_vals(VALS("default-src 'none'; style-src *"), &a);
    assert_true(a.observatory_policy.unsafe_inline_style);
}

static void test_obs_no_unsafe(void **state)
{
    (void)state;
    EXPECT_OBS(CSP_OBS_NO_UNSAFE, "default-src https://mozilla.org",
               "default-src https://mozilla.org;;; ;;;script-src 'none'",
               "object-src 'none'; script-src https://mozilla.org; "
               "style-src https://mozilla.org; upgrade-insecure-requests;",
               "object-src 'none'; script-src 'strict-dynamic' 'nonce-abc' 'unsafe-inline'; "
               "style-src 'none'",
               "object-src 'none'; style-src 'self';"
               "script-src 'sha256-hqBEA/HXB3aJU2FgOnYN8rkAgEVgyfi3Vs1j2/XMPBA='",
               "object-src 'none'; style-src 'self'; script-src 'unsafe-inline' "
               "'sha256-hqBEA/HXB3aJU2FgOnYN8rkAgEVgyfi3Vs1j2/XMPBA='"
               "'sha256-hqBEA/HXB3aJU2FgOnYN8rkAgEVgyfi3Vs1j2/XMPBB='",
               "object-src 'none'; script-src 'unsafe-inline' 'nonce-abc123' 'unsafe-inline'; "
               "style-src 'none'",
               "default-src https://mozilla.org; style-src 'unsafe-inline' 'nonce-abc123' "
               "'unsafe-inline'",
               "default-src https://mozilla.org; style-src 'unsafe-inline' "
               "'sha256-hqBEA/HXB3aJU2FgOnYN8rkAgEVgyfi3Vs1j2/XMPBB=' 'unsafe-inline'");
    struct csp_analysis a;
    obs_vals(VALS("default-src https://mozilla.org"), &a);
    assert_int_equal(csp_observatory_score(a.observatory), 5);
    assert_string_equal(csp_observatory_result(&a), "csp-implemented-with-no-unsafe");
}

static void test_obs_default_src_none(void **state)
{
    (void)state;
    EXPECT_OBS(CSP_OBS_DEFAULT_SRC_NONE, "default-src",
               "default-src 'none'; script-src 'strict-dynamic' 'nonce-abc123' 'unsafe-inline'",
               "default-src 'none'; script-src https://mozilla.org; "
               "style-src https://mozilla.org; upgrade-insecure-requests;",
               "default-src 'none'; object-src https://mozilla.org",
               /* strict dynamic */
               "default-src 'none'; script-src 'strict-dynamic' 'nonce-abc123'",
               "default-src 'none'; script-src 'strict-dynamic' 'sha256-abc123'",
               "default-src 'none'; script-src 'strict-dynamic' 'sha256-abc123' https://*",
               "default-src 'none'; script-src 'strict-dynamic' 'sha256-abc123' "
               "'unsafe-inline'");
    struct csp_analysis a;
    obs_vals(VALS("default-src 'none'; script-src 'strict-dynamic' 'nonce-abc123'"), &a);
    assert_true(a.observatory_policy.strict_dynamic);
    assert_true(a.observatory_policy.default_none);
    assert_int_equal(csp_observatory_score(a.observatory), 10);
    /* header default-src http: and meta default-src https: intersect to 'none' */
    assert_int_equal(obs_vals(VALS("default-src http:", "M:default-src https:"), &a),
                     CSP_OBS_DEFAULT_SRC_NONE);
    assert_int_equal(a.header_policies + a.meta_policies, 2);
    assert_int_equal(obs_vals(VALS("M:default-src 'none';"), &a), CSP_OBS_DEFAULT_SRC_NONE);
    assert_int_equal(a.header_policies, 0);
    assert_int_equal(a.meta_policies, 1);
    /* four <meta> policies (test_parse_http_equiv_headers_csp_multiple_http_equiv1.html) */
    assert_int_equal(
        obs_vals(VALS("M:default-src 'none'; object-src 'none'; media-src 'none';",
                      "M:connect-src 'self'; font-src 'self'; child-src 'self'",
                      "M:img-src 'self'; style-src 'self' 'nonce-gAeQO8jI4VJCsrsXkcUVRCzQjiihKteQ",
                      "M:script-src 'self' 'unsafe-inline' "
                      "'nonce-gAeQO8jI4VJCsrsXkcUVRCzQjiihKteQ'"),
                 &a),
        CSP_OBS_DEFAULT_SRC_NONE);
    assert_int_equal(a.meta_policies, 4);
    assert_int_equal(obs_vals(VALS("M:default-src 'none';", "default-src 'none'"), &a),
                     CSP_OBS_DEFAULT_SRC_NONE);
    assert_int_equal(obs_vals(VALS("M:default-src https:", "default-src 'none'"), &a),
                     CSP_OBS_DEFAULT_SRC_NONE);
    assert_int_equal(obs_vals(VALS("M:default-src 'none';", "img-src 'none'"), &a),
                     CSP_OBS_DEFAULT_SRC_NONE);
}

static void test_obs_policy_flags(void **state)
{
    (void)state;
    struct csp_analysis a;
    static const char *const no_anti[] = { "default-src 'none'", "frame-ancestors *",
                                           "frame-ancestors http:", "frame-ancestors https:" };
    for (size_t i = 0; i < 4; i++) {
        obs_vals(VALS(no_anti[i]), &a);
        assert_true(a.observatory_policy.present);
        assert_false(a.observatory_policy.anti_clickjacking);
    }
    obs_vals(VALS("default-src *; frame-ancestors 'none'"), &a);
    assert_true(a.observatory_policy.anti_clickjacking);
    static const char *const unsafe_obj[] = {
        "default-src 'none'; base-uri *; object-src *",
        "default-src 'none'; base-uri https:; object-src https:",
        "default-src *",
    };
    for (size_t i = 0; i < 3; i++) {
        obs_vals(VALS(unsafe_obj[i]), &a);
        assert_true(a.observatory_policy.insecure_base_uri);
        assert_true(a.observatory_policy.unsafe_objects);
    }
    static const char *const base_ok[] = { "default-src *; base-uri 'none'",
                                           "default-src 'none'; base-uri 'self'",
                                           "default-src 'none'; base-uri https://mozilla.org" };
    for (size_t i = 0; i < 3; i++) {
        obs_vals(VALS(base_ok[i]), &a);
        assert_false(a.observatory_policy.insecure_base_uri);
    }
    static const char *const form_ok[] = {
        "default-src *; form-action 'none'", "default-src *; form-action 'self'",
        "default-src 'none'; form-action 'self' https://mozilla.org",
        "form-action 'self' https://mozilla.org" };
    for (size_t i = 0; i < 4; i++) {
        obs_vals(VALS(form_ok[i]), &a);
        assert_false(a.observatory_policy.insecure_form_action);
    }
    static const char *const form_bad[] = { "default-src *", "default-src 'none'",
                                            "form-action https:" };
    for (size_t i = 0; i < 3; i++) {
        obs_vals(VALS(form_bad[i]), &a);
        assert_true(a.observatory_policy.insecure_form_action);
    }
}

static void test_obs_several_policies(void **state)
{
    (void)state;
    struct csp_analysis a;
    /* RFC 9110 combined header fields: not invalid (mdn-http-observatory#463) */
    obs_vals(VALS("default-src 'none'; script-src 'self', default-src 'none'; script-src 'self'"),
             &a);
    assert_int_not_equal(a.observatory, CSP_OBS_INVALID);
    assert_true(a.observatory_pass);
    assert_int_equal(a.header_policies, 2);
    obs_vals(VALS("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline', "
                  "default-src 'none'; style-src 'self', "
                  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'"),
             &a);
    assert_int_not_equal(a.observatory, CSP_OBS_INVALID);
    assert_false(a.observatory_policy.unsafe_inline_style);
    assert_true(a.observatory_pass);
    assert_int_equal(a.header_policies, 3);
    assert_false(a.enforced.style_unsafe_inline); /* and the browser agrees */

    /* csp-parser.test.js: the merge of several policies, seen through default-src 'none' */
    static const char *const none_after_merge[][4] = {
        { "default-src https://mozilla.org", "default-src https://mozilla.com" },
        { "default-src https://mozilla.org https://mozilla.net",
          "default-src https://mozilla.com https://mozilla.io" },
        { "default-src https://mozilla.org/fire", "default-src https://mozilla.org/firefox/" },
        { "default-src http:", "default-src https:" },
        { "default-src http: http:", "default-src https: https:" },
    };
    for (size_t i = 0; i < sizeof none_after_merge / sizeof none_after_merge[0]; i++) {
        const char *const *p = none_after_merge[i];
        if (obs_vals(VALS(p[0], p[1]), &a) != CSP_OBS_DEFAULT_SRC_NONE)
            fail_msg("%s + %s: %s", p[0], p[1], csp_observatory_result(&a));
    }
    static const struct {
        const char *p0, *p1;
        enum csp_obs_result want;
    } merged[] = {
        { "default-src 'none'; script-src 'self' https://mozilla.org",
          "default-src 'none'; script-src 'self' https://mozilla.org", CSP_OBS_DEFAULT_SRC_NONE },
        { "default-src 'none'; script-src 'self' https://mozilla.org",
          "default-src 'none'; script-src https://example.com 'self' https://mozilla.org",
          CSP_OBS_DEFAULT_SRC_NONE },
        { "default-src https://mozilla.org/firefox/",
          "default-src https://mozilla.org/firefox/download/", CSP_OBS_NO_UNSAFE },
        { "default-src https://mozilla.org/firefox/download/",
          "default-src https://mozilla.org/firefox/", CSP_OBS_NO_UNSAFE },
        /* a directive only a later policy has is merged to 'none' */
        { "default-src https://mozilla.org", "default-src https://mozilla.org; script-src *",
          CSP_OBS_NO_UNSAFE },
    };
    for (size_t i = 0; i < sizeof merged / sizeof merged[0]; i++)
        if (obs_vals(VALS(merged[i].p0, merged[i].p1), &a) != merged[i].want)
            fail_msg("%s + %s: %s", merged[i].p0, merged[i].p1, csp_observatory_result(&a));
    assert_int_equal(
        obs_vals(VALS("default-src https://mozilla.org https://mozilla.net https://mozilla.com "
                      "https://mozilla.io",
                      "default-src https://mozilla.pizza https://mozilla.ninja "
                      "https://mozilla.net https://mozilla.org",
                      "default-src https://mozilla.net https://mozilla.fox https://mozilla.fire "
                      "https://mozilla.org",
                      "default-src https://mozilla.browser https://mozilla.web "
                      "https://mozilla.net https://mozilla.org"),
                 &a),
        CSP_OBS_NO_UNSAFE);
    /* neighbours are compared in the order of Intl.Collator("en") (punctuation before digits
     * and letters, "'" after "."), not byte order: results checked against the Observatory */
    assert_int_equal(obs_vals(VALS("default-src a+b a/ a", "default-src a- a/b a'b"), &a),
                     CSP_OBS_DEFAULT_SRC_NONE);
    assert_int_equal(obs_vals(VALS("default-src a: a:b a a* a@b",
                                   "default-src a* a/b a$ 'self' 'a'", "default-src a~ ab"),
                              &a),
                     CSP_OBS_NO_UNSAFE);
    assert_int_equal(obs_vals(VALS("default-src a- a%2f a a-b", "default-src a$ a%2f a: a/b a$"),
                              &a),
                     CSP_OBS_NO_UNSAFE);
    /* the cross-policy comparison decodes with decodeURIComponent, which throws on a bad
     * escape: the Observatory then calls the header invalid */
    assert_int_equal(obs_vals(VALS("default-src https://a.example/%zz",
                                   "default-src https://a.example/%zz"),
                              &a),
                     CSP_OBS_INVALID);
    assert_int_equal(obs_vals(VALS("default-src https://a.example/%C3%A9/",
                                   "default-src https://a.example/\xc3\xa9/x"),
                              &a),
                     CSP_OBS_NO_UNSAFE);
    assert_int_equal(obs_vals(VALS("default-src https://a.example/%ED%A0%80",
                                   "default-src https://a.example/%ED%A0%80"),
                              &a),
                     CSP_OBS_INVALID); /* an encoded surrogate */
}

static void test_obs_duplicates(void **state)
{
    (void)state;
    struct csp_analysis a;
    obs_vals(VALS("default-src 'none'; report-uri https://www.dropbox.com/csp_log?a=1 ; "
                  "report-uri https://www.dropbox.com/csp_log?a=2"),
             &a);
    assert_int_equal(a.observatory, CSP_OBS_DUPLICATES);
    assert_true(a.observatory_pass);
    assert_string_equal(csp_observatory_result(&a), "csp-implemented-but-duplicate-directives");
    /* only a passing result turns into the duplicate warning */
    assert_int_equal(obs_vals(VALS("report-to some_name ; report-to some_other_name"), &a),
                     CSP_OBS_UNSAFE_INLINE);
    /* a real-world header parses (csp-parser.test.js) */
    obs_vals(VALS("default-src 'self' blob: https://*.cnn.com:* http://*.cnn.com:* *.cnn.io:* "
                  "*.cnn.net:* *.turner.com:* *.turner.io:* *.ugdturner.com:* "
                  "courageousstudio.com *.vgtf.net:*; script-src 'unsafe-eval' 'unsafe-inline' "
                  "'self' *; style-src 'unsafe-inline' 'self' blob: *; child-src 'self' blob: *; "
                  "frame-src 'self' *; object-src 'self' *; img-src 'self' data: blob: *; "
                  "media-src 'self' data: blob: *; font-src 'self' data: *; connect-src 'self' "
                  "data: *; frame-ancestors 'self' https://*.cnn.com:* http://*.cnn.com "
                  "https://*.cnn.io:* http://*.cnn.io:* *.turner.com:* courageousstudio.com;"),
             &a);
    assert_int_equal(a.observatory, CSP_OBS_UNSAFE_INLINE);
    assert_true(a.enforced.unsafe_inline && a.enforced.unsafe_eval);
    assert_true(a.enforced.insecure_scheme_active);
}

static void test_obs_names(void **state)
{
    (void)state;
    for (int i = 0; i < CSP_OBS__COUNT; i++) {
        enum csp_obs_result r;
        const char *n = csp_observatory_name((enum csp_obs_result)i);
        assert_int_equal(strncmp(n, "csp-", 4), 0);
        assert_int_equal(csp_observatory_parse(n, &r), 0);
        assert_int_equal(r, i);
    }
    enum csp_obs_result r;
    assert_int_equal(csp_observatory_parse("csp-nope", &r), -1);
    assert_int_equal(csp_observatory_parse(NULL, &r), -1);
    assert_string_equal(csp_observatory_name(CSP_OBS__COUNT), "?");
    assert_false(csp_observatory_passes(CSP_OBS_INVALID));
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static void test_json_shape_and_round_trip(void **state)
{
    (void)state;
    static const char *const s0[] = {
        "default-src 'none'; script-src 'nonce-x' 'strict-dynamic'; frame-ancestors 'none'",
        "M:base-uri 'self'", "R:default-src 'self'", NULL
    };
    static const char *const s1[] = { "script-src * 'unsafe-inline'; connect-src ws://x", NULL };
    static const char *const s2[] = { "R:script-src 'self'", NULL };
    static const char *const s3[] = { NULL };
    static const char *const s4[] = { "default-src 'none'; default-src 'self'", NULL };
    static const char *const *const sets[] = { s0, s1, s2, s3, s4 };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        const char *const *vals = sets[i];
        struct csp_set *s = set_of(vals);
        struct csp_analysis a, b;
        assert_int_equal(csp_analyse(s, true, &a), 0);
        json_t *j = csp_to_json(s, &a);
        assert_non_null(j);
        static const char *const keys[] = { "page_https", "truncated", "duplicate_directives",
                                            "header_policies", "meta_policies",
                                            "report_only_policies", "policies", "warnings",
                                            "enforced", "report_only", "observatory" };
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!json_object_get(j, keys[k]))
                fail_msg("set %zu: no key %s", i, keys[k]);
        assert_int_equal(json_object_size(j), sizeof keys / sizeof keys[0]);
        json_t *obs = json_object_get(j, "observatory");
        assert_string_equal(json_string_value(json_object_get(obs, "result")),
                            csp_observatory_result(&a));
        assert_true(json_is_integer(json_object_get(obs, "score_modifier")));
        assert_int_equal(csp_analysis_from_json(j, &b), 0);
        assert_memory_equal(&a, &b, sizeof a);
        /* through text too, as a stored report is read back */
        char *text = json_dumps(j, 0);
        json_t *k = json_loads(text, 0, NULL);
        assert_int_equal(csp_analysis_from_json(k, &b), 0);
        assert_memory_equal(&a, &b, sizeof a);
        free(text);
        json_decref(k);
        json_decref(j);
        csp_set_free(s);
    }
    json_t *j = json_of(VALS("default-src 'none'; script-src 'nonce-x' 'strict-dynamic'"));
    json_t *e = json_object_get(j, "enforced");
    assert_true(json_is_true(json_object_get(e, "strict_dynamic")));
    assert_true(json_is_true(json_object_get(e, "default_src_none")));
    assert_string_equal(json_string_value(json_object_get(e, "script_src_directive")),
                        "script-src");
    json_t *pol = json_object_get(json_object_get(j, "observatory"), "policy");
    assert_true(json_is_true(json_object_get(pol, "strict_dynamic")));
    assert_true(json_is_boolean(json_object_get(pol, "anti_clickjacking")));
    json_decref(j);
}

static void test_json_read_back_rejects(void **state)
{
    (void)state;
    struct csp_analysis a;
    json_t *j = json_of(VALS("default-src 'none'"));
    assert_int_equal(csp_analysis_from_json(j, &a), 0);
    static const char *const drop[] = { "enforced", "report_only", "observatory", "page_https",
                                        "header_policies" };
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++) {
        json_t *c = json_deep_copy(j);
        json_object_del(c, drop[i]);
        assert_int_equal(csp_analysis_from_json(c, &a), -1);
        json_decref(c);
    }
    json_t *c = json_deep_copy(j);
    json_object_set_new(json_object_get(c, "enforced"), "unsafe_inline", json_string("no"));
    assert_int_equal(csp_analysis_from_json(c, &a), -1);
    json_object_set_new(json_object_get(c, "enforced"), "unsafe_inline", json_false());
    json_object_set_new(json_object_get(c, "observatory"), "result", json_string("csp-ok"));
    assert_int_equal(csp_analysis_from_json(c, &a), -1);
    json_decref(c);
    c = json_deep_copy(j);
    json_object_set_new(json_object_get(c, "enforced"), "wildcard_example",
                        json_string("0123456789012345678901234567890123456789012345678901234567890"
                                    "1234567890123456789012345678901234567890123456789012345"));
    assert_int_equal(csp_analysis_from_json(c, &a), -1);
    json_decref(c);
    assert_int_equal(csp_analysis_from_json(NULL, &a), -1);
    json_decref(j);
}

/* ---- judge --------------------------------------------------------------------------------- */

static char evidence[1024];

/* Judge the values under expect (JSON text), through the stored-JSON path; the evidence (a
 * non-empty string) is left in `evidence`, and must agree with the direct path. */
static enum status judge_vals(const char *const *vals, const char *expect_text)
{
    struct csp_set *s = set_of(vals);
    struct csp_analysis a;
    assert_int_equal(csp_analyse(s, true, &a), 0);
    json_t *obs = csp_to_json(s, &a);
    json_t *expect = json_loads(expect_text, 0, NULL);
    assert_non_null(expect);
    struct result r = { NULL, NULL }, r2 = { NULL, NULL };
    enum status st = csp_judge_json(obs, expect, &r);
    assert_int_equal(csp_judge(&a, expect, &r2), st);
    assert_true(json_is_string(r.evidence));
    assert_true(json_string_length(r.evidence) > 0);
    assert_string_equal(json_string_value(r.evidence), json_string_value(r2.evidence));
    snprintf(evidence, sizeof evidence, "%s", json_string_value(r.evidence));
    if (st != ST_ERROR || r.observed)
        assert_string_equal(json_string_value(r.observed), csp_observatory_result(&a));
    result_release(&r);
    result_release(&r2);
    json_decref(expect);
    json_decref(obs);
    csp_set_free(s);
    return st;
}

#define J(expect, ...) judge_vals(VALS(__VA_ARGS__), (expect))

static const char GOOD[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                           "img-src 'self'; base-uri 'none'; frame-ancestors 'none'; "
                           "form-action 'self'";

static void test_judge_expect_keys_table(void **state)
{
    (void)state;
    static const char *const names[] = {
        "required", "allow_report_only", "forbid_unsafe_inline", "forbid_unsafe_eval",
        "forbid_insecure_schemes", "forbid_wildcards", "forbid_unsafe_inline_style",
        "require_object_src_none", "require_base_uri", "require_frame_ancestors",
        "require_form_action",
    };
    size_t n = 0;
    for (; csp_expect_keys[n].name; n++) {
        assert_string_equal(csp_expect_keys[n].name, names[n]);
        assert_int_equal(csp_expect_keys[n].type, EXP_BOOL);
        assert_non_null(csp_expect_keys[n].doc);
    }
    assert_int_equal(n, sizeof names / sizeof names[0]);
}

static void test_judge_required_and_report_only(void **state)
{
    (void)state;
    assert_int_equal(J("{}", NULL), ST_FAIL);
    assert_non_null(strstr(evidence, "no Content-Security-Policy"));
    assert_int_equal(J("{\"required\": false}", NULL), ST_PASS);
    assert_int_equal(J("{}", GOOD), ST_PASS);
    assert_non_null(strstr(evidence, "meets every requirement"));
    /* report-only alone does not satisfy `required`… */
    char ro[512];
    snprintf(ro, sizeof ro, "R:%s", GOOD);
    assert_int_equal(J("{}", ro), ST_FAIL);
    assert_non_null(strstr(evidence, "Report-Only"));
    /* …unless allowed, and then it is judged */
    assert_int_equal(J("{\"allow_report_only\": true}", ro), ST_PASS);
    assert_non_null(strstr(evidence, "report-only"));
    assert_int_equal(J("{\"allow_report_only\": true}", "R:script-src 'unsafe-inline'"), ST_FAIL);
    /* an enforced policy is judged, never the report-only one */
    assert_int_equal(J("{\"allow_report_only\": true}", ro, "script-src 'unsafe-inline'"),
                     ST_FAIL);
    assert_int_equal(J("{\"required\": false}", ro), ST_PASS);
    /* a <meta> policy is an enforced one */
    char meta[512];
    snprintf(meta, sizeof meta, "M:%s", GOOD);
    assert_int_equal(J("{}", meta), ST_PASS);
}

static void test_judge_each_forbid_key(void **state)
{
    (void)state;
    const char *inl = "default-src 'none'; script-src 'self' 'unsafe-inline'";
    assert_int_equal(J("{}", inl), ST_FAIL);
    assert_non_null(strstr(evidence, "inline script may run ('unsafe-inline'"));
    assert_int_equal(J("{\"forbid_unsafe_inline\": false}", inl), ST_PASS);
    assert_int_equal(J("{}", "default-src 'none'; script-src 'self' 'unsafe-inline' 'nonce-q'"),
                     ST_PASS);
    assert_int_equal(J("{}", "default-src 'none'; script-src 'self' data:"), ST_FAIL);
    assert_non_null(strstr(evidence, "data:"));

    const char *ev = "default-src 'none'; script-src 'self' 'unsafe-eval'";
    assert_int_equal(J("{}", ev), ST_FAIL);
    assert_non_null(strstr(evidence, "eval"));
    assert_int_equal(J("{\"forbid_unsafe_eval\": false}", ev), ST_PASS);

    const char *ins = "default-src 'none'; connect-src http://api.example";
    assert_int_equal(J("{}", ins), ST_FAIL);
    assert_non_null(strstr(evidence, "connect-src http://api.example"));
    assert_int_equal(J("{\"forbid_insecure_schemes\": false}", ins), ST_PASS);
    const char *passive = "default-src 'none'; img-src 'self' http://img.example";
    assert_int_equal(J("{}", passive), ST_WARN);
    assert_non_null(strstr(evidence, "img-src http://img.example"));
    assert_int_equal(J("{\"forbid_insecure_schemes\": false}", passive), ST_PASS);

    const char *wild = "default-src 'none'; script-src https:";
    assert_int_equal(J("{}", wild), ST_FAIL);
    assert_non_null(strstr(evidence, "script-src https:"));
    assert_int_equal(J("{\"forbid_wildcards\": false}", wild), ST_PASS);
    assert_int_equal(J("{}", "default-src 'none'; style-src *"), ST_FAIL);
    assert_int_equal(J("{\"forbid_wildcards\": false}", "default-src 'none'; style-src *"),
                     ST_PASS);

    const char *sty = "default-src 'none'; style-src 'self' 'unsafe-inline'";
    assert_int_equal(J("{}", sty), ST_PASS);
    assert_int_equal(J("{\"forbid_unsafe_inline_style\": true}", sty), ST_FAIL);
    assert_non_null(strstr(evidence, "inline styles"));
}

static void test_judge_each_require_key(void **state)
{
    (void)state;
    assert_int_equal(J("{}", "default-src 'self'"), ST_FAIL);
    assert_non_null(strstr(evidence, "object-src is not 'none'"));
    assert_int_equal(J("{\"require_object_src_none\": false}", "default-src 'self'"), ST_PASS);
    assert_int_equal(J("{}", "default-src 'self'; object-src 'none'"), ST_PASS);

    const char *bare = "default-src 'none'";
    assert_int_equal(J("{}", bare), ST_PASS);
    assert_int_equal(J("{\"require_base_uri\": true}", bare), ST_FAIL);
    assert_non_null(strstr(evidence, "base-uri"));
    assert_int_equal(J("{\"require_base_uri\": true}", "default-src 'none'; base-uri 'self'"),
                     ST_PASS);
    assert_int_equal(J("{\"require_base_uri\": true}", "default-src 'none'; base-uri *"),
                     ST_FAIL);
    assert_int_equal(J("{\"require_frame_ancestors\": true}", bare), ST_FAIL);
    assert_non_null(strstr(evidence, "frame-ancestors"));
    assert_int_equal(J("{\"require_frame_ancestors\": true}",
                       "default-src 'none'; frame-ancestors 'self'"),
                     ST_PASS);
    assert_int_equal(J("{\"require_frame_ancestors\": true}",
                       "M:default-src 'none'; frame-ancestors 'self'"),
                     ST_FAIL); /* ignored in <meta> */
    assert_int_equal(J("{\"require_form_action\": true}", bare), ST_FAIL);
    assert_non_null(strstr(evidence, "form-action"));
    assert_int_equal(J("{\"require_form_action\": true}", "default-src 'none'; form-action 'self'"),
                     ST_PASS);
    assert_int_equal(J("{\"require_form_action\": true}",
                       "default-src 'none'; form-action https:"),
                     ST_FAIL);
}

static void test_judge_lists_every_failure(void **state)
{
    (void)state;
    assert_int_equal(J("{}", "script-src 'unsafe-inline' 'unsafe-eval' https:"), ST_FAIL);
    assert_non_null(strstr(evidence, "'unsafe-inline'"));
    assert_non_null(strstr(evidence, "eval"));
    assert_non_null(strstr(evidence, "overly broad"));
    assert_non_null(strstr(evidence, "object-src"));
    /* nothing restricts scripts */
    assert_int_equal(J("{}", "frame-ancestors 'none'"), ST_FAIL);
    assert_non_null(strstr(evidence, "scripts are unrestricted"));
}

static void test_judge_errors(void **state)
{
    (void)state;
    assert_int_equal(J("{\"forbid_unsafe_eval\": 1}", GOOD), ST_ERROR);
    assert_non_null(strstr(evidence, "forbid_unsafe_eval"));
    assert_int_equal(J("{\"required\": \"yes\"}", NULL), ST_ERROR);
    struct result r = { NULL, NULL };
    json_t *e = json_object(), *junk = json_pack("{s:i}", "enforced", 1);
    assert_int_equal(csp_judge_json(junk, e, &r), ST_ERROR);
    assert_true(json_is_string(r.evidence));
    result_release(&r);
    assert_int_equal(csp_judge_json(NULL, e, &r), ST_ERROR);
    result_release(&r);
    json_decref(junk);
    json_decref(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_case_and_whitespace),
        cmocka_unit_test(test_parse_duplicates_first_wins),
        cmocka_unit_test(test_parse_empty_and_bad_directives),
        cmocka_unit_test(test_parse_bad_tokens),
        cmocka_unit_test(test_parse_commas_are_policies),
        cmocka_unit_test(test_parse_bounds),
        cmocka_unit_test(test_parse_nul_byte),
        cmocka_unit_test(test_fallbacks),
        cmocka_unit_test(test_nonce_hash_strict_dynamic),
        cmocka_unit_test(test_data_wildcards_insecure),
        cmocka_unit_test(test_several_policies_all_enforced),
        cmocka_unit_test(test_meta_restrictions),
        cmocka_unit_test(test_report_only_view),
        cmocka_unit_test(test_obs_not_implemented_and_invalid),
        cmocka_unit_test(test_obs_unsafe_inline),
        cmocka_unit_test(test_obs_insecure_scheme),
        cmocka_unit_test(test_obs_passive_only),
        cmocka_unit_test(test_obs_unsafe_eval),
        cmocka_unit_test(test_obs_style_only),
        cmocka_unit_test(test_obs_no_unsafe),
        cmocka_unit_test(test_obs_default_src_none),
        cmocka_unit_test(test_obs_policy_flags),
        cmocka_unit_test(test_obs_several_policies),
        cmocka_unit_test(test_obs_duplicates),
        cmocka_unit_test(test_obs_names),
        cmocka_unit_test(test_json_shape_and_round_trip),
        cmocka_unit_test(test_json_read_back_rejects),
        cmocka_unit_test(test_judge_expect_keys_table),
        cmocka_unit_test(test_judge_required_and_report_only),
        cmocka_unit_test(test_judge_each_forbid_key),
        cmocka_unit_test(test_judge_each_require_key),
        cmocka_unit_test(test_judge_lists_every_failure),
        cmocka_unit_test(test_judge_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
