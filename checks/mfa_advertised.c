/*
 * mfa_advertised.c — mfa.advertised: what a portal says about its sign-in without an account.
 *
 * The OpenID Connect discovery document (/.well-known/openid-configuration on the target's
 * origin): whether the implicit grant is offered (tokens in the front channel), whether PKCE
 * S256 is supported, which acr/amr values are advertised. And second-factor hints on the login
 * page. Reported as evidence; problems are a warning unless the profile makes them failures.
 * The strict judgement of the same document for the Health NZ API standards is oidc.discovery
 * (checks/oidc.c), whose limits and response-type reader this shares.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "html_form.h"
#include "http.h"
#include "oidc.h"
#include "scan.h"
#include "strbuf.h"
#include "target.h"
#include "url.h"
#include "util.h"

#define HINT_MAX_BODY (256 * 1024)

/* A discovery member as a list of at most OIDC_LIST_MAX short strings; NULL when absent or not
 * a list of strings. New reference. */
static json_t *string_list(const json_t *doc, const char *key)
{
    const json_t *v = json_object_get(doc, key);
    if (!json_is_array(v))
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(v, i, s) {
        if (i >= OIDC_LIST_MAX)
            break;
        if (!json_is_string(s))
            continue;
        size_t n = json_string_length(s);
        json_array_append_new(out, json_string_lossy(json_string_value(s),
                                                     n > OIDC_VALUE_MAX ? OIDC_VALUE_MAX : n));
    }
    return out;
}

/* Does a response type hand out a token without the code flow ("token", "id_token token"…)?
 * Read token by token, as oidc.discovery reads it. */
static int implicit_response_type(const char *rt)
{
    unsigned f = oidc_response_type_flags(rt);
    return (f & (OIDC_RT_TOKEN | OIDC_RT_ID_TOKEN)) && !(f & OIDC_RT_CODE);
}

/* The discovery document's facts: {url, status, present, issuer?, lists…, implicit, pkce_s256}. */
static json_t *oidc_observe(struct scan *scan, const struct target *t)
{
    char *url = target_resolve(t, OIDC_DISCOVERY_PATH);
    json_t *o = json_object();
    if (!url)
        return o;
    json_object_set_new(o, "url", json_string(url));
    struct http_request req = { .url = url, .max_body = OIDC_MAX_BODY };
    struct http_response r;
    struct coc_error e = { "" };
    scan->probes++;
    if (http_fetch(scan, &req, &r, &e) < 0) {
        json_object_set_new(o, "error", json_string_lossy(e.msg, strlen(e.msg)));
        free(url);
        return o;
    }
    json_object_set_new(o, "status", json_integer(r.status));
    json_error_t je;
    json_t *doc = r.status == 200 && !r.body_truncated
                      ? json_loadb(r.body.buf ? r.body.buf : "", r.body.len,
                                   JSON_REJECT_DUPLICATES, &je)
                      : NULL;
    int present = json_is_object(doc) && json_is_string(json_object_get(doc, "issuer"));
    json_object_set_new(o, "present", json_boolean(present));
    if (present) {
        const char *iss = json_string_value(json_object_get(doc, "issuer"));
        size_t n = strlen(iss);
        json_object_set_new(o, "issuer",
                            json_string_lossy(iss, n > OIDC_ISSUER_MAX ? OIDC_ISSUER_MAX : n));
        static const char *const lists[] = { "response_types_supported",
                                             "grant_types_supported",
                                             "code_challenge_methods_supported",
                                             "acr_values_supported", "amr_values_supported",
                                             NULL };
        for (const char *const *k = lists; *k; k++) {
            json_t *l = string_list(doc, *k);
            if (l)
                json_object_set_new(o, *k, l);
        }
        int implicit = json_list_has(json_object_get(o, "grant_types_supported"), "implicit");
        size_t i;
        json_t *rt;
        json_array_foreach(json_object_get(o, "response_types_supported"), i, rt)
            implicit |= implicit_response_type(json_string_value(rt));
        json_object_set_new(o, "implicit", json_boolean(implicit));
        json_object_set_new(o, "pkce_s256",
                            json_boolean(json_list_has(
                                json_object_get(o, "code_challenge_methods_supported"), "S256")));
    }
    json_decref(doc);
    http_response_release(&r);
    free(url);
    return o;
}

