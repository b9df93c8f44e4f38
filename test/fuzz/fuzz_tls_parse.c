/*
 * fuzz_tls_parse.c — libFuzzer target for the first-flight parser.
 *
 * Input layout: byte 0 picks the offered version, byte 1 seeds the chunk sizes, the rest is what
 * the "server" sends. The stream is parsed once whole and once in pseudo-random chunks; besides
 * memory errors (ASan/UBSan), any difference between the two results is a bug and aborts.
 *
 * Build: clang -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -Iscanner \
 *        test/fuzz/fuzz_tls_parse.c scanner/tls_parse.c scanner/tls_parse_hs.c scanner/tlsbuf.c
 * Run:   ./a.out -max_total_time=60 test/fuzz/corpus/tls_parse
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "tls_hello.h"
#include "tls_parse.h"

static const uint16_t versions[] = { TLS_V_SSL2, TLS_V_SSL3, TLS_V_10,
                                     TLS_V_11,   TLS_V_12,   TLS_V_13 };

/* Touch every result a caller may read, so the sanitizers see any bad pointer. */
static unsigned touch(const struct tls_flight *f)
{
    unsigned sum = 0;

    for (size_t i = 0; i < f->n_certs; i++) {
        const uint8_t *der = NULL;
        size_t len = 0;

        check(tls_flight_cert(f, i, &der, &len) == 0);
        for (size_t j = 0; j < len; j++)
            sum += der[j];
    }
    check(strlen(f->alpn) < sizeof(f->alpn));
    check(f->reason != NULL);
    sum += (unsigned)strlen(tls_flight_status_name(f->status));
    if (tls_alert_name(f->alert_desc))
        sum++;
    if (tls_group_name(f->ecdh_group))
        sum++;
    return sum;
}

static void same(const struct tls_flight *a, const struct tls_flight *b)
{
    check(a->status == b->status);
    check(strcmp(a->reason, b->reason) == 0);
    check(a->alert_level == b->alert_level && a->alert_desc == b->alert_desc);
    check(a->record_version == b->record_version);
    check(a->server_version == b->server_version && a->legacy_version == b->legacy_version);
    check(a->cipher == b->cipher && a->compression == b->compression);
    check(a->is_hrr == b->is_hrr && a->hrr_group == b->hrr_group);
    check(a->key_share_group == b->key_share_group);
    check(a->has_reneg_info == b->has_reneg_info && a->has_ems == b->has_ems);
    check(strcmp(a->alpn, b->alpn) == 0);
    check(a->n_certs == b->n_certs && a->ske_kind == b->ske_kind);
    check(a->dh_bits == b->dh_bits && a->ecdh_group == b->ecdh_group);
    check(a->n_sslv2_ciphers == b->n_sslv2_ciphers);
    for (size_t i = 0; i < a->n_certs; i++) {
        const uint8_t *da = NULL, *db = NULL;
        size_t la = 0, lb = 0;

        check(tls_flight_cert(a, i, &da, &la) == 0);
        check(tls_flight_cert(b, i, &db, &lb) == 0);
        check(la == lb && memcmp(da, db, la) == 0);
    }
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tls_flight whole, parts;
    uint16_t offered;
    uint32_t rng;
    int st, sp = TLS_FL_NEED_MORE;
    size_t off = 0;

    if (size < 2)
        return 0;
    offered = versions[data[0] % (sizeof(versions) / sizeof(versions[0]))];
    rng = 0x9E3779B9u ^ data[1];
    data += 2;
    size -= 2;

    tls_flight_init(&whole, offered);
    st = tls_flight_feed(&whole, data, size);

    tls_flight_init(&parts, offered);
    while (off < size && sp == TLS_FL_NEED_MORE) {
        size_t n;

        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        n = 1 + rng % 97;
        if (n > size - off)
            n = size - off;
        sp = tls_flight_feed(&parts, data + off, n);
        off += n;
    }
    check(st == sp);
    same(&whole, &parts);
    (void)touch(&whole);

    tls_flight_release(&whole);
    tls_flight_release(&parts);
    return 0;
}
