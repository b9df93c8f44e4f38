/*
 * tls_parse_hs.c — decoders for the messages of a server's first flight: ServerHello (incl.
 * HelloRetryRequest), Certificate, CertificateStatus, ServerKeyExchange, ServerHelloDone, and
 * the SSLv2 SERVER-HELLO / ERROR. Each decoder works on a reader over one complete message and
 * records facts in the flight; nothing here judges whether those facts are good.
 */
#include <string.h>

#include "tls_hello.h"
#include "tls_parse.h"
#include "tls_parse_int.h"
#include "tlsbuf.h"

#define HS_HELLO_REQUEST 0
#define HS_SERVER_HELLO 2
#define HS_CERTIFICATE 11
#define HS_SERVER_KEY_EXCHANGE 12
#define HS_CERTIFICATE_REQUEST 13
#define HS_SERVER_HELLO_DONE 14
#define HS_CERTIFICATE_STATUS 22

#define EXT_STATUS_REQUEST 0x0005
#define EXT_ALPN 0x0010
#define EXT_EXTENDED_MASTER_SECRET 0x0017
#define EXT_SUPPORTED_VERSIONS 0x002B
#define EXT_KEY_SHARE 0x0033
#define EXT_RENEGOTIATION_INFO 0xFF01

#define SSL2_MT_ERROR 0
#define SSL2_MT_SERVER_HELLO 4

/* SHA-256("HelloRetryRequest"): the random of a ServerHello that is really an HRR. */
static const uint8_t hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
};

/* RFC 8446 §4.1.3: a TLS 1.3 server negotiating less ends its random with this plus 01 / 00. */
static const uint8_t downgrade_prefix[7] = { 'D', 'O', 'W', 'N', 'G', 'R', 'D' };

static int is_tls13(uint16_t v)
{
    return v >= TLS_V_13 || (v >> 8) == 0x7F; /* 0x7Fxx: TLS 1.3 drafts */
}

static int done(struct tls_flight *f)
{
    f->status = TLS_FL_DONE;
    return f->status;
}

/* One ServerHello extension. */
static int sh_extension(struct tls_flight *f, uint16_t type, struct tls_reader *d)
{
    struct tls_reader sub, name;
    uint16_t v;
    const uint8_t *p;

    switch (type) {
    case EXT_SUPPORTED_VERSIONS:
        if (tls_rd_u16(d, &v) < 0 || tls_rd_left(d))
            return tls_fl_fail(f, "bad supported_versions extension");
        f->server_version = v;
        break;
    case EXT_KEY_SHARE:
        if (tls_rd_u16(d, &v) < 0)
            return tls_fl_fail(f, "bad key_share extension");
        if (f->is_hrr) {
            if (tls_rd_left(d))
                return tls_fl_fail(f, "bad key_share extension");
            f->hrr_group = v;
        } else {
            if (tls_rd_sub(d, 2, &sub) < 0 || tls_rd_left(d))
                return tls_fl_fail(f, "bad key_share extension");
            f->key_share_group = v;
        }
        break;
    case EXT_RENEGOTIATION_INFO:
        if (tls_rd_sub(d, 1, &sub) < 0 || tls_rd_left(d))
            return tls_fl_fail(f, "bad renegotiation_info extension");
        f->has_reneg_info = 1;
        break;
    case EXT_EXTENDED_MASTER_SECRET:
        f->has_ems = 1;
        break;
    case EXT_STATUS_REQUEST:
        if (tls_rd_left(d) == 0)
            f->status_request_ack = 1;
        break;
    case EXT_ALPN:
        if (tls_rd_sub(d, 2, &sub) < 0 || tls_rd_left(d) || tls_rd_sub(&sub, 1, &name) < 0 ||
            tls_rd_left(&sub) || tls_rd_left(&name) == 0)
            return tls_fl_fail(f, "bad ALPN extension");
        {
            size_t n = tls_rd_left(&name);

            if (n > sizeof(f->alpn) - 1)
                n = sizeof(f->alpn) - 1;
            tls_rd_bytes(&name, n, &p);
            memcpy(f->alpn, p, n);
            f->alpn[n] = '\0';
        }
        break;
    default:
        break; /* unknown: skipped, its length was already checked */
    }
    return TLS_FL_NEED_MORE;
}

