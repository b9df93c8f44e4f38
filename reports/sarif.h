/*
 * sarif.h — the canonical JSON report rendered as SARIF 2.1.0 for code-scanning dashboards
 * (GitHub code scanning in particular): one run, one rule per control, one result per finding.
 *
 * Levels: status fail -> "error", warn -> "warning", error -> "note" (the check could not judge
 * the control: worth seeing, not a finding); pass, skipped and attested are not emitted. Waived
 * results are emitted with suppressions [{kind: external, justification: the waiver's reason}].
 * partialFingerprints."cocscanFinding/v1" = sha256 hex of control "\n" url "\n" check.
 */
#ifndef COC_SARIF_H
#define COC_SARIF_H

#include <jansson.h>
#include <stdio.h>

#include "error.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_VERSION "2.1.0"
#define SARIF_FINGERPRINT "cocscanFinding/v1"

/* The SARIF log for a canonical report. New reference; NULL if the report has no targets array
 * or memory ran out. */
json_t *report_to_sarif(const json_t *report);

/* Write the SARIF log for report to out (pretty, UTF-8, trailing newline). 0 ok, -1 with e set. */
int report_write_sarif(const json_t *report, FILE *out, struct coc_error *e);

#endif
