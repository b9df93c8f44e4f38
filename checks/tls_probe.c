/*
 * tls_probe.c — the raw-hello probe the TLS family is built on. It speaks only as much TLS as it
 * takes to get a ServerHello, so it can offer what the local OpenSSL no longer supports and costs
 * one round trip per question.
 */
#include "tls_probe.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cipher_table.h"
#include "check.h"
#include "net.h"
#include "scan.h"
#include "target.h"
#include "tls_hello.h"
#include "util.h"

#define READ_CHUNK 16384

/* Ephemeral key-share public keys: valid points, so a server that picks one can proceed. */
static int keyshares(uint8_t x25519[32], uint8_t p256[65])
{
    int rc = -1;
    size_t len = 32;
    EVP_PKEY *x = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    EVP_PKEY *p = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (x && p && EVP_PKEY_get_raw_public_key(x, x25519, &len) == 1 && len == 32 &&
        EVP_PKEY_get_octet_string_param(p, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, p256, 65, &len) ==
            1 &&
        len == 65)
        rc = 0;
    EVP_PKEY_free(x);
    EVP_PKEY_free(p);
    return rc;
}

uint16_t *tls_probe_suites_for(uint16_t version, size_t *n)
{
    uint16_t *out = malloc(cipher_suites_count * sizeof *out);
    *n = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < cipher_suites_count; i++) {
        unsigned f = cipher_suites[i].flags;
        if (f & CS_SCSV)
            continue;
        if ((version == TLS_V_13) != !!(f & CS_TLS13))
            continue;
        out[(*n)++] = cipher_suites[i].code;
    }
    return out;
}

static int build_hello(const struct target *t, const struct tls_probe *p, const uint16_t *suites,
                       size_t n, struct tls_writer *w)
{
    uint8_t rnd[32], x25519[32], p256[65];
    if (RAND_bytes(rnd, sizeof rnd) != 1)
        return -1;
    if (p->version == TLS_V_SSL2)
        return tls_hello_build_sslv2(rnd, w);
    struct tls_hello_opts o = {
        .version = p->version,
        .suites = suites,
        .n_suites = n,
        .sni = t->host_is_ip ? NULL : t->host,
        .groups = p->groups,
        .n_groups = p->groups ? p->n_groups : 0,
        .fallback_scsv = p->fallback_scsv,
        .offer_compression = p->offer_compression && p->version != TLS_V_13,
        .alpn = p->alpn,
        .status_request = p->status_request,
        .extended_master_secret = p->extended_master_secret,
        .renegotiation_info = 1,
        .random = rnd,
    };
    if (p->version == TLS_V_13) {
        if (keyshares(x25519, p256) < 0)
            return -1;
        o.x25519_pub = x25519;
        o.p256_pub = p256;
    }
    return tls_hello_build(&o, w);
}

/* One connection offering suites[0, n). Returns 1 when the server closed the connection
 * without sending a byte (it may have choked on the hello), else 0. */
static int probe_once(const struct target *t, struct tls_probe *p, const uint16_t *suites,
                      size_t n)
{
    struct coc_error e = { "" };
    struct tls_writer w;
    uint8_t *buf = NULL;
    int dropped = 0;
    size_t got = 0;
    tls_flight_init(&p->flight, p->version);
    tls_wr_init(&w);
    p->answered = 0;
    p->error[0] = '\0';
    int fd = net_connect(t->host, t->port, p->timeout_ms, &e);
    if (fd < 0) {
        snprintf(p->error, sizeof p->error, "%s", e.msg);
        goto out;
    }
    p->connections++;
    if (build_hello(t, p, suites, n, &w) < 0 || w.err) {
        snprintf(p->error, sizeof p->error, "could not build the ClientHello");
        goto out;
    }
    int64_t deadline = clock_ms() + p->timeout_ms;
    if (net_send_all(fd, w.buf, w.len, deadline, &e) < 0) {
        snprintf(p->error, sizeof p->error, "%s", e.msg);
        goto out;
    }
    buf = malloc(READ_CHUNK);
    if (!buf)
        goto out;
    for (;;) {
        ssize_t r = net_recv(fd, buf, READ_CHUNK, deadline, &e);
        if (r <= 0) {
            dropped = r == 0 && got == 0;
            snprintf(p->error, sizeof p->error, "%s",
                     r == 0 ? "connection closed without a ServerHello" : e.msg);
            break;
        }
        got += (size_t)r;
        if (tls_flight_feed(&p->flight, buf, (size_t)r) != TLS_FL_NEED_MORE) {
            p->answered = 1;
            break;
        }
    }
out:
    free(buf);
    tls_wr_release(&w);
    net_close(fd);
    return dropped;
}

