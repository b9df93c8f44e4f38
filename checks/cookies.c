/*
 * cookies.c — cookies.attributes: the Set-Cookie headers of the start page and of every redirect
 * before it, parsed the way browsers parse them (RFC 6265bis §5.6–5.7) and judged per cookie.
 * The observations live in observations.http (the start-page fetch is shared); the cookie values
 * never do: only their length is recorded, and the raw Set-Cookie values are redacted.
 *
 * Mozilla's HTTP Observatory (@mdn/mdn-http-observatory, tests/cookies.js) is the bar. Where
 * cocscan differs, on purpose:
 *   - Session cookies: the Observatory calls a cookie a session cookie when its name contains
 *     "login" or "sess", which misfires both ways ("last_login_page", a token named "id"). Here
 *     a framework's exact session-cookie name, a session-like name without an expiry, or a
 *     random-looking value without an expiry (cookies.h has the rule); anti-CSRF cookies are
 *     never session cookies, since scripts must read them.
 *   - HSTS does not excuse a missing Secure (the Observatory downgrades that to "…but protected
 *     by HSTS"): HSTS does not cover a first visit, other hosts in a Domain cookie's scope, or
 *     an expired policy. A profile can still turn require_secure off.
 *   - Every Set-Cookie of every hop is judged on its own; the Observatory judges its cookie
 *     jar, where a later cookie of the same name, domain and path replaces an earlier one, and
 *     where deletions (Max-Age=0, a past Expires) can be judged as live cookies. Here deletions
 *     are not held to Secure/HttpOnly/SameSite/Domain, but still to the rules whose violation
 *     makes browsers reject them (a rejected deletion leaves the old cookie in place).
 *   - Cookie prefixes: its jar (tough-cookie) silently drops a __Secure-/__Host- cookie that
 *     breaks its prefix's rules, so the Observatory never sees it; here that fails.
 *   - SameSite: a missing SameSite only keeps the Observatory's best result out of reach
 *     (…-and-samesite); here it fails only under require_samesite. An unknown SameSite value
 *     (cookies-samesite-flag-invalid there) is judged by its effect — browsers ignore it, as if
 *     absent — so it fails only under require_samesite; SameSite=None without Secure fails
 *     always, as there. There is no anti-CSRF-name rule: require_samesite covers every cookie.
 *   - Domain: not judged by the Observatory; forbid_domain here. A Domain that does not cover
 *     the host makes browsers drop the cookie, which is recorded (ignored), not judged.
 *   - Scope: the Observatory also collects cookies from plain-http responses and robots.txt;
 *     this check sees only the https start page and its in-origin redirects.
 */
#include "cookies.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "http_page.h"
#include "strbuf.h"
#include "util.h"

#define MAX_AGE_CAP 1000000000000000LL
#define EVIDENCE_MAX_COOKIES 8
#define OBSERVED_MAX_COOKIES 20

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

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
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

/* ---- observe ---- */

/* The lower-case host of an absolute URL, without brackets or port, into buf. */
static void url_host(const char *url, char *buf, size_t n)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t len = 0;
    if (*p == '[') {
        p++;
        while (p[len] && p[len] != ']')
            len++;
    } else {
        while (p[len] && !strchr(":/?#", p[len]))
            len++;
    }
    if (len >= n)
        len = n - 1;
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
    buf[len] = '\0';
}

/* Domain matching (RFC 6265bis §5.1.3): the host itself, or a parent of a host name. */
static int domain_covers(const char *domain, const char *host)
{
    size_t d = strlen(domain), h = strlen(host);
    if (strcmp(domain, host) == 0)
        return 1;
    int ip = strchr(host, ':') || strspn(host, "0123456789.") == h;
    return !ip && h > d && host[h - d - 1] == '.' && strcmp(host + h - d, domain) == 0;
}

/* Replace every value of a Set-Cookie array by its redacted form. 0 ok, -1 out of memory. */
static int redact_all(json_t *vals)
{
    size_t i;
    json_t *v;
    json_array_foreach(vals, i, v) {
        json_t *r = set_cookie_redact(json_string_value(v) ? json_string_value(v) : "",
                                      json_string_length(v));
        if (!r || json_array_set_new(vals, i, r) < 0)
            return -1;
    }
    return 0;
}

/* What only the response can tell: which hop set it, whether it is a deletion (now: the time of
 * observation), whether its Domain makes browsers drop it. */
static void annotate(json_t *c, const char *url, const char *host, int64_t now)
{
    json_object_set_new(c, "url", json_string_lossy(url, strlen(url)));
    const json_t *ma = json_object_get(c, "max_age"), *at = json_object_get(c, "expires_at");
    int deletes = ma ? json_integer_value(ma) <= 0 : at && json_integer_value(at) <= now;
    json_object_set_new(c, "deletes", json_boolean(deletes));
    const char *dom = json_string_value(json_object_get(c, "domain"));
    if (dom && !json_object_get(c, "ignored") && !domain_covers(dom, host))
        json_object_set_new(c, "ignored", json_string("its Domain does not cover the host"));
}

