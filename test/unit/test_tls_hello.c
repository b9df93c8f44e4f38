/*
 * test_tls_hello.c — built ClientHellos, read back by a walker written here independently of the
 * codec's reader: record and handshake framing, per-version extension sets, key shares, SNI and
 * ALPN encodings, the F5 padding rule over a sweep of sizes, the SSLv2 CLIENT-HELLO byte for
 * byte, and the version names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tls_hello.h"
#include "tlsbuf.h"

#define MAX_EXT 32

struct ext {
    uint16_t type;
    const uint8_t *data;
    size_t len;
};

struct hello {
    uint8_t rec_type;
    uint16_t rec_version;
    size_t rec_len;
    uint8_t hs_type;
    size_t hs_len; /* body, without the 4-byte handshake header */
    uint16_t version;
    const uint8_t *random;
    size_t sid_len;
    const uint8_t *sid;
    size_t n_suites;
    uint16_t suites[1024];
    size_t n_comp;
    uint8_t comp[8];
    int has_ext_block;
    size_t n_ext;
    struct ext ext[MAX_EXT];
};

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Walk a record holding one ClientHello; every length must match exactly. 0 ok, -1 not. */
static int walk(const uint8_t *b, size_t n, struct hello *h)
{
    size_t i = 0, end, l;

    memset(h, 0, sizeof(*h));
    if (n < 9)
        return -1;
    h->rec_type = b[0];
    h->rec_version = be16(b + 1);
    h->rec_len = be16(b + 3);
    if (h->rec_len != n - 5)
        return -1;
    h->hs_type = b[5];
    h->hs_len = (size_t)b[6] << 16 | (size_t)b[7] << 8 | b[8];
    if (h->hs_len != n - 9)
        return -1;
    i = 9;
    if (n - i < 2 + 32 + 1)
        return -1;
    h->version = be16(b + i);
    h->random = b + i + 2;
    i += 34;
    h->sid_len = b[i++];
    if (n - i < h->sid_len)
        return -1;
    h->sid = b + i;
    i += h->sid_len;
    if (n - i < 2)
        return -1;
    l = be16(b + i);
    i += 2;
    if (l % 2 || n - i < l || l / 2 > 1024)
        return -1;
    for (h->n_suites = 0; h->n_suites < l / 2; h->n_suites++)
        h->suites[h->n_suites] = be16(b + i + 2 * h->n_suites);
    i += l;
    if (n - i < 1)
        return -1;
    h->n_comp = b[i++];
    if (n - i < h->n_comp || h->n_comp > 8)
        return -1;
    memcpy(h->comp, b + i, h->n_comp);
    i += h->n_comp;
    if (i == n)
        return 0;
    h->has_ext_block = 1;
    if (n - i < 2 || be16(b + i) != n - i - 2)
        return -1;
    i += 2;
    end = n;
    while (i < end) {
        if (end - i < 4 || h->n_ext == MAX_EXT)
            return -1;
        h->ext[h->n_ext].type = be16(b + i);
        l = be16(b + i + 2);
        i += 4;
        if (end - i < l)
            return -1;
        h->ext[h->n_ext].data = b + i;
        h->ext[h->n_ext].len = l;
        h->n_ext++;
        i += l;
    }
    return 0;
}

static const struct ext *find_ext(const struct hello *h, uint16_t type)
{
    for (size_t i = 0; i < h->n_ext; i++)
        if (h->ext[i].type == type)
            return &h->ext[i];
    return NULL;
}

static uint8_t rnd[32], xpub[32], ppub[65];
static const uint16_t suites12[] = { 0xC02F, 0xC030, 0x009E, 0x002F, 0x000A };
static const uint16_t suites13[] = { 0x1301, 0x1302, 0x1303 };

static int setup(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 32; i++) {
        rnd[i] = (uint8_t)(0xA0 + i);
        xpub[i] = (uint8_t)(0x10 + i);
    }
    ppub[0] = 0x04;
    for (unsigned i = 1; i < 65; i++)
        ppub[i] = (uint8_t)(0x40 + i);
    return 0;
}

static struct tls_hello_opts base_opts(uint16_t version)
{
    struct tls_hello_opts o;

    memset(&o, 0, sizeof(o));
    o.version = version;
    o.suites = version == TLS_V_13 ? suites13 : suites12;
    o.n_suites = version == TLS_V_13 ? 3 : 5;
    o.sni = "portal.example.org";
    o.random = rnd;
    o.x25519_pub = xpub;
    o.p256_pub = ppub;
    return o;
}

