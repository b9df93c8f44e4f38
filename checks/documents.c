/*
 * documents.c — the documents family, part one: finding the documents and asking for them
 * without a session. The breach behind cocscan exposed patients' uploaded documents to anyone
 * with the link; these checks ask exactly that question of every document URL we know or find.
 *
 * documents.crawl: a bounded same-origin crawl (depth 2, at most 50 pages) from the start page
 * and, signed in, from the protected page, collecting links to documents.
 * documents.unauthenticated: every configured and discovered document (crawled, or a file a
 * directory listing exposes) fetched with no session must be refused; a served document is
 * known by its bytes or Content-Disposition (doc_fetch.c).
 * Access across accounts and by enumeration: documents_access.c; listings and exposed files:
 * documents_exposed.c; the headers documents are sent with: documents_headers.c.
 */
#include "documents.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "check.h"
#include "doc_fetch.h"
#include "html_form.h"
#include "http.h"
#include "login.h"
#include "scan.h"
#include "target.h"
#include "url.h"
#include "util.h"

#define CRAWL_MAX_PAGES 50
#define CRAWL_MAX_DEPTH 2
#define CRAWL_LINKS_PER_PAGE 200
#define CRAWL_MAX_BODY (512 * 1024)

/* Words in a link that must never be followed: it may sign us out or change something. */
static const char *const unsafe_words[] = { "logout", "log-out", "log_out", "signout",
                                            "sign-out", "sign_out", "delete", "remove",
                                            "revoke", "unsubscribe", "cancel", NULL };
static const char *const doc_exts[] = { ".pdf",  ".doc", ".docx", ".xls", ".xlsx", ".ppt",
                                        ".pptx", ".odt", ".ods",  ".rtf", ".png",  ".jpg",
                                        ".jpeg", ".gif", ".tif",  ".tiff", ".heic", ".zip",
                                        ".dcm",  ".csv", ".txt",  NULL };
static const char *const doc_words[] = { "/document", "/download", "/attachment", "/upload",
                                         "/file/", "/files/", NULL };

static int has_word(const char *s, size_t n, const char *const *words)
{
    for (const char *const *w = words; *w; w++) {
        size_t wl = strlen(*w);
        for (size_t i = 0; i + wl <= n; i++)
            if (strncasecmp(s + i, *w, wl) == 0)
                return 1;
    }
    return 0;
}

/* A link to a document: its path ends in a document extension or names a document area. */
static int looks_like_document(const struct url_parts *u)
{
    for (const char *const *e = doc_exts; *e; e++) {
        size_t el = strlen(*e);
        if (u->path_len >= el && strncasecmp(u->path + u->path_len - el, *e, el) == 0)
            return 1;
    }
    return has_word(u->path, u->path_len, doc_words) && u->path[u->path_len - 1] != '/';
}

int documents_owned(const struct target *t, const json_t *obs, const char *url)
{
    for (size_t i = 0; i < t->n_documents; i++)
        if (strcmp(t->documents[i], url) == 0)
            return 1;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(json_object_get(obs, "crawl"), "documents"), i, d)
        if (json_is_true(json_object_get(d, "signed_in")) &&
            strcmp(json_string_value(json_object_get(d, "url")), url) == 0)
            return 1;
    return 0;
}

struct crawl {
    struct scan *scan;
    const struct target *t;
    json_t *seen;  /* url -> true: every page queued */
    json_t *pages; /* [{url, status, depth, signed_in}] */
    json_t *docs;  /* [{url, found_on, signed_in}] */
    json_t *docs_seen;
    json_t *presigned; /* [{url (signature redacted), found_on, kind, lifetime_seconds}] */
    int skipped_unsafe;
};

/* Record a pre-signed storage link (any origin: it is only read, never fetched). 1 if it is. */
static int note_presigned(struct crawl *c, const char *href, const char *page)
{
    long long secs;
    const char *kind;
    if (!presign_lifetime(href, (long long)time(NULL), &secs, &kind))
        return 0;
    char *shown = presign_redact(href);
    if (shown && json_array_size(c->presigned) < DOCUMENTS_MAX)
        json_array_append_new(c->presigned, json_pack("{s:s, s:s, s:s, s:I}", "url", shown,
                                                      "found_on", page, "kind", kind,
                                                      "lifetime_seconds", (json_int_t)secs));
    free(shown);
    return 1;
}

