/*
 * test_cookies.c — the cookies family: set_cookie_parse reads Set-Cookie the way browsers do
 * (RFC 6265bis §5.6: case-insensitive attributes, trimmed whitespace, the last attribute of a
 * kind wins, invalid ones are ignored, bounded), never records a cookie's value, and tells
 * session-like cookies by more than a name guess; cookies_record parses and redacts a start-page
 * fetch; the cookies.attributes judge holds each cookie to the profile's keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "cookies.h"
#include "registry.h"

#define SECRET "Zq7xW2pL9vR4tK8mN3bH"

static json_t *parse(const char *v)
{
    json_t *o = set_cookie_parse(v, strlen(v));
    assert_non_null(o);
    return o;
}

static const char *s_of(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int b_of(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    if (!json_is_boolean(v))
        fail_msg("\"%s\" is not a boolean", k);
    return json_is_true(v);
}

static long long i_of(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    if (!json_is_integer(v))
        fail_msg("\"%s\" is not an integer", k);
    return (long long)json_integer_value(v);
}

/* The SameSite of v ("null" when absent). */
static void expect_samesite(const char *v, const char *want)
{
    json_t *o = parse(v);
    const json_t *ss = json_object_get(o, "samesite");
    const char *got = json_is_null(ss) ? "null" : json_string_value(ss);
    assert_non_null(got);
    if (strcmp(got, want) != 0)
        fail_msg("\"%s\": samesite %s, expected %s", v, got, want);
    json_decref(o);
}

static void expect_session(const char *v, int want)
{
    json_t *o = parse(v);
    if (b_of(o, "session_like") != want)
        fail_msg("\"%s\": session_like is %d (%s)", v, !want, s_of(o, "session_reason"));
    assert_true(strlen(s_of(o, "session_reason")) > 0);
    json_decref(o);
}

static void expect_ignored(const char *v, size_t len)
{
    json_t *o = set_cookie_parse(v, len);
    assert_non_null(o);
    if (!json_is_string(json_object_get(o, "ignored")))
        fail_msg("\"%.*s\" not ignored", (int)len, v);
    json_decref(o);
}

static void test_parse_basic(void **state)
{
    (void)state;
    json_t *o = parse("sid=" SECRET "; Secure; HttpOnly; SameSite=Lax; Path=/");
    assert_string_equal(s_of(o, "name"), "sid");
    assert_int_equal(i_of(o, "value_length"), strlen(SECRET));
    assert_true(b_of(o, "secure"));
    assert_true(b_of(o, "httponly"));
    assert_string_equal(s_of(o, "samesite"), "Lax");
    assert_string_equal(s_of(o, "path"), "/");
    assert_null(json_object_get(o, "domain"));
    assert_false(b_of(o, "persistent"));
    assert_false(b_of(o, "partitioned"));
    assert_true(json_is_null(json_object_get(o, "prefix")));
    assert_true(b_of(o, "prefix_ok"));
    assert_true(b_of(o, "session_like"));
    assert_null(json_object_get(o, "ignored"));
    assert_null(json_object_get(o, "unknown_attributes"));
    json_decref(o);

    o = parse("lang=en");
    assert_false(b_of(o, "secure"));
    assert_false(b_of(o, "httponly"));
    assert_true(json_is_null(json_object_get(o, "samesite")));
    assert_null(json_object_get(o, "path"));
    assert_false(b_of(o, "session_like"));
    json_decref(o);
}

static void test_parse_attribute_case(void **state)
{
    (void)state;
    json_t *o = parse("a=b; SECURE; hTTpOnLy; samesite=STRICT; PATH=/X; DOMAIN=.Example.COM; "
                      "max-AGE=60; PARTITIONED");
    assert_true(b_of(o, "secure"));
    assert_true(b_of(o, "httponly"));
    assert_string_equal(s_of(o, "samesite"), "Strict");
    assert_string_equal(s_of(o, "path"), "/X"); /* the path keeps its case */
    assert_string_equal(s_of(o, "domain"), "example.com");
    assert_int_equal(i_of(o, "max_age"), 60);
    assert_true(b_of(o, "partitioned"));
    json_decref(o);
    expect_samesite("a=b; SameSite=none", "None");
    expect_samesite("a=b; SAMESITE=lAx", "Lax");
}

