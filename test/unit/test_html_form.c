/*
 * test_html_form.c — the login form is found the way a person would find it (the form with the
 * password, not the search box before it), submitted where the browser would submit it (<base
 * href>, empty action), with exactly the controls a browser would send; second-factor pages
 * are told apart from login pages, postcodes and promo codes; links and titles come out
 * absolute, deduplicated, capped and valid UTF-8; hostile pages neither crash nor hang.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "html_form.h"

#define PORTAL "https://portal.example.nz"

/* A Java (j_security_check) portal: a search form first, CSRF token, odd names, extras. */
static const char page_java[] =
    "<!DOCTYPE html><html><head><title>MyPractice Patient Portal - Sign in</title></head><body>"
    "<form action=\"/search\" method=\"get\" class=\"site-search\">"
    "<input type=\"search\" name=\"q\" placeholder=\"Search\"><button>Go</button></form>"
    "<form id=\"loginForm\" action=\"j_security_check\" method=\"post\" autocomplete=\"off\">"
    "<input type=\"hidden\" name=\"_csrf\" value=\"4f1c2a9e-8d7b-4e0a-9b1c-3f2e1d0c9b8a\">"
    "<div class=\"row\"><label for=\"u\">NHI or email</label>"
    "<input type=\"text\" id=\"u\" name=\"j_username\" autofocus></div>"
    "<div class=\"row\"><label for=\"p\">Password</label>"
    "<input type=\"password\" id=\"p\" name=\"pw\"></div>"
    "<input type=\"checkbox\" name=\"remember\" value=\"1\" checked>"
    "<input type=\"checkbox\" name=\"marketing\" value=\"yes\">"
    "<input type=\"radio\" name=\"site\" value=\"a\"><input type=\"radio\" name=\"site\" "
    "value=\"b\" checked>"
    "<select name=\"lang\"><option value=\"en\">English</option>"
    "<option value=\"mi\" selected>M&#257;ori</option></select>"
    "<textarea name=\"note\">\nhello &amp; bye</textarea>"
    "<input type=\"text\" name=\"old\" value=\"x\" disabled>"
    "<input type=\"file\" name=\"upload\"><input type=\"reset\" name=\"r\">"
    "<button type=\"button\" name=\"show\">Show</button>"
    "<input type=\"hidden\" value=\"no-name\">"
    "<input type=\"submit\" name=\"login\" value=\"Sign in\">"
    "<input type=\"submit\" name=\"cancel\" value=\"Cancel\">"
    "</form></body></html>";

/* Microsoft-style sign-in: type=email name=loginfmt, an absolute action on another host. */
static const char page_microsoft[] =
    "<html><body><form name=\"f1\" id=\"i0281\" novalidate=\"novalidate\" spellcheck=\"false\" "
    "method=\"post\" target=\"_top\" autocomplete=\"off\" "
    "action=\"https://login.microsoftonline.com/common/login\">"
    "<input type=\"hidden\" name=\"i13\" value=\"0\">"
    "<input type=\"email\" name=\"loginfmt\" id=\"i0116\" maxlength=\"113\" "
    "class=\"form-control\" placeholder=\"Email, phone, or Skype\">"
    "<input name=\"passwd\" type=\"password\" id=\"i0118\" autocomplete=\"off\">"
    "<input type=\"hidden\" name=\"ctx\" value=\"rQQIARAAhZ\">"
    "<input type=\"hidden\" name=\"flowToken\" value=\"AQABAAEAAAD--x\">"
    "<input type=\"hidden\" name=\"canary\" value=\"k1+abc/def=\">"
    "<input type=\"submit\" id=\"idSIButton9\" class=\"btn\" value=\"Sign in\">"
    "</form></body></html>";

/* A relative action under <base href>, a named <button> submitter. */
static const char page_base[] =
    "<html><head><base href=\"https://portal.example.nz/app/v2/\"></head><body>"
    "<form method=\"POST\" action=\"auth/login\">"
    "<input name=\"email\" type=\"text\"><input name=\"password\" type=\"password\">"
    "<button type=\"submit\" name=\"action\" value=\"login\">Log in</button></form>"
    "</body></html>";

