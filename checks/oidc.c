/*
 * oidc.c — oidc.discovery: what an OpenID Provider on the target's origin says it allows.
 *
 * One GET of /.well-known/openid-configuration (OpenID Connect Discovery 1.0 §4), following
 * redirects only on the target's origin, body capped. The document's issuer and its
 * response_types_supported, grant_types_supported, code_challenge_methods_supported (RFC 8414)
 * and token_endpoint_auth_methods_supported are recorded as facts. The judge fails on a flow
 * that returns tokens from the authorization endpoint — the implicit flow ("token",
 * "id_token", "id_token token") and the hybrid flows ("code id_token", "code token", …), which
 * the OAuth 2.0 Security BCP (RFC 9700) retires — and on PKCE methods the profile requires but
 * the provider does not advertise.
 *
 * The document comes from a server we do not control: a body that is not JSON, is too large,
 * or has members of the wrong type or implausible size is an observation error (the check then
 * reports `error`, never a pass). No document at all (404, an SPA's HTML page, a redirect off
 * the origin) is a fact: skipped, or a failure when the profile requires one.
 */
#include "oidc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "http.h"
#include "scan.h"
#include "strbuf.h"
#include "target.h"
#include "url.h"
#include "util.h"

#define OIDC_ID "oidc.discovery"
#define OIDC_MAX_REDIRECTS 3
#define OIDC_CTYPE_MAX 200

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "a list";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "something else";
}

unsigned oidc_response_type_flags(const char *rt)
{
    static const struct {
        const char *word;
        unsigned flag;
    } words[] = {
        { "code", OIDC_RT_CODE },
        { "token", OIDC_RT_TOKEN },
        { "id_token", OIDC_RT_ID_TOKEN },
        { "none", OIDC_RT_NONE },
    };
    unsigned flags = 0;
    for (const char *p = rt; p && *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == 0)
            break;
        unsigned f = OIDC_RT_OTHER;
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (ascii_casecmp_n(p, n, words[i].word) == 0)
                f = words[i].flag;
        flags |= f;
        p += n;
    }
    return flags;
}

/* Copy the list member `key` of doc into out, checking its type and bounds. 0 ok (also when
 * absent and not required), -1 with e set. */
static int copy_list(const json_t *doc, const char *key, int required, json_t *out,
                     struct coc_error *e)
{
    const json_t *v = json_object_get(doc, key);
    if (!v)
        return required ? coc_fail(e, "no %s (REQUIRED by OpenID Connect Discovery)", key) : 0;
    if (!json_is_array(v))
        return coc_fail(e, "%s is %s, not a list of strings", key, json_kind(v));
    if (json_array_size(v) > OIDC_LIST_MAX)
        return coc_fail(e, "%s has %zu entries (more than %d)", key, json_array_size(v),
                        OIDC_LIST_MAX);
    json_t *copy = json_array();
    if (!copy || json_object_set_new(out, key, copy) < 0)
        return coc_fail(e, "out of memory");
    size_t i;
    const json_t *s;
    json_array_foreach(v, i, s) {
        if (!json_is_string(s))
            return coc_fail(e, "%s[%zu] is %s, not a string", key, i, json_kind(s));
        if (json_string_length(s) > OIDC_VALUE_MAX)
            return coc_fail(e, "%s[%zu] is longer than %d bytes", key, i, OIDC_VALUE_MAX);
        if (json_array_append_new(copy, json_string(json_string_value(s))) < 0)
            return coc_fail(e, "out of memory");
    }
    return 0;
}

