/*
 * scan_run.c — the worker pool behind `cocscan scan`.
 *
 * Workers take the next target index under a mutex and write into that target's own slot, so
 * nothing about the report depends on which worker finished first. Per-host politeness is the
 * host gate's (hostgate.h), below every probe, not the pool's. The progress line lives on
 * stderr's last line and is redrawn as targets start and finish.
 */
#include "scan_run.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "login.h"
#include "net.h"
#include "report.h"

struct slot {
    json_t *observations; /* NULL once kept as text */
    char *obs_text;       /* the observations as compact JSON: a fleet's trees would dominate
                           * the scan's memory; the JSON writer expands one at a time */
    json_t *results;
    char *unreachable; /* why the target could not be scanned, or NULL */
};

struct pool {
    const struct scan_run *run;
    struct target *targets;
    size_t *order; /* the indexes to scan, in order */
    size_t n;
    struct slot *slots; /* by position in order */
    pthread_mutex_t mu;
    size_t next, done;
    unsigned failing, probes;
    const char *current; /* the URL most recently started (progress line) */
    int drawn;           /* width of the progress line last drawn without colour */
};

static int has_failure(const json_t *results)
{
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) {
        const char *st = json_string_value(json_object_get(r, "status"));
        if (st && (strcmp(st, "fail") == 0 || strcmp(st, "error") == 0))
            return 1;
    }
    return 0;
}

/* Redraw the progress line (mu held). With colour, ANSI erase-line; without (NO_COLOR), only
 * carriage return and blanks over what the last line left. */
static void progress_draw(struct pool *p)
{
    if (!p->run->progress)
        return;
    int color = p->run->color;
    int alarm = color && p->failing;
    const char *red = alarm ? "\033[31m" : "", *off = alarm ? "\033[0m" : "";
    int busy = p->done < p->n && p->current;
    int len = fprintf(stderr, "%scocscan: %zu/%zu targets done, %s%u failing%s%s%.60s",
                      color ? "\r\033[K" : "\r", p->done, p->n, red, p->failing, off,
                      busy ? " - " : "", busy ? p->current : "");
    if (!color) {
        for (int i = len; i < p->drawn; i++)
            fputc(' ', stderr);
        if (len < p->drawn)
            fputc('\r', stderr);
        p->drawn = len;
    }
    fflush(stderr);
}

static void scan_one(struct scan *scan, struct target *t, const struct scan_run *run,
                     struct slot *out)
{
    struct coc_error e = { "" };
    out->observations = json_object();
    log_debug(1, "%s: connecting to %s port %d", t->url, t->host, t->port);
    int fd = net_connect(t->host, t->port, scan->timeout_ms, &e);
    scan->probes++;
    if (fd < 0) {
        out->unreachable = strdup(e.msg);
        log_err("%s: %s", t->url, e.msg);
    } else {
        net_close(fd);
        eval_observe(scan, t, run->prof, run->sel, out->observations);
        login_shared_clear(scan); /* sessions end with the target */
    }
    out->results = eval_judge(out->observations, run->prof, run->sel, out->unreachable);
    manual_inputs_apply(run->mi, run->prof, t->url, out->results);
}

static void *worker(void *arg)
{
    struct pool *p = arg;
    struct scan scan = *p->run->settings; /* this worker's own counters and sign-ins */
    scan.probes = 0;
    scan.logins = NULL;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t k = p->next < p->n ? p->next++ : p->n;
        if (k < p->n) {
            p->current = p->targets[p->order[k]].url;
            progress_draw(p);
        }
        pthread_mutex_unlock(&p->mu);
        if (k == p->n)
            break;
        scan_one(&scan, &p->targets[p->order[k]], p->run, &p->slots[k]);
        struct slot *sl = &p->slots[k];
        sl->obs_text = json_dumps(sl->observations, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (sl->obs_text) {
            json_decref(sl->observations);
            sl->observations = NULL;
        }
        pthread_mutex_lock(&p->mu);
        p->done++;
        p->failing += has_failure(p->slots[k].results) || p->slots[k].unreachable;
        progress_draw(p);
        pthread_mutex_unlock(&p->mu);
    }
    pthread_mutex_lock(&p->mu);
    p->probes += scan.probes;
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

unsigned scan_run_targets(const struct scan_run *run, struct target *targets, size_t n,
                          const unsigned char *keep, json_t *report)
{
    struct pool p = { .run = run, .targets = targets };
    p.order = calloc(n ? n : 1, sizeof *p.order);
    p.slots = calloc(n ? n : 1, sizeof *p.slots);
    if (!p.order || !p.slots || pthread_mutex_init(&p.mu, NULL) != 0) {
        log_err("out of memory");
        free(p.order);
        free(p.slots);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (!keep || keep[i])
            p.order[p.n++] = i;
    size_t workers = run->concurrency > 1 ? (size_t)run->concurrency : 1;
    if (workers > p.n)
        workers = p.n;
    log_progress_active(run->progress ? 1 + !!run->color : 0);
    pthread_t *th = workers > 1 ? calloc(workers, sizeof *th) : NULL;
    size_t started = 0;
    for (size_t w = 0; th && w < workers; w++)
        if (pthread_create(&th[started], NULL, worker, &p) == 0)
            started++;
    if (started == 0)
        worker(&p); /* one worker, or threads unavailable: this thread does it all */
    for (size_t w = 0; w < started; w++)
        pthread_join(th[w], NULL);
    free(th);
    if (run->progress) {
        fprintf(stderr, run->color ? "\r\033[K" : "\r%*s\r", run->color ? 0 : p.drawn, "");
        fflush(stderr);
    }
    log_progress_active(0);
    for (size_t k = 0; k < p.n; k++) {
        struct slot *s = &p.slots[k];
        report_add_target(report, &targets[p.order[k]],
                          s->observations ? s->observations : json_null(), s->results,
                          s->unreachable);
        if (s->obs_text && report_set_last_observations_text(report, s->obs_text) < 0)
            log_err("out of memory keeping the observations of %s", targets[p.order[k]].url);
        free(s->obs_text);
        free(s->unreachable);
    }
    pthread_mutex_destroy(&p.mu);
    free(p.order);
    free(p.slots);
    return p.probes;
}
