/*
 * tls_parse.c — framing layer of the first-flight parser: input cap, first-byte sniffing,
 * record reassembly, handshake-message reassembly across records, and the name tables.
 * The messages themselves are decoded in tls_parse_hs.c.
 */
#include "tls_parse.h"

#include <stdlib.h>
#include <string.h>

#include "tls_hello.h"
#include "tls_parse_int.h"
#include "tlsbuf.h"

#define CT_CHANGE_CIPHER_SPEC 20
#define CT_ALERT 21
#define CT_HANDSHAKE 22
#define CT_APPLICATION_DATA 23
#define CT_HEARTBEAT 24

/* Plaintext limit plus the ciphertext allowance of TLS ≤ 1.2; anything larger is not TLS. */
#define MAX_RECORD_LEN (16384 + 2048)

void tls_flight_init(struct tls_flight *f, uint16_t offered_version)
{
    memset(f, 0, sizeof(*f));
    f->offered_version = offered_version;
    f->status = TLS_FL_NEED_MORE;
    f->reason = "";
}

void tls_flight_release(struct tls_flight *f)
{
    free(f->in);
    free(f->hs);
    free(f->cert_buf);
    f->in = f->hs = f->cert_buf = NULL;
    f->in_len = f->in_cap = f->in_off = 0;
    f->hs_len = f->hs_cap = f->hs_off = 0;
}

int tls_flight_cert(const struct tls_flight *f, size_t i, const uint8_t **der, size_t *len)
{
    if (!f->cert_buf || i >= f->n_certs)
        return -1;
    *der = f->cert_buf + f->cert_off[i];
    *len = f->cert_len[i];
    return 0;
}

int tls_fl_fail(struct tls_flight *f, const char *reason)
{
    f->reason = reason;
    f->status = TLS_FL_MALFORMED;
    return f->status;
}

int tls_fl_copy_certs(struct tls_flight *f, const uint8_t *p, size_t n)
{
    free(f->cert_buf);
    f->cert_buf = malloc(n ? n : 1);
    if (!f->cert_buf)
        return -1;
    if (n)
        memcpy(f->cert_buf, p, n);
    return 0;
}

/* Append n bytes to a buffer that never grows past TLS_FLIGHT_CAP (callers keep within it). */
static int buf_append(uint8_t **buf, size_t *len, size_t *cap, const uint8_t *p, size_t n)
{
    if (n > TLS_FLIGHT_CAP - *len)
        return -1;
    if (*len + n > *cap) {
        size_t nc = *cap ? *cap : 4096;
        uint8_t *nb;

        while (nc < *len + n)
            nc *= 2;
        if (nc > TLS_FLIGHT_CAP)
            nc = TLS_FLIGHT_CAP;
        nb = realloc(*buf, nc);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = nc;
    }
    if (n)
        memcpy(*buf + *len, p, n);
    *len += n;
    return 0;
}

/* Drop consumed bytes from the front of a buffer. */
static void buf_compact(uint8_t *buf, size_t *len, size_t *off)
{
    if (*off == 0)
        return;
    if (*off < *len)
        memmove(buf, buf + *off, *len - *off);
    *len -= *off;
    *off = 0;
}

/* A reader over buf[off, len); buf is NULL while nothing has been buffered. */
static void rd_over(struct tls_reader *r, const uint8_t *buf, size_t off, size_t len)
{
    if (buf)
        tls_rd_init(r, buf + off, len - off);
    else
        tls_rd_init(r, NULL, 0);
}

/* Decide from the first bytes whether this is TLS, SSLv2 or something else. */
static int sniff(struct tls_flight *f)
{
    uint8_t b0 = f->in[0];

    if (f->offered_version == TLS_V_SSL2 && (b0 & 0x80)) {
        f->sslv2 = 1;
        f->sniffed = 1;
        return TLS_FL_NEED_MORE;
    }
    if (b0 < CT_CHANGE_CIPHER_SPEC || b0 > CT_HEARTBEAT) {
        f->status = TLS_FL_NOT_TLS;
        return f->status;
    }
    if (f->in_len < 2)
        return TLS_FL_NEED_MORE;
    if (f->in[1] != 3) {
        f->status = TLS_FL_NOT_TLS;
        return f->status;
    }
    f->sniffed = 1;
    return TLS_FL_NEED_MORE;
}

/* Alert record: warnings other than close_notify are noted and skipped (some servers send an
 * unrecognized_name warning and carry on); anything else ends the flight. */
