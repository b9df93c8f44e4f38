/*
 * test_diff.c — comparing two reports: each kind of status change in its category (new
 * failure, fixed, still failing, other), worst first; regression detection (a new failure, a
 * target that became unreachable; never a target merely added); targets added and removed; a
 * profile change; observation changes — protocols and suites added or removed, a certificate
 * renewed or replaced, header values, any other value by readable path — without the fields
 * that change on every scan; the cap on changes; and a text summary that never passes a
 * report's control characters to the terminal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diff.h"

#define SHA_A "89e21a8b4e9dcabd3e98f02ea06f3ecec735c0d1792d84f3d62389f9550f807b"
#define SHA_B "0000000000000000000000000000000000000000000000000000000000000001"

static json_t *res(const char *control, const char *severity, const char *status)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "control", control, "check", "demo.check",
                     "title", "Title", "severity", severity, "status", status);
}

/* A target; results and obs are stolen (obs NULL: an empty object). */
static json_t *tgt(const char *url, const char *verdict, json_t *results, json_t *obs)
{
    return json_pack("{s:s, s:s, s:o, s:o}", "url", url, "verdict", verdict, "results", results,
                     "observations", obs ? obs : json_object());
}

static json_t *rep(const char *sha, json_t *targets)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:o}", "schema",
                     "https://cocscan.nz/schema/report/v1", "started_at", "2026-11-01T00:00:00Z",
                     "profile", "id", "p", "version", "1", "sha256", sha, "targets", targets);
}

/* The diff of old and new, both released. */
static json_t *diff(json_t *old, json_t *new)
{
    json_t *d = diff_reports(old, "old.json", new, "new.json");
    assert_non_null(d);
    json_decref(old);
    json_decref(new);
    return d;
}

static const json_t *target0(const json_t *d)
{
    return json_array_get(json_object_get(d, "targets"), 0);
}

/* "C1:pass>fail C2:..." for one category of the first target. */
static char *ids(const json_t *d, const char *cat)
{
    static char buf[512];
    size_t i, n = 0;
    const json_t *c;
    buf[0] = '\0';
    json_array_foreach(json_object_get(target0(d), cat), i, c) {
        const char *o = json_string_value(json_object_get(c, "old"));
        const char *w = json_string_value(json_object_get(c, "new"));
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s:%s>%s", i ? " " : "",
                              json_string_value(json_object_get(c, "control")), o ? o : "-",
                              w ? w : "-");
    }
    return buf;
}

static void test_categories(void **state)
{
    (void)state;
    json_t *old = rep(SHA_A, json_pack("[o]", tgt("https://a.example.nz/", "non-compliant",
        json_pack("[o, o, o, o, o, o, o, o, o, o]",
                  res("NEW1", "low", "pass"), res("NEW2", "critical", "skipped"),
                  res("FIX1", "high", "fail"), res("STILL1", "medium", "fail"),
                  res("STILL2", "high", "warn"), res("OTHER1", "low", "pass"),
                  res("OTHER2", "medium", "fail"), res("GONE", "high", "fail"),
                  res("SAME", "high", "pass"), res("ODD", "low", "pass")), NULL)));
    json_t *new = rep(SHA_A, json_pack("[o]", tgt("https://a.example.nz/", "non-compliant",
        json_pack("[o, o, o, o, o, o, o, o, o, o, o]",
                  res("NEW1", "low", "fail"), res("NEW2", "critical", "warn"),
                  res("FIX1", "high", "pass"), res("STILL1", "medium", "fail"),
                  res("STILL2", "high", "fail"), res("OTHER1", "low", "skipped"),
                  res("OTHER2", "medium", "waived"), res("SAME", "high", "pass"),
                  res("ADDED", "high", "error"), res("ADDOK", "low", "pass"),
                  res("ODD", "low", "sideways")), NULL)));
    json_t *d = diff(old, new);
    /* worst first within a category: critical, high, …, then report order */
    assert_string_equal(ids(d, "new_failures"),
                        "NEW2:skipped>warn ADDED:->error NEW1:pass>fail ODD:pass>sideways");
    assert_string_equal(ids(d, "fixed"), "FIX1:fail>pass");
    assert_string_equal(ids(d, "still_failing"), "STILL2:warn>fail STILL1:fail>fail");
    assert_string_equal(ids(d, "other_changes"),
                        "GONE:fail>- OTHER2:fail>waived OTHER1:pass>skipped ADDOK:->pass");
    assert_true(diff_regressed(d));
    const json_t *s = json_object_get(d, "summary");
    assert_int_equal(json_integer_value(json_object_get(s, "new_failures")), 4);
    assert_int_equal(json_integer_value(json_object_get(s, "fixed")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "still_failing")), 2);
    assert_int_equal(json_integer_value(json_object_get(s, "other_changes")), 4);
    assert_false(json_is_true(json_object_get(d, "profile_changed")));
    json_decref(d);
}