static void test_parse_whitespace(void **state)
{
    (void)state;
    json_t *o = parse("  sid \t=  abc def \t;  Secure  ;\tPath = /a b ; SameSite =\tLax ");
    assert_string_equal(s_of(o, "name"), "sid");
    assert_int_equal(i_of(o, "value_length"), 7); /* "abc def": inner space kept */
    assert_true(b_of(o, "secure"));
    assert_string_equal(s_of(o, "path"), "/a b");
    assert_string_equal(s_of(o, "samesite"), "Lax");
    json_decref(o);
    o = parse("a=b;;; ;Secure;");
    assert_true(b_of(o, "secure"));
    assert_null(json_object_get(o, "unknown_attributes")); /* empty attributes are no names */
    json_decref(o);
}

static void test_parse_quoted_value(void **state)
{
    (void)state;
    json_t *o = parse("q=\"a;b\"; Secure"); /* quotes do not protect a ';' */
    assert_string_equal(s_of(o, "name"), "q");
    assert_int_equal(i_of(o, "value_length"), 2);
    assert_true(json_is_array(json_object_get(o, "unknown_attributes")));
    json_decref(o);
    o = parse("q=\"" SECRET "\"");
    assert_int_equal(i_of(o, "value_length"), strlen(SECRET) + 2); /* quotes are in the value */
    assert_true(b_of(o, "session_like"));                          /* ...not in the entropy */
    json_decref(o);
}

static void test_parse_duplicates_last_wins(void **state)
{
    (void)state;
    expect_samesite("a=b; SameSite=Strict; SameSite=Lax", "Lax");
    expect_samesite("a=b; SameSite=Lax; SameSite=bogus", "invalid");
    json_t *o = parse("a=b; Domain=one.example; Domain=two.example; Path=/a; Path=/b; "
                      "Max-Age=10; Max-Age=x; Secure; Secure");
    assert_string_equal(s_of(o, "domain"), "two.example");
    assert_string_equal(s_of(o, "path"), "/b");
    assert_int_equal(i_of(o, "max_age"), 10); /* an invalid Max-Age is ignored, not a reset */
    assert_true(b_of(o, "secure"));
    json_decref(o);
    o = parse("a=b; Path=/a; Path=relative"); /* a bad Path means the default path */
    assert_null(json_object_get(o, "path"));
    json_decref(o);
    o = parse("a=b; Domain=x.example; Domain="); /* an empty Domain is ignored */
    assert_string_equal(s_of(o, "domain"), "x.example");
    json_decref(o);
    o = parse("a=b; Domain=x.example; Domain=."); /* "." leaves an empty domain: host-only */
    assert_null(json_object_get(o, "domain"));
    json_decref(o);
}

static void test_parse_invalid_samesite(void **state)
{
    (void)state;
    expect_samesite("a=b; SameSite=Lax2", "invalid");
    expect_samesite("a=b; SameSite", "invalid");
    expect_samesite("a=b; SameSite=", "invalid");
    expect_samesite("a=b; SameSite=\"Lax\"", "invalid");
    expect_samesite("a=b", "null");
}

static void expect_prefix(const char *v, const char *prefix, int ok)
{
    json_t *o = parse(v);
    const char *got = s_of(o, "prefix");
    if (prefix ? !got || strcmp(got, prefix) != 0 : got != NULL)
        fail_msg("\"%s\": prefix %s", v, got ? got : "null");
    if (b_of(o, "prefix_ok") != ok)
        fail_msg("\"%s\": prefix_ok should be %d", v, ok);
    json_decref(o);
}

static void test_parse_prefixes(void **state)
{
    (void)state;
    expect_prefix("__Secure-id=1; Secure", "__Secure-", 1);
    expect_prefix("__Secure-id=1", "__Secure-", 0);
    expect_prefix("__Secure-id=1; Secure; Domain=example.com; Path=/x", "__Secure-", 1);
    expect_prefix("__Host-id=1; Secure; Path=/", "__Host-", 1);
    expect_prefix("__Host-id=1; Path=/", "__Host-", 0);
    expect_prefix("__Host-id=1; Secure", "__Host-", 0);          /* no Path */
    expect_prefix("__Host-id=1; Secure; Path=/x", "__Host-", 0); /* Path not / */
    expect_prefix("__Host-id=1; Secure; Path=/; Domain=example.com", "__Host-", 0);
    expect_prefix("__Host-id=1; Secure; Path=/; Domain=", "__Host-", 1); /* ignored Domain */
    expect_prefix("__HOST-id=1; Path=/", "__Host-", 0); /* matched case-insensitively */
    expect_prefix("__secure-id=1; secure", "__Secure-", 1);
    expect_prefix("_Host-id=1", NULL, 1);
    expect_prefix("x__Host-id=1", NULL, 1);
}

