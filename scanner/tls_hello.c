/*
 * tls_hello.c — ClientHello builders (TLS record and SSLv2 forms) and version names.
 *
 * Each extension is written through a length-prefix mark, so no length is computed by hand.
 * The padding extension (RFC 7685) goes last because its size depends on everything before it.
 */
#include "tls_hello.h"

#include <string.h>
#include <strings.h>

#define EXT_SERVER_NAME 0x0000
#define EXT_STATUS_REQUEST 0x0005
#define EXT_SUPPORTED_GROUPS 0x000A
#define EXT_EC_POINT_FORMATS 0x000B
#define EXT_SIGNATURE_ALGORITHMS 0x000D
#define EXT_ALPN 0x0010
#define EXT_PADDING 0x0015
#define EXT_EXTENDED_MASTER_SECRET 0x0017
#define EXT_SUPPORTED_VERSIONS 0x002B
#define EXT_PSK_KEY_EXCHANGE_MODES 0x002D
#define EXT_KEY_SHARE 0x0033
#define EXT_RENEGOTIATION_INFO 0xFF01

/* Largest plaintext record (RFC 8446 §5.1); we never fragment a hello. */
#define TLS_MAX_RECORD 16384

/* F5 terminators hang on hellos of 256–511 bytes. Counting with or without the 4-byte
 * handshake header differs between readings of RFC 7685, so stay clear under both. */
#define PAD_LOW 256
#define PAD_TARGET 516

const struct tls_sslv2_cipher tls_sslv2_ciphers[TLS_SSLV2_N_CIPHERS] = {
    { 0x010080, "RC4_128_WITH_MD5", 128, 0 },
    { 0x020080, "RC4_128_EXPORT40_WITH_MD5", 40, 1 },
    { 0x030080, "RC2_128_CBC_WITH_MD5", 128, 0 },
    { 0x040080, "RC2_128_CBC_EXPORT40_WITH_MD5", 40, 1 },
    { 0x050080, "IDEA_128_CBC_WITH_MD5", 128, 0 },
    { 0x060040, "DES_64_CBC_WITH_MD5", 56, 0 },
    { 0x0700C0, "DES_192_EDE3_CBC_WITH_MD5", 112, 0 },
};

/* Broad on purpose: a legacy server must find something it knows, or it never answers. */
const uint16_t tls_hello_default_groups[] = {
    TLS_GROUP_X25519, TLS_GROUP_SECP256R1, TLS_GROUP_X448, TLS_GROUP_SECP384R1,
    TLS_GROUP_SECP521R1,
    0x001A, 0x001B, 0x001C, /* brainpoolP256r1, P384r1, P512r1 (TLS ≤ 1.2) */
    0x0016, 0x0015,         /* secp256k1, secp224r1 */
    0x0100, 0x0101, 0x0102, 0x0103, 0x0104, /* ffdhe2048 … ffdhe8192 */
};
const size_t tls_hello_default_groups_count =
    sizeof(tls_hello_default_groups) / sizeof(tls_hello_default_groups[0]);

const uint16_t tls_hello_default_sigalgs[] = {
    0x0403, 0x0503, 0x0603,         /* ecdsa_secp256r1_sha256, …384, …521_sha512 */
    0x0807, 0x0808,                 /* ed25519, ed448 */
    0x0804, 0x0805, 0x0806,         /* rsa_pss_rsae_sha256/384/512 */
    0x0809, 0x080A, 0x080B,         /* rsa_pss_pss_sha256/384/512 */
    0x081A, 0x081B, 0x081C,         /* ecdsa_brainpoolP256r1tls13_sha256 … */
    0x0401, 0x0501, 0x0601,         /* rsa_pkcs1_sha256/384/512 */
    0x0402, 0x0502, 0x0602,         /* dsa_sha256/384/512 */
    0x0303, 0x0301, 0x0302,         /* ecdsa_sha224, rsa_sha224, dsa_sha224 */
    0x0203, 0x0201, 0x0202,         /* ecdsa_sha1, rsa_pkcs1_sha1, dsa_sha1 */
};
const size_t tls_hello_default_sigalgs_count =
    sizeof(tls_hello_default_sigalgs) / sizeof(tls_hello_default_sigalgs[0]);

