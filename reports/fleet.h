/*
 * fleet.h — many canonical JSON reports (monthly shards, one per PHO or vendor) merged into one
 * fleet document: every target worst first, the union of controls with counts across targets, a
 * targets × controls matrix, totals per organisation, and warnings when the inputs cannot be
 * compared as they stand (different profiles, the same target in two inputs). The fleet JSON is
 * canonical in turn; its HTML page is rendered from it (reports/fleet_html.c).
 */
#ifndef COC_FLEET_H
#define COC_FLEET_H

#include <jansson.h>
#include <stddef.h>

#define FLEET_SCHEMA "https://cocscan.nz/schema/fleet/v1"

/* Merge n reports (as report_read returns them; files[i] names reports[i] in the sources list and
 * in warnings) into a fleet document. New reference; NULL when memory ran out. */
json_t *fleet_merge(const char *const *files, json_t *const *reports, size_t n);

/* 1 when every target of the fleet is compliant (and there is at least one), else 0. */
int fleet_all_compliant(const json_t *fleet);

/* The fleet as one self-contained HTML page (UTF-8, NUL-terminated; *len set if len). Caller
 * frees; NULL if fleet is not an object or memory ran out. */
char *fleet_to_html(const json_t *fleet, size_t *len);

#endif