static void test_parse_max_age(void **state)
{
    (void)state;
    json_t *o = parse("a=b; Max-Age=3600");
    assert_int_equal(i_of(o, "max_age"), 3600);
    assert_true(b_of(o, "persistent"));
    json_decref(o);
    o = parse("a=b; Max-Age=-1");
    assert_int_equal(i_of(o, "max_age"), -1);
    json_decref(o);
    o = parse("a=b; Max-Age=99999999999999999999999");
    assert_int_equal(i_of(o, "max_age"), 1000000000000000LL);
    json_decref(o);
    static const char *const bad[] = { "a=b; Max-Age=abc", "a=b; Max-Age=1e3", "a=b; Max-Age=",
                                       "a=b; Max-Age=-", "a=b; Max-Age=+5", "a=b; Max-Age=1 2",
                                       "a=b; Max-Age", NULL };
    for (const char *const *v = bad; *v; v++) {
        o = parse(*v);
        if (json_object_get(o, "max_age") || b_of(o, "persistent"))
            fail_msg("\"%s\": an invalid Max-Age was taken", *v);
        json_decref(o);
    }
}

static void expect_expires(const char *v, long long at)
{
    json_t *o = parse(v);
    if (at == -1) {
        if (json_object_get(o, "expires") || b_of(o, "persistent"))
            fail_msg("\"%s\": an invalid date was taken", v);
    } else {
        if (!json_is_integer(json_object_get(o, "expires_at")))
            fail_msg("\"%s\": the date was not taken", v);
        assert_int_equal(i_of(o, "expires_at"), at);
        assert_true(b_of(o, "persistent"));
        assert_true(json_is_string(json_object_get(o, "expires")));
    }
    json_decref(o);
}

static void test_parse_expires(void **state)
{
    (void)state;
    expect_expires("a=b; Expires=Wed, 21 Oct 2015 07:28:00 GMT", 1445412480);
    expect_expires("a=b; expires=Thu, 01 Jan 1970 00:00:00 GMT", 0);
    expect_expires("a=b; Expires=Wednesday, 21-Oct-15 07:28:00 GMT", 1445412480); /* RFC 850 */
    expect_expires("a=b; Expires=Wed Oct 21 07:28:00 2015", 1445412480);          /* asctime */
    expect_expires("a=b; Expires=Thu, 01-Jan-1970 00:00:01 GMT", 1);
    expect_expires("a=b; Expires=Sat, 29 Feb 2020 00:00:00 GMT", 1582934400);
    expect_expires("a=b; Expires=tomorrow", -1);
    expect_expires("a=b; Expires=", -1);
    expect_expires("a=b; Expires=Fri, 30 Feb 2024 00:00:00 GMT", -1); /* no such day */
    expect_expires("a=b; Expires=Sun, 29 Feb 2021 00:00:00 GMT", -1);
    expect_expires("a=b; Expires=Mon, 01 Jan 1600 00:00:00 GMT", -1);  /* before 1601 */
    expect_expires("a=b; Expires=Wed, 21 Oct 2015 24:00:00 GMT", -1);  /* hour 24 */
    expect_expires("a=b; Expires=Wed, 21 Oct 2015 GMT", -1);           /* no time */
    /* The last date that parses wins; one that does not is ignored. */
    expect_expires("a=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Expires=junk", 0);
}

static void test_parse_no_equals(void **state)
{
    (void)state;
    json_t *o = parse(SECRET "; Secure");
    assert_string_equal(s_of(o, "name"), ""); /* a nameless cookie (6265bis) */
    assert_int_equal(i_of(o, "value_length"), strlen(SECRET));
    assert_true(b_of(o, "secure"));
    assert_null(json_object_get(o, "ignored"));
    json_decref(o);
    expect_ignored("; Secure", 8);
    expect_ignored("=", 1);
    expect_ignored(" = ; Path=/", 11);
    expect_ignored("", 0);
    expect_ignored("__Host-x; Secure; Path=/", 24); /* nameless with a prefix in the value */
    expect_ignored("=__secure-x", 11);
}