static void expect_field(const struct html_login_form *f, size_t i, const char *name,
                         const char *value)
{
    if (i >= f->n_fields)
        fail_msg("field %zu (%s) missing: only %zu", i, name, f->n_fields);
    assert_string_equal(f->fields[i].name, name);
    assert_string_equal(f->fields[i].value, value);
}

static void find(const char *page, size_t len, const char *url, struct html_login_form *f)
{
    assert_int_equal(html_login_form_find(page, len, url, f), 1);
}

static void test_login_java_portal(void **state)
{
    (void)state;
    struct html_login_form f;
    find(page_java, sizeof page_java - 1, PORTAL "/portal/login?next=%2Fhome", &f);
    assert_string_equal(f.action, PORTAL "/portal/j_security_check");
    assert_string_equal(f.method, "POST");
    assert_false(f.multipart);
    assert_string_equal(f.username_field, "j_username");
    assert_string_equal(f.password_field, "pw");
    assert_int_equal(f.n_password, 1);
    expect_field(&f, 0, "_csrf", "4f1c2a9e-8d7b-4e0a-9b1c-3f2e1d0c9b8a");
    expect_field(&f, 1, "remember", "1");
    expect_field(&f, 2, "site", "b");
    expect_field(&f, 3, "lang", "mi");
    expect_field(&f, 4, "note", "hello & bye");
    expect_field(&f, 5, "login", "Sign in");
    assert_int_equal(f.n_fields, 6);
    assert_false(f.truncated);
    html_login_form_release(&f);
    assert_null(f.action);
}

static void test_login_microsoft_style(void **state)
{
    (void)state;
    struct html_login_form f;
    find(page_microsoft, sizeof page_microsoft - 1, "https://login.example.nz/", &f);
    assert_string_equal(f.action, "https://login.microsoftonline.com/common/login");
    assert_string_equal(f.username_field, "loginfmt");
    assert_string_equal(f.password_field, "passwd");
    expect_field(&f, 0, "i13", "0");
    expect_field(&f, 1, "ctx", "rQQIARAAhZ");
    expect_field(&f, 2, "flowToken", "AQABAAEAAAD--x");
    expect_field(&f, 3, "canary", "k1+abc/def=");
    assert_int_equal(f.n_fields, 4); /* the unnamed submit button sends nothing */
    html_login_form_release(&f);
}

static void test_login_base_href_and_button(void **state)
{
    (void)state;
    struct html_login_form f;
    find(page_base, sizeof page_base - 1, PORTAL "/login", &f);
    assert_string_equal(f.action, PORTAL "/app/v2/auth/login");
    assert_string_equal(f.method, "POST");
    assert_string_equal(f.username_field, "email");
    assert_string_equal(f.password_field, "password");
    expect_field(&f, 0, "action", "login");
    assert_int_equal(f.n_fields, 1);
    html_login_form_release(&f);
}

static void test_login_action_defaults(void **state)
{
    (void)state;
    struct html_login_form f;
    /* an empty action is the document's URL (not <base>), fragment dropped; GET by default */
    const char *p = "<base href=\"https://cdn.example/\"><form action=\"  \">"
                    "<input name=nhi><input type=password name=pin></form>";
    find(p, strlen(p), PORTAL "/signin?x=1#top", &f);
    assert_string_equal(f.action, PORTAL "/signin?x=1");
    assert_string_equal(f.method, "GET");
    assert_string_equal(f.username_field, "nhi"); /* the first text input before the password */
    html_login_form_release(&f);

    p = "<form method=dialog enctype=multipart/form-data><input type=password name=pin>"
        "<input name=nhi></form>";
    find(p, strlen(p), PORTAL "/", &f);
    assert_string_equal(f.action, PORTAL "/");
    assert_string_equal(f.method, "GET");
    assert_true(f.multipart);
    assert_null(f.username_field); /* a plain text input after the password is not it */
    expect_field(&f, 0, "nhi", "");
    html_login_form_release(&f);

    p = "<form action=\"javascript:doLogin()\" method=post><input name=user>"
        "<input type=password></form>";
    find(p, strlen(p), PORTAL "/", &f);
    assert_null(f.action);
    assert_null(f.password_field); /* a password input without a name */
    html_login_form_release(&f);

    p = "<form action=/x><input name=user><input type=password name=p></form>";
    find(p, strlen(p), NULL, &f);
    assert_null(f.action); /* nothing to resolve against */
    html_login_form_release(&f);
}

