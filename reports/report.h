/*
 * report.h — the canonical JSON report: built during a scan, and the only input of every other
 * output format (the terminal summary today; HTML, SARIF and JUnit render from it too).
 */
#ifndef COC_REPORT_H
#define COC_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "check.h"
#include "profile.h"

#define REPORT_SCHEMA "https://cocscan.nz/schema/report/v1"

struct target;

/* A new report document for a run under profile p. */
json_t *report_new(const struct profile *p, enum severity fail_on);

/* Append a target; observations and results are stolen. unreachable: why it could not be
 * scanned, or NULL. */
void report_add_target(json_t *rep, const struct target *t, json_t *observations, json_t *results,
                       const char *unreachable);

/* A target's observations kept as compact JSON text (key REPORT_OBS_TEXT, "observations"
 * left null in place) while a large scan holds many targets: the JSON writer expands them one
 * target at a time (reports/report_output.c); no other writer reads observations. */
#define REPORT_OBS_TEXT "\x01observations"

/* Give the last target added its observations as compact JSON text (REPORT_OBS_TEXT; its
 * "observations" stays null in place). 0 ok, -1 when memory ran out. */
int report_set_last_observations_text(json_t *rep, const char *text);

/* Compute verdicts and summaries and stamp finished_at. */
void report_finish(json_t *rep);

/* The process exit code the report implies: 0 compliant, 1 non-compliant, 3 nothing scanned. */
int report_exit_code(const json_t *rep);

/* How a report is serialised: pretty, keys in the order they were added. */
#define REPORT_DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

/* Serialise (pretty, UTF-8, trailing newline). Caller frees. */
char *report_dump(const json_t *rep);

/* The person-readable summary (reports/report_text.c). color: use ANSI colours. */
void report_write_text(const json_t *rep, FILE *out, int color);

#endif
