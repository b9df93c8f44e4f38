/*
 * test_html_report.c — the HTML assurance report: a report whose every string is hostile renders
 * to a page that, parsed by libxml2's HTML parser, holds no script, embedding or linking element,
 * no event-handler, URL or style attribute and no comment, and shows each hostile string as text;
 * the page carries its CSP, counts and sections, and lists failures before passes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "html_report.h"
#include "html_report_int.h"

#define HOSTILE_NAME "<img src=x onerror=alert(1)>"
#define HOSTILE_EVIDENCE "</details><script>alert(1)</script>"
#define HOSTILE_TITLE "Cookies & sessions <!-- --> \"quoted\" 'single'"
#define HOSTILE_URL "javascript:alert(1)"
#define HOSTILE_ORG "Org</title><style>body{background:url(//evil)}</style>"

static json_t *result(const char *control, const char *title, const char *severity,
                      const char *status)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{}, s:n, s:s, s:{}, s:n, s:n}", "control",
                     control, "check", "demo.check", "title", title, "severity", severity,
                     "status", status, "expected", "observed", "evidence", "", "refs",
                     "remediation", "waiver");
}

static json_t *report_with(json_t *targets)
{
    return json_pack("{s:s, s:{s:s, s:s}, s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:s, s:s, s:o}",
                     "schema", "https://cocscan.nz/schema/report/v1", "tool", "name", "cocscan",
                     "version", "0.1.0", "started_at", "2026-11-24T08:52:07Z", "finished_at",
                     "2026-11-24T08:52:13Z", "profile", "id", "nz-health-portal", "title",
                     "NZ health portal code of connection", "version", "2026.1", "sha256",
                     "89e21a8b4e9dcabd3e98f02ea06f3ecec735c0d1792d84f3d62389f9550f807b",
                     "fail_on", "low", "verdict", "non-compliant", "targets", targets);
}

/* A report with a hostile string in every field a server or a targets file could fill. */
static json_t *hostile_report(void)
{
    json_t *fail = result("COC-FAIL-1", HOSTILE_TITLE, "critical", "fail");
    json_object_set_new(fail, "observed", json_pack("{s:s}", "server", "<b>x</b>\"'"));
    json_object_set_new(fail, "evidence", json_string(HOSTILE_EVIDENCE));
    json_object_set_new(fail, "expected", json_pack("{s:s}", "<i>key</i>", "--><script>"));
    json_object_set_new(fail, "refs", json_pack("{s:s, s:[s, s], s:s}", "nzism", "16.7.42.C.01",
                                                "asvs", "8.2.2", "</span><script>", "ev\"il",
                                                "id\"><x>"));
    json_object_set_new(fail, "remediation", json_string("Use `<script>` & `\"` carefully"));
    json_t *waived = result("COC-WAIVE-1", "Waived control", "high", "waived");
    json_object_set_new(waived, "waiver",
                        json_pack("{s:s, s:s}", "reason", "<svg onload=alert(1)>", "expires",
                                  "2027-01-01"));
    json_t *attested = result("COC-ATT-1", "Attested control", "medium", "attested");
    json_object_set_new(attested, "evidence", json_pack("[s, s]", "pen test <iframe>", "ok"));
    json_t *pass = result("COC-PASS-1", "Passing control", "high", "pass");
    json_object_set_new(pass, "evidence", json_string("<base href=//evil/>"));
    json_t *odd = result("COC-ODD-1", "Odd status", "<sev>", "<status onclick=x>");
    json_t *bad = result("COC-UTF-1", "", "low", "warn");
    json_object_set_new(bad, "title", json_string_nocheck("bad \xff\xfe utf-8 \xc0\xaf"));
    json_object_set_new(bad, "observed", json_stringn("nul\0byte", 8));
    /* report order is deliberately not display order */
    json_t *results = json_pack("[o, o, o, o, o, o]", pass, attested, waived, bad, fail, odd);
    json_t *t = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{}, s:o}", "url", HOSTILE_URL, "name",
                          HOSTILE_NAME, "organisation", HOSTILE_ORG, "verdict", "<v>", "error",
                          "--><script>", "observations", "results", results);
    return report_with(json_pack("[o]", t));
}