static void test_regression(void **state)
{
    (void)state;
    /* only fixes: no regression */
    json_t *d = diff(rep(SHA_A, json_pack("[o]", tgt("https://a.example.nz/", "non-compliant",
                                                     json_pack("[o]", res("C", "high", "fail")),
                                                     NULL))),
                     rep(SHA_A, json_pack("[o]", tgt("https://a.example.nz/", "compliant",
                                                     json_pack("[o]", res("C", "high", "pass")),
                                                     NULL))));
    assert_false(diff_regressed(d));
    json_decref(d);

    /* a target that became unreachable: a regression, its controls not listed */
    json_t *lost = tgt("https://a.example.nz/", "unreachable",
                       json_pack("[o]", res("C", "high", "error")), NULL);
    json_object_set_new(lost, "error", json_string("connect: refused"));
    d = diff(rep(SHA_A, json_pack("[o]", tgt("https://a.example.nz/", "compliant",
                                             json_pack("[o]", res("C", "high", "pass")), NULL))),
             rep(SHA_A, json_pack("[o]", lost)));
    assert_true(diff_regressed(d));
    assert_true(json_is_true(json_object_get(target0(d), "became_unreachable")));
    assert_string_equal(json_string_value(json_object_get(target0(d), "error")),
                        "connect: refused");
    assert_int_equal(json_array_size(json_object_get(target0(d), "new_failures")), 0);
    json_decref(d);

    /* back from unreachable: its failures are still failing, not new */
    lost = tgt("https://a.example.nz/", "unreachable", json_pack("[o]", res("C", "high",
                                                                            "error")), NULL);
    json_object_set_new(lost, "error", json_string("timed out"));
    d = diff(rep(SHA_A, json_pack("[o]", lost)),
             rep(SHA_A, json_pack("[o]", tgt("https://a.example.nz/", "non-compliant",
                                             json_pack("[o]", res("C", "high", "fail")),
                                             NULL))));
    assert_false(diff_regressed(d));
    assert_string_equal(ids(d, "still_failing"), "C:error>fail");
    json_decref(d);

    /* a failing target added, one removed, a profile change: none is a regression */
    d = diff(rep(SHA_A, json_pack("[o]", tgt("https://old.example.nz/", "compliant", json_array(),
                                             NULL))),
             rep(SHA_B, json_pack("[o]", tgt("https://new.example.nz/", "non-compliant",
                                             json_pack("[o]", res("C", "high", "fail")),
                                             NULL))));
    assert_false(diff_regressed(d));
    assert_true(json_is_true(json_object_get(d, "profile_changed")));
    assert_int_equal(json_array_size(json_object_get(d, "targets")), 0);
    const json_t *added = json_array_get(json_object_get(d, "targets_added"), 0);
    assert_string_equal(json_string_value(json_object_get(added, "url")),
                        "https://new.example.nz/");
    assert_int_equal(json_integer_value(json_object_get(added, "failed")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(d, "targets_removed"), 0), "url")),
                        "https://old.example.nz/");
    json_decref(d);
}

/* Observations of one target; the leaf certificate's facts as given. */
static json_t *obs(const char *protos, const char *xfo, const char *cert_sha,
                   const char *not_after, const char *subject, int httponly)
{
    json_t *o = json_pack(
        "{s:{s:o, s:[{s:s, s:s}, {s:s, s:s}], s:i, s:{s:[s, s]}},"
        " s:{s:{s:s, s:s, s:s, s:s, s:s, s:i}, s:{s:s}},"
        " s:{s:{s:[s], s:[s], s:[s]}, s:[{s:s, s:b}]}}",
        "tls", "protocols", json_loads(protos, 0, NULL), "ciphers", "protocol", "TLSv1.2",
        "name", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "protocol", "TLSv1.2", "name",
        strcmp(protos, "[\"TLSv1.2\"]") ? "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
                                        : "TLS_RSA_WITH_AES_128_CBC_SHA",
        "probes", (int)strlen(xfo), "cipher_order", "TLSv1.2", "0xC02F", "0xC030",
        "cert", "leaf", "sha256", cert_sha, "not_after", not_after, "subject", subject,
        "issuer", "CN=Test CA", "serial", "01", "days_remaining", (int)strlen(xfo),
        "verify", "trust_store", xfo,
        "http", "headers", "x-frame-options", xfo, "date", xfo, "strict-transport-security",
        "max-age=31536000", "cookies", "name", "sessionid", "httponly", httponly);
    assert_non_null(o);
    return o;
}

