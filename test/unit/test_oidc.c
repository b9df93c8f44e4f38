/*
 * test_oidc.c — oidc.discovery without a network. oidc_discovery_parse turns hostile bytes into
 * facts or a reason (never a crash, never a partial "ok"); oidc_response_type_flags reads a
 * response_type value token by token; the judge fails every flow that returns tokens from the
 * authorization endpoint (implicit and hybrid), PKCE methods the profile requires but the
 * provider does not list, and — under `required` — a missing document, which is otherwise
 * skipped. A stored observation of the wrong shape is judged without crashing, never a pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "oidc.h"
#include "registry.h"
#include "strbuf.h"

#define URL "https://idp.example.nz/.well-known/openid-configuration"

/* Parse body; on success return the facts, on failure NULL with the reason in why. */
static json_t *parse_n(const char *body, size_t len, struct coc_error *why)
{
    json_t *out = json_object();
    assert_non_null(out);
    if (oidc_discovery_parse(body, len, out, why) < 0) {
        assert_true(why->msg[0] != '\0');
        json_decref(out);
        return NULL;
    }
    return out;
}

static json_t *parse(const char *body, struct coc_error *why)
{
    return parse_n(body, strlen(body), why);
}

/* body is refused, with a reason containing needle. */
static void refused_n(const char *body, size_t len, const char *needle)
{
    struct coc_error e = { "" };
    json_t *facts = parse_n(body, len, &e);
    if (facts)
        fail_msg("accepted: %.*s", (int)(len > 200 ? 200 : len), body);
    if (!strstr(e.msg, needle))
        fail_msg("reason lacks \"%s\": %s", needle, e.msg);
}

static void refused(const char *body, const char *needle)
{
    refused_n(body, strlen(body), needle);
}

static void test_registered(void **state)
{
    (void)state;
    const struct check *c = check_find("oidc.discovery");
    assert_non_null(c);
    assert_string_equal(c->family, "oidc");
    assert_string_equal(check_obs_key(c), "oidc");
    static const char *const keys[] = { "required", "implicit_grant", "pkce_methods",
                                        "forbid_pkce_plain", "require_issuer_match", NULL };
    for (const char *const *k = keys; *k; k++)
        assert_non_null(check_expect_key(c, *k));
}

static void test_response_type_flags(void **state)
{
    (void)state;
    assert_int_equal(oidc_response_type_flags("code"), OIDC_RT_CODE);
    assert_int_equal(oidc_response_type_flags("token"), OIDC_RT_TOKEN);
    assert_int_equal(oidc_response_type_flags("id_token"), OIDC_RT_ID_TOKEN);
    assert_int_equal(oidc_response_type_flags("id_token token"),
                     OIDC_RT_ID_TOKEN | OIDC_RT_TOKEN);
    assert_int_equal(oidc_response_type_flags("token  code"), OIDC_RT_CODE | OIDC_RT_TOKEN);
    assert_int_equal(oidc_response_type_flags(" code id_token "),
                     OIDC_RT_CODE | OIDC_RT_ID_TOKEN);
    assert_int_equal(oidc_response_type_flags("none"), OIDC_RT_NONE);
    /* A token word is a whole word: "code_token" is one unknown value, not "token". */
    assert_int_equal(oidc_response_type_flags("code_token"), OIDC_RT_OTHER);
    assert_int_equal(oidc_response_type_flags("TOKEN"), OIDC_RT_TOKEN);
    assert_int_equal(oidc_response_type_flags(""), 0);
    assert_int_equal(oidc_response_type_flags("   "), 0);
    assert_int_equal(oidc_response_type_flags(NULL), 0);
}

static void test_parse_good(void **state)
{
    (void)state;
    struct coc_error e = { "" };
    json_t *f = parse("{\"issuer\": \"https://idp.example.nz\", \"authorization_endpoint\": "
                      "\"https://idp.example.nz/auth\", \"response_types_supported\": [\"code\"],"
                      " \"grant_types_supported\": [\"authorization_code\"], "
                      "\"code_challenge_methods_supported\": [\"S256\"], "
                      "\"token_endpoint_auth_methods_supported\": [\"private_key_jwt\"], "
                      "\"claims_supported\": [1, {\"x\": []}]}",
                      &e);
    assert_non_null(f);
    assert_string_equal(json_string_value(json_object_get(f, "issuer")), "https://idp.example.nz");
    assert_int_equal(json_array_size(json_object_get(f, "response_types_supported")), 1);
    assert_int_equal(json_array_size(json_object_get(f, "code_challenge_methods_supported")), 1);
    assert_non_null(json_object_get(f, "token_endpoint_auth_methods_supported"));
    /* Members the check does not judge are not recorded, whatever their shape. */
    assert_null(json_object_get(f, "claims_supported"));
    assert_null(json_object_get(f, "authorization_endpoint"));
    json_decref(f);

    /* The optional lists may be absent. */
    f = parse("{\"issuer\": \"https://i\", \"response_types_supported\": []}", &e);
    assert_non_null(f);
    assert_null(json_object_get(f, "grant_types_supported"));
    assert_null(json_object_get(f, "code_challenge_methods_supported"));
    json_decref(f);
}

