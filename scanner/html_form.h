/*
 * html_form.h — what the login driver and the documents checks read from a server's HTML: the
 * login form to fill in, whether a page is a second-factor challenge, the links on a page, its
 * title. Pure functions over untrusted bytes, parsed with libxml2's HTML parser (network off,
 * errors silenced); every value taken from the page is capped.
 */
#ifndef COC_HTML_FORM_H
#define COC_HTML_FORM_H

#include <jansson.h>
#include <stddef.h>

#define HTML_FORM_MAX_FIELDS 64  /* controls kept besides username and password */
#define HTML_FORM_NAME_MAX 256   /* a control with a longer name is ignored */
#define HTML_FORM_VALUE_MAX 4096 /* longer values are cut (at a UTF-8 boundary) */
#define HTML_TITLE_MAX 200

struct html_form_field {
    char *name;
    char *value;
};

/* The login form of a page. Strings are owned by the struct (html_login_form_release). */
struct html_login_form {
    char *action;         /* absolute http(s) URL; NULL when it is not one (javascript:…) */
    char method[5];       /* "GET" or "POST" */
    int multipart;        /* enctype="multipart/form-data" */
    char *username_field; /* NULL when the form has no plausible username input */
    char *password_field; /* the first password input's name; NULL if none or too long */
    size_t n_password;    /* password inputs in the form: 2 or more suggests registration */
    struct html_form_field fields[HTML_FORM_MAX_FIELDS]; /* the rest, in document order */
    size_t n_fields;
    int truncated; /* some controls were left out because of the caps */
};

/*
 * Find the first form holding an <input type=password> and describe how to submit it: action
 * (resolved against <base href> and page_url; empty or missing = page_url), method, the
 * username input (autocomplete=username > type=email > a well-known name or id > the first
 * visible text input before the password), and every other successful control with its value.
 * 1 found, 0 none, -1 allocation failure. On 1 the caller releases *out; otherwise *out is empty.
 */
int html_login_form_find(const char *body, size_t len, const char *page_url,
                         struct html_login_form *out);
/* Free what html_login_form_find stored in f (f itself is the caller's). */
void html_login_form_release(struct html_login_form *f);

/*
 * Is this page a second-factor challenge? {"kind": "otp"|"webauthn", "evidence": "<short
 * human description>"} or NULL. OTP: an input with autocomplete=one-time-code, or a text-like
 * input whose name, id, aria-label, placeholder or label says otp/totp/mfa/2fa/one-time/
 * verification code/authentication code/security code/passcode (password inputs, postcodes and
 * promo codes do not count). WebAuthn: a script calling navigator.credentials.get or using
 * PublicKeyCredential, or "security key"/"passkey" text with a button — only on a page without
 * a password input, where it would be a passkey sign-in rather than a challenge. New object.
 */
json_t *html_second_factor(const char *body, size_t len);

/* Absolute http(s) URLs the page links to (a, area, link, iframe, frame, embed, object,
 * form action, meta refresh), fragment-less, deduplicated, in document order, at most max;
 * relative ones resolved against <base href> and page_url. New array (empty on failure). */
json_t *html_links(const char *body, size_t len, const char *page_url, size_t max);

/* The page's <title>, whitespace collapsed and trimmed, at most HTML_TITLE_MAX bytes, valid
 * UTF-8; NULL when there is none or it is empty. New string. */
json_t *html_title(const char *body, size_t len);

#endif
