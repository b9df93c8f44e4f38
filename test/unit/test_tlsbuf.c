/*
 * test_tlsbuf.c — the bounded reader never reads past its end and leaves the cursor alone on
 * failure; the writer encodes big-endian, back-patches length prefixes, refuses lengths that do
 * not fit, and keeps its error sticky.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tlsbuf.h"

static void test_reader_integers(void **state)
{
    static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A };
    struct tls_reader r;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;

    (void)state;
    tls_rd_init(&r, b, sizeof(b));
    assert_int_equal(tls_rd_left(&r), 10);
    assert_int_equal(tls_rd_u8(&r, &u8), 0);
    assert_int_equal(u8, 0x01);
    assert_int_equal(tls_rd_u16(&r, &u16), 0);
    assert_int_equal(u16, 0x0203);
    assert_int_equal(tls_rd_u24(&r, &u32), 0);
    assert_int_equal(u32, 0x040506);
    assert_int_equal(tls_rd_u32(&r, &u32), 0);
    assert_int_equal(u32, 0x0708090A);
    assert_int_equal(tls_rd_left(&r), 0);
    assert_int_equal(tls_rd_u8(&r, &u8), -1);
}

static void test_reader_short_reads_keep_cursor(void **state)
{
    static const uint8_t b[] = { 0xAA, 0xBB, 0xCC };
    struct tls_reader r;
    uint16_t u16;
    uint32_t u32;
    const uint8_t *p = NULL;

    (void)state;
    tls_rd_init(&r, b, sizeof(b));
    assert_int_equal(tls_rd_u32(&r, &u32), -1);
    assert_int_equal(r.off, 0);
    assert_int_equal(tls_rd_bytes(&r, 4, &p), -1);
    assert_null(p);
    assert_int_equal(tls_rd_skip(&r, 4), -1);
    assert_int_equal(tls_rd_skip(&r, 2), 0);
    assert_int_equal(tls_rd_u16(&r, &u16), -1);
    assert_int_equal(r.off, 2);
    assert_int_equal(tls_rd_u24(&r, &u32), -1);
    assert_int_equal(tls_rd_bytes(&r, 1, &p), 0);
    assert_ptr_equal(p, b + 2);
    assert_int_equal(tls_rd_bytes(&r, 0, &p), 0);
    assert_int_equal(tls_rd_bytes(&r, SIZE_MAX, &p), -1);
}

static void test_reader_empty_and_null(void **state)
{
    struct tls_reader r, sub;
    uint8_t u8;

    (void)state;
    tls_rd_init(&r, NULL, 5); /* no buffer means no bytes, whatever the length says */
    assert_int_equal(tls_rd_left(&r), 0);
    assert_int_equal(tls_rd_u8(&r, &u8), -1);
    assert_int_equal(tls_rd_sub(&r, 1, &sub), -1);
}

static void test_reader_sub(void **state)
{
    static const uint8_t b[] = { 0x02, 0x11, 0x22, 0x00, 0x01, 0x33, 0x00, 0x00, 0x02, 0x44, 0x55 };
    struct tls_reader r, sub;
    uint8_t u8;

    (void)state;
    tls_rd_init(&r, b, sizeof(b));
    assert_int_equal(tls_rd_sub(&r, 1, &sub), 0);
    assert_int_equal(tls_rd_left(&sub), 2);
    assert_int_equal(tls_rd_u8(&sub, &u8), 0);
    assert_int_equal(u8, 0x11);
    assert_int_equal(tls_rd_sub(&r, 2, &sub), 0);
    assert_int_equal(tls_rd_left(&sub), 1);
    assert_int_equal(tls_rd_sub(&r, 3, &sub), 0);
    assert_int_equal(tls_rd_left(&sub), 2);
    assert_int_equal(tls_rd_u8(&sub, &u8), 0);
    assert_int_equal(u8, 0x44);
    assert_int_equal(tls_rd_left(&r), 0);
    /* the sub-reader cannot see past its own end into the parent's bytes */
    tls_rd_init(&r, b, sizeof(b));
    assert_int_equal(tls_rd_sub(&r, 1, &sub), 0);
    assert_int_equal(tls_rd_skip(&sub, 3), -1);
}

static void test_reader_sub_lying_length(void **state)
{
    static const uint8_t b[] = { 0x00, 0x05, 0x01, 0x02 };
    static const uint8_t big[] = { 0xFF, 0xFF, 0xFF, 0x00 };
    struct tls_reader r, sub;

    (void)state;
    tls_rd_init(&r, b, sizeof(b));
    assert_int_equal(tls_rd_sub(&r, 2, &sub), -1);
    assert_int_equal(r.off, 0);
    assert_int_equal(tls_rd_sub(&r, 0, &sub), -1);
    assert_int_equal(tls_rd_sub(&r, 4, &sub), -1);
    tls_rd_init(&r, big, sizeof(big));
    assert_int_equal(tls_rd_sub(&r, 3, &sub), -1);
    assert_int_equal(r.off, 0);
    tls_rd_init(&r, b, 1); /* prefix itself truncated */
    assert_int_equal(tls_rd_sub(&r, 2, &sub), -1);
}

