/*
 * fuzz_report.c — libFuzzer target for report_parse (reports/report_output.c), the reader behind
 * `cocscan report` and `cocscan evaluate`, and for the renderers a read report goes through:
 * report_to_html, report_to_sarif and report_to_junit (all in memory).
 *
 * Input: the bytes of a report file, not NUL-terminated (ASan catches any read past its end).
 * Invariants, any violation aborts:
 *   - report_parse returns 0 or -1; failure leaves *out NULL and a message of printable ASCII
 *     (one line, no control sequence for a terminal) that starts with the name it was given;
 *     success gives an object with the schema id and a targets array, which report_dump writes
 *     and report_parse reads back equal;
 *   - the HTML page is valid UTF-8 without NUL, and holds only the elements and attributes the
 *     writer's own template uses: no element the data could have injected (script, img, ...),
 *     no on* event handler, no src/href/action, and a stylesheet that fetches nothing (no
 *     "url(", no "@import");
 *   - the SARIF log is an object with version 2.1.0 and a runs array, and serialises; it is
 *     refused (NULL) only for a result without a string control or on a target without a
 *     string url, which it could not name;
 *   - the JUnit document is well-formed XML (libxml2, no recovery).
 * A shape the renderers do not expect (keys missing, wrong types) must render, not crash.
 * Regression seed (corpus/report/regress-error-newline): jansson's syntax-error message quotes
 * the input near the error, and its newlines and control bytes once reached the message.
 *
 * Build: make build/fuzz/fuzz_report
 * Run:   build/fuzz/fuzz_report -max_total_time=60 /tmp/scratch_report test/fuzz/corpus/report
 */
#include <libxml/parser.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_common.h"
#include "html_report.h"
#include "junit.h"
#include "report.h"
#include "report_output.h"
#include "sarif.h"
#include "util.h"

/* fuzz_common.h's check(), naming the line of the invariant that failed. */
static void check_at(int cond, int line)
{
    if (!cond) {
        fprintf(stderr, "fuzz_report.c:%d: invariant violated\n", line);
        abort();
    }
}
#define check(cond) check_at(!!(cond), __LINE__)

#define NAME "fuzz.json"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx, (void)msg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, quiet);
    return 0;
}

/* Elements and attributes reports/html_report*.c write themselves. */
static const char *const tags[] = {
    "!DOCTYPE", "html", "head",  "meta",  "title", "style", "body",  "header", "footer",
    "section",  "article", "h1", "h2",    "h3",    "h4",    "p",     "div",    "span",
    "ul",       "li",   "pre",   "code",  "br",    "details", "summary", "table", "thead",
    "tbody",    "tr",   "th",    "td",    NULL,
};
static const char *const attrs[] = {
    "class", "lang", "charset", "name", "content", "http-equiv", "open", "id", "html",
    "aria-label", "aria-hidden", NULL,
};

static int in_set(const char *s, size_t n, const char *const *set)
{
    for (; *set; set++)
        if (strlen(*set) == n && strncasecmp(s, *set, n) == 0)
            return 1;
    return 0;
}

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '!';
}

/* One tag at h[*i] == '<': a known element, known attributes, quoted values. */
static void check_tag(const char *h, size_t len, size_t *i)
{
    size_t p = *i + 1;
    if (p < len && h[p] == '/')
        p++;
    size_t st = p;
    while (p < len && name_char(h[p]))
        p++;
    check(in_set(h + st, p - st, tags));
    if (p - st == 8) { /* <!DOCTYPE html> */
        while (p < len && h[p] != '>')
            p++;
        check(p < len);
        *i = p + 1;
        return;
    }
    for (;;) {
        while (p < len && h[p] == ' ')
            p++;
        check(p < len);
        if (h[p] == '>' || (h[p] == '/' && p + 1 < len && h[p + 1] == '>'))
            break;
        st = p;
        while (p < len && name_char(h[p]))
            p++;
        check(p > st && in_set(h + st, p - st, attrs));
        if (p < len && h[p] == '=') {
            check(p + 1 < len && h[p + 1] == '"');
            const char *end = memchr(h + p + 2, '"', len - p - 2);
            check(end != NULL);
            p = (size_t)(end - h) + 1;
        }
    }
    *i = p + 1;
}

