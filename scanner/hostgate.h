/*
 * hostgate.h — politeness towards each scanned host, shared by every worker thread: at most N
 * connections (or HTTP requests) in flight per host, and at most R started per second.
 *
 * net_connect/net_close and http_fetch pass through it, so every probe a check makes is
 * counted without the check knowing. Unconfigured, the gate counts but never waits.
 */
#ifndef COC_HOSTGATE_H
#define COC_HOSTGATE_H

#define HOSTGATE_DEFAULT_PER_HOST 4

/* Set the limits, before any worker starts. per_host <= 0: no cap; rate <= 0: no rate limit
 * (rate: starts per second per host). */
void hostgate_configure(int per_host, double rate);

/* Wait for a slot for host (and for its turn under the rate), then take it. A thread that
 * already holds a slot for host gets another at once, so nested use cannot deadlock. */
void hostgate_enter(const char *host);
void hostgate_leave(const char *host);

/* The same, for a socket: net_connect enters for host and binds the slot to fd; net_close
 * unbinds it (before close, so a reused fd number is never confused), closes, then leaves for
 * the host returned (NULL: fd was not bound). */
void hostgate_bind_fd(int fd, const char *host);
const char *hostgate_unbind_fd(int fd);

/* The most slots one host had at once so far (for tests and the benchmark). */
int hostgate_peak(void);

/* Forget every host (after the workers have stopped). */
void hostgate_reset(void);

#endif
