/*
 * test_url.c — url_resolve follows a reference where a browser would (RFC 3986 §5 plus the
 * WHATWG leniencies) and refuses anything that is not http(s); origins compare scheme, host and
 * effective port; numeric ids are found in path segments and query values and replaced in place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"

#define BASE "https://portal.example.nz/a/b/c?x=1#top"

static void expect_resolve(const char *base, const char *ref, const char *want)
{
    char *got = url_resolve(base, ref);
    base = base ? base : "NULL";
    ref = ref ? ref : "NULL";
    if (!want && got)
        fail_msg("url_resolve(%s, \"%s\") = %s, want NULL", base, ref, got);
    if (want && (!got || strcmp(got, want) != 0))
        fail_msg("url_resolve(%s, \"%s\") = %s, want %s", base, ref, got ? got : "NULL", want);
    free(got);
}

static void test_resolve_rfc3986_examples(void **state)
{
    (void)state;
    /* RFC 3986 §5.4.1, on an http base with a query */
    const char *b = "http://a/b/c/d;p?q";
    expect_resolve(b, "g", "http://a/b/c/g");
    expect_resolve(b, "./g", "http://a/b/c/g");
    expect_resolve(b, "g/", "http://a/b/c/g/");
    expect_resolve(b, "/g", "http://a/g");
    expect_resolve(b, "//g", "http://g/");
    expect_resolve(b, "?y", "http://a/b/c/d;p?y");
    expect_resolve(b, "g?y", "http://a/b/c/g?y");
    expect_resolve(b, "#s", "http://a/b/c/d;p?q");
    expect_resolve(b, "g#s", "http://a/b/c/g");
    expect_resolve(b, ";x", "http://a/b/c/;x");
    expect_resolve(b, "", "http://a/b/c/d;p?q");
    expect_resolve(b, ".", "http://a/b/c/");
    expect_resolve(b, "./", "http://a/b/c/");
    expect_resolve(b, "..", "http://a/b/");
    expect_resolve(b, "../", "http://a/b/");
    expect_resolve(b, "../g", "http://a/b/g");
    expect_resolve(b, "../..", "http://a/");
    expect_resolve(b, "../../g", "http://a/g");
    /* §5.4.2 abnormal examples */
    expect_resolve(b, "../../../g", "http://a/g");
    expect_resolve(b, "../../../../g", "http://a/g");
    expect_resolve(b, "/./g", "http://a/g");
    expect_resolve(b, "/../g", "http://a/g");
    expect_resolve(b, "g.", "http://a/b/c/g.");
    expect_resolve(b, "..g", "http://a/b/c/..g");
    expect_resolve(b, "./../g", "http://a/b/g");
    expect_resolve(b, "./g/.", "http://a/b/c/g/");
    expect_resolve(b, "g/./h", "http://a/b/c/g/h");
    expect_resolve(b, "g/../h", "http://a/b/c/h");
    expect_resolve(b, "g;x=1/../y", "http://a/b/c/y");
    expect_resolve(b, "g?y/./x", "http://a/b/c/g?y/./x");
    expect_resolve(b, "http:g", "http://a/b/c/g"); /* the non-strict reading browsers use */
}

static void test_resolve_relative_forms(void **state)
{
    (void)state;
    expect_resolve(BASE, "d", "https://portal.example.nz/a/b/d");
    expect_resolve(BASE, "../d", "https://portal.example.nz/a/d");
    expect_resolve(BASE, "?q", "https://portal.example.nz/a/b/c?q");
    expect_resolve(BASE, "?", "https://portal.example.nz/a/b/c?");
    expect_resolve(BASE, "#frag", "https://portal.example.nz/a/b/c?x=1");
    expect_resolve(BASE, "", "https://portal.example.nz/a/b/c?x=1");
    expect_resolve(BASE, "//cdn.example.nz/x", "https://cdn.example.nz/x");
    expect_resolve(BASE, "/a/./b/../c/", "https://portal.example.nz/a/c/");
    expect_resolve(BASE, "/docs/%2e%2e/x", "https://portal.example.nz/x");
    expect_resolve("https://h", "x", "https://h/x");
    expect_resolve("https://h?q", "", "https://h/?q");
}

static void test_resolve_absolute_and_normalised(void **state)
{
    (void)state;
    expect_resolve(BASE, "http://Other.Example:80/x#y", "http://other.example/x");
    expect_resolve(BASE, "HTTPS://H.example:443", "https://h.example/");
    expect_resolve(BASE, "https://h.example:8443/p", "https://h.example:8443/p");
    expect_resolve(BASE, "https://user:pw@h.example/x", "https://h.example/x");
    expect_resolve(BASE, "https://portal.example.nz@evil.example/", "https://evil.example/");
    expect_resolve(BASE, "https://[::1]:8443/x", "https://[::1]:8443/x");
    expect_resolve(BASE, "https://h.example:/x", "https://h.example/x");
    expect_resolve(NULL, "https://h.example/x#f", "https://h.example/x");
    expect_resolve(NULL, "relative/x", NULL);
}

