/*
 * scan_run.h — scanning a list of targets on a pool of worker threads: each target observed and
 * judged by one worker, the report assembled afterwards in the order the targets were given, so
 * a run with 64 workers writes the same report as a run with one.
 */
#ifndef COC_SCAN_RUN_H
#define COC_SCAN_RUN_H

#include <jansson.h>
#include <stddef.h>

#include "eval.h"
#include "manual.h"
#include "profile.h"
#include "scan.h"
#include "target.h"

#define SCAN_CONCURRENCY_DEFAULT 16
#define SCAN_CONCURRENCY_MAX 256

struct scan_run {
    const struct scan *settings;      /* copied per worker */
    const struct profile *prof;
    const struct selection *sel;      /* NULL: every check */
    const struct manual_inputs *mi;
    int concurrency;                  /* targets at once (1: in this thread) */
    int progress;                     /* draw a progress line on stderr */
    int color;                        /* ... with colour */
};

/* Observe and judge targets[i] for every i where keep is NULL or keep[i]; add them to report
 * in that order. Returns the number of connections opened. */
unsigned scan_run_targets(const struct scan_run *run, struct target *targets, size_t n,
                          const unsigned char *keep, json_t *report);

#endif