static const struct {
    uint16_t v;
    const char *name;
} version_names[] = {
    { TLS_V_SSL2, "SSLv2" },   { TLS_V_SSL3, "SSLv3" },   { TLS_V_10, "TLSv1.0" },
    { TLS_V_11, "TLSv1.1" }, { TLS_V_12, "TLSv1.2" }, { TLS_V_13, "TLSv1.3" },
};

const char *tls_version_name(uint16_t v)
{
    for (size_t i = 0; i < sizeof(version_names) / sizeof(version_names[0]); i++)
        if (version_names[i].v == v)
            return version_names[i].name;
    return NULL;
}

int tls_version_parse(const char *s, uint16_t *v)
{
    static const struct {
        const char *alias;
        uint16_t v;
    } aliases[] = {
        { "SSLv2", TLS_V_SSL2 }, { "SSL2", TLS_V_SSL2 }, { "SSLv3", TLS_V_SSL3 },
        { "SSL3", TLS_V_SSL3 },  { "TLSv1.0", TLS_V_10 }, { "TLSv1", TLS_V_10 },
        { "TLS1.0", TLS_V_10 },  { "1.0", TLS_V_10 },     { "TLSv1.1", TLS_V_11 },
        { "TLS1.1", TLS_V_11 },  { "1.1", TLS_V_11 },     { "TLSv1.2", TLS_V_12 },
        { "TLS1.2", TLS_V_12 },  { "1.2", TLS_V_12 },     { "TLSv1.3", TLS_V_13 },
        { "TLS1.3", TLS_V_13 },  { "1.3", TLS_V_13 },
    };

    if (!s)
        return -1;
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        if (strcasecmp(s, aliases[i].alias) == 0) {
            *v = aliases[i].v;
            return 0;
        }
    }
    return -1;
}

const char *tls_sslv2_cipher_name(uint32_t code)
{
    for (size_t i = 0; i < TLS_SSLV2_N_CIPHERS; i++)
        if (tls_sslv2_ciphers[i].code == code)
            return tls_sslv2_ciphers[i].name;
    return NULL;
}

int tls_hello_is_ip_literal(const char *host)
{
    size_t n = 0;

    if (!host || !*host)
        return 0;
    if (strchr(host, ':') || host[0] == '[')
        return 1; /* IPv6 (a DNS name never contains ':') */
    for (const char *p = host; *p; p++, n++)
        if (!((*p >= '0' && *p <= '9') || *p == '.'))
            return 0;
    return n > 0; /* all digits and dots: IPv4 */
}

/* Write one extension's type and open its 2-byte length; close with tls_wr_end. */
static struct tls_wr_mark ext_begin(struct tls_writer *w, uint16_t type)
{
    tls_wr_u16(w, type);
    return tls_wr_begin(w, 2);
}

static void wr_u16_list(struct tls_writer *w, const uint16_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tls_wr_u16(w, v[i]);
}

/* server_name with one host_name entry, without a trailing dot (RFC 6066 §3). */
static void ext_sni(struct tls_writer *w, const char *sni)
{
    size_t n = strlen(sni);
    struct tls_wr_mark e, list, name;

    if (n && sni[n - 1] == '.')
        n--;
    if (n == 0 || n > 255) {
        w->err = 1;
        return;
    }
    e = ext_begin(w, EXT_SERVER_NAME);
    list = tls_wr_begin(w, 2);
    tls_wr_u8(w, 0); /* host_name */
    name = tls_wr_begin(w, 2);
    tls_wr_bytes(w, sni, n);
    tls_wr_end(w, name);
    tls_wr_end(w, list);
    tls_wr_end(w, e);
}

/* An extension whose body is a 2-byte-length list of u16 values. */
static void ext_u16_list(struct tls_writer *w, uint16_t type, const uint16_t *v, size_t n)
{
    struct tls_wr_mark e = ext_begin(w, type), list = tls_wr_begin(w, 2);

    wr_u16_list(w, v, n);
    tls_wr_end(w, list);
    tls_wr_end(w, e);
}

static void ext_empty(struct tls_writer *w, uint16_t type)
{
    tls_wr_u16(w, type);
    tls_wr_u16(w, 0);
}

