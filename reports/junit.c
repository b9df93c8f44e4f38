/*
 * junit.c — JUnit XML from the canonical JSON report (the mapping is documented in junit.h).
 * The XML is written by hand into a strbuf: every string from the report (much of it sent by
 * the scanned server) passes through xml_put, which escapes markup and drops what XML 1.0
 * cannot carry, so the document is well-formed whatever the report holds.
 */
#include "junit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"
#include "util.h"

#define MESSAGE_MAX 256 /* bytes of evidence in a failure/error/skipped message attribute */

/* The document being built; err is sticky so a run of appends can be checked once. */
struct xw {
    struct strbuf sb;
    int err;
};

/* Per-suite (and overall) outcome counts. */
struct counts {
    size_t tests, failures, errors, skipped;
};

static void put_raw(struct xw *w, const char *s)
{
    if (!w->err && strbuf_adds(&w->sb, s) != 0)
        w->err = 1;
}

/* Whether XML 1.0 can carry cp (and we want it to: DEL and C1 controls are dropped too). */
static int xml_char_ok(uint32_t cp)
{
    if (cp == 0x09 || cp == 0x0A || cp == 0x0D)
        return 1;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    return cp != 0xFFFE && cp != 0xFFFF && cp <= 0x10FFFF;
}

/* Append n bytes of s escaped for XML text (attr 0) or a double-quoted attribute (attr 1). */
static void xml_put(struct xw *w, const char *s, size_t n, int attr)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n && !w->err) {
        uint32_t cp;
        size_t len = utf8_decode(p + i, n - i, &cp);
        const char *rep = NULL;
        if (len == 0) {
            i++;
            continue;
        }
        if (!xml_char_ok(cp)) {
            i += len;
            continue;
        }
        switch (cp) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&apos;"; break;
        case '\r': rep = "&#13;"; break;
        case '\n': rep = attr ? "&#10;" : NULL; break;
        case '\t': rep = attr ? "&#9;" : NULL; break;
        default: break;
        }
        if (rep ? strbuf_adds(&w->sb, rep) : strbuf_add(&w->sb, s + i, len))
            w->err = 1;
        i += len;
    }
}

static void put_text(struct xw *w, const char *s)
{
    if (s)
        xml_put(w, s, strlen(s), 0);
}

/* Part of an attribute value, for values built from several pieces. */
static void put_attr_text(struct xw *w, const char *s)
{
    xml_put(w, s, strlen(s), 1);
}

/* Write ` name="value"` with value escaped; nothing if value is NULL. */
static void put_attr(struct xw *w, const char *name, const char *value, size_t n)
{
    if (!value)
        return;
    put_raw(w, " ");
    put_raw(w, name);
    put_raw(w, "=\"");
    xml_put(w, value, n, 1);
    put_raw(w, "\"");
}

static void put_attrs(struct xw *w, const char *name, const char *value)
{
    put_attr(w, name, value, value ? strlen(value) : 0);
}

static void put_count(struct xw *w, const char *name, size_t v)
{
    char num[32];
    snprintf(num, sizeof num, "%zu", v);
    put_attrs(w, name, num);
}

/* Append v as a person reads it: a string as itself, anything else as compact JSON. */
static void add_value(struct strbuf *sb, const json_t *v, int *err)
{
    if (json_is_string(v)) {
        if (strbuf_add(sb, json_string_value(v), json_string_length(v)) != 0)
            *err = 1;
        return;
    }
    char *dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!dump || strbuf_adds(sb, dump) != 0)
        *err = 1;
    free(dump);
}

/* The evidence of a result as text: a string as itself, an array one item a line. */
static void add_evidence(struct strbuf *sb, const json_t *ev, int *err)
{
    size_t i;
    const json_t *item;
    if (!ev || json_is_null(ev))
        return;
    if (!json_is_array(ev)) {
        add_value(sb, ev, err);
        return;
    }
    json_array_foreach(ev, i, item) {
        if (i > 0 && strbuf_addch(sb, '\n') != 0)
            *err = 1;
        add_value(sb, item, err);
    }
}

/* Write ` message="…"`: the first line of text, at most MESSAGE_MAX bytes (cut on a UTF-8
 * boundary: xml_put would drop a split sequence anyway, this keeps the cut tidy). */
