/*
 * test_sarif.c — the SARIF rendering of a canonical report: only fail, warn and error become
 * results (waived ones suppressed), levels, one rule per control with GitHub's
 * security-severity and the refs as tags, a physical location with startLine >= 1 on every
 * result, fingerprints stable across runs and distinct across targets, server text passed
 * through intact, and file paths turned into URI references.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "profile.h"
#include "report.h"
#include "sarif.h"
#include "target.h"
#include "util.h"

#define URL_A "https://a.example.nz/portal"
#define URL_B "https://b.example.nz/"
#define XSS "<script>alert(\"x\")</script>"

/* One hand-made result; evidence is stolen (may be NULL for null). */
static json_t *res(const char *control, const char *check, const char *severity, const char *status,
                   json_t *evidence)
{
    return json_pack("{s:s, s:s?, s:s, s:s, s:s, s:n, s:n, s:o, s:{s:[s, s], s:s}, s:s, s:n}",
                     "control", control, "check", check, "title", "Title of the control",
                     "severity", severity, "status", status, "expected", "observed", "evidence",
                     evidence ? evidence : json_null(), "refs", "nzism", "16.7.42.C.01",
                     "16.7.43.C.02", "asvs", "12.1.1", "remediation", "Fix it.", "waiver");
}

/* A two-target report: A is defined at targets.yaml:7, B came from the command line. */
static json_t *sample_report(void)
{
    json_t *waived = res("CTL-WAIVE", "tls.ciphers", "critical", "waived", json_string("3DES"));
    json_object_set_new(waived, "waiver",
                        json_pack("{s:s, s:s}", "reason", "vendor fix due 2027", "status", "fail"));
    json_t *a = json_pack(
        "{s:s, s:s, s:{s:s, s:i}, s:[o, o, o, o, o, o]}", "url", URL_A, "name", "Portal A",
        "source", "file", "targets.yaml", "line", 7, "results",
        res("CTL-PASS", "tls.protocols", "high", "pass", json_string("fine")),
        res("CTL-FAIL", "tls.protocols", "high", "fail", json_string("TLSv1.0 accepted")),
        res("CTL-WARN", "headers.hsts", "medium", "warn", json_string("max-age is short")),
        res("CTL-ERR", "cert.chain", "low", "error", json_string("handshake failed")),
        res("CTL-SKIP", "login.lockout", "info", "skipped", json_string("not selected")), waived);
    json_t *b = json_pack("{s:s, s:[o, o]}", "url", URL_B, "results",
                          res("CTL-FAIL", "tls.protocols", "high", "fail",
                              json_pack("[s, s, i]", XSS, "line1\nline2 \"quoted\"", 42)),
                          res("CTL-WARN", "headers.hsts", "medium", "warn", NULL));
    return json_pack("{s:{s:s, s:s}, s:{s:s, s:s}, s:[o, o]}", "tool", "name", "cocscan", "version",
                     "0.1.0", "profile", "id", "nz-health-portal", "source",
                     "builtin:nz-health-portal", "targets", a, b);
}

static const json_t *run0(const json_t *log)
{
    return json_array_get(json_object_get(log, "runs"), 0);
}

static const char *sv(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static const char *target_of(const json_t *result)
{
    return sv(json_object_get(result, "properties"), "target");
}

/* The result for control on url, or NULL. */
static const json_t *find(const json_t *log, const char *control, const char *url)
{
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(run0(log), "results"), i, r) {
        if (strcmp(sv(r, "ruleId"), control) == 0 && strcmp(target_of(r), url) == 0)
            return r;
    }
    return NULL;
}

static const json_t *physical(const json_t *r)
{
    return json_object_get(json_array_get(json_object_get(r, "locations"), 0), "physicalLocation");
}

static const char *uri_of(const json_t *r)
{
    return sv(json_object_get(physical(r), "artifactLocation"), "uri");
}

static json_int_t line_of(const json_t *r)
{
    return json_integer_value(json_object_get(json_object_get(physical(r), "region"), "startLine"));
}

static const char *fingerprint(const json_t *r)
{
    return sv(json_object_get(r, "partialFingerprints"), SARIF_FINGERPRINT);
}

