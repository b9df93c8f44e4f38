/*
 * test_fleet.c — merging reports into the fleet view: targets worst first (verdict, then
 * failures by severity, errors, warnings, url), totals per fleet, organisation and control, the
 * matrix, duplicates (the newest scan kept whatever the argument order, a later input winning a
 * tie), the profiles-differ and fail_on warnings, lenient reading of odd report members, and a
 * fleet page where every hostile string from a report stays text.
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

#include "fleet.h"

#define SHA_A "89e21a8b4e9dcabd3e98f02ea06f3ecec735c0d1792d84f3d62389f9550f807b"
#define SHA_B "0000000000000000000000000000000000000000000000000000000000000001"

static json_t *res(const char *control, const char *severity, const char *status)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "control", control, "check", "demo.check",
                     "title", "Title of a control", "severity", severity, "status", status);
}

/* A target; results is stolen. org may be NULL. */
static json_t *tgt(const char *url, const char *org, const char *verdict, json_t *results)
{
    json_t *t = json_pack("{s:s, s:s, s:o}", "url", url, "verdict", verdict, "results", results);
    if (org)
        json_object_set_new(t, "organisation", json_string(org));
    if (strcmp(verdict, "unreachable") == 0)
        json_object_set_new(t, "error", json_string("connect: refused"));
    return t;
}

/* A report started at `started` under the profile with this sha; targets is stolen. */
static json_t *rep(const char *started, const char *id, const char *sha, json_t *targets)
{
    return json_pack("{s:s, s:{s:s, s:s}, s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:s, s:s, s:o}",
                     "schema", "https://cocscan.nz/schema/report/v1", "tool", "name", "cocscan",
                     "version", "0.1.0", "started_at", started, "finished_at", started,
                     "profile", "id", id, "title", "A profile", "version", "2026.1", "sha256",
                     sha, "fail_on", "low", "verdict", "non-compliant", "targets", targets);
}

/* The fleet of a (and b, unless NULL); the reports are released. */
static json_t *merge2(json_t *a, json_t *b, const char *fa, const char *fb)
{
    json_t *reps[2] = { a, b };
    const char *files[2] = { fa, fb };
    json_t *f = fleet_merge(files, reps, b ? 2 : 1);
    assert_non_null(f);
    json_decref(a);
    json_decref(b);
    return f;
}

static const char *target_url(const json_t *f, size_t i)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(f, "targets"), i), "url"));
}

static long long at(const json_t *o, const char *path)
{
    /* "a.b.c" into nested objects */
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *v = o;
    for (char *k = strtok(buf, "."); k; k = strtok(NULL, "."))
        v = json_object_get(v, k);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static void test_worst_first(void **state)
{
    (void)state;
    json_t *targets = json_pack(
        "[o, o, o, o, o, o, o, o]",
        tgt("https://ok.example.nz/", "B", "compliant",
            json_pack("[o]", res("C1", "high", "pass"))),
        tgt("https://high.example.nz/", "A", "non-compliant",
            json_pack("[o, o]", res("C1", "high", "fail"), res("C2", "low", "fail"))),
        tgt("https://crit.example.nz/", "A", "non-compliant",
            json_pack("[o]", res("C1", "critical", "fail"))),
        tgt("https://crit2.example.nz/", "A", "non-compliant",
            json_pack("[o, o]", res("C1", "critical", "fail"), res("C2", "high", "fail"))),
        tgt("https://down.example.nz/", NULL, "unreachable", json_pack("[o]", res("C1", "high",
                                                                               "error"))),
        tgt("https://inc.example.nz/", "B", "incomplete",
            json_pack("[o]", res("C1", "high", "error"))),
        tgt("https://b-tie.example.nz/", "B", "non-compliant",
            json_pack("[o]", res("C1", "critical", "fail"))),
        tgt("https://warned.example.nz/", "B", "compliant",
            json_pack("[o]", res("C1", "high", "warn"))));
    json_t *f = merge2(rep("2026-11-01T00:00:00Z", "p", SHA_A, targets), NULL, "a.json", NULL);
    const char *want[] = { "https://down.example.nz/", "https://crit2.example.nz/",
                           "https://b-tie.example.nz/", "https://crit.example.nz/",
                           "https://high.example.nz/", "https://inc.example.nz/",
                           "https://warned.example.nz/", "https://ok.example.nz/" };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_string_equal(target_url(f, i), want[i]);
    /* the matrix follows the same order */
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(f, "matrix"), 1), "url")),
                        want[1]);
    assert_string_equal(json_string_value(json_object_get(f, "verdict")), "non-compliant");
    assert_false(fleet_all_compliant(f));
    json_decref(f);
}

