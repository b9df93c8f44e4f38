/*
 * test_target.c — target_parse: what a user may name as a scan target, and how it is normalised.
 *
 * Accepted: https URLs (with or without port and path), a bare host meaning https, IPv6 literals
 * in brackets. The normalised URL lower-cases the host, omits the default port, keeps the query
 * and drops the fragment. Everything else is refused with a message, and a message never repeats
 * a password the user put in the URL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "target.h"

/* Parse url, which must succeed, and check the parts. */
static void expect_ok(const char *url, const char *norm, const char *host, int port,
                      const char *path, int is_ip)
{
    struct target t;
    struct coc_error e = { "" };

    if (target_parse(url, &t, &e) != 0)
        fail_msg("target_parse(\"%s\") failed: %s", url, e.msg);
    assert_string_equal(t.url, norm);
    assert_string_equal(t.host, host);
    assert_int_equal(t.port, port);
    assert_string_equal(t.path, path);
    assert_int_equal(t.host_is_ip, is_ip);
    assert_null(t.name);
    target_release(&t);
    assert_null(t.url);
}

/* Parse url, which must fail; the message must be non-empty and contain `needle` (or NULL). */
static void expect_err(const char *url, const char *needle)
{
    struct target t;
    struct coc_error e = { "" };

    if (target_parse(url, &t, &e) != -1)
        fail_msg("target_parse(\"%s\") accepted it as %s", url, t.url);
    assert_true(e.msg[0] != '\0');
    if (needle && !strstr(e.msg, needle))
        fail_msg("message for \"%s\" lacks \"%s\": %s", url, needle, e.msg);
    /* A failed parse leaves nothing allocated. */
    assert_null(t.url);
    assert_null(t.host);
    assert_null(t.path);
}

static void test_https_forms(void **state)
{
    (void)state;
    expect_ok("https://portal.example.nz", "https://portal.example.nz/", "portal.example.nz", 443,
              "/", 0);
    expect_ok("https://portal.example.nz/", "https://portal.example.nz/", "portal.example.nz", 443,
              "/", 0);
    expect_ok("https://portal.example.nz:8443/login", "https://portal.example.nz:8443/login",
              "portal.example.nz", 8443, "/login", 0);
    expect_ok("HTTPS://portal.example.nz/a/b", "https://portal.example.nz/a/b",
              "portal.example.nz", 443, "/a/b", 0);
    expect_ok("https://127.0.0.1:4443/", "https://127.0.0.1:4443/", "127.0.0.1", 4443, "/", 1);
}

static void test_bare_host_means_https(void **state)
{
    (void)state;
    expect_ok("portal.example.nz", "https://portal.example.nz/", "portal.example.nz", 443, "/", 0);
    expect_ok("localhost:8443", "https://localhost:8443/", "localhost", 8443, "/", 0);
    expect_ok("portal.example.nz/app", "https://portal.example.nz/app", "portal.example.nz", 443,
              "/app", 0);
}

static void test_ipv6_literal(void **state)
{
    (void)state;
    expect_ok("[::1]:8443", "https://[::1]:8443/", "::1", 8443, "/", 1);
    expect_ok("https://[::1]/x", "https://[::1]/x", "::1", 443, "/x", 1);
    expect_ok("https://[2001:DB8::1]:443/", "https://[2001:db8::1]/", "2001:db8::1", 443, "/", 1);
}

static void test_host_lowercased_path_kept(void **state)
{
    (void)state;
    expect_ok("https://Portal.EXAMPLE.nz/Login", "https://portal.example.nz/Login",
              "portal.example.nz", 443, "/Login", 0);
}

static void test_default_port_omitted(void **state)
{
    (void)state;
    expect_ok("https://portal.example.nz:443/x", "https://portal.example.nz/x",
              "portal.example.nz", 443, "/x", 0);
}

static void test_query_kept_fragment_dropped(void **state)
{
    (void)state;
    expect_ok("https://h.example/a?b=c&d=e#frag", "https://h.example/a?b=c&d=e", "h.example", 443,
              "/a?b=c&d=e", 0);
    expect_ok("https://h.example?q=1", "https://h.example/?q=1", "h.example", 443, "/?q=1", 0);
    expect_ok("https://h.example#top", "https://h.example/", "h.example", 443, "/", 0);
}

static void test_rejects_other_schemes(void **state)
{
    (void)state;
    expect_err("http://portal.example.nz/", "https");
    expect_err("HTTP://portal.example.nz/", "https");
    expect_err("ftp://portal.example.nz/", "ftp");
}

static void test_rejects_userinfo(void **state)
{
    (void)state;
    expect_err("https://user@portal.example.nz/", "credentials");
    expect_err("https://user:pw@portal.example.nz/", "credentials");
}

static void test_userinfo_password_not_echoed(void **state)
{
    static const char *const urls[] = {
        "https://user:s3cretPW@portal.example.nz/",
        "user:s3cretPW@portal.example.nz",
        "HTTPS://user:s3cretPW@portal.example.nz:8443/x",
    };
    struct target t;
    struct coc_error e = { "" };

    (void)state;
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        assert_int_equal(target_parse(urls[i], &t, &e), -1);
        if (strstr(e.msg, "s3cretPW"))
            fail_msg("the password appears in the error message: %s", e.msg);
        assert_non_null(strstr(e.msg, "portal.example.nz"));
    }
}