static int on_alert(struct tls_flight *f, struct tls_reader *r)
{
    uint8_t level, desc;

    if (tls_rd_left(r) == 0 || tls_rd_left(r) % 2)
        return tls_fl_fail(f, "alert record of odd length");
    while (tls_rd_u8(r, &level) == 0 && tls_rd_u8(r, &desc) == 0) {
        f->alert_level = level;
        f->alert_desc = desc;
        if (level != 1 || desc == 0) {
            f->status = TLS_FL_ALERT;
            return f->status;
        }
    }
    return TLS_FL_NEED_MORE;
}

/* Run every complete handshake message in the reassembly buffer. */
static int drain_handshake(struct tls_flight *f)
{
    int st = TLS_FL_NEED_MORE;

    while (st == TLS_FL_NEED_MORE) {
        struct tls_reader r, body;
        uint8_t type;
        uint32_t mlen;
        const uint8_t *p;

        rd_over(&r, f->hs, f->hs_off, f->hs_len);
        if (tls_rd_u8(&r, &type) < 0 || tls_rd_u24(&r, &mlen) < 0)
            break;
        if (mlen > TLS_FLIGHT_CAP) /* can never be completed within the cap */
            return tls_fl_fail(f, "handshake message longer than the input cap");
        if (tls_rd_bytes(&r, mlen, &p) < 0)
            break;
        tls_rd_init(&body, p, mlen);
        f->hs_off += 4 + (size_t)mlen;
        st = tls_fl_handshake(f, type, &body);
    }
    buf_compact(f->hs, &f->hs_len, &f->hs_off);
    return st;
}

/* One complete record. */
static int on_record(struct tls_flight *f, uint8_t type, const uint8_t *p, size_t len)
{
    struct tls_reader r;

    tls_rd_init(&r, p, len);
    switch (type) {
    case CT_ALERT:
        return on_alert(f, &r);
    case CT_HANDSHAKE:
        if (buf_append(&f->hs, &f->hs_len, &f->hs_cap, p, len) < 0)
            return tls_fl_fail(f, "out of memory");
        return drain_handshake(f);
    case CT_CHANGE_CIPHER_SPEC:
    case CT_APPLICATION_DATA:
        /* After a ServerHello this means the plaintext part of the flight is over. */
        if (f->seen_server_hello) {
            f->status = TLS_FL_DONE;
            return f->status;
        }
        return tls_fl_fail(f, "unexpected record before ServerHello");
    default:
        return tls_fl_fail(f, "unexpected record type");
    }
}

static int process_records(struct tls_flight *f)
{
    int st = TLS_FL_NEED_MORE;

    while (st == TLS_FL_NEED_MORE) {
        struct tls_reader r;
        uint8_t type;
        uint16_t version, len;
        const uint8_t *p;

        rd_over(&r, f->in, f->in_off, f->in_len);
        if (tls_rd_u8(&r, &type) < 0 || tls_rd_u16(&r, &version) < 0 ||
            tls_rd_u16(&r, &len) < 0)
            break;
        if (version >> 8 != 3)
            return tls_fl_fail(f, "bad record version");
        if (len > MAX_RECORD_LEN)
            return tls_fl_fail(f, "record too long");
        if (tls_rd_bytes(&r, len, &p) < 0)
            break;
        if (f->record_version == 0)
            f->record_version = version;
        f->in_off += 5 + (size_t)len;
        st = on_record(f, type, p, len);
    }
    buf_compact(f->in, &f->in_len, &f->in_off);
    return st;
}

/* SSLv2 framing: a 2-byte header with the high bit set, then one message. */
static int process_sslv2(struct tls_flight *f)
{
    struct tls_reader r, msg;
    uint16_t hdr;
    const uint8_t *p;

    rd_over(&r, f->in, 0, f->in_len);
    if (tls_rd_u16(&r, &hdr) < 0)
        return TLS_FL_NEED_MORE;
    hdr &= 0x7FFF;
    if (hdr == 0)
        return tls_fl_fail(f, "empty SSLv2 record");
    if (tls_rd_bytes(&r, hdr, &p) < 0)
        return TLS_FL_NEED_MORE;
    f->record_version = TLS_V_SSL2;
    tls_rd_init(&msg, p, hdr);
    return tls_fl_sslv2_msg(f, &msg);
}

int tls_flight_feed(struct tls_flight *f, const uint8_t *data, size_t n)
{
    size_t take;
    int st;

    if (f->status != TLS_FL_NEED_MORE)
        return f->status;
    if (!data)
        n = 0;
    take = n < TLS_FLIGHT_CAP - f->total ? n : TLS_FLIGHT_CAP - f->total;
    if (buf_append(&f->in, &f->in_len, &f->in_cap, data, take) < 0)
        return tls_fl_fail(f, "out of memory");
    f->total += take;
    st = TLS_FL_NEED_MORE;
    if (!f->sniffed && f->in_len > 0)
        st = sniff(f);
    if (st == TLS_FL_NEED_MORE && f->sniffed)
        st = f->sslv2 ? process_sslv2(f) : process_records(f);
    /* Judge the cap only after using what fits, so chunking never changes the verdict. */
    if (st == TLS_FL_NEED_MORE && take < n)
        return tls_fl_fail(f, "input exceeds cap");
    return st;
}

