/*
 * tls_parse.h — incremental parser of a server's first flight (ServerHello … ServerHelloDone).
 *
 * Feed it whatever the socket returned, in any chunking; it reassembles records and handshake
 * messages in capped buffers and says when it has seen enough. Every byte is server-controlled:
 * lengths are checked against what is present, and the total input is capped, so a lying or
 * endless server costs at most TLS_FLIGHT_CAP bytes of memory and then a MALFORMED verdict.
 */
#ifndef COC_TLS_PARSE_H
#define COC_TLS_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define TLS_FLIGHT_CAP ((size_t)256 * 1024) /* total input accepted */
#define TLS_FLIGHT_MAX_CERTS 16             /* certificates kept from one chain */
#define TLS_FLIGHT_MAX_SSLV2_CIPHERS 64     /* cipher kinds kept from an SSLv2 SERVER-HELLO */

enum tls_fl_status {
    TLS_FL_NEED_MORE = 0, /* feed more bytes */
    TLS_FL_DONE,          /* seen what a probe needs; see tls_flight_feed */
    TLS_FL_ALERT,         /* the server sent an alert (or an SSLv2 ERROR) */
    TLS_FL_NOT_TLS,       /* the peer does not speak TLS (e.g. an HTTP or SSH banner) */
    TLS_FL_MALFORMED,     /* broken or over-cap input; see `reason` */
};

/* What the ServerKeyExchange carried, as far as it could be recognised. */
enum tls_ske_kind { TLS_SKE_NONE = 0, TLS_SKE_DHE, TLS_SKE_ECDHE, TLS_SKE_OTHER };

struct tls_flight {
    /* inputs and state (private) */
    uint16_t offered_version;
    int status;
    int sniffed;           /* first bytes classified */
    int sslv2;             /* the reply is in SSLv2 framing */
    int seen_server_hello;
    uint8_t *in;           /* raw bytes received, [0, in_len); records consumed up to in_off */
    size_t in_len, in_cap, in_off;
    uint8_t *hs;           /* handshake bytes from records; messages consumed up to hs_off */
    size_t hs_len, hs_cap, hs_off;
    size_t total;          /* bytes accepted so far (at most TLS_FLIGHT_CAP) */
    uint8_t *cert_buf;     /* owned copy of the certificate list */
    size_t cert_off[TLS_FLIGHT_MAX_CERTS], cert_len[TLS_FLIGHT_MAX_CERTS];

    /* results */
    const char *reason;      /* MALFORMED: short static description */
    uint8_t alert_level;     /* ALERT */
    uint8_t alert_desc;
    uint16_t sslv2_error;    /* ALERT from an SSLv2 ERROR message: its code */
    uint16_t record_version; /* of the first record */
    uint16_t legacy_version; /* ServerHello.legacy_version (server_version for SSLv2) */
    uint16_t server_version; /* negotiated: supported_versions if present, else legacy */
    uint16_t cipher;
    uint8_t compression;
    uint8_t session_id_len;
    int is_hrr;               /* the ServerHello is a HelloRetryRequest */
    uint16_t hrr_group;       /* the group an HRR asks for, 0 if none */
    uint16_t key_share_group; /* TLS 1.3 ServerHello key_share group, 0 if none */
    int downgrade_sentinel;   /* RFC 8446 §4.1.3 marker in the random: 12 (1.2), 11 (≤1.1) */
    int has_reneg_info;
    int has_ems;
    char alpn[64]; /* selected protocol (truncated to 63 bytes), "" if none */
    int status_request_ack;   /* empty status_request extension in the ServerHello */
    int has_ocsp_staple;      /* CertificateStatus message seen */
    int has_cert_request;     /* CertificateRequest seen */
    size_t n_certs;           /* certificates stored (at most TLS_FLIGHT_MAX_CERTS) */
    int certs_truncated;      /* the chain had more than TLS_FLIGHT_MAX_CERTS */
    int ske_kind;             /* enum tls_ske_kind */
    unsigned dh_bits;         /* DHE: bit length of p */
    uint16_t ecdh_group;      /* ECDHE: named curve */
    uint16_t ske_sigalg;      /* TLS 1.2 ServerKeyExchange signature algorithm, 0 if none */
    size_t n_sslv2_ciphers;
    uint32_t sslv2_ciphers[TLS_FLIGHT_MAX_SSLV2_CIPHERS];
};

/* Prepare f for a reply to a hello offering `offered_version` (TLS_V_SSL2 expects SSLv2). */
void tls_flight_init(struct tls_flight *f, uint16_t offered_version);
/* Add received bytes; returns an enum tls_fl_status. Once it returns anything but NEED_MORE,
 * later calls return the same and ignore their input. DONE means: ServerHello seen and, for
 * TLS ≤ 1.2, ServerHelloDone (or ChangeCipherSpec) too; for TLS 1.3 or an HRR, the ServerHello
 * alone; for SSLv2, the SERVER-HELLO. */
int tls_flight_feed(struct tls_flight *f, const uint8_t *data, size_t n);
/* Free the buffers; the results other than certificates stay readable. */
void tls_flight_release(struct tls_flight *f);
/* Point at certificate i (DER) of the chain; 0 ok, -1 if there is no such certificate. The
 * bytes belong to f and stay valid until tls_flight_release. */
int tls_flight_cert(const struct tls_flight *f, size_t i, const uint8_t **der, size_t *len);

/* "need_more", "done", "alert", "not_tls", "malformed". */
const char *tls_flight_status_name(int status);
/* Alert description name ("handshake_failure"), NULL if unknown. */
const char *tls_alert_name(uint8_t desc);
/* Named group name ("x25519", "secp256r1", "ffdhe2048"), NULL if unknown. */
const char *tls_group_name(uint16_t group);

#endif
