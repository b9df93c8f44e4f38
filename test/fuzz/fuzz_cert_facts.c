/*
 * fuzz_cert_facts.c — libFuzzer target for cert_facts and cert_leaf_facts
 * (scanner/cert_facts.c), which turn a server's certificates into report facts.
 *
 * Input: byte 0 is a flag byte, the rest the certificate bytes.
 *   - flag bit 0 clear: the rest is one DER certificate (d2i_X509); every certificate it reads
 *     is described twice as a leaf, for a DNS name (flag bit 1 picks which) and for an IP
 *     address (flag bit 2: 127.0.0.1 or ::1), as checks/cert.c does for the leaf;
 *   - flag bit 0 set: the rest is a PEM chain; up to 16 certificates are read and each is
 *     described as checks/cert.c describes the chain as served, the first one also as a leaf.
 * Invariants, any violation aborts:
 *   - cert_facts returns an object with every documented key of the documented type: subject
 *     and issuer strings or null (a name is capped at 1024 bytes before becoming UTF-8, so at
 *     most 3 KiB after), not_before / not_after null or "YYYY-MM-DDTHH:MM:SSZ", key_type from
 *     its fixed set, signature_algorithm and signature_hash non-empty strings, self_signed a
 *     boolean, sha256 the 64 lowercase hex digits of SHA-256 over the certificate's encoding;
 *     it serialises with json_dumps (every string valid UTF-8);
 *   - cert_leaf_facts holds every cert_facts member unchanged, plus san_dns and san_ip arrays
 *     of at most 100 non-empty strings, hostname as given, hostname_match / expired /
 *     not_yet_valid booleans, and days_remaining (when present) negative exactly when expired.
 *
 * Build: make build/fuzz/fuzz_cert_facts
 * Run:   build/fuzz/fuzz_cert_facts -max_total_time=60 /tmp/scratch_cf test/fuzz/corpus/cert_facts
 */
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_facts.h"
#include "fuzz_common.h"

/* fuzz_common.h's check(), naming the line of the invariant that failed. */
static void check_at(int cond, int line)
{
    if (!cond) {
        fprintf(stderr, "fuzz_cert_facts.c:%d: invariant violated\n", line);
        abort();
    }
}
#define check(cond) check_at(!!(cond), __LINE__)

#define MAX_CHAIN 16
#define NAME_MAX_JSON (3 * 1024)

static const char *const dns_hosts[] = { "portal.example.nz", "www.example.com" };
static const char *const ip_hosts[] = { "127.0.0.1", "::1" };
static const char *const key_types[] = { "RSA", "RSA-PSS", "EC",    "DSA",
                                         "Ed25519", "Ed448", "other", "unknown" };
static const char *const fact_keys[] = { "subject", "issuer", "not_before", "not_after",
                                         "key_type", "signature_algorithm", "signature_hash",
                                         "self_signed", "sha256", NULL };

static int is_time(const json_t *t)
{
    if (json_is_null(t))
        return 1;
    const char *s = json_string_value(t);
    static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
    if (!s || strlen(s) != sizeof pat - 1)
        return 0;
    for (size_t i = 0; pat[i]; i++)
        if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
            return 0;
    return 1;
}

static int is_name(const json_t *n)
{
    return json_is_null(n) || (json_is_string(n) && json_string_length(n) <= NAME_MAX_JSON);
}

static void sha256_of(X509 *x, char hex[65])
{
    unsigned char *der = NULL, md[32];
    unsigned int mdlen = 0;
    int len = i2d_X509(x, &der);
    hex[0] = '\0';
    if (len <= 0)
        return;
    check(EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL) == 1 && mdlen == 32);
    for (unsigned i = 0; i < mdlen; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    OPENSSL_free(der);
}