static void test_parse_control_characters(void **state)
{
    (void)state;
    expect_ignored("a=b\x01" "c", 5);
    expect_ignored("a=b; Path=/\x1b[2J", 15);
    expect_ignored("a=b\x7f", 4);
    static const char nul[] = "a=b\0c";
    expect_ignored(nul, sizeof nul - 1);
    json_t *o = parse("a=b\tc; Secure"); /* HTAB is allowed */
    assert_null(json_object_get(o, "ignored"));
    json_decref(o);
}

static void test_parse_caps(void **state)
{
    (void)state;
    char *big = malloc(9000);
    assert_non_null(big);
    /* name + value over 4096 bytes: browsers drop the cookie */
    memset(big, 'v', 4095);
    memcpy(big, "ab=", 3);
    big[4095] = '\0'; /* name 2 + value 4092 = 4094 */
    json_t *o = parse(big);
    assert_null(json_object_get(o, "ignored"));
    json_decref(o);
    memset(big, 'v', 4100);
    memcpy(big, "ab=", 3);
    big[4100] = '\0';
    o = parse(big);
    assert_string_equal(s_of(o, "ignored"), "name and value longer than 4096 bytes");
    json_decref(o);
    /* a long name is recorded truncated */
    memset(big, 'n', 600);
    strcpy(big + 600, "=v");
    o = parse(big);
    assert_int_equal(strlen(s_of(o, "name")), COOKIE_MAX_NAME_RECORD);
    assert_true(b_of(o, "name_truncated"));
    json_decref(o);
    /* an attribute value over 1024 bytes is ignored with its attribute */
    strcpy(big, "a=b; Path=/");
    memset(big + 11, 'p', 1024);
    strcpy(big + 1035, "; Secure");
    o = parse(big);
    assert_null(json_object_get(o, "path"));
    assert_true(b_of(o, "secure"));
    json_decref(o);
    /* attributes after the first COOKIE_MAX_ATTRS are not read */
    strcpy(big, "a=b");
    for (int i = 0; i < COOKIE_MAX_ATTRS; i++)
        strcat(big, ";x");
    strcat(big, "; Secure");
    o = parse(big);
    assert_true(b_of(o, "attributes_truncated"));
    assert_false(b_of(o, "secure"));
    assert_int_equal(json_array_size(json_object_get(o, "unknown_attributes")),
                     COOKIE_MAX_UNKNOWN);
    json_decref(o);
    /* unknown attribute names are listed, capped in length */
    strcpy(big, "a=b; Priority=High; Version=1; ");
    memset(big + 31, 'u', 100);
    big[131] = '\0';
    o = parse(big);
    const json_t *u = json_object_get(o, "unknown_attributes");
    assert_int_equal(json_array_size(u), 3);
    assert_string_equal(json_string_value(json_array_get(u, 0)), "Priority");
    assert_string_equal(json_string_value(json_array_get(u, 1)), "Version");
    assert_int_equal(json_string_length(json_array_get(u, 2)), COOKIE_MAX_UNKNOWN_LEN);
    json_decref(o);
    free(big);
}

/* The value never appears in the parse or in the redacted header, whatever surrounds it. */
static void test_value_never_recorded(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "sid=" SECRET,
        "sid=" SECRET "; Secure; HttpOnly; Path=/; Domain=example.com; Max-Age=60",
        "  sid  =  " SECRET "  ;Expires=Wed, 21 Oct 2015 07:28:00 GMT",
        SECRET,
        "sid=\"" SECRET "\"",
        "__Host-sid=" SECRET "; Path=/x",
        "sid=" SECRET "\x01",
        "sid=" SECRET "; " "Priority=High",
        NULL,
    };
    for (const char *const *v = inputs; *v; v++) {
        json_t *o = parse(*v);
        char *s = json_dumps(o, JSON_COMPACT);
        assert_non_null(s);
        if (strstr(s, SECRET))
            fail_msg("the value leaked: %s", s);
        free(s);
        json_decref(o);
        json_t *r = set_cookie_redact(*v, strlen(*v));
        assert_non_null(r);
        if (strstr(json_string_value(r), SECRET))
            fail_msg("the value leaked from the redaction: %s", json_string_value(r));
        json_decref(r);
    }
}

