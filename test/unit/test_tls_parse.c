/*
 * test_tls_parse.c — the first-flight parser on well-formed hand-built server replies: TLS 1.2
 * flights with Certificate, CertificateStatus, DHE/ECDHE ServerKeyExchange and ServerHelloDone;
 * TLS 1.3 ServerHello and HRR; alerts; SSLv2 SERVER-HELLO/ERROR. Every reply is also fed split
 * at each byte boundary and one byte at a time, and must give exactly the result of feeding it
 * whole. Broken and hostile input: test_tls_parse_errors.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tls_hello.h"
#include "tls_parse.h"
#include "tls_vectors.h"

static void assert_certs(const struct tls_flight *f)
{
    const uint8_t *der;
    size_t len;

    assert_int_equal(f->n_certs, 2);
    assert_int_equal(tls_flight_cert(f, 0, &der, &len), 0);
    assert_int_equal(len, sizeof(cert1));
    assert_memory_equal(der, cert1, len);
    assert_int_equal(tls_flight_cert(f, 1, &der, &len), 0);
    assert_memory_equal(der, cert2, sizeof(cert2));
    assert_int_equal(tls_flight_cert(f, 2, &der, &len), -1);
}

static void test_tls12_dhe_flight(void **state)
{
    static const size_t frags[] = { 16384, 100, 7 }; /* one record; messages spanning records */

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        struct vec v = { 0 };
        struct tls_flight f;

        flight12(&v, 1, frags[i]);
        assert_int_equal(check_chunking(TLS_V_12, &v, &f), TLS_FL_DONE);
        assert_int_equal(f.record_version, 0x0303);
        assert_int_equal(f.server_version, 0x0303);
        assert_int_equal(f.legacy_version, 0x0303);
        assert_int_equal(f.cipher, 0x009E);
        assert_int_equal(f.compression, 0);
        assert_int_equal(f.session_id_len, 32);
        assert_false(f.is_hrr);
        assert_true(f.has_reneg_info);
        assert_true(f.has_ems);
        assert_string_equal(f.alpn, "http/1.1");
        assert_true(f.status_request_ack);
        assert_true(f.has_ocsp_staple);
        assert_certs(&f);
        assert_int_equal(f.ske_kind, TLS_SKE_DHE);
        assert_int_equal(f.dh_bits, 1024);
        assert_int_equal(f.ske_sigalg, 0x0401);
        /* more input after DONE is ignored */
        assert_int_equal(tls_flight_feed(&f, (const uint8_t *)"junk", 4), TLS_FL_DONE);
        tls_flight_release(&f);
        assert_int_equal(tls_flight_cert(&f, 0, &(const uint8_t *){ NULL }, &(size_t){ 0 }), -1);
        tls_flight_release(&f);
        vfree(&v);
    }
}

static void test_tls12_ecdhe_flight(void **state)
{
    struct vec v = { 0 };
    struct tls_flight f;

    (void)state;
    flight12(&v, 0, 16384);
    assert_int_equal(check_chunking(TLS_V_12, &v, &f), TLS_FL_DONE);
    assert_int_equal(f.cipher, 0xC02F);
    assert_int_equal(f.ske_kind, TLS_SKE_ECDHE);
    assert_int_equal(f.ecdh_group, 0x0017);
    assert_int_equal(f.ske_sigalg, 0x0804);
    assert_int_equal(f.dh_bits, 0);
    assert_certs(&f);
    tls_flight_release(&f);
    vfree(&v);
}

static void test_dh_bits_and_old_versions(void **state)
{
    static const struct {
        size_t zeros;
        uint8_t top;
        size_t p_len;
        unsigned bits;
    } cases[] = { { 1, 0x80, 128, 1024 }, { 0, 0x01, 128, 1017 }, { 3, 0xFF, 256, 2048 },
                  { 0, 0xFF, 768, 6144 } }; /* last: body starts 0x03 like EC */

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (int v12 = 0; v12 < 2; v12++) {
            struct vec hs = { 0 }, v = { 0 };
            struct tls_flight f;

            server_hello(&hs, v12 ? 0x0303 : 0x0302, NULL, 0x0033, NULL);
            ske_dhe(&hs, cases[i].zeros, cases[i].top, cases[i].p_len, v12);
            empty_msg(&hs, 14);
            records(&v, 22, &hs, 16384);
            assert_int_equal(feed_all(&f, TLS_V_12, &v), TLS_FL_DONE);
            assert_int_equal(f.ske_kind, TLS_SKE_DHE);
            assert_int_equal(f.dh_bits, cases[i].bits);
            assert_int_equal(f.ske_sigalg, v12 ? 0x0401 : 0);
            assert_int_equal(f.n_certs, 0);
            tls_flight_release(&f);
            vfree(&hs);
            vfree(&v);
        }
    }
}

