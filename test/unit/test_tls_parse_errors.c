/*
 * test_tls_parse_errors.c — the first-flight parser on broken and hostile input: peers that do
 * not speak TLS, length fields that lie (too long, too short, longer than the cap), messages in
 * the wrong order, and input beyond the cap. Each verdict must not depend on how the bytes were
 * chunked, and a MALFORMED verdict must carry the expected reason.
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

static void test_not_tls(void **state)
{
    static const char *const peers[] = { "HTTP/1.1 400 Bad Request\r\n\r\n", "SSH-2.0-OpenSSH_9.2",
                                         "\x16\x48", "\x80\x2e\x04" };
    struct tls_flight f;

    (void)state;
    for (size_t i = 0; i < sizeof(peers) / sizeof(peers[0]); i++) {
        tls_flight_init(&f, TLS_V_12);
        assert_int_equal(tls_flight_feed(&f, (const uint8_t *)peers[i], strlen(peers[i])),
                         TLS_FL_NOT_TLS);
        tls_flight_release(&f);
    }
    tls_flight_init(&f, TLS_V_12);
    assert_int_equal(tls_flight_feed(&f, (const uint8_t *)"\x16", 1), TLS_FL_NEED_MORE);
    assert_int_equal(tls_flight_feed(&f, NULL, 0), TLS_FL_NEED_MORE);
    assert_int_equal(tls_flight_feed(&f, (const uint8_t *)"\x03", 1), TLS_FL_NEED_MORE);
    tls_flight_release(&f);
    tls_flight_init(&f, TLS_V_12);
    assert_int_equal(tls_flight_feed(&f, (const uint8_t *)"\x00", 1), TLS_FL_NOT_TLS);
    tls_flight_release(&f);
}

/* Feeding these bytes to a TLS 1.2 probe ends in `want`, for `reason` ("" unless MALFORMED). */
static void expect(const void *bytes, size_t n, int want, const char *reason)
{
    struct vec v = { 0 };
    struct tls_flight f;

    put(&v, bytes, n);
    assert_int_equal(check_chunking(TLS_V_12, &v, &f), want);
    assert_string_equal(f.reason, reason);
    tls_flight_release(&f);
    vfree(&v);
}