static const char *const forbidden[] = { "script", "img", "iframe", "object", "embed", "link",
                                         "base", "svg", "form", "a", "area", NULL };

struct walk {
    int elements, csp, bad_element, bad_attr, comments;
};

static void walk(xmlNode *n, struct walk *w)
{
    for (; n; n = n->next) {
        if (n->type == XML_COMMENT_NODE)
            w->comments++;
        if (n->type != XML_ELEMENT_NODE) {
            walk(n->children, w);
            continue;
        }
        w->elements++;
        for (const char *const *f = forbidden; *f; f++)
            if (strcasecmp((const char *)n->name, *f) == 0) {
                fprintf(stderr, "forbidden element <%s>\n", n->name);
                w->bad_element++;
            }
        if (strcasecmp((const char *)n->name, "style") == 0 && n->parent &&
            strcasecmp((const char *)n->parent->name, "head") != 0)
            w->bad_element++;
        for (xmlAttr *a = n->properties; a; a = a->next) {
            const char *name = (const char *)a->name;
            if (strncasecmp(name, "on", 2) == 0 || strcasecmp(name, "href") == 0 ||
                strcasecmp(name, "src") == 0 || strcasecmp(name, "style") == 0 ||
                strcasecmp(name, "srcset") == 0 || strcasecmp(name, "action") == 0) {
                fprintf(stderr, "forbidden attribute %s on <%s>\n", name, n->name);
                w->bad_attr++;
            }
        }
        if (strcasecmp((const char *)n->name, "meta") == 0) {
            xmlChar *eq = xmlGetProp(n, (const xmlChar *)"http-equiv");
            xmlChar *content = xmlGetProp(n, (const xmlChar *)"content");
            if (eq && content && strcasecmp((char *)eq, "Content-Security-Policy") == 0 &&
                strstr((char *)content, "default-src 'none'") &&
                strstr((char *)content, "style-src 'unsafe-inline'"))
                w->csp++;
            xmlFree(eq);
            xmlFree(content);
        }
        walk(n->children, w);
    }
}

static htmlDocPtr parse(const char *html, size_t len)
{
    htmlDocPtr doc = htmlReadMemory(html, (int)len, "report.html", "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    assert_non_null(doc);
    return doc;
}

/* The text content of the first element with this id, or NULL. Caller frees with xmlFree. */
static xmlChar *text_by_id(xmlNode *n, const char *id)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            xmlChar *v = xmlGetProp(n, (const xmlChar *)"id");
            int hit = v && strcmp((char *)v, id) == 0;
            xmlFree(v);
            if (hit)
                return xmlNodeGetContent(n);
        }
        xmlChar *r = text_by_id(n->children, id);
        if (r)
            return r;
    }
    return NULL;
}

static int valid_utf8(const char *s, size_t n)
{
    return xmlCheckUTF8((const unsigned char *)s) && strlen(s) == n;
}

