/* documents.h — what the documents-family files share: the document URLs a target has. */
#ifndef COC_DOCUMENTS_H
#define COC_DOCUMENTS_H

#include <jansson.h>

struct scan;
struct target;

#define DOCUMENTS_MAX 50 /* documents fetched per check and target */

/*
 * Crawl the target (once per scan; idempotent) and record obs.crawl: {pages: [...], documents:
 * [{url, found_on, signed_in}], ...}. From the start page without a session and, when the test
 * account signs in, from its protected page with that session; same origin only, depth 2, at
 * most 50 pages, never a link that looks like it signs out or changes something.
 */
void documents_crawl(struct scan *scan, const struct target *t, json_t *obs);

/* The configured document URLs followed by the discovered ones, deduplicated, at most
 * DOCUMENTS_MAX. New array of strings. */
json_t *documents_all(const struct target *t, const json_t *obs);

/* Ask the target's document directories and object stores for listings (once per scan;
 * idempotent) and record obs.listing: the observe half of documents.listing, which
 * documents.unauthenticated also needs — a listed file is a document anyone may request. */
void documents_listing_collect(struct scan *scan, const struct target *t, json_t *obs);

/* Is this URL one of the first account's documents: configured, or linked from a page the
 * crawl saw signed in as that account (a portal lists an account's own documents)? */
int documents_owned(const struct target *t, const json_t *obs, const char *url);

/* A pre-signed storage link's lifetime in seconds (S3 X-Amz-Expires, GCS X-Goog-Expires, Azure
 * SAS se= minus st= or now, signed Expires= epoch minus now) and its kind. 1 when url is one. */
int presign_lifetime(const char *url, long long now, long long *seconds, const char **kind);

/* url with the values of its signature and credential parameters replaced by REDACTED: a live
 * pre-signed link opens a document to anyone. Caller frees; NULL on ENOMEM. */
char *presign_redact(const char *url);

#endif