static void check_facts(const json_t *o, X509 *x)
{
    check(json_is_object(o));
    for (const char *const *k = fact_keys; *k; k++)
        check(json_object_get(o, *k) != NULL);
    check(is_name(json_object_get(o, "subject")));
    check(is_name(json_object_get(o, "issuer")));
    check(is_time(json_object_get(o, "not_before")));
    check(is_time(json_object_get(o, "not_after")));

    const char *kt = json_string_value(json_object_get(o, "key_type"));
    int known = 0;
    check(kt != NULL);
    for (size_t i = 0; i < sizeof key_types / sizeof key_types[0]; i++)
        known |= strcmp(kt, key_types[i]) == 0;
    check(known);
    if (strcmp(kt, "unknown") != 0)
        check(json_is_integer(json_object_get(o, "key_bits")));
    const json_t *curve = json_object_get(o, "curve");
    check(!curve || json_is_string(curve));

    check(json_string_length(json_object_get(o, "signature_algorithm")) > 0);
    check(json_string_length(json_object_get(o, "signature_hash")) > 0);
    check(json_is_boolean(json_object_get(o, "self_signed")));

    char hex[65];
    sha256_of(x, hex);
    const char *sha = json_string_value(json_object_get(o, "sha256"));
    check(sha && strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64);
    check(hex[0] == '\0' || strcmp(sha, hex) == 0);

    char *s = json_dumps(o, JSON_COMPACT);
    check(s != NULL);
    free(s);
}

static void check_names(const json_t *a)
{
    size_t i;
    const json_t *v;
    check(json_is_array(a) && json_array_size(a) <= 100);
    json_array_foreach(a, i, v)
        check(json_is_string(v) && json_string_length(v) > 0);
}

static void check_leaf(X509 *x, const json_t *facts, const char *host, int is_ip)
{
    json_t *o = cert_leaf_facts(x, host, is_ip);
    check(json_is_object(o));
    check_facts(o, x);
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)facts, k, v)
        check(json_equal(v, json_object_get(o, k)));
    check_names(json_object_get(o, "san_dns"));
    check_names(json_object_get(o, "san_ip"));
    check(strcmp(json_string_value(json_object_get(o, "hostname")), host) == 0);
    check(json_is_boolean(json_object_get(o, "hostname_match")));
    const json_t *expired = json_object_get(o, "expired");
    check(json_is_boolean(expired));
    check(json_is_boolean(json_object_get(o, "not_yet_valid")));
    const json_t *days = json_object_get(o, "days_remaining");
    if (days) {
        check(json_is_integer(days));
        /* Both read the same clock, so they disagree only for a not_after within a second. */
        if (json_is_true(expired))
            check(json_integer_value(days) < 0);
    }
    json_decref(o);
}

static void one_der(const uint8_t *data, size_t size, uint8_t flag)
{
    const unsigned char *p = data;
    X509 *x = d2i_X509(NULL, &p, (long)size);
    if (!x)
        return;
    json_t *facts = cert_facts(x);
    check_facts(facts, x);
    check_leaf(x, facts, dns_hosts[(flag >> 1) & 1], 0);
    check_leaf(x, facts, ip_hosts[(flag >> 2) & 1], 1);
    json_decref(facts);
    X509_free(x);
}

static void pem_chain(const uint8_t *data, size_t size, uint8_t flag)
{
    BIO *b = BIO_new_mem_buf(data, (int)size);
    X509 *chain[MAX_CHAIN];
    size_t n = 0;
    check(b != NULL);
    while (n < MAX_CHAIN && (chain[n] = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
        n++;
    BIO_free(b);
    json_t *arr = json_array();
    check(arr != NULL);
    for (size_t i = 0; i < n; i++) {
        json_t *facts = cert_facts(chain[i]);
        check_facts(facts, chain[i]);
        if (i == 0)
            check_leaf(chain[i], facts, dns_hosts[(flag >> 1) & 1], 0);
        /* The order test checks/cert.c records next to the chain. */
        if (i + 1 < n)
            (void)X509_check_issued(chain[i + 1], chain[i]);
        check(json_array_append_new(arr, facts) == 0);
    }
    char *s = json_dumps(arr, JSON_COMPACT);
    check(s != NULL);
    free(s);
    json_decref(arr);
    for (size_t i = 0; i < n; i++)
        X509_free(chain[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1u << 20))
        return 0;
    uint8_t flag = data[0];
    if (flag & 1)
        pem_chain(data + 1, size - 1, flag);
    else
        one_der(data + 1, size - 1, flag);
    return 0;
}