static void test_login_username_priority(void **state)
{
    (void)state;
    struct html_login_form f;
    const char *p = "<form><input name=first><input name=username><input type=email "
                    "name=contact><input name=who autocomplete=\"section-a username\">"
                    "<input type=password name=p></form>";
    find(p, strlen(p), PORTAL "/", &f);
    assert_string_equal(f.username_field, "who");
    html_login_form_release(&f);
    p = "<form><input name=first><input name=username><input type=email name=contact>"
        "<input type=password name=p></form>";
    find(p, strlen(p), PORTAL "/", &f);
    assert_string_equal(f.username_field, "contact");
    html_login_form_release(&f);
    p = "<form><input name=first><input name=x id=UserID><input type=password name=p></form>";
    find(p, strlen(p), PORTAL "/", &f);
    assert_string_equal(f.username_field, "x");
    expect_field(&f, 0, "first", "");
    html_login_form_release(&f);
    p = "<form><input type=hidden name=username value=alice><input type=password name=p>"
        "</form>"; /* a second step: the username travels hidden, as it is */
    find(p, strlen(p), PORTAL "/", &f);
    assert_null(f.username_field);
    expect_field(&f, 0, "username", "alice");
    html_login_form_release(&f);
}

static void test_login_registration_and_none(void **state)
{
    (void)state;
    struct html_login_form f;
    const char *p = "<form method=post><input name=given_name><input type=email name=mail>"
                    "<input type=password name=pw1><input type=password name=pw2></form>";
    find(p, strlen(p), PORTAL "/register", &f);
    assert_int_equal(f.n_password, 2);
    assert_string_equal(f.password_field, "pw1");
    assert_int_equal(f.n_fields, 1); /* neither password goes into fields */
    html_login_form_release(&f);

    const char *none[] = {
        "<form><input name=q></form>",
        "<input type=password name=orphan>",
        "<p>Sign in with your password</p>",
        "",
    };
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        assert_int_equal(html_login_form_find(none[i], strlen(none[i]), PORTAL "/", &f), 0);
        assert_null(f.action);
    }
    assert_int_equal(html_login_form_find(NULL, 0, PORTAL "/", &f), 0);
}

static void test_login_select_defaults(void **state)
{
    (void)state;
    struct html_login_form f;
    const char *p = "<form><select name=a><option>First</option><option>Second</option>"
                    "</select><select name=m multiple><option value=1 selected><option "
                    "value=2><option value=3 selected></select><select name=none multiple>"
                    "<option value=z></select><select name=e></select>"
                    "<input type=password name=p></form>";
    find(p, strlen(p), PORTAL "/", &f);
    expect_field(&f, 0, "a", "First");
    expect_field(&f, 1, "m", "1");
    expect_field(&f, 2, "m", "3");
    assert_int_equal(f.n_fields, 3);
    html_login_form_release(&f);
}

static void test_login_caps(void **state)
{
    (void)state;
    struct html_login_form f;
    size_t big = 1 << 20, cap = big + 8192;
    char *p = malloc(cap);
    assert_non_null(p);
    size_t n = (size_t)snprintf(p, cap, "<form><input type=hidden name=tok value=\"");
    memset(p + n, 'A', big);
    n += big;
    n += (size_t)snprintf(p + n, cap - n, "\"><input name=\"");
    memset(p + n, 'n', 300); /* a 300-byte name is skipped */
    n += 300;
    n += (size_t)snprintf(p + n, cap - n, "\"><input type=password name=p>");
    for (int i = 0; i < 80; i++)
        n += (size_t)snprintf(p + n, cap - n, "<input type=hidden name=h%d value=%d>", i, i);
    n += (size_t)snprintf(p + n, cap - n, "</form>");
    find(p, n, PORTAL "/", &f);
    assert_int_equal(f.n_fields, HTML_FORM_MAX_FIELDS);
    assert_int_equal(strlen(f.fields[0].value), HTML_FORM_VALUE_MAX);
    expect_field(&f, 1, "h0", "0");
    expect_field(&f, HTML_FORM_MAX_FIELDS - 1, "h62", "62");
    assert_true(f.truncated);
    html_login_form_release(&f);
    free(p);

    /* a value cut at the cap keeps whole UTF-8 characters */
    p = malloc(cap);
    assert_non_null(p);
    n = (size_t)snprintf(p, cap, "<meta charset=utf-8><form><input type=hidden name=t value=\"A");
    for (int i = 0; i < 3000; i++) {
        memcpy(p + n, "\xC4\x81", 2);
        n += 2;
    }
    n += (size_t)snprintf(p + n, cap - n, "\"><input type=password name=p></form>");
    find(p, n, PORTAL "/", &f);
    assert_int_equal(strlen(f.fields[0].value), HTML_FORM_VALUE_MAX - 1);
    html_login_form_release(&f);
    free(p);
}