/* Each URL is rejected, and its message never contains `secret`. */
static void assert_rejected_without(const char *const *urls, size_t n, const char *secret)
{
    struct target t;
    struct coc_error e = { "" };

    for (size_t i = 0; i < n; i++) {
        assert_int_equal(target_parse(urls[i], &t, &e), -1);
        if (strstr(e.msg, secret))
            fail_msg("the password appears in the error message: %s", e.msg);
    }
}

/* Regression: the wrong-scheme messages echoed the whole URL, so the password of
 * "http://user:pw@host/" (or ftp://) landed in the message. */
static void test_wrong_scheme_password_not_echoed(void **state)
{
    static const char *const urls[] = {
        "http://user:s3cretPW@portal.example.nz/",
        "ftp://user:s3cretPW@portal.example.nz/",
    };

    (void)state;
    assert_rejected_without(urls, sizeof urls / sizeof urls[0], "s3cretPW");
}

/* Regression: redact() once looked for '@' only before the first '/', '?' or '#', so a password
 * typed with one of those unencoded ("admin:p#ss@host") was quoted whole in the error. */
static void test_password_with_delimiter_not_echoed(void **state)
{
    static const char *const urls[] = {
        "https://admin:Secr3t#1@portal.example.nz/",
        "admin:Secr3t#1@portal.example.nz",
        "https://admin:Secr3t/1@portal.example.nz/",
        "https://admin:Secr3t?1@portal.example.nz/",
    };

    (void)state;
    assert_rejected_without(urls, sizeof urls / sizeof urls[0], "Secr3t");
}

static void test_rejects_bad_ports(void **state)
{
    (void)state;
    expect_err("https://h.example:0/", "port");
    expect_err("https://h.example:65536/", "port");
    expect_err("https://h.example:abc/", "port");
    expect_err("https://h.example:/", "port");
    expect_err("https://h.example:443x/", "port");
    expect_err("https://h.example:-1/", "port");
    expect_err("https://h.example:123456/", "port");
    expect_err("[::1]:0", "port");
    expect_ok("https://h.example:65535/", "https://h.example:65535/", "h.example", 65535, "/", 0);
    expect_ok("https://h.example:1/", "https://h.example:1/", "h.example", 1, "/", 0);
}

static void test_rejects_empty_or_bad_host(void **state)
{
    (void)state;
    expect_err("https:///path", "host");
    expect_err("https://:8443/", "host");
    expect_err("", "host");
    expect_err("https://ho st.example/", "host");
    expect_err("https://-bad.example/", "host");
    expect_err("https://[1.2.3.4]/", "IPv6");
}

static void test_rejects_space_or_control_in_path(void **state)
{
    (void)state;
    expect_err("https://h.example/a b", "path");
    expect_err("https://h.example/a\tb", "path");
    expect_err("https://h.example/a\x01", "path");
    expect_err("https://h.example/a\x7f", "path");
    expect_err("https://h.example/?q=a b", "path");
    /* Only the fragment, which is dropped, may hold anything. */
    expect_ok("https://h.example/a#x y", "https://h.example/a", "h.example", 443, "/a", 0);
}

static void test_rejects_unterminated_bracket(void **state)
{
    (void)state;
    expect_err("https://[::1/", "[");
    expect_err("[::1", "[");
    expect_err("https://[::1]x/", "]");
}

/* Regression: "://" was looked for anywhere, so a bare host whose query holds a URL was misread
 * as the unknown scheme "portal.example.nz/login?next=https". */
static void test_bare_host_with_url_in_query(void **state)
{
    (void)state;
    expect_ok("portal.example.nz/login?next=https://portal.example.nz/",
              "https://portal.example.nz/login?next=https://portal.example.nz/",
              "portal.example.nz", 443, "/login?next=https://portal.example.nz/", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_https_forms),
        cmocka_unit_test(test_bare_host_means_https),
        cmocka_unit_test(test_ipv6_literal),
        cmocka_unit_test(test_host_lowercased_path_kept),
        cmocka_unit_test(test_default_port_omitted),
        cmocka_unit_test(test_query_kept_fragment_dropped),
        cmocka_unit_test(test_rejects_other_schemes),
        cmocka_unit_test(test_rejects_userinfo),
        cmocka_unit_test(test_userinfo_password_not_echoed),
        cmocka_unit_test(test_wrong_scheme_password_not_echoed),
        cmocka_unit_test(test_password_with_delimiter_not_echoed),
        cmocka_unit_test(test_rejects_bad_ports),
        cmocka_unit_test(test_rejects_empty_or_bad_host),
        cmocka_unit_test(test_rejects_space_or_control_in_path),
        cmocka_unit_test(test_rejects_unterminated_bracket),
        cmocka_unit_test(test_bare_host_with_url_in_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