static const json_t *rule(const json_t *log, const char *id)
{
    size_t i;
    const json_t *r;
    json_array_foreach(
        json_object_get(json_object_get(json_object_get(run0(log), "tool"), "driver"), "rules"), i,
        r) {
        if (strcmp(sv(r, "id"), id) == 0)
            return r;
    }
    return NULL;
}

static void test_header_and_driver(void **state)
{
    (void)state;
    json_t *rep = sample_report();
    json_t *log = report_to_sarif(rep);
    assert_non_null(log);
    assert_string_equal(sv(log, "$schema"), SARIF_SCHEMA);
    assert_string_equal(sv(log, "version"), "2.1.0");
    assert_int_equal(json_array_size(json_object_get(log, "runs")), 1);
    const json_t *driver = json_object_get(json_object_get(run0(log), "tool"), "driver");
    assert_string_equal(sv(driver, "name"), "cocscan");
    assert_string_equal(sv(driver, "version"), "0.1.0");
    assert_non_null(sv(driver, "informationUri"));
    json_decref(log);
    json_decref(rep);
}

static void test_results_and_levels(void **state)
{
    (void)state;
    json_t *rep = sample_report();
    json_t *log = report_to_sarif(rep);
    assert_non_null(log);
    /* A: fail, warn, error, waived; B: fail, warn. Pass and skipped are not findings. */
    assert_int_equal(json_array_size(json_object_get(run0(log), "results")), 6);
    assert_null(find(log, "CTL-PASS", URL_A));
    assert_null(find(log, "CTL-SKIP", URL_A));
    assert_string_equal(sv(find(log, "CTL-FAIL", URL_A), "level"), "error");
    assert_string_equal(sv(find(log, "CTL-WARN", URL_A), "level"), "warning");
    assert_string_equal(sv(find(log, "CTL-ERR", URL_A), "level"), "note");
    assert_string_equal(sv(find(log, "CTL-FAIL", URL_B), "level"), "error");
    assert_null(json_object_get(find(log, "CTL-FAIL", URL_A), "suppressions"));

    /* A waived failure stays visible as a dismissed error. */
    const json_t *w = find(log, "CTL-WAIVE", URL_A);
    assert_non_null(w);
    assert_string_equal(sv(w, "level"), "error");
    const json_t *sup = json_array_get(json_object_get(w, "suppressions"), 0);
    assert_string_equal(sv(sup, "kind"), "external");
    assert_string_equal(sv(sup, "justification"), "vendor fix due 2027");

    /* ruleIndex points at the rule named by ruleId. */
    const json_t *rules =
        json_object_get(json_object_get(json_object_get(run0(log), "tool"), "driver"), "rules");
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(run0(log), "results"), i, r) {
        size_t idx = (size_t)json_integer_value(json_object_get(r, "ruleIndex"));
        assert_true(idx < json_array_size(rules));
        assert_string_equal(sv(json_array_get(rules, idx), "id"), sv(r, "ruleId"));
    }
    json_decref(log);
    json_decref(rep);
}

static void test_locations(void **state)
{
    (void)state;
    json_t *rep = sample_report();
    json_t *log = report_to_sarif(rep);
    assert_non_null(log);
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(run0(log), "results"), i, r) {
        assert_non_null(uri_of(r));
        assert_true(strlen(uri_of(r)) > 0);
        assert_true(line_of(r) >= 1);
        const json_t *logical = json_array_get(
            json_object_get(json_array_get(json_object_get(r, "locations"), 0), "logicalLocations"),
            0);
        assert_string_equal(sv(logical, "fullyQualifiedName"), target_of(r));
    }
    /* A: its line of the targets file; B: the built-in profile's file. */
    assert_string_equal(uri_of(find(log, "CTL-FAIL", URL_A)), "targets.yaml");
    assert_int_equal(line_of(find(log, "CTL-FAIL", URL_A)), 7);
    assert_string_equal(uri_of(find(log, "CTL-FAIL", URL_B)), "profiles/nz-health-portal.yaml");
    assert_int_equal(line_of(find(log, "CTL-FAIL", URL_B)), 1);
    json_decref(log);

    /* Paths become URI references; a profile file is used when the target has no source. */
    json_t *tg = json_array_get(json_object_get(rep, "targets"), 0);
    json_object_set_new(tg, "source", json_pack("{s:s, s:i}", "file", "./my t#1.yaml", "line", 0));
    json_object_set_new(json_object_get(rep, "profile"), "source", json_string("/srv/p ü.yaml"));
    log = report_to_sarif(rep);
    assert_non_null(log);
    assert_string_equal(uri_of(find(log, "CTL-FAIL", URL_A)), "my%20t%231.yaml");
    assert_int_equal(line_of(find(log, "CTL-FAIL", URL_A)), 1);
    assert_string_equal(uri_of(find(log, "CTL-FAIL", URL_B)), "file:///srv/p%20%C3%BC.yaml");
    json_decref(log);
    json_decref(rep);
}

