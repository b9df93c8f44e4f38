/*
 * mfa.c — the mfa family: is a second factor enforced, and what does the portal advertise?
 *
 * mfa.enforced signs the test account in with its password alone (scanner/login.c), then asks
 * for the page only a fully signed-in user may see, and for the account's documents directly
 * (forced browsing past the second step, OWASP WSTG-ATHN-11). It passes only when the page is
 * not served *and* a second-factor challenge was seen; a page served after the password alone
 * means MFA is absent or optional. No code is ever guessed or submitted. Without credentials
 * the check is skipped, never passed.
 *
 * mfa.advertised (mfa_advertised.c) needs no account.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "doc_fetch.h"
#include "html_form.h"
#include "http.h"
#include "login.h"
#include "scan.h"
#include "strbuf.h"
#include "target.h"
#include "url.h"
#include "util.h"

#define MFA_MAX_REDIRECTS 5
#define MFA_PAGE_MAX_BODY (256 * 1024)

/* ------------------------------------------------------------------------------------------ */
/* mfa.enforced: observe */

/* Do two URLs name the same path (query and fragment aside)? */
static int same_path(const char *a, const char *b)
{
    struct url_parts ua, ub;
    if (url_split(a, &ua) < 0 || url_split(b, &ub) < 0)
        return 0;
    return url_same_origin(a, b) && ua.path_len == ub.path_len &&
           strncmp(ua.path, ub.path, ua.path_len) == 0;
}

/* Request the protected page with the password-only session: was it served? */
static json_t *probe_protected(struct scan *scan, const struct target *t,
                               struct http_session *sess)
{
    const char *url = t->login->protected_url;
    json_t *trace = json_array();
    struct http_response r;
    char *final_url = NULL;
    struct coc_error e = { "" };
    if (http_get_follow(scan, t->url, url, sess, MFA_MAX_REDIRECTS, MFA_PAGE_MAX_BODY, trace, &r,
                        &final_url, &e) < 0)
        return json_pack("{s:s, s:o, s:o}", "url", url, "trace", trace, "error",
                         json_string_lossy(e.msg, strlen(e.msg)));
    json_t *challenge = html_second_factor(r.body.buf, r.body.len);
    struct html_login_form f;
    int login_form = html_login_form_find(r.body.buf, r.body.len, final_url, &f) == 1;
    if (login_form)
        html_login_form_release(&f);
    int ok = r.status >= 200 && r.status < 300;
    int here = same_path(final_url, url);
    int served = ok && here && !challenge && !login_form;
    const char *how = served                               ? "served"
                      : r.status == 401 || r.status == 403 ? "refused (401/403)"
                      : challenge && !here ? "redirected to a second-factor step"
                      : challenge          ? "a second-factor challenge in its place"
                      : login_form && !here ? "redirected to the login page"
                      : login_form          ? "the login page in its place"
                      : !here               ? "redirected elsewhere"
                                            : "not served (error status)";
    json_t *o = json_pack("{s:s, s:o, s:s%, s:i, s:b, s:s, s:o}", "url", url, "trace", trace,
                          "final_url", final_url, strlen(final_url), "status", (int)r.status,
                          "served", served, "how", how, "challenge",
                          challenge ? challenge : json_null());
    http_response_release(&r);
    free(final_url);
    return o;
}

