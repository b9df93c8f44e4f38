/*
 * test_cipher_table.c — spot checks of well-known suites, table-wide invariants, and a
 * cross-check that every row of the registry CSV is in the table under the same name.
 * Run from the repository root (the CSV is read from checks/data/), or set CIPHER_CSV.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cipher_table.h"

#define DEFAULT_CSV "checks/data/tls-cipher-suites.csv"

static const char *csv_path(void)
{
    const char *p = getenv("CIPHER_CSV");

    return p && *p ? p : DEFAULT_CSV;
}

static const struct cipher_suite *must_find(uint16_t code)
{
    const struct cipher_suite *cs = cipher_suite_find(code);

    assert_non_null(cs);
    assert_int_equal(cs->code, code);
    return cs;
}

static void test_ecdhe_rsa_aes128_gcm(void **state)
{
    const struct cipher_suite *cs = must_find(0xC02F);

    (void)state;
    assert_string_equal(cs->name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assert_string_equal(cs->kx, "ECDHE");
    assert_string_equal(cs->au, "RSA");
    assert_string_equal(cs->enc, "AES_128_GCM");
    assert_int_equal(cs->bits, 128);
    assert_string_equal(cs->mac, "AEAD");
    assert_int_equal(cs->flags, CS_AEAD | CS_FS);
}

static void test_rsa_3des(void **state)
{
    const struct cipher_suite *cs = must_find(0x000A);

    (void)state;
    assert_string_equal(cs->kx, "RSA");
    assert_string_equal(cs->enc, "3DES_EDE_CBC");
    assert_int_equal(cs->bits, 112);
    assert_string_equal(cs->mac, "SHA");
    assert_int_equal(cs->flags, CS_3DES | CS_CBC | CS_SHA1);
}

static void test_export_rc4_md5(void **state)
{
    const struct cipher_suite *cs = must_find(0x0003);

    (void)state;
    assert_string_equal(cs->name, "TLS_RSA_EXPORT_WITH_RC4_40_MD5");
    assert_string_equal(cs->kx, "RSA");
    assert_string_equal(cs->enc, "RC4_40");
    assert_int_equal(cs->bits, 40);
    assert_string_equal(cs->mac, "MD5");
    assert_int_equal(cs->flags, CS_EXPORT | CS_RC4 | CS_MD5);
}

static void test_tls13(void **state)
{
    const struct cipher_suite *cs = must_find(0x1301);

    (void)state;
    assert_string_equal(cs->kx, "any");
    assert_string_equal(cs->au, "any");
    assert_string_equal(cs->enc, "AES_128_GCM");
    assert_int_equal(cs->flags, CS_AEAD | CS_FS | CS_TLS13);
    cs = must_find(0x1303);
    assert_string_equal(cs->enc, "CHACHA20_POLY1305");
    assert_int_equal(cs->bits, 256);
    cs = must_find(0xC0B4); /* integrity-only TLS 1.3 */
    assert_string_equal(cs->enc, "NULL");
    assert_string_equal(cs->mac, "SHA256");
    assert_true(cs->flags & CS_NULL);
    assert_true(cs->flags & CS_TLS13);
}

