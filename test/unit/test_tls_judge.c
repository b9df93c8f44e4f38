/*
 * test_tls_judge.c — the TLS judges fed hand-made observations.
 * tls.protocols: the accepted set is held against min / max / require / forbid (default: at
 * least TLS 1.2), an empty or missing observation is an error (never a pass), and "1.2" and
 * "TLSv1.2" name the same version. tls.groups and tls.features: each expect key can fail,
 * defaults are what docs/profiles.md says, facts that do not apply (TLS 1.3 only) never fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "registry.h"

/*
 * Judge an observation and an expect (both JSON texts) with check `id`. Checks the evidence is
 * a non-empty string and, when `needle` is given, that it contains it.
 */
static enum status judge_with(const char *id, const char *obs_text, const char *expect_text,
                              const char *needle)
{
    const struct check *c = check_find(id);
    assert_non_null(c);
    json_t *obs = json_loads(obs_text, 0, NULL);
    json_t *expect = json_loads(expect_text, 0, NULL);
    assert_non_null(obs);
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

static enum status judge(const char *obs_text, const char *expect_text, const char *needle)
{
    return judge_with("tls.protocols", obs_text, expect_text, needle);
}

#define BASELINE "{\"min\": \"1.2\", \"require\": [\"1.3\"]}"

static void test_registered(void **state)
{
    (void)state;
    const struct check *c = check_find("tls.protocols");
    assert_non_null(c);
    assert_string_equal(c->family, "tls");
    assert_string_equal(check_obs_key(c), "tls");
    assert_non_null(check_expect_key(c, "min"));
    assert_non_null(check_expect_key(c, "max"));
    assert_non_null(check_expect_key(c, "require"));
    assert_non_null(check_expect_key(c, "forbid"));
}

static void test_modern_server_passes(void **state)
{
    (void)state;
    assert_int_equal(judge("{\"protocols\": [\"TLSv1.2\", \"TLSv1.3\"]}", BASELINE, NULL),
                     ST_PASS);
    assert_int_equal(judge("{\"protocols\": [\"TLSv1.3\"]}", BASELINE, NULL), ST_PASS);
}

static void test_old_version_fails(void **state)
{
    (void)state;
    assert_int_equal(judge("{\"protocols\": [\"TLSv1.0\", \"TLSv1.2\", \"TLSv1.3\"]}", BASELINE,
                           "TLSv1.0"),
                     ST_FAIL);
    assert_int_equal(judge("{\"protocols\": [\"TLSv1.0\", \"TLSv1.2\"]}",
                           "{\"min\": \"1.2\"}", "TLSv1.0"),
                     ST_FAIL);
    assert_int_equal(judge("{\"protocols\": [\"SSLv3\", \"TLSv1.2\"]}", "{}", "SSLv3"), ST_FAIL);
}

static void test_required_version_missing_fails(void **state)
{
    (void)state;
    assert_int_equal(judge("{\"protocols\": [\"TLSv1.2\"]}", BASELINE, "TLSv1.3"), ST_FAIL);
}

static void test_forbidden_version_fails(void **state)
{
    (void)state;
    assert_int_equal(judge("{\"protocols\": [\"TLSv1.2\", \"TLSv1.3\"]}",
                           "{\"forbid\": [\"TLSv1.3\"]}", "TLSv1.3"),
                     ST_FAIL);
    assert_int_equal(judge("{\"protocols\": [\"TLSv1.2\"]}", "{\"forbid\": [\"TLSv1.3\"]}", NULL),
                     ST_PASS);
}

static void test_above_max_fails(void **state)
{
    (void)state;
    assert_int_equal(judge("{\"protocols\": [\"TLSv1.2\", \"TLSv1.3\"]}", "{\"max\": \"1.2\"}",
                           "TLSv1.3"),
                     ST_FAIL);
    assert_int_equal(judge("{\"protocols\": [\"TLSv1.2\"]}", "{\"max\": \"1.2\"}", NULL),
                     ST_PASS);
}

static void test_empty_or_missing_observation_is_error(void **state)
{
    (void)state;
    assert_int_equal(judge("{\"protocols\": []}", BASELINE, NULL), ST_ERROR);
    assert_int_equal(judge("{}", BASELINE, NULL), ST_ERROR);
    assert_int_equal(judge("{\"protocols\": \"TLSv1.2\"}", BASELINE, NULL), ST_ERROR);
}

static void test_default_min_is_tls12(void **state)
{
    (void)state;
    assert_int_equal(judge("{\"protocols\": [\"TLSv1.1\", \"TLSv1.2\"]}", "{}", "TLSv1.1"),
                     ST_FAIL);
    assert_int_equal(judge("{\"protocols\": [\"TLSv1.2\"]}", "{}", NULL), ST_PASS);
    assert_int_equal(judge("{\"protocols\": [\"TLSv1.2\", \"TLSv1.3\"]}", "{}", NULL), ST_PASS);
}

static void test_version_spellings(void **state)
{
    (void)state;
    const char *obs = "{\"protocols\": [\"TLSv1.1\", \"TLSv1.2\"]}";
    assert_int_equal(judge(obs, "{\"min\": \"1.1\"}", NULL), ST_PASS);
    assert_int_equal(judge(obs, "{\"min\": \"TLSv1.1\"}", NULL), ST_PASS);
    assert_int_equal(judge(obs, "{\"min\": \"1.2\"}", NULL), ST_FAIL);
    assert_int_equal(judge(obs, "{\"min\": \"TLSv1.2\"}", NULL), ST_FAIL);
    assert_int_equal(judge(obs, "{\"require\": [\"1.3\"], \"min\": \"1.0\"}", NULL), ST_FAIL);
    assert_int_equal(judge(obs, "{\"require\": [\"TLSv1.3\"], \"min\": \"1.0\"}", NULL), ST_FAIL);
    assert_int_equal(judge(obs, "{\"require\": [\"TLSv1.2\"], \"min\": \"TLSv1.1\"}", NULL),
                     ST_PASS);
    assert_int_equal(judge(obs, "{\"forbid\": [\"1.1\"], \"min\": \"1.0\"}", NULL), ST_FAIL);
    assert_int_equal(judge(obs, "{\"max\": \"TLSv1.1\", \"min\": \"1.0\"}", "TLSv1.2"), ST_FAIL);
}

/* Regression: an unknown version name in expect became rank -1, so an unknown min let every
 * version pass silently and an unknown max read all_versions[-1] (out of bounds). The profile
 * validator keeps such names out; a hand-edited report re-judged must not pass either. */
static void test_unknown_expect_version(void **state)
{
    (void)state;
    const char *obs = "{\"protocols\": [\"TLSv1.0\", \"TLSv1.2\"]}";
    enum status unknown_max = judge(obs, "{\"max\": \"TLSv9\", \"min\": \"1.0\"}", NULL);
    enum status unknown_min = judge(obs, "{\"min\": \"TLSv1.4\"}", NULL);
    assert_int_not_equal(unknown_max, ST_PASS);
    assert_int_not_equal(unknown_min, ST_PASS);
}

#define GROUPS(x) "{\"groups\": " x "}"
#define GOOD_GROUPS GROUPS("{\"TLSv1.2\": [\"x25519\", \"secp256r1\"], " \
                           "\"TLSv1.3\": [\"x25519\", \"ffdhe2048\"]}")