static void check_html(const char *h, size_t len)
{
    check(h != NULL && len == strlen(h) && len > 0);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode((const unsigned char *)h + i, len - i, &cp);
        check(n > 0);
        i += n;
    }
    /* The stylesheet is fixed text that fetches nothing; the rest is checked tag by tag (text
     * such as "@import" outside it is only text). */
    const char *css = strstr(h, "<style>"), *css_end = css ? strstr(css, "</style>") : NULL;
    check(css && css_end);
    for (const char *c = css; c < css_end; c++)
        check(strncmp(c, "url(", 4) != 0 && strncmp(c, "@import", 7) != 0);
    for (size_t i = 0; i < len;) {
        if (h + i == css) {
            i = (size_t)(css_end - h);
            continue;
        }
        if (h[i] == '<')
            check_tag(h, len, &i);
        else
            i++;
    }
}

/* report_to_sarif refuses (NULL) a result it cannot name: one without a string control, or on a
 * target without a string url. Anything else must render. */
static int sarif_renderable(const json_t *rep)
{
    size_t i, j;
    const json_t *t, *r;
    json_array_foreach(json_object_get(rep, "targets"), i, t) {
        const json_t *results = json_object_get(t, "results");
        if (json_array_size(results) > 0 && !json_is_string(json_object_get(t, "url")))
            return 0;
        json_array_foreach(results, j, r)
            if (!json_is_string(json_object_get(r, "control")))
                return 0;
    }
    return 1;
}

static void check_sarif(const json_t *rep)
{
    json_t *s = report_to_sarif(rep);
    if (!s) {
        check(!sarif_renderable(rep));
        return;
    }
    check(json_is_object(s));
    check(strcmp(json_string_value(json_object_get(s, "version")), SARIF_VERSION) == 0);
    check(json_is_array(json_object_get(s, "runs")));
    char *text = json_dumps(s, JSON_COMPACT);
    check(text != NULL);
    free(text);
    json_decref(s);
}

static void check_junit(const json_t *rep)
{
    size_t len = 0;
    char *x = report_to_junit(rep, &len);
    check(x != NULL && len == strlen(x) && len <= INT32_MAX);
    xmlDocPtr doc = xmlReadMemory(x, (int)len, "junit.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    check(doc != NULL);
    xmlFreeDoc(doc);
    free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct coc_error e = { "" };
    json_t *rep = (json_t *)1;
    int rc = report_parse((const char *)data, size, NAME, &rep, &e);
    check(rc == 0 || rc == -1);
    if (rc < 0) {
        check(rep == NULL);
        check(memchr(e.msg, '\0', sizeof e.msg) != NULL);
        check(strncmp(e.msg, NAME ":", strlen(NAME) + 1) == 0);
        for (const unsigned char *c = (const unsigned char *)e.msg; *c; c++)
            check(*c >= 0x20 && *c < 0x7f);
        return 0;
    }
    check(json_is_object(rep) && json_is_array(json_object_get(rep, "targets")));
    check(strcmp(json_string_value(json_object_get(rep, "schema")), REPORT_SCHEMA) == 0);

    char *dump = report_dump(rep);
    json_t *back = NULL;
    check(dump != NULL);
    check(report_parse(dump, strlen(dump), NAME, &back, &e) == 0);
    check(json_equal(rep, back));
    json_decref(back);
    free(dump);

    size_t hlen = 0;
    char *html = report_to_html(rep, &hlen);
    check_html(html, hlen);
    free(html);
    check_sarif(rep);
    check_junit(rep);
    json_decref(rep);
    return 0;
}
