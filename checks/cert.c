/*
 * cert.c — the certificate family: one full OpenSSL handshake per target records the chain as
 * served, its verification against the trust store (system or --ca-file), and the leaf's
 * facts; six small judges each look at one concern, so a profile can weigh them separately.
 */
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cert_facts.h"
#include "check.h"
#include "scan.h"
#include "strbuf.h"
#include "target.h"
#include "tls_session.h"
#include "util.h"

static json_t *chain_json(STACK_OF(X509) *chain, int *order_ok)
{
    json_t *arr = json_array();
    int n = chain ? sk_X509_num(chain) : 0;
    *order_ok = 1;
    for (int i = 0; i < n && i < 16; i++) {
        X509 *x = sk_X509_value(chain, i);
        json_array_append_new(arr, cert_facts(x));
        if (i + 1 < n && X509_check_issued(sk_X509_value(chain, i + 1), x) != X509_V_OK)
            *order_ok = 0;
    }
    return arr;
}

/* One handshake for the whole family; later cert checks reuse what it recorded. */
static int cert_observe(struct scan *scan, struct target *t, json_t *obs, const char *id)
{
    if (json_object_get(obs, "leaf"))
        return 0;
    const char *prev = json_string_value(json_object_get(obs, "handshake_error"));
    if (prev)
        return obs_error(obs, id, "%s", prev);
    struct tls_session s;
    struct coc_error e = { "" };
    int rc = tls_session_open(&s, t->host, t->port, t->host_is_ip ? NULL : t->host,
                              scan->ca_file, scan->timeout_ms, &e);
    scan->probes++;
    if (rc < 0) {
        json_object_set_new(obs, "handshake_error", json_string_lossy(e.msg, strlen(e.msg)));
        tls_session_close(&s);
        return obs_error(obs, id, "%s", e.msg);
    }
    X509 *leaf = SSL_get0_peer_certificate(s.ssl);
    if (!leaf) {
        json_object_set_new(obs, "handshake_error",
                            json_string("the server sent no certificate"));
        tls_session_close(&s);
        return obs_error(obs, id, "the server sent no certificate");
    }
    int order_ok;
    json_object_set_new(obs, "protocol", json_string(SSL_get_version(s.ssl)));
    json_object_set_new(obs, "cipher", json_string(SSL_get_cipher_name(s.ssl)));
    json_object_set_new(obs, "chain", chain_json(SSL_get_peer_cert_chain(s.ssl), &order_ok));
    json_object_set_new(obs, "chain_order_ok", json_boolean(order_ok));
    long v = SSL_get_verify_result(s.ssl);
    json_t *verify = json_pack("{s:b, s:i, s:s}", "ok", v == X509_V_OK, "code", (json_int_t)v,
                               "trust_store", scan->ca_file ? scan->ca_file : "system");
    if (v != X509_V_OK)
        json_object_set_new(verify, "error", json_string(X509_verify_cert_error_string(v)));
    json_object_set_new(obs, "verify", verify);
    json_object_set_new(obs, "leaf", cert_leaf_facts(leaf, t->host, t->host_is_ip));
    const unsigned char *ocsp = NULL;
    long ocsp_len = SSL_get_tlsext_status_ocsp_resp(s.ssl, &ocsp);
    json_object_set_new(obs, "ocsp_stapled", json_boolean(ocsp_len > 0 && ocsp));
    tls_session_close(&s);
    return 0;
}

#define OBSERVE_AS(fn, id)                                                   \
    static int fn(struct scan *scan, struct target *t, json_t *obs)          \
    {                                                                        \
        return cert_observe(scan, t, obs, id);                               \
    }
OBSERVE_AS(observe_chain, "cert.chain")
OBSERVE_AS(observe_hostname, "cert.hostname")
OBSERVE_AS(observe_expiry, "cert.expiry")
OBSERVE_AS(observe_key, "cert.key")
OBSERVE_AS(observe_signature, "cert.signature")
OBSERVE_AS(observe_ocsp, "cert.ocsp")

/* The leaf's facts, or NULL after setting an error result. */
static const json_t *leaf_of(const json_t *obs, struct result *r)
{
    const json_t *leaf = json_object_get(obs, "leaf");
    if (!json_is_object(leaf))
        result_evidencef(r, "no certificate observation was recorded");
    return json_is_object(leaf) ? leaf : NULL;
}