static void test_redact(void **state)
{
    (void)state;
    static const char v[] = "sid=" SECRET "; Path=/; Secure";
    json_t *r = set_cookie_redact(v, strlen(v));
    assert_string_equal(json_string_value(r), "sid=[redacted: 20 bytes]; Path=/; Secure");
    json_decref(r);
    r = set_cookie_redact(" sid = abc ;Path=/", 18);
    assert_string_equal(json_string_value(r), " sid = [redacted: 3 bytes] ;Path=/");
    json_decref(r);
    r = set_cookie_redact("sid=; Max-Age=0", 15); /* nothing to hide */
    assert_string_equal(json_string_value(r), "sid=; Max-Age=0");
    json_decref(r);
    r = set_cookie_redact("token", 5);
    assert_string_equal(json_string_value(r), "[redacted: 5 bytes]");
    json_decref(r);
}

static void test_session_like(void **state)
{
    (void)state;
    /* 1. a framework's own session cookie name, persistent or not */
    expect_session("PHPSESSID=x", 1);
    expect_session("laravel_session=x; Max-Age=7200", 1);
    expect_session("ASP.NET_SessionId=x", 1);
    expect_session("ASPSESSIONIDQQGGGNCG=x", 1);
    expect_session("jsessionid=x; Expires=Wed, 21 Oct 2037 07:28:00 GMT", 1);
    expect_session("connect.sid=x", 1);
    /* 2. a session-like name, only without an expiry */
    expect_session("session=x", 1);
    expect_session("app_session=x", 1);
    expect_session("MySessId=x", 1);
    expect_session("sid=x", 1);
    expect_session("user.sid=x", 1);
    expect_session("auth=x", 1);
    expect_session("access_token=x", 1);
    expect_session("jwt=x", 1);
    expect_session("session_pref=dark; Max-Age=31536000", 0);
    expect_session("considered=x", 0); /* "sid" inside a word is not a name part */
    /* 3. a generic name: no expiry and a random-looking value */
    expect_session("x=3f2a9c81d4e07b65a1c9e2f0d8b7a6c5", 1);
    expect_session("x=3f2a9c81d4e07b65a1c9e2f0d8b7a6c5; Max-Age=60", 0);
    expect_session("x=" SECRET, 1);
    expect_session("x=aaaaaaaaaaaaaaaaaaaaaaaa", 0);
    expect_session("x=1700000000000000", 0);  /* a timestamp */
    expect_session("x=3f2a9c81d4e07b6", 0);   /* 15 characters */
    expect_session("x=3f2a9c81 d4e07b65a1c9", 0); /* a space is outside the charset */
    expect_session("lang=en-NZ", 0);
    expect_session("theme=dark", 0);
    /* anti-CSRF tokens are read by scripts on purpose */
    expect_session("XSRF-TOKEN=" SECRET, 0);
    expect_session("csrftoken=" SECRET, 0);
    expect_session("_csrf_session=" SECRET, 0);
    json_t *o = parse("x=" SECRET);
    assert_string_equal(s_of(o, "session_reason"), "no expiry and a random-looking value");
    json_decref(o);
    o = parse("PHPSESSID=x; Max-Age=60");
    assert_string_equal(s_of(o, "session_reason"), "the session cookie name of a known framework");
    json_decref(o);
}

/* ---- cookies_record and the judge ---- */

/* http observations with one hop per url; cookies[i] are the Set-Cookie values of hop i
 * (NULL-terminated lists; a NULL list: none). The last hop is the final page. */
static json_t *obs_for(const char *const *urls, const char *const *const *cookies)
{
    json_t *chain = json_array(), *last = NULL;
    for (size_t i = 0; urls[i]; i++) {
        json_t *h = json_object(), *vals = json_array();
        for (const char *const *c = cookies[i]; c && *c; c++)
            json_array_append_new(vals, json_string(*c));
        if (json_array_size(vals))
            json_object_set(h, "set-cookie", vals);
        json_decref(vals);
        json_array_append_new(chain, json_pack("{s:s, s:i, s:o}", "url", urls[i], "status",
                                               urls[i + 1] ? 302 : 200, "headers", h));
        last = h;
    }
    /* http_page_observe records the final page's headers apart from its chain entry */
    json_t *obs = json_pack("{s:s, s:s, s:i, s:o, s:o}", "url", urls[0], "final_url",
                            urls[json_array_size(chain) - 1], "status", 200, "headers",
                            last ? json_deep_copy(last) : json_object(), "chain", chain);
    assert_non_null(obs);
    return obs;
}