int oidc_discovery_parse(const char *body, size_t len, json_t *out, struct coc_error *e)
{
    static const char *const optional[] = { "grant_types_supported",
                                            "code_challenge_methods_supported",
                                            "token_endpoint_auth_methods_supported", NULL };
    json_error_t je;
    /* Without JSON_ALLOW_NUL jansson refuses NUL in strings, and it checks UTF-8: every string
     * it returns is safe to put in a report as is. */
    json_t *doc = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &je);
    int rc = -1;
    if (!doc)
        return coc_fail(e, "not valid JSON: %s (line %d, column %d)", je.text, je.line,
                        je.column);
    if (!json_is_object(doc)) {
        coc_fail(e, "the document is %s, not a JSON object", json_kind(doc));
        goto out;
    }
    const json_t *iss = json_object_get(doc, "issuer");
    if (!iss) {
        coc_fail(e, "no issuer (REQUIRED by OpenID Connect Discovery)");
        goto out;
    }
    if (!json_is_string(iss) || json_string_length(iss) == 0) {
        coc_fail(e, "issuer is %s, not a URL", json_is_string(iss) ? "empty" : json_kind(iss));
        goto out;
    }
    if (json_string_length(iss) > OIDC_ISSUER_MAX) {
        coc_fail(e, "issuer is longer than %d bytes", OIDC_ISSUER_MAX);
        goto out;
    }
    if (json_object_set_new(out, "issuer", json_string(json_string_value(iss))) < 0) {
        coc_fail(e, "out of memory");
        goto out;
    }
    if (copy_list(doc, "response_types_supported", 1, out, e) < 0)
        goto out;
    for (const char *const *k = optional; *k; k++)
        if (copy_list(doc, *k, 0, out, e) < 0)
            goto out;
    rc = 0;
out:
    json_decref(doc);
    return rc;
}

/* No document: a fact, not an error. Releases why; returns 0. */
static int absent(json_t *d, struct strbuf *why)
{
    json_object_set_new(d, "present", json_false());
    json_object_set_new(d, "absent_reason", json_string_lossy(why->buf, why->len));
    strbuf_release(why);
    return 0;
}

/* An HTML page in place of the document: the content type says so, or the body starts with
 * '<' (an SPA serving index.html for every path). */
static int looks_html(const char *ctype, const struct strbuf *body)
{
    if (ctype && strcasestr(ctype, "html"))
        return 1;
    for (size_t i = 0; i < body->len; i++) {
        char c = body->buf[i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return c == '<';
    }
    return 0;
}

/* Record what the final response says into d; 0, or -1 after obs_error. */
static int record_answer(json_t *obs, json_t *d, const char *scope, const char *url,
                         const struct http_response *resp)
{
    long st = resp->status;
    const char *ctype = http_header_first(resp, "content-type");
    if (ctype) {
        size_t n = strlen(ctype);
        json_object_set_new(d, "content_type",
                            json_string_lossy(ctype, n > OIDC_CTYPE_MAX ? OIDC_CTYPE_MAX : n));
    }
    struct strbuf why = STRBUF_INIT;
    if (st >= 300 && st < 400) {
        if (!resp->location)
            strbuf_addf(&why, "answered %ld without a Location", st);
        else if (!url_same_origin(scope, resp->location))
            strbuf_addf(&why, "redirects to %s, outside the target's origin: not followed",
                        resp->location);
        else
            strbuf_addf(&why, "more than %d redirects", OIDC_MAX_REDIRECTS);
        return absent(d, &why);
    }
    if (st >= 400 && st < 500) {
        strbuf_addf(&why, "answered %ld", st);
        return absent(d, &why);
    }
    if (st != 200)
        return obs_error(obs, OIDC_ID, "%s answered %ld: whether a discovery document exists "
                         "could not be determined", url, st);
    if (resp->body_truncated)
        return obs_error(obs, OIDC_ID, "the discovery document at %s is larger than %d bytes",
                         url, OIDC_MAX_BODY);
    if (looks_html(ctype, &resp->body)) {
        strbuf_adds(&why, "answered 200 with an HTML page, not a JSON document");
        return absent(d, &why);
    }
    struct coc_error pe = { "" };
    json_t *facts = json_object();
    if (!facts)
        return obs_error(obs, OIDC_ID, "out of memory");
    if (oidc_discovery_parse(resp->body.buf, resp->body.len, facts, &pe) < 0) {
        json_decref(facts);
        return obs_error(obs, OIDC_ID, "the discovery document at %s is unusable: %s", url,
                         pe.msg);
    }
    json_object_update(d, facts);
    json_decref(facts);
    json_object_set_new(d, "present", json_true());
    return 0;
}

static int discovery_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (json_object_get(obs, "discovery"))
        return 0;
    json_t *d = json_object();
    char *url = target_resolve(t, OIDC_DISCOVERY_PATH);
    if (!d || !url || json_object_set_new(obs, "discovery", d) < 0) {
        free(url);
        return obs_error(obs, OIDC_ID, "out of memory");
    }
    json_object_set_new(d, "url", json_string_lossy(url, strlen(url)));
    struct http_response resp;
    char *final_url = NULL;
    struct coc_error e = { "" };
    int rc;
    if (http_get_follow(scan, t->url, url, NULL, OIDC_MAX_REDIRECTS, OIDC_MAX_BODY, NULL, &resp,
                        &final_url, &e) < 0) {
        rc = obs_error(obs, OIDC_ID, "cannot fetch %s: %s", url, e.msg);
        free(url);
        return rc;
    }
    json_object_set_new(d, "status", json_integer(resp.status));
    if (strcmp(final_url, url) != 0)
        json_object_set_new(d, "final_url", json_string_lossy(final_url, strlen(final_url)));
    rc = record_answer(obs, d, t->url, url, &resp);
    http_response_release(&resp);
    free(final_url);
    free(url);
    return rc;
}