/* Second-factor words on the login page (or the start page when no login is configured). */
static json_t *hints_observe(struct scan *scan, const struct target *t)
{
    static const char *const words[] = { "two-factor", "two factor", "2-step", "two-step",
                                         "multi-factor", "multifactor", "authenticator app",
                                         "one-time code", "verification code", "security key",
                                         "passkey", NULL };
    const char *url = t->login ? t->login->form_url : t->url;
    struct http_response r;
    char *final_url = NULL;
    struct coc_error e = { "" };
    json_t *o = json_pack("{s:s, s:[]}", "url", url, "words");
    if (http_get_follow(scan, t->url, url, NULL, 5, HINT_MAX_BODY, NULL, &r, &final_url, &e) < 0) {
        json_object_set_new(o, "error", json_string_lossy(e.msg, strlen(e.msg)));
        return o;
    }
    /* The body is not NUL-terminated text: search a bounded, NUL-free copy. */
    char *text = malloc(r.body.len + 1);
    if (text) {
        for (size_t i = 0; i < r.body.len; i++)
            text[i] = r.body.buf[i] ? r.body.buf[i] : ' ';
        text[r.body.len] = '\0';
        for (const char *const *w = words; *w; w++)
            if (strcasestr(text, *w))
                json_array_append_new(json_object_get(o, "words"), json_string(*w));
        free(text);
    }
    json_t *ch = html_second_factor(r.body.buf, r.body.len);
    json_object_set_new(o, "challenge", ch ? ch : json_null());
    http_response_release(&r);
    free(final_url);
    return o;
}

static int advertised_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (json_object_get(obs, "advertised"))
        return 0;
    json_object_set_new(obs, "advertised", json_pack("{s:o, s:o}", "oidc", oidc_observe(scan, t),
                                                     "hints", hints_observe(scan, t)));
    return 0;
}

static enum status advertised_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *a = json_object_get(obs, "advertised");
    const json_t *oidc = json_object_get(a, "oidc"), *hints = json_object_get(a, "hints");
    if (!a) {
        result_evidencef(r, "no sign-in advertisement observation was recorded");
        return ST_ERROR;
    }
    const json_t *words = json_object_get(hints, "words");
    struct strbuf hint = STRBUF_INIT;
    size_t i;
    json_t *w;
    json_array_foreach(words, i, w)
        strbuf_addf(&hint, "%s\"%s\"", i ? ", " : "", json_string_value(w));
    int present = json_is_true(json_object_get(oidc, "present"));
    r->observed = json_pack("{s:b, s:i}", "oidc", present, "mfa_hints",
                            (int)json_array_size(words));
    if (!present) {
        result_evidencef(r, "no OpenID Connect discovery document; second-factor hints on the "
                            "login page: %s", hint.len ? hint.buf : "none");
        strbuf_release(&hint);
        return ST_SKIPPED;
    }
    struct strbuf bad = STRBUF_INIT;
    if (expect_bool(expect, "forbid_implicit", 1) &&
        json_is_true(json_object_get(oidc, "implicit")))
        strbuf_adds(&bad, "the implicit grant is offered (tokens in the browser's address bar)");
    if (expect_bool(expect, "require_pkce_s256", 1) &&
        !json_is_true(json_object_get(oidc, "pkce_s256")))
        strbuf_addf(&bad, "%sPKCE S256 is not advertised", bad.len ? "; " : "");
    const json_t *acr = json_object_get(oidc, "acr_values_supported");
    json_object_set_new(r->observed, "implicit",
                        json_boolean(json_is_true(json_object_get(oidc, "implicit"))));
    json_object_set_new(r->observed, "pkce_s256",
                        json_boolean(json_is_true(json_object_get(oidc, "pkce_s256"))));
    enum status st = ST_PASS;
    if (bad.len) {
        result_evidencef(r, "OpenID Connect: %s", bad.buf);
        st = expect_bool(expect, "strict", 0) ? ST_FAIL : ST_WARN;
    } else {
        result_evidencef(r, "OpenID Connect without the implicit grant, with PKCE S256; %zu acr "
                            "values advertised; second-factor hints: %s",
                         json_array_size(acr), hint.len ? hint.buf : "none");
    }
    strbuf_release(&bad);
    strbuf_release(&hint);
    return st;
}

static const struct expect_key advertised_keys[] = {
    { "forbid_implicit", EXP_BOOL, NULL,
      "the implicit grant (or a token response type without code) must not be offered "
      "(default true)" },
    { "require_pkce_s256", EXP_BOOL, NULL, "PKCE S256 must be advertised (default true)" },
    { "strict", EXP_BOOL, NULL,
      "a problem is a failure instead of a warning (default false)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_mfa_advertised = {
    .id = "mfa.advertised",
    .family = "mfa",
    .title = "Sign-in as advertised: OpenID Connect without implicit grant, PKCE S256",
    .observe = advertised_observe,
    .judge = advertised_judge,
    .expect_keys = advertised_keys,
};