static void test_lying_lengths(void **state)
{
    struct vec hs = { 0 }, v = { 0 }, exts = { 0 };
    struct tls_flight f;

    (void)state;
    /* handshake message claiming 16 MiB, 10 bytes present: can never fit under the cap */
    expect("\x16\x03\x03\x00\x0E\x02\xFF\xFF\xFF" "0123456789",
           19, TLS_FL_MALFORMED, "handshake message longer than the input cap");
    /* claiming 100000 (under the cap) with 10 present: wait for more */
    expect("\x16\x03\x03\x00\x0E\x02\x01\x86\xA0" "0123456789", 19, TLS_FL_NEED_MORE, "");
    /* record longer than TLS allows / longer than what is present */
    expect("\x16\x03\x03\x48\x01\x02", 6, TLS_FL_MALFORMED, "record too long");
    expect("\x16\x03\x03\x03\xE8\x02\x00\x00\x26\x03\x03", 11, TLS_FL_NEED_MORE, "");
    /* bad record version in a later record, unexpected record types */
    expect("\x15\x03\x03\x00\x02\x01\x70\x16\x02\x00\x00\x01\x00",
           13, TLS_FL_MALFORMED, "bad record version");
    expect("\x14\x03\x03\x00\x01\x01", 6, TLS_FL_MALFORMED, "unexpected record before ServerHello");
    expect("\x18\x03\x03\x00\x01\x01", 6, TLS_FL_MALFORMED, "unexpected record type");
    /* a ServerHello too short for its own fields */
    expect("\x16\x03\x03\x00\x08\x02\x00\x00\x04\x03\x03\x00\x00",
           13, TLS_FL_MALFORMED, "truncated ServerHello");
    /* Certificate before ServerHello */
    expect("\x16\x03\x03\x00\x07\x0B\x00\x00\x03\x00\x00\x00",
           12, TLS_FL_MALFORMED, "first handshake message is not a ServerHello");

    /* session id longer than 32 */
    put16(&exts, 0x0303);
    fill(&exts, 0, 32);
    put8(&exts, 33);
    fill(&exts, 0, 33 + 3);
    hs_msg(&hs, 2, &exts);
    records(&v, 22, &hs, 16384);
    expect(v.b, v.n, TLS_FL_MALFORMED, "ServerHello session id too long");
    vfree(&exts);
    vfree(&hs);
    vfree(&v);

    /* extension block, and one extension, longer than the message */
    put(&exts, "\x00\x17\x00\x00\xFF\x01\x00\x09\x00", 9);
    server_hello(&hs, 0x0303, NULL, 0xC02F, &exts);
    records(&v, 22, &hs, 16384);
    expect(v.b, v.n, TLS_FL_MALFORMED, "truncated ServerHello extension");
    vfree(&v);
    vfree(&hs);
    server_hello(&hs, 0x0303, NULL, 0xC02F, NULL);
    put(&hs, "\x00", 1); /* one stray byte where the extensions length would be */
    hs.b[3] = (uint8_t)(hs.b[3] + 1);
    records(&v, 22, &hs, 16384);
    expect(v.b, v.n, TLS_FL_MALFORMED, "bad ServerHello extensions length");
    vfree(&v);
    vfree(&hs);
    vfree(&exts);

    /* a good certificate, then one overrunning the list: nothing is published (fuzz find) */
    server_hello(&hs, 0x0303, NULL, 0xC02F, NULL);
    put(&hs, "\x0B\x00\x00\x0C\x00\x00\x09\x00\x00\x01\x41\x00\x00\x05\x42\x43", 16);
    records(&v, 22, &hs, 16384);
    assert_int_equal(feed_all(&f, TLS_V_12, &v), TLS_FL_MALFORMED);
    assert_string_equal(f.reason, "truncated certificate");
    assert_int_equal(f.n_certs, 0);
    assert_int_equal(tls_flight_cert(&f, 0, &(const uint8_t *){ NULL }, &(size_t){ 0 }), -1);
    tls_flight_release(&f);
    vfree(&v);
    vfree(&hs);

    /* certificate entry overrunning its list; non-empty ServerHelloDone; second ServerHello */
    server_hello(&hs, 0x0303, NULL, 0xC02F, NULL);
    put(&hs, "\x0B\x00\x00\x08\x00\x00\x05\x00\x00\x09\x41\x42", 12);
    records(&v, 22, &hs, 16384);
    expect(v.b, v.n, TLS_FL_MALFORMED, "truncated certificate");
    vfree(&v);
    vfree(&hs);
    server_hello(&hs, 0x0303, NULL, 0xC02F, NULL);
    put(&hs, "\x0E\x00\x00\x01\x00", 5);
    records(&v, 22, &hs, 16384);
    expect(v.b, v.n, TLS_FL_MALFORMED, "ServerHelloDone not empty");
    vfree(&v);
    vfree(&hs);
    server_hello(&hs, 0x0303, NULL, 0xC02F, NULL);
    server_hello(&hs, 0x0303, NULL, 0xC02F, NULL);
    records(&v, 22, &hs, 16384);
    expect(v.b, v.n, TLS_FL_MALFORMED, "second ServerHello");
    vfree(&v);
    vfree(&hs);

    /* an empty handshake record before anything else is skipped (fuzz find: NULL + 0) */
    put(&v, "\x16\x03\x03\x00\x00", 5);
    flight12(&hs, 0, 16384);
    put(&v, hs.b, hs.n);
    assert_int_equal(check_chunking(TLS_V_12, &v, &f), TLS_FL_DONE);
    assert_int_equal(f.ecdh_group, 0x0017);
    tls_flight_release(&f);
    vfree(&v);
    vfree(&hs);

    /* HelloRequest before the ServerHello is ignored; an unparseable SKE is not fatal */
    put(&hs, "\x00\x00\x00\x00", 4);
    server_hello(&hs, 0x0303, NULL, 0x0004, NULL);
    put(&hs, "\x0C\x00\x00\x03\x01\x02\x03", 7);
    put(&hs, "\x0D\x00\x00\x00", 4);
    empty_msg(&hs, 14);
    records(&v, 22, &hs, 16384);
    assert_int_equal(check_chunking(TLS_V_12, &v, &f), TLS_FL_DONE);
    assert_int_equal(f.ske_kind, TLS_SKE_OTHER);
    assert_true(f.has_cert_request);
    tls_flight_release(&f);
    vfree(&v);
    vfree(&hs);
}

static void test_input_cap(void **state)
{
    struct vec hs = { 0 }, v = { 0 }, big = { 0 };
    struct tls_flight f;
    size_t off = 0;
    int st = TLS_FL_NEED_MORE;

    (void)state;
    /* a Certificate claiming cap-10 bytes (so not rejected up front, but it cannot complete
     * once headers are counted), then endless certificate bytes */
    server_hello(&hs, 0x0303, NULL, 0xC02F, NULL);
    put(&hs, "\x0B\x03\xFF\xF6", 4);
    records(&v, 22, &hs, 16384);
    fill(&big, 0xAB, 16000);
    while (v.n <= TLS_FLIGHT_CAP + 20000)
        records(&v, 22, &big, 16384);

    tls_flight_init(&f, TLS_V_12);
    while (off < v.n && st == TLS_FL_NEED_MORE) {
        size_t n = v.n - off < 4096 ? v.n - off : 4096;

        st = tls_flight_feed(&f, v.b + off, n);
        off += n;
        if (off <= TLS_FLIGHT_CAP)
            assert_int_equal(st, TLS_FL_NEED_MORE);
    }
    assert_int_equal(st, TLS_FL_MALFORMED);
    assert_string_equal(f.reason, "input exceeds cap");
    assert_true(f.total <= TLS_FLIGHT_CAP);
    tls_flight_release(&f);

    assert_int_equal(feed_all(&f, TLS_V_12, &v), TLS_FL_MALFORMED); /* same, in one go */
    tls_flight_release(&f);

    tls_flight_init(&f, TLS_V_12); /* exactly the cap is still acceptable; one byte more is not */
    assert_int_equal(tls_flight_feed(&f, v.b, TLS_FLIGHT_CAP), TLS_FL_NEED_MORE);
    assert_int_equal(tls_flight_feed(&f, v.b + TLS_FLIGHT_CAP, 1), TLS_FL_MALFORMED);
    tls_flight_release(&f);
    vfree(&hs);
    vfree(&v);
    vfree(&big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_tls),
        cmocka_unit_test(test_lying_lengths),
        cmocka_unit_test(test_input_cap),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
