/*
 * tls_vectors.h — hand-built server replies and feeding helpers shared by the flight-parser
 * tests (test_tls_parse.c, test_tls_parse_errors.c). Header-only (static inline) so each test
 * still builds from its own .c plus the parser sources. Include after <cmocka.h>.
 */
#ifndef COC_TEST_TLS_VECTORS_H
#define COC_TEST_TLS_VECTORS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls_hello.h"
#include "tls_parse.h"

struct vec {
    uint8_t *b;
    size_t n, cap;
};

static inline void put(struct vec *v, const void *p, size_t n)
{
    if (v->n + n > v->cap) {
        v->cap = (v->n + n) * 2 + 64;
        v->b = realloc(v->b, v->cap);
        assert_non_null(v->b);
    }
    if (n)
        memcpy(v->b + v->n, p, n);
    v->n += n;
}

static inline void put8(struct vec *v, unsigned x)
{
    uint8_t b = (uint8_t)x;

    put(v, &b, 1);
}

static inline void put16(struct vec *v, unsigned x)
{
    put8(v, x >> 8);
    put8(v, x);
}

static inline void put24(struct vec *v, unsigned x)
{
    put8(v, x >> 16);
    put16(v, x & 0xFFFF);
}

static inline void fill(struct vec *v, uint8_t byte, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put8(v, byte);
}

static inline void vfree(struct vec *v)
{
    free(v->b);
    memset(v, 0, sizeof(*v));
}

/* Append a handshake message (header + body) to out. */
static inline void hs_msg(struct vec *out, uint8_t type, const struct vec *body)
{
    put8(out, type);
    put24(out, (unsigned)body->n);
    put(out, body->b, body->n);
}

/* Wrap payload into records of at most frag bytes. */
static inline void records(struct vec *out, uint8_t type, const struct vec *payload, size_t frag)
{
    size_t off = 0;

    do {
        size_t n = payload->n - off < frag ? payload->n - off : frag;

        put8(out, type);
        put16(out, 0x0303);
        put16(out, (unsigned)n);
        put(out, payload->b + off, n);
        off += n;
    } while (off < payload->n);
}

static inline void ext(struct vec *exts, unsigned type, const void *data, size_t n)
{
    put16(exts, type);
    put16(exts, (unsigned)n);
    put(exts, data, n);
}

static const uint8_t hrr_magic[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
};

/* A ServerHello message; random NULL means 0x11 bytes, exts NULL means no extension block. */
static inline void server_hello(struct vec *out, unsigned version, const uint8_t *random,
                         unsigned cipher, const struct vec *exts)
{
    struct vec body = { 0 };

    put16(&body, version);
    if (random)
        put(&body, random, 32);
    else
        fill(&body, 0x11, 32);
    put8(&body, 32);
    fill(&body, 0x22, 32);
    put16(&body, cipher);
    put8(&body, 0);
    if (exts) {
        put16(&body, (unsigned)exts->n);
        put(&body, exts->b, exts->n);
    }
    hs_msg(out, 2, &body);
    vfree(&body);
}

static const char cert1[] = "first certificate, DER in real life";
static const char cert2[] = "the issuing CA";

static inline void certificate(struct vec *out)
{
    struct vec body = { 0 };

    put24(&body, (unsigned)(3 + sizeof(cert1) + 3 + sizeof(cert2)));
    put24(&body, sizeof(cert1));
    put(&body, cert1, sizeof(cert1));
    put24(&body, sizeof(cert2));
    put(&body, cert2, sizeof(cert2));
    hs_msg(out, 11, &body);
    vfree(&body);
}

/* DHE ServerKeyExchange: p of p_len bytes starting with `top`, after `zeros` zero bytes. */
static inline void ske_dhe(struct vec *out, size_t zeros, uint8_t top, size_t p_len, int v12)
{
    struct vec body = { 0 };

    put16(&body, (unsigned)(zeros + p_len));
    fill(&body, 0, zeros);
    put8(&body, top);
    fill(&body, 0xA5, p_len - 1);
    put16(&body, 1);
    put8(&body, 2);
    put16(&body, (unsigned)p_len);
    fill(&body, 0x5A, p_len);
    if (v12)
        put16(&body, 0x0401);
    put16(&body, 256);
    fill(&body, 0x77, 256);
    hs_msg(out, 12, &body);
    vfree(&body);
}

static inline void ske_ecdhe_p256(struct vec *out)
{
    struct vec body = { 0 };

    put8(&body, 3);
    put16(&body, 0x0017);
    put8(&body, 65);
    put8(&body, 4);
    fill(&body, 0x33, 64);
    put16(&body, 0x0804);
    put16(&body, 256);
    fill(&body, 0x44, 256);
    hs_msg(out, 12, &body);
    vfree(&body);
}

static inline void empty_msg(struct vec *out, uint8_t type)
{
    struct vec body = { 0 };

    hs_msg(out, type, &body);
}