static void test_login_hostile(void **state)
{
    (void)state;
    struct html_login_form f;
    /* a NUL byte does not hide what follows it */
    static const char nul[] = "<html><body><h1>Sign in</h1>\0\0<form method=post>"
                              "<input name=user><input type=password name=pw></form>";
    find(nul, sizeof nul - 1, PORTAL "/", &f);
    assert_string_equal(f.username_field, "user");
    html_login_form_release(&f);
    /* invalid UTF-8 in a value comes back as bytes; the parser falls back to Latin-1 */
    static const char bad[] = "<form><input type=hidden name=t value=\"a\xff\xfe"
                              "z\"><input type=password name=pw></form>";
    find(bad, sizeof bad - 1, PORTAL "/", &f);
    assert_string_equal(f.fields[0].name, "t");
    html_login_form_release(&f);
    /* deep nesting: no crash, bounded (libxml2 gives up past depth 256) */
    size_t depth = 100000, n = 0;
    char *deep = malloc(depth * 5 + 128);
    assert_non_null(deep);
    for (size_t i = 0; i < depth; i++, n += 5)
        memcpy(deep + n, "<div>", 5);
    n += (size_t)snprintf(deep + n, 128, "<form><input type=password name=p></form>");
    assert_true(html_login_form_find(deep, n, PORTAL "/", &f) >= 0);
    html_login_form_release(&f);
    json_t *t = html_title(deep, n);
    json_decref(t);
    json_decref(html_links(deep, n, PORTAL "/", 10));
    json_decref(html_second_factor(deep, n));
    free(deep);
}

/* n bytes of: prefix (once), then unit repeated. Caller frees. */
static char *repeat(const char *prefix, const char *unit, size_t n, size_t *len)
{
    char *b = malloc(n + 1);
    assert_non_null(b);
    size_t k = strlen(prefix), u = strlen(unit);
    memcpy(b, prefix, k);
    for (; k + u <= n; k += u)
        memcpy(b + k, unit, u);
    b[k] = '\0';
    *len = k;
    return b;
}

/* Shapes that make a naive walk quadratic (each would take minutes at 2 MiB): many inputs in
 * nested labels, many selects, many links. They must come back promptly. */
static void test_hostile_shapes(void **state)
{
    (void)state;
    size_t n;
    char *p = repeat("<label><label><label><label><label><label><label><label>", "<input name=x>",
                     2 << 20, &n);
    json_decref(html_second_factor(p, n));
    free(p);
    p = repeat("<form><input type=password name=p>", "<select name=s><option>a</option>", 2 << 20,
               &n);
    struct html_login_form f;
    assert_int_equal(html_login_form_find(p, n, PORTAL "/", &f), 1);
    assert_true(f.n_fields <= HTML_FORM_MAX_FIELDS);
    html_login_form_release(&f);
    free(p);
    p = repeat("", "<a href=\"/x\"><a href=\"/y\">", 2 << 20, &n);
    json_t *l = html_links(p, n, PORTAL "/", 1000);
    assert_int_equal(json_array_size(l), 2);
    json_decref(l);
    free(p);
}

/* ---- second factor ---- */

static void expect_factor(const char *page, const char *kind, const char *evidence)
{
    json_t *o = html_second_factor(page, strlen(page));
    if (!o)
        fail_msg("no second factor found in %s", page);
    assert_string_equal(json_string_value(json_object_get(o, "kind")), kind);
    const char *ev = json_string_value(json_object_get(o, "evidence"));
    if (!ev || !strstr(ev, evidence))
        fail_msg("evidence \"%s\" lacks \"%s\"", ev ? ev : "NULL", evidence);
    json_decref(o);
}