static void test_totals(void **state)
{
    (void)state;
    json_t *a = rep("2026-11-01T00:00:00Z", "p", SHA_A,
                    json_pack("[o, o]",
                              tgt("https://a1.example.nz/", "Org A", "non-compliant",
                                  json_pack("[o, o, o]", res("C1", "high", "fail"),
                                            res("C2", "medium", "pass"),
                                            res("C3", "info", "skipped"))),
                              tgt("https://a2.example.nz/", "Org A", "compliant",
                                  json_pack("[o, o]", res("C1", "high", "pass"),
                                            res("C2", "medium", "waived")))));
    json_t *b = rep("2026-11-02T00:00:00Z", "p", SHA_A,
                    json_pack("[o]", tgt("https://b1.example.nz/", NULL, "non-compliant",
                                         json_pack("[o, o, o]", res("C4", "critical", "fail"),
                                                   res("C1", "high", "fail"),
                                                   res("C2", "medium", "attested")))));
    json_t *f = merge2(a, b, "a.json", "b.json");
    assert_false(json_is_true(json_object_get(f, "profiles_differ")));
    assert_int_equal(json_array_size(json_object_get(f, "warnings")), 0);
    assert_int_equal(json_array_size(json_object_get(f, "duplicates")), 0);
    const json_t *tot = json_object_get(f, "totals");
    assert_int_equal(at(tot, "targets"), 3);
    assert_int_equal(at(tot, "verdicts.non-compliant"), 2);
    assert_int_equal(at(tot, "verdicts.compliant"), 1);
    assert_int_equal(at(tot, "results.fail"), 3);
    assert_int_equal(at(tot, "results.pass"), 2);
    assert_int_equal(at(tot, "results.waived"), 1);
    assert_int_equal(at(tot, "results.attested"), 1);
    assert_int_equal(at(tot, "results.skipped"), 1);
    assert_int_equal(at(tot, "failed_by_severity.critical"), 1);
    assert_int_equal(at(tot, "failed_by_severity.high"), 2);

    /* organisations: the one with a critical failure first, no organisation ranks by counts */
    const json_t *orgs = json_object_get(tot, "organisations");
    assert_int_equal(json_array_size(orgs), 2);
    assert_true(json_is_null(json_object_get(json_array_get(orgs, 0), "name")));
    assert_int_equal(at(json_array_get(orgs, 0), "failed_by_severity.critical"), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(orgs, 1), "name")),
                        "Org A");
    assert_int_equal(at(json_array_get(orgs, 1), "targets"), 2);
    assert_int_equal(at(json_array_get(orgs, 1), "verdicts.compliant"), 1);

    /* controls: first seen order, counts across targets */
    const json_t *ctl = json_object_get(f, "controls");
    assert_int_equal(json_array_size(ctl), 4);
    const char *ids[] = { "C1", "C2", "C3", "C4" };
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(ctl, i), "id")),
                            ids[i]);
    assert_int_equal(at(json_array_get(ctl, 0), "targets"), 3);
    assert_int_equal(at(json_array_get(ctl, 0), "results.fail"), 2);
    assert_int_equal(at(json_array_get(ctl, 0), "results.pass"), 1);
    assert_int_equal(at(json_array_get(ctl, 3), "targets"), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(ctl, 3), "severity")),
                        "critical");

    /* the first target (b1: a critical failure) and its matrix row */
    assert_string_equal(target_url(f, 0), "https://b1.example.nz/");
    const json_t *t0 = json_array_get(json_object_get(f, "targets"), 0);
    assert_int_equal(at(t0, "source"), 1);
    assert_int_equal(at(t0, "results.fail"), 2);
    const json_t *row = json_object_get(json_array_get(json_object_get(f, "matrix"), 0),
                                        "controls");
    assert_string_equal(json_string_value(json_object_get(row, "C4")), "fail");
    assert_string_equal(json_string_value(json_object_get(row, "C2")), "attested");
    assert_null(json_object_get(row, "C3"));
    json_decref(f);
}