/* Build and walk; fails the test if either step fails. */
static void build_walk(const struct tls_hello_opts *o, struct tls_writer *w, struct hello *h)
{
    tls_wr_init(w);
    assert_int_equal(tls_hello_build(o, w), 0);
    assert_int_equal(walk(w->buf, w->len, h), 0);
    assert_int_equal(h->rec_type, 22);
    assert_int_equal(h->hs_type, 1);
}

static void test_tls12_hello(void **state)
{
    struct tls_hello_opts o = base_opts(TLS_V_12);
    struct tls_writer w;
    struct hello h;
    const struct ext *e;

    (void)state;
    o.renegotiation_info = 1;
    o.extended_master_secret = 1;
    o.status_request = 1;
    build_walk(&o, &w, &h);
    assert_int_equal(h.rec_version, 0x0301);
    assert_int_equal(h.version, 0x0303);
    assert_memory_equal(h.random, rnd, 32);
    assert_int_equal(h.sid_len, 0);
    assert_int_equal(h.n_suites, 5);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(h.suites[i], suites12[i]);
    assert_int_equal(h.n_comp, 1);
    assert_int_equal(h.comp[0], 0);

    e = find_ext(&h, 0x0000);
    assert_non_null(e);
    assert_int_equal(e->len, 2 + 1 + 2 + 18);
    assert_int_equal(be16(e->data), 1 + 2 + 18);
    assert_int_equal(e->data[2], 0);
    assert_int_equal(be16(e->data + 3), 18);
    assert_memory_equal(e->data + 5, "portal.example.org", 18);

    e = find_ext(&h, 0x000A);
    assert_non_null(e);
    assert_int_equal(be16(e->data), 2 * tls_hello_default_groups_count);
    assert_int_equal(be16(e->data + 2), TLS_GROUP_X25519);
    e = find_ext(&h, 0x000B);
    assert_non_null(e);
    assert_int_equal(e->len, 2);
    e = find_ext(&h, 0x000D);
    assert_non_null(e);
    assert_int_equal(be16(e->data), 2 * tls_hello_default_sigalgs_count);
    e = find_ext(&h, 0xFF01);
    assert_non_null(e);
    assert_int_equal(e->len, 1);
    assert_int_equal(e->data[0], 0);
    e = find_ext(&h, 0x0005);
    assert_non_null(e);
    assert_int_equal(e->len, 5);
    assert_int_equal(e->data[0], 1);
    e = find_ext(&h, 0x0017);
    assert_non_null(e);
    assert_int_equal(e->len, 0);
    assert_null(find_ext(&h, 0x002B));
    assert_null(find_ext(&h, 0x0033));
    assert_null(find_ext(&h, 0x002D));
    assert_null(find_ext(&h, 0x0010));
    tls_wr_release(&w);
}

static void test_tls10_11_no_sigalgs(void **state)
{
    static const uint16_t versions[] = { TLS_V_10, TLS_V_11 };

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        struct tls_hello_opts o = base_opts(versions[i]);
        struct tls_writer w;
        struct hello h;

        build_walk(&o, &w, &h);
        assert_int_equal(h.rec_version, 0x0301);
        assert_int_equal(h.version, versions[i]);
        assert_null(find_ext(&h, 0x000D));
        assert_non_null(find_ext(&h, 0x000A));
        assert_non_null(find_ext(&h, 0x0000));
        assert_null(find_ext(&h, 0xFF01)); /* only when asked */
        assert_null(find_ext(&h, 0x0017));
        tls_wr_release(&w);
    }
}

static void test_ssl3_hello(void **state)
{
    struct tls_hello_opts o = base_opts(TLS_V_SSL3);
    struct tls_writer w;
    struct hello h;

    (void)state;
    o.renegotiation_info = 1;
    o.fallback_scsv = 1;
    o.offer_compression = 1;
    o.alpn = "h2";
    build_walk(&o, &w, &h);
    assert_int_equal(h.rec_version, 0x0300);
    assert_int_equal(h.version, 0x0300);
    assert_int_equal(h.has_ext_block, 0);
    assert_int_equal(h.n_suites, 7);
    assert_int_equal(h.suites[5], 0x00FF);
    assert_int_equal(h.suites[6], 0x5600);
    assert_int_equal(h.n_comp, 2);
    assert_int_equal(h.comp[0], 1);
    assert_int_equal(h.comp[1], 0);
    /* exact length: 4 hs + 2 + 32 + 1 + 2 + 14 + 1 + 2 */
    assert_int_equal(w.len, 5 + 4 + 2 + 32 + 1 + 2 + 14 + 1 + 2);
    tls_wr_release(&w);
}

