/*
 * login.h — signing a test account in through the portal's own login form, the way a browser
 * would: fetch the form page, fill the username and password (from environment variables) and
 * carry every other control (CSRF tokens), post it to the form's action on the same origin,
 * follow the redirects with a cookie jar, and say what came back: the password refused, the
 * portal signed in, or a second-factor challenge. It never guesses or submits a code.
 *
 * Credentials are read from the environment only here, only for the request that needs them,
 * and the buffer holding them is wiped after the post. They never reach a trace, a log line or
 * an error message.
 */
#ifndef COC_LOGIN_H
#define COC_LOGIN_H

#include <jansson.h>

#include "http.h"
#include "target.h"

struct scan;

enum login_outcome {
    LOGIN_SKIPPED,   /* no credentials in the environment: nothing was sent */
    LOGIN_NO_FORM,   /* no usable login form (none, GET, multipart, another origin…) */
    LOGIN_REJECTED,  /* the password step failed: the form came back, or 401/403 */
    LOGIN_SIGNED_IN, /* the password was accepted (a challenge may follow: see challenge) */
    LOGIN_ERROR,     /* transport failure */
};

struct login_result {
    enum login_outcome outcome;
    char why[256];    /* a sentence for the report when not LOGIN_SIGNED_IN */
    json_t *trace;    /* [{step, url, status, location?, set_cookie: [names]}], never values */
    json_t *challenge; /* second factor asked for after the password ({kind, evidence}) or NULL */
    char *final_url;  /* where the password step ended */
    long final_status;
    json_t *form;     /* {action, method, username_field, password_field, fields: [names]} */
};

/* "skipped", "no_form", "rejected", "signed_in" or "error". */
const char *login_outcome_name(enum login_outcome o);

/* Sign acct in on t with a new cookie jar left in *session (caller frees it with
 * http_session_free, also on failure). Fills *out (caller releases). Returns out->outcome. */
enum login_outcome login_run(struct scan *scan, const struct target *t,
                             const struct target_account *acct, struct http_session **session,
                             struct login_result *out);
void login_result_release(struct login_result *r);

enum login_account { LOGIN_FIRST, LOGIN_SECOND };

/*
 * The sign-in of one of t's test accounts, done once per target and shared by the checks that
 * need a session (mfa.*, documents.*). *session is borrowed: NULL unless the outcome is
 * LOGIN_SIGNED_IN. The result stays valid until login_shared_clear. Never NULL.
 */
const struct login_result *login_shared(struct scan *scan, const struct target *t,
                                        enum login_account which, struct http_session **session);
/* Sign out of everything login_shared kept (call when a target is done). */
void login_shared_clear(struct scan *scan);

/* The result as a report object {outcome, why?, form, trace, challenge, final_url, final_status}.
 * New reference. */
json_t *login_result_json(const struct login_result *r);

/* application/x-www-form-urlencoded encoding of name=value pairs (n pairs), in one allocation
 * of exactly the needed size so that no copy of a secret is left behind by a reallocation.
 * Caller wipes (explicit_bzero) and frees; *len gets the length. NULL on ENOMEM. */
char *form_urlencode(const char *const *names, const char *const *values, size_t n, size_t *len);

#endif