static void test_parse_hostile(void **state)
{
    (void)state;
    refused("", "not valid JSON");
    refused("<!DOCTYPE html><html></html>", "not valid JSON");
    refused("{\"issuer\": \"https://i\", \"response_types_supported\": [\"code\"]",
            "not valid JSON");
    refused("[1, 2]", "not a JSON object");
    refused("\"https://i\"", "not valid JSON"); /* jansson: only an object or array */
    refused("{}", "no issuer");
    refused("{\"issuer\": 7, \"response_types_supported\": []}", "issuer is a number");
    refused("{\"issuer\": \"\", \"response_types_supported\": []}", "issuer is empty");
    refused("{\"issuer\": \"https://i\"}", "no response_types_supported");
    refused("{\"issuer\": \"https://i\", \"response_types_supported\": \"code\"}",
            "response_types_supported is a string, not a list");
    refused("{\"issuer\": \"https://i\", \"response_types_supported\": null}", "is null");
    refused("{\"issuer\": \"https://i\", \"response_types_supported\": [\"code\", 5]}",
            "response_types_supported[1] is a number");
    refused("{\"issuer\": \"https://i\", \"response_types_supported\": [], "
            "\"grant_types_supported\": {\"a\": 1}}",
            "grant_types_supported is an object");
    refused("{\"issuer\": \"https://i\", \"response_types_supported\": [], "
            "\"code_challenge_methods_supported\": [[\"S256\"]]}",
            "code_challenge_methods_supported[0] is a list");
    /* Duplicate members: which one a client reads is undefined, so neither is trusted. */
    refused("{\"issuer\": \"https://i\", \"response_types_supported\": [\"code\"], "
            "\"response_types_supported\": [\"token\"]}",
            "not valid JSON");
    /* NUL inside a string, and raw NUL bytes. */
    refused("{\"issuer\": \"https://i\\u0000x\", \"response_types_supported\": []}",
            "not valid JSON");
    static const char nul[] = "{\"issuer\": \"https://i\", \0 \"response_types_supported\": []}";
    refused_n(nul, sizeof nul - 1, "not valid JSON");
    /* Invalid UTF-8. */
    refused("{\"issuer\": \"https://\xff\xfe\", \"response_types_supported\": []}",
            "not valid JSON");
}

static void test_parse_bounds(void **state)
{
    (void)state;
    struct strbuf b = STRBUF_INIT;
    /* 65 entries: a "token" hidden past what a report would show is not possible. */
    strbuf_adds(&b, "{\"issuer\": \"https://i\", \"response_types_supported\": [");
    for (int i = 0; i < OIDC_LIST_MAX; i++)
        strbuf_adds(&b, "\"code\", ");
    strbuf_adds(&b, "\"token\"]}");
    refused(b.buf, "more than 64");
    strbuf_reset(&b);

    strbuf_adds(&b, "{\"issuer\": \"https://i\", \"response_types_supported\": [\"");
    for (int i = 0; i <= OIDC_VALUE_MAX; i++)
        strbuf_addch(&b, 'c');
    strbuf_adds(&b, "\"]}");
    refused(b.buf, "longer than 256 bytes");
    strbuf_reset(&b);

    strbuf_adds(&b, "{\"issuer\": \"https://");
    for (int i = 0; i < OIDC_ISSUER_MAX; i++)
        strbuf_addch(&b, 'i');
    strbuf_adds(&b, "\", \"response_types_supported\": []}");
    refused(b.buf, "issuer is longer");
    strbuf_reset(&b);

    /* Deep nesting in a member nobody reads: jansson's depth limit refuses it, no crash. */
    strbuf_adds(&b, "{\"issuer\": \"https://i\", \"response_types_supported\": [], \"x\": ");
    for (int i = 0; i < 5000; i++)
        strbuf_addch(&b, '[');
    for (int i = 0; i < 5000; i++)
        strbuf_addch(&b, ']');
    strbuf_adds(&b, "}");
    refused(b.buf, "not valid JSON");
    strbuf_release(&b);
}

