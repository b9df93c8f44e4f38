/*
 * cert_facts.c — the facts of an X.509 certificate as JSON: names, validity, key, signature,
 * subject alternative names. Every string in a certificate is chosen by whoever made it, so
 * each one goes through json_string_lossy; nothing here judges.
 */
#include "cert_facts.h"

#include <ctype.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

#define NAME_MAX_BYTES 1024
#define MAX_SANS 100

/* A name in RFC 2253 form, UTF-8, capped. New reference. */
static json_t *name_json(const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return json_null();
    X509_NAME_print_ex(b, name, 0, (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | XN_FLAG_SEP_CPLUS_SPC);
    char *data = NULL;
    long n = BIO_get_mem_data(b, &data);
    json_t *j = json_string_lossy(data ? data : "", n > NAME_MAX_BYTES ? NAME_MAX_BYTES
                                                    : (size_t)(n > 0 ? n : 0));
    BIO_free(b);
    return j;
}

static json_t *time_json(const ASN1_TIME *t)
{
    struct tm tm;
    char buf[32];
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return json_null();
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static void add_key(json_t *o, X509 *x)
{
    EVP_PKEY *pk = X509_get0_pubkey(x);
    if (!pk) {
        json_object_set_new(o, "key_type", json_string("unknown"));
        return;
    }
    const char *type;
    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_RSA: type = "RSA"; break;
    case EVP_PKEY_RSA_PSS: type = "RSA-PSS"; break;
    case EVP_PKEY_EC: type = "EC"; break;
    case EVP_PKEY_DSA: type = "DSA"; break;
    case EVP_PKEY_ED25519: type = "Ed25519"; break;
    case EVP_PKEY_ED448: type = "Ed448"; break;
    default: type = "other"; break;
    }
    json_object_set_new(o, "key_type", json_string(type));
    json_object_set_new(o, "key_bits", json_integer(EVP_PKEY_get_bits(pk)));
    char group[64];
    size_t glen = 0;
    if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &glen) == 1)
        json_object_set_new(o, "curve", json_string_lossy(group, glen));
}

static void add_signature(json_t *o, X509 *x)
{
    int sig_nid = X509_get_signature_nid(x);
    const char *ln = OBJ_nid2ln(sig_nid);
    json_object_set_new(o, "signature_algorithm", json_string(ln ? ln : "unknown"));
    int md_nid = NID_undef, pk_nid = NID_undef, secbits = 0;
    uint32_t flags = 0;
    const char *hash = NULL;
    if (X509_get_signature_info(x, &md_nid, &pk_nid, &secbits, &flags) == 1 &&
        md_nid != NID_undef)
        hash = OBJ_nid2sn(md_nid);
    char buf[32];
    snprintf(buf, sizeof buf, "%s", hash ? hash : (pk_nid == NID_ED25519 || pk_nid == NID_ED448
                                                       ? "intrinsic"
                                                       : "unknown"));
    lower(buf);
    json_object_set_new(o, "signature_hash", json_string(buf));
}

static void add_sans(json_t *o, X509 *x)
{
    json_t *dns = json_array(), *ip = json_array();
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    int n = names ? sk_GENERAL_NAME_num(names) : 0;
    for (int i = 0; i < n && i < MAX_SANS; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
        if (g->type == GEN_DNS) {
            const ASN1_IA5STRING *s = g->d.dNSName;
            json_array_append_new(dns, json_string_lossy((const char *)ASN1_STRING_get0_data(s),
                                                         (size_t)ASN1_STRING_length(s)));
        } else if (g->type == GEN_IPADD) {
            const ASN1_OCTET_STRING *s = g->d.iPAddress;
            char *txt = NULL;
            BIO *b = BIO_new(BIO_s_mem());
            int len = ASN1_STRING_length(s);
            const unsigned char *d = ASN1_STRING_get0_data(s);
            if (b && len == 4) {
                BIO_printf(b, "%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
            } else if (b && len == 16) {
                for (int k = 0; k < 16; k += 2)
                    BIO_printf(b, "%s%x", k ? ":" : "", (d[k] << 8) | d[k + 1]);
            }
            long bl = b ? BIO_get_mem_data(b, &txt) : 0;
            if (bl > 0)
                json_array_append_new(ip, json_string_lossy(txt, (size_t)bl));
            BIO_free(b);
        }
    }
    GENERAL_NAMES_free(names);
    json_object_set_new(o, "san_dns", dns);
    json_object_set_new(o, "san_ip", ip);
}

json_t *cert_facts(X509 *x)
{
    json_t *o = json_object();
    json_object_set_new(o, "subject", name_json(X509_get_subject_name(x)));
    json_object_set_new(o, "issuer", name_json(X509_get_issuer_name(x)));
    json_object_set_new(o, "not_before", time_json(X509_get0_notBefore(x)));
    json_object_set_new(o, "not_after", time_json(X509_get0_notAfter(x)));
    add_key(o, x);
    add_signature(o, x);
    json_object_set_new(o, "self_signed", json_boolean(X509_self_signed(x, 0) == 1));
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char hex[2 * EVP_MAX_MD_SIZE + 1] = "";
    if (X509_digest(x, EVP_sha256(), md, &mdlen) == 1) {
        for (unsigned i = 0; i < mdlen; i++)
            snprintf(hex + 2 * i, 3, "%02x", md[i]);
        json_object_set_new(o, "sha256", json_string(hex));
    }
    return o;
}

json_t *cert_leaf_facts(X509 *x, const char *host, int host_is_ip)
{
    json_t *o = cert_facts(x);
    add_sans(o, x);
    int match = host_is_ip ? X509_check_ip_asc(x, host, 0) == 1
                           : X509_check_host(x, host, strlen(host), 0, NULL) == 1;
    json_object_set_new(o, "hostname", json_string(host));
    json_object_set_new(o, "hostname_match", json_boolean(match));
    int days = 0, secs = 0;
    if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)) == 1) {
        /* Whole days left; a certificate that expired an hour ago has -1, not 0. */
        if (days == 0 && secs < 0)
            days = -1;
        else if (days < 0 && secs < 0)
            days -= 1;
        json_object_set_new(o, "days_remaining", json_integer(days));
    }
    json_object_set_new(o, "expired", json_boolean(X509_cmp_current_time(X509_get0_notAfter(x)) < 0));
    json_object_set_new(o, "not_yet_valid",
                        json_boolean(X509_cmp_current_time(X509_get0_notBefore(x)) > 0));
    return o;
}
