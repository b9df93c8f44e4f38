/* targets_file.h — the targets file of `cocscan scan --targets`: which endpoints to scan, with
 * their test accounts (by the names of environment variables only), documents and pages. */
#ifndef COC_TARGETS_FILE_H
#define COC_TARGETS_FILE_H

#include <stddef.h>

#include "diag.h"
#include "target.h"

#define TARGETS_FILE_MAX_BYTES (4 * 1024 * 1024)
#define TARGETS_FILE_MAX_TARGETS 10000

/* Load and validate the targets file at path ("-" is refused). Every problem goes to d as
 * file:line:col. On success *out holds *n >= 1 targets; caller frees them with targets_free.
 * 0 ok, -1 (with *out NULL and *n 0). */
int targets_file_load(const char *path, struct target **out, size_t *n, struct diag *d);

/* The same from len bytes of text in memory; `file` names it in messages and in each target's
 * source_file. Caller frees *out with targets_free. 0 ok, -1. */
int targets_file_parse(const char *file, const char *text, size_t len, struct target **out,
                       size_t *n, struct diag *d);

/* Release n targets and the array itself (NULL is fine). */
void targets_free(struct target *t, size_t n);

#endif