static void put_message(struct xw *w, const char *text, size_t n)
{
    const char *nl = memchr(text, '\n', n);
    if (nl)
        n = (size_t)(nl - text);
    if (n > MESSAGE_MAX) {
        n = MESSAGE_MAX;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    put_attr(w, "message", text, n);
}

/* <failure>/<error>: message and type attributes, a body with everything needed to act. */
static void put_finding(struct xw *w, const char *elem, const json_t *r)
{
    struct strbuf ev = STRBUF_INIT, body = STRBUF_INIT;
    const json_t *v;
    int err = 0;
    char sev[16] = "INFO";
    const char *s = json_str(r, "severity");
    add_evidence(&ev, json_object_get(r, "evidence"), &err);
    if (s) {
        size_t i;
        for (i = 0; s[i] && i + 1 < sizeof sev; i++)
            sev[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 'a' + 'A') : s[i];
        sev[i] = '\0';
    }
    if (ev.len && (strbuf_adds(&body, "evidence:\n") || strbuf_add(&body, ev.buf, ev.len) ||
                   strbuf_addch(&body, '\n')))
        err = 1;
    v = json_object_get(r, "expected");
    if (v && !json_is_null(v)) {
        if (strbuf_adds(&body, "expected: "))
            err = 1;
        add_value(&body, v, &err);
        if (strbuf_addch(&body, '\n'))
            err = 1;
    }
    v = json_object_get(r, "observed");
    if (v && !json_is_null(v)) {
        if (strbuf_adds(&body, "observed: "))
            err = 1;
        add_value(&body, v, &err);
        if (strbuf_addch(&body, '\n'))
            err = 1;
    }
    v = json_object_get(r, "remediation");
    if (json_is_string(v)) {
        if (strbuf_adds(&body, "remediation: "))
            err = 1;
        add_value(&body, v, &err);
    }
    if (err) {
        w->err = 1;
        goto out;
    }
    put_raw(w, "      <");
    put_raw(w, elem);
    if (ev.len)
        put_message(w, ev.buf, ev.len);
    else
        put_attrs(w, "message", json_str(r, "title"));
    put_attrs(w, "type", sev);
    put_raw(w, ">");
    xml_put(w, body.buf, body.len, 0);
    put_raw(w, "</");
    put_raw(w, elem);
    put_raw(w, ">\n");
out:
    strbuf_release(&ev);
    strbuf_release(&body);
}

/* <skipped message="…"/>: the evidence, or for a waiver its reason, approver and expiry. */
static void put_skipped(struct xw *w, const json_t *r, int waived)
{
    struct strbuf msg = STRBUF_INIT;
    const json_t *waiver = json_object_get(r, "waiver");
    int err = 0;
    if (waived) {
        const char *reason = json_str(waiver, "reason"), *by = json_str(waiver, "approved_by");
        const char *exp = json_str(waiver, "expires");
        if (!by)
            by = json_str(waiver, "approver");
        if (strbuf_adds(&msg, "waived: "))
            err = 1;
        if (reason)
            add_value(&msg, json_object_get(waiver, "reason"), &err);
        else
            add_evidence(&msg, json_object_get(r, "evidence"), &err);
        if ((by || exp) && strbuf_adds(&msg, " ("))
            err = 1;
        if (by && strbuf_addf(&msg, "approved by %s", by))
            err = 1;
        if (exp && strbuf_addf(&msg, "%sexpires %s", by ? ", " : "", exp))
            err = 1;
        if ((by || exp) && strbuf_addch(&msg, ')'))
            err = 1;
    } else {
        add_evidence(&msg, json_object_get(r, "evidence"), &err);
    }
    if (err) {
        w->err = 1;
        goto out;
    }
    put_raw(w, "      <skipped");
    put_attr(w, "message", msg.buf, msg.len);
    put_raw(w, "/>\n");
out:
    strbuf_release(&msg);
}

/* <system-out>prefix: evidence</system-out> for outcomes JUnit has no element for. */
static void put_system_out(struct xw *w, const char *prefix, const json_t *r)
{
    struct strbuf ev = STRBUF_INIT;
    int err = 0;
    add_evidence(&ev, json_object_get(r, "evidence"), &err);
    if (err) {
        w->err = 1;
        goto out;
    }
    put_raw(w, "      <system-out>");
    put_text(w, prefix);
    xml_put(w, ev.buf, ev.len, 0);
    put_raw(w, "</system-out>\n");
out:
    strbuf_release(&ev);
}

static void count_result(struct counts *c, const json_t *r)
{
    const char *st = json_str(r, "status");
    c->tests++;
    if (!st)
        return;
    if (strcmp(st, "fail") == 0)
        c->failures++;
    else if (strcmp(st, "error") == 0)
        c->errors++;
    else if (strcmp(st, "skipped") == 0 || strcmp(st, "waived") == 0)
        c->skipped++;
}

static void count_target(struct counts *c, const json_t *t)
{
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(t, "results"), i, r)
        count_result(c, r);
}

static void put_counts(struct xw *w, const struct counts *c)
{
    put_count(w, "tests", c->tests);
    put_count(w, "failures", c->failures);
    put_count(w, "errors", c->errors);
    put_count(w, "skipped", c->skipped);
}