static void test_duplicates(void **state)
{
    (void)state;
    /* the newer report is given first: it still wins */
    json_t *newer = rep("2026-11-20T00:00:00Z", "p", SHA_A,
                        json_pack("[o]", tgt("https://dup.example.nz/", "New org", "compliant",
                                             json_pack("[o]", res("C1", "high", "pass")))));
    json_t *older = rep("2026-11-10T00:00:00Z", "p", SHA_A,
                        json_pack("[o, o]",
                                  tgt("https://dup.example.nz/", "Old org", "non-compliant",
                                      json_pack("[o]", res("C1", "high", "fail"))),
                                  tgt("https://other.example.nz/", NULL, "compliant",
                                      json_array())));
    json_t *f = merge2(newer, older, "new.json", "old.json");
    assert_int_equal(at(f, "totals.targets"), 2);
    const json_t *dups = json_object_get(f, "duplicates");
    assert_int_equal(json_array_size(dups), 1);
    const json_t *d = json_array_get(dups, 0);
    assert_string_equal(json_string_value(json_object_get(d, "url")), "https://dup.example.nz/");
    assert_int_equal(at(d, "kept.source"), 0);
    const json_t *dropped = json_array_get(json_object_get(d, "dropped"), 0);
    assert_int_equal(at(dropped, "source"), 1);
    assert_string_equal(json_string_value(json_object_get(dropped, "verdict")), "non-compliant");
    const char *w = json_string_value(json_array_get(json_object_get(f, "warnings"), 0));
    assert_non_null(w);
    assert_non_null(strstr(w, "https://dup.example.nz/ appears more than once"));
    assert_non_null(strstr(w, "kept the scan in input 1 (new.json, started 2026-11-20"));
    assert_non_null(strstr(w, "dropped input 2 (old.json"));
    for (size_t i = 0; i < 2; i++) {
        const json_t *t = json_array_get(json_object_get(f, "targets"), i);
        if (strcmp(json_string_value(json_object_get(t, "url")), "https://dup.example.nz/") == 0)
            assert_string_equal(json_string_value(json_object_get(t, "organisation")),
                                "New org");
    }
    json_decref(f);

    /* a tie (one file given twice): the later input wins */
    json_t *r = rep("2026-11-10T00:00:00Z", "p", SHA_A,
                    json_pack("[o]", tgt("https://same.example.nz/", NULL, "compliant",
                                         json_array())));
    f = merge2(r, json_incref(r), "x.json", "x.json");
    assert_int_equal(at(f, "totals.targets"), 1);
    assert_int_equal(at(json_array_get(json_object_get(f, "duplicates"), 0), "kept.source"), 1);
    assert_true(fleet_all_compliant(f));
    json_decref(f);
}