static void test_other_families(void **state)
{
    const struct cipher_suite *cs;

    (void)state;
    cs = must_find(0xCC13); /* pre-standard ChaCha20 */
    assert_string_equal(cs->name, "OLD_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    assert_string_equal(cs->kx, "ECDHE");
    assert_string_equal(cs->enc, "CHACHA20_POLY1305");
    assert_int_equal(cs->flags, CS_AEAD | CS_FS);
    assert_false(cs->flags & CS_TLS13);
    cs = must_find(0x0034); /* DH_anon: anonymous, not counted as FS */
    assert_string_equal(cs->kx, "DH");
    assert_string_equal(cs->au, "anon");
    assert_int_equal(cs->flags, CS_ANON | CS_CBC | CS_SHA1);
    cs = must_find(0x0009);
    assert_int_equal(cs->bits, 56);
    assert_true(cs->flags & CS_DES);
    cs = must_find(0x0064); /* EXPORT1024 */
    assert_int_equal(cs->bits, 56);
    assert_true(cs->flags & CS_EXPORT);
    cs = must_find(0x0000);
    assert_int_equal(cs->flags, CS_NULL | CS_ANON);
    cs = must_find(0xC0AA); /* PSK_DHE spelling */
    assert_string_equal(cs->kx, "DHE_PSK");
    assert_true(cs->flags & CS_FS);
    cs = must_find(0xC01B);
    assert_string_equal(cs->kx, "SRP");
    assert_string_equal(cs->au, "RSA");
    cs = must_find(0x009E);
    assert_string_equal(cs->kx, "DHE");
    assert_string_equal(cs->mac, "AEAD");
    cs = must_find(0xC09C); /* CCM without a hash in the name */
    assert_string_equal(cs->enc, "AES_128_CCM");
    assert_string_equal(cs->mac, "AEAD");
}

static void test_not_found(void **state)
{
    (void)state;
    assert_null(cipher_suite_find(0x00FF)); /* SCSVs are not in this registry copy */
    assert_null(cipher_suite_find(0xFFFF));
    assert_null(cipher_suite_find(0x0047));
}

static void test_flag_names(void **state)
{
    (void)state;
    assert_string_equal(cipher_flag_name(CS_NULL), "null");
    assert_string_equal(cipher_flag_name(CS_RC4), "rc4");
    assert_string_equal(cipher_flag_name(CS_3DES), "3des");
    assert_string_equal(cipher_flag_name(CS_FS), "fs");
    assert_string_equal(cipher_flag_name(CS_SCSV), "scsv");
    assert_null(cipher_flag_name(0));
    assert_null(cipher_flag_name(CS_RC4 | CS_DES));
    assert_null(cipher_flag_name(1u << CS_FLAG_COUNT));
    for (unsigned i = 0; i < CS_FLAG_COUNT; i++)
        assert_non_null(cipher_flag_name(1u << i));
}

static void test_invariants(void **state)
{
    (void)state;
    assert_true(cipher_suites_count > 0);
    for (size_t i = 0; i < cipher_suites_count; i++) {
        const struct cipher_suite *cs = &cipher_suites[i];

        if (i)
            assert_true(cipher_suites[i - 1].code < cs->code);
        assert_ptr_equal(cipher_suite_find(cs->code), cs);
        assert_true(strlen(cs->name) > 4);
        assert_false((cs->flags & CS_AEAD) && (cs->flags & CS_CBC));
        assert_true(!(cs->flags & CS_NULL) || cs->bits == 0);
        assert_true(!(cs->flags & CS_EXPORT) || cs->bits <= 56);
        assert_true(!(cs->flags & CS_TLS13) || (cs->flags & CS_FS));
        assert_true(!(cs->flags & CS_3DES) || cs->bits == 112);
        assert_true((cs->flags & CS_AEAD) == 0 || strcmp(cs->mac, "AEAD") == 0);
        assert_false(cs->flags & CS_SCSV);
        assert_true(cs->flags < (1u << CS_FLAG_COUNT));
    }
}

static void test_matches_csv(void **state)
{
    FILE *fp = fopen(csv_path(), "r");
    char line[256];
    size_t rows = 0;

    (void)state;
    if (!fp)
        fail_msg("cannot open %s (run from the repository root or set CIPHER_CSV)", csv_path());
    while (fgets(line, sizeof(line), fp)) {
        char *comma, *end;
        unsigned long code;
        const struct cipher_suite *cs;

        if (strncmp(line, "0x", 2) != 0)
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        comma = strchr(line, ',');
        assert_non_null(comma);
        *comma = '\0';
        code = strtoul(line, &end, 16);
        assert_true(*end == '\0' && code <= 0xFFFF);
        cs = cipher_suite_find((uint16_t)code);
        if (!cs)
            fail_msg("0x%04lX from the CSV is not in the table", code);
        assert_string_equal(cs->name, comma + 1);
        rows++;
    }
    fclose(fp);
    assert_int_equal(rows, cipher_suites_count);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecdhe_rsa_aes128_gcm),
        cmocka_unit_test(test_rsa_3des),
        cmocka_unit_test(test_export_rc4_md5),
        cmocka_unit_test(test_tls13),
        cmocka_unit_test(test_other_families),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_flag_names),
        cmocka_unit_test(test_invariants),
        cmocka_unit_test(test_matches_csv),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