static enum status judge_chain(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *verify = json_object_get(obs, "verify");
    if (!leaf_of(obs, r) || !verify)
        return ST_ERROR;
    int ok = json_is_true(json_object_get(verify, "ok"));
    const char *err = json_string_value(json_object_get(verify, "error"));
    const json_t *chain = json_object_get(obs, "chain");
    r->observed = json_string(ok ? "trusted" : err ? err : "not trusted");
    if (!expect_bool(expect, "chain_valid", 1)) {
        result_evidencef(r, "the profile does not require a trusted chain");
        return ST_PASS;
    }
    if (!ok) {
        int self = json_is_true(json_object_get(json_array_get(chain, 0), "self_signed"));
        result_evidencef(r, "the chain (%zu certificate%s as served) does not verify against %s: "
                            "%s%s",
                         json_array_size(chain), json_array_size(chain) == 1 ? "" : "s",
                         json_string_value(json_object_get(verify, "trust_store")),
                         err ? err : "unknown error",
                         self ? " (the certificate is self-signed)"
                         : json_array_size(chain) == 1 ? " (is an intermediate missing?)"
                                                        : "");
        return ST_FAIL;
    }
    if (!json_is_true(json_object_get(obs, "chain_order_ok"))) {
        result_evidencef(r, "the chain verifies, but is served out of order");
        return ST_WARN;
    }
    result_evidencef(r, "the chain verifies against %s",
                     json_string_value(json_object_get(verify, "trust_store")));
    return ST_PASS;
}

static enum status judge_hostname(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *leaf = leaf_of(obs, r);
    if (!leaf)
        return ST_ERROR;
    int match = json_is_true(json_object_get(leaf, "hostname_match"));
    r->observed = json_deep_copy(json_object_get(leaf, "san_dns"));
    json_array_extend(r->observed, json_object_get(leaf, "san_ip"));
    const char *host = json_string_value(json_object_get(leaf, "hostname"));
    if (expect_bool(expect, "hostname_match", 1) && !match) {
        result_evidencef(r, "the certificate is not valid for %s", host ? host : "the host");
        return ST_FAIL;
    }
    result_evidencef(r, "the certificate %s %s", match ? "is valid for" : "does not match",
                     host ? host : "the host");
    return ST_PASS;
}

static enum status judge_expiry(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *leaf = leaf_of(obs, r);
    if (!leaf)
        return ST_ERROR;
    const json_t *min_j = json_object_get(expect, "min_days_remaining");
    long long min = min_j ? json_integer_value(min_j) : 0;
    long long days = json_integer_value(json_object_get(leaf, "days_remaining"));
    const char *after = json_string_value(json_object_get(leaf, "not_after"));
    struct strbuf ob = STRBUF_INIT;
    strbuf_addf(&ob, "%s (%lld days left)", after ? after : "?", days);
    r->observed = json_string(ob.buf);
    strbuf_release(&ob);
    if (json_is_true(json_object_get(leaf, "not_yet_valid"))) {
        result_evidencef(r, "the certificate is not valid before %s",
                         json_string_value(json_object_get(leaf, "not_before")));
        return ST_FAIL;
    }
    if (json_is_true(json_object_get(leaf, "expired"))) {
        result_evidencef(r, "the certificate expired on %s", after ? after : "?");
        return ST_FAIL;
    }
    if (days < min) {
        result_evidencef(r, "the certificate expires on %s, in %lld day%s; the profile requires "
                            "at least %lld", after ? after : "?", days, days == 1 ? "" : "s", min);
        return ST_FAIL;
    }
    result_evidencef(r, "the certificate expires on %s, in %lld days", after ? after : "?", days);
    return ST_PASS;
}

static enum status judge_key(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *leaf = leaf_of(obs, r);
    if (!leaf)
        return ST_ERROR;
    const char *type = json_string_value(json_object_get(leaf, "key_type"));
    long long bits = json_integer_value(json_object_get(leaf, "key_bits"));
    const json_t *rsa_j = json_object_get(expect, "min_rsa_bits");
    const json_t *ec_j = json_object_get(expect, "min_ec_bits");
    long long min_rsa = rsa_j ? json_integer_value(rsa_j) : 2048;
    long long min_ec = ec_j ? json_integer_value(ec_j) : 256;
    const char *curve = json_string_value(json_object_get(leaf, "curve"));
    struct strbuf ob = STRBUF_INIT;
    strbuf_addf(&ob, "%s %lld%s%s%s", type ? type : "unknown", bits, curve ? " (" : "",
                curve ? curve : "", curve ? ")" : "");
    r->observed = json_string_lossy(ob.buf, ob.len);
    strbuf_release(&ob);
    long long min = 0;
    if (type && (strcmp(type, "RSA") == 0 || strcmp(type, "RSA-PSS") == 0 ||
                 strcmp(type, "DSA") == 0))
        min = min_rsa;
    else if (type && strcmp(type, "EC") == 0)
        min = min_ec;
    if (bits < min) {
        result_evidencef(r, "%s key of %lld bits; the profile requires at least %lld", type, bits,
                         min);
        return ST_FAIL;
    }
    result_evidencef(r, "%s key of %lld bits", type ? type : "unknown", bits);
    return ST_PASS;
}