static void test_fingerprints(void **state)
{
    (void)state;
    json_t *rep = sample_report();
    json_t *one = report_to_sarif(rep), *two = report_to_sarif(rep);
    assert_non_null(one);
    assert_non_null(two);
    assert_true(json_equal(one, two));
    const char *fa = fingerprint(find(one, "CTL-FAIL", URL_A));
    const char *fb = fingerprint(find(one, "CTL-FAIL", URL_B));
    assert_string_equal(fa, fingerprint(find(two, "CTL-FAIL", URL_A)));
    assert_string_not_equal(fa, fb);
    assert_string_not_equal(fa, fingerprint(find(one, "CTL-WARN", URL_A)));
    /* The documented recipe: sha256 of control "\n" url "\n" check. */
    static const char recipe[] = "CTL-FAIL\n" URL_A "\ntls.protocols";
    char hex[65];
    sha256_hex(recipe, sizeof recipe - 1, hex);
    assert_string_equal(fa, hex);
    json_decref(one);
    json_decref(two);
    json_decref(rep);
}

static void test_rules(void **state)
{
    (void)state;
    json_t *rep = sample_report();
    json_t *log = report_to_sarif(rep);
    assert_non_null(log);
    /* Every control that appears, findings or not, once. */
    const json_t *rules =
        json_object_get(json_object_get(json_object_get(run0(log), "tool"), "driver"), "rules");
    assert_int_equal(json_array_size(rules), 6);
    static const struct {
        const char *id, *score;
    } want[] = { { "CTL-PASS", "8.0" }, { "CTL-FAIL", "8.0" }, { "CTL-WARN", "5.5" },
                 { "CTL-ERR", "3.0" },  { "CTL-SKIP", "1.0" }, { "CTL-WAIVE", "9.5" } };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const json_t *ru = rule(log, want[i].id);
        assert_non_null(ru);
        const json_t *props = json_object_get(ru, "properties");
        assert_true(json_is_string(json_object_get(props, "security-severity")));
        assert_string_equal(sv(props, "security-severity"), want[i].score);
        assert_string_equal(sv(json_object_get(ru, "shortDescription"), "text"),
                            "Title of the control");
        assert_string_equal(sv(json_object_get(ru, "help"), "text"), "Fix it.");
        const json_t *tags = json_object_get(props, "tags");
        assert_true(json_list_has(tags, "security"));
        assert_true(json_list_has(tags, "nzism:16.7.42.C.01"));
        assert_true(json_list_has(tags, "nzism:16.7.43.C.02"));
        assert_true(json_list_has(tags, "asvs:12.1.1"));
    }
    json_decref(log);
    json_decref(rep);
}

