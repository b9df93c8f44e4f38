/*
 * tls_hello.h — hand-built ClientHellos for protocol and cipher enumeration.
 *
 * Building the hello ourselves (instead of asking OpenSSL) lets the scanner offer what the local
 * TLS library no longer can: SSLv2, SSLv3, export/RC4/3DES suites. The builders are pure: the
 * caller supplies the random bytes and key-share public keys, so the same options always give
 * the same bytes and the output can be unit-tested byte for byte.
 */
#ifndef COC_TLS_HELLO_H
#define COC_TLS_HELLO_H

#include <stddef.h>
#include <stdint.h>

#include "tlsbuf.h"

#define TLS_V_SSL2 0x0002
#define TLS_V_SSL3 0x0300
#define TLS_V_10 0x0301
#define TLS_V_11 0x0302
#define TLS_V_12 0x0303
#define TLS_V_13 0x0304

/* Named groups the builder knows key-share sizes for, and the default list's members. */
#define TLS_GROUP_SECP256R1 0x0017
#define TLS_GROUP_SECP384R1 0x0018
#define TLS_GROUP_SECP521R1 0x0019
#define TLS_GROUP_X25519 0x001D
#define TLS_GROUP_X448 0x001E

/* Signalling cipher-suite values. */
#define TLS_SCSV_RENEGOTIATION 0x00FF
#define TLS_SCSV_FALLBACK 0x5600

/* Handshake message type of a ClientHello and the content type of a handshake record. */
#define TLS_HS_CLIENT_HELLO 1
#define TLS_CT_HANDSHAKE 22

struct tls_hello_opts {
    uint16_t version;        /* TLS_V_SSL3 .. TLS_V_13 (SSLv2: tls_hello_build_sslv2) */
    const uint16_t *suites;  /* offered in this order; at least one */
    size_t n_suites;
    const char *sni;         /* NULL, "" or an IP literal: no server_name extension */
    const uint16_t *groups;  /* 0 → tls_hello_default_groups */
    size_t n_groups;
    const uint16_t *sigalgs; /* 0 → tls_hello_default_sigalgs */
    size_t n_sigalgs;
    int fallback_scsv;          /* append TLS_FALLBACK_SCSV (RFC 7507) */
    int offer_compression;      /* methods deflate+null instead of null (not for TLS 1.3) */
    const char *alpn;           /* comma-separated protocol list; NULL = no ALPN */
    int status_request;         /* OCSP status_request extension */
    int extended_master_secret; /* empty extended_master_secret extension */
    int renegotiation_info;     /* empty renegotiation_info ext; SSLv3: the 0x00FF SCSV */
    int also_tls12;             /* TLS 1.3 hello: supported_versions lists 1.2 too */
    const uint8_t *random;      /* 32 bytes, required */
    const uint8_t *x25519_pub;  /* 32 bytes; NULL = no x25519 key share (TLS 1.3) */
    const uint8_t *p256_pub;    /* 65 bytes uncompressed; NULL = no secp256r1 key share */
};

/* One SSLv2 cipher kind (3-byte code). */
struct tls_sslv2_cipher {
    uint32_t code;
    const char *name;
    unsigned bits; /* effective symmetric strength */
    int is_export;
};

#define TLS_SSLV2_N_CIPHERS 7
extern const struct tls_sslv2_cipher tls_sslv2_ciphers[TLS_SSLV2_N_CIPHERS];

/* Groups and signature algorithms offered when the options give none. */
extern const uint16_t tls_hello_default_groups[];
extern const size_t tls_hello_default_groups_count;
extern const uint16_t tls_hello_default_sigalgs[];
extern const size_t tls_hello_default_sigalgs_count;

/* "SSLv2" … "TLSv1.3" for a protocol version, NULL if unknown. */
const char *tls_version_name(uint16_t v);
/* Parse "TLSv1.2", "TLS1.2", "1.2", "SSLv3", … (case-insensitive) into *v; 0 ok, -1 unknown. */
int tls_version_parse(const char *s, uint16_t *v);
/* Name of an SSLv2 cipher kind, NULL if unknown. */
const char *tls_sslv2_cipher_name(uint32_t code);
/* Whether a server name is an IPv4/IPv6 literal (which must not be sent as SNI). */
int tls_hello_is_ip_literal(const char *host);

/* Append one TLS record holding a ClientHello built from *o to out; 0 ok, -1 on bad options
 * (unknown version, no suites, bad ALPN list or SNI, missing random) or writer failure, in
 * which case out is left exactly as it was. */
int tls_hello_build(const struct tls_hello_opts *o, struct tls_writer *out);
/* Append an SSLv2 CLIENT-HELLO offering all SSLv2 cipher kinds; 0 ok, -1 on writer failure. */
int tls_hello_build_sslv2(const uint8_t challenge[16], struct tls_writer *out);

#endif