/* Judge a discovery observation (the "discovery" object's JSON text, or NULL for none) under
 * expect; the evidence must be a non-empty string containing needle (when given). */
static enum status judge(const char *disc, const char *expect_text, const char *needle)
{
    const struct check *c = check_find("oidc.discovery");
    assert_non_null(c);
    json_t *obs = json_object();
    if (disc) {
        json_t *d = json_loads(disc, 0, NULL);
        assert_non_null(d);
        json_object_set_new(obs, "discovery", d);
    }
    json_t *expect = json_loads(expect_text, 0, NULL);
    assert_non_null(expect);
    struct result r = { NULL, NULL };
    enum status st = c->judge(obs, expect, &r);
    assert_true(json_is_string(r.evidence));
    const char *ev = json_string_value(r.evidence);
    assert_true(ev[0] != '\0');
    if (needle && !strstr(ev, needle))
        fail_msg("evidence lacks \"%s\": %s", needle, ev);
    result_release(&r);
    json_decref(expect);
    json_decref(obs);
    return st;
}

/* A present document with the given response types, grant types and PKCE methods (JSON
 * arrays as text, or NULL for absent). Caller frees. */
static char *doc(const char *rts, const char *grants, const char *pkce)
{
    struct strbuf b = STRBUF_INIT;
    strbuf_addf(&b, "{\"url\": \"%s\", \"status\": 200, \"present\": true, "
                "\"issuer\": \"https://idp.example.nz\", \"response_types_supported\": %s",
                URL, rts);
    if (grants)
        strbuf_addf(&b, ", \"grant_types_supported\": %s", grants);
    if (pkce)
        strbuf_addf(&b, ", \"code_challenge_methods_supported\": %s", pkce);
    strbuf_addch(&b, '}');
    return strbuf_detach(&b, NULL);
}