/* ALPN from a comma list; empty or over-long names are an error. */
static void ext_alpn(struct tls_writer *w, const char *alpn)
{
    struct tls_wr_mark e = ext_begin(w, EXT_ALPN), list = tls_wr_begin(w, 2);
    const char *p = alpn;

    for (;;) {
        size_t n = strcspn(p, ",");

        if (n == 0 || n > 255) {
            w->err = 1;
            return;
        }
        tls_wr_u8(w, (uint8_t)n);
        tls_wr_bytes(w, p, n);
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    tls_wr_end(w, list);
    tls_wr_end(w, e);
}

/* Key-share entries for the groups we hold a public key for, in the groups' order. */
static void ext_key_share(struct tls_writer *w, const struct tls_hello_opts *o,
                          const uint16_t *groups, size_t n_groups)
{
    struct tls_wr_mark e = ext_begin(w, EXT_KEY_SHARE), list = tls_wr_begin(w, 2);
    int have_x = 0, have_p = 0;

    for (size_t i = 0; i < n_groups; i++) {
        if (groups[i] == TLS_GROUP_X25519 && o->x25519_pub && !have_x) {
            tls_wr_u16(w, TLS_GROUP_X25519);
            tls_wr_u16(w, 32);
            tls_wr_bytes(w, o->x25519_pub, 32);
            have_x = 1;
        } else if (groups[i] == TLS_GROUP_SECP256R1 && o->p256_pub && !have_p) {
            tls_wr_u16(w, TLS_GROUP_SECP256R1);
            tls_wr_u16(w, 65);
            tls_wr_bytes(w, o->p256_pub, 65);
            have_p = 1;
        }
    }
    tls_wr_end(w, list);
    tls_wr_end(w, e);
}

/* All extensions of a TLS 1.0–1.3 hello except padding. */
static void write_extensions(struct tls_writer *w, const struct tls_hello_opts *o)
{
    const uint16_t *groups = o->n_groups ? o->groups : tls_hello_default_groups;
    size_t n_groups = o->n_groups ? o->n_groups : tls_hello_default_groups_count;
    const uint16_t *sigalgs = o->n_sigalgs ? o->sigalgs : tls_hello_default_sigalgs;
    size_t n_sigalgs = o->n_sigalgs ? o->n_sigalgs : tls_hello_default_sigalgs_count;
    int v13 = o->version == TLS_V_13;
    struct tls_wr_mark e;

    if (o->sni && *o->sni && !tls_hello_is_ip_literal(o->sni))
        ext_sni(w, o->sni);
    if (v13) {
        e = ext_begin(w, EXT_SUPPORTED_VERSIONS);
        tls_wr_u8(w, o->also_tls12 ? 4 : 2);
        tls_wr_u16(w, TLS_V_13);
        if (o->also_tls12)
            tls_wr_u16(w, TLS_V_12);
        tls_wr_end(w, e);
    }
    ext_u16_list(w, EXT_SUPPORTED_GROUPS, groups, n_groups);
    e = ext_begin(w, EXT_EC_POINT_FORMATS);
    tls_wr_u8(w, 1);
    tls_wr_u8(w, 0); /* uncompressed */
    tls_wr_end(w, e);
    if (o->version >= TLS_V_12)
        ext_u16_list(w, EXT_SIGNATURE_ALGORITHMS, sigalgs, n_sigalgs);
    if (o->renegotiation_info) {
        e = ext_begin(w, EXT_RENEGOTIATION_INFO);
        tls_wr_u8(w, 0); /* empty renegotiated_connection */
        tls_wr_end(w, e);
    }
    if (o->alpn)
        ext_alpn(w, o->alpn);
    if (o->status_request) {
        e = ext_begin(w, EXT_STATUS_REQUEST);
        tls_wr_u8(w, 1);  /* ocsp */
        tls_wr_u16(w, 0); /* responder_id_list */
        tls_wr_u16(w, 0); /* request_extensions */
        tls_wr_end(w, e);
    }
    if (o->extended_master_secret)
        ext_empty(w, EXT_EXTENDED_MASTER_SECRET);
    if (v13) {
        ext_key_share(w, o, groups, n_groups);
        e = ext_begin(w, EXT_PSK_KEY_EXCHANGE_MODES);
        tls_wr_u8(w, 1);
        tls_wr_u8(w, 1); /* psk_dhe_ke */
        tls_wr_end(w, e);
    }
}

/* Pad so the handshake message (hs_start..end) is clear of the F5 range; see PAD_* above. */
static void write_padding(struct tls_writer *w, size_t hs_start)
{
    size_t cur = w->len - hs_start, pad;

    if (w->err || cur < PAD_LOW || cur >= PAD_TARGET)
        return;
    pad = PAD_TARGET - cur > 4 ? PAD_TARGET - cur - 4 : 1;
    tls_wr_u16(w, EXT_PADDING);
    tls_wr_u16(w, (uint16_t)pad);
    tls_wr_zeros(w, pad);
}

static int version_ok(uint16_t v)
{
    return v == TLS_V_SSL3 || v == TLS_V_10 || v == TLS_V_11 || v == TLS_V_12 || v == TLS_V_13;
}

int tls_hello_build(const struct tls_hello_opts *o, struct tls_writer *out)
{
    struct tls_wr_mark rec, hs, m;
    size_t rec_start = out->len, hs_start;
    int v13 = o->version == TLS_V_13, ssl3 = o->version == TLS_V_SSL3;

    if (!version_ok(o->version) || !o->random || !o->suites || o->n_suites == 0)
        return -1;
    if (out->err)
        return -1;

    tls_wr_u8(out, TLS_CT_HANDSHAKE);
    tls_wr_u16(out, ssl3 ? TLS_V_SSL3 : TLS_V_10);
    rec = tls_wr_begin(out, 2);
    hs_start = out->len;
    tls_wr_u8(out, TLS_HS_CLIENT_HELLO);
    hs = tls_wr_begin(out, 3);
    tls_wr_u16(out, v13 ? TLS_V_12 : o->version);
    tls_wr_bytes(out, o->random, 32);
    if (v13) {
        /* Middlebox compatibility (RFC 8446 §D.4): a non-empty id, derived so we stay pure. */
        tls_wr_u8(out, 32);
        for (unsigned i = 0; i < 32; i++)
            tls_wr_u8(out, (uint8_t)(o->random[(i * 7 + 3) % 32] ^ (uint8_t)(0x5A + i * 29)));
    } else {
        tls_wr_u8(out, 0);
    }
    m = tls_wr_begin(out, 2);
    wr_u16_list(out, o->suites, o->n_suites);
    if (ssl3 && o->renegotiation_info)
        tls_wr_u16(out, TLS_SCSV_RENEGOTIATION);
    if (o->fallback_scsv)
        tls_wr_u16(out, TLS_SCSV_FALLBACK);
    tls_wr_end(out, m);
    if (o->offer_compression && !v13) {
        tls_wr_u8(out, 2);
        tls_wr_u8(out, 1); /* deflate */
        tls_wr_u8(out, 0);
    } else {
        tls_wr_u8(out, 1);
        tls_wr_u8(out, 0);
    }
    if (!ssl3) {
        m = tls_wr_begin(out, 2);
        write_extensions(out, o);
        write_padding(out, hs_start);
        tls_wr_end(out, m);
    }
    tls_wr_end(out, hs);
    tls_wr_end(out, rec);
    if (out->err || out->len - rec_start - 5 > TLS_MAX_RECORD) {
        out->len = rec_start; /* leave the writer as it was: nothing half-built behind */
        out->err = 0;
        return -1;
    }
    return 0;
}

int tls_hello_build_sslv2(const uint8_t challenge[16], struct tls_writer *out)
{
    size_t body = 9 + 3 * TLS_SSLV2_N_CIPHERS + 16;

    tls_wr_u8(out, (uint8_t)(0x80 | (body >> 8)));
    tls_wr_u8(out, (uint8_t)(body & 0xFF));
    tls_wr_u8(out, 1); /* CLIENT-HELLO */
    tls_wr_u16(out, TLS_V_SSL2);
    tls_wr_u16(out, 3 * TLS_SSLV2_N_CIPHERS);
    tls_wr_u16(out, 0);  /* session id length */
    tls_wr_u16(out, 16); /* challenge length */
    for (size_t i = 0; i < TLS_SSLV2_N_CIPHERS; i++) {
        uint32_t c = tls_sslv2_ciphers[i].code;

        tls_wr_u8(out, (uint8_t)(c >> 16));
        tls_wr_u8(out, (uint8_t)(c >> 8));
        tls_wr_u8(out, (uint8_t)c);
    }
    tls_wr_bytes(out, challenge, 16);
    return out->err ? -1 : 0;
}