const char *tls_flight_status_name(int status)
{
    switch (status) {
    case TLS_FL_NEED_MORE:
        return "need_more";
    case TLS_FL_DONE:
        return "done";
    case TLS_FL_ALERT:
        return "alert";
    case TLS_FL_NOT_TLS:
        return "not_tls";
    case TLS_FL_MALFORMED:
        return "malformed";
    default:
        return "unknown";
    }
}

const char *tls_alert_name(uint8_t desc)
{
    static const struct {
        uint8_t desc;
        const char *name;
    } alerts[] = {
        { 0, "close_notify" },
        { 10, "unexpected_message" },
        { 20, "bad_record_mac" },
        { 21, "decryption_failed" },
        { 22, "record_overflow" },
        { 30, "decompression_failure" },
        { 40, "handshake_failure" },
        { 41, "no_certificate" },
        { 42, "bad_certificate" },
        { 43, "unsupported_certificate" },
        { 44, "certificate_revoked" },
        { 45, "certificate_expired" },
        { 46, "certificate_unknown" },
        { 47, "illegal_parameter" },
        { 48, "unknown_ca" },
        { 49, "access_denied" },
        { 50, "decode_error" },
        { 51, "decrypt_error" },
        { 60, "export_restriction" },
        { 70, "protocol_version" },
        { 71, "insufficient_security" },
        { 80, "internal_error" },
        { 86, "inappropriate_fallback" },
        { 90, "user_canceled" },
        { 100, "no_renegotiation" },
        { 109, "missing_extension" },
        { 110, "unsupported_extension" },
        { 111, "certificate_unobtainable" },
        { 112, "unrecognized_name" },
        { 113, "bad_certificate_status_response" },
        { 114, "bad_certificate_hash_value" },
        { 115, "unknown_psk_identity" },
        { 116, "certificate_required" },
        { 120, "no_application_protocol" },
        { 121, "ech_required" },
    };

    for (size_t i = 0; i < sizeof(alerts) / sizeof(alerts[0]); i++)
        if (alerts[i].desc == desc)
            return alerts[i].name;
    return NULL;
}

const char *tls_group_name(uint16_t group)
{
    static const struct {
        uint16_t group;
        const char *name;
    } groups[] = {
        { 0x0001, "sect163k1" },       { 0x0002, "sect163r1" },
        { 0x0003, "sect163r2" },       { 0x0004, "sect193r1" },
        { 0x0005, "sect193r2" },       { 0x0006, "sect233k1" },
        { 0x0007, "sect233r1" },       { 0x0008, "sect239k1" },
        { 0x0009, "sect283k1" },       { 0x000A, "sect283r1" },
        { 0x000B, "sect409k1" },       { 0x000C, "sect409r1" },
        { 0x000D, "sect571k1" },       { 0x000E, "sect571r1" },
        { 0x000F, "secp160k1" },       { 0x0010, "secp160r1" },
        { 0x0011, "secp160r2" },       { 0x0012, "secp192k1" },
        { 0x0013, "secp192r1" },       { 0x0014, "secp224k1" },
        { 0x0015, "secp224r1" },       { 0x0016, "secp256k1" },
        { 0x0017, "secp256r1" },       { 0x0018, "secp384r1" },
        { 0x0019, "secp521r1" },       { 0x001A, "brainpoolP256r1" },
        { 0x001B, "brainpoolP384r1" }, { 0x001C, "brainpoolP512r1" },
        { 0x001D, "x25519" },          { 0x001E, "x448" },
        { 0x001F, "brainpoolP256r1tls13" },
        { 0x0020, "brainpoolP384r1tls13" },
        { 0x0021, "brainpoolP512r1tls13" },
        { 0x0100, "ffdhe2048" },       { 0x0101, "ffdhe3072" },
        { 0x0102, "ffdhe4096" },       { 0x0103, "ffdhe6144" },
        { 0x0104, "ffdhe8192" },
        { 0x11EB, "SecP256r1MLKEM768" },
        { 0x11EC, "X25519MLKEM768" },
        { 0x11ED, "SecP384r1MLKEM1024" },
        { 0x6399, "X25519Kyber768Draft00" },
        { 0xFF01, "arbitrary_explicit_prime_curves" },
        { 0xFF02, "arbitrary_explicit_char2_curves" },
    };

    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
        if (groups[i].group == group)
            return groups[i].name;
    return NULL;
}