/* Does list hold exactly word (OAuth values are case-sensitive)? */
static int has_exact(const json_t *list, const char *word)
{
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), word) == 0)
            return 1;
    return 0;
}

/* "[a, b]" of a list of strings, or "absent". Caller releases sb. */
static void list_text(struct strbuf *sb, const json_t *list)
{
    if (!json_is_array(list)) {
        strbuf_adds(sb, "absent");
        return;
    }
    strbuf_addch(sb, '[');
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v)
        strbuf_addf(sb, "%s%s", i ? ", " : "", json_is_string(v) ? json_string_value(v) : "?");
    strbuf_addch(sb, ']');
}

/* Response types and grant types that hand out tokens at the authorization endpoint. New. */
static json_t *front_channel_flows(const json_t *d)
{
    json_t *bad = json_array();
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(d, "response_types_supported"), i, v) {
        unsigned f = oidc_response_type_flags(json_string_value(v));
        if (f & (OIDC_RT_TOKEN | OIDC_RT_ID_TOKEN))
            json_array_append_new(bad, json_string_lossy(json_string_value(v),
                                                         json_string_length(v)));
    }
    json_array_foreach(json_object_get(d, "grant_types_supported"), i, v)
        if (json_is_string(v) && strcasecmp(json_string_value(v), "implicit") == 0)
            json_array_append_new(bad, json_string("grant type implicit"));
    return bad;
}

/* The discovery URL without the well-known suffix: what the issuer must be (OIDC Discovery
 * §4.3). Caller frees; NULL when url does not end in the suffix. */
static char *expected_issuer(const char *url)
{
    size_t n = url ? strlen(url) : 0, k = strlen(OIDC_DISCOVERY_PATH);
    if (n < k || strcmp(url + n - k, OIDC_DISCOVERY_PATH) != 0)
        return NULL;
    return strndup(url, n - k);
}

static int issuer_matches(const char *issuer, const char *url)
{
    char *want = expected_issuer(url);
    size_t n = issuer ? strlen(issuer) : 0;
    if (n && issuer[n - 1] == '/')
        n--; /* "https://idp.example/" and "https://idp.example" name the same issuer root */
    int ok = want && issuer && strlen(want) == n && strncmp(want, issuer, n) == 0;
    free(want);
    return ok;
}

