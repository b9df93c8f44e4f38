/*
 * test_report.c — the canonical JSON report and its text rendering: per-target verdicts
 * (a fail at or above fail_on makes a target non-compliant, an error there makes it incomplete,
 * an unscanned target is unreachable), the overall verdict and exit code, the summary counts,
 * and a terminal summary that lists failures first and never writes a server's control bytes.
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
#include "profile.h"
#include "report.h"
#include "target.h"

static int load_profile(void **state)
{
    struct profile *p = calloc(1, sizeof *p);
    struct diag d = DIAG_INIT;
    if (!p)
        return -1;
    int rc = profile_load(PROFILE_DEFAULT, p, &d);
    if (rc != 0)
        fprintf(stderr, "%s", d.text.buf);
    diag_release(&d);
    *state = p;
    return rc;
}

static int release_profile(void **state)
{
    profile_release(*state);
    free(*state);
    return 0;
}

/* One hand-made result. */
static json_t *res(const char *control, const char *severity, const char *status)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:n, s:s}", "control", control, "check",
                     "tls.protocols", "title", "A control", "severity", severity, "status",
                     status, "observed", "evidence", "why");
}

/* Add a target for url with these results (stolen); unreachable as for report_add_target. */
static void add(json_t *rep, const char *url, json_t *results, const char *unreachable)
{
    struct target t;
    struct coc_error e;
    if (target_parse(url, &t, &e) != 0)
        fail_msg("%s", e.msg);
    report_add_target(rep, &t, json_object(), results, unreachable);
    target_release(&t);
}

static const char *target_verdict(const json_t *rep, size_t i)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(rep, "targets"), i), "verdict"));
}

static const char *verdict(const json_t *rep)
{
    return json_string_value(json_object_get(rep, "verdict"));
}

/* A one-target report under fail_on with these results; returns the target's verdict. */
static json_t *one(const struct profile *p, enum severity fail_on, json_t *results,
                   const char *unreachable)
{
    json_t *rep = report_new(p, fail_on);
    assert_non_null(rep);
    add(rep, "https://portal.example.nz/", results, unreachable);
    report_finish(rep);
    return rep;
}

static void test_new_report(void **state)
{
    const struct profile *p = *state;
    json_t *rep = report_new(p, SEV_MEDIUM);
    assert_string_equal(json_string_value(json_object_get(rep, "schema")), REPORT_SCHEMA);
    assert_string_equal(json_string_value(json_object_get(rep, "fail_on")), "medium");
    const json_t *prof = json_object_get(rep, "profile");
    assert_string_equal(json_string_value(json_object_get(prof, "id")), PROFILE_DEFAULT);
    assert_string_equal(json_string_value(json_object_get(prof, "sha256")), p->sha256);
    assert_string_equal(json_string_value(json_object_get(prof, "source")), p->source);
    assert_true(json_is_null(json_object_get(rep, "verdict")));
    assert_true(json_is_null(json_object_get(rep, "finished_at")));
    assert_int_equal(report_exit_code(rep), 3); /* no verdict yet */
    report_finish(rep);
    assert_true(json_is_string(json_object_get(rep, "finished_at")));
    /* No targets: nothing was scanned. */
    assert_string_equal(verdict(rep), "unreachable");
    assert_int_equal(report_exit_code(rep), 3);
    json_decref(rep);
}

static void test_compliant(void **state)
{
    json_t *rep = one(*state, SEV_LOW,
                      json_pack("[o, o, o]", res("A", "high", "pass"), res("B", "low", "pass"),
                                res("C", "high", "skipped")),
                      NULL);
    assert_string_equal(target_verdict(rep, 0), "compliant");
    assert_string_equal(verdict(rep), "compliant");
    assert_int_equal(report_exit_code(rep), 0);
    json_decref(rep);
}

static void test_fail_at_or_above_fail_on(void **state)
{
    json_t *rep = one(*state, SEV_MEDIUM,
                      json_pack("[o, o]", res("A", "high", "pass"), res("B", "medium", "fail")),
                      NULL);
    assert_string_equal(target_verdict(rep, 0), "non-compliant");
    assert_string_equal(verdict(rep), "non-compliant");
    assert_int_equal(report_exit_code(rep), 1);
    json_decref(rep);
}

static void test_fail_below_fail_on_stays_compliant(void **state)
{
    json_t *rep = one(*state, SEV_HIGH,
                      json_pack("[o, o, o]", res("A", "medium", "fail"), res("B", "low", "fail"),
                                res("C", "critical", "pass")),
                      NULL);
    assert_string_equal(target_verdict(rep, 0), "compliant");
    assert_string_equal(verdict(rep), "compliant");
    assert_int_equal(report_exit_code(rep), 0);
    /* The failures are still counted. */
    const json_t *failed = json_object_get(
        json_object_get(json_array_get(json_object_get(rep, "targets"), 0), "summary"),
        "failed_by_severity");
    assert_int_equal(json_integer_value(json_object_get(failed, "medium")), 1);
    assert_int_equal(json_integer_value(json_object_get(failed, "low")), 1);
    assert_int_equal(json_integer_value(json_object_get(failed, "high")), 0);
    json_decref(rep);
}

