/*
 * diff.h — what changed between two canonical JSON reports of the same targets (last month's
 * scan and this month's): per target, matched by url, the controls that newly fail, are fixed,
 * still fail or changed otherwise; what the server now shows differently (protocols and cipher
 * suites accepted, the certificate, header values, any other observation by JSON path); targets
 * added and removed; a profile change. A JSON document (schema reports/diff.schema.json) and
 * a readable summary rendered from it (reports/diff_text.c).
 */
#ifndef COC_DIFF_H
#define COC_DIFF_H

#include <jansson.h>
#include <stdio.h>

#define DIFF_SCHEMA "https://cocscan.nz/schema/diff/v1"

/* Compare two reports as report_read returns them; the file names are recorded as given. New
 * reference; NULL when memory ran out. */
json_t *diff_reports(const json_t *old_rep, const char *old_file, const json_t *new_rep,
                     const char *new_file);

/* 1 when the diff records a regression (a new failure, or a target that became unreachable). */
int diff_regressed(const json_t *diff);

/* The readable summary of a diff document. color: use ANSI colours. */
void diff_write_text(const json_t *diff, FILE *out, int color);

#endif
