/*
 * test_junit.c — the JUnit XML rendering of the canonical report: the document is well-formed
 * XML 1.0 whatever the report holds (markup, "]]>", control characters, U+FFFE, broken UTF-8),
 * suites and totals count what they contain, and each status maps to its documented element.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "junit.h"

#define HOSTILE                                                                                   \
    "<script>alert(\"x\")</script> ]]> &amp; 'q' bell\x01 esc\x1b[31m nonchar\xef\xbf\xbe end"

static json_t *res(const char *control, const char *severity, const char *status,
                   json_t *evidence, json_t *waiver)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:s, s:o, s:{}, s:s, s:o}", "control",
                     control, "check", "http.headers", "title", "A control & its <title>",
                     "severity", severity, "status", status, "expected", "min", "1.2",
                     "observed", "TLSv1.0", "evidence", evidence, "refs", "remediation",
                     "Fix it\r\nnow.", "waiver", waiver ? waiver : json_null());
}

/* Two targets: one with every status and hostile evidence, one named, with a pass and a fail. */
static json_t *sample_report(void)
{
    json_t *r1 = json_array(), *r2 = json_array();
    json_array_append_new(r1, res("COC-TLS-01", "high", "pass", json_string("fine"), NULL));
    json_array_append_new(r1, res("COC-HDR-01", "high", "fail",
                                  json_pack("[s, s]", HOSTILE, "second line"), NULL));
    json_array_append_new(r1, res("COC-HDR-02", "medium", "warn", json_string(HOSTILE), NULL));
    json_array_append_new(r1, res("COC-CRT-01", "high", "error",
                                  json_string("connection reset\x01"), NULL));
    json_array_append_new(r1, res("COC-DOC-01", "low", "skipped",
                                  json_string("not selected by --checks"), NULL));
    json_array_append_new(r1, res("COC-CKE-01", "medium", "waived", json_string("ignored"),
                                  json_pack("{s:s, s:s, s:s}", "reason", "legacy <app> & co",
                                            "approved_by", "CISO", "expires", "2027-01-31")));
    json_array_append_new(r1, res("COC-ATT-01", "info", "attested",
                                  json_string("pen test report 2026-10"), NULL));
    json_array_append_new(r2, res("COC-TLS-01", "high", "pass", json_string("fine"), NULL));
    json_array_append_new(r2, res("COC-TLS-02", "critical", "fail",
                                  json_pack("{s:s}", "k", "v\x1b"), NULL));
    json_t *t1 = json_pack("{s:s, s:s, s:o}", "url", "https://a.example.nz/?x=1&y=2", "verdict",
                           "non-compliant", "results", r1);
    json_t *t2 = json_pack("{s:s, s:s, s:s, s:o}", "url", "https://b.example.nz/", "name",
                           "B \"PHO\"", "verdict", "non-compliant", "results", r2);
    json_t *rep = json_pack("{s:s, s:s, s:{s:s, s:s}, s:[o, o]}", "started_at",
                            "2026-11-24T08:22:45Z", "finished_at", "2026-11-24T08:22:50Z",
                            "profile", "id", "nz-health-portal", "version", "2026.1", "targets",
                            t1, t2);
    assert_non_null(rep);
    return rep;
}

static xmlNode *child(xmlNode *n, const char *name, int idx)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0 && idx-- == 0)
            return c;
    return NULL;
}

static void assert_prop(xmlNode *n, const char *name, const char *want)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    assert_non_null(v);
    assert_string_equal((const char *)v, want);
    xmlFree(v);
}

static int count_elements(xmlNode *n, const char *name)
{
    int k = 0;
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            k++;
        k += count_elements(n->children, name);
    }
    return k;
}

/* The n-th testcase of a suite and its only outcome element (NULL for a bare pass). */
static xmlNode *outcome(xmlNode *suite, int n, const char *elem)
{
    xmlNode *tc = child(suite, "testcase", n);
    assert_non_null(tc);
    return child(tc, elem, 0);
}