static void expect_no_factor(const char *page)
{
    json_t *o = html_second_factor(page, strlen(page));
    if (o) {
        char *s = json_dumps(o, 0);
        fail_msg("second factor %s found in %s", s, page);
    }
}

static void test_factor_otp(void **state)
{
    (void)state;
    expect_factor("<form method=post><label for=code>Enter the 6-digit code we sent</label>"
                  "<input id=code name=code type=text inputmode=numeric "
                  "autocomplete=one-time-code maxlength=6><button>Verify</button></form>",
                  "otp", "input name=code autocomplete=one-time-code");
    expect_factor("<form><label for=totp>Authentication code</label>"
                  "<input type=text name=totp_code id=totp></form>",
                  "otp", "input name=totp_code (name says \"totp\")");
    expect_factor("<form><label for=t1>Verification code</label>"
                  "<input type=text name=token id=t1></form>",
                  "otp", "(label says \"verification code\")");
    expect_factor("<form><label>Security code <input name=c></label></form>", "otp",
                  "(label says \"security code\")");
    expect_factor("<input placeholder=\"Enter verification code\" name=v>", "otp", "placeholder");
    expect_factor("<input aria-label=\"One-time passcode\" name=x>", "otp", "aria-label");
    expect_factor("<input name=mfaCode>", "otp", "\"mfa\"");
    expect_factor("<input id=OTPInput type=tel>", "otp", "input id=OTPInput");
    expect_factor("<input name=2fa_token type=number>", "otp", "\"2fa\"");
    /* an OTP step on the same page as the password is still an OTP input */
    expect_factor("<form><input name=user><input type=password name=pw>"
                  "<input name=otp></form>",
                  "otp", "input name=otp");
}

static void test_factor_webauthn(void **state)
{
    (void)state;
    expect_factor("<h1>Use your security key</h1><script>"
                  "navigator.credentials.get({publicKey: opts}).then(done);</script>",
                  "webauthn", "navigator.credentials.get");
    expect_factor("<script>if (window.PublicKeyCredential) start();</script>", "webauthn",
                  "PublicKeyCredential");
    expect_factor("<p>Insert your security key and touch it.</p><button>Continue</button>",
                  "webauthn", "security key");
    expect_factor("<p>Sign in with your passkey</p><input type=submit value=Go>", "webauthn",
                  "passkey");
    /* words alone, without a button, are not a prompt */
    expect_no_factor("<p>We now support passkeys.</p>");
}

static void test_factor_negatives(void **state)
{
    (void)state;
    expect_no_factor(page_java);
    expect_no_factor(page_microsoft);
    expect_no_factor(page_base);
    expect_no_factor("<label for=pc>Postcode</label><input name=postcode id=pc>");
    expect_no_factor("<label for=pc>Post code</label><input name=post_code id=pc>");
    expect_no_factor("<input name=promo_code placeholder=\"Promo code\">");
    expect_no_factor("<input name=footprint><input name=hotpink>");
    expect_no_factor("<label for=p>Passcode</label><input type=password name=p id=p>");
    expect_no_factor("<input type=hidden name=mfa_state value=1>");
    expect_no_factor("<label for=c>Enter the security code shown</label>"
                     "<input name=captcha_text id=c>");
    /* a passkey sign-in offered on the password page is not a challenge */
    expect_no_factor("<form><input name=user autocomplete=\"username webauthn\">"
                     "<input type=password name=pw><button>Sign in</button></form>"
                     "<script>navigator.credentials.get({mediation:'conditional'})</script>");
    expect_no_factor("");
    assert_null(html_second_factor(NULL, 0));
}

/* ---- links and title ---- */