static int enforced_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (json_object_get(obs, "enforced"))
        return 0;
    json_t *m = json_object();
    json_object_set_new(obs, "enforced", m);
    if (!t->login) {
        json_object_set_new(m, "skipped", json_string("no test account is configured for this "
                                                      "target (login: in a targets file)"));
        return 0;
    }
    struct http_session *sess = NULL;
    const struct login_result *lr = login_shared(scan, t, LOGIN_FIRST, &sess);
    json_object_set_new(m, "login", login_result_json(lr));
    if (sess) {
        json_t *prot = probe_protected(scan, t, sess);
        json_object_set_new(m, "protected", prot);
        /* Forced browsing: the documents, asked for directly by a session that has not passed
         * the second step. Only meaningful when that step exists (the page was withheld). */
        if (!json_is_true(json_object_get(prot, "served")) && t->n_documents) {
            json_t *docs = json_array();
            for (size_t i = 0; i < t->n_documents; i++)
                json_array_append_new(docs, doc_fetch(scan, t, t->documents[i], sess));
            json_object_set_new(m, "documents_password_only", docs);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* mfa.enforced: judge */

static enum status enforced_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *m = json_object_get(obs, "enforced");
    if (!m) {
        result_evidencef(r, "no MFA observation was recorded");
        return ST_ERROR;
    }
    const char *skipped = json_string_value(json_object_get(m, "skipped"));
    if (skipped) {
        r->observed = json_string("no test account");
        result_evidencef(r, "%s", skipped);
        return ST_SKIPPED;
    }
    const json_t *login = json_object_get(m, "login");
    const char *outcome = json_string_value(json_object_get(login, "outcome"));
    const char *why = json_string_value(json_object_get(login, "why"));
    r->observed = json_pack("{s:s}", "login", outcome ? outcome : "?");
    if (!outcome || strcmp(outcome, "signed_in") != 0) {
        result_evidencef(r, "the password step could not be completed: %s",
                         why ? why : "no login result");
        return outcome && strcmp(outcome, "skipped") == 0 ? ST_SKIPPED : ST_ERROR;
    }
    const json_t *prot = json_object_get(m, "protected");
    const char *perr = json_string_value(json_object_get(prot, "error"));
    if (!prot || perr) {
        result_evidencef(r, "requesting the protected page failed: %s", perr ? perr : "?");
        return ST_ERROR;
    }
    const char *purl = json_string_value(json_object_get(prot, "url"));
    const char *how = json_string_value(json_object_get(prot, "how"));
    json_object_set_new(r->observed, "protected", json_string(how ? how : "?"));
    if (json_is_true(json_object_get(prot, "served"))) {
        result_evidencef(r, "after the password alone, %s was served (status %lld): a second "
                            "factor is absent or optional for this account",
                         purl, json_integer_value(json_object_get(prot, "status")));
        return ST_FAIL;
    }
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(m, "documents_password_only"), i, d) {
        if (json_is_true(json_object_get(d, "served"))) {
            json_object_set_new(r->observed, "document_served", json_true());
            result_evidencef(r, "the second step can be skipped: %s was served (%s) to a "
                                "session that had passed only the password step",
                             json_string_value(json_object_get(d, "url")),
                             json_string_value(json_object_get(d, "how")));
            return ST_FAIL;
        }
    }
    const json_t *ch = json_object_get(prot, "challenge");
    if (!json_is_object(ch))
        ch = json_object_get(login, "challenge");
    if (json_is_object(ch)) {
        json_object_set(r->observed, "challenge", json_object_get(ch, "kind"));
        result_evidencef(r, "after the password alone, %s was withheld (%s) and a second factor "
                            "was asked for (%s)",
                         purl, how, json_string_value(json_object_get(ch, "evidence")));
        return ST_PASS;
    }
    if (!expect_bool(expect, "require_challenge", 1)) {
        result_evidencef(r, "after the password alone, %s was withheld (%s); no second-factor "
                            "challenge was recognised, which the profile allows", purl, how);
        return ST_PASS;
    }
    result_evidencef(r, "after the password alone, %s was withheld (%s), but no second-factor "
                        "challenge was recognised: cannot tell enforced MFA from a failed "
                        "sign-in", purl, how);
    return ST_ERROR;
}

static const struct expect_key enforced_keys[] = {
    { "require_challenge", EXP_BOOL, NULL,
      "a second-factor challenge must be recognised for a pass, not only the page withheld "
      "(default true)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_mfa_enforced = {
    .id = "mfa.enforced",
    .family = "mfa",
    .title = "A second factor is enforced: the password alone opens nothing",
    .observe = enforced_observe,
    .judge = enforced_judge,
    .expect_keys = enforced_keys,
};