static enum status judge_obs(const json_t *obs, const char *expect_text, char **evidence)
{
    const struct check *c = check_find("cookies.attributes");
    assert_non_null(c);
    json_t *expect = json_loads(expect_text, 0, NULL);
    assert_non_null(expect);
    struct result r = { NULL, NULL };
    enum status st = c->judge(obs, expect, &r);
    assert_true(json_is_string(r.evidence));
    assert_true(json_string_length(r.evidence) > 0);
    assert_true(json_is_array(r.observed));
    if (evidence)
        *evidence = strdup(json_string_value(r.evidence));
    result_release(&r);
    json_decref(expect);
    return st;
}

/* Judge the Set-Cookie values (NULL-terminated) of a one-page fetch of https://portal.example/. */
static enum status judge_ev(const char *const *set_cookies, const char *expect, char **evidence)
{
    static const char *const urls[] = { "https://portal.example/", NULL };
    const char *const *const cookies[] = { set_cookies };
    json_t *obs = obs_for(urls, cookies);
    assert_int_equal(cookies_record(obs), 0);
    enum status st = judge_obs(obs, expect, evidence);
    json_decref(obs);
    return st;
}

static enum status judge1(const char *set_cookie, const char *expect)
{
    const char *const list[] = { set_cookie, NULL };
    return judge_ev(list, expect, NULL);
}

static void expect_evidence(const char *set_cookie, const char *expect, enum status want,
                            const char *needle)
{
    const char *const list[] = { set_cookie, NULL };
    char *ev = NULL;
    enum status st = judge_ev(list, expect, &ev);
    if (st != want || !strstr(ev, needle))
        fail_msg("\"%s\" under %s: %s, evidence \"%s\" (wanted \"%s\")", set_cookie, expect,
                 status_name(st), ev, needle);
    free(ev);
}

static void test_judge_registered(void **state)
{
    (void)state;
    const struct check *c = check_find("cookies.attributes");
    assert_non_null(c);
    assert_string_equal(c->family, "cookies");
    assert_string_equal(check_obs_key(c), "http");
    assert_non_null(check_expect_key(c, "require_secure"));
    assert_non_null(check_expect_key(c, "require_httponly_session"));
    assert_non_null(check_expect_key(c, "require_samesite"));
    assert_non_null(check_expect_key(c, "forbid_domain"));
}

static void test_judge_no_cookies(void **state)
{
    (void)state;
    const char *const none[] = { NULL };
    char *ev = NULL;
    assert_int_equal(judge_ev(none, "{}", &ev), ST_PASS);
    assert_string_equal(ev, "the start page sets no cookies");
    free(ev);
    /* without an observation: error, never a silent pass */
    json_t *obs = json_pack("{s:s}", "final_url", "https://portal.example/");
    json_t *expect = json_object();
    struct result r = { NULL, NULL };
    assert_int_equal(check_find("cookies.attributes")->judge(obs, expect, &r), ST_ERROR);
    result_release(&r);
    json_decref(expect);
    json_decref(obs);
}

static void test_judge_require_secure(void **state)
{
    (void)state;
    expect_evidence("lang=en; SameSite=Lax", "{}", ST_FAIL, "cookie 'lang' is not Secure");
    assert_int_equal(judge1("lang=en; SameSite=Lax", "{\"require_secure\": false}"), ST_PASS);
    assert_int_equal(judge1("lang=en; Secure", "{}"), ST_PASS);
}

static void test_judge_require_httponly_session(void **state)
{
    (void)state;
    expect_evidence("PHPSESSID=" SECRET "; Secure", "{}", ST_FAIL,
                    "cookie 'PHPSESSID' is a session cookie (the session cookie name of a known "
                    "framework) without HttpOnly");
    assert_int_equal(judge1("PHPSESSID=" SECRET "; Secure",
                            "{\"require_httponly_session\": false}"),
                     ST_PASS);
    assert_int_equal(judge1("PHPSESSID=" SECRET "; Secure; HttpOnly", "{}"), ST_PASS);
    assert_int_equal(judge1("lang=en; Secure", "{}"), ST_PASS); /* not a session cookie */
    /* a persistent cookie with a generic session-like name is not held to HttpOnly */
    assert_int_equal(judge1("session_pref=dark; Secure; Max-Age=600", "{}"), ST_PASS);
    /* a random value and no expiry is */
    expect_evidence("x=" SECRET "; Secure", "{}", ST_FAIL, "random-looking value");
}