static void test_resolve_browser_leniencies(void **state)
{
    (void)state;
    expect_resolve(BASE, "/x y/z w?a b", "https://portal.example.nz/x%20y/z%20w?a%20b");
    expect_resolve(BASE, "  /x\n\ty  ", "https://portal.example.nz/xy");
    expect_resolve(BASE, "/\xC3\xBC", "https://portal.example.nz/%C3%BC");
    expect_resolve(BASE, "/<q>\"", "https://portal.example.nz/%3Cq%3E%22");
    expect_resolve(BASE, "\\\\evil.example\\x", "https://evil.example/x");
    expect_resolve(BASE, "/\\evil.example/", "https://evil.example/");
    expect_resolve(BASE, "/p?a=\\b", "https://portal.example.nz/p?a=\\b");
    expect_resolve(BASE, "https:x", "https://portal.example.nz/a/b/x");
    expect_resolve(BASE, "http:x", "http://x/");
    expect_resolve(BASE, "https:///h.example/x", "https://h.example/x");
}

static void test_resolve_refuses_non_http(void **state)
{
    (void)state;
    expect_resolve(BASE, "javascript:alert(1)", NULL);
    expect_resolve(BASE, " JavaScript:alert(1)", NULL);
    expect_resolve(BASE, "java\nscript:alert(1)", NULL);
    expect_resolve(BASE, "data:text/html,<script>alert(1)</script>", NULL);
    expect_resolve(BASE, "mailto:help@example.nz", NULL);
    expect_resolve(BASE, "tel:+6491234567", NULL);
    expect_resolve(BASE, "ftp://files.example/x", NULL);
    expect_resolve(BASE, "file:///etc/passwd", NULL);
    expect_resolve("file:///x", "y", NULL);
    expect_resolve("mailto:a@b", "y", NULL);
}

static void test_resolve_rejects_bad_authority(void **state)
{
    (void)state;
    expect_resolve(BASE, "https://h:99999/", NULL);
    expect_resolve(BASE, "https://h:0/", NULL);
    expect_resolve(BASE, "https://h:8x/", NULL);
    expect_resolve(BASE, "https://ex ample/", NULL);
    expect_resolve(BASE, "https://ex%41mple/", NULL);
    expect_resolve(BASE,
                   "https://b\xC3\xBC"
                   "cher.example/",
                   NULL);
    expect_resolve(BASE, "https://[zz]/", NULL);
    expect_resolve(BASE, "https://[::1/", NULL);
    expect_resolve(BASE, "https://", NULL);
    expect_resolve(BASE, "//", NULL);
    char host[300];
    memset(host, 'a', sizeof host);
    memcpy(host, "https://", 8);
    host[sizeof host - 1] = '\0';
    expect_resolve(NULL, host, NULL);
}

static void test_resolve_length_cap(void **state)
{
    (void)state;
    char *big = malloc(URL_MAX + 2);
    assert_non_null(big);
    memset(big, 'a', URL_MAX + 1);
    big[0] = '/';
    big[URL_MAX + 1] = '\0';
    expect_resolve(BASE, big, NULL);
    big[URL_MAX] = '\0';
    char *ok = url_resolve(BASE, big);
    assert_non_null(ok);
    free(ok);
    free(big);
    expect_resolve(BASE, NULL, NULL);
}

static void test_split(void **state)
{
    (void)state;
    struct url_parts p;
    const char *u = "https://Portal.Example.NZ:8443/p/q?x=1#f";
    assert_int_equal(url_split(u, &p), 0);
    assert_string_equal(p.scheme, "https");
    assert_string_equal(p.host, "portal.example.nz");
    assert_int_equal(p.port, 8443);
    assert_true(p.port_explicit);
    assert_int_equal(p.path_len, 4);
    assert_memory_equal(p.path, "/p/q", 4);
    assert_int_equal(p.query_len, 3);
    assert_memory_equal(p.query, "x=1", 3);

    assert_int_equal(url_split("http://h", &p), 0);
    assert_int_equal(p.port, 80);
    assert_false(p.port_explicit);
    assert_int_equal(p.path_len, 0);
    assert_null(p.query);

    assert_int_equal(url_split("ftp://h/", &p), -1);
    assert_int_equal(url_split("/relative", &p), -1);
    assert_int_equal(url_split("https://h:70000/", &p), -1);
    assert_int_equal(url_split(NULL, &p), -1);
}

static void test_same_origin(void **state)
{
    (void)state;
    assert_true(url_same_origin("https://a.example/", "https://A.EXAMPLE:443/x?y"));
    assert_true(url_same_origin("http://a.example", "http://a.example:80/"));
    assert_false(url_same_origin("https://a.example/", "http://a.example/"));
    assert_false(url_same_origin("https://a.example/", "https://a.example:8443/"));
    assert_false(url_same_origin("https://a.example/", "https://b.a.example/"));
    assert_false(url_same_origin("https://a.example/", "javascript:1"));
    assert_false(url_same_origin(NULL, "https://a.example/"));
}