static const json_t *find(const json_t *changes, const char *path)
{
    size_t i;
    const json_t *c;
    json_array_foreach(changes, i, c)
        if (strcmp(json_string_value(json_object_get(c, "path")), path) == 0)
            return c;
    return NULL;
}

static const char *summary_of(const json_t *changes, const char *path)
{
    const json_t *c = find(changes, path);
    if (!c)
        fprintf(stderr, "no change at %s\n", path);
    assert_non_null(c);
    return json_string_value(json_object_get(c, "summary"));
}

static json_t *obs_diff(json_t *a, json_t *b)
{
    return diff(rep(SHA_A, json_pack("[o]", tgt("https://a.example.nz/", "compliant",
                                                json_array(), a))),
                rep(SHA_A, json_pack("[o]", tgt("https://a.example.nz/", "compliant",
                                                json_array(), b))));
}

static void test_observations(void **state)
{
    (void)state;
    json_t *d = obs_diff(obs("[\"TLSv1.2\", \"TLSv1.3\"]", "DENY", "aa11", "2026-12-01T00:00:00Z",
                             "CN=portal", 1),
                         obs("[\"TLSv1.2\"]", "ALLOWALL", "bb22", "2027-12-01T00:00:00Z",
                             "CN=portal", 0));
    const json_t *ch = json_object_get(target0(d), "observations");
    assert_string_equal(summary_of(ch, "tls.protocols"),
                        "TLS protocols accepted: removed TLSv1.3");
    assert_string_equal(json_string_value(json_object_get(find(ch, "tls.protocols"), "kind")),
                        "tls_protocols");
    assert_string_equal(summary_of(ch, "tls.ciphers"),
                        "TLS cipher suites accepted: added TLSv1.2 TLS_RSA_WITH_AES_128_CBC_SHA;"
                        " removed TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    const char *cert = summary_of(ch, "cert.leaf");
    assert_non_null(strstr(cert, "certificate renewed; not_after \"2026-12-01T00:00:00Z\" "
                                 "\xE2\x86\x92 \"2027-12-01T00:00:00Z\""));
    assert_non_null(strstr(cert, "fingerprint (SHA-256) \"aa11\" \xE2\x86\x92 \"bb22\""));
    assert_null(strstr(cert, "serial")); /* unchanged, so not mentioned */
    assert_string_equal(summary_of(ch, "http.headers.x-frame-options"),
                        "header x-frame-options: \"DENY\" \xE2\x86\x92 \"ALLOWALL\"");
    assert_string_equal(summary_of(ch, "http.cookies[0].httponly"),
                        "http.cookies[0].httponly: true \xE2\x86\x92 false");
    /* the specific changes come first, in a fixed order */
    assert_string_equal(json_string_value(json_object_get(json_array_get(ch, 0), "kind")),
                        "tls_protocols");
    assert_string_equal(json_string_value(json_object_get(json_array_get(ch, 2), "kind")),
                        "certificate");
    /* what changes on every scan, and the fields of the renewed certificate, are left out */
    const char *never[] = { "http.headers.date", "tls.probes", "cert.leaf.days_remaining",
                            "cert.verify.trust_store", "cert.leaf.sha256",
                            "cert.leaf.not_after", NULL };
    for (const char **p = never; *p; p++)
        assert_null(find(ch, *p));
    assert_int_equal(json_array_size(ch), 5);
    assert_false(diff_regressed(d)); /* observations alone are not a regression */
    json_decref(d);

    /* a different subject: replaced, not renewed */
    d = obs_diff(obs("[\"TLSv1.2\"]", "DENY", "aa11", "2026-12-01T00:00:00Z", "CN=portal", 1),
                 obs("[\"TLSv1.2\"]", "DENY", "cc33", "2026-12-01T00:00:00Z", "CN=other", 1));
    ch = json_object_get(target0(d), "observations");
    assert_int_equal(json_array_size(ch), 1);
    assert_non_null(strstr(summary_of(ch, "cert.leaf"),
                           "certificate replaced; subject \"CN=portal\" \xE2\x86\x92 "
                           "\"CN=other\""));
    json_decref(d);

    /* the same observations: nothing at all */
    d = obs_diff(obs("[\"TLSv1.2\"]", "DENY", "aa11", "2026-12-01T00:00:00Z", "CN=portal", 1),
                 obs("[\"TLSv1.2\"]", "DENY", "aa11", "2026-12-01T00:00:00Z", "CN=portal", 1));
    assert_int_equal(json_array_size(json_object_get(target0(d), "observations")), 0);
    json_decref(d);
}

static void test_generic_paths(void **state)
{
    (void)state;
    json_t *a = json_pack("{s:{s:{s:[s, s, s]}, s:s, s:[i, i]}, s:{s:s}, s:{s:[s]}}", "tls",
                          "cipher_order", "TLSv1.2", "0xC02F", "0xC030", "0x009C", "odd key",
                          "x", "list", 1, 2, "mfa", "gone", "soon", "documents", "pages", "/a");
    json_t *b = json_pack("{s:{s:{s:[s, s, s]}, s:s, s:[i, i, i]}, s:{s:s}, s:{s:[s, s]}}",
                          "tls", "cipher_order", "TLSv1.2", "0x009C", "0xC02F", "0xC030",
                          "odd key", "y", "list", 1, 2, 2, "mfa", "new", "here", "documents",
                          "pages", "/a", "/b");
    json_t *d = obs_diff(a, b);
    const json_t *ch = json_object_get(target0(d), "observations");
    const json_t *c = find(ch, "tls.cipher_order[\"TLSv1.2\"]");
    assert_non_null(c);
    assert_string_equal(json_string_value(json_object_get(c, "change")), "reordered");
    assert_string_equal(summary_of(ch, "tls[\"odd key\"]"),
                        "tls[\"odd key\"]: \"x\" \xE2\x86\x92 \"y\"");
    assert_string_equal(summary_of(ch, "mfa.gone"), "mfa.gone: removed (was \"soon\")");
    assert_string_equal(summary_of(ch, "mfa.new"), "mfa.new: added \"here\"");
    assert_string_equal(summary_of(ch, "documents.pages"), "documents.pages: added \"/b\"");
    assert_non_null(find(ch, "tls.list"));
    json_decref(d);

    /* many changes: at most 200 listed, the rest counted */
    a = json_object();
    b = json_object();
    for (int i = 0; i < 250; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        json_object_set_new(a, key, json_integer(i));
        json_object_set_new(b, key, json_integer(i + 1));
    }
    d = obs_diff(json_pack("{s:o}", "http", a), json_pack("{s:o}", "http", b));
    assert_int_equal(json_array_size(json_object_get(target0(d), "observations")), 200);
    assert_int_equal(json_integer_value(json_object_get(target0(d), "observations_truncated")),
                     50);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "summary"),
                                                        "observation_changes")),
                     250);
    json_decref(d);
}

