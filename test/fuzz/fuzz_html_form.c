/*
 * fuzz_html_form.c — libFuzzer target for scanner/html_form.c and scanner/url.c: the login-form
 * finder, the second-factor detector, links and title, all on the same hostile page, and
 * url_resolve/url_numeric_ids on the page's first line as a reference.
 *
 * Input: the raw page bytes, not NUL-terminated.
 * Invariants, any violation aborts:
 *   - a found form has method GET or POST, an http(s) action without '#' (or none), at most
 *     HTML_FORM_MAX_FIELDS fields with names <= HTML_FORM_NAME_MAX and values
 *     <= HTML_FORM_VALUE_MAX bytes, and at least one password input;
 *   - a second factor is {"kind": "otp"|"webauthn", "evidence": string};
 *   - links: at most max distinct http(s) strings without '#', each a fixed point of
 *     url_resolve (resolving a resolved URL changes nothing);
 *   - the title is a non-empty string of at most HTML_TITLE_MAX bytes;
 *   - a numeric id replaced by its own value gives back the same URL;
 *   - everything serialises with json_dumps (valid UTF-8).
 *
 * Build: make build/fuzz/fuzz_html_form
 * Run:   build/fuzz/fuzz_html_form -max_total_time=60 /tmp/scratch_form test/fuzz/corpus/html_form
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "html_form.h"
#include "url.h"

#define PAGE_URL "https://portal.example.nz/a/b/login?next=%2F#top"
#define LINKS_MAX 32

static int is_http_url(const char *s)
{
    return s && (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0) &&
           !strchr(s, '#') && strlen(s) <= 3 * URL_MAX + 64;
}

static void check_fixed_point(const char *u)
{
    char *again = url_resolve(NULL, u);
    check(again != NULL && strcmp(again, u) == 0);
    free(again);
}

static void check_dumps(const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    check(s != NULL);
    free(s);
}

static void fuzz_form(const char *body, size_t len)
{
    struct html_login_form f;
    int rc = html_login_form_find(body, len, PAGE_URL, &f);
    check(rc == 0 || rc == 1);
    if (rc != 1)
        return;
    check(strcmp(f.method, "GET") == 0 || strcmp(f.method, "POST") == 0);
    check(!f.action || is_http_url(f.action));
    check(f.n_password >= 1);
    check(f.n_fields <= HTML_FORM_MAX_FIELDS);
    check(!f.username_field || strlen(f.username_field) <= HTML_FORM_NAME_MAX);
    check(!f.password_field || strlen(f.password_field) <= HTML_FORM_NAME_MAX);
    for (size_t i = 0; i < f.n_fields; i++) {
        check(f.fields[i].name && *f.fields[i].name);
        check(strlen(f.fields[i].name) <= HTML_FORM_NAME_MAX);
        check(f.fields[i].value && strlen(f.fields[i].value) <= HTML_FORM_VALUE_MAX);
    }
    html_login_form_release(&f);
}

static void fuzz_page(const char *body, size_t len)
{
    json_t *sf = html_second_factor(body, len);
    if (sf) {
        const char *kind = json_string_value(json_object_get(sf, "kind"));
        check(kind && (strcmp(kind, "otp") == 0 || strcmp(kind, "webauthn") == 0));
        check(json_is_string(json_object_get(sf, "evidence")));
        check_dumps(sf);
        json_decref(sf);
    }
    json_t *links = html_links(body, len, PAGE_URL, LINKS_MAX);
    check(json_is_array(links) && json_array_size(links) <= LINKS_MAX);
    for (size_t i = 0; i < json_array_size(links); i++) {
        const char *u = json_string_value(json_array_get(links, i));
        check(is_http_url(u));
        check_fixed_point(u);
        for (size_t j = 0; j < i; j++)
            check(strcmp(u, json_string_value(json_array_get(links, j))) != 0);
    }
    check_dumps(links);
    json_decref(links);
    json_t *t = html_title(body, len);
    if (t) {
        check(json_is_string(t) && json_string_length(t) > 0);
        check(json_string_length(t) <= HTML_TITLE_MAX);
        check_dumps(t);
        json_decref(t);
    }
}

/* The first line as a reference against the page URL, then its numeric ids. */
static void fuzz_url(const char *body, size_t len)
{
    const char *nl = memchr(body, '\n', len);
    size_t n = nl ? (size_t)(nl - body) : len;
    char *ref = strndup(body, n);
    check(ref != NULL);
    char *u = url_resolve(PAGE_URL, ref);
    free(ref);
    if (!u)
        return;
    check(is_http_url(u));
    check_fixed_point(u);
    check(url_same_origin(u, u));
    struct url_id ids[8];
    int k = url_numeric_ids(u, ids, 8);
    check(k >= 0 && k <= 8);
    for (int i = 0; i < k; i++) {
        check(ids[i].len >= 1 && ids[i].len <= URL_ID_DIGITS);
        char *same = url_replace_id(u, &ids[i], ids[i].value);
        check(same && strcmp(same, u) == 0);
        free(same);
    }
    free(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    fuzz_form(body, size);
    fuzz_page(body, size);
    fuzz_url(body, size);
    return 0;
}
