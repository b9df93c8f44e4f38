/*
 * test_headers.c — the headers family: hsts_parse reads Strict-Transport-Security the way a
 * browser does (RFC 6797 §6.1: case-insensitive names, quoted values, a duplicated directive
 * voids the header), and the headers.hsts judge holds max-age to "at least" the profile's
 * minimum, never "equal to" it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "headers.h"
#include "registry.h"

#define ONE_YEAR 31536000LL

static json_t *parse(const char *v)
{
    json_t *o = hsts_parse(v, strlen(v));
    assert_non_null(o);
    return o;
}

/* v parses as valid with these values. */
static void expect_valid(const char *v, long long max_age, int sub, int preload)
{
    json_t *o = parse(v);
    if (!json_is_true(json_object_get(o, "valid")))
        fail_msg("\"%s\" judged invalid: %s", v,
                 json_string_value(json_object_get(o, "error")));
    assert_true(json_is_integer(json_object_get(o, "max_age")));
    assert_int_equal(json_integer_value(json_object_get(o, "max_age")), max_age);
    assert_int_equal(json_is_true(json_object_get(o, "include_subdomains")), sub);
    assert_int_equal(json_is_true(json_object_get(o, "preload")), preload);
    assert_null(json_object_get(o, "error"));
    json_decref(o);
}

/* v (of length len, to allow NUL bytes) parses as invalid, with a non-empty reason. */
static void expect_invalid_n(const char *v, size_t len)
{
    json_t *o = hsts_parse(v, len);
    assert_non_null(o);
    if (!json_is_false(json_object_get(o, "valid")))
        fail_msg("\"%.*s\" judged valid", (int)len, v);
    const char *why = json_string_value(json_object_get(o, "error"));
    assert_non_null(why);
    assert_true(why[0] != '\0');
    json_decref(o);
}

static void expect_invalid(const char *v)
{
    expect_invalid_n(v, strlen(v));
}

static void test_parse_basic(void **state)
{
    (void)state;
    expect_valid("max-age=31536000", ONE_YEAR, 0, 0);
    expect_valid("max-age=0", 0, 0, 0);
    expect_valid("max-age=31536000; includeSubDomains", ONE_YEAR, 1, 0);
    expect_valid("max-age=63072000; includeSubDomains; preload", 63072000, 1, 1);
    expect_valid("preload; includeSubDomains; max-age=10", 10, 1, 1);
}

static void test_parse_case_insensitive_names(void **state)
{
    (void)state;
    expect_valid("MAX-AGE=100; INCLUDESUBDOMAINS; PRELOAD", 100, 1, 1);
    expect_valid("Max-Age=100; includesubdomains", 100, 1, 0);
}

static void test_parse_quoted_max_age(void **state)
{
    (void)state;
    expect_valid("max-age=\"31536000\"", ONE_YEAR, 0, 0);
    expect_valid("max-age = \"42\" ; includeSubDomains", 42, 1, 0);
}

static void test_parse_ows_and_trailing_semicolon(void **state)
{
    (void)state;
    expect_valid("  max-age = 100  ;\tincludeSubDomains\t", 100, 1, 0);
    expect_valid("max-age=100;", 100, 0, 0);
    expect_valid("max-age=100; ; ;includeSubDomains;", 100, 1, 0);
    expect_valid(";max-age=100", 100, 0, 0);
}

static void test_parse_unknown_directive_ignored(void **state)
{
    (void)state;
    expect_valid("max-age=100; report-uri=\"https://r.example/a;b\"; foo", 100, 0, 0);
    expect_valid("x-future=1; max-age=100; bar=baz", 100, 0, 0);
}

static void test_parse_invalid(void **state)
{
    (void)state;
    expect_invalid("max-age=100; max-age=200");      /* duplicate max-age */
    expect_invalid("max-age=100; MAX-AGE=100");      /* duplicate, differently cased */
    expect_invalid("max-age=100; includeSubDomains; includesubdomains");
    expect_invalid("includeSubDomains");             /* no max-age */
    expect_invalid("");                              /* nothing at all */
    expect_invalid("max-age=abc");                   /* non-numeric */
    expect_invalid("max-age=12s");
    expect_invalid("max-age=1.5");
    expect_invalid("max-age=-1");                    /* negative */
    expect_invalid("max-age=");                      /* empty value */
    expect_invalid("max-age=\"\"");
    expect_invalid("max-age");                       /* no value at all */
    expect_invalid("max-age=\"100");                 /* unterminated quote */
    expect_invalid("max-age=100 200");               /* junk after the value */
    expect_invalid("max-age=100; includeSubDomains=1");
    static const char nul[] = "max-age=1\0" "00"; /* a NUL byte is not a digit */
    expect_invalid_n(nul, sizeof nul - 1);
}

