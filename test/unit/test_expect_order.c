/*
 * test_expect_order.c — expect_relaxed: whether a tailored control's expect is at least as strict
 * as its parent's, key by key, under each key's order (bool, integer, list, TLS version).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "expect_order.h"
#include "registry.h"

/* expect_relaxed(check, parent JSON, child JSON); the reason must mention `why` when relaxed. */
static int relaxed(const char *check, const char *parent, const char *child, const char *why)
{
    const struct check *c = check_find(check);
    assert_non_null(c);
    json_t *p = json_loads(parent, 0, NULL), *ch = json_loads(child, 0, NULL);
    assert_non_null(p);
    assert_non_null(ch);
    struct strbuf sb = STRBUF_INIT;
    int r = expect_relaxed(c, p, ch, &sb);
    if (r && why && !strstr(sb.buf, why))
        fail_msg("reason \"%s\" does not mention \"%s\"", sb.buf, why);
    if (!r)
        assert_int_equal(sb.len, 0);
    strbuf_release(&sb);
    json_decref(p);
    json_decref(ch);
    return r;
}

static void test_same_is_not_relaxed(void **state)
{
    (void)state;
    assert_false(relaxed("headers.hsts", "{\"min_max_age\":31536000}",
                         "{\"min_max_age\":31536000}", NULL));
    assert_false(relaxed("headers.hsts", "{}", "{}", NULL));
}

static void test_integer_min_and_max(void **state)
{
    (void)state;
    assert_true(relaxed("headers.hsts", "{\"min_max_age\":31536000}", "{\"min_max_age\":86400}",
                        "min_max_age 31536000 -> 86400"));
    assert_false(relaxed("headers.hsts", "{\"min_max_age\":31536000}",
                         "{\"min_max_age\":63072000}", NULL));
    /* max_*: smaller is stricter */
    assert_false(relaxed("documents.headers", "{\"max_presign_seconds\":3600}",
                         "{\"max_presign_seconds\":600}", NULL));
    assert_true(relaxed("documents.headers", "{\"max_presign_seconds\":3600}",
                        "{\"max_presign_seconds\":86400}", "max_presign_seconds"));
}

static void test_booleans(void **state)
{
    (void)state;
    assert_true(relaxed("tls.ciphers", "{\"forward_secrecy\":true}",
                        "{\"forward_secrecy\":false}", "forward_secrecy true -> false"));
    assert_false(relaxed("headers.hsts", "{\"include_subdomains\":false}",
                         "{\"include_subdomains\":true}", NULL));
    /* allow_*: true is looser */
    assert_true(relaxed("headers.csp", "{\"allow_report_only\":false}",
                        "{\"allow_report_only\":true}", "allow_report_only"));
    assert_false(relaxed("documents.headers", "{\"allow_private\":true}",
                         "{\"allow_private\":false}", NULL));
}

static void test_lists(void **state)
{
    (void)state;
    const char *base = "{\"forbid_classes\":[\"NULL\",\"RC4\"]}";
    assert_false(relaxed("tls.ciphers", base, "{\"forbid_classes\":[\"RC4\",\"NULL\",\"CBC\"]}",
                         NULL));
    assert_true(relaxed("tls.ciphers", base, "{\"forbid_classes\":[\"NULL\"]}", "forbid_classes"));
    /* an allow list is stricter when smaller; an accepted-values list (coop) too */
    assert_false(relaxed("tls.ciphers", "{\"allow\":[\"a\",\"b\"]}", "{\"allow\":[\"a\"]}", NULL));
    assert_true(relaxed("tls.ciphers", "{\"allow\":[\"a\"]}", "{\"allow\":[\"a\",\"b\"]}", "allow"));
    assert_false(relaxed("headers.cross_origin", "{\"coop\":[\"same-origin\",\"unsafe-none\"]}",
                         "{\"coop\":[\"same-origin\"]}", NULL));
    assert_true(relaxed("documents.listing", "{\"ignore\":[\"/a/\"]}",
                        "{\"ignore\":[\"/a/\",\"/b/\"]}", "ignore"));
}

static void test_tls_versions(void **state)
{
    (void)state;
    assert_false(relaxed("tls.protocols", "{\"min\":\"1.2\"}", "{\"min\":\"TLSv1.3\"}", NULL));
    assert_true(relaxed("tls.protocols", "{\"min\":\"TLSv1.2\"}", "{\"min\":\"1.0\"}", "min"));
    /* max has no order: any change counts */
    assert_true(relaxed("tls.protocols", "{\"max\":\"1.3\"}", "{\"max\":\"1.2\"}", "max"));
}

static void test_removed_and_added_keys(void **state)
{
    (void)state;
    assert_true(relaxed("headers.hsts", "{\"min_max_age\":31536000}", "{}",
                        "min_max_age 31536000 -> (unset)"));
    /* a boolean added in its strict direction tightens a default */
    assert_false(relaxed("headers.hsts", "{}", "{\"preload\":true}", NULL));
    /* anything else added may loosen the check's built-in default (forbid_signature) */
    assert_true(relaxed("cert.signature", "{}", "{\"forbid_signature\":[\"sha224\"]}",
                        "forbid_signature (unset)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_is_not_relaxed),   cmocka_unit_test(test_integer_min_and_max),
        cmocka_unit_test(test_booleans),              cmocka_unit_test(test_lists),
        cmocka_unit_test(test_tls_versions),          cmocka_unit_test(test_removed_and_added_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