static void crawl_from(struct crawl *c, const char *start, struct http_session *sess)
{
    json_t *queue = json_pack("[[s, i]]", start, 0);
    json_object_set_new(c->seen, start, json_true());
    for (size_t qi = 0; qi < json_array_size(queue); qi++) {
        if (json_array_size(c->pages) >= CRAWL_MAX_PAGES)
            break;
        const char *url = json_string_value(json_array_get(json_array_get(queue, qi), 0));
        int depth = (int)json_integer_value(json_array_get(json_array_get(queue, qi), 1));
        struct http_response r;
        char *final_url = NULL;
        struct coc_error e = { "" };
        if (http_get_follow(c->scan, c->t->url, url, sess, 3, CRAWL_MAX_BODY, NULL, &r, &final_url,
                            &e) < 0)
            continue;
        json_array_append_new(c->pages, json_pack("{s:s, s:i, s:i, s:b}", "url", url, "status",
                                                  (int)r.status, "depth", depth, "signed_in",
                                                  sess != NULL));
        const char *ct = http_header_first(&r, "content-type");
        size_t i;
        json_t *links = r.status == 200 && ct && strcasestr(ct, "html")
                            ? html_links(r.body.buf, r.body.len, final_url, CRAWL_LINKS_PER_PAGE)
                            : json_array();
        json_t *l;
        json_array_foreach(links, i, l) {
            const char *href = json_string_value(l);
            struct url_parts u;
            if (note_presigned(c, href, url))
                continue; /* judged by its lifetime; its URL is a secret, never fetched */
            if (!url_same_origin(c->t->url, href) || url_split(href, &u) < 0)
                continue;
            if (has_word(href, strlen(href), unsafe_words)) {
                c->skipped_unsafe++;
                continue;
            }
            if (looks_like_document(&u)) {
                if (!json_object_get(c->docs_seen, href) &&
                    json_array_size(c->docs) < DOCUMENTS_MAX) {
                    json_object_set_new(c->docs_seen, href, json_true());
                    json_array_append_new(c->docs, json_pack("{s:s, s:s, s:b}", "url", href,
                                                             "found_on", url, "signed_in",
                                                             sess != NULL));
                }
            } else if (depth < CRAWL_MAX_DEPTH && !json_object_get(c->seen, href)) {
                json_object_set_new(c->seen, href, json_true());
                json_array_append_new(queue, json_pack("[s, i]", href, depth + 1));
            }
        }
        json_decref(links);
        http_response_release(&r);
        free(final_url);
    }
    json_decref(queue);
}

void documents_crawl(struct scan *scan, const struct target *t, json_t *obs)
{
    if (json_object_get(obs, "crawl"))
        return;
    struct crawl c = { scan, t, json_object(), json_array(), json_array(), json_object(),
                       json_array(), 0 };
    crawl_from(&c, t->url, NULL);
    struct http_session *sess = NULL;
    if (t->login) {
        login_shared(scan, t, LOGIN_FIRST, &sess);
        if (sess) {
            json_object_clear(c.seen); /* signed in, the same pages may show more */
            crawl_from(&c, t->login->protected_url, sess);
        }
    }
    json_object_set_new(obs, "crawl",
                        json_pack("{s:o, s:o, s:o, s:i, s:i, s:i}", "pages", c.pages,
                                  "documents", c.docs, "presigned", c.presigned,
                                  "skipped_unsafe_links", c.skipped_unsafe, "max_pages",
                                  CRAWL_MAX_PAGES, "max_depth", CRAWL_MAX_DEPTH));
    json_decref(c.seen);
    json_decref(c.docs_seen);
}

json_t *documents_all(const struct target *t, const json_t *obs)
{
    json_t *all = json_array(), *seen = json_object();
    for (size_t i = 0; i < t->n_documents && json_array_size(all) < DOCUMENTS_MAX; i++) {
        if (json_object_get(seen, t->documents[i]))
            continue;
        json_object_set_new(seen, t->documents[i], json_true());
        json_array_append_new(all, json_string(t->documents[i]));
    }
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(json_object_get(obs, "crawl"), "documents"), i, d) {
        const char *u = json_string_value(json_object_get(d, "url"));
        if (!u || json_object_get(seen, u) || json_array_size(all) >= DOCUMENTS_MAX)
            continue;
        json_object_set_new(seen, u, json_true());
        json_array_append_new(all, json_string(u));
    }
    json_decref(seen);
    return all;
}

/* ------------------------------------------------------------------------------------------ */
/* documents.crawl */

static int crawl_observe(struct scan *scan, struct target *t, json_t *obs)
{
    documents_crawl(scan, t, obs);
    return 0;
}

