/*
 * report_output.h — a report in each of its formats (JSON, HTML, SARIF, JUnit), written to a
 * file atomically (a temporary in the same directory, then rename: a reader never sees half a
 * report) or to standard output, and a report read back for re-rendering.
 */
#ifndef COC_REPORT_OUTPUT_H
#define COC_REPORT_OUTPUT_H

#include <jansson.h>

#include "error.h"

enum report_format { REPORT_JSON, REPORT_HTML, REPORT_SARIF, REPORT_JUNIT, REPORT__COUNT };

/* "json", "html", "sarif", "junit". */
const char *report_format_name(enum report_format f);
/* The format called name; -1 when there is none. */
int report_format_parse(const char *name, enum report_format *out);

/* Render rep as fmt into path ("-" = stdout). 0 ok, -1 with e set. */
int report_output(const json_t *rep, enum report_format fmt, const char *path,
                  struct coc_error *e);

/* How many of outs (paths by format, NULL for none) are "-" (standard output). */
int report_outputs_to_stdout(const char *const outs[REPORT__COUNT]);

/* Write rep in every format outs names; each failure is logged as "cmd: message". 0 when all
 * were written, -1 otherwise. */
int report_output_all(const json_t *rep, const char *const outs[REPORT__COUNT], const char *cmd);

/* Read a cocscan JSON report (at most 256 MiB): parsed, and checked to be one (its schema id
 * and a targets list). *out is a new reference. 0 ok, -1 with e set ("file:line:col: …" for
 * JSON syntax errors). */
int report_read(const char *path, json_t **out, struct coc_error *e);

/* The parser report_read uses, on len bytes of buf (not NUL-terminated); name stands for the
 * file in messages. *out is a new reference. 0 ok, -1 with e set. */
int report_parse(const char *buf, size_t len, const char *name, json_t **out,
                 struct coc_error *e);

#endif