static void test_profiles_differ(void **state)
{
    (void)state;
    json_t *a = rep("2026-11-01T00:00:00Z", "nz-health-portal", SHA_A,
                    json_pack("[o]", tgt("https://a.example.nz/", NULL, "compliant",
                                         json_array())));
    json_t *b = rep("2026-11-01T00:00:00Z", "lax", SHA_B,
                    json_pack("[o]", tgt("https://b.example.nz/", NULL, "compliant",
                                         json_array())));
    json_object_set_new(b, "fail_on", json_string("high"));
    json_t *f = merge2(a, b, "a.json", "b.json");
    assert_true(json_is_true(json_object_get(f, "profiles_differ")));
    const json_t *w = json_object_get(f, "warnings");
    assert_int_equal(json_array_size(w), 2);
    const char *p = json_string_value(json_array_get(w, 0));
    assert_non_null(strstr(p, "different profiles"));
    assert_non_null(strstr(p, "nz-health-portal 2026.1 (sha256 89e21a8b4e9d"));
    assert_non_null(strstr(p, "for a.json"));
    assert_non_null(strstr(p, "lax 2026.1 (sha256 000000000000"));
    assert_non_null(strstr(p, "for b.json"));
    const char *t = json_string_value(json_array_get(w, 1));
    assert_non_null(strstr(t, "fail_on"));
    assert_non_null(strstr(t, "b.json: high"));
    const json_t *profiles = json_object_get(f, "profiles");
    assert_int_equal(json_array_size(profiles), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(profiles, 1), "id")),
                        "lax");
    json_decref(f);
}

/* Only what report_read guarantees: an object with a targets list. */
static void test_odd_members(void **state)
{
    (void)state;
    json_t *r = json_pack("{s:s, s:[o, o, o, {s:i}]}", "schema",
                          "https://cocscan.nz/schema/report/v1", "targets",
                          json_pack("{s:s, s:s, s:[{s:s, s:s}, {s:i}, {s:s}]}", "url",
                                    "https://odd.example.nz/", "verdict", "strange", "results",
                                    "status", "sideways", "severity", "extreme", "status", 3,
                                    "control", "C9"),
                          json_pack("{s:s, s:s, s:s}", "url", "https://gone.example.nz/",
                                    "verdict", "nonsense", "error", "timed out"),
                          json_pack("{s:s, s:i}", "url", "https://num.example.nz/", "results",
                                    7),
                          "url", 5);
    json_t *f = merge2(r, NULL, "odd.json", NULL);
    assert_int_equal(at(f, "totals.targets"), 3); /* the target without a url string is left out */
    const json_t *t = json_array_get(json_object_get(f, "targets"), 0);
    assert_string_equal(json_string_value(json_object_get(t, "url")), "https://gone.example.nz/");
    assert_string_equal(json_string_value(json_object_get(t, "verdict")), "unreachable");
    t = json_array_get(json_object_get(f, "targets"), 1);
    assert_string_equal(json_string_value(json_object_get(t, "verdict")), "incomplete");
    /* unknown statuses count as errors, the control without an id is still counted */
    assert_int_equal(at(f, "totals.results.error"), 3);
    const json_t *src = json_array_get(json_object_get(f, "sources"), 0);
    assert_true(json_is_null(json_object_get(json_object_get(src, "profile"), "sha256")));
    assert_true(json_is_null(json_object_get(src, "started_at")));
    json_decref(f);
}

static const char *const forbidden[] = { "script", "img", "iframe", "object", "embed", "link",
                                         "base", "svg", "form", "a", "b", "i", NULL };

static void walk(xmlNode *n, int *bad, int *csp)
{
    for (; n; n = n->next) {
        if (n->type == XML_COMMENT_NODE)
            (*bad)++;
        if (n->type != XML_ELEMENT_NODE) {
            walk(n->children, bad, csp);
            continue;
        }
        for (const char *const *f = forbidden; *f; f++)
            if (strcasecmp((const char *)n->name, *f) == 0) {
                fprintf(stderr, "forbidden element <%s>\n", n->name);
                (*bad)++;
            }
        for (xmlAttr *a = n->properties; a; a = a->next) {
            const char *name = (const char *)a->name;
            if (strncasecmp(name, "on", 2) == 0 || strcasecmp(name, "href") == 0 ||
                strcasecmp(name, "src") == 0 || strcasecmp(name, "style") == 0) {
                fprintf(stderr, "forbidden attribute %s on <%s>\n", name, n->name);
                (*bad)++;
            }
        }
        if (strcasecmp((const char *)n->name, "meta") == 0) {
            xmlChar *eq = xmlGetProp(n, (const xmlChar *)"http-equiv");
            *csp += eq && strcasecmp((char *)eq, "Content-Security-Policy") == 0;
            xmlFree(eq);
        }
        walk(n->children, bad, csp);
    }
}