static void test_writer_encoding(void **state)
{
    struct tls_writer w;
    static const uint8_t want[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0xAB, 0x00, 0x00 };

    (void)state;
    tls_wr_init(&w);
    assert_int_equal(tls_wr_u8(&w, 0x01), 0);
    assert_int_equal(tls_wr_u16(&w, 0x0203), 0);
    assert_int_equal(tls_wr_u24(&w, 0x040506), 0);
    assert_int_equal(tls_wr_bytes(&w, "\xAB", 1), 0);
    assert_int_equal(tls_wr_zeros(&w, 2), 0);
    assert_int_equal(tls_wr_bytes(&w, NULL, 0), 0);
    assert_int_equal(w.len, sizeof(want));
    assert_memory_equal(w.buf, want, sizeof(want));
    assert_int_equal(w.err, 0);
    tls_wr_release(&w);
    assert_null(w.buf);
    assert_int_equal(w.len, 0);
}

static void test_writer_nested_lengths(void **state)
{
    struct tls_writer w;
    struct tls_wr_mark outer, inner, mid;
    static const uint8_t want[] = { 0x00, 0x00, 0x08, 0xEE, 0x00, 0x05, 0x03, 0x61, 0x62, 0x63,
                                    0xFF };

    (void)state;
    tls_wr_init(&w);
    outer = tls_wr_begin(&w, 3);
    tls_wr_u8(&w, 0xEE);
    mid = tls_wr_begin(&w, 2);
    inner = tls_wr_begin(&w, 1);
    tls_wr_bytes(&w, "abc", 3);
    assert_int_equal(tls_wr_end(&w, inner), 0);
    tls_wr_u8(&w, 0xFF);
    assert_int_equal(tls_wr_end(&w, mid), 0);
    assert_int_equal(tls_wr_end(&w, outer), 0);
    assert_int_equal(w.len, sizeof(want));
    assert_memory_equal(w.buf, want, sizeof(want));
    tls_wr_release(&w);
}

static void test_writer_length_too_big_is_sticky(void **state)
{
    struct tls_writer w;
    struct tls_wr_mark m;

    (void)state;
    tls_wr_init(&w);
    m = tls_wr_begin(&w, 1);
    assert_int_equal(tls_wr_zeros(&w, 256), 0);
    assert_int_equal(tls_wr_end(&w, m), -1);
    assert_int_equal(w.err, 1);
    assert_int_equal(tls_wr_u8(&w, 1), -1);
    assert_int_equal(tls_wr_bytes(&w, "x", 1), -1);
    m = tls_wr_begin(&w, 2);
    assert_int_equal(m.lenbytes, 0);
    assert_int_equal(tls_wr_end(&w, m), -1);
    tls_wr_release(&w);
    assert_int_equal(w.err, 0);

    tls_wr_init(&w);
    m = tls_wr_begin(&w, 1);
    assert_int_equal(tls_wr_zeros(&w, 255), 0);
    assert_int_equal(tls_wr_end(&w, m), 0); /* 255 fits exactly */
    assert_int_equal(w.buf[0], 255);
    tls_wr_release(&w);
}

static void test_writer_bad_args(void **state)
{
    struct tls_writer w;
    struct tls_wr_mark m;

    (void)state;
    tls_wr_init(&w);
    assert_int_equal(tls_wr_u24(&w, 0x1000000), -1);
    assert_int_equal(w.err, 1);
    tls_wr_release(&w);

    tls_wr_init(&w);
    m = tls_wr_begin(&w, 4);
    assert_int_equal(m.lenbytes, 0);
    assert_int_equal(w.err, 1);
    tls_wr_release(&w);

    tls_wr_init(&w);
    m.off = 10; /* a mark from somewhere else */
    m.lenbytes = 2;
    assert_int_equal(tls_wr_end(&w, m), -1);
    tls_wr_release(&w);
}

static void test_writer_growth_and_limit(void **state)
{
    struct tls_writer w;

    (void)state;
    tls_wr_init(&w);
    for (unsigned i = 0; i < 100000; i++)
        assert_int_equal(tls_wr_u8(&w, (uint8_t)i), 0);
    for (unsigned i = 0; i < 100000; i++)
        assert_int_equal(w.buf[i], (uint8_t)i);
    assert_int_equal(tls_wr_zeros(&w, TLS_WR_MAX - w.len), 0);
    assert_int_equal(w.len, TLS_WR_MAX);
    assert_int_equal(tls_wr_u8(&w, 0), -1);
    assert_int_equal(w.len, TLS_WR_MAX);
    tls_wr_release(&w);

    tls_wr_init(&w);
    assert_int_equal(tls_wr_zeros(&w, SIZE_MAX), -1);
    assert_int_equal(w.len, 0);
    tls_wr_release(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_integers),
        cmocka_unit_test(test_reader_short_reads_keep_cursor),
        cmocka_unit_test(test_reader_empty_and_null),
        cmocka_unit_test(test_reader_sub),
        cmocka_unit_test(test_reader_sub_lying_length),
        cmocka_unit_test(test_writer_encoding),
        cmocka_unit_test(test_writer_nested_lengths),
        cmocka_unit_test(test_writer_length_too_big_is_sticky),
        cmocka_unit_test(test_writer_bad_args),
        cmocka_unit_test(test_writer_growth_and_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
