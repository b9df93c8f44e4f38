/*
 * documents_exposed.h — the pure parts of documents.exposed_paths (checks/documents_exposed.c),
 * declared here so the unit tests can reach them: comparing an answer with the soft-404
 * baseline, and describing what an exposed file's content showed.
 */
#ifndef COC_DOCUMENTS_EXPOSED_H
#define COC_DOCUMENTS_EXPOSED_H

#include <jansson.h>
#include <stddef.h>

#include "listing.h"

/* The fingerprint of one answer, for comparing it with the answers to random paths. */
struct docs_answer {
    long status;
    const char *content_type; /* the header's value, or NULL */
    size_t length;            /* body bytes received */
    const char *sha256;       /* hex SHA-256 of those bytes */
};

/* Does r answer like one of the n baseline answers (the server's reply to a random path)?
 * Yes when the status is the same and so is the body's hash, or — when the body did not match
 * the path's content signature (matched 0) — its media type, with the length within ±5%. */
int docs_like_baseline(const struct docs_answer *base, size_t n, const struct docs_answer *r,
                       int matched);

/* What an exposed file's content showed, in a few words, never its secrets: the ref of a git
 * HEAD, the variable names of an .env file, a dump's header line, a page's title, an archive's
 * magic. New string. */
json_t *docs_exposed_signature(const struct exposed_path *p, const unsigned char *b, size_t n);

#endif