static void test_links(void **state)
{
    (void)state;
    const char *p =
        "<html><head><base href=\"/docs/\"><link rel=stylesheet href=\"/s.css\">"
        "<meta http-equiv=\"Refresh\" content=\"5; URL='next.html'\"></head><body>"
        "<a href=\"a.pdf#page=2\">a</a><a href=\"a.pdf\">again</a>"
        "<a href=\"javascript:void(0)\">js</a><a href=\"mailto:x@y\">m</a><a href=\"#top\">t</a>"
        "<a href=\"data:text/plain,hi\">d</a><a>no href</a><a href=\"\">empty</a>"
        "<area href=\"../map\"><iframe src=\"//cdn.example/frame\"></iframe>"
        "<frame src=\"f.html\"><embed src=\"e.swf\"><object data=\"o.bin\"></object>"
        "<form action=\"/login\"></form><form action=\"\"></form>"
        "<img src=\"not-a-link.png\"></body></html>";
    json_t *l = html_links(p, strlen(p), PORTAL "/index.html", 100);
    const char *want[] = {
        PORTAL "/s.css",      PORTAL "/docs/next.html",    PORTAL "/docs/a.pdf",
        PORTAL "/docs/", /* "#top" against <base href>, where a browser would go */
        PORTAL "/map",        "https://cdn.example/frame", PORTAL "/docs/f.html",
        PORTAL "/docs/e.swf", PORTAL "/docs/o.bin",        PORTAL "/login",
    };
    assert_int_equal(json_array_size(l), sizeof want / sizeof *want);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_string_equal(json_string_value(json_array_get(l, i)), want[i]);
    json_decref(l);

    l = html_links(p, strlen(p), PORTAL "/index.html", 2);
    assert_int_equal(json_array_size(l), 2);
    json_decref(l);
    l = html_links(p, strlen(p), PORTAL "/", 0);
    assert_int_equal(json_array_size(l), 0);
    json_decref(l);
    /* without a page URL only absolute links survive (not even "//host/x") */
    l = html_links(p, strlen(p), NULL, 100);
    assert_int_equal(json_array_size(l), 0);
    json_decref(l);
    const char *abs = "<a href=\"HTTPS://Other.Example/x#y\">x</a><a href=\"y\">y</a>";
    l = html_links(abs, strlen(abs), NULL, 100);
    assert_int_equal(json_array_size(l), 1);
    assert_string_equal(json_string_value(json_array_get(l, 0)), "https://other.example/x");
    json_decref(l);
    l = html_links("", 0, PORTAL "/", 10);
    assert_true(json_is_array(l));
    json_decref(l);

    const char *r = "<meta http-equiv=refresh content=\"0;url=https://other.example/x\">"
                    "<meta http-equiv=refresh content=\"3\">";
    l = html_links(r, strlen(r), PORTAL "/", 10);
    assert_int_equal(json_array_size(l), 1);
    assert_string_equal(json_string_value(json_array_get(l, 0)), "https://other.example/x");
    json_decref(l);
}

static void test_title(void **state)
{
    (void)state;
    json_t *t = html_title(page_java, sizeof page_java - 1);
    assert_string_equal(json_string_value(t), "MyPractice Patient Portal - Sign in");
    json_decref(t);
    const char *p = "<title>\n   Patient\t\n  Portal   </title>";
    t = html_title(p, strlen(p));
    assert_string_equal(json_string_value(t), "Patient Portal");
    json_decref(t);
    assert_null(html_title("<title>  </title>", 17));
    assert_null(html_title("<p>no title</p>", 15));
    assert_null(html_title("", 0));

    char buf[1200];
    size_t n = (size_t)snprintf(buf, sizeof buf, "<meta charset=utf-8><title>");
    for (int i = 0; i < 300; i++, n += 2)
        memcpy(buf + n, "\xC4\x81", 2);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "</title>");
    t = html_title(buf, n);
    assert_int_equal(json_string_length(t), HTML_TITLE_MAX);
    json_decref(t);

    static const char bad[] = "<title>caf\xe9 \xff\0x</title>";
    t = html_title(bad, sizeof bad - 1);
    assert_non_null(t);
    char *s = json_dumps(t, JSON_ENCODE_ANY);
    assert_non_null(s);
    free(s);
    json_decref(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_java_portal),
        cmocka_unit_test(test_login_microsoft_style),
        cmocka_unit_test(test_login_base_href_and_button),
        cmocka_unit_test(test_login_action_defaults),
        cmocka_unit_test(test_login_username_priority),
        cmocka_unit_test(test_login_registration_and_none),
        cmocka_unit_test(test_login_select_defaults),
        cmocka_unit_test(test_login_caps),
        cmocka_unit_test(test_login_hostile),
        cmocka_unit_test(test_hostile_shapes),
        cmocka_unit_test(test_factor_otp),
        cmocka_unit_test(test_factor_webauthn),
        cmocka_unit_test(test_factor_negatives),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_title),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