int cookies_record(json_t *obs)
{
    if (json_object_get(obs, "cookies"))
        return 0;
    json_t *list = json_array();
    if (!list)
        return -1;
    int64_t now = (int64_t)time(NULL);
    int rc = 0;
    size_t i;
    json_t *hop;
    json_array_foreach(json_object_get(obs, "chain"), i, hop) {
        const char *url = json_string_value(json_object_get(hop, "url"));
        json_t *vals = json_object_get(json_object_get(hop, "headers"), "set-cookie");
        char host[256];
        url = url ? url : "";
        url_host(url, host, sizeof host);
        size_t k;
        json_t *v;
        json_array_foreach(vals, k, v) {
            const char *raw = json_string_value(v);
            json_t *c = raw ? set_cookie_parse(raw, json_string_length(v)) : NULL;
            if (!c || json_array_append_new(list, c) < 0) {
                rc = -1;
                continue;
            }
            annotate(c, url, host, now);
        }
        rc |= redact_all(vals);
    }
    rc |= redact_all(json_object_get(json_object_get(obs, "headers"), "set-cookie"));
    json_object_set_new(obs, "cookies", list);
    return rc;
}

static int cookies_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (http_page_observe(scan, t, obs, "cookies.attributes") < 0)
        return -1;
    if (cookies_record(obs) < 0)
        return obs_error(obs, "cookies.attributes", "out of memory while recording cookies");
    return 0;
}

/* ---- judge ---- */

static int flag(const json_t *c, const char *key)
{
    return json_is_true(json_object_get(c, key));
}

static const char *str(const json_t *c, const char *key)
{
    const char *s = json_string_value(json_object_get(c, key));
    return s ? s : "";
}

/* Append ", " before all but the first item of a list. */
static void item(struct strbuf *sb, size_t *n, const char *what)
{
    strbuf_adds(sb, (*n)++ ? ", " : "");
    strbuf_adds(sb, what);
}

/* What is wrong with one cookie under the profile, into sb ("" when nothing). */
static void problems(const json_t *c, const json_t *expect, struct strbuf *sb)
{
    size_t n = 0;
    const char *prefix = json_string_value(json_object_get(c, "prefix"));
    const char *samesite = json_string_value(json_object_get(c, "samesite"));
    int secure = flag(c, "secure");
    if (prefix && !flag(c, "prefix_ok")) {
        strbuf_addf(sb, "has the %s prefix but ", prefix);
        size_t k = 0;
        if (!secure)
            item(sb, &k, "is not Secure");
        if (strcmp(prefix, "__Host-") == 0 && json_object_get(c, "domain"))
            item(sb, &k, "sets Domain");
        if (strcmp(prefix, "__Host-") == 0 && strcmp(str(c, "path"), "/") != 0)
            item(sb, &k, "has no Path=/");
        strbuf_adds(sb, ", so browsers reject it");
        n++;
    }
    if (samesite && strcmp(samesite, "None") == 0 && !secure)
        item(sb, &n, "has SameSite=None without Secure, so browsers reject it");
    if (flag(c, "deletes"))
        return; /* a deletion: only what makes browsers reject it matters */
    const char *url = json_string_value(json_object_get(c, "url"));
    int https = !url || (strlen(url) >= 8 && ascii_casecmp_n(url, 8, "https://") == 0);
    if (expect_bool(expect, "require_secure", 1) && https && !secure)
        item(sb, &n, "is not Secure");
    if (expect_bool(expect, "require_httponly_session", 1) && flag(c, "session_like") &&
        !flag(c, "httponly")) {
        strbuf_addf(sb, "%sis a session cookie (%s) without HttpOnly", n++ ? ", " : "",
                    str(c, "session_reason"));
    }
    if (expect_bool(expect, "require_samesite", 0) && !samesite)
        item(sb, &n, "has no SameSite");
    else if (expect_bool(expect, "require_samesite", 0) && strcmp(samesite, "invalid") == 0)
        item(sb, &n, "has an invalid SameSite value, which browsers ignore");
    if (expect_bool(expect, "forbid_domain", 0) && json_object_get(c, "domain"))
        strbuf_addf(sb, "%ssets Domain=%s, so every subdomain receives it", n++ ? ", " : "",
                    str(c, "domain"));
}