static void test_hostile_strings_stay_text(void **state)
{
    (void)state;
    json_t *rep = hostile_report();
    size_t len = 0;
    char *html = report_to_html(rep, &len);
    assert_non_null(html);
    assert_int_equal(strlen(html), len);
    assert_true(valid_utf8(html, len));

    htmlDocPtr doc = parse(html, len);
    struct walk w = { 0 };
    walk(xmlDocGetRootElement(doc), &w);
    assert_true(w.elements > 50);
    assert_int_equal(w.bad_element, 0);
    assert_int_equal(w.bad_attr, 0);
    assert_int_equal(w.comments, 0);
    assert_int_equal(w.csp, 1);

    xmlChar *text = xmlNodeGetContent(xmlDocGetRootElement(doc));
    /* observed is shown as JSON, so its quote arrives JSON-escaped */
    const char *want[] = { HOSTILE_NAME, HOSTILE_EVIDENCE, "\"server\": \"<b>x</b>\\\"'\"",
                           HOSTILE_TITLE,
                           HOSTILE_URL, HOSTILE_ORG, "<svg onload=alert(1)>", "pen test <iframe>",
                           "<base href=//evil/>", "<status onclick=x>", "<sev>", "<i>key</i>",
                           "--><script>", "</span><script>", "id\"><x>", "<script>", NULL };
    for (const char **s = want; *s; s++) {
        if (!strstr((char *)text, *s))
            fprintf(stderr, "missing as text: %s\n", *s);
        assert_non_null(strstr((char *)text, *s));
    }
    /* invalid UTF-8 and NUL became U+FFFD; the fixed labels say what a waiver is */
    assert_non_null(strstr((char *)text, "bad \xEF\xBF\xBD\xEF\xBF\xBD utf-8"));
    assert_non_null(strstr((char *)text, "nul\xEF\xBF\xBD" "byte"));
    assert_non_null(strstr((char *)text, "Waived \xE2\x80\x94 not verified"));
    assert_non_null(strstr((char *)text, "Attested \xE2\x80\x94 not verified"));
    assert_non_null(strstr((char *)text, "NZISM 16.7.42.C.01"));
    assert_non_null(strstr((char *)text, "ASVS 8.2.2"));
    xmlFree(text);
    xmlFreeDoc(doc);

    /* the raw page never holds a hostile string unescaped */
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<img"));
    assert_null(strstr(html, "</details><script"));
    assert_null(strstr(html, "<!--"));
    /* display order: fail, then the unknown status (ranked with errors), warn, waived, attested,
     * and the pass last */
    const char *order[] = { "COC-FAIL-1", "COC-ODD-1", "COC-UTF-1", "COC-WAIVE-1", "COC-ATT-1",
                            "COC-PASS-1" };
    const char *prev = html;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *at = strstr(html, order[i]);
        assert_non_null(at);
        assert_true(at > prev);
        prev = at;
    }
    free(html);
    json_decref(rep);
}