static void test_tls13_server_hello(void **state)
{
    struct vec exts = { 0 }, hs = { 0 }, v = { 0 };
    struct tls_flight f;
    uint8_t ks[36] = { 0x00, 0x1D, 0x00, 0x20 };

    (void)state;
    ext(&exts, 0x002B, "\x03\x04", 2);
    ext(&exts, 0x0033, ks, sizeof(ks));
    server_hello(&hs, 0x0303, NULL, 0x1301, &exts);
    records(&v, 22, &hs, 16384);
    put(&v, "\x14\x03\x03\x00\x01\x01", 6);                 /* middlebox-compat CCS */
    put(&v, "\x17\x03\x03\x00\x04\xDE\xAD\xBE\xEF", 9);     /* encrypted extensions */
    assert_int_equal(check_chunking(TLS_V_13, &v, &f), TLS_FL_DONE);
    assert_int_equal(f.server_version, 0x0304);
    assert_int_equal(f.legacy_version, 0x0303);
    assert_int_equal(f.cipher, 0x1301);
    assert_int_equal(f.key_share_group, 0x001D);
    assert_false(f.is_hrr);
    tls_flight_release(&f);
    vfree(&exts);
    vfree(&hs);
    vfree(&v);
}

static void test_hrr(void **state)
{
    struct vec exts = { 0 }, hs = { 0 }, v = { 0 };
    struct tls_flight f;

    (void)state;
    ext(&exts, 0x002B, "\x03\x04", 2);
    ext(&exts, 0x0033, "\x00\x17", 2);
    server_hello(&hs, 0x0303, hrr_magic, 0x1302, &exts);
    records(&v, 22, &hs, 16384);
    assert_int_equal(check_chunking(TLS_V_13, &v, &f), TLS_FL_DONE);
    assert_true(f.is_hrr);
    assert_int_equal(f.hrr_group, 0x0017);
    assert_int_equal(f.key_share_group, 0);
    assert_int_equal(f.server_version, 0x0304);
    tls_flight_release(&f);
    vfree(&exts);
    vfree(&hs);
    vfree(&v);
}

static void test_downgrade_sentinel(void **state)
{
    uint8_t random[32];
    struct vec hs = { 0 }, v = { 0 };
    struct tls_flight f;

    (void)state;
    memset(random, 0x42, sizeof(random));
    memcpy(random + 24, "DOWNGRD\x01", 8);
    server_hello(&hs, 0x0303, random, 0xC02F, NULL);
    records(&v, 22, &hs, 16384);
    assert_int_equal(feed_all(&f, TLS_V_13, &v), TLS_FL_NEED_MORE);
    assert_int_equal(f.downgrade_sentinel, 12);
    assert_int_equal(f.server_version, 0x0303);
    tls_flight_release(&f);
    vfree(&hs);
    vfree(&v);
}

static void test_alerts(void **state)
{
    struct vec v = { 0 }, rest = { 0 };
    struct tls_flight f;

    (void)state;
    put(&v, "\x15\x03\x03\x00\x02\x02\x28", 7);
    assert_int_equal(check_chunking(TLS_V_12, &v, &f), TLS_FL_ALERT);
    assert_int_equal(f.alert_level, 2);
    assert_int_equal(f.alert_desc, 40);
    assert_string_equal(tls_alert_name(f.alert_desc), "handshake_failure");
    tls_flight_release(&f);
    vfree(&v);

    /* a warning unrecognized_name, then the flight carries on */
    put(&v, "\x15\x03\x01\x00\x02\x01\x70", 7);
    flight12(&rest, 0, 16384);
    put(&v, rest.b, rest.n);
    assert_int_equal(check_chunking(TLS_V_12, &v, &f), TLS_FL_DONE);
    assert_int_equal(f.alert_level, 1);
    assert_int_equal(f.alert_desc, 112);
    assert_int_equal(f.record_version, 0x0301);
    tls_flight_release(&f);
    vfree(&v);
    vfree(&rest);

    put(&v, "\x15\x03\x00\x00\x02\x01\x00", 7); /* close_notify ends it even as a warning */
    assert_int_equal(feed_all(&f, TLS_V_SSL3, &v), TLS_FL_ALERT);
    assert_int_equal(f.alert_desc, 0);
    tls_flight_release(&f);
    vfree(&v);

    put(&v, "\x15\x03\x03\x00\x03\x02\x28\x00", 8);
    assert_int_equal(feed_all(&f, TLS_V_12, &v), TLS_FL_MALFORMED);
    tls_flight_release(&f);
    vfree(&v);
    assert_string_equal(tls_alert_name(70), "protocol_version");
    assert_string_equal(tls_alert_name(86), "inappropriate_fallback");
    assert_null(tls_alert_name(255));
}