/* "name: Secure, HttpOnly, SameSite=Lax, session" for `observed`. */
static json_t *compact(const json_t *c)
{
    struct strbuf sb = STRBUF_INIT;
    size_t n = 0;
    strbuf_addf(&sb, "%s: ", str(c, "name"));
    if (json_object_get(c, "ignored")) {
        item(&sb, &n, "ignored by browsers");
    } else {
        if (flag(c, "deletes"))
            item(&sb, &n, "deletion");
        if (flag(c, "secure"))
            item(&sb, &n, "Secure");
        if (flag(c, "httponly"))
            item(&sb, &n, "HttpOnly");
        if (json_is_string(json_object_get(c, "samesite")))
            strbuf_addf(&sb, "%sSameSite=%s", n++ ? ", " : "", str(c, "samesite"));
        if (json_object_get(c, "domain"))
            strbuf_addf(&sb, "%sDomain=%s", n++ ? ", " : "", str(c, "domain"));
        if (flag(c, "session_like"))
            item(&sb, &n, "session");
        if (!n)
            item(&sb, &n, "no attributes");
    }
    json_t *j = json_string_lossy(sb.buf, sb.len);
    strbuf_release(&sb);
    return j;
}

static enum status cookies_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *cookies = json_object_get(obs, "cookies");
    if (!json_is_array(cookies)) {
        result_evidencef(r, "no cookie observation was recorded");
        return ST_ERROR;
    }
    r->observed = json_array();
    if (json_array_size(cookies) == 0) {
        result_evidencef(r, "the start page sets no cookies");
        return ST_PASS;
    }
    const char *final_url = json_string_value(json_object_get(obs, "final_url"));
    struct strbuf fails = STRBUF_INIT, ok = STRBUF_INIT, notes = STRBUF_INIT, p = STRBUF_INIT;
    size_t n_fail = 0, n_ok = 0, n_notes = 0, i;
    const json_t *c;
    json_array_foreach(cookies, i, c) {
        const char *name = str(c, "name"), *url = json_string_value(json_object_get(c, "url"));
        if (i < OBSERVED_MAX_COOKIES)
            json_array_append_new(r->observed, compact(c));
        else if (i == OBSERVED_MAX_COOKIES)
            json_array_append_new(r->observed, json_sprintf("… %zu more",
                                                            json_array_size(cookies) - i));
        if (json_object_get(c, "ignored")) {
            if (n_notes++ < EVIDENCE_MAX_COOKIES)
                strbuf_addf(&notes, "%s'%s' (%s)", n_notes > 1 ? ", " : "", name,
                            str(c, "ignored"));
            continue;
        }
        strbuf_reset(&p);
        problems(c, expect, &p);
        if (p.len == 0) {
            if (n_ok++ < EVIDENCE_MAX_COOKIES)
                strbuf_addf(&ok, "%s'%s'%s", n_ok > 1 ? ", " : "", name,
                            flag(c, "deletes") ? " (a deletion)" : "");
            continue;
        }
        if (n_fail++ >= EVIDENCE_MAX_COOKIES)
            continue;
        strbuf_addf(&fails, "%scookie '%s' ", n_fail > 1 ? "; " : "", name);
        if (url && final_url && strcmp(url, final_url) != 0)
            strbuf_addf(&fails, "(set by the redirect at %s) ", url);
        strbuf_add(&fails, p.buf, p.len);
    }
    enum status st = n_fail ? ST_FAIL : ST_PASS;
    if (n_fail > EVIDENCE_MAX_COOKIES)
        strbuf_addf(&fails, "; and %zu more", n_fail - EVIDENCE_MAX_COOKIES);
    if (n_ok > EVIDENCE_MAX_COOKIES)
        strbuf_addf(&ok, " and %zu more", n_ok - EVIDENCE_MAX_COOKIES);
    if (n_notes > EVIDENCE_MAX_COOKIES)
        strbuf_addf(&notes, " and %zu more", n_notes - EVIDENCE_MAX_COOKIES);
    if (n_fail)
        result_evidencef(r, "%s", fails.buf);
    else if (n_ok)
        result_evidencef(r, "%zu cookie%s meet%s the profile: %s%s%s", n_ok, n_ok > 1 ? "s" : "",
                         n_ok > 1 ? "" : "s", ok.buf, n_notes ? "; ignored by browsers: " : "",
                         notes.buf);
    else
        result_evidencef(r, "the start page sets no cookie that browsers keep; ignored by "
                            "browsers: %s", notes.buf);
    strbuf_release(&fails);
    strbuf_release(&ok);
    strbuf_release(&notes);
    strbuf_release(&p);
    return st;
}

static const struct expect_key cookie_keys[] = {
    { "require_secure", EXP_BOOL, NULL,
      "every cookie set over https must be Secure (default true)" },
    { "require_httponly_session", EXP_BOOL, NULL,
      "session-like cookies must be HttpOnly (default true)" },
    { "require_samesite", EXP_BOOL, NULL,
      "every cookie must have SameSite=Strict, Lax or None (default false)" },
    { "forbid_domain", EXP_BOOL, NULL,
      "no cookie may set Domain, which widens it to every subdomain (default false)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_cookies_attributes = {
    .id = "cookies.attributes",
    .family = "cookies",
    .title = "Cookies are Secure, session cookies HttpOnly, prefixes and SameSite valid",
    .observe = cookies_observe,
    .judge = cookies_judge,
    .expect_keys = cookie_keys,
};
