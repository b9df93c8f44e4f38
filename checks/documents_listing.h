/*
 * documents_listing.h — the pure parts of documents.listing (checks/documents_listing.c),
 * declared here so the unit tests can reach them: the directories worth asking for a listing,
 * and telling an object-store link from any other.
 */
#ifndef COC_DOCUMENTS_LISTING_H
#define COC_DOCUMENTS_LISTING_H

#include <jansson.h>
#include <stddef.h>

/* The directories to ask for a listing, as absolute URLs on origin_url's origin: the parent
 * directories of each same-origin document URL in docs (an array of strings; deepest first,
 * the root left out), then the common upload paths; deduplicated, at most max. New array. */
json_t *docs_dir_candidates(const char *origin_url, const json_t *docs, size_t max);

/* Does link point into object storage (a cloud bucket host, or a path or query that names a
 * bucket, /storage/, s3 or a listing request)? 1 with *root the URL to probe for a listing
 * (the bucket or container, never an object; caller frees) and *kind "s3", "azure", "gcs" or
 * "storage" (unknown, S3-compatible assumed); 0 when not; -1 on allocation failure. */
int docs_store_root(const char *link, char **root, const char **kind);

#endif