static void test_tls13_hello(void **state)
{
    struct tls_hello_opts o = base_opts(TLS_V_13);
    struct tls_writer w;
    struct hello h;
    const struct ext *e;
    static const uint8_t zero[32];
    int pss = 0;

    (void)state;
    o.offer_compression = 1; /* must be ignored: TLS 1.3 allows only null */
    build_walk(&o, &w, &h);
    assert_int_equal(h.rec_version, 0x0301);
    assert_int_equal(h.version, 0x0303);
    assert_int_equal(h.sid_len, 32);
    assert_memory_not_equal(h.sid, zero, 32);
    assert_memory_not_equal(h.sid, rnd, 32);
    assert_int_equal(h.n_comp, 1);
    assert_int_equal(h.comp[0], 0);

    e = find_ext(&h, 0x002B);
    assert_non_null(e);
    assert_int_equal(e->len, 3);
    assert_int_equal(e->data[0], 2);
    assert_int_equal(be16(e->data + 1), 0x0304);

    e = find_ext(&h, 0x0033);
    assert_non_null(e);
    assert_int_equal(e->len, 2 + 4 + 32 + 4 + 65);
    assert_int_equal(be16(e->data), 4 + 32 + 4 + 65);
    assert_int_equal(be16(e->data + 2), 0x001D);
    assert_int_equal(be16(e->data + 4), 32);
    assert_memory_equal(e->data + 6, xpub, 32);
    assert_int_equal(be16(e->data + 38), 0x0017);
    assert_int_equal(be16(e->data + 40), 65);
    assert_memory_equal(e->data + 42, ppub, 65);

    e = find_ext(&h, 0x002D);
    assert_non_null(e);
    assert_int_equal(e->len, 2);
    assert_int_equal(e->data[1], 1);
    e = find_ext(&h, 0x000D);
    assert_non_null(e);
    for (size_t i = 0; i < be16(e->data) / 2; i++)
        pss |= be16(e->data + 2 + 2 * i) == 0x0804;
    assert_true(pss);
    assert_non_null(find_ext(&h, 0x000A));
    assert_non_null(find_ext(&h, 0x0000));
    tls_wr_release(&w);

    o.also_tls12 = 1;
    build_walk(&o, &w, &h);
    e = find_ext(&h, 0x002B);
    assert_non_null(e);
    assert_int_equal(e->len, 5);
    assert_int_equal(e->data[0], 4);
    assert_int_equal(be16(e->data + 1), 0x0304);
    assert_int_equal(be16(e->data + 3), 0x0303);
    tls_wr_release(&w);
}

static void test_tls13_key_share_follows_groups(void **state)
{
    static const uint16_t only384[] = { TLS_GROUP_SECP384R1 };
    static const uint16_t p256_first[] = { TLS_GROUP_SECP256R1, TLS_GROUP_X25519 };
    struct tls_hello_opts o = base_opts(TLS_V_13);
    struct tls_writer w;
    struct hello h;
    const struct ext *e;

    (void)state;
    o.groups = only384;
    o.n_groups = 1;
    build_walk(&o, &w, &h);
    e = find_ext(&h, 0x0033);
    assert_non_null(e);
    assert_int_equal(e->len, 2);
    assert_int_equal(be16(e->data), 0); /* empty: invites an HRR */
    e = find_ext(&h, 0x000A);
    assert_int_equal(e->len, 4);
    assert_int_equal(be16(e->data + 2), TLS_GROUP_SECP384R1);
    tls_wr_release(&w);

    o.groups = p256_first;
    o.n_groups = 2;
    o.x25519_pub = NULL;
    build_walk(&o, &w, &h);
    e = find_ext(&h, 0x0033);
    assert_int_equal(be16(e->data), 4 + 65);
    assert_int_equal(be16(e->data + 2), 0x0017);
    tls_wr_release(&w);
}