static void test_escape_exact(void **state)
{
    (void)state;
    struct hout h = { STRBUF_INIT, 0 };
    const char in[] = "<a href=\"x\">'&\t\n\x01\x7f\xc2\x80\xe2\x82\xac"
                      "\xed\xa0\x80\xf4\x90\x80\x80";
    hr_escape(&h, in, sizeof in - 1);
    assert_int_equal(h.err, 0);
    assert_string_equal(h.sb.buf, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;\t\n"
                                  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xE2\x82\xAC"
                                  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                                  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    strbuf_reset(&h.sb);
    hr_text_cut(&h, "ab\xe2\x82\xac", 5, 4); /* never splits the euro sign */
    assert_string_equal(h.sb.buf, "ab\xE2\x80\xA6");
    strbuf_release(&h.sb);
}

/* A realistic report: two targets, one compliant, one not, with a pass of every kind. */
static json_t *realistic_report(void)
{
    json_t *r1 = json_array();
    json_t *f = result("COC-MFA-01", "A second factor is enforced", "critical", "fail");
    json_object_set_new(f, "evidence", json_string("the password alone opened /records"));
    json_object_set_new(f, "refs", json_pack("{s:s, s:s, s:[s, s]}", "nzism", "16.7.42.C.01",
                                             "asvs", "6.3.3", "ism", "ISM-1372", "ISM-1448"));
    json_object_set_new(f, "remediation", json_string("Require TOTP or `WebAuthn`.\n"));
    json_array_append_new(r1, f);
    json_array_append_new(r1, result("COC-HDR-01", "HSTS max-age", "medium", "fail"));
    json_array_append_new(r1, result("COC-MFA-02", "OIDC without implicit", "low", "warn"));
    json_array_append_new(r1, result("COC-TLS-01", "TLS 1.2 or later only", "high", "pass"));
    json_array_append_new(r1, result("COC-PEN-01", "Penetration test", "medium", "skipped"));
    json_t *r2 = json_pack("[o, o]", result("COC-TLS-01", "TLS 1.2 or later only", "high", "pass"),
                           result("COC-CRT-01", "Certificate valid", "high", "pass"));
    json_t *t1 = json_pack("{s:s, s:s, s:s, s:s, s:{}, s:o}", "url", "https://portal.example.nz/",
                           "name", "Example patient portal", "organisation", "Example PHO",
                           "verdict", "non-compliant", "observations", "results", r1);
    json_t *t2 = json_pack("{s:s, s:s, s:{}, s:o}", "url", "https://clinic.example.nz/", "verdict",
                           "compliant", "observations", "results", r2);
    return report_with(json_pack("[o, o]", t1, t2));
}

static void test_realistic_report(void **state)
{
    (void)state;
    json_t *rep = realistic_report();
    size_t len = 0;
    char *html = report_to_html(rep, &len);
    assert_non_null(html);
    htmlDocPtr doc = parse(html, len);
    xmlNode *root = xmlDocGetRootElement(doc);
    struct walk w = { 0 };
    walk(root, &w);
    assert_int_equal(w.bad_element + w.bad_attr + w.comments, 0);
    assert_int_equal(w.csp, 1);

    xmlChar *status = text_by_id(root, "by-status");
    assert_non_null(status);
    assert_non_null(strstr((char *)status, "Fail2"));
    assert_non_null(strstr((char *)status, "Warning1"));
    assert_non_null(strstr((char *)status, "Pass3"));
    assert_non_null(strstr((char *)status, "Skipped1"));
    xmlFree(status);
    xmlChar *sev = text_by_id(root, "by-severity");
    assert_non_null(sev);
    assert_non_null(strstr((char *)sev, "Critical100"));
    assert_non_null(strstr((char *)sev, "Medium100"));
    assert_non_null(strstr((char *)sev, "Low001"));
    xmlFree(sev);
    xmlChar *index = text_by_id(root, "targets");
    assert_non_null(index);
    assert_non_null(strstr((char *)index, "Example patient portal"));
    assert_non_null(strstr((char *)index, "https://clinic.example.nz/"));
    xmlFree(index);

    xmlChar *text = xmlNodeGetContent(root);
    const char *want[] = { "Non-compliant", "1 of 2 targets compliant",
                           "89e21a8b4e9dcabd3e98f02ea06f3ecec735c0d1792d84f3d62389f9550f807b",
                           "2026-11-24T08:52:07Z", "Target 1 of 2", "Example PHO",
                           "NZISM 16.7.42.C.01", "ASVS 6.3.3", "ISM-1448", "Remediation",
                           "1 control not assessed (skipped)", "2 controls passed",
                           "No failures, errors or warnings.", NULL };
    for (const char **s = want; *s; s++) {
        if (!strstr((char *)text, *s))
            fprintf(stderr, "missing: %s\n", *s);
        assert_non_null(strstr((char *)text, *s));
    }
    assert_null(strstr((char *)text, "ISM ISM-1372")); /* the framework is not named twice */
    xmlFree(text);
    xmlFreeDoc(doc);
    assert_non_null(strstr(html, "<code>WebAuthn</code>"));
    assert_true(strstr(html, "COC-MFA-01") < strstr(html, "COC-HDR-01"));
    assert_true(strstr(html, "COC-HDR-01") < strstr(html, "COC-MFA-02"));
    assert_true(strstr(html, "COC-MFA-02") < strstr(html, "COC-PEN-01"));
    assert_true(strstr(html, "COC-PEN-01") < strstr(html, "COC-TLS-01"));
    assert_non_null(strstr(html, "@media print"));
    free(html);
    json_decref(rep);
}

static void test_write_html(void **state)
{
    (void)state;
    struct coc_error e = { { 0 } };
    json_t *rep = realistic_report();
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    assert_int_equal(report_write_html(rep, f, &e), 0);
    fclose(f);
    assert_non_null(strstr(buf, "<!DOCTYPE html>"));
    assert_non_null(strstr(buf, "</html>\n"));
    free(buf);
    json_decref(rep);

    json_t *arr = json_array();
    f = open_memstream(&buf, &n);
    assert_int_equal(report_write_html(arr, f, &e), -1);
    assert_non_null(strstr(e.msg, "not a JSON object"));
    fclose(f);
    free(buf);
    json_decref(arr);
    assert_null(report_to_html(NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_strings_stay_text),
        cmocka_unit_test(test_escape_exact),
        cmocka_unit_test(test_realistic_report),
        cmocka_unit_test(test_write_html),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