/* An observation as hsts_observe records it for a header value (NULL: no header sent). */
static json_t *obs_for(const char *raw)
{
    json_t *h;
    if (raw) {
        h = parse(raw);
        json_object_set_new(h, "present", json_true());
        json_object_set_new(h, "raw", json_string(raw));
    } else {
        h = json_pack("{s:b}", "present", 0);
    }
    return json_pack("{s:s, s:o}", "final_url", "https://x/", "hsts", h);
}

/* Judge raw under expect (a JSON text); check the evidence is a non-empty string. */
static enum status judge(const char *raw, const char *expect_text)
{
    const struct check *c = check_find("headers.hsts");
    assert_non_null(c);
    assert_non_null(c->judge);
    json_t *obs = obs_for(raw);
    json_t *expect = json_loads(expect_text, 0, NULL);
    assert_non_null(expect);
    struct result r = { NULL, NULL };
    enum status st = c->judge(obs, expect, &r);
    assert_true(json_is_string(r.evidence));
    assert_true(json_string_length(r.evidence) > 0);
    result_release(&r);
    assert_null(r.evidence);
    json_decref(expect);
    json_decref(obs);
    return st;
}

static void test_judge_registered(void **state)
{
    (void)state;
    const struct check *c = check_find("headers.hsts");
    assert_non_null(c);
    assert_string_equal(c->family, "headers");
    assert_string_equal(check_obs_key(c), "http");
    assert_non_null(check_expect_key(c, "min_max_age"));
    assert_non_null(check_expect_key(c, "include_subdomains"));
    assert_null(check_expect_key(c, "max_age"));
}

static void test_judge_absent_or_invalid_fails(void **state)
{
    (void)state;
    assert_int_equal(judge(NULL, "{}"), ST_FAIL);
    assert_int_equal(judge("max-age=100; max-age=100", "{\"min_max_age\": 0}"), ST_FAIL);
    assert_int_equal(judge("includeSubDomains", "{\"min_max_age\": 0}"), ST_FAIL);
}

static void test_judge_at_least_not_equal(void **state)
{
    (void)state;
    assert_int_equal(judge("max-age=86399", "{\"min_max_age\": 86400}"), ST_FAIL);
    assert_int_equal(judge("max-age=86400", "{\"min_max_age\": 86400}"), ST_PASS);
    assert_int_equal(judge("max-age=86401", "{\"min_max_age\": 86400}"), ST_PASS);
    assert_int_equal(judge("max-age=63072000", "{\"min_max_age\": 31536000}"), ST_PASS);
    assert_int_equal(judge("max-age=0", "{\"min_max_age\": 0}"), ST_PASS);
}

static void test_judge_default_min_is_one_year(void **state)
{
    (void)state;
    assert_int_equal(judge("max-age=31535999", "{}"), ST_FAIL);
    assert_int_equal(judge("max-age=31536000", "{}"), ST_PASS);
    assert_int_equal(judge("max-age=31536001", "{}"), ST_PASS);
}

static void test_judge_include_subdomains_and_preload(void **state)
{
    (void)state;
    assert_int_equal(judge("max-age=31536000", "{\"include_subdomains\": true}"), ST_FAIL);
    assert_int_equal(judge("max-age=31536000; includeSubDomains",
                           "{\"include_subdomains\": true}"),
                     ST_PASS);
    assert_int_equal(judge("max-age=31536000", "{\"include_subdomains\": false}"), ST_PASS);
    assert_int_equal(judge("max-age=31536000; includeSubDomains", "{\"preload\": true}"),
                     ST_FAIL);
    assert_int_equal(judge("max-age=31536000; preload", "{\"preload\": true}"), ST_PASS);
}

static void test_judge_without_observation_is_error(void **state)
{
    (void)state;
    const struct check *c = check_find("headers.hsts");
    json_t *obs = json_pack("{s:s}", "final_url", "https://x/");
    json_t *expect = json_object();
    struct result r = { NULL, NULL };
    assert_int_equal(c->judge(obs, expect, &r), ST_ERROR);
    assert_true(json_is_string(r.evidence));
    result_release(&r);
    json_decref(expect);
    json_decref(obs);
}

/* Regression: hsts_parse accumulated max-age with no overflow check, so a 19-digit value
 * (legal: browsers clamp it) wrapped negative — undefined behaviour, and a long-lived policy
 * judged as below the minimum. Kept last: should it come back, UBSan aborts the process. */
static void test_parse_huge_max_age(void **state)
{
    (void)state;
    json_t *o = parse("max-age=9999999999999999999");
    int valid = json_is_true(json_object_get(o, "valid"));
    long long age = json_integer_value(json_object_get(o, "max_age"));
    json_decref(o);
    if (valid && age < ONE_YEAR)
        fail_msg("a 19-digit max-age was read as %lld", age);
    assert_int_equal(judge("max-age=9999999999999999999", "{}"), ST_PASS);
}