static void test_server_text_passes_through(void **state)
{
    (void)state;
    json_t *rep = sample_report();
    json_t *log = report_to_sarif(rep);
    assert_non_null(log);
    const json_t *msg = json_object_get(find(log, "CTL-FAIL", URL_B), "message");
    assert_string_equal(sv(msg, "text"), URL_B ": " XSS "; line1\nline2 \"quoted\"; 42");
    /* No evidence: the title stands in. */
    msg = json_object_get(find(log, "CTL-WARN", URL_B), "message");
    assert_string_equal(sv(msg, "text"), URL_B ": Title of the control");

    /* The written document parses back to the same log. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    struct coc_error e = { { 0 } };
    assert_int_equal(report_write_sarif(rep, f, &e), 0);
    fclose(f);
    assert_true(len > 0 && buf[len - 1] == '\n');
    json_error_t jerr;
    json_t *back = json_loadb(buf, len, 0, &jerr);
    assert_non_null(back);
    assert_true(json_equal(back, log));
    free(buf);
    json_decref(back);
    json_decref(log);
    json_decref(rep);
}

static void test_long_evidence_is_cut_on_a_character(void **state)
{
    (void)state;
    char *big = malloc(20001);
    assert_non_null(big);
    for (size_t i = 0; i < 20000; i += 2)
        memcpy(big + i, "\xC3\xA9", 2); /* é */
    big[20000] = '\0';
    json_t *rep = sample_report();
    json_t *tg = json_array_get(json_object_get(rep, "targets"), 1);
    json_object_set_new(json_array_get(json_object_get(tg, "results"), 0), "evidence",
                        json_string(big));
    free(big);
    json_t *log = report_to_sarif(rep);
    assert_non_null(log);
    const json_t *text =
        json_object_get(json_object_get(find(log, "CTL-FAIL", URL_B), "message"), "text");
    size_t n = json_string_length(text);
    assert_true(n <= 8192 + 3);
    assert_memory_equal(json_string_value(text) + n - 3, "\xE2\x80\xA6", 3);
    json_decref(log);
    json_decref(rep);
}

static void test_malformed_report(void **state)
{
    (void)state;
    json_t *rep = json_pack("{s:s}", "schema", "x");
    assert_null(report_to_sarif(rep));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    struct coc_error e = { { 0 } };
    assert_int_equal(report_write_sarif(rep, f, &e), -1);
    assert_true(strlen(e.msg) > 0);
    fclose(f);
    assert_int_equal(len, 0);
    free(buf);
    json_decref(rep);
}

/* report_add_target records where the targets file defines the target, and SARIF points there. */
static void test_report_carries_target_source(void **state)
{
    (void)state;
    struct profile p = { 0 };
    struct diag d = DIAG_INIT;
    struct target t;
    struct coc_error e;
    assert_int_equal(profile_load(PROFILE_DEFAULT, &p, &d), 0);
    diag_release(&d);
    json_t *rep = report_new(&p, SEV_LOW);
    assert_int_equal(target_parse(URL_B, &t, &e), 0);
    t.source_file = strdup("conf/targets.yaml");
    assert_non_null(t.source_file);
    t.source_line = 12;
    report_add_target(rep, &t, json_object(),
                      json_pack("[o]", res("CTL-FAIL", "tls.protocols", "high", "fail", NULL)),
                      NULL);
    target_release(&t);
    assert_int_equal(target_parse(URL_A, &t, &e), 0); /* from argv: no source */
    report_add_target(rep, &t, json_object(),
                      json_pack("[o]", res("CTL-FAIL", "tls.protocols", "high", "fail", NULL)),
                      NULL);
    target_release(&t);
    report_finish(rep);

    const json_t *src =
        json_object_get(json_array_get(json_object_get(rep, "targets"), 0), "source");
    assert_string_equal(sv(src, "file"), "conf/targets.yaml");
    assert_int_equal(json_integer_value(json_object_get(src, "line")), 12);
    assert_null(json_object_get(json_array_get(json_object_get(rep, "targets"), 1), "source"));
    json_t *log = report_to_sarif(rep);
    assert_non_null(log);
    assert_string_equal(uri_of(find(log, "CTL-FAIL", URL_B)), "conf/targets.yaml");
    assert_int_equal(line_of(find(log, "CTL-FAIL", URL_B)), 12);
    assert_string_equal(uri_of(find(log, "CTL-FAIL", URL_A)), "profiles/" PROFILE_DEFAULT ".yaml");
    json_decref(log);
    json_decref(rep);
    profile_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_and_driver),
        cmocka_unit_test(test_results_and_levels),
        cmocka_unit_test(test_locations),
        cmocka_unit_test(test_fingerprints),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_server_text_passes_through),
        cmocka_unit_test(test_long_evidence_is_cut_on_a_character),
        cmocka_unit_test(test_malformed_report),
        cmocka_unit_test(test_report_carries_target_source),
    };
    return cmocka_run_group_tests_name("sarif", tests, NULL, NULL);
}
