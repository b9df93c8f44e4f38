/*
 * test_shard.c — shard_parse, shard_resolve and shard_has: K/N syntax and bounds, the Kubernetes
 * Indexed Job form (JOB_COMPLETION_INDEX with --shards N), and that the shards of a list cover
 * every position exactly once, within one of the same size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shard.h"

static void test_parse(void **state)
{
    (void)state;
    struct shard s;
    struct coc_error e = { "" };
    assert_int_equal(shard_parse("2/8", &s, &e), 0);
    assert_int_equal(s.index, 2);
    assert_int_equal(s.count, 8);
    assert_int_equal(shard_parse("1/1", &s, &e), 0);
    static const char *const bad[] = { "0/3", "4/3", "3", "/3", "3/", "a/b", "1/0", "-1/3",
                                       "1/3x", "1/10001", " 1/3", "1/+3", "99999999999/3" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (shard_parse(bad[i], &s, &e) != -1)
            fail_msg("'%s' was accepted", bad[i]);
        assert_non_null(strstr(e.msg, "is not K/N"));
    }
}

static void test_resolve(void **state)
{
    (void)state;
    struct shard s;
    struct coc_error e = { "" };
    assert_int_equal(shard_resolve(NULL, 0, NULL, &s, &e), 0);
    assert_int_equal(s.count, 0); /* not sharded */
    assert_int_equal(shard_resolve(NULL, 0, "2", &s, &e), 0);
    assert_int_equal(s.count, 0); /* an index alone does not shard */
    assert_int_equal(shard_resolve(NULL, 4, "0", &s, &e), 0);
    assert_int_equal(s.index, 1);
    assert_int_equal(s.count, 4);
    assert_int_equal(shard_resolve(NULL, 4, "3", &s, &e), 0);
    assert_int_equal(s.index, 4);
    assert_int_equal(shard_resolve("2/3", 0, "0", &s, &e), 0);
    assert_int_equal(s.index, 2); /* --shard wins over the environment */
    assert_int_equal(shard_resolve(NULL, 4, "4", &s, &e), -1);
    assert_non_null(strstr(e.msg, "not an index from 0 to 3"));
    assert_int_equal(shard_resolve(NULL, 4, "x", &s, &e), -1);
    assert_int_equal(shard_resolve(NULL, 4, NULL, &s, &e), -1);
    assert_non_null(strstr(e.msg, "needs JOB_COMPLETION_INDEX"));
    assert_int_equal(shard_resolve("1/2", 2, NULL, &s, &e), -1);
    assert_non_null(strstr(e.msg, "alternatives"));
}

static void test_cover_once(void **state)
{
    (void)state;
    for (unsigned n = 1; n <= 9; n++) {
        for (size_t len = 0; len <= 30; len++) {
            size_t sizes[9] = { 0 };
            for (size_t i = 0; i < len; i++) {
                int owners = 0;
                for (unsigned k = 1; k <= n; k++) {
                    struct shard s = { k, n };
                    if (shard_has(&s, i)) {
                        owners++;
                        sizes[k - 1]++;
                    }
                }
                assert_int_equal(owners, 1);
            }
            for (unsigned k = 1; k < n; k++)
                assert_true(sizes[0] - sizes[k] <= 1);
        }
    }
    struct shard none = { 0, 0 };
    assert_true(shard_has(&none, 12345));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_cover_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