/* Offer suites[0, n) in hellos of `step` suites until one is accepted or the transport fails;
 * p keeps the last answer. Returns how many of the hellos were dropped unanswered. */
static size_t probe_slices(const struct target *t, struct tls_probe *p, const uint16_t *suites,
                           size_t n, size_t step)
{
    size_t dropped = 0;
    for (size_t off = 0; off < n; off += step) {
        if (off)
            tls_flight_release(&p->flight);
        int d = probe_once(t, p, suites + off, n - off < step ? n - off : step);
        dropped += (size_t)d;
        if (tls_probe_accepted(p) || (!p->answered && !d))
            break;
    }
    return dropped;
}

void tls_probe_run(const struct target *t, struct tls_probe *p)
{
    size_t n = p->n_suites;
    uint16_t *own = NULL;
    const uint16_t *suites = p->suites;
    p->connections = 0;
    p->sliced = 0;
    if (!suites && p->version != TLS_V_SSL2) {
        own = tls_probe_suites_for(p->version, &n);
        suites = own;
    }
    if (p->version == TLS_V_SSL2 || !suites || n == 0) {
        /* SSLv2 lists its own cipher kinds; a failed allocation gets a clean error. */
        probe_once(t, p, suites, n);
        free(own);
        return;
    }
    size_t step = p->slice && p->slice < n ? p->slice : n;
    size_t dropped = probe_slices(t, p, suites, n, step);
    if (step < n)
        p->sliced = step;
    else if (dropped && n > TLS_PROBE_SLICE)
        step = TLS_PROBE_SLICE * 2; /* halved below to the first slice size */
    /* While hellos are still dropped, halve the slices (a 64-suite hello is padded past 512
     * bytes, which some servers drop too), down to TLS_PROBE_SLICE_MIN. */
    while (dropped && !tls_probe_accepted(p) && step > TLS_PROBE_SLICE_MIN) {
        step /= 2;
        tls_flight_release(&p->flight);
        dropped = probe_slices(t, p, suites, n, step);
        p->sliced = step;
    }
    if (dropped && !tls_probe_accepted(p)) {
        /* Some suites were never put to the server: this is no refusal, it is unknown. */
        tls_flight_release(&p->flight);
        tls_flight_init(&p->flight, p->version);
        p->answered = 0;
        snprintf(p->error, sizeof p->error,
                 "the server closed the connection without answering, even to hellos of %zu "
                 "suites",
                 step);
    }
    free(own);
}

static void *probe_thread(void *arg)
{
    void **a = arg;
    tls_probe_run(a[0], a[1]);
    return NULL;
}

void tls_probe_run_all(const struct target *t, struct tls_probe *probes, size_t n)
{
    pthread_t *th = calloc(n, sizeof *th);
    void **args = calloc(2 * n, sizeof *args);
    int *started = calloc(n, sizeof *started);
    for (size_t i = 0; i < n; i++) {
        if (th && args && started) {
            args[2 * i] = (void *)t;
            args[2 * i + 1] = &probes[i];
            started[i] = pthread_create(&th[i], NULL, probe_thread, &args[2 * i]) == 0;
        }
        if (!started || !started[i])
            tls_probe_run(t, &probes[i]); /* no thread: run it here, just slower */
    }
    for (size_t i = 0; started && i < n; i++)
        if (started[i])
            pthread_join(th[i], NULL);
    free(th);
    free(args);
    free(started);
}

void tls_probe_release(struct tls_probe *p)
{
    tls_flight_release(&p->flight);
}

int tls_probe_accepted(const struct tls_probe *p)
{
    const struct tls_flight *f = &p->flight;
    if (!f->seen_server_hello)
        return 0;
    if (p->version == TLS_V_SSL2)
        return f->sslv2 && f->n_sslv2_ciphers > 0;
    return f->server_version == p->version;
}

