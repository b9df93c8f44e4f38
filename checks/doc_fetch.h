/*
 * doc_fetch.h — asking for a document as someone who should not get it, and telling from the
 * answer whether it was served. A served document is known by its bytes (PDF, image, Office,
 * ZIP… magic) or a Content-Disposition, never by the status alone: a 200 "please sign in" page
 * is a refusal, and a 200 PDF is a document.
 */
#ifndef COC_DOC_FETCH_H
#define COC_DOC_FETCH_H

#include <jansson.h>

#include "http.h"

struct scan;
struct target;

#define DOC_FETCH_MAX_BODY 65536 /* enough for every signature and a page's forms */

/*
 * GET url (with session's cookies, or none), following redirects on the target's origin, and
 * describe the answer: {url, final_url, status, content_type?, disposition?, magic?,
 * cache-control?, x-content-type-options?, pragma?, served, how}. `how` says in a few words why
 * it counts as served or refused ("document bytes", "refused (401/403)", "the login page in its
 * place", …). On transport failure: {url, error}. New object.
 */
json_t *doc_fetch(struct scan *scan, const struct target *t, const char *url,
                  struct http_session *session);

/* The facts of one response already fetched (pure): as doc_fetch without url/final_url. */
json_t *doc_facts(const struct http_response *resp, const char *final_url);

#endif