static void sslv2_server_hello(struct vec *v, size_t cs_len)
{
    static const char cert[] = "sslv2 x509 cert";
    struct vec body = { 0 };

    put8(&body, 4);
    put8(&body, 0);
    put8(&body, 1);
    put16(&body, 0x0002);
    put16(&body, sizeof(cert));
    put16(&body, (unsigned)cs_len);
    put16(&body, 16);
    put(&body, cert, sizeof(cert));
    put(&body, "\x01\x00\x80\x07\x00\xC0\x02\x00\x80", cs_len);
    fill(&body, 0xCD, 16);
    put8(v, 0x80 | (unsigned)(body.n >> 8));
    put8(v, (unsigned)body.n & 0xFF);
    put(v, body.b, body.n);
    vfree(&body);
}

static void test_sslv2(void **state)
{
    struct vec v = { 0 };
    struct tls_flight f;
    const uint8_t *der;
    size_t len;

    (void)state;
    sslv2_server_hello(&v, 9);
    assert_int_equal(check_chunking(TLS_V_SSL2, &v, &f), TLS_FL_DONE);
    assert_int_equal(f.server_version, TLS_V_SSL2);
    assert_int_equal(f.record_version, TLS_V_SSL2);
    assert_int_equal(f.n_sslv2_ciphers, 3);
    assert_int_equal(f.sslv2_ciphers[0], 0x010080);
    assert_int_equal(f.sslv2_ciphers[1], 0x0700C0);
    assert_int_equal(f.sslv2_ciphers[2], 0x020080);
    assert_int_equal(f.n_certs, 1);
    assert_int_equal(tls_flight_cert(&f, 0, &der, &len), 0);
    assert_memory_equal(der, "sslv2 x509 cert", len);
    tls_flight_release(&f);

    assert_int_equal(feed_all(&f, TLS_V_12, &v), TLS_FL_NOT_TLS); /* not what we offered */
    tls_flight_release(&f);
    vfree(&v);

    sslv2_server_hello(&v, 4);
    assert_int_equal(feed_all(&f, TLS_V_SSL2, &v), TLS_FL_MALFORMED);
    tls_flight_release(&f);
    vfree(&v);

    put(&v, "\x80\x03\x00\x00\x01", 5);
    assert_int_equal(check_chunking(TLS_V_SSL2, &v, &f), TLS_FL_ALERT);
    assert_int_equal(f.sslv2_error, 1);
    assert_int_equal(f.alert_desc, 40);
    tls_flight_release(&f);
    vfree(&v);

    put(&v, "\x15\x03\x00\x00\x02\x02\x46", 7); /* a TLS server refusing our SSLv2 hello */
    assert_int_equal(feed_all(&f, TLS_V_SSL2, &v), TLS_FL_ALERT);
    assert_int_equal(f.alert_desc, 70);
    tls_flight_release(&f);
    vfree(&v);
}

/* Feeding these bytes to a TLS 1.2 probe ends in `want`, for `reason` ("" unless MALFORMED). */
static void test_every_prefix_needs_more(void **state)
{
    struct vec v = { 0 };

    (void)state;
    flight12(&v, 1, 50);
    for (size_t k = 0; k < v.n; k++) {
        struct tls_flight f;

        tls_flight_init(&f, TLS_V_12);
        assert_int_equal(tls_flight_feed(&f, v.b, k), TLS_FL_NEED_MORE);
        tls_flight_release(&f);
    }
    vfree(&v);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(tls_group_name(0x001D), "x25519");
    assert_string_equal(tls_group_name(0x0017), "secp256r1");
    assert_string_equal(tls_group_name(0x0018), "secp384r1");
    assert_string_equal(tls_group_name(0x0100), "ffdhe2048");
    assert_string_equal(tls_group_name(0x0104), "ffdhe8192");
    assert_null(tls_group_name(0x9999));
    assert_string_equal(tls_flight_status_name(TLS_FL_DONE), "done");
    assert_string_equal(tls_flight_status_name(TLS_FL_NOT_TLS), "not_tls");
    assert_string_equal(tls_flight_status_name(42), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls12_dhe_flight),
        cmocka_unit_test(test_tls12_ecdhe_flight),
        cmocka_unit_test(test_dh_bits_and_old_versions),
        cmocka_unit_test(test_tls13_server_hello),
        cmocka_unit_test(test_hrr),
        cmocka_unit_test(test_downgrade_sentinel),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_sslv2),
        cmocka_unit_test(test_every_prefix_needs_more),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
