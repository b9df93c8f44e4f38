/*
 * junit.h — the canonical JSON report rendered as JUnit XML for CI test dashboards (Jenkins,
 * GitLab, Azure DevOps, …): one <testsuite> per target, one <testcase> per control result.
 *
 * Mapping:
 *   <testsuites name="cocscan">: totals over every target; time = finished_at - started_at
 *   (seconds) when both parse. <testsuite>: name = target name, else its URL; timestamp = the
 *   report's started_at as written (UTC, trailing Z); <properties> url, verdict, profile,
 *   organisation and error (each when present). <testcase>: classname = target URL,
 *   name = "CONTROL-ID: title".
 *   status fail     -> <failure message="first line of evidence" type="SEVERITY"> whose text
 *                      holds evidence, expected, observed and remediation.
 *   status error    -> <error message=… type="SEVERITY"> with the same text (the check could not
 *                      judge the control).
 *   status skipped  -> <skipped message="evidence (the reason)"/>.
 *   status waived   -> <skipped message="waived: REASON (approved by WHO, expires WHEN)"/>, the
 *                      parenthesised parts only when the waiver has approved_by / expires.
 *   status attested -> a passing testcase with <system-out>attested: evidence</system-out>.
 *   status warn     -> a passing testcase with <system-out>warning: evidence</system-out>: JUnit
 *                      has no warning outcome, and a warning must not break a CI build that
 *                      the profile's fail_on would let pass.
 *   status pass (or anything unknown) -> a passing, empty testcase.
 *   Counts are taken from the results themselves, so they always match the elements written:
 *   failures = fail, errors = error, skipped = skipped + waived, tests = all results.
 *
 * Encoding: UTF-8 with an XML declaration. & < > " ' are escaped everywhere (tab, LF and CR too
 * inside attributes, CR in text, so parsers do not normalise them away). Characters XML 1.0 does
 * not allow (C0 controls other than tab/LF/CR, NUL, U+FFFE, U+FFFF, surrogates) and bytes that
 * are not valid UTF-8 are removed, as are DEL and the C1 controls (U+007F–U+009F), which
 * XML 1.0 §2.2 discourages and a log viewer might interpret.
 */
#ifndef COC_JUNIT_H
#define COC_JUNIT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"

/* The JUnit XML document for a canonical report, NUL-terminated, its length in *len (if len is
 * not NULL). NULL if the report has no targets array or memory ran out. Caller frees. */
char *report_to_junit(const json_t *report, size_t *len);

/* Write the JUnit XML for report to out. 0 ok, -1 with e set. */
int report_write_junit(const json_t *report, FILE *out, struct coc_error *e);

#endif