static void test_groups_limits(void **state)
{
    (void)state;
    assert_int_equal(judge_with("tls.groups", GOOD_GROUPS, "{}", "4 accepted"), ST_PASS);
    assert_int_equal(judge_with("tls.groups", GOOD_GROUPS,
                           "{\"min_ecdh_bits\": 256, \"min_dh_bits\": 2048}", NULL),
                     ST_PASS);
    assert_int_equal(judge_with("tls.groups", GOOD_GROUPS, "{\"min_dh_bits\": 3072}",
                           "TLSv1.3 ffdhe2048 (2048-bit group)"),
                     ST_FAIL);
    assert_int_equal(judge_with("tls.groups", GOOD_GROUPS, "{\"min_ecdh_bits\": 384}",
                           "x25519 (256-bit curve)"),
                     ST_FAIL);
    assert_int_equal(judge_with("tls.groups", GROUPS("{\"TLSv1.2\": [\"secp192r1\"]}"),
                           "{\"min_ecdh_bits\": 224}", "secp192r1 (192-bit curve)"),
                     ST_FAIL);
}

static void test_groups_forbid_require(void **state)
{
    (void)state;
    assert_int_equal(judge_with("tls.groups", GOOD_GROUPS, "{\"forbid\": [\"SECP256R1\"]}",
                           "TLSv1.2 secp256r1 (forbidden)"),
                     ST_FAIL);
    assert_int_equal(judge_with("tls.groups", GOOD_GROUPS, "{\"require\": [\"x448\"]}",
                           "x448 not accepted (required)"),
                     ST_FAIL);
    assert_int_equal(judge_with("tls.groups", GOOD_GROUPS, "{\"require\": [\"ffdhe2048\"]}", NULL),
                     ST_PASS);
    /* No ECDHE and no TLS 1.3: nothing to judge unless a group is required. */
    assert_int_equal(judge_with("tls.groups", GROUPS("{\"TLSv1.2\": []}"), "{}", "no named group"),
                     ST_PASS);
    assert_int_equal(judge_with("tls.groups", GROUPS("{\"TLSv1.2\": []}"),
                           "{\"require\": [\"x25519\"]}", NULL),
                     ST_FAIL);
}

static void test_groups_missing_is_error(void **state)
{
    (void)state;
    assert_int_equal(judge_with("tls.groups", "{}", "{}", "no named-group"), ST_ERROR);
    assert_int_equal(judge_with("tls.groups", "{\"groups\": []}", "{}", NULL), ST_ERROR);
}

