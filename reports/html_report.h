/*
 * html_report.h — the canonical JSON report rendered as one self-contained HTML assurance
 * report: inline CSS only, no script, no external fetch, readable offline and on paper.
 */
#ifndef COC_HTML_REPORT_H
#define COC_HTML_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"

/* The HTML page for report (UTF-8, NUL-terminated; *len set if len). Caller frees; NULL if report
 * is not an object or memory ran out. */
char *report_to_html(const json_t *report, size_t *len);

/* Write the HTML page for report to out. 0 ok, -1 with e set. */
int report_write_html(const json_t *report, FILE *out, struct coc_error *e);

#endif