static int on_server_hello(struct tls_flight *f, struct tls_reader *r)
{
    struct tls_reader sid, exts, d;
    const uint8_t *random;
    uint16_t type;
    int st;

    if (tls_rd_u16(r, &f->legacy_version) < 0 || tls_rd_bytes(r, 32, &random) < 0 ||
        tls_rd_sub(r, 1, &sid) < 0 || tls_rd_u16(r, &f->cipher) < 0 ||
        tls_rd_u8(r, &f->compression) < 0)
        return tls_fl_fail(f, "truncated ServerHello");
    if (tls_rd_left(&sid) > 32)
        return tls_fl_fail(f, "ServerHello session id too long");
    f->session_id_len = (uint8_t)tls_rd_left(&sid);
    f->is_hrr = memcmp(random, hrr_random, 32) == 0;
    if (memcmp(random + 24, downgrade_prefix, 7) == 0 && random[31] <= 1)
        f->downgrade_sentinel = random[31] ? 12 : 11;
    f->server_version = 0;
    if (tls_rd_left(r)) {
        if (tls_rd_sub(r, 2, &exts) < 0 || tls_rd_left(r))
            return tls_fl_fail(f, "bad ServerHello extensions length");
        while (tls_rd_left(&exts)) {
            if (tls_rd_u16(&exts, &type) < 0 || tls_rd_sub(&exts, 2, &d) < 0)
                return tls_fl_fail(f, "truncated ServerHello extension");
            st = sh_extension(f, type, &d);
            if (st != TLS_FL_NEED_MORE)
                return st;
        }
    }
    if (f->server_version == 0)
        f->server_version = f->legacy_version;
    f->seen_server_hello = 1;
    /* TLS 1.3 encrypts everything after the ServerHello; an HRR waits for a second hello. */
    if (f->is_hrr || is_tls13(f->server_version))
        return done(f);
    return TLS_FL_NEED_MORE;
}

/* Record where each certificate of a u24-prefixed list starts, then keep a copy. Nothing is
 * published in f (n_certs stays 0) unless the whole list is well-formed. */
static int on_certificate(struct tls_flight *f, struct tls_reader *r)
{
    struct tls_reader list, cert;
    size_t n = 0;
    int truncated = 0;

    if (f->cert_buf)
        return tls_fl_fail(f, "second Certificate message");
    if (tls_rd_sub(r, 3, &list) < 0 || tls_rd_left(r))
        return tls_fl_fail(f, "bad Certificate message length");
    while (tls_rd_left(&list)) {
        if (tls_rd_sub(&list, 3, &cert) < 0)
            return tls_fl_fail(f, "truncated certificate");
        if (n == TLS_FLIGHT_MAX_CERTS) {
            truncated = 1;
            continue;
        }
        f->cert_off[n] = (size_t)(cert.p - list.p);
        f->cert_len[n] = cert.len;
        n++;
    }
    if (tls_fl_copy_certs(f, list.p, list.len) < 0)
        return tls_fl_fail(f, "out of memory");
    f->n_certs = n;
    f->certs_truncated = truncated;
    return TLS_FL_NEED_MORE;
}

/* The signature after the key-exchange parameters: absent (anonymous, PSK), or a u16-prefixed
 * signature preceded, from TLS 1.2 on, by its algorithm. The whole rest must be consumed. */
static int sig_tail_ok(struct tls_reader *r, int v12, uint16_t *sigalg)
{
    struct tls_reader sig;

    *sigalg = 0;
    if (tls_rd_left(r) == 0)
        return 1;
    if (v12 && tls_rd_u16(r, sigalg) < 0)
        return 0;
    return tls_rd_sub(r, 2, &sig) == 0 && tls_rd_left(r) == 0;
}

/* ServerECDHParams with a named curve. */
static int try_ecdhe(struct tls_reader r, int v12, uint16_t *group, uint16_t *sigalg)
{
    struct tls_reader point;
    uint8_t curve_type;

    return tls_rd_u8(&r, &curve_type) == 0 && curve_type == 3 && tls_rd_u16(&r, group) == 0 &&
           tls_rd_sub(&r, 1, &point) == 0 && tls_rd_left(&point) > 0 &&
           sig_tail_ok(&r, v12, sigalg);
}

/* ServerDHParams; *bits is the length of p without leading zero bytes. */
static int try_dhe(struct tls_reader r, int v12, unsigned *bits, uint16_t *sigalg)
{
    struct tls_reader p, g, ys;
    size_t i;

    if (tls_rd_sub(&r, 2, &p) < 0 || tls_rd_sub(&r, 2, &g) < 0 || tls_rd_sub(&r, 2, &ys) < 0 ||
        tls_rd_left(&p) == 0 || tls_rd_left(&g) == 0 || tls_rd_left(&ys) == 0 ||
        !sig_tail_ok(&r, v12, sigalg))
        return 0;
    for (i = 0; i < p.len && p.p[i] == 0; i++)
        ;
    *bits = 0;
    if (i < p.len) {
        uint8_t top = p.p[i];

        *bits = (unsigned)(p.len - i - 1) * 8;
        while (top) {
            (*bits)++;
            top >>= 1;
        }
    }
    return 1;
}

/* The cipher suite tells DHE from ECDHE, but this decoder is table-free: it accepts the
 * layout that parses exactly, trying the PSK-hint-prefixed forms last. */
