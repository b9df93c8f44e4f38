/*
 * test_login.c — the pure parts of the login driver and the document checks: the form encoding
 * of the login post (which carries the password, so it must be exact and allocated once), and
 * the reading and redaction of pre-signed storage links.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "documents.h"
#include "login.h"

static void test_form_urlencode(void **state)
{
    (void)state;
    const char *names[] = { "csrf_token", "user name", "pw" };
    const char *values[] = { "a+b/c=", "alice@example.nz", "p&ss w0rd%é" };
    size_t len = 0;
    char *body = form_urlencode(names, values, 3, &len);
    assert_non_null(body);
    assert_string_equal(body, "csrf_token=a%2Bb%2Fc%3D&user+name=alice%40example.nz&"
                              "pw=p%26ss+w0rd%25%C3%A9");
    assert_int_equal(len, strlen(body));
    free(body);

    body = form_urlencode(names, values, 0, &len);
    assert_string_equal(body, "");
    assert_int_equal(len, 0);
    free(body);

    const char *empty[] = { NULL };
    const char *n1[] = { "x" };
    body = form_urlencode(n1, empty, 1, &len); /* a NULL value is sent empty */
    assert_string_equal(body, "x=");
    free(body);
}

static void test_login_outcome_names(void **state)
{
    (void)state;
    assert_string_equal(login_outcome_name(LOGIN_SIGNED_IN), "signed_in");
    assert_string_equal(login_outcome_name(LOGIN_SKIPPED), "skipped");
    assert_string_equal(login_outcome_name((enum login_outcome)99), "?");
}

static long long lifetime(const char *url, long long now, const char *want_kind)
{
    long long s = -12345;
    const char *kind = NULL;
    if (!presign_lifetime(url, now, &s, &kind))
        return -99999;
    assert_string_equal(kind, want_kind);
    return s;
}

static void test_presign_lifetime(void **state)
{
    (void)state;
    const long long now = 1795000000; /* 2026-11-18T… */
    assert_int_equal(lifetime("https://b.s3.amazonaws.com/k.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                              "&X-Amz-Expires=604800&X-Amz-Signature=ab12",
                              now, "s3"),
                     604800);
    assert_int_equal(lifetime("https://storage.googleapis.com/b/k?X-Goog-Expires=900&"
                              "X-Goog-Signature=ff",
                              now, "gcs"),
                     900);
    assert_int_equal(lifetime("https://a.blob.core.windows.net/c/k.pdf?sv=2022-11-02&"
                              "st=2026-11-24T10%3A00%3A00Z&se=2026-11-24T11%3A00%3A00Z&sr=b&sig=x",
                              now, "azure-sas"),
                     3600);
    assert_int_equal(lifetime("https://d.cloudfront.net/k.pdf?Expires=1795000600&Signature=s&"
                              "Key-Pair-Id=K",
                              now, "signed-expires"),
                     600);
    /* Not pre-signed: no signature, or a lookalike parameter name. */
    assert_int_equal(lifetime("https://p.example.nz/doc?id=4&Expires=1795000600", now, ""),
                     -99999);
    assert_int_equal(lifetime("https://p.example.nz/doc?XX-Amz-Expires=60", now, ""), -99999);
    assert_int_equal(lifetime("https://p.example.nz/doc?X-Amz-Expires=abc", now, ""), -99999);
}

static void test_presign_redact(void **state)
{
    (void)state;
    char *r = presign_redact("https://b.s3.amazonaws.com/k.pdf?X-Amz-Credential=AKIA%2F1&"
                             "X-Amz-Expires=60&X-Amz-Signature=deadbeef#frag");
    assert_string_equal(r, "https://b.s3.amazonaws.com/k.pdf?X-Amz-Credential=REDACTED&"
                           "X-Amz-Expires=60&X-Amz-Signature=REDACTED");
    free(r);
    r = presign_redact("https://a.blob.core.windows.net/c/k?se=2026-11-24&SIG=abc&sp=r");
    assert_string_equal(r, "https://a.blob.core.windows.net/c/k?se=2026-11-24&SIG=REDACTED&sp=r");
    free(r);
    r = presign_redact("https://p.example.nz/plain");
    assert_string_equal(r, "https://p.example.nz/plain");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_urlencode),
        cmocka_unit_test(test_login_outcome_names),
        cmocka_unit_test(test_presign_lifetime),
        cmocka_unit_test(test_presign_redact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