static char *text_of(const json_t *d, int color)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    diff_write_text(d, f, color);
    fclose(f);
    return buf;
}

static void test_text(void **state)
{
    (void)state;
    json_t *r = res("C\033[2J1", "high", "fail");
    json_object_set_new(r, "title", json_string("Title \033]0;pwned\007 \xC2\x9B" "31m"));
    json_object_set_new(r, "evidence", json_string("line one\nline two"));
    json_t *d = diff(rep(SHA_A, json_pack("[o]", tgt("https://a.example.nz/", "compliant",
                                                     json_pack("[o]", res("C\033[2J1", "high",
                                                                          "pass")), NULL))),
                     rep(SHA_B, json_pack("[o]", tgt("https://a.example.nz/", "non-compliant",
                                                     json_pack("[o]", r), NULL))));
    char *t = text_of(d, 0);
    assert_non_null(strstr(t, "https://a.example.nz/: compliant \xE2\x86\x92 non-compliant"));
    assert_non_null(strstr(t, "New failures (1):"));
    assert_non_null(strstr(t, "+ C [2J1 [high] Title  ]0;pwned   31m: pass \xE2\x86\x92 fail"));
    assert_non_null(strstr(t, "line one line two"));
    assert_non_null(strstr(t, "Profile changed: p 1 (sha256 89e21a8b4e9d"));
    assert_non_null(strstr(t, "Regressed"));
    assert_null(strchr(t, '\033'));
    assert_null(strchr(t, '\007'));
    assert_null(strstr(t, "\xC2\x9B"));
    free(t);
    t = text_of(d, 1);
    assert_non_null(strstr(t, "\033[31m\033[1m+ C [2J1\033[0m")); /* colour only when asked */
    free(t);
    json_decref(d);

    /* nothing changed */
    d = diff(rep(SHA_A, json_pack("[o]", tgt("https://a.example.nz/", "compliant", json_array(),
                                             NULL))),
             rep(SHA_A, json_pack("[o]", tgt("https://a.example.nz/", "compliant", json_array(),
                                             NULL))));
    t = text_of(d, 0);
    assert_non_null(strstr(t, "= https://a.example.nz/: compliant, no change"));
    assert_non_null(strstr(t, "No regression."));
    assert_null(strstr(t, "Profile changed"));
    free(t);
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_categories),    cmocka_unit_test(test_regression),
        cmocka_unit_test(test_observations),  cmocka_unit_test(test_generic_paths),
        cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
