/*
 * test_tls_judge.c — the tls.protocols judge, fed hand-made observations: the accepted set is
 * held against min / max / require / forbid (default: at least TLS 1.2), an empty or missing
 * observation is an error (never a pass), and "1.2" and "TLSv1.2" name the same version.
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
 * Judge an observation and an expect (both JSON texts). Checks the evidence is a non-empty
 * string and, when `needle` is given, that it contains it.
 */
static enum status judge(const char *obs_text, const char *expect_text, const char *needle)
{
    const struct check *c = check_find("tls.protocols");
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