#define H_NAME "<img src=x onerror=alert(1)>"
#define H_ORG "Org</td><script>alert(2)</script>"
#define H_TITLE "\"><svg onload=alert(3)> & 'quoted'"
#define H_CTL "C<b>1</b>"
#define H_FILE "--><iframe src=//evil>.json"
#define H_STATUS "<i>odd</i>"

static void test_html_hostile(void **state)
{
    (void)state;
    json_t *r1 = res(H_CTL, "high", "fail");
    json_object_set_new(r1, "title", json_string(H_TITLE));
    json_t *t = tgt("https://h.example.nz/", H_ORG, "non-compliant",
                    json_pack("[o, o]", r1, res("C2", "low", H_STATUS)));
    json_object_set_new(t, "name", json_string(H_NAME));
    json_t *a = rep("2026-11-01T00:00:00Z", "<p>", SHA_A, json_pack("[o]", t));
    json_t *b = rep("2026-11-02T00:00:00Z", "other", SHA_B,
                    json_pack("[o]", json_deep_copy(t)));
    json_t *f = merge2(a, b, H_FILE, "b.json");
    size_t len = 0;
    char *html = fleet_to_html(f, &len);
    assert_non_null(html);
    assert_int_equal(strlen(html), len);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<svg"));
    assert_null(strstr(html, "url("));

    htmlDocPtr doc = htmlReadMemory(html, (int)len, "fleet.html", "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING);
    assert_non_null(doc);
    int bad = 0, csp = 0;
    walk(xmlDocGetRootElement(doc), &bad, &csp);
    assert_int_equal(bad, 0);
    assert_int_equal(csp, 1);
    xmlChar *text = xmlNodeGetContent(xmlDocGetRootElement(doc));
    const char *want[] = { H_NAME, H_ORG, H_CTL, H_FILE, "<p>", "different profiles",
                           "appears more than once", "Targets, worst first", NULL };
    for (const char **s = want; *s; s++) {
        if (!strstr((char *)text, *s))
            fprintf(stderr, "missing as text: %s\n", *s);
        assert_non_null(strstr((char *)text, *s));
    }
    xmlFree(text);
    xmlFreeDoc(doc);
    free(html);
    json_decref(f);
}

static void test_html_matrix_words(void **state)
{
    (void)state;
    json_t *a = rep("2026-11-01T00:00:00Z", "p", SHA_A,
                    json_pack("[o, o]",
                              tgt("https://x.example.nz/", NULL, "non-compliant",
                                  json_pack("[o, o]", res("C1", "high", "fail"),
                                            res("C2", "low", "waived"))),
                              tgt("https://y.example.nz/", NULL, "compliant",
                                  json_pack("[o]", res("C1", "high", "pass")))));
    json_t *f = merge2(a, NULL, "a.json", NULL);
    char *html = fleet_to_html(f, NULL);
    assert_non_null(html);
    /* status in words as well as colour; a control a target lacks is marked, not blank */
    assert_non_null(strstr(html, "<span class=\"badge b-fail\">fail</span>"));
    assert_non_null(strstr(html, "<span class=\"badge b-waived\">waived</span>"));
    assert_non_null(strstr(html, "<span class=\"badge b-pass\">pass</span>"));
    assert_non_null(strstr(html, "title=\"not assessed\""));
    assert_null(strstr(html, "Read with care")); /* no warnings, no box */
    /* rows worst first: x before y */
    assert_true(strstr(html, "https://x.example.nz/") < strstr(html, "https://y.example.nz/"));
    free(html);
    assert_null(fleet_to_html(json_array_get(json_object_get(f, "targets"), 5), NULL));
    json_decref(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worst_first),     cmocka_unit_test(test_totals),
        cmocka_unit_test(test_duplicates),      cmocka_unit_test(test_profiles_differ),
        cmocka_unit_test(test_odd_members),     cmocka_unit_test(test_html_hostile),
        cmocka_unit_test(test_html_matrix_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