static void test_sni_rules(void **state)
{
    static const char *const no_sni[] = { NULL, "", "192.0.2.10", "2001:db8::1", "[::1]" };
    struct tls_hello_opts o = base_opts(TLS_V_12);
    struct tls_writer w;
    struct hello h;
    const struct ext *e;

    (void)state;
    for (size_t i = 0; i < sizeof(no_sni) / sizeof(no_sni[0]); i++) {
        o.sni = no_sni[i];
        build_walk(&o, &w, &h);
        assert_null(find_ext(&h, 0x0000));
        tls_wr_release(&w);
    }
    o.sni = "example.com.";
    build_walk(&o, &w, &h);
    e = find_ext(&h, 0x0000);
    assert_non_null(e);
    assert_int_equal(be16(e->data + 3), 11);
    assert_memory_equal(e->data + 5, "example.com", 11);
    tls_wr_release(&w);

    assert_true(tls_hello_is_ip_literal("10.0.0.1"));
    assert_true(tls_hello_is_ip_literal("fe80::1"));
    assert_false(tls_hello_is_ip_literal("10.0.0.1.example"));
    assert_false(tls_hello_is_ip_literal("host"));
    assert_false(tls_hello_is_ip_literal(NULL));
}

static void test_alpn(void **state)
{
    struct tls_hello_opts o = base_opts(TLS_V_12);
    struct tls_writer w;
    struct hello h;
    const struct ext *e;
    static const uint8_t want[] = { 0x00, 0x0C, 0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/',
                                    '1', '.', '1' };

    (void)state;
    o.alpn = "h2,http/1.1";
    build_walk(&o, &w, &h);
    e = find_ext(&h, 0x0010);
    assert_non_null(e);
    assert_int_equal(e->len, sizeof(want));
    assert_memory_equal(e->data, want, sizeof(want));
    tls_wr_release(&w);
}

static void test_bad_options(void **state)
{
    static const char *const bad_alpn[] = { "", "h2,", ",h2", "h2,,http/1.1" };
    struct tls_hello_opts o = base_opts(TLS_V_12);
    struct tls_writer w;
    char long_name[300];

    (void)state;
    tls_wr_init(&w);
    tls_wr_u8(&w, 0x77); /* whatever was there before must survive a failed build */
    for (size_t i = 0; i < sizeof(bad_alpn) / sizeof(bad_alpn[0]); i++) {
        o.alpn = bad_alpn[i];
        assert_int_equal(tls_hello_build(&o, &w), -1);
        assert_int_equal(w.len, 1);
        assert_int_equal(w.err, 0);
    }
    o = base_opts(TLS_V_12);
    o.n_suites = 0;
    assert_int_equal(tls_hello_build(&o, &w), -1);
    o = base_opts(TLS_V_SSL2);
    assert_int_equal(tls_hello_build(&o, &w), -1);
    o = base_opts(0x0305);
    assert_int_equal(tls_hello_build(&o, &w), -1);
    o = base_opts(TLS_V_12);
    o.random = NULL;
    assert_int_equal(tls_hello_build(&o, &w), -1);
    o = base_opts(TLS_V_12);
    memset(long_name, 'a', sizeof(long_name) - 1); /* 299 bytes: over the 255 SNI limit */
    long_name[sizeof(long_name) - 1] = '\0';
    o.sni = long_name;
    assert_int_equal(tls_hello_build(&o, &w), -1);
    assert_int_equal(w.len, 1);
    assert_int_equal(w.buf[0], 0x77);
    tls_wr_release(&w);
}

static void test_pure(void **state)
{
    struct tls_hello_opts o = base_opts(TLS_V_13);
    struct tls_writer a, b;

    (void)state;
    tls_wr_init(&a);
    tls_wr_init(&b);
    assert_int_equal(tls_hello_build(&o, &a), 0);
    assert_int_equal(tls_hello_build(&o, &b), 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.buf, b.buf, a.len);
    tls_wr_release(&a);
    tls_wr_release(&b);
}

/* Sweep sizes: no hello may be 256–511 bytes counted with or without the handshake header;
 * padding appears only when needed, last, zero-filled, and never empty. */
