/*
 * html_report_out.c — the HTML report's output primitives. Every string that comes from a report
 * (and so, ultimately, from a server or a targets file) reaches the page through hr_escape, which
 * is safe in text and in double- or single-quoted attributes alike; nothing from a report is ever
 * placed in a tag name, an unquoted attribute, a URL attribute, a style or a comment.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_report_int.h"
#include "util.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

void hr_raw(struct hout *h, const char *markup)
{
    if (!h->err && strbuf_adds(&h->sb, markup) != 0)
        h->err = 1;
}

void hr_int(struct hout *h, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    hr_raw(h, buf);
}

static void add(struct hout *h, const char *s, size_t n)
{
    if (!h->err && n && strbuf_add(&h->sb, s, n) != 0)
        h->err = 1;
}

/* Length of the well-formed UTF-8 sequence at s that is not a C1 control, or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    uint32_t cp;
    size_t len = utf8_decode(s, n, &cp);
    if (cp >= 0x80 && cp <= 0x9F) /* C1 controls: never meant as text */
        return 0;
    return len;
}

void hr_escape(struct hout *h, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0; /* start of the pending run of bytes copied as they are */
    size_t i = 0;
    while (i < n) {
        const char *rep = NULL;
        size_t len = 1;
        unsigned char c = s[i];
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\t':
        case '\n':
            break;
        default:
            if (c < 0x20 || c == 0x7F) {
                rep = REPLACEMENT;
            } else if (c >= 0x80) {
                len = utf8_len(s + i, n - i);
                if (len == 0)
                    rep = REPLACEMENT, len = 1;
            }
        }
        if (rep) {
            add(h, str + run, i - run);
            hr_raw(h, rep);
            run = i + len;
        }
        i += len;
    }
    add(h, str + run, n - run);
}

void hr_text(struct hout *h, const char *s)
{
    if (s)
        hr_escape(h, s, strlen(s));
}

void hr_text_cut(struct hout *h, const char *s, size_t n, size_t max)
{
    if (n <= max) {
        hr_escape(h, s, n);
        return;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--; /* do not split a character */
    hr_escape(h, s, max);
    hr_raw(h, "\xE2\x80\xA6"); /* … */
}

void hr_value(struct hout *h, const json_t *v, size_t max)
{
    if (!v || json_is_null(v)) {
        hr_raw(h, "<span class=\"muted\">\xE2\x80\x94</span>");
        return;
    }
    if (json_is_string(v)) {
        hr_text_cut(h, json_string_value(v), json_string_length(v), max);
        return;
    }
    char *js = json_dumps(v, JSON_INDENT(0) | JSON_ENCODE_ANY);
    if (!js) {
        h->err = 1;
        return;
    }
    hr_raw(h, "<code>");
    hr_text_cut(h, js, strlen(js), max);
    hr_raw(h, "</code>");
    free(js);
}

void hr_value_pre(struct hout *h, const json_t *v, size_t max)
{
    char *js = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
    if (!js) {
        h->err = 1;
        return;
    }
    hr_raw(h, "<pre>");
    hr_text_cut(h, js, strlen(js), max);
    hr_raw(h, "</pre>");
    free(js);
}

void hr_prose(struct hout *h, const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
        n--;
    const char *end = s + n;
    while (s < end) {
        const char *tick = memchr(s, '`', (size_t)(end - s));
        const char *close = tick ? memchr(tick + 1, '`', (size_t)(end - tick - 1)) : NULL;
        if (!close) {
            hr_escape(h, s, (size_t)(end - s));
            break;
        }
        hr_escape(h, s, (size_t)(tick - s));
        hr_raw(h, "<code>");
        hr_escape(h, tick + 1, (size_t)(close - tick - 1));
        hr_raw(h, "</code>");
        s = close + 1;
    }
}

/* Display names of the frameworks profiles cite; others are shown by their key, upper-cased. */
static const char *const frameworks[][2] = {
    { "nzism", "NZISM" },
    { "asvs", "ASVS" },
    { "ism", "ISM" },
    { "e8", "E8" },
    { "nist-800-52r2", "NIST SP 800-52r2" },
    { "nist-800-63b", "NIST SP 800-63B" },
    { "hisf", "HISF" },
    { "owasp", "OWASP" },
    { "cwe", "CWE" },
};

/* Does id already start with the framework's name ("ISM-1372", "E8 MFA ML1")? */
static int id_names_framework(const char *id, const char *label)
{
    size_t n = strlen(label);
    if (strncasecmp(id, label, n) != 0)
        return 0;
    return id[n] == '-' || id[n] == ' ';
}

static void ref_chip(struct hout *h, const char *key, const char *label, const char *id)
{
    hr_raw(h, "<span class=\"ref\">");
    if (label && id_names_framework(id, label)) {
        hr_text(h, id);
    } else {
        if (label) {
            hr_raw(h, label);
        } else {
            for (const char *k = key; *k; k++) {
                char up = (*k >= 'a' && *k <= 'z') ? (char)(*k - 'a' + 'A') : *k;
                hr_escape(h, &up, 1);
            }
        }
        hr_raw(h, " ");
        hr_text(h, id);
    }
    hr_raw(h, "</span> ");
}

int hr_refs(struct hout *h, const json_t *refs)
{
    const char *key;
    const json_t *val;
    int count = 0;
    json_object_foreach((json_t *)refs, key, val) {
        const char *label = NULL;
        for (size_t i = 0; i < sizeof frameworks / sizeof frameworks[0]; i++)
            if (strcmp(key, frameworks[i][0]) == 0)
                label = frameworks[i][1];
        if (json_is_string(val)) {
            ref_chip(h, key, label, json_string_value(val));
            count++;
        } else if (json_is_array(val)) {
            size_t i;
            const json_t *item;
            json_array_foreach(val, i, item) {
                if (json_is_string(item)) {
                    ref_chip(h, key, label, json_string_value(item));
                    count++;
                }
            }
        }
    }
    return count;
}