static void test_judge_require_samesite(void **state)
{
    (void)state;
    assert_int_equal(judge1("a=b; Secure", "{}"), ST_PASS);
    expect_evidence("a=b; Secure", "{\"require_samesite\": true}", ST_FAIL, "has no SameSite");
    expect_evidence("a=b; Secure; SameSite=Lax2", "{\"require_samesite\": true}", ST_FAIL,
                    "invalid SameSite");
    assert_int_equal(judge1("a=b; Secure; SameSite=Lax2", "{}"), ST_PASS);
    assert_int_equal(judge1("a=b; Secure; SameSite=Strict", "{\"require_samesite\": true}"),
                     ST_PASS);
    assert_int_equal(judge1("a=b; Secure; SameSite=None", "{\"require_samesite\": true}"),
                     ST_PASS);
}

static void test_judge_samesite_none_needs_secure(void **state)
{
    (void)state;
    /* always, whatever the profile says */
    expect_evidence("a=b; SameSite=None", "{\"require_secure\": false}", ST_FAIL,
                    "SameSite=None without Secure, so browsers reject it");
    assert_int_equal(judge1("a=b; SameSite=None; Secure", "{}"), ST_PASS);
}

static void test_judge_prefixes(void **state)
{
    (void)state;
    static const char off[] = "{\"require_secure\": false, \"require_httponly_session\": false}";
    expect_evidence("__Host-id=1; Path=/x; Domain=portal.example", off, ST_FAIL,
                    "has the __Host- prefix but is not Secure, sets Domain, has no Path=/, so "
                    "browsers reject it");
    expect_evidence("__Secure-id=1", off, ST_FAIL, "has the __Secure- prefix but is not Secure");
    assert_int_equal(judge1("__Host-id=1; Secure; Path=/", "{}"), ST_PASS);
    assert_int_equal(judge1("__Secure-id=1; Secure", "{}"), ST_PASS);
}

static void test_judge_forbid_domain(void **state)
{
    (void)state;
    assert_int_equal(judge1("a=b; Secure; Domain=portal.example", "{}"), ST_PASS);
    expect_evidence("a=b; Secure; Domain=.Portal.example", "{\"forbid_domain\": true}", ST_FAIL,
                    "sets Domain=portal.example, so every subdomain receives it");
    assert_int_equal(judge1("a=b; Secure", "{\"forbid_domain\": true}"), ST_PASS);
}

static void test_judge_deletions_and_ignored(void **state)
{
    (void)state;
    /* A deletion is not held to Secure/HttpOnly... */
    char *ev = NULL;
    const char *const del[] = { "PHPSESSID=; Max-Age=0", "old=x; Expires=Thu, 01 Jan 1970 "
                                "00:00:00 GMT", NULL };
    assert_int_equal(judge_ev(del, "{\"require_samesite\": true}", &ev), ST_PASS);
    assert_non_null(strstr(ev, "'PHPSESSID' (a deletion)"));
    free(ev);
    /* ...but one browsers reject (so the old cookie stays) still fails */
    expect_evidence("__Host-sid=; Max-Age=0; Secure", "{}", ST_FAIL, "has no Path=/");
    /* A cookie browsers drop is not judged, but named */
    expect_evidence("a=b; Domain=elsewhere.example", "{}", ST_PASS,
                    "'a' (its Domain does not cover the host)");
    expect_evidence("a=b\x01", "{}", ST_PASS, "contains control characters");
}

static void test_judge_several_cookies(void **state)
{
    (void)state;
    const char *const list[] = { "lang=en; Secure", "sid=" SECRET, "theme=dark; Secure",
                                 "__Secure-x=1", NULL };
    char *ev = NULL;
    assert_int_equal(judge_ev(list, "{}", &ev), ST_FAIL);
    assert_non_null(strstr(ev, "cookie 'sid' is not Secure, is a session cookie"));
    assert_non_null(strstr(ev, "; cookie '__Secure-x' has the __Secure- prefix"));
    assert_null(strstr(ev, "lang"));
    assert_null(strstr(ev, SECRET));
    free(ev);
    const char *const good[] = { "lang=en; Secure", "theme=dark; Secure", NULL };
    assert_int_equal(judge_ev(good, "{}", &ev), ST_PASS);
    assert_string_equal(ev, "2 cookies meet the profile: 'lang', 'theme'");
    free(ev);
}