static void test_judge_front_channel(void **state)
{
    (void)state;
    static const struct {
        const char *rts, *grants;
        enum status st;
    } cases[] = {
        { "[\"code\"]", "[\"authorization_code\", \"refresh_token\"]", ST_PASS },
        { "[\"code\", \"none\"]", NULL, ST_PASS },
        { "[\"code\", \"token\"]", NULL, ST_FAIL },
        { "[\"code\", \"id_token\"]", NULL, ST_FAIL },
        { "[\"code\", \"id_token token\"]", NULL, ST_FAIL },
        { "[\"code id_token\"]", NULL, ST_FAIL },           /* hybrid */
        { "[\"code token\"]", NULL, ST_FAIL },              /* hybrid */
        { "[\"token code id_token\"]", NULL, ST_FAIL },     /* hybrid, any order */
        { "[\"code\"]", "[\"authorization_code\", \"implicit\"]", ST_FAIL },
        { "[\"code\"]", "[\"IMPLICIT\"]", ST_FAIL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *d = doc(cases[i].rts, cases[i].grants, "[\"S256\"]");
        enum status st = judge(d, "{}", NULL);
        if (st != cases[i].st)
            fail_msg("%s / %s: %s, expected %s", cases[i].rts,
                     cases[i].grants ? cases[i].grants : "-", status_name(st),
                     status_name(cases[i].st));
        /* warn and allow soften only the front-channel finding. */
        if (cases[i].st == ST_FAIL) {
            assert_int_equal(judge(d, "{\"implicit_grant\": \"warn\"}", "implicit or hybrid"),
                             ST_WARN);
            assert_int_equal(judge(d, "{\"implicit_grant\": \"allow\"}", "allowed by the "
                                   "profile"), ST_PASS);
            assert_int_equal(judge(d, "{\"implicit_grant\": \"bogus\"}", NULL), ST_FAIL);
        }
        free(d);
    }
    char *d = doc("[\"code\", \"id_token token\"]", NULL, "[\"S256\"]");
    assert_int_equal(judge(d, "{\"implicit_grant\": \"forbid\"}", "id_token token"), ST_FAIL);
    free(d);
}

static void test_judge_pkce(void **state)
{
    (void)state;
    const char *s256 = "{\"pkce_methods\": [\"S256\"]}";
    char *d = doc("[\"code\"]", NULL, "[\"S256\", \"plain\"]");
    assert_int_equal(judge(d, s256, "PKCE methods [S256, plain]"), ST_PASS);
    assert_int_equal(judge(d, "{\"forbid_pkce_plain\": true}", "plain method is advertised"),
                     ST_FAIL);
    free(d);
    d = doc("[\"code\"]", NULL, "[\"plain\"]");
    assert_int_equal(judge(d, s256, "PKCE method S256 is not advertised"), ST_FAIL);
    assert_int_equal(judge(d, "{}", NULL), ST_PASS); /* nothing required by default */
    free(d);
    d = doc("[\"code\"]", NULL, NULL);
    assert_int_equal(judge(d, s256, "code_challenge_methods_supported: absent"), ST_FAIL);
    free(d);
    d = doc("[\"code\"]", NULL, "[\"s256\"]"); /* the method names are case-sensitive */
    assert_int_equal(judge(d, s256, "not advertised"), ST_FAIL);
    free(d);
    /* Both problems in one evidence. */
    d = doc("[\"token\"]", NULL, "[]");
    assert_int_equal(judge(d, s256, "; PKCE method S256"), ST_FAIL);
    free(d);
}

static void test_judge_absent(void **state)
{
    (void)state;
    const char *gone = "{\"url\": \"" URL "\", \"status\": 404, \"present\": false, "
                       "\"absent_reason\": \"answered 404\"}";
    assert_int_equal(judge(gone, "{}", "answered 404"), ST_SKIPPED);
    assert_int_equal(judge(gone, "{\"required\": false}", "not required"), ST_SKIPPED);
    assert_int_equal(judge(gone, "{\"required\": true}", "the profile requires one"), ST_FAIL);
    /* No observation at all is an error, never a pass or a skip. */
    assert_int_equal(judge(NULL, "{}", "no OpenID Connect discovery observation"), ST_ERROR);
    assert_int_equal(judge("[]", "{}", NULL), ST_ERROR);
}

static void test_judge_issuer(void **state)
{
    (void)state;
    const char *want = "{\"require_issuer_match\": true}";
    static const struct {
        const char *issuer;
        enum status st;
    } cases[] = {
        { "https://idp.example.nz", ST_PASS },
        { "https://idp.example.nz/", ST_PASS },
        { "https://idp.example.nz/realms/x", ST_FAIL },
        { "https://evil.example", ST_FAIL },
        { "https://idp.example.nz//", ST_FAIL },
        { "", ST_FAIL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct strbuf b = STRBUF_INIT;
        strbuf_addf(&b, "{\"url\": \"%s\", \"present\": true, \"issuer\": \"%s\", "
                    "\"response_types_supported\": [\"code\"]}", URL, cases[i].issuer);
        enum status st = judge(b.buf, want, NULL);
        if (st != cases[i].st)
            fail_msg("issuer '%s': %s", cases[i].issuer, status_name(st));
        assert_int_equal(judge(b.buf, "{}", NULL), ST_PASS); /* off by default */
        strbuf_release(&b);
    }
}

/* A stored report edited by hand (or by an attacker) is re-judged without crashing, and a
 * document whose lists are the wrong shape cannot pass a requirement. */
static void test_judge_hostile_observation(void **state)
{
    (void)state;
    static const char *const obs[] = {
        "{\"present\": true}",
        "{\"present\": true, \"issuer\": 5, \"response_types_supported\": \"token\", "
        "\"grant_types_supported\": 7, \"code_challenge_methods_supported\": {\"S256\": 1}}",
        "{\"present\": true, \"url\": 3, \"response_types_supported\": [null, 1, [\"token\"]]}",
        "{\"present\": \"yes\", \"absent_reason\": 4}",
    };
    for (size_t i = 0; i < sizeof obs / sizeof obs[0]; i++) {
        judge(obs[i], "{}", NULL);
        judge(obs[i], "{\"required\": true, \"require_issuer_match\": true}", NULL);
        enum status st = judge(obs[i], "{\"pkce_methods\": [\"S256\"], \"required\": true}",
                               NULL);
        if (st == ST_PASS)
            fail_msg("passed: %s", obs[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),
        cmocka_unit_test(test_response_type_flags),
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_hostile),
        cmocka_unit_test(test_parse_bounds),
        cmocka_unit_test(test_judge_front_channel),
        cmocka_unit_test(test_judge_pkce),
        cmocka_unit_test(test_judge_absent),
        cmocka_unit_test(test_judge_issuer),
        cmocka_unit_test(test_judge_hostile_observation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