/* A TLS 1.2 flight: ServerHello with extensions, Certificate, CertificateStatus,
 * ServerKeyExchange (DHE when dhe, else ECDHE), ServerHelloDone; frag = record size. */
static inline void flight12(struct vec *out, int dhe, size_t frag)
{
    struct vec exts = { 0 }, hs = { 0 }, cs = { 0 };
    static const uint8_t alpn[] = { 0x00, 0x09, 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1' };

    ext(&exts, 0xFF01, "\0", 1);
    ext(&exts, 0x0017, NULL, 0);
    ext(&exts, 0x1234, "junk!", 5); /* unknown: skipped */
    ext(&exts, 0x0010, alpn, sizeof(alpn));
    ext(&exts, 0x0005, NULL, 0);
    ext(&exts, 0x000B, "\x01\x00", 2);
    server_hello(&hs, 0x0303, NULL, dhe ? 0x009E : 0xC02F, &exts);
    certificate(&hs);
    put8(&cs, 1);
    put24(&cs, 4);
    put(&cs, "OCSP", 4);
    hs_msg(&hs, 22, &cs);
    if (dhe)
        ske_dhe(&hs, 0, 0xC9, 128, 1);
    else
        ske_ecdhe_p256(&hs);
    empty_msg(&hs, 14);
    records(out, 22, &hs, frag);
    vfree(&exts);
    vfree(&hs);
    vfree(&cs);
}

static inline int feed_all(struct tls_flight *f, uint16_t offered, const struct vec *v)
{
    tls_flight_init(f, offered);
    return tls_flight_feed(f, v->b, v->n);
}

static inline void assert_same(const struct tls_flight *a, const struct tls_flight *b)
{
    assert_int_equal(a->status, b->status);
    assert_string_equal(a->reason, b->reason);
    assert_int_equal(a->alert_level, b->alert_level);
    assert_int_equal(a->alert_desc, b->alert_desc);
    assert_int_equal(a->sslv2_error, b->sslv2_error);
    assert_int_equal(a->record_version, b->record_version);
    assert_int_equal(a->legacy_version, b->legacy_version);
    assert_int_equal(a->server_version, b->server_version);
    assert_int_equal(a->cipher, b->cipher);
    assert_int_equal(a->compression, b->compression);
    assert_int_equal(a->session_id_len, b->session_id_len);
    assert_int_equal(a->is_hrr, b->is_hrr);
    assert_int_equal(a->hrr_group, b->hrr_group);
    assert_int_equal(a->key_share_group, b->key_share_group);
    assert_int_equal(a->downgrade_sentinel, b->downgrade_sentinel);
    assert_int_equal(a->has_reneg_info, b->has_reneg_info);
    assert_int_equal(a->has_ems, b->has_ems);
    assert_string_equal(a->alpn, b->alpn);
    assert_int_equal(a->status_request_ack, b->status_request_ack);
    assert_int_equal(a->has_ocsp_staple, b->has_ocsp_staple);
    assert_int_equal(a->has_cert_request, b->has_cert_request);
    assert_int_equal(a->n_certs, b->n_certs);
    assert_int_equal(a->ske_kind, b->ske_kind);
    assert_int_equal(a->dh_bits, b->dh_bits);
    assert_int_equal(a->ecdh_group, b->ecdh_group);
    assert_int_equal(a->ske_sigalg, b->ske_sigalg);
    assert_int_equal(a->n_sslv2_ciphers, b->n_sslv2_ciphers);
    assert_memory_equal(a->sslv2_ciphers, b->sslv2_ciphers, sizeof(a->sslv2_ciphers));
    for (size_t i = 0; i < a->n_certs; i++) {
        const uint8_t *da, *db;
        size_t la, lb;

        assert_int_equal(tls_flight_cert(a, i, &da, &la), 0);
        assert_int_equal(tls_flight_cert(b, i, &db, &lb), 0);
        assert_int_equal(la, lb);
        assert_memory_equal(da, db, la);
    }
}

/* Feed whole, then split at every boundary, then one byte at a time: same result each way. */
static inline int check_chunking(uint16_t offered, const struct vec *v, struct tls_flight *whole)
{
    int st = feed_all(whole, offered, v);

    for (size_t k = 1; k < v->n; k++) {
        struct tls_flight f;
        int s;

        tls_flight_init(&f, offered);
        s = tls_flight_feed(&f, v->b, k);
        if (s == TLS_FL_NEED_MORE)
            s = tls_flight_feed(&f, v->b + k, v->n - k);
        assert_int_equal(s, st);
        assert_same(&f, whole);
        tls_flight_release(&f);
    }
    {
        struct tls_flight f;
        int s = TLS_FL_NEED_MORE;

        tls_flight_init(&f, offered);
        for (size_t i = 0; i < v->n && s == TLS_FL_NEED_MORE; i++)
            s = tls_flight_feed(&f, v->b + i, 1);
        assert_int_equal(s, st);
        assert_same(&f, whole);
        tls_flight_release(&f);
    }
    return st;
}

#endif