static void expect_with_path(const char *origin, const char *path, const char *want)
{
    char *got = url_with_path(origin, path);
    if (want)
        assert_non_null(got);
    if (!want || strcmp(got, want) != 0)
        fail_msg("url_with_path(%s, %s) = %s, want %s", origin, path, got ? got : "NULL",
                 want ? want : "NULL");
    free(got);
}

static void test_with_path(void **state)
{
    (void)state;
    expect_with_path("https://h.example:8443/x?y#z", "/login?next=/",
                     "https://h.example:8443/login?next=/");
    expect_with_path("https://h.example/deep/page", "robots.txt", "https://h.example/robots.txt");
    expect_with_path("http://H.example:80/", "/.git/HEAD", "http://h.example/.git/HEAD");
    expect_with_path("https://h.example/", "/a b#frag", "https://h.example/a%20b");
    char *got = url_with_path("mailto:x@y", "/p");
    assert_null(got);
    got = url_with_path("https://h.example/", NULL);
    assert_null(got);
}

static void test_numeric_ids(void **state)
{
    (void)state;
    const char *u = "https://h.example/patients/000123/documents/98765.pdf/v2/2.0/"
                    "1234567890123456789?doc=42&v=abc&page=7;x=1&empty=&neg=-1#9";
    struct url_id ids[8];
    int n = url_numeric_ids(u, ids, 8);
    assert_int_equal(n, 5);
    assert_int_equal(ids[0].where, URL_ID_PATH);
    assert_int_equal(ids[0].value, 123);
    assert_int_equal(ids[0].index, 1);
    assert_int_equal(ids[0].len, 6);
    assert_memory_equal(u + ids[0].off, "000123", 6);
    assert_string_equal(ids[0].name, "");
    assert_int_equal(ids[1].value, 98765);
    assert_int_equal(ids[1].index, 3);
    assert_int_equal(ids[2].where, URL_ID_QUERY);
    assert_string_equal(ids[2].name, "doc");
    assert_int_equal(ids[2].value, 42);
    assert_int_equal(ids[2].index, 0);
    assert_string_equal(ids[3].name, "page");
    assert_int_equal(ids[3].index, 2);
    assert_string_equal(ids[4].name, "x");
    assert_int_equal(ids[4].value, 1);

    assert_int_equal(url_numeric_ids(u, ids, 2), 2);
    assert_int_equal(url_numeric_ids(u, ids, 0), 0);
    assert_int_equal(url_numeric_ids("https://h.example/", ids, 8), 0);
    assert_int_equal(url_numeric_ids("https://h.example/999999999999999999", ids, 8), 1);
    assert_int_equal(ids[0].value, 999999999999999999ULL);
    assert_int_equal(url_numeric_ids("not a url", ids, 8), -1);
}

static void test_replace_id(void **state)
{
    (void)state;
    const char *u = "https://h.example/patients/000123/documents/98765.pdf?doc=42";
    struct url_id ids[4];
    assert_int_equal(url_numeric_ids(u, ids, 4), 3);
    char *r = url_replace_id(u, &ids[0], 124);
    assert_string_equal(r, "https://h.example/patients/000124/documents/98765.pdf?doc=42");
    free(r);
    r = url_replace_id(u, &ids[0], 12345678);
    assert_string_equal(r, "https://h.example/patients/12345678/documents/98765.pdf?doc=42");
    free(r);
    r = url_replace_id(u, &ids[1], 98764);
    assert_string_equal(r, "https://h.example/patients/000123/documents/98764.pdf?doc=42");
    free(r);
    r = url_replace_id(u, &ids[2], 43);
    assert_string_equal(r, "https://h.example/patients/000123/documents/98765.pdf?doc=43");
    free(r);

    struct url_id bad = ids[2];
    bad.off = strlen(u) - 1;
    assert_null(url_replace_id(u, &bad, 1)); /* runs past the end */
    bad.off = 0;
    bad.len = 2;
    assert_null(url_replace_id(u, &bad, 1)); /* not digits there */
    bad.off = strlen(u) + 5;
    assert_null(url_replace_id(u, &bad, 1));
    assert_null(url_replace_id(NULL, &ids[0], 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_rfc3986_examples),
        cmocka_unit_test(test_resolve_relative_forms),
        cmocka_unit_test(test_resolve_absolute_and_normalised),
        cmocka_unit_test(test_resolve_browser_leniencies),
        cmocka_unit_test(test_resolve_refuses_non_http),
        cmocka_unit_test(test_resolve_rejects_bad_authority),
        cmocka_unit_test(test_resolve_length_cap),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_same_origin),
        cmocka_unit_test(test_with_path),
        cmocka_unit_test(test_numeric_ids),
        cmocka_unit_test(test_replace_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
