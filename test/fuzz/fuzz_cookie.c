/*
 * fuzz_cookie.c — libFuzzer target for set_cookie_parse and set_cookie_redact
 * (checks/cookies_parse.c), the parsers of a server's Set-Cookie values.
 *
 * Input: the raw header value, not NUL-terminated (ASan catches any read past its end).
 * Invariants, any violation aborts:
 *   - the result is an object of the documented shape (cookies.h): typed members, samesite,
 *     prefix, session_reason and ignored from their fixed sets, bounds respected (name, max_age,
 *     unknown attributes), persistent exactly when a valid Expires or Max-Age was kept, prefix_ok
 *     consistent with prefix, Secure, Domain and Path; it serialises with json_dumps;
 *   - the cookie value never reaches the output, checked two ways:
 *       1. a string taken from the input (name, domain, path, expires, unknown attribute names)
 *          contains the value only if the value also occurs outside its own place in the input
 *          (in the name, say), case-insensitively as domains are lower-cased;
 *       2. the twin input — the value with its letters' case flipped and its digits rotated,
 *          which keeps its length, character classes and entropy — parses and redacts to exactly
 *          the same JSON: nothing in the output depends on which value bytes were sent.
 *
 * Build: make build/fuzz/fuzz_cookie
 * Run:   build/fuzz/fuzz_cookie -max_total_time=60 /tmp/scratch_cookie test/fuzz/corpus/cookie
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cookies.h"
#include "fuzz_common.h"

static int one_of(const char *s, const char *const *set)
{
    for (; s && *set; set++)
        if (strcmp(s, *set) == 0)
            return 1;
    return 0;
}

static const char *const samesites[] = { "Strict", "Lax", "None", "invalid", NULL };
static const char *const prefixes[] = { "__Host-", "__Secure-", NULL };
static const char *const reasons[] = {
    "an anti-CSRF token name: scripts read it by design",
    "the session cookie name of a known framework",
    "a session-cookie name and no expiry",
    "a session-cookie name, but persistent",
    "persistent, without a session-cookie name",
    "no expiry and a random-looking value",
    "no session-cookie name and no random-looking value",
    NULL,
};
static const char *const ignored[] = {
    "contains control characters",
    "empty name and value",
    "name and value longer than 4096 bytes",
    "no name, and a value starting with a cookie prefix",
    NULL,
};

static int is_bool(const json_t *o, const char *k)
{
    return json_is_boolean(json_object_get(o, k));
}

static void check_shape(const json_t *o)
{
    check(json_is_object(o));
    const json_t *name = json_object_get(o, "name");
    check(json_is_string(name));
    /* at most COOKIE_MAX_NAME_RECORD input bytes, each at most 3 bytes once made UTF-8 */
    check(json_string_length(name) <= 3 * COOKIE_MAX_NAME_RECORD);
    check(json_is_integer(json_object_get(o, "value_length")));
    check(json_integer_value(json_object_get(o, "value_length")) >= 0);
    static const char *const bools[] = { "secure", "httponly", "persistent", "partitioned",
                                         "prefix_ok", "session_like", NULL };
    for (const char *const *k = bools; *k; k++)
        check(is_bool(o, *k));
    const json_t *ss = json_object_get(o, "samesite");
    check(json_is_null(ss) || one_of(json_string_value(ss), samesites));
    const json_t *prefix = json_object_get(o, "prefix");
    check(json_is_null(prefix) || one_of(json_string_value(prefix), prefixes));
    check(one_of(json_string_value(json_object_get(o, "session_reason")), reasons));
    const json_t *ign = json_object_get(o, "ignored");
    check(!ign || one_of(json_string_value(ign), ignored));

    const json_t *domain = json_object_get(o, "domain"), *path = json_object_get(o, "path");
    if (domain) {
        check(json_is_string(domain) && json_string_length(domain) > 0);
        for (const char *d = json_string_value(domain); *d; d++)
            check(!(*d >= 'A' && *d <= 'Z'));
    }
    if (path)
        check(json_is_string(path) && json_string_value(path)[0] == '/');
    const json_t *exp = json_object_get(o, "expires"), *at = json_object_get(o, "expires_at");
    check(!exp == !at);
    check(!exp || (json_is_string(exp) && json_is_integer(at)));
    const json_t *ma = json_object_get(o, "max_age");
    check(!ma || (json_is_integer(ma) && json_integer_value(ma) >= -1000000000000000LL &&
                  json_integer_value(ma) <= 1000000000000000LL));
    check(json_is_true(json_object_get(o, "persistent")) == (exp || ma));

    int secure = json_is_true(json_object_get(o, "secure"));
    int prefix_ok = json_is_true(json_object_get(o, "prefix_ok"));
    if (json_is_null(prefix))
        check(prefix_ok);
    else if (strcmp(json_string_value(prefix), "__Secure-") == 0)
        check(prefix_ok == secure);
    else
        check(prefix_ok ==
              (secure && !domain && path && strcmp(json_string_value(path), "/") == 0));

    const json_t *unknown = json_object_get(o, "unknown_attributes");
    if (unknown) {
        check(json_is_array(unknown));
        check(json_array_size(unknown) > 0 && json_array_size(unknown) <= COOKIE_MAX_UNKNOWN);
        size_t i;
        const json_t *u;
        json_array_foreach(unknown, i, u)
            check(json_is_string(u) && json_string_length(u) > 0 &&
                  json_string_length(u) <= 3 * COOKIE_MAX_UNKNOWN_LEN);
    }
    char *s = json_dumps(o, JSON_COMPACT);
    check(s != NULL);
    free(s);
}

