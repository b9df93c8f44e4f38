/*
 * documents_access.c — object-level access to documents (OWASP ASVS 8.2.2).
 *
 * documents.cross_account: the second test account's session asks for the first account's
 * documents; the owner's own session asks for them too, as the control that the URLs work.
 * documents.enumeration: for a document URL with a numeric id, at most --max-enum neighbours
 * (default 10), with the first account's session and without one, at a bounded rate. A
 * neighbour served as a document the account does not own fails; small sequential ids are a
 * warning even when every neighbour is refused, because they are guessable.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "doc_fetch.h"
#include "documents.h"
#include "login.h"
#include "scan.h"
#include "target.h"
#include "url.h"
#include "util.h"

#define ENUM_DELAY_MS 50          /* at most 20 enumeration requests a second */
#define ENUM_GUESSABLE 4294967296ULL /* ids below 2^32 are small enough to walk */
#define ENUM_MAX_DOCS 5          /* documents whose neighbours are tried */


static void pause_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* documents.cross_account */

static int cross_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (json_object_get(obs, "cross_account"))
        return 0;
    json_t *o = json_object();
    json_object_set_new(obs, "cross_account", o);
    if (!t->login || !t->second || !t->n_documents) {
        json_object_set_new(o, "skipped",
                            json_string(!t->login || !t->second
                                            ? "no second test account is configured "
                                              "(second_account: in a targets file)"
                                            : "no documents of the first account are configured "
                                              "(documents: in a targets file)"));
        return 0;
    }
    struct http_session *owner = NULL, *other = NULL;
    const struct login_result *lo = login_shared(scan, t, LOGIN_FIRST, &owner);
    const struct login_result *lx = login_shared(scan, t, LOGIN_SECOND, &other);
    json_object_set_new(o, "owner_login", json_string(login_outcome_name(lo->outcome)));
    json_object_set_new(o, "second_login", login_result_json(lx));
    if (!other)
        return 0;
    /* A second account stopped at its second factor is refused everything: that says nothing
     * about object-level access. */
    json_t *prot = doc_fetch(scan, t, t->login->protected_url, other);
    int full = !json_object_get(prot, "error") &&
               json_integer_value(json_object_get(prot, "status")) == 200 &&
               strcmp(json_string_value(json_object_get(prot, "how")), "a page, not a document") ==
                   0;
    json_object_set_new(o, "second_protected", prot);
    json_object_set_new(o, "second_signed_in_fully", json_boolean(full));
    if (!full)
        return 0;
    json_t *docs = json_array();
    for (size_t i = 0; i < t->n_documents && i < DOCUMENTS_MAX; i++) {
        json_t *d = json_object();
        json_object_set_new(d, "url", json_string(t->documents[i]));
        json_object_set_new(d, "other", doc_fetch(scan, t, t->documents[i], other));
        if (owner)
            json_object_set_new(d, "owner", doc_fetch(scan, t, t->documents[i], owner));
        json_array_append_new(docs, d);
    }
    json_object_set_new(o, "documents", docs);
    return 0;
}

static enum status cross_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    (void)expect;
    const json_t *o = json_object_get(obs, "cross_account");
    if (!o) {
        result_evidencef(r, "no cross-account observation was recorded");
        return ST_ERROR;
    }
    const char *skipped = json_string_value(json_object_get(o, "skipped"));
    if (skipped) {
        result_evidencef(r, "%s", skipped);
        return ST_SKIPPED;
    }
    const json_t *lx = json_object_get(o, "second_login");
    const char *outcome = json_string_value(json_object_get(lx, "outcome"));
    if (!outcome || strcmp(outcome, "signed_in") != 0) {
        result_evidencef(r, "the second account could not sign in: %s",
                         json_string_value(json_object_get(lx, "why")));
        return outcome && strcmp(outcome, "skipped") == 0 ? ST_SKIPPED : ST_ERROR;
    }
    if (!json_is_true(json_object_get(o, "second_signed_in_fully"))) {
        result_evidencef(r, "the second account stops at its second factor (the protected page "
                            "was %s), so access across accounts cannot be tested",
                         json_string_value(json_object_get(json_object_get(o, "second_protected"),
                                                           "how")));
        return ST_SKIPPED;
    }
    size_t i, served = 0, owner_refused = 0, n = 0;
    json_t *d;
    const char *example = NULL;
    json_array_foreach(json_object_get(o, "documents"), i, d) {
        n++;
        if (json_is_true(json_object_get(json_object_get(d, "other"), "served"))) {
            served++;
            example = example ? example : json_string_value(json_object_get(d, "url"));
        }
        const json_t *own = json_object_get(d, "owner");
        owner_refused += own && !json_is_true(json_object_get(own, "served"));
    }
    r->observed = json_pack("{s:i, s:i, s:i}", "documents", (int)n, "served_to_other",
                            (int)served, "refused_to_owner", (int)owner_refused);
    if (served) {
        result_evidencef(r, "%zu of %zu of the first account's documents were served to the "
                            "second account, e.g. %s (object-level authorisation is missing)",
                         served, n, example);
        return ST_FAIL;
    }
    if (owner_refused) {
        result_evidencef(r, "the owner was refused %zu of its own documents too, so the refusals "
                            "prove nothing: check the document URLs in the targets file",
                         owner_refused);
        return ST_ERROR;
    }
    result_evidencef(r, "all %zu documents were served to their owner and refused to the second "
                        "account", n);
    return ST_PASS;
}

const struct check check_documents_cross_account = {
    .id = "documents.cross_account",
    .family = "documents",
    .title = "One account cannot fetch another account's documents",
    .observe = cross_observe,
    .judge = cross_judge,
};

