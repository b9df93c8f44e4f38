/* tls_probe.h — one raw-hello probe: connect, send a hand-built ClientHello, read the flight. */
#ifndef COC_TLS_PROBE_H
#define COC_TLS_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "error.h"
#include "tls_parse.h"

struct scan;
struct target;

/* Suites per hello once a server has dropped the whole list unanswered (some servers close the
 * connection on hellos with many suites): small enough for them, few enough slices to stay fast. */
#define TLS_PROBE_SLICE 64
#define TLS_PROBE_SLICE_MIN 8

struct tls_probe {
    /* in */
    uint16_t version;       /* TLS_V_SSL2 .. TLS_V_13 */
    const uint16_t *suites; /* NULL: every registry suite valid for the version */
    size_t n_suites;
    const uint16_t *groups; /* NULL: tls_hello_default_groups */
    size_t n_groups;
    int timeout_ms;
    size_t slice;           /* > 0: offer the suites in hellos of at most this many */
    int fallback_scsv;      /* hello options, as in struct tls_hello_opts */
    int offer_compression;
    int extended_master_secret;
    int status_request;
    const char *alpn;
    /* out */
    unsigned connections;   /* TCP connections made (each counts as a probe) */
    int answered;           /* tls_flight_feed reached a verdict (DONE, ALERT, …) */
    size_t sliced;          /* the slice size used because the whole list was dropped, or 0 */
    struct tls_flight flight;
    char error[COC_ERROR_MAX]; /* transport problem: refused, timed out, closed silently */
};

/* Every registry suite a hello of this version can offer, in registry order. Caller frees. */
uint16_t *tls_probe_suites_for(uint16_t version, size_t *n);

/* Run one probe against t. Always fills p (check p->error and p->flight.status); release after.
 * When the server closes the connection without a byte in answer to a hello of more than
 * TLS_PROBE_SLICE suites, the suites are offered again in slices (p->sliced says so) until one
 * slice is accepted, halving the slices while they are still dropped (down to
 * TLS_PROBE_SLICE_MIN); if some are dropped even then, the answer is an error, not a refusal.
 * A slow or silent server is not retried (that would multiply the timeout). */
void tls_probe_run(const struct target *t, struct tls_probe *p);
/* Run several probes concurrently (one thread each). */
void tls_probe_run_all(const struct target *t, struct tls_probe *probes, size_t n);
void tls_probe_release(struct tls_probe *p);

/* Did the server accept the probed version? (a ServerHello, or HRR, for exactly that version) */
int tls_probe_accepted(const struct tls_probe *p);
/* A short description of what happened, for observations ("accepted", "alert
 * protocol_version", "answered with TLSv1.2", "connection closed", …) into buf. */
void tls_probe_describe(const struct tls_probe *p, char *buf, size_t n);

/* The key exchange an accepted probe saw, as {"dh_bits": n} (DHE), {"group": name} (ECDHE,
 * TLS 1.3 key share or HelloRetryRequest) or {} — new reference. */
json_t *tls_probe_kx_json(const struct tls_probe *p);

/* tls.protocols' observe, which tls.ciphers builds on (it reuses the protocol probes' answers). */
int tls_protocols_observe(struct scan *scan, struct target *t, json_t *obs);
/* For the TLS checks that build on tls.protocols: run its observe unless it ran already; 0 ok,
 * -1 after recording (under check_id) why no protocol could be observed. */
int tls_protocols_need(struct scan *scan, struct target *t, json_t *obs, const char *check_id);
/* The versions tls.protocols saw accepted (SSLv3 … TLSv1.3, SSLv2 left out), lowest first,
 * at most cap of them; returns how many. */
size_t tls_accepted_versions(const json_t *obs, uint16_t *out, size_t cap);
/* The slice size tls.protocols had to use for version v (its sliced_hello), or 0. */
size_t tls_slice_for(const json_t *obs, uint16_t v);
/* Add n connections to the scan's count and to obs.probes. */
void tls_count_probes(struct scan *scan, json_t *obs, unsigned n);

/* Size in bits of a named EC group (x25519 counts as 256, x448 as 448), 0 for anything else. */
int tls_group_ec_bits(const char *name);
/* Modulus bits of a finite-field group name ("ffdhe2048" → 2048), 0 for anything else. */
int tls_group_ff_bits(const char *name);

#endif