static int is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

/* Where the parser finds the value (cookies_parse.c split_pair): [*start, *end). */
static void value_span(const char *s, size_t n, size_t *start, size_t *end)
{
    const char *semi = memchr(s, ';', n);
    size_t nv = semi ? (size_t)(semi - s) : n;
    const char *eq = memchr(s, '=', nv);
    size_t a = eq ? (size_t)(eq - s) + 1 : 0, b = nv;
    while (a < b && is_wsp(s[a]))
        a++;
    while (b > a && is_wsp(s[b - 1]))
        b--;
    *start = a;
    *end = b;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static int find_ci(const char *hay, size_t hn, const char *needle, size_t nn)
{
    for (size_t i = 0; nn <= hn && i + nn <= hn; i++) {
        size_t k = 0;
        while (k < nn && lower(hay[i + k]) == lower(needle[k]))
            k++;
        if (k == nn)
            return 1;
    }
    return 0;
}

/* Invariant 1 for one string of the output. */
static void check_no_value(const json_t *str, const char *in, size_t n, size_t vs, size_t ve)
{
    const char *v = in + vs;
    size_t vn = ve - vs;
    if (!json_is_string(str) ||
        !find_ci(json_string_value(str), json_string_length(str), v, vn))
        return;
    check(find_ci(in, vs, v, vn) || find_ci(in + ve, n - ve, v, vn));
}

static void check_value_absent(const json_t *o, const char *in, size_t n)
{
    size_t vs, ve;
    value_span(in, n, &vs, &ve);
    for (size_t i = vs; i < ve; i++)
        if ((unsigned char)in[i] >= 0x80)
            return; /* U+FFFD made from other bytes could spell it: invariant 2 covers this */
    if (ve == vs)
        return;
    static const char *const keys[] = { "name", "domain", "path", "expires", NULL };
    for (const char *const *k = keys; *k; k++)
        check_no_value(json_object_get(o, *k), in, n, vs, ve);
    size_t i;
    const json_t *u;
    json_array_foreach(json_object_get(o, "unknown_attributes"), i, u)
        check_no_value(u, in, n, vs, ve);
}

/* Invariant 2: the twin parses and redacts the same. */
static void check_twin(const json_t *o, const json_t *red, const char *in, size_t n)
{
    size_t vs, ve;
    value_span(in, n, &vs, &ve);
    char *twin = malloc(n ? n : 1);
    check(twin != NULL);
    memcpy(twin, in, n);
    int changed = 0;
    for (size_t i = vs; i < ve; i++) {
        char c = twin[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            twin[i] = (char)(c ^ 0x20);
        else if (c >= '0' && c <= '9')
            twin[i] = (char)(c == '9' ? '0' : c + 1);
        changed |= twin[i] != c;
    }
    if (changed) {
        json_t *o2 = set_cookie_parse(twin, n), *red2 = set_cookie_redact(twin, n);
        check(o2 != NULL && red2 != NULL);
        check(json_equal(o, o2));
        check(json_equal(red, red2));
        json_decref(o2);
        json_decref(red2);
    }
    free(twin);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    json_t *o = set_cookie_parse(in, size);
    check(o != NULL);
    check_shape(o);
    check_value_absent(o, in, size);

    json_t *red = set_cookie_redact(in, size);
    check(red != NULL && json_is_string(red));
    size_t vs, ve;
    value_span(in, size, &vs, &ve);
    if (ve > vs)
        check(strstr(json_string_value(red), "[redacted: ") != NULL);

    check_twin(o, red, in, size);
    json_decref(red);
    json_decref(o);
    return 0;
}