/* X-Frame-Options as the HTML standard reads it. */
static const char *xfo(const char *a, const char *b)
{
    json_t *vals = b ? json_pack("[s, s]", a, b) : a ? json_pack("[s]", a) : json_array();
    const char *eff = xfo_effective(vals, NULL);
    json_decref(vals);
    return eff;
}

static void test_xfo_effective(void **state)
{
    (void)state;
    assert_string_equal(xfo(NULL, NULL), "absent");
    assert_string_equal(xfo("DENY", NULL), "deny");
    assert_string_equal(xfo(" SameOrigin ", NULL), "sameorigin");
    assert_string_equal(xfo("deny", "DENY"), "deny"); /* the same value twice is one */
    assert_string_equal(xfo("DENY", "SAMEORIGIN"), "conflict");
    assert_string_equal(xfo("DENY, SAMEORIGIN", NULL), "conflict");
    assert_string_equal(xfo("ALLOWALL", NULL), "allowall");
    assert_string_equal(xfo("ALLOW-FROM https://a.example", NULL), "invalid");
    assert_string_equal(xfo("garbage", "other"), "invalid");
    assert_string_equal(xfo("", NULL), "invalid");
}

static const char *fa(const char *list)
{
    json_t *srcs = json_array();
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
        json_array_append_new(srcs, json_string(t));
    const char *c = frame_ancestors_class(srcs);
    json_decref(srcs);
    return c;
}

static void test_frame_ancestors_class(void **state)
{
    (void)state;
    assert_string_equal(fa("'none'"), "none");
    assert_string_equal(fa("'self'"), "self");
    assert_string_equal(fa("'SELF'"), "self");
    assert_string_equal(fa("'self' https://partner.example.nz"), "listed");
    assert_string_equal(fa("https://*.example.nz"), "listed");
    assert_string_equal(fa("'none' 'self'"), "self"); /* 'none' with others is ignored */
    assert_string_equal(fa("*"), "wildcard");
    assert_string_equal(fa("'self' https:"), "wildcard");
    assert_string_equal(fa("http:"), "wildcard");
}

static json_t *pp(const char *v)
{
    json_t *o = permissions_policy_parse(v, strlen(v));
    assert_non_null(o);
    return o;
}

static void test_permissions_policy_parse(void **state)
{
    (void)state;
    json_t *o = pp("camera=(), geolocation=(self \"https://maps.example.nz\"), fullscreen=*");
    assert_true(json_is_true(json_object_get(o, "valid")));
    const json_t *f = json_object_get(o, "features");
    assert_int_equal(json_object_size(f), 3);
    assert_int_equal(json_array_size(json_object_get(f, "camera")), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(f, "geolocation"), 1)),
                        "\"https://maps.example.nz\"");
    assert_string_equal(json_string_value(json_array_get(json_object_get(f, "fullscreen"), 0)),
                        "*");
    json_decref(o);

    o = pp("camera=();report-to=x, payment=()"); /* parameters are skipped */
    assert_true(json_is_true(json_object_get(o, "valid")));
    assert_int_equal(json_object_size(json_object_get(o, "features")), 2);
    json_decref(o);

    o = pp("camera=(self), camera=()"); /* a repeated key: the last wins */
    assert_int_equal(json_array_size(json_object_get(json_object_get(o, "features"), "camera")),
                     0);
    json_decref(o);

    /* Feature-Policy syntax, upper case, unclosed lists, trailing commas: the whole header is
     * invalid and browsers ignore it. */
    static const char *const bad[] = { "camera 'none'", "Camera=()", "camera=(self",
                                       "camera=(), ", "camera=()) ", "camera=(\"x)", "=()",
                                       "camera=()geolocation=()", NULL };
    for (const char *const *b = bad; *b; b++) {
        o = pp(*b);
        if (json_is_true(json_object_get(o, "valid")))
            fail_msg("\"%s\" parsed as valid", *b);
        assert_int_equal(json_object_size(json_object_get(o, "features")), 0);
        assert_true(json_is_string(json_object_get(o, "error")));
        json_decref(o);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_basic),
        cmocka_unit_test(test_parse_case_insensitive_names),
        cmocka_unit_test(test_parse_quoted_max_age),
        cmocka_unit_test(test_parse_ows_and_trailing_semicolon),
        cmocka_unit_test(test_parse_unknown_directive_ignored),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_judge_registered),
        cmocka_unit_test(test_judge_absent_or_invalid_fails),
        cmocka_unit_test(test_judge_at_least_not_equal),
        cmocka_unit_test(test_judge_default_min_is_one_year),
        cmocka_unit_test(test_judge_include_subdomains_and_preload),
        cmocka_unit_test(test_judge_without_observation_is_error),
        cmocka_unit_test(test_parse_huge_max_age),
        cmocka_unit_test(test_xfo_effective),
        cmocka_unit_test(test_frame_ancestors_class),
        cmocka_unit_test(test_permissions_policy_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