void tls_probe_describe(const struct tls_probe *p, char *buf, size_t n)
{
    const struct tls_flight *f = &p->flight;
    if (tls_probe_accepted(p)) {
        snprintf(buf, n, f->is_hrr ? "accepted (HelloRetryRequest)" : "accepted");
    } else if (f->seen_server_hello) {
        const char *v = tls_version_name(f->server_version);
        snprintf(buf, n, "answered with %s", v ? v : "an unknown version");
    } else if (f->status == TLS_FL_ALERT) {
        const char *a = tls_alert_name(f->alert_desc);
        if (f->sslv2)
            snprintf(buf, n, "SSLv2 error %u", f->sslv2_error);
        else
            snprintf(buf, n, "alert %s", a ? a : "unknown");
    } else if (f->status == TLS_FL_NOT_TLS) {
        snprintf(buf, n, "the server does not speak TLS");
    } else if (f->status == TLS_FL_MALFORMED) {
        snprintf(buf, n, "malformed answer: %s", f->reason ? f->reason : "?");
    } else {
        snprintf(buf, n, "%s", p->error[0] ? p->error : "no answer");
    }
}

json_t *tls_probe_kx_json(const struct tls_probe *p)
{
    const struct tls_flight *f = &p->flight;
    json_t *o = json_object();
    uint16_t group = 0;
    if (f->ske_kind == TLS_SKE_DHE && f->dh_bits)
        json_object_set_new(o, "dh_bits", json_integer(f->dh_bits));
    else if (f->ske_kind == TLS_SKE_ECDHE)
        group = f->ecdh_group;
    else if (f->key_share_group)
        group = f->key_share_group;
    else if (f->is_hrr)
        group = f->hrr_group;
    if (group) {
        const char *name = tls_group_name(group);
        char hex[16];
        snprintf(hex, sizeof hex, "0x%04X", group);
        json_object_set_new(o, "group", json_string(name ? name : hex));
    }
    return o;
}

int tls_protocols_need(struct scan *scan, struct target *t, json_t *obs, const char *check_id)
{
    if (json_object_get(obs, "protocol_answers") && !obs_error_get(obs, "tls.protocols"))
        return 0;
    if (!json_object_get(obs, "protocol_answers") && tls_protocols_observe(scan, t, obs) == 0)
        return 0;
    return obs_error(obs, check_id, "%s", obs_error_get(obs, "tls.protocols"));
}

size_t tls_accepted_versions(const json_t *obs, uint16_t *out, size_t cap)
{
    static const uint16_t order[] = { TLS_V_SSL3, TLS_V_10, TLS_V_11, TLS_V_12, TLS_V_13 };
    const json_t *answers = json_object_get(obs, "protocol_answers");
    size_t n = 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0] && n < cap; i++) {
        const json_t *a = json_object_get(answers, tls_version_name(order[i]));
        if (json_is_true(json_object_get(a, "accepted")))
            out[n++] = order[i];
    }
    return n;
}

size_t tls_slice_for(const json_t *obs, uint16_t v)
{
    const json_t *a = json_object_get(json_object_get(obs, "protocol_answers"), tls_version_name(v));
    return (size_t)json_integer_value(json_object_get(a, "sliced_hello"));
}

void tls_count_probes(struct scan *scan, json_t *obs, unsigned n)
{
    scan->probes += n;
    json_object_set_new(obs, "probes",
                        json_integer(json_integer_value(json_object_get(obs, "probes")) + n));
}

int tls_group_ec_bits(const char *name)
{
    if (!name || strncmp(name, "ffdhe", 5) == 0 || strstr(name, "MLKEM") || strstr(name, "Kyber"))
        return 0;
    if (strncmp(name, "x25519", 6) == 0)
        return 256;
    if (strncmp(name, "x448", 4) == 0)
        return 448;
    for (const char *p = name; *p; p++)
        if (*p >= '0' && *p <= '9')
            return atoi(p);
    return 0;
}

int tls_group_ff_bits(const char *name)
{
    return name && strncmp(name, "ffdhe", 5) == 0 ? atoi(name + 5) : 0;
}