static void on_server_key_exchange(struct tls_flight *f, struct tls_reader *r)
{
    int v12 = f->server_version >= TLS_V_12;
    struct tls_reader cur = *r, hint;

    for (int pass = 0; pass < 2; pass++) {
        uint16_t group = 0, ec_sig = 0, dh_sig = 0;
        unsigned bits = 0;
        int ec = try_ecdhe(cur, v12, &group, &ec_sig);
        int dh = try_dhe(cur, v12, &bits, &dh_sig);

        if (ec && dh) /* both layouts fit: believe the curve only if it names one */
            ec = group < 0x0100 && tls_group_name(group) != NULL;
        if (ec) {
            f->ske_kind = TLS_SKE_ECDHE;
            f->ecdh_group = group;
            f->ske_sigalg = ec_sig;
            return;
        }
        if (dh) {
            f->ske_kind = TLS_SKE_DHE;
            f->dh_bits = bits;
            f->ske_sigalg = dh_sig;
            return;
        }
        cur = *r;
        if (tls_rd_sub(&cur, 2, &hint) < 0)
            break;
    }
    f->ske_kind = TLS_SKE_OTHER;
}

int tls_fl_handshake(struct tls_flight *f, uint8_t type, struct tls_reader *body)
{
    if (!f->seen_server_hello) {
        if (type == HS_HELLO_REQUEST)
            return TLS_FL_NEED_MORE;
        if (type != HS_SERVER_HELLO)
            return tls_fl_fail(f, "first handshake message is not a ServerHello");
        return on_server_hello(f, body);
    }
    switch (type) {
    case HS_SERVER_HELLO:
        return tls_fl_fail(f, "second ServerHello");
    case HS_CERTIFICATE:
        return on_certificate(f, body);
    case HS_CERTIFICATE_STATUS:
        f->has_ocsp_staple = 1;
        return TLS_FL_NEED_MORE;
    case HS_SERVER_KEY_EXCHANGE:
        on_server_key_exchange(f, body);
        return TLS_FL_NEED_MORE;
    case HS_CERTIFICATE_REQUEST:
        f->has_cert_request = 1;
        return TLS_FL_NEED_MORE;
    case HS_SERVER_HELLO_DONE:
        if (tls_rd_left(body))
            return tls_fl_fail(f, "ServerHelloDone not empty");
        return done(f);
    default:
        return TLS_FL_NEED_MORE; /* e.g. NewSessionTicket: not needed for a probe */
    }
}

/* SSLv2 ERROR codes → the closest TLS alert, so callers handle one kind of refusal. */
static uint8_t sslv2_error_alert(uint16_t code)
{
    switch (code) {
    case 0x0002:
        return 41; /* no_certificate */
    case 0x0004:
        return 42; /* bad_certificate */
    case 0x0006:
        return 43; /* unsupported_certificate */
    default:
        return 40; /* NO-CIPHER-ERROR and unknown: handshake_failure */
    }
}

int tls_fl_sslv2_msg(struct tls_flight *f, struct tls_reader *m)
{
    uint8_t type, hit, cert_type;
    uint16_t version, cert_len, cs_len, cid_len, code;
    const uint8_t *cert, *cs, *cid;

    if (tls_rd_u8(m, &type) < 0)
        return tls_fl_fail(f, "empty SSLv2 message");
    if (type == SSL2_MT_ERROR) {
        if (tls_rd_u16(m, &code) < 0)
            return tls_fl_fail(f, "truncated SSLv2 ERROR");
        f->sslv2_error = code;
        f->alert_level = 2;
        f->alert_desc = sslv2_error_alert(code);
        f->status = TLS_FL_ALERT;
        return f->status;
    }
    if (type != SSL2_MT_SERVER_HELLO)
        return tls_fl_fail(f, "unexpected SSLv2 message");
    if (tls_rd_u8(m, &hit) < 0 || tls_rd_u8(m, &cert_type) < 0 || tls_rd_u16(m, &version) < 0 ||
        tls_rd_u16(m, &cert_len) < 0 || tls_rd_u16(m, &cs_len) < 0 ||
        tls_rd_u16(m, &cid_len) < 0 || tls_rd_bytes(m, cert_len, &cert) < 0 ||
        tls_rd_bytes(m, cs_len, &cs) < 0 || tls_rd_bytes(m, cid_len, &cid) < 0)
        return tls_fl_fail(f, "truncated SSLv2 SERVER-HELLO");
    if (cs_len % 3)
        return tls_fl_fail(f, "SSLv2 cipher list not a multiple of 3");
    (void)cid;
    f->legacy_version = f->server_version = version;
    f->seen_server_hello = 1;
    for (size_t i = 0; i < cs_len; i += 3) {
        if (f->n_sslv2_ciphers == TLS_FLIGHT_MAX_SSLV2_CIPHERS)
            break;
        f->sslv2_ciphers[f->n_sslv2_ciphers++] =
            (uint32_t)cs[i] << 16 | (uint32_t)cs[i + 1] << 8 | cs[i + 2];
    }
    if (cert_len) {
        if (tls_fl_copy_certs(f, cert, cert_len) < 0)
            return tls_fl_fail(f, "out of memory");
        f->cert_off[0] = 0;
        f->cert_len[0] = cert_len;
        f->n_certs = 1;
    }
    return done(f);
}