static enum status crawl_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    (void)expect;
    const json_t *c = json_object_get(obs, "crawl");
    if (!c) {
        result_evidencef(r, "no crawl observation was recorded");
        return ST_ERROR;
    }
    size_t pages = json_array_size(json_object_get(c, "pages"));
    const json_t *docs = json_object_get(c, "documents");
    size_t public_links = 0, i;
    json_t *d;
    json_array_foreach(docs, i, d)
        public_links += !json_is_true(json_object_get(d, "signed_in"));
    r->observed = json_pack("{s:i, s:i, s:i}", "pages", (int)pages, "documents",
                            (int)json_array_size(docs), "on_public_pages", (int)public_links);
    if (pages == 0) {
        result_evidencef(r, "the crawl could not fetch any page");
        return ST_ERROR;
    }
    if (public_links) {
        result_evidencef(r, "%zu document links are on pages anyone can see without signing in "
                            "(%zu pages crawled; each is tested by documents.unauthenticated)",
                         public_links, pages);
        return ST_WARN;
    }
    result_evidencef(r, "%zu pages crawled, %zu document links found, none on a public page",
                     pages, json_array_size(docs));
    return ST_PASS;
}


const struct check check_documents_crawl = {
    .id = "documents.crawl",
    .family = "documents",
    .title = "Links to documents found by a bounded crawl",
    .observe = crawl_observe,
    .judge = crawl_judge,
};

/* ------------------------------------------------------------------------------------------ */
/* documents.unauthenticated */

/* Files a directory listing on the target's origin exposes (its sample of entries, not the
 * subdirectories), appended to urls up to DOCUMENTS_MAX; *from_listing counts them. */
static void add_listed_files(const struct target *t, const json_t *obs, json_t *urls,
                             size_t *from_listing)
{
    size_t i, j;
    json_t *dir, *u;
    json_array_foreach(json_object_get(json_object_get(obs, "listing"), "directories"), i, dir) {
        json_array_foreach(json_object_get(json_object_get(dir, "listing"), "sample"), j, u) {
            const char *url = json_string_value(u);
            size_t len = url ? strlen(url) : 0;
            if (!len || url[len - 1] == '/' || !url_same_origin(url, t->url) ||
                json_list_has(urls, url) || json_array_size(urls) >= DOCUMENTS_MAX)
                continue;
            json_array_append_new(urls, json_string(url));
            (*from_listing)++;
        }
    }
}

static int unauth_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (json_object_get(obs, "unauthenticated"))
        return 0;
    documents_crawl(scan, t, obs);
    documents_listing_collect(scan, t, obs); /* a listed file is a document anyone can ask for */
    json_t *urls = documents_all(t, obs), *facts = json_array();
    size_t listed = 0, first_listed = json_array_size(urls);
    add_listed_files(t, obs, urls, &listed);
    size_t i;
    json_t *u;
    json_array_foreach(urls, i, u) {
        json_t *f = doc_fetch(scan, t, json_string_value(u), NULL);
        if (i >= first_listed)
            json_object_set_new(f, "found_in", json_string("a directory listing"));
        json_array_append_new(facts, f);
    }
    json_decref(urls);
    json_object_set_new(obs, "unauthenticated", facts);
    return 0;
}

static enum status unauth_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    (void)expect;
    const json_t *facts = json_object_get(obs, "unauthenticated");
    if (!facts) {
        result_evidencef(r, "no observation of documents without a session was recorded");
        return ST_ERROR;
    }
    size_t i, served = 0, errors = 0;
    json_t *f;
    json_t *names = json_array();
    json_array_foreach(facts, i, f) {
        if (json_is_true(json_object_get(f, "served"))) {
            served++;
            if (json_array_size(names) < 5)
                json_array_append(names, json_object_get(f, "url"));
        }
        errors += json_object_get(f, "error") != NULL;
    }
    r->observed = json_pack("{s:i, s:i, s:o}", "tried", (int)json_array_size(facts), "served",
                            (int)served, "examples", names);
    if (json_array_size(facts) == 0) {
        result_evidencef(r, "no document URL was configured (documents: in a targets file) or "
                            "found by the crawl");
        return ST_SKIPPED;
    }
    if (served) {
        size_t listed = 0;
        json_array_foreach(facts, i, f)
            listed += json_is_true(json_object_get(f, "served")) &&
                      json_object_get(f, "found_in") != NULL;
        result_evidencef(r, "%zu of %zu documents were served to a request without any session, "
                            "e.g. %s%s", served, json_array_size(facts),
                         json_string_value(json_array_get(names, 0)),
                         listed ? " (some found in a directory listing)" : "");
        return ST_FAIL;
    }
    if (errors == json_array_size(facts)) {
        result_evidencef(r, "no document could be requested");
        return ST_ERROR;
    }
    result_evidencef(r, "all %zu documents were refused without a session",
                     json_array_size(facts) - errors);
    return ST_PASS;
}

const struct check check_documents_unauthenticated = {
    .id = "documents.unauthenticated",
    .family = "documents",
    .title = "No document is served without a session",
    .observe = unauth_observe,
    .judge = unauth_judge,
};