static void test_error_makes_incomplete(void **state)
{
    json_t *rep = one(*state, SEV_LOW,
                      json_pack("[o, o]", res("A", "high", "pass"), res("B", "high", "error")),
                      NULL);
    assert_string_equal(target_verdict(rep, 0), "incomplete");
    assert_string_equal(verdict(rep), "incomplete");
    assert_int_equal(report_exit_code(rep), 1);
    json_decref(rep);

    /* An error below fail_on does not block. */
    rep = one(*state, SEV_HIGH, json_pack("[o]", res("B", "low", "error")), NULL);
    assert_string_equal(target_verdict(rep, 0), "compliant");
    json_decref(rep);

    /* A blocking fail outranks a blocking error. */
    rep = one(*state, SEV_LOW,
              json_pack("[o, o]", res("A", "high", "error"), res("B", "high", "fail")), NULL);
    assert_string_equal(target_verdict(rep, 0), "non-compliant");
    json_decref(rep);
}

static void test_unreachable(void **state)
{
    json_t *rep = one(*state, SEV_LOW, json_pack("[o]", res("A", "high", "error")),
                      "connection refused");
    const json_t *tg = json_array_get(json_object_get(rep, "targets"), 0);
    assert_string_equal(json_string_value(json_object_get(tg, "error")), "connection refused");
    assert_string_equal(target_verdict(rep, 0), "unreachable");
    assert_string_equal(verdict(rep), "unreachable");
    assert_int_equal(report_exit_code(rep), 3);
    json_decref(rep);
}

static void test_overall_verdict_and_summary(void **state)
{
    const struct profile *p = *state;

    /* All unreachable: nothing scanned. */
    json_t *rep = report_new(p, SEV_LOW);
    add(rep, "https://a.example/", json_array(), "timed out");
    add(rep, "https://b.example/", json_array(), "refused");
    report_finish(rep);
    assert_string_equal(verdict(rep), "unreachable");
    assert_int_equal(report_exit_code(rep), 3);
    json_decref(rep);

    /* One of two unreachable, the other compliant: not a pass. */
    rep = report_new(p, SEV_LOW);
    add(rep, "https://a.example/", json_pack("[o]", res("A", "high", "pass")), NULL);
    add(rep, "https://b.example/", json_array(), "refused");
    report_finish(rep);
    assert_string_equal(target_verdict(rep, 0), "compliant");
    assert_string_equal(target_verdict(rep, 1), "unreachable");
    assert_string_equal(verdict(rep), "incomplete");
    assert_int_equal(report_exit_code(rep), 1);
    json_decref(rep);

    /* Mixed: the summary adds up. */
    rep = report_new(p, SEV_MEDIUM);
    add(rep, "https://a.example/",
        json_pack("[o, o, o]", res("A", "high", "pass"), res("B", "high", "fail"),
                  res("C", "low", "warn")),
        NULL);
    add(rep, "https://b.example/",
        json_pack("[o, o, o]", res("A", "high", "pass"), res("B", "medium", "error"),
                  res("D", "info", "skipped")),
        NULL);
    add(rep, "https://c.example/", json_pack("[o]", res("A", "high", "pass")), NULL);
    report_finish(rep);
    assert_string_equal(target_verdict(rep, 0), "non-compliant");
    assert_string_equal(target_verdict(rep, 1), "incomplete");
    assert_string_equal(target_verdict(rep, 2), "compliant");
    assert_string_equal(verdict(rep), "non-compliant");
    assert_int_equal(report_exit_code(rep), 1);
    const json_t *sum = json_object_get(rep, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "targets")), 3);
    const json_t *v = json_object_get(sum, "verdicts");
    assert_int_equal(json_integer_value(json_object_get(v, "compliant")), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "non-compliant")), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "incomplete")), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "unreachable")), 0);
    const json_t *r = json_object_get(sum, "results");
    assert_int_equal(json_integer_value(json_object_get(r, "pass")), 3);
    assert_int_equal(json_integer_value(json_object_get(r, "fail")), 1);
    assert_int_equal(json_integer_value(json_object_get(r, "warn")), 1);
    assert_int_equal(json_integer_value(json_object_get(r, "error")), 1);
    assert_int_equal(json_integer_value(json_object_get(r, "skipped")), 1);
    const json_t *t0 = json_object_get(
        json_object_get(json_array_get(json_object_get(rep, "targets"), 0), "summary"),
        "results");
    assert_int_equal(json_integer_value(json_object_get(t0, "pass")), 1);
    assert_int_equal(json_integer_value(json_object_get(t0, "fail")), 1);

    /* The dump is the same document, newline-terminated. */
    char *dump = report_dump(rep);
    assert_non_null(dump);
    assert_int_equal(dump[strlen(dump) - 1], '\n');
    json_t *back = json_loads(dump, 0, NULL);
    assert_true(json_equal(back, rep));
    json_decref(back);
    free(dump);
    json_decref(rep);
}

