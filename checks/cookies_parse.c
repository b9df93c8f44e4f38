/*
 * cookies_parse.c — Set-Cookie read the way browsers read it (RFC 6265bis §5.6–5.7, cookie
 * dates by RFC 6265 §5.1.1), the session-cookie rule of cookies.h, and the redaction that keeps
 * cookie values out of reports. Pure functions of the header value; the check itself
 * (recording a page's cookies, judging them) is cookies.c.
 */
#include <stdint.h>
#include <string.h>

#include "cookies.h"
#include "strbuf.h"
#include "util.h"

#define MAX_AGE_CAP 1000000000000000LL

struct span {
    const char *p;
    size_t n;
};

static int is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

static struct span trim(const char *p, size_t n)
{
    while (n && is_wsp(*p)) {
        p++;
        n--;
    }
    while (n && is_wsp(p[n - 1]))
        n--;
    return (struct span){ p, n };
}

static int starts_ci(struct span s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.n >= n && ascii_casecmp_n(s.p, n, prefix) == 0;
}

static int is_ci(struct span s, const char *word)
{
    return ascii_casecmp_n(s.p, s.n, word) == 0;
}

static int contains_ci(struct span s, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= s.n; i++)
        if (ascii_casecmp_n(s.p + i, n, needle) == 0)
            return 1;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The name-value pair (§5.6 steps 2–4): up to the first ';', split at its first '=' (none: an
 * empty name), both trimmed. *attrs is the first ';' or NULL. */
static void split_pair(const char *s, size_t len, struct span *name, struct span *value,
                       const char **attrs)
{
    const char *semi = memchr(s, ';', len);
    size_t nv = semi ? (size_t)(semi - s) : len;
    const char *eq = memchr(s, '=', nv);
    if (eq) {
        *name = trim(s, (size_t)(eq - s));
        *value = trim(eq + 1, nv - (size_t)(eq - s) - 1);
    } else {
        *name = (struct span){ s, 0 };
        *value = trim(s, nv);
    }
    *attrs = semi;
}

/* ---- cookie dates (RFC 6265 §5.1.1, unchanged in 6265bis) ---- */

static int is_date_delim(unsigned char c)
{
    return c == 0x09 || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40) ||
           (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

/* 1..max leading digits of t into *v, followed by the end or a non-digit; the count or 0. */
static size_t date_digits(struct span t, size_t min, size_t max, int *v)
{
    size_t i = 0;
    *v = 0;
    while (i < t.n && i < max && is_digit(t.p[i]))
        *v = *v * 10 + (t.p[i++] - '0');
    if (i < min || (i < t.n && is_digit(t.p[i])))
        return 0;
    return i;
}

static int date_time(struct span t, int *h, int *m, int *s)
{
    size_t a = date_digits(t, 1, 2, h);
    if (!a || a >= t.n || t.p[a] != ':')
        return 0;
    struct span r = { t.p + a + 1, t.n - a - 1 };
    size_t b = date_digits(r, 1, 2, m);
    if (!b || b >= r.n || r.p[b] != ':')
        return 0;
    r = (struct span){ r.p + b + 1, r.n - b - 1 };
    return date_digits(r, 1, 2, s) != 0;
}

static int date_month(struct span t, int *month)
{
    static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec" };
    for (int k = 0; t.n >= 3 && k < 12; k++)
        if (ascii_casecmp_n(t.p, 3, months[k]) == 0) {
            *month = k + 1;
            return 1;
        }
    return 0;
}

/* A cookie date to Unix time; 0 ok, -1 when browsers would not accept it. */
static int cookie_date(struct span d, int64_t *out)
{
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int found_time = 0, found_day = 0, found_month = 0, found_year = 0;
    int h = 0, mi = 0, s = 0, day = 0, month = 0, year = 0;
    size_t i = 0;
    while (i < d.n) {
        while (i < d.n && is_date_delim((unsigned char)d.p[i]))
            i++;
        struct span t = { d.p + i, 0 };
        while (i < d.n && !is_date_delim((unsigned char)d.p[i])) {
            i++;
            t.n++;
        }
        if (t.n == 0)
            break;
        /* Each token fills the first of time, day, month, year it matches and is still free. */
        if (!found_time && date_time(t, &h, &mi, &s))
            found_time = 1;
        else if (!found_day && date_digits(t, 1, 2, &day))
            found_day = 1;
        else if (!found_month && date_month(t, &month))
            found_month = 1;
        else if (!found_year && date_digits(t, 2, 4, &year))
            found_year = 1;
    }
    if (found_year && year >= 70 && year <= 99)
        year += 1900;
    else if (found_year && year <= 69)
        year += 2000;
    if (!found_time || !found_day || !found_month || !found_year || day < 1 || day > 31 ||
        year < 1601 || h > 23 || mi > 59 || s > 59 || day > mdays[month - 1])
        return -1;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap)
        return -1;
    *out = days_from_civil(year, month, day) * 86400 + h * 3600 + mi * 60 + s;
    return 0;
}