static void put_testcase(struct xw *w, const char *url, const json_t *r)
{
    const char *st = json_str(r, "status");
    const char *ctl = json_str(r, "control"), *title = json_str(r, "title");
    put_raw(w, "    <testcase");
    put_attrs(w, "classname", url);
    put_raw(w, " name=\"");
    put_attr_text(w, ctl ? ctl : "?");
    if (title) {
        put_raw(w, ": ");
        put_attr_text(w, title);
    }
    put_raw(w, "\"");
    if (!st || strcmp(st, "pass") == 0) {
        put_raw(w, "/>\n");
        return;
    }
    put_raw(w, ">\n");
    if (strcmp(st, "fail") == 0)
        put_finding(w, "failure", r);
    else if (strcmp(st, "error") == 0)
        put_finding(w, "error", r);
    else if (strcmp(st, "skipped") == 0)
        put_skipped(w, r, 0);
    else if (strcmp(st, "waived") == 0)
        put_skipped(w, r, 1);
    else if (strcmp(st, "attested") == 0)
        put_system_out(w, "attested: ", r);
    else if (strcmp(st, "warn") == 0)
        put_system_out(w, "warning: ", r);
    put_raw(w, "    </testcase>\n");
}

static void put_property(struct xw *w, const char *name, const char *value)
{
    if (!value)
        return;
    put_raw(w, "      <property");
    put_attrs(w, "name", name);
    put_attrs(w, "value", value);
    put_raw(w, "/>\n");
}

static void put_suite(struct xw *w, const json_t *report, const json_t *t, size_t id)
{
    const char *url = json_str(t, "url"), *name = json_str(t, "name");
    const json_t *prof = json_object_get(report, "profile");
    struct counts c = { 0, 0, 0, 0 };
    size_t i;
    const json_t *r;
    count_target(&c, t);
    put_raw(w, "  <testsuite");
    put_attrs(w, "name", name ? name : url ? url : "?");
    put_counts(w, &c);
    put_count(w, "id", id);
    put_attrs(w, "timestamp", json_str(report, "started_at"));
    put_raw(w, ">\n    <properties>\n");
    put_property(w, "url", url);
    put_property(w, "organisation", json_str(t, "organisation"));
    put_property(w, "verdict", json_str(t, "verdict"));
    put_property(w, "profile", json_str(prof, "id"));
    put_property(w, "profile_version", json_str(prof, "version"));
    put_property(w, "error", json_str(t, "error"));
    put_raw(w, "    </properties>\n");
    json_array_foreach(json_object_get(t, "results"), i, r)
        put_testcase(w, url ? url : "", r);
    put_raw(w, "  </testsuite>\n");
}

/* Seconds between two report timestamps (YYYY-MM-DDTHH:MM:SSZ); -1 if either does not parse. */
static double duration(const char *from, const char *to)
{
    time_t t[2];
    const char *s[2] = { from, to };
    for (int i = 0; i < 2; i++) {
        struct tm tm;
        char z = 0;
        memset(&tm, 0, sizeof tm);
        if (!s[i] || sscanf(s[i], "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon,
                            &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 ||
            z != 'Z')
            return -1;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        t[i] = timegm(&tm);
        if (t[i] == (time_t)-1)
            return -1;
    }
    return t[1] >= t[0] ? difftime(t[1], t[0]) : -1;
}

char *report_to_junit(const json_t *report, size_t *len)
{
    struct xw w = { STRBUF_INIT, 0 };
    const json_t *targets = json_object_get(report, "targets");
    struct counts all = { 0, 0, 0, 0 };
    const json_t *t;
    size_t i;
    double secs;
    char *doc = NULL;
    if (!json_is_array(targets))
        goto out;
    json_array_foreach(targets, i, t)
        count_target(&all, t);
    put_raw(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cocscan\"");
    put_counts(&w, &all);
    secs = duration(json_str(report, "started_at"), json_str(report, "finished_at"));
    if (secs >= 0) {
        char num[32];
        snprintf(num, sizeof num, "%.3f", secs);
        put_attrs(&w, "time", num);
    }
    put_attrs(&w, "timestamp", json_str(report, "started_at"));
    put_raw(&w, ">\n");
    json_array_foreach(targets, i, t)
        put_suite(&w, report, t, i);
    put_raw(&w, "</testsuites>\n");
    if (w.err)
        goto out;
    doc = strbuf_detach(&w.sb, len);
out:
    strbuf_release(&w.sb);
    return doc;
}

int report_write_junit(const json_t *report, FILE *out, struct coc_error *e)
{
    size_t len = 0;
    int rc = -1;
    char *doc = report_to_junit(report, &len);
    if (!doc) {
        coc_fail(e, "JUnit: %s",
                 json_is_array(json_object_get(report, "targets")) ? "out of memory"
                                                                    : "the report has no targets");
        goto out;
    }
    if (fwrite(doc, 1, len, out) != len || fflush(out) != 0) {
        coc_fail(e, "JUnit: write failed");
        goto out;
    }
    rc = 0;
out:
    free(doc);
    return rc;
}
