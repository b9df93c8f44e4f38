/*
 * csp.c — Content-Security-Policy, read the way a browser reads it and judged two ways.
 *
 * The parser keeps every policy, directive and value as sent (offsets into one bounded copy), so
 * two readings can be taken of the same bytes:
 *   - the browser's (CSP3 §2.2, HTML <meta>): first occurrence of a directive wins, malformed or
 *     non-ASCII directives and invalid sources are ignored, several policies are all enforced.
 *     csp_view and the judge rest on this one.
 *   - the MDN HTTP Observatory's (src/analyzer/cspParser.js and tests/csp.js of
 *     @mdn/mdn-http-observatory), re-implemented rule for rule, quirks included (a repeated
 *     directive makes the header invalid; several policies are merged into one "intersection"
 *     by its sort-and-compare-neighbours rule; a default-src fallback list is shared, so removing
 *     a source from script-src for 'strict-dynamic' also removes it from default-src), so that
 *     csp_observatory_result() names what the Observatory would say.
 * The set is one fixed-size allocation; parsing never allocates. Only the Observatory merge
 * allocates, bounded by CSP_MAX_TOKENS.
 *
 * The module's files: csp_parse.c (the set and its parser), csp_view.c (the browser's reading),
 * csp_observatory.c (the Observatory's), csp_json.c (the observation as JSON and back),
 * csp_judge.c (the headers.csp judge); csp_int.h is what they share. Here: csp_analyse(), which
 * takes both readings, and the Observatory's result names, scores and pass flags.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "csp.h"
#include "csp_int.h"

static const struct {
    const char *name;
    int score;
    bool pass;
} obs_results[CSP_OBS__COUNT] = {
    { "csp-implemented-with-no-unsafe-default-src-none", 10, true },
    { "csp-implemented-with-no-unsafe", 5, true },
    { "csp-implemented-with-unsafe-inline-in-style-src-only", 0, true },
    { "csp-implemented-with-insecure-scheme-in-passive-content-only", -10, true },
    { "csp-implemented-with-unsafe-eval", -10, false },
    { "csp-implemented-with-unsafe-inline", -20, false },
    { "csp-implemented-with-insecure-scheme", -20, false },
    { "csp-implemented-but-duplicate-directives", 0, true },
    { "csp-header-invalid", -25, false },
    { "csp-not-implemented", -25, false },
    { "csp-not-implemented-but-reporting-enabled", -25, false },
};

const char *csp_observatory_name(enum csp_obs_result r)
{
    return (unsigned)r < CSP_OBS__COUNT ? obs_results[r].name : "?";
}

const char *csp_observatory_result(const struct csp_analysis *a)
{
    return csp_observatory_name(a->observatory);
}

int csp_observatory_parse(const char *s, enum csp_obs_result *out)
{
    for (int i = 0; s && i < CSP_OBS__COUNT; i++) {
        if (strcmp(s, obs_results[i].name) == 0) {
            *out = (enum csp_obs_result)i;
            return 0;
        }
    }
    return -1;
}

int csp_observatory_score(enum csp_obs_result r)
{
    return (unsigned)r < CSP_OBS__COUNT ? obs_results[r].score : 0;
}

bool csp_observatory_passes(enum csp_obs_result r)
{
    return (unsigned)r < CSP_OBS__COUNT && obs_results[r].pass;
}

int csp_analyse(const struct csp_set *s, bool page_https, struct csp_analysis *a)
{
    memset(a, 0, sizeof *a);
    if (!s)
        return -1;
    a->page_https = page_https;
    a->truncated = s->truncated;
    for (uint32_t i = 0; i < s->ndir; i++)
        if (s->dir[i].flags & DF_OBS_DUP)
            a->duplicate_directives = true;
    for (uint32_t i = 0; i < s->npol; i++) {
        if (!s->pol[i].effective)
            continue;
        if (s->pol[i].origin == CSP_ORIGIN_HEADER)
            a->header_policies++;
        else if (s->pol[i].origin == CSP_ORIGIN_META)
            a->meta_policies++;
        else
            a->report_only_policies++;
    }
    csp_view_compute(s, 1u << CSP_ORIGIN_HEADER | 1u << CSP_ORIGIN_META, page_https, &a->enforced);
    csp_view_compute(s, 1u << CSP_ORIGIN_REPORT_ONLY, page_https, &a->report_only);
    if (csp_observatory_read(s, page_https, a) < 0) {
        memset(a, 0, sizeof *a);
        return -1;
    }
    return 0;
}
