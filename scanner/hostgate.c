/*
 * hostgate.c — per-host connection cap and start rate, shared by all worker threads.
 *
 * One mutex guards a short list of hosts (a scan meets tens to hundreds); waiting is on one
 * condition variable, woken whenever a slot is given back. The rate is kept by handing each
 * start a time no earlier than the previous start plus 1/rate, and sleeping until it. Counting
 * goes on without limits too, so -v can say how many connections one host had at once.
 */
#include "hostgate.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

struct host {
    char *name;
    int active;
    int64_t next_start_ms; /* the earliest the next start may happen (rate) */
    struct host *next;
};

struct fd_slot {
    int fd;
    struct host *h;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t freed = PTHREAD_COND_INITIALIZER;
static int cap;           /* 0: none */
static int64_t gap_ms;    /* 0: no rate limit */
static int peak;
static struct host *hosts;
static struct fd_slot *fds;
static size_t n_fds, cap_fds;

/* Slots this thread holds, so nested use never waits for itself. */
#define HELD_MAX 8
static __thread struct {
    struct host *h;
    int n;
} held[HELD_MAX];

void hostgate_configure(int per_host, double rate)
{
    cap = per_host > 0 ? per_host : 0;
    gap_ms = rate > 0 ? (int64_t)(1000.0 / rate) : 0;
}

/* The host record for name, created on first use (lock held); NULL when out of memory. */
static struct host *host_get(const char *name)
{
    for (struct host *h = hosts; h; h = h->next)
        if (strcmp(h->name, name) == 0)
            return h;
    struct host *h = calloc(1, sizeof *h);
    if (!h || !(h->name = strdup(name))) {
        free(h);
        return NULL;
    }
    h->next = hosts;
    hosts = h;
    return h;
}

static int held_index(const struct host *h)
{
    for (int i = 0; i < HELD_MAX; i++)
        if (held[i].h == h && held[i].n > 0)
            return i;
    return -1;
}

static void held_add(struct host *h)
{
    int i = held_index(h);
    for (int j = 0; i < 0 && j < HELD_MAX; j++)
        if (held[j].n == 0)
            i = j;
    if (i >= 0) {
        held[i].h = h;
        held[i].n++;
    }
}

static void sleep_until(int64_t when_ms)
{
    int64_t wait = when_ms - clock_ms();
    if (wait <= 0)
        return;
    struct timespec ts = { (time_t)(wait / 1000), (long)(wait % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

void hostgate_enter(const char *host)
{
    int64_t start = 0;
    pthread_mutex_lock(&lock);
    struct host *h = host_get(host);
    if (!h) {
        pthread_mutex_unlock(&lock);
        return; /* out of memory: let it through rather than stall the scan */
    }
    if (held_index(h) < 0) {
        while (cap && h->active >= cap)
            pthread_cond_wait(&freed, &lock);
        if (gap_ms) {
            int64_t now = clock_ms();
            start = h->next_start_ms > now ? h->next_start_ms : now;
            h->next_start_ms = start + gap_ms;
        }
    }
    h->active++;
    if (h->active > peak)
        peak = h->active;
    held_add(h);
    pthread_mutex_unlock(&lock);
    if (start)
        sleep_until(start);
}

void hostgate_leave(const char *host)
{
    pthread_mutex_lock(&lock);
    for (struct host *h = hosts; h; h = h->next) {
        if (strcmp(h->name, host) != 0)
            continue;
        if (h->active > 0)
            h->active--;
        int i = held_index(h);
        if (i >= 0)
            held[i].n--;
        break;
    }
    pthread_cond_broadcast(&freed);
    pthread_mutex_unlock(&lock);
}

void hostgate_bind_fd(int fd, const char *host)
{
    if (fd < 0)
        return;
    pthread_mutex_lock(&lock);
    struct host *h = host_get(host);
    if (h && n_fds == cap_fds) {
        size_t want = cap_fds ? cap_fds * 2 : 64;
        struct fd_slot *grown = realloc(fds, want * sizeof *grown);
        if (grown) {
            fds = grown;
            cap_fds = want;
        }
    }
    if (h && n_fds < cap_fds)
        fds[n_fds++] = (struct fd_slot){ fd, h };
    pthread_mutex_unlock(&lock);
}

const char *hostgate_unbind_fd(int fd)
{
    const char *name = NULL;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < n_fds; i++) {
        if (fds[i].fd == fd) {
            name = fds[i].h->name; /* hosts live until hostgate_reset */
            fds[i] = fds[--n_fds];
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    return name;
}

int hostgate_peak(void)
{
    pthread_mutex_lock(&lock);
    int p = peak;
    pthread_mutex_unlock(&lock);
    return p;
}

void hostgate_reset(void)
{
    pthread_mutex_lock(&lock);
    while (hosts) {
        struct host *h = hosts;
        hosts = h->next;
        free(h->name);
        free(h);
    }
    free(fds);
    fds = NULL;
    n_fds = cap_fds = 0;
    peak = 0;
    pthread_mutex_unlock(&lock);
}