#define FEAT(x) "{\"features\": {\"probed_version\": \"TLSv1.2\", " x "}}"
#define GOOD_FEAT FEAT("\"secure_renegotiation\": true, \"extended_master_secret\": true, " \
                       "\"compression\": \"none\", \"alpn\": \"h2\", \"fallback_scsv\": \"honoured\"")

static void test_features_defaults(void **state)
{
    (void)state;
    assert_int_equal(judge_with("tls.features", GOOD_FEAT, "{}", NULL), ST_PASS);
    /* Defaults: secure renegotiation required, compression forbidden; the rest optional. */
    assert_int_equal(judge_with("tls.features",
                           FEAT("\"secure_renegotiation\": false, \"compression\": \"none\", "
                                "\"extended_master_secret\": false, \"fallback_scsv\": \"ignored\""),
                           "{}", "no secure renegotiation"),
                     ST_FAIL);
    assert_int_equal(judge_with("tls.features",
                           FEAT("\"secure_renegotiation\": true, \"compression\": \"deflate\""),
                           "{}", "TLS compression (deflate) accepted"),
                     ST_FAIL);
    assert_int_equal(judge_with("tls.features",
                           FEAT("\"secure_renegotiation\": false, \"compression\": \"deflate\""),
                           "{\"secure_renegotiation\": false, \"forbid_compression\": false}",
                           NULL),
                     ST_PASS);
}

static void test_features_optional_keys(void **state)
{
    (void)state;
    const char *weak = FEAT("\"secure_renegotiation\": true, \"compression\": \"none\", "
                            "\"extended_master_secret\": false, \"alpn\": \"http/1.1\", "
                            "\"fallback_scsv\": \"ignored\"");
    assert_int_equal(judge_with("tls.features", weak, "{}", NULL), ST_PASS);
    assert_int_equal(judge_with("tls.features", weak, "{\"extended_master_secret\": true}",
                           "no extended master secret"),
                     ST_FAIL);
    assert_int_equal(judge_with("tls.features", weak, "{\"fallback_scsv\": true}",
                           "TLS_FALLBACK_SCSV ignored"),
                     ST_FAIL);
    assert_int_equal(judge_with("tls.features", weak, "{\"require_h2\": true}",
                           "server selected http/1.1"),
                     ST_FAIL);
    assert_int_equal(judge_with("tls.features", GOOD_FEAT,
                           "{\"fallback_scsv\": true, \"require_h2\": true, "
                           "\"extended_master_secret\": true}",
                           NULL),
                     ST_PASS);
}

static void test_features_not_applicable(void **state)
{
    (void)state;
    /* TLS 1.3 only: the TLS <= 1.2 facts are null and fallback does not apply. */
    const char *v13 = "{\"features\": {\"probed_version\": \"TLSv1.3\", "
                      "\"secure_renegotiation\": null, \"extended_master_secret\": null, "
                      "\"compression\": null, \"alpn\": null, "
                      "\"fallback_scsv\": \"not_applicable\"}}";
    assert_int_equal(judge_with("tls.features", v13,
                           "{\"extended_master_secret\": true, \"fallback_scsv\": true}", NULL),
                     ST_PASS);
    /* A refusal with another alert proves nothing either way: error, not pass. */
    assert_int_equal(judge_with("tls.features",
                           FEAT("\"secure_renegotiation\": true, \"compression\": \"none\", "
                                "\"fallback_scsv\": \"unclear\", \"fallback_answer\": "
                                "{\"version\": \"TLSv1.1\", \"answer\": \"alert handshake_failure\"}"),
                           "{\"fallback_scsv\": true}", "handshake_failure"),
                     ST_ERROR);
}

static void test_features_missing_is_error(void **state)
{
    (void)state;
    assert_int_equal(judge_with("tls.features", "{}", "{}", "no TLS feature"), ST_ERROR);
    assert_int_equal(judge_with("tls.features",
                           "{\"features\": {\"probed_version\": \"TLSv1.2\", "
                           "\"probe_error\": \"alert handshake_failure\"}}",
                           "{}", "feature probe failed"),
                     ST_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),
        cmocka_unit_test(test_modern_server_passes),
        cmocka_unit_test(test_old_version_fails),
        cmocka_unit_test(test_required_version_missing_fails),
        cmocka_unit_test(test_forbidden_version_fails),
        cmocka_unit_test(test_above_max_fails),
        cmocka_unit_test(test_empty_or_missing_observation_is_error),
        cmocka_unit_test(test_default_min_is_tls12),
        cmocka_unit_test(test_version_spellings),
        cmocka_unit_test(test_unknown_expect_version),
        cmocka_unit_test(test_groups_limits),
        cmocka_unit_test(test_groups_forbid_require),
        cmocka_unit_test(test_groups_missing_is_error),
        cmocka_unit_test(test_features_defaults),
        cmocka_unit_test(test_features_optional_keys),
        cmocka_unit_test(test_features_not_applicable),
        cmocka_unit_test(test_features_missing_is_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
