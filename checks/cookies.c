/*
 * cookies.c — cookies.attributes: the Set-Cookie headers of the start page and of every redirect
 * before it, parsed the way browsers parse them (RFC 6265bis §5.6–5.7, in cookies_parse.c) and
 * judged per cookie. The observations live in observations.http (the start-page fetch is
 * shared); the cookie values never do: only their length is recorded, and the raw Set-Cookie
 * values are redacted.
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
 *     this check sees the https start page and its in-origin redirects and, with a test
 *     account, every cookie set while signing in and after (marked after_login), where the
 *     session cookie usually is.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "cookies.h"
#include "http.h"
#include "http_page.h"
#include "login.h"
#include "strbuf.h"
#include "target.h"
#include "util.h"

#define EVIDENCE_MAX_COOKIES 8
#define OBSERVED_MAX_COOKIES 20

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

/* With a test account: the cookies set while signing in and afterwards (the session cookie is
 * usually one of them), parsed like the start page's and marked after_login. */
static void cookies_after_login(struct scan *scan, const struct target *t, json_t *obs)
{
    struct http_session *sess = NULL;
    if (!t->login || json_object_get(obs, "cookies_after_login"))
        return;
    login_shared(scan, t, LOGIN_FIRST, &sess);
    const json_t *log = http_session_cookie_log(sess);
    json_t *list = json_object_get(obs, "cookies");
    int64_t now = (int64_t)time(NULL);
    size_t i, n = 0;
    json_t *e;
    json_array_foreach(log, i, e) {
        const char *url = json_string_value(json_array_get(e, 0));
        const json_t *v = json_array_get(e, 1);
        char host[256];
        json_t *c = set_cookie_parse(json_string_value(v), json_string_length(v));
        if (!c || !url)
            continue;
        url_host(url, host, sizeof host);
        annotate(c, url, host, now);
        json_object_set_new(c, "after_login", json_true());
        json_array_append_new(list, c);
        n++;
    }
    json_object_set_new(obs, "cookies_after_login",
                        json_pack("{s:b, s:i}", "signed_in", sess != NULL, "cookies", (int)n));
}

static int cookies_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (http_page_observe(scan, t, obs, "cookies.attributes") < 0)
        return -1;
    if (cookies_record(obs) < 0)
        return obs_error(obs, "cookies.attributes", "out of memory while recording cookies");
    cookies_after_login(scan, t, obs);
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