/* Cookies set on a redirect are recorded with its url, judged, and named as such. */
static void test_record_redirect_hops(void **state)
{
    (void)state;
    static const char *const urls[] = { "https://portal.example/", "https://portal.example/login",
                                        NULL };
    static const char *const hop0[] = { "sid=" SECRET "; Secure", NULL };
    static const char *const hop1[] = { "lang=en; Secure; Max-Age=60", NULL };
    const char *const *const cookies[] = { hop0, hop1 };
    json_t *obs = obs_for(urls, cookies);
    assert_int_equal(cookies_record(obs), 0);
    const json_t *list = json_object_get(obs, "cookies");
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(s_of(json_array_get(list, 0), "url"), "https://portal.example/");
    assert_string_equal(s_of(json_array_get(list, 1), "url"), "https://portal.example/login");
    assert_false(b_of(json_array_get(list, 1), "deletes"));
    /* the raw values are redacted everywhere they were recorded */
    char *s = json_dumps(obs, JSON_COMPACT);
    assert_null(strstr(s, SECRET));
    assert_non_null(strstr(s, "sid=[redacted: 20 bytes]; Secure"));
    assert_non_null(strstr(s, "lang=[redacted: 2 bytes]; Secure; Max-Age=60"));
    free(s);
    /* idempotent */
    assert_int_equal(cookies_record(obs), 0);
    assert_int_equal(json_array_size(json_object_get(obs, "cookies")), 2);
    char *ev = NULL;
    assert_int_equal(judge_obs(obs, "{}", &ev), ST_FAIL);
    assert_non_null(strstr(ev, "cookie 'sid' (set by the redirect at https://portal.example/) "
                               "is a session cookie"));
    free(ev);
    json_decref(obs);
}

static void test_record_domain_match(void **state)
{
    (void)state;
    static const char *const urls[] = { "https://www.portal.example:8443/x", NULL };
    static const char *const set[] = { "a=1; Domain=portal.example",
                                       "b=1; Domain=WWW.portal.example",
                                       "c=1; Domain=ortal.example", "d=1; Domain=other.example",
                                       NULL };
    const char *const *const cookies[] = { set };
    json_t *obs = obs_for(urls, cookies);
    assert_int_equal(cookies_record(obs), 0);
    const json_t *list = json_object_get(obs, "cookies");
    assert_null(json_object_get(json_array_get(list, 0), "ignored"));
    assert_null(json_object_get(json_array_get(list, 1), "ignored"));
    assert_non_null(json_object_get(json_array_get(list, 2), "ignored"));
    assert_non_null(json_object_get(json_array_get(list, 3), "ignored"));
    json_decref(obs);
    /* an IP address host: only the address itself */
    static const char *const ip_urls[] = { "https://127.0.0.1:8443/", NULL };
    static const char *const ip_set[] = { "a=1; Domain=127.0.0.1", "b=1; Domain=0.0.1", NULL };
    const char *const *const ip_cookies[] = { ip_set };
    obs = obs_for(ip_urls, ip_cookies);
    assert_int_equal(cookies_record(obs), 0);
    list = json_object_get(obs, "cookies");
    assert_null(json_object_get(json_array_get(list, 0), "ignored"));
    assert_non_null(json_object_get(json_array_get(list, 1), "ignored"));
    json_decref(obs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_basic),
        cmocka_unit_test(test_parse_attribute_case),
        cmocka_unit_test(test_parse_whitespace),
        cmocka_unit_test(test_parse_quoted_value),
        cmocka_unit_test(test_parse_duplicates_last_wins),
        cmocka_unit_test(test_parse_invalid_samesite),
        cmocka_unit_test(test_parse_prefixes),
        cmocka_unit_test(test_parse_max_age),
        cmocka_unit_test(test_parse_expires),
        cmocka_unit_test(test_parse_no_equals),
        cmocka_unit_test(test_parse_control_characters),
        cmocka_unit_test(test_parse_caps),
        cmocka_unit_test(test_value_never_recorded),
        cmocka_unit_test(test_redact),
        cmocka_unit_test(test_session_like),
        cmocka_unit_test(test_judge_registered),
        cmocka_unit_test(test_judge_no_cookies),
        cmocka_unit_test(test_judge_require_secure),
        cmocka_unit_test(test_judge_require_httponly_session),
        cmocka_unit_test(test_judge_require_samesite),
        cmocka_unit_test(test_judge_samesite_none_needs_secure),
        cmocka_unit_test(test_judge_prefixes),
        cmocka_unit_test(test_judge_forbid_domain),
        cmocka_unit_test(test_judge_deletions_and_ignored),
        cmocka_unit_test(test_judge_several_cookies),
        cmocka_unit_test(test_record_redirect_hops),
        cmocka_unit_test(test_record_domain_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