/* ---- Set-Cookie ---- */

/* Max-Age (§5.6.2): an optional '-' then digits only; saturated. 0 ok, -1 ignored. */
static int max_age_parse(struct span v, long long *out)
{
    size_t i = v.n && v.p[0] == '-';
    if (i == v.n)
        return -1;
    long long n = 0;
    for (; i < v.n; i++) {
        if (!is_digit(v.p[i]))
            return -1;
        n = n >= MAX_AGE_CAP / 10 ? MAX_AGE_CAP : n * 10 + (v.p[i] - '0');
    }
    *out = v.p[0] == '-' ? -n : n;
    return 0;
}

static const char *const framework_session_names[] = {
    "phpsessid", "jsessionid", "asp.net_sessionid", "connect.sid", "laravel_session",
    "ci_session", ".aspxauth", ".aspnetcore.session", ".aspnetcore.cookies",
    ".aspnetcore.identity.application", "rack.session", "_session_id", "sails.sid", NULL,
};

/* Does a '.', '_' or '-' separated part of the name equal `word`? */
static int has_part_ci(struct span s, const char *word)
{
    size_t i = 0;
    while (i <= s.n) {
        size_t j = i;
        while (j < s.n && !strchr("._-", s.p[j]))
            j++;
        if (ascii_casecmp_n(s.p + i, j - i, word) == 0)
            return 1;
        i = j + 1;
    }
    return 0;
}

/* A random-looking value: see cookies.h (collision entropy >= 3 bits per character). */
static int random_looking(struct span v)
{
    if (v.n >= 2 && v.p[0] == '"' && v.p[v.n - 1] == '"')
        v = (struct span){ v.p + 1, v.n - 2 };
    if (v.n < 16)
        return 0;
    size_t count[256] = { 0 };
    for (size_t i = 0; i < v.n; i++) {
        char c = v.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
              (c && strchr("+/=_.%-", c))))
            return 0;
        count[(unsigned char)c]++;
    }
    uint64_t same = 0, n = v.n;
    for (size_t i = 0; i < 256; i++)
        same += (uint64_t)count[i] * (count[i] ? count[i] - 1 : 0);
    return same * 8 <= n * (n - 1);
}

/* Is the cookie session-like (see cookies.h)? *why says which rule applied, or why none did. */
static int session_like(struct span name, struct span value, int persistent, const char **why)
{
    if (contains_ci(name, "csrf") || contains_ci(name, "xsrf")) {
        *why = "an anti-CSRF token name: scripts read it by design";
        return 0;
    }
    int framework = starts_ci(name, "aspsessionid");
    for (const char *const *k = framework_session_names; *k && !framework; k++)
        framework = is_ci(name, *k);
    if (framework) {
        *why = "the session cookie name of a known framework";
        return 1;
    }
    int named = contains_ci(name, "sess") || contains_ci(name, "auth") ||
                contains_ci(name, "token") || contains_ci(name, "jwt") || has_part_ci(name, "sid");
    if (named) {
        *why = persistent ? "a session-cookie name, but persistent"
                          : "a session-cookie name and no expiry";
        return !persistent;
    }
    if (persistent) {
        *why = "persistent, without a session-cookie name";
        return 0;
    }
    if (random_looking(value)) {
        *why = "no expiry and a random-looking value";
        return 1;
    }
    *why = "no session-cookie name and no random-looking value";
    return 0;
}