/* ------------------------------------------------------------------------------------------ */
/* documents.enumeration */

/* The id to walk in a document URL: the last numeric path segment, else the last numeric query
 * value. 1 found. */
static int pick_id(const char *url, struct url_id *out)
{
    struct url_id ids[8];
    int n = url_numeric_ids(url, ids, 8);
    int pick = -1;
    for (int i = 0; i < n; i++)
        if (ids[i].where == URL_ID_PATH || pick < 0 || ids[pick].where != URL_ID_PATH)
            pick = i;
    if (pick < 0)
        return 0;
    *out = ids[pick];
    return 1;
}

static int enum_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (json_object_get(obs, "enumeration"))
        return 0;
    json_t *o = json_object(), *walks = json_array();
    json_object_set_new(obs, "enumeration", o);
    json_object_set_new(o, "max_per_document", json_integer(scan->max_enum));
    json_object_set_new(o, "walks", walks);
    struct http_session *sess = NULL;
    if (t->login)
        login_shared(scan, t, LOGIN_FIRST, &sess);
    json_object_set_new(o, "with_session", json_boolean(sess != NULL));
    documents_crawl(scan, t, obs); /* which documents the account is shown as its own */
    for (size_t i = 0; i < t->n_documents && i < ENUM_MAX_DOCS; i++) {
        struct url_id id;
        json_t *w = json_pack("{s:s}", "url", t->documents[i]);
        json_array_append_new(walks, w);
        if (!pick_id(t->documents[i], &id)) {
            json_object_set_new(w, "numeric_id", json_false());
            continue;
        }
        json_object_set_new(w, "numeric_id", json_true());
        json_object_set_new(w, "id", json_integer((json_int_t)id.value));
        json_t *tries = json_array();
        json_object_set_new(w, "neighbours", tries);
        /* +1, -1, +2, -2, …: the closest ids first, never 0 or an id the account owns. */
        for (int k = 1; (int)json_array_size(tries) < scan->max_enum && k <= scan->max_enum * 2;
             k++) {
            long long delta = (k + 1) / 2 * (k % 2 ? 1 : -1);
            if (delta < 0 && id.value <= (unsigned long long)-delta)
                continue;
            char *nurl = url_replace_id(t->documents[i], &id, id.value + (unsigned long long)delta);
            if (!nurl)
                continue;
            if (documents_owned(t, obs, nurl)) {
                free(nurl);
                continue;
            }
            json_t *n = json_pack("{s:s, s:I}", "url", nurl, "id",
                                  (json_int_t)(id.value + (unsigned long long)delta));
            pause_ms(ENUM_DELAY_MS);
            json_object_set_new(n, "anonymous", doc_fetch(scan, t, nurl, NULL));
            if (sess) {
                pause_ms(ENUM_DELAY_MS);
                json_object_set_new(n, "account", doc_fetch(scan, t, nurl, sess));
            }
            json_array_append_new(tries, n);
            free(nurl);
        }
    }
    return 0;
}

static enum status enum_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *o = json_object_get(obs, "enumeration");
    if (!o) {
        result_evidencef(r, "no enumeration observation was recorded");
        return ST_ERROR;
    }
    const json_t *walks = json_object_get(o, "walks");
    if (json_array_size(walks) == 0) {
        result_evidencef(r, "no document URL is configured (documents: in a targets file)");
        return ST_SKIPPED;
    }
    size_t i, j, tried = 0, numeric = 0, guessable = 0;
    json_t *w, *n;
    const char *anon = NULL, *idor = NULL;
    json_array_foreach(walks, i, w) {
        if (!json_is_true(json_object_get(w, "numeric_id")))
            continue;
        numeric++;
        guessable += (unsigned long long)json_integer_value(json_object_get(w, "id")) <
                     ENUM_GUESSABLE;
        json_array_foreach(json_object_get(w, "neighbours"), j, n) {
            tried++;
            if (!anon && json_is_true(json_object_get(json_object_get(n, "anonymous"), "served")))
                anon = json_string_value(json_object_get(n, "url"));
            if (!idor && json_is_true(json_object_get(json_object_get(n, "account"), "served")))
                idor = json_string_value(json_object_get(n, "url"));
        }
    }
    r->observed = json_pack("{s:i, s:i, s:b, s:b}", "numeric_ids", (int)numeric, "neighbours",
                            (int)tried, "served_anonymously", anon != NULL, "served_to_account",
                            idor != NULL);
    if (anon) {
        result_evidencef(r, "a neighbouring document id was served without any session: %s",
                         anon);
        return ST_FAIL;
    }
    if (idor) {
        result_evidencef(r, "a neighbouring document the test account does not own was served to "
                            "it: %s", idor);
        return ST_FAIL;
    }
    if (numeric == 0) {
        result_evidencef(r, "document ids are not numeric (nothing to enumerate)");
        return ST_PASS;
    }
    if (guessable && expect_bool(expect, "warn_guessable", 1)) {
        result_evidencef(r, "all %zu neighbours were refused, but document ids are small "
                            "sequential integers that anyone can walk; prefer random ids",
                         tried);
        return ST_WARN;
    }
    result_evidencef(r, "all %zu neighbouring ids were refused", tried);
    return ST_PASS;
}

static const struct expect_key enum_keys[] = {
    { "warn_guessable", EXP_BOOL, NULL,
      "small sequential numeric ids give a warning even when refused (default true)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_documents_enumeration = {
    .id = "documents.enumeration",
    .family = "documents",
    .title = "Neighbouring document ids are not served",
    .observe = enum_observe,
    .judge = enum_judge,
    .expect_keys = enum_keys,
};
