/*
 * listing.h — recognising what a documents probe got back: a directory or object-store listing,
 * a document by its content signature, or the real content of a well-known exposed file
 * (a status code alone proves nothing: many servers answer 200 with a "not found" page).
 *
 * Pure functions over untrusted bytes; nothing here does I/O or decides pass/fail.
 */
#ifndef COC_LISTING_H
#define COC_LISTING_H

#include <jansson.h>
#include <stddef.h>

#define LISTING_SAMPLE_MAX 5 /* entries/keys quoted as evidence */

/*
 * A web server's directory listing: nginx autoindex, Apache mod_autoindex (fancy table, pre or
 * plain list), IIS directory browsing, lighttpd mod_dirlisting, Python http.server, or a generic
 * "Index of /…" page. Needs structure — an "Index of /" (or equivalent) title or heading plus
 * listing links — so an article mentioning "Index of" is not one. NULL when not a listing, else
 * {"server": "nginx"|"apache"|"iis"|"lighttpd"|"python"|"generic", "entries": N,
 *  "sample": [up to LISTING_SAMPLE_MAX absolute entry URLs]} (sample is empty without a valid
 * page_url). New object.
 */
json_t *listing_detect_html(const char *body, size_t len, const char *page_url);

/*
 * An object-store bucket listing, parsed as XML with network, DTDs and entity expansion off
 * (a document with a DOCTYPE is refused outright): S3/GCS/MinIO ListBucketResult, Azure
 * EnumerationResults. NULL when not a listing (an S3 <Error> is not), else
 * {"kind": "s3"|"azure", "bucket": name (when present), "keys": N, "prefixes": N,
 *  "truncated": bool, "sample": [up to LISTING_SAMPLE_MAX keys]}. New object.
 */
json_t *listing_detect_xml(const char *body, size_t len);

/* The document type b starts with: "pdf", "png", "jpeg", "gif", "tiff", "zip" (also docx,
 * xlsx, odt), "ole" (legacy Office), "rtf", "dicom", or NULL. Static string. */
const char *doc_magic(const unsigned char *b, size_t n);

/* A well-known path whose exposure is a finding, with a matcher for its real content. */
struct exposed_path {
    const char *path; /* "/.git/HEAD" */
    const char *kind; /* stable id for reports: "git", "env", "backup", … */
    const char *what; /* one line for a human */
    int (*match)(const unsigned char *b, size_t n); /* 1 when b is that file's real content */
};

/* The table the documents.exposed_paths check iterates; ends with a {NULL} row. */
extern const struct exposed_path exposed_paths[];

/* The row for path (exact match), or NULL. */
const struct exposed_path *exposed_path_find(const char *path);

#endif
