/*
 * eval.h — running a profile's checks against a target (observe) and judging every control over
 * the observations (judge). The judge half does no I/O, so a stored report can be re-judged.
 */
#ifndef COC_EVAL_H
#define COC_EVAL_H

#include <jansson.h>

#include "error.h"
#include "profile.h"

struct scan;
struct target;

/* Which checks a run may use: NULL selects all; else ids and family names. */
struct selection {
    char **items;
    size_t n;
};

/* Parse "tls.protocols,headers" into sel; unknown entries are an error (e set). 0 ok, -1. */
int selection_parse(const char *list, struct selection *sel, struct coc_error *e);
void selection_release(struct selection *sel);

/* Run observe of every check an enabled control needs (once each). Fills observations{}. */
void eval_observe(struct scan *scan, struct target *t, const struct profile *p,
                  const struct selection *sel, json_t *observations);

/* Judge every control and attestation of p over observations. New array of result objects.
 * `unreachable` (or NULL): why the target could not be scanned at all. */
json_t *eval_judge(const json_t *observations, const struct profile *p,
                   const struct selection *sel, const char *unreachable);

#endif