static void test_padding_rule(void **state)
{
    static const uint16_t versions[] = { TLS_V_10, TLS_V_12, TLS_V_13 };
    static uint16_t many[400];
    size_t padded = 0, unpadded = 0;

    (void)state;
    for (size_t i = 0; i < 400; i++)
        many[i] = (uint16_t)(0x0001 + i);
    for (size_t v = 0; v < 3; v++) {
        for (size_t n = 1; n <= 400; n++) {
            struct tls_hello_opts o = base_opts(versions[v]);
            struct tls_writer w;
            struct hello h;
            const struct ext *pad;
            size_t with_hdr, without_pad;

            o.suites = many;
            o.n_suites = n;
            o.alpn = n % 2 ? "h2,http/1.1" : NULL;
            build_walk(&o, &w, &h);
            with_hdr = h.hs_len + 4;
            assert_false(with_hdr >= 256 && with_hdr <= 511);
            assert_false(h.hs_len >= 256 && h.hs_len <= 511);
            pad = find_ext(&h, 0x0015);
            if (pad) {
                padded++;
                assert_ptr_equal(pad, &h.ext[h.n_ext - 1]);
                assert_true(pad->len >= 1);
                for (size_t i = 0; i < pad->len; i++)
                    assert_int_equal(pad->data[i], 0);
                without_pad = with_hdr - 4 - pad->len;
                assert_true(without_pad >= 256 && without_pad <= 515);
            } else {
                unpadded++;
                assert_false(with_hdr >= 256 && with_hdr <= 515);
            }
            tls_wr_release(&w);
        }
    }
    assert_true(padded > 0);
    assert_true(unpadded > 0);
}

static void test_sslv2_hello(void **state)
{
    static const uint8_t want_head[] = { 0x80, 0x2E, 0x01, 0x00, 0x02, 0x00, 0x15,
                                         0x00, 0x00, 0x00, 0x10 };
    static const uint8_t want_ciphers[] = { 0x01, 0x00, 0x80, 0x02, 0x00, 0x80, 0x03, 0x00,
                                            0x80, 0x04, 0x00, 0x80, 0x05, 0x00, 0x80, 0x06,
                                            0x00, 0x40, 0x07, 0x00, 0xC0 };
    uint8_t challenge[16];
    struct tls_writer w;

    (void)state;
    for (unsigned i = 0; i < 16; i++)
        challenge[i] = (uint8_t)(0xC0 + i);
    tls_wr_init(&w);
    assert_int_equal(tls_hello_build_sslv2(challenge, &w), 0);
    assert_int_equal(w.len, 2 + 46);
    assert_memory_equal(w.buf, want_head, sizeof(want_head));
    assert_memory_equal(w.buf + 11, want_ciphers, sizeof(want_ciphers));
    assert_memory_equal(w.buf + 32, challenge, 16);
    tls_wr_release(&w);

    assert_string_equal(tls_sslv2_cipher_name(0x010080), "RC4_128_WITH_MD5");
    assert_string_equal(tls_sslv2_cipher_name(0x0700C0), "DES_192_EDE3_CBC_WITH_MD5");
    assert_null(tls_sslv2_cipher_name(0x080080));
    assert_int_equal(tls_sslv2_ciphers[1].is_export, 1);
    assert_int_equal(tls_sslv2_ciphers[1].bits, 40);
}

static void test_version_names(void **state)
{
    static const uint16_t v[] = { TLS_V_SSL2, TLS_V_SSL3, TLS_V_10, TLS_V_11, TLS_V_12,
                                  TLS_V_13 };
    static const char *const names[] = { "SSLv2",   "SSLv3",   "TLSv1.0",
                                         "TLSv1.1", "TLSv1.2", "TLSv1.3" };
    uint16_t out = 0;

    (void)state;
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(tls_version_name(v[i]), names[i]);
        assert_int_equal(tls_version_parse(names[i], &out), 0);
        assert_int_equal(out, v[i]);
    }
    assert_null(tls_version_name(0x0305));
    assert_int_equal(tls_version_parse("tlsv1.2", &out), 0);
    assert_int_equal(out, TLS_V_12);
    assert_int_equal(tls_version_parse("1.3", &out), 0);
    assert_int_equal(out, TLS_V_13);
    assert_int_equal(tls_version_parse("TLSv1.4", &out), -1);
    assert_int_equal(tls_version_parse("", &out), -1);
    assert_int_equal(tls_version_parse(NULL, &out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls12_hello),
        cmocka_unit_test(test_tls10_11_no_sigalgs),
        cmocka_unit_test(test_ssl3_hello),
        cmocka_unit_test(test_tls13_hello),
        cmocka_unit_test(test_tls13_key_share_follows_groups),
        cmocka_unit_test(test_sni_rules),
        cmocka_unit_test(test_alpn),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_pure),
        cmocka_unit_test(test_padding_rule),
        cmocka_unit_test(test_sslv2_hello),
        cmocka_unit_test(test_version_names),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