static enum status judge_signature(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *leaf = leaf_of(obs, r);
    if (!leaf)
        return ST_ERROR;
    static const char *const dflt[] = { "md5", "sha1", NULL };
    const json_t *forbid = json_object_get(expect, "forbid_signature");
    const char *hash = json_string_value(json_object_get(leaf, "signature_hash"));
    const char *alg = json_string_value(json_object_get(leaf, "signature_algorithm"));
    r->observed = json_string(alg ? alg : "unknown");
    int bad = 0;
    if (forbid) {
        size_t i;
        json_t *f;
        json_array_foreach(forbid, i, f)
            bad |= hash && strcasecmp(hash, json_string_value(f)) == 0;
    } else {
        for (size_t i = 0; dflt[i]; i++)
            bad |= hash && strcmp(hash, dflt[i]) == 0;
    }
    if (bad) {
        result_evidencef(r, "the certificate is signed with %s, which the profile forbids",
                         hash);
        return ST_FAIL;
    }
    result_evidencef(r, "signed with %s", alg ? alg : "an unknown algorithm");
    return ST_PASS;
}

static enum status judge_ocsp(const json_t *obs, const json_t *expect, struct result *r)
{
    if (!leaf_of(obs, r))
        return ST_ERROR;
    int stapled = json_is_true(json_object_get(obs, "ocsp_stapled"));
    r->observed = json_boolean(stapled);
    if (expect_bool(expect, "ocsp_stapling", 1) && !stapled) {
        result_evidencef(r, "the server does not staple an OCSP response");
        return ST_FAIL;
    }
    result_evidencef(r, stapled ? "an OCSP response is stapled" : "no OCSP response stapled");
    return ST_PASS;
}

static const char *const hash_words[] = { "md5", "sha1", "sha224", NULL };

static const struct expect_key chain_keys[] = {
    { "chain_valid", EXP_BOOL, NULL, "the served chain must verify (default true)" },
    { NULL, 0, NULL, NULL },
};
static const struct expect_key hostname_keys[] = {
    { "hostname_match", EXP_BOOL, NULL, "the leaf must be valid for the host (default true)" },
    { NULL, 0, NULL, NULL },
};
static const struct expect_key expiry_keys[] = {
    { "min_days_remaining", EXP_INT, NULL, "days the leaf must still be valid (default 0)" },
    { NULL, 0, NULL, NULL },
};
static const struct expect_key key_keys[] = {
    { "min_rsa_bits", EXP_INT, NULL, "minimum RSA (and DSA) key size (default 2048)" },
    { "min_ec_bits", EXP_INT, NULL, "minimum EC key size (default 256)" },
    { NULL, 0, NULL, NULL },
};
static const struct expect_key signature_keys[] = {
    { "forbid_signature", EXP_STRING_LIST, hash_words,
      "signature hashes not allowed on the leaf (default [md5, sha1])" },
    { NULL, 0, NULL, NULL },
};
static const struct expect_key ocsp_keys[] = {
    { "ocsp_stapling", EXP_BOOL, NULL, "an OCSP response must be stapled (default true)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_cert_chain = {
    "cert.chain", "cert", "Certificate chain is trusted",
    observe_chain, judge_chain, chain_keys,
};
const struct check check_cert_hostname = {
    "cert.hostname", "cert", "Certificate is valid for the host name",
    observe_hostname, judge_hostname, hostname_keys,
};
const struct check check_cert_expiry = {
    "cert.expiry", "cert", "Certificate validity period",
    observe_expiry, judge_expiry, expiry_keys,
};
const struct check check_cert_key = {
    "cert.key", "cert", "Certificate public key strength",
    observe_key, judge_key, key_keys,
};
const struct check check_cert_signature = {
    "cert.signature", "cert", "Certificate signature algorithm",
    observe_signature, judge_signature, signature_keys,
};
const struct check check_cert_ocsp = {
    "cert.ocsp", "cert", "OCSP stapling",
    observe_ocsp, judge_ocsp, ocsp_keys,
};