static char *content(xmlNode *n)
{
    assert_non_null(n);
    return (char *)xmlNodeGetContent(n);
}

static void assert_clean(const char *s)
{
    assert_null(strchr(s, '\x01'));
    assert_null(strchr(s, '\x1b'));
    assert_null(strstr(s, "\xef\xbf\xbe"));
}

static void test_well_formed_and_mapped(void **state)
{
    (void)state;
    json_t *rep = sample_report();
    size_t len = 0;
    char *xml = report_to_junit(rep, &len);
    assert_non_null(xml);
    assert_int_equal(len, strlen(xml));
    assert_true(strncmp(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0);
    assert_clean(xml);
    assert_null(strstr(xml, "<script"));

    xmlDoc *doc = xmlReadMemory(xml, (int)len, "junit.xml", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "testsuites");
    assert_prop(root, "name", "cocscan");
    assert_prop(root, "tests", "9");
    assert_prop(root, "failures", "2");
    assert_prop(root, "errors", "1");
    assert_prop(root, "skipped", "2");
    assert_prop(root, "time", "5.000");
    assert_int_equal(count_elements(root, "script"), 0);

    xmlNode *s1 = child(root, "testsuite", 0), *s2 = child(root, "testsuite", 1);
    assert_non_null(s1);
    assert_non_null(s2);
    assert_null(child(root, "testsuite", 2));
    assert_prop(s1, "name", "https://a.example.nz/?x=1&y=2");
    assert_prop(s1, "tests", "7");
    assert_prop(s1, "failures", "1");
    assert_prop(s1, "errors", "1");
    assert_prop(s1, "skipped", "2");
    assert_prop(s1, "timestamp", "2026-11-24T08:22:45Z");
    assert_prop(s2, "name", "B \"PHO\"");
    assert_prop(s2, "tests", "2");
    assert_prop(s2, "failures", "1");
    assert_prop(s2, "errors", "0");
    assert_prop(s2, "skipped", "0");

    xmlNode *tc = child(s1, "testcase", 1);
    assert_prop(tc, "classname", "https://a.example.nz/?x=1&y=2");
    assert_prop(tc, "name", "COC-HDR-01: A control & its <title>");

    /* pass: no outcome element at all */
    assert_null(child(child(s1, "testcase", 0), "failure", 0));
    assert_null(child(s1, "testcase", 0)->children);

    /* fail: the hostile evidence is text, minus what XML cannot hold */
    xmlNode *f = outcome(s1, 1, "failure");
    assert_non_null(f);
    assert_prop(f, "type", "HIGH");
    assert_prop(f, "message",
                "<script>alert(\"x\")</script> ]]> &amp; 'q' bell esc[31m nonchar end");
    char *txt = content(f);
    assert_non_null(strstr(txt, "<script>alert(\"x\")</script> ]]> &amp;"));
    assert_non_null(strstr(txt, "second line"));
    assert_non_null(strstr(txt, "expected: {\"min\":\"1.2\"}"));
    assert_non_null(strstr(txt, "observed: TLSv1.0"));
    assert_non_null(strstr(txt, "remediation: Fix it\r\nnow."));
    assert_clean(txt);
    xmlFree(txt);

    /* warn: passes, with the warning in system-out */
    assert_null(outcome(s1, 2, "failure"));
    txt = content(outcome(s1, 2, "system-out"));
    assert_true(strncmp(txt, "warning: <script>", 17) == 0);
    assert_clean(txt);
    xmlFree(txt);

    f = outcome(s1, 3, "error");
    assert_prop(f, "message", "connection reset");

    assert_prop(outcome(s1, 4, "skipped"), "message", "not selected by --checks");
    assert_prop(outcome(s1, 5, "skipped"), "message",
                "waived: legacy <app> & co (approved by CISO, expires 2027-01-31)");

    assert_null(outcome(s1, 6, "failure"));
    assert_null(outcome(s1, 6, "skipped"));
    txt = content(outcome(s1, 6, "system-out"));
    assert_string_equal(txt, "attested: pen test report 2026-10");
    xmlFree(txt);

    f = outcome(s2, 1, "failure");
    assert_prop(f, "type", "CRITICAL");
    assert_prop(f, "message", "{\"k\":\"v\\u001B\"}");

    assert_int_equal(count_elements(root, "failure"), 2);
    assert_int_equal(count_elements(root, "error"), 1);
    assert_int_equal(count_elements(root, "skipped"), 2);
    assert_int_equal(count_elements(root, "system-out"), 2);

    xmlFreeDoc(doc);
    free(xml);
    json_decref(rep);
}

/* Bytes that are not UTF-8, lone surrogates and U+FFFF are dropped; valid non-ASCII is kept. */
static void test_invalid_utf8_removed(void **state)
{
    (void)state;
    static const char ev[] = "a\xff" "b\xed\xa0\x80" "c\xef\xbf\xbf" "d\xc0\xaf" "e\xe2\x82"
                             " \xc4\x81\xf0\x9f\x94\x92 \xc2\x85 \x7f\t";
    json_t *results = json_array();
    json_t *r = json_pack("{s:s, s:s, s:s, s:s}", "control", "C-1", "title", "t", "severity",
                          "low", "status", "warn");
    /* jansson refuses invalid UTF-8 unless told not to check: a report read from a file could
     * still hold it if some other producer wrote it. */
    json_object_set_new(r, "evidence", json_stringn_nocheck(ev, sizeof ev - 1));
    json_array_append_new(results, r);
    json_t *rep = json_pack("{s:[{s:s, s:o}]}", "targets", "url", "https://x.nz/", "results",
                            results);
    assert_non_null(rep);
    size_t len;
    char *xml = report_to_junit(rep, &len);
    assert_non_null(xml);
    assert_null(strstr(xml, " time="));
    xmlDoc *doc = xmlReadMemory(xml, (int)len, "junit.xml", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    xmlNode *suite = child(xmlDocGetRootElement(doc), "testsuite", 0);
    assert_prop(suite, "name", "https://x.nz/");
    char *txt = content(outcome(suite, 0, "system-out"));
    assert_string_equal(txt, "warning: abcde \xc4\x81\xf0\x9f\x94\x92  \t");
    xmlFree(txt);
    xmlFreeDoc(doc);
    free(xml);
    json_decref(rep);
}

/* A report without targets is refused; write_junit reports it. */
static void test_no_targets(void **state)
{
    (void)state;
    json_t *rep = json_object();
    struct coc_error e = { "" };
    assert_null(report_to_junit(rep, NULL));
    assert_int_equal(report_write_junit(rep, stdout, &e), -1);
    assert_non_null(strstr(e.msg, "no targets"));
    json_decref(rep);
}

/* report_write_junit writes the same bytes, and xmllint (when installed) accepts them. */
static void test_write_and_xmllint(void **state)
{
    (void)state;
    json_t *rep = sample_report();
    struct coc_error e = { "" };
    char path[] = "/tmp/test_junit_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(report_write_junit(rep, f, &e), 0);
    assert_int_equal(fclose(f), 0);
    size_t len;
    char *xml = report_to_junit(rep, &len);
    f = fopen(path, "rb");
    assert_non_null(f);
    char *back = malloc(len + 1);
    assert_non_null(back);
    assert_int_equal(fread(back, 1, len + 1, f), len);
    fclose(f);
    assert_memory_equal(back, xml, len);
    if (access("/usr/bin/xmllint", X_OK) == 0) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "/usr/bin/xmllint --noout --nonet %s", path);
        assert_int_equal(system(cmd), 0);
    } else {
        fprintf(stderr, "test_junit: xmllint not installed, skipping its check\n");
    }
    unlink(path);
    free(back);
    free(xml);
    json_decref(rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_well_formed_and_mapped),
        cmocka_unit_test(test_invalid_utf8_removed),
        cmocka_unit_test(test_no_targets),
        cmocka_unit_test(test_write_and_xmllint),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