/* The text summary of rep (no colour). Caller frees. */
static char *text_of(const json_t *rep)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    report_write_text(rep, out, 0);
    assert_int_equal(fclose(out), 0);
    assert_non_null(buf);
    return buf;
}

static void test_text_summary(void **state)
{
    json_t *rep = report_new(*state, SEV_LOW);
    add(rep, "https://portal.example.nz/",
        json_pack("[o, o, o]", res("AAA-PASS", "high", "pass"), res("ZZZ-FAIL", "low", "fail"),
                  res("MMM-ERR", "medium", "error")),
        NULL);
    report_finish(rep);
    char *text = text_of(rep);

    assert_non_null(strstr(text, "https://portal.example.nz/"));
    assert_non_null(strstr(text, "Verdict: NON-COMPLIANT"));
    assert_non_null(strstr(text, "1 pass, 1 fail, 0 warn, 1 error, 0 skipped"));
    const char *fail = strstr(text, "ZZZ-FAIL"), *err = strstr(text, "MMM-ERR"),
               *pass = strstr(text, "AAA-PASS");
    assert_non_null(fail);
    assert_non_null(err);
    assert_non_null(pass);
    assert_true(fail < err); /* what needs action first */
    assert_true(err < pass);
    assert_null(strchr(text, '\x1b')); /* no colour asked for */
    free(text);
    json_decref(rep);
}

static void test_text_strips_control_bytes(void **state)
{
    json_t *results = json_array();
    json_t *r = res("HDR", "high", "fail");
    json_object_set_new(r, "observed", json_string("max-age=1\x1b]0;pwned\x07\x1b[2J"));
    json_object_set_new(r, "evidence", json_string("server said \x1b[31mred\r\nX-Injected: 1"));
    json_array_append_new(results, r);
    r = res("LIST", "high", "fail");
    json_object_set_new(r, "observed", json_pack("[s, s]", "TLSv1.2", "\x1b[1mbold"));
    json_array_append_new(results, r);
    r = res("OBJ", "high", "fail");
    json_object_set_new(r, "observed", json_pack("{s:s}", "k", "\x1b[1m"));
    json_array_append_new(results, r);
    json_t *rep = report_new(*state, SEV_LOW);
    add(rep, "https://portal.example.nz/", results, NULL);
    add(rep, "https://other.example.nz/", json_array(), "refused\x1b[2J");
    report_finish(rep);

    char *text = text_of(rep);
    if (strchr(text, '\x1b'))
        fail_msg("an ESC byte reached the output:\n%s", text);
    assert_null(strchr(text, '\x07'));
    assert_null(strchr(text, '\r'));
    assert_null(strstr(text, "\nX-Injected")); /* no line of the server's making */
    assert_non_null(strstr(text, "pwned"));    /* the text itself is still shown */
    assert_non_null(strstr(text, "not scanned: refused"));
    free(text);
    json_decref(rep);
}

/* Regression: an over-long observed value was cut at a byte count, splitting a multi-byte
 * UTF-8 character that straddled the cut, so the output was not valid UTF-8. */
static void test_text_truncation_keeps_utf8(void **state)
{
    char observed[200];
    memset(observed, 'a', 95);
    strcpy(observed + 95, "\xC4\x81\xC4\x81\xC4\x81 and more text past the cut");
    json_t *r = res("LONG", "high", "fail");
    json_object_set_new(r, "observed", json_string(observed));
    json_t *rep = report_new(*state, SEV_LOW);
    add(rep, "https://portal.example.nz/", json_pack("[o]", r), NULL);
    report_finish(rep);

    char *text = text_of(rep);
    json_t *check = json_string(text); /* jansson refuses invalid UTF-8 */
    int valid = check != NULL;
    json_decref(check);
    free(text);
    json_decref(rep);
    if (!valid)
        fail_msg("the text output is not valid UTF-8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_report),
        cmocka_unit_test(test_compliant),
        cmocka_unit_test(test_fail_at_or_above_fail_on),
        cmocka_unit_test(test_fail_below_fail_on_stays_compliant),
        cmocka_unit_test(test_error_makes_incomplete),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_overall_verdict_and_summary),
        cmocka_unit_test(test_text_summary),
        cmocka_unit_test(test_text_strips_control_bytes),
        cmocka_unit_test(test_text_truncation_keeps_utf8),
    };
    return cmocka_run_group_tests(tests, load_profile, release_profile);
}