struct attrs {
    int secure, httponly, partitioned, truncated, has_domain, has_path_attr, path_ok;
    int has_expires, has_max_age;
    const char *samesite;
    struct span domain, path, expires;
    int64_t expires_at;
    long long max_age;
    json_t *unknown;
};

static void attribute(struct attrs *a, struct span an, struct span av)
{
    if (av.n > COOKIE_MAX_ATTR_VALUE || an.n == 0)
        return;
    int64_t t;
    if (is_ci(an, "expires")) {
        if (cookie_date(av, &t) == 0) {
            a->has_expires = 1;
            a->expires = av;
            a->expires_at = t;
        }
    } else if (is_ci(an, "max-age")) {
        if (max_age_parse(av, &a->max_age) == 0)
            a->has_max_age = 1;
    } else if (is_ci(an, "domain")) {
        if (av.n == 0)
            return; /* "the user agent SHOULD ignore the cookie-av entirely" */
        if (av.p[0] == '.')
            av = (struct span){ av.p + 1, av.n - 1 };
        a->has_domain = 1;
        a->domain = av; /* may be empty ("Domain=."): host-only then */
    } else if (is_ci(an, "path")) {
        a->has_path_attr = 1;
        a->path_ok = av.n > 0 && av.p[0] == '/';
        a->path = av;
    } else if (is_ci(an, "secure")) {
        a->secure = 1;
    } else if (is_ci(an, "httponly")) {
        a->httponly = 1;
    } else if (is_ci(an, "partitioned")) {
        a->partitioned = 1;
    } else if (is_ci(an, "samesite")) {
        a->samesite = is_ci(av, "strict") ? "Strict"
                      : is_ci(av, "lax")  ? "Lax"
                      : is_ci(av, "none") ? "None"
                                          : "invalid";
    } else if (json_array_size(a->unknown) < COOKIE_MAX_UNKNOWN) {
        size_t n = an.n < COOKIE_MAX_UNKNOWN_LEN ? an.n : COOKIE_MAX_UNKNOWN_LEN;
        json_array_append_new(a->unknown, json_string_lossy(an.p, n));
    }
}

static const char *ignored_reason(const char *s, size_t len, struct span name, struct span value)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x08 || (c >= 0x0a && c <= 0x1f) || c == 0x7f)
            return "contains control characters";
    }
    if (name.n == 0 && value.n == 0)
        return "empty name and value";
    if (name.n + value.n > COOKIE_MAX_NAME_VALUE)
        return "name and value longer than 4096 bytes";
    if (name.n == 0 && (starts_ci(value, "__Secure-") || starts_ci(value, "__Host-")))
        return "no name, and a value starting with a cookie prefix";
    return NULL;
}

/* Add v under k; 1 when v is NULL or cannot be added (out of memory), else 0. */
static int put(json_t *o, const char *k, json_t *v)
{
    return json_object_set_new(o, k, v) != 0;
}