static enum status discovery_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *d = json_object_get(obs, "discovery");
    if (!json_is_object(d)) {
        result_evidencef(r, "no OpenID Connect discovery observation was recorded");
        return ST_ERROR;
    }
    const char *url = json_string_value(json_object_get(d, "url"));
    if (!json_is_true(json_object_get(d, "present"))) {
        const char *why = json_string_value(json_object_get(d, "absent_reason"));
        r->observed = json_pack("{s:b}", "present", 0);
        int required = expect_bool(expect, "required", 0);
        result_evidencef(r, "no OpenID Connect discovery document at %s (%s); %s",
                         url ? url : "the target", why ? why : "not found",
                         required ? "the profile requires one"
                                  : "not required by the profile, so there is nothing to judge");
        return required ? ST_FAIL : ST_SKIPPED;
    }
    const char *issuer = json_string_value(json_object_get(d, "issuer"));
    const json_t *pkce = json_object_get(d, "code_challenge_methods_supported");
    if (!issuer || !json_is_array(json_object_get(d, "response_types_supported")) ||
        (pkce && !json_is_array(pkce))) {
        /* The observer never records this; a stored report edited by hand may. */
        result_evidencef(r, "the recorded discovery document has no issuer or no list of "
                            "response types");
        return ST_ERROR;
    }
    json_t *front = front_channel_flows(d);
    r->observed = json_pack("{s:b, s:s?, s:O, s:O}", "present", 1, "issuer", issuer,
                            "front_channel", front, "pkce_methods", pkce ? pkce : json_null());
    struct strbuf fails = STRBUF_INIT, warns = STRBUF_INIT, text = STRBUF_INIT;
    const char *mode = json_string_value(json_object_get(expect, "implicit_grant"));
    /* An unknown mode (a hand-edited report) judges as forbid. */
    int allow = mode && strcmp(mode, "allow") == 0, warn = mode && strcmp(mode, "warn") == 0;
    if (json_array_size(front) && !allow) {
        list_text(&text, front);
        strbuf_addf(warn ? &warns : &fails, "tokens are returned from the authorization "
                    "endpoint (implicit or hybrid flow): %s", text.buf);
        strbuf_reset(&text);
    }
    size_t i;
    const json_t *m;
    json_array_foreach(json_object_get(expect, "pkce_methods"), i, m) {
        const char *want = json_string_value(m);
        if (!want || has_exact(pkce, want))
            continue;
        list_text(&text, pkce);
        strbuf_addf(&fails, "%sPKCE method %s is not advertised (code_challenge_methods_"
                    "supported: %s)", fails.len ? "; " : "", want, text.buf);
        strbuf_reset(&text);
    }
    if (expect_bool(expect, "forbid_pkce_plain", 0) && json_list_has(pkce, "plain"))
        strbuf_addf(&fails, "%sthe PKCE plain method is advertised", fails.len ? "; " : "");
    if (expect_bool(expect, "require_issuer_match", 0) && !issuer_matches(issuer, url))
        strbuf_addf(&fails, "%sthe issuer %s is not the URL the document was published under",
                    fails.len ? "; " : "", issuer ? issuer : "(none)");
    enum status st = fails.len ? ST_FAIL : warns.len ? ST_WARN : ST_PASS;
    if (fails.len || warns.len) {
        result_evidencef(r, "%s%s%s", fails.buf, fails.len && warns.len ? "; " : "",
                         warns.buf);
    } else {
        struct strbuf rt = STRBUF_INIT;
        list_text(&rt, json_object_get(d, "response_types_supported"));
        list_text(&text, pkce);
        result_evidencef(r, "issuer %s; response types %s; PKCE methods %s%s", issuer, rt.buf,
                         text.buf, json_array_size(front) ? " (front-channel tokens allowed by "
                                                            "the profile)" : "");
        strbuf_release(&rt);
    }
    strbuf_release(&fails);
    strbuf_release(&warns);
    strbuf_release(&text);
    json_decref(front);
    return st;
}

static const char *const implicit_words[] = { "forbid", "warn", "allow", NULL };
static const char *const pkce_words[] = { "S256", "plain", NULL };

static const struct expect_key discovery_keys[] = {
    { "required", EXP_BOOL, NULL,
      "a discovery document must be served on the target's origin (default false: without one "
      "the check is skipped)" },
    { "implicit_grant", EXP_STRING, implicit_words,
      "a response type returning tokens from the authorization endpoint (implicit or hybrid) "
      "or the implicit grant type: forbid fails, warn warns, allow only reports (default "
      "forbid)" },
    { "pkce_methods", EXP_STRING_LIST, pkce_words,
      "PKCE methods code_challenge_methods_supported must list (default none)" },
    { "forbid_pkce_plain", EXP_BOOL, NULL,
      "the PKCE plain method must not be advertised (default false)" },
    { "require_issuer_match", EXP_BOOL, NULL,
      "the issuer must be the URL the document is published under (default false)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_oidc_discovery = {
    .id = OIDC_ID,
    .family = "oidc",
    .title = "OpenID Connect discovery: no implicit or hybrid flow, PKCE as required",
    .observe = discovery_observe,
    .judge = discovery_judge,
    .expect_keys = discovery_keys,
};