json_t *set_cookie_parse(const char *s, size_t len)
{
    struct span name, value;
    const char *p;
    struct attrs a;
    memset(&a, 0, sizeof a);
    split_pair(s, len, &name, &value, &p);
    a.unknown = json_array();
    json_t *o = json_object();
    if (!o || !a.unknown)
        goto oom;
    for (size_t n_attrs = 0; p; n_attrs++) {
        if (n_attrs == COOKIE_MAX_ATTRS) {
            a.truncated = 1;
            break;
        }
        p++; /* the ';' */
        const char *end = memchr(p, ';', len - (size_t)(p - s));
        size_t n = end ? (size_t)(end - p) : len - (size_t)(p - s);
        const char *eq = memchr(p, '=', n);
        if (eq)
            attribute(&a, trim(p, (size_t)(eq - p)), trim(eq + 1, n - (size_t)(eq - p) - 1));
        else
            attribute(&a, trim(p, n), (struct span){ p + n, 0 });
        p = end;
    }
    int persistent = a.has_expires || a.has_max_age;
    int host_only = !a.has_domain || a.domain.n == 0;
    const char *prefix = starts_ci(name, "__Secure-") ? "__Secure-"
                         : starts_ci(name, "__Host-") ? "__Host-"
                                                      : NULL;
    int prefix_ok = !prefix || (strcmp(prefix, "__Secure-") == 0
                                    ? a.secure
                                    : a.secure && host_only && a.path_ok && a.path.n == 1);
    const char *why;
    int session = session_like(name, value, persistent, &why);
    const char *ignored = ignored_reason(s, len, name, value);
    size_t name_n = name.n < COOKIE_MAX_NAME_RECORD ? name.n : COOKIE_MAX_NAME_RECORD;
    int bad = put(o, "name", json_string_lossy(name.p, name_n));
    if (name_n < name.n)
        bad |= put(o, "name_truncated", json_true());
    bad |= put(o, "value_length", json_integer((json_int_t)value.n));
    bad |= put(o, "secure", json_boolean(a.secure));
    bad |= put(o, "httponly", json_boolean(a.httponly));
    bad |= put(o, "samesite", a.samesite ? json_string(a.samesite) : json_null());
    if (!host_only) {
        char dom[COOKIE_MAX_ATTR_VALUE]; /* a longer value was ignored with its attribute */
        for (size_t i = 0; i < a.domain.n; i++)
            dom[i] = (char)(a.domain.p[i] >= 'A' && a.domain.p[i] <= 'Z' ? a.domain.p[i] + 32
                                                                          : a.domain.p[i]);
        bad |= put(o, "domain", json_string_lossy(dom, a.domain.n));
    }
    if (a.has_path_attr && a.path_ok)
        bad |= put(o, "path", json_string_lossy(a.path.p, a.path.n));
    if (a.has_expires) {
        bad |= put(o, "expires", json_string_lossy(a.expires.p, a.expires.n));
        bad |= put(o, "expires_at", json_integer((json_int_t)a.expires_at));
    }
    if (a.has_max_age)
        bad |= put(o, "max_age", json_integer((json_int_t)a.max_age));
    bad |= put(o, "persistent", json_boolean(persistent));
    bad |= put(o, "partitioned", json_boolean(a.partitioned));
    bad |= put(o, "prefix", prefix ? json_string(prefix) : json_null());
    bad |= put(o, "prefix_ok", json_boolean(prefix_ok));
    bad |= put(o, "session_like", json_boolean(session));
    bad |= put(o, "session_reason", json_string(why));
    if (json_array_size(a.unknown))
        bad |= put(o, "unknown_attributes", json_incref(a.unknown));
    if (a.truncated)
        bad |= put(o, "attributes_truncated", json_true());
    if (ignored)
        bad |= put(o, "ignored", json_string(ignored));
    if (bad)
        goto oom;
    json_decref(a.unknown);
    return o;
oom:
    json_decref(a.unknown);
    json_decref(o);
    return NULL;
}

json_t *set_cookie_redact(const char *s, size_t len)
{
    struct span name, value;
    const char *attrs;
    split_pair(s, len, &name, &value, &attrs);
    if (value.n == 0)
        return json_string_lossy(s, len);
    struct strbuf sb = STRBUF_INIT;
    size_t head = (size_t)(value.p - s), tail = head + value.n;
    int bad = strbuf_add(&sb, s, head);
    bad |= strbuf_addf(&sb, "[redacted: %zu bytes]", value.n);
    bad |= strbuf_add(&sb, s + tail, len - tail);
    json_t *j = bad ? NULL : json_string_lossy(sb.buf, sb.len);
    strbuf_release(&sb);
    return j;
}
