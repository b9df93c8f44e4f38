/*
 * sign.c — Ed25519 key pairs, detached report signatures and their verification, through
 * OpenSSL's EVP interface. A signature covers exactly the bytes of the report file (what
 * `openssl pkeyutl -verify -rawin` checks too); the other fields of the .sig file (key id,
 * report digest) are not signed: they only let a failed check say why it failed. The .sig file
 * is hostile input: read bounded, parsed strictly, every field checked for form and length.
 */
#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "strbuf.h"
#include "util.h"

#define SIGN_REPORT_MAX (256u * 1024 * 1024) /* as report_read */
#define SIGN_KEY_MAX (64u * 1024)            /* a PEM Ed25519 key is about 120 bytes */
#define SIGN_SIG_MAX 4096u                   /* a signature file is about 330 bytes */
#define SIG_BYTES 64                         /* an Ed25519 signature */
#define SIG_B64_LEN 88                       /* its padded base64 */
#define SHA256_HEX_LEN 64

/* What a signature file says, once checked for form. */
struct sig_fields {
    char key_id[SIGN_KEY_ID_SIZE];
    char report_sha256[SHA256_HEX_LEN + 1];
    unsigned char sig[SIG_BYTES];
};

/* Never prompt for a passphrase on the terminal: an encrypted key simply fails to load. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

/* OpenSSL's reason for its last error, never NULL. */
static const char *ossl_reason(void)
{
    const char *r = ERR_reason_error_string(ERR_peek_last_error());
    return r ? r : "unknown error";
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Write data to path through a temporary in the same directory, with mode. replace: rename over
 * an existing file; otherwise fail with EEXIST if path exists (link(2) decides atomically).
 * 0 ok, -1 with errno set; the temporary never survives. */
static int write_file(const char *path, const void *data, size_t len, mode_t mode, int replace)
{
    struct strbuf tmp = STRBUF_INIT;
    int fd = -1, rc = -1, saved;
    if (strbuf_addf(&tmp, "%s.tmp.XXXXXX", path) < 0) {
        errno = ENOMEM;
        goto out;
    }
    fd = mkstemp(tmp.buf); /* 0600 from the start: a secret is never readable by others */
    if (fd < 0)
        goto out;
    if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0)
        goto fail;
    saved = close(fd);
    fd = -1;
    if (saved < 0)
        goto fail;
    if (replace) {
        if (rename(tmp.buf, path) < 0)
            goto fail;
    } else if (link(tmp.buf, path) == 0) {
        unlink(tmp.buf);
    } else {
        /* A file system without hard links: check, then rename (a small race remains). */
        if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS)
            goto fail;
        if (access(path, F_OK) == 0) {
            errno = EEXIST;
            goto fail;
        }
        if (rename(tmp.buf, path) < 0)
            goto fail;
    }
    rc = 0;
    goto out;
fail:
    saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp.buf);
    errno = saved;
out:
    strbuf_release(&tmp);
    return rc;
}

/* Read path (at most max bytes); what names the file in messages. Caller frees *out.
 * 0 ok, -1 with e set and errno kept. */
static int read_file(const char *path, size_t max, const char *what, char **out, size_t *len,
                     struct coc_error *e)
{
    if (file_read_all(path, max, out, len) == 0)
        return 0;
    int saved = errno;
    if (saved == EFBIG && max >= 1024 * 1024)
        coc_fail(e, "%s: cannot read %s: larger than %zu MiB", path, what, max >> 20);
    else if (saved == EFBIG)
        coc_fail(e, "%s: cannot read %s: larger than %zu KiB", path, what, max >> 10);
    else
        coc_fail(e, "%s: cannot read %s: %s", path, what, strerror(saved));
    errno = saved;
    return -1;
}

/* Why a key file did not load, in words that say what to do instead. */
static void explain_bad_key(const char *path, const char *pem, size_t len, int priv,
                            struct coc_error *e)
{
    if (priv && memmem(pem, len, "-----BEGIN PUBLIC KEY-----", 26))
        coc_fail(e, "%s: a public key; signing needs the private key (the file `cocscan "
                    "keygen` wrote without .pub)", path);
    else if (memmem(pem, len, "-----BEGIN ENCRYPTED PRIVATE KEY-----", 37))
        coc_fail(e, "%s: an encrypted private key; cocscan needs an unencrypted PKCS#8 key, "
                    "protected by its file permissions", path);
    else if (!priv && memmem(pem, len, "PRIVATE KEY-----", 16))
        coc_fail(e, "%s: a private key; verify with the public key (the .pub file `cocscan "
                    "keygen` wrote), and never hand out the private one", path);
    else
        coc_fail(e, "%s: not a PEM %s key", path, priv ? "private" : "public");
}

/* The Ed25519 key in path: a private key (PKCS#8 PEM) when priv, else a public key
 * (SubjectPublicKeyInfo PEM). Caller frees with EVP_PKEY_free. NULL with e set. */
static EVP_PKEY *load_key(const char *path, int priv, struct coc_error *e)
{
    char *pem = NULL;
    size_t len = 0;
    EVP_PKEY *key = NULL;
    BIO *bio = NULL;
    if (read_file(path, SIGN_KEY_MAX, priv ? "the private key" : "the public key", &pem, &len,
                  e) < 0)
        return NULL;
    bio = BIO_new_mem_buf(pem, (int)len);
    if (!bio) {
        coc_fail(e, "out of memory reading %s", path);
        goto out;
    }
    key = priv ? PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL)
               : PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL);
    if (!key) {
        explain_bad_key(path, pem, len, priv, e);
        goto out;
    }
    if (!EVP_PKEY_is_a(key, "ED25519")) {
        const char *type = EVP_PKEY_get0_type_name(key);
        coc_fail(e, "%s: a %s key, not Ed25519: cocscan signs and verifies with Ed25519 keys "
                    "only (make a pair with `cocscan keygen`)", path, type ? type : "non-Ed25519");
        EVP_PKEY_free(key);
        key = NULL;
    }
out:
    ERR_clear_error();
    BIO_free(bio);
    OPENSSL_cleanse(pem, len);
    free(pem);
    return key;
}

/* "sha256:" and the hex SHA-256 of key's DER SubjectPublicKeyInfo. 0 ok, -1 with e set. */
static int key_id_of(EVP_PKEY *key, char id[SIGN_KEY_ID_SIZE], struct coc_error *e)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(key, &der);
    if (n <= 0) {
        ERR_clear_error();
        return coc_fail(e, "cannot encode the public key");
    }
    memcpy(id, "sha256:", 7);
    sha256_hex(der, (size_t)n, id + 7);
    OPENSSL_free(der);
    return 0;
}

/* A key file not written (errno says why): -2 when it exists, else -1; e set either way. */
static int write_failed(const char *path, const char *which, struct coc_error *e)
{
    if (errno == EEXIST) {
        coc_fail(e, "%s exists; not replacing it (--force replaces it)", path);
        return -2;
    }
    return coc_fail(e, "cannot write the %s key to %s: %s", which, path, strerror(errno));
}

int sign_keygen(const char *priv_path, const char *pub_path, int force, struct coc_error *e)
{
    const char *const paths[] = { priv_path, pub_path };
    EVP_PKEY *key = NULL;
    BIO *priv = NULL, *pub = NULL;
    char *p = NULL, *q = NULL;
    long plen, qlen;
    struct stat st;
    int rc = -1;
    if (strcmp(priv_path, pub_path) == 0)
        return coc_fail(e, "the private and the public key need two files (both are %s)",
                        priv_path);
    for (size_t i = 0; i < 2 && !force; i++)
        if (lstat(paths[i], &st) == 0) {
            errno = EEXIST;
            return write_failed(paths[i], i ? "public" : "private", e);
        }
    key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    priv = BIO_new(BIO_s_secmem());
    pub = BIO_new(BIO_s_mem());
    if (!key || !priv || !pub || !PEM_write_bio_PrivateKey(priv, key, NULL, NULL, 0, NULL, NULL)
        || !PEM_write_bio_PUBKEY(pub, key)) {
        coc_fail(e, "cannot make an Ed25519 key pair (OpenSSL: %s)", ossl_reason());
        goto out;
    }
    plen = BIO_get_mem_data(priv, &p);
    qlen = BIO_get_mem_data(pub, &q);
    if (plen <= 0 || qlen <= 0) {
        coc_fail(e, "cannot make an Ed25519 key pair (nothing encoded)");
        goto out;
    }
    if (write_file(priv_path, p, (size_t)plen, 0600, force) < 0) {
        rc = write_failed(priv_path, "private", e);
        goto out;
    }
    if (write_file(pub_path, q, (size_t)qlen, 0644, force) < 0) {
        rc = write_failed(pub_path, "public", e);
        unlink(priv_path); /* half a pair is no use, and a stray secret is a liability */
        goto out;
    }
    rc = 0;
out:
    ERR_clear_error();
    BIO_free(priv);
    BIO_free(pub);
    EVP_PKEY_free(key);
    return rc;
}

int sign_key_id(const char *key_path, char id[SIGN_KEY_ID_SIZE], struct coc_error *e)
{
    EVP_PKEY *key = load_key(key_path, 0, e);
    if (!key)
        return -1;
    int rc = key_id_of(key, id, e);
    EVP_PKEY_free(key);
    return rc;
}

int sign_key_check(const char *key_path, struct coc_error *e)
{
    EVP_PKEY *key = load_key(key_path, 1, e);
    EVP_PKEY_free(key);
    return key ? 0 : -1;
}

int sign_file(const char *report_path, const char *key_path, struct coc_error *e)
{
    EVP_PKEY *key = NULL;
    EVP_MD_CTX *ctx = NULL;
    json_t *doc = NULL;
    char *data = NULL, *text = NULL, id[SIGN_KEY_ID_SIZE], hex[SHA256_HEX_LEN + 1];
    char b64[SIG_B64_LEN + 1];
    unsigned char sig[SIG_BYTES];
    size_t len = 0, siglen = sizeof sig;
    struct strbuf sig_path = STRBUF_INIT, out = STRBUF_INIT;
    int rc = -1;
    if (strcmp(report_path, "-") == 0)
        return coc_fail(e, "cannot sign standard output: a signature covers a file's exact bytes");
    if (!(key = load_key(key_path, 1, e)) || key_id_of(key, id, e) < 0)
        goto out;
    if (read_file(report_path, SIGN_REPORT_MAX, "the report", &data, &len, e) < 0)
        goto out;
    ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) != 1 ||
        EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)data, len) != 1 ||
        siglen != SIG_BYTES) {
        coc_fail(e, "%s: cannot sign it (OpenSSL: %s)", report_path, ossl_reason());
        goto out;
    }
    sha256_hex(data, len, hex);
    EVP_EncodeBlock((unsigned char *)b64, sig, SIG_BYTES);
    doc = json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", SIGN_TYPE, "algorithm", "ed25519",
                    "key_id", id, "report_sha256", hex, "signature", b64);
    text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (!text || strbuf_adds(&out, text) < 0 || strbuf_addch(&out, '\n') < 0 ||
        strbuf_addf(&sig_path, "%s.sig", report_path) < 0) {
        coc_fail(e, "out of memory writing the signature");
        goto out;
    }
    if (write_file(sig_path.buf, out.buf, out.len, 0644, 1) < 0) {
        coc_fail(e, "cannot write the signature to %s: %s", sig_path.buf, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    ERR_clear_error();
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    json_decref(doc);
    free(text);
    free(data);
    strbuf_release(&sig_path);
    strbuf_release(&out);
    return rc;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Strict base64 (RFC 4648 §4: padded, canonical, no whitespace) of exactly want bytes into out.
 * 0 ok, -1. */
static int base64_decode_exact(const char *s, size_t n, unsigned char *out, size_t want)
{
    size_t o = 0;
    if (n != 4 * ((want + 2) / 3))
        return -1;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t w = 0;
        size_t pad = 0;
        for (size_t k = 0; k < 4; k++) {
            int v = 0;
            if (s[i + k] == '=' && i + 4 == n && k >= 2)
                pad++;
            else if (pad || (v = b64_value(s[i + k])) < 0)
                return -1;
            w = w << 6 | (uint32_t)v;
        }
        if ((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff)))
            return -1; /* non-zero bits under the padding: not the canonical encoding */
        if (o + 3 - pad > want)
            return -1;
        for (size_t k = 0; k < 3 - pad; k++)
            out[o++] = (unsigned char)(w >> (16 - 8 * k));
    }
    return o == want ? 0 : -1;
}

static int is_lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* The string member key of obj, with its length; NULL when absent or not a string. */
static const char *member(const json_t *obj, const char *key, size_t *len)
{
    const json_t *v = json_object_get(obj, key);
    *len = json_is_string(v) ? json_string_length(v) : 0;
    return json_string_value(v);
}

/* Parse a signature file (len bytes of buf; name for messages) into s. 0 ok, -1 with e set. */
static int parse_sig(const char *buf, size_t len, const char *name, struct sig_fields *s,
                     struct coc_error *e)
{
    static const char *const keys[] = { "type", "algorithm", "key_id", "report_sha256",
                                        "signature" };
    json_error_t je;
    const char *k, *v;
    json_t *val;
    size_t n;
    int rc = -1;
    json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        ascii_printable(je.text); /* it quotes the file: one line, no control sequences */
        return coc_fail(e, "%s:%d:%d: not a cocscan signature file: %s", name, je.line,
                        je.column, je.text);
    }
    if (!json_is_object(j)) {
        coc_fail(e, "%s: not a cocscan signature file (not a JSON object)", name);
        goto out;
    }
    json_object_foreach(j, k, val) {
        size_t i = 0;
        while (i < sizeof keys / sizeof keys[0] && strcmp(k, keys[i]) != 0)
            i++;
        if (i == sizeof keys / sizeof keys[0] || !json_is_string(val)) {
            coc_fail(e, "%s: not a cocscan signature file (an unknown member, or one that is "
                        "not a string)", name);
            goto out;
        }
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!json_object_get(j, keys[i])) {
            coc_fail(e, "%s: not a cocscan signature file (no \"%s\")", name, keys[i]);
            goto out;
        }
    v = member(j, "type", &n);
    if (strcmp(v, SIGN_TYPE) != 0) {
        coc_fail(e, "%s: an unknown kind of signature file (\"type\" is not \"%s\")", name,
                 SIGN_TYPE);
        goto out;
    }
    v = member(j, "algorithm", &n);
    if (strcmp(v, "ed25519") != 0) {
        coc_fail(e, "%s: an unsupported signature algorithm (only \"ed25519\")", name);
        goto out;
    }
    v = member(j, "key_id", &n);
    if (n != SIGN_KEY_ID_SIZE - 1 || strncmp(v, "sha256:", 7) != 0 ||
        !is_lower_hex(v + 7, SHA256_HEX_LEN)) {
        coc_fail(e, "%s: malformed \"key_id\" (want sha256: and 64 hex digits)", name);
        goto out;
    }
    memcpy(s->key_id, v, n + 1);
    v = member(j, "report_sha256", &n);
    if (n != SHA256_HEX_LEN || !is_lower_hex(v, n)) {
        coc_fail(e, "%s: malformed \"report_sha256\" (want 64 hex digits)", name);
        goto out;
    }
    memcpy(s->report_sha256, v, n + 1);
    v = member(j, "signature", &n);
    if (base64_decode_exact(v, n, s->sig, SIG_BYTES) < 0) {
        coc_fail(e, "%s: malformed \"signature\" (want the base64 of 64 bytes)", name);
        goto out;
    }
    rc = 0;
out:
    json_decref(j);
    return rc;
}

int sign_verify_file(const char *report_path, const char *sig_path, const char *pub_path,
                     struct coc_error *e)
{
    struct strbuf def = STRBUF_INIT;
    struct sig_fields s;
    EVP_PKEY *key = NULL;
    EVP_MD_CTX *ctx = NULL;
    char *sig_text = NULL, *data = NULL, id[SIGN_KEY_ID_SIZE], hex[SHA256_HEX_LEN + 1];
    size_t sig_len = 0, len = 0;
    int rc = -1, ok;
    if (!sig_path) {
        if (strcmp(report_path, "-") == 0)
            return coc_fail(e, "a report on standard input needs its signature file named");
        if (strbuf_addf(&def, "%s.sig", report_path) < 0)
            return coc_fail(e, "out of memory");
        sig_path = def.buf;
    }
    if (!(key = load_key(pub_path, 0, e)) || key_id_of(key, id, e) < 0)
        goto out;
    if (read_file(sig_path, SIGN_SIG_MAX, "the signature", &sig_text, &sig_len, e) < 0) {
        if (errno == EFBIG) { /* it exists, but no signature file is that big */
            coc_fail(e, "%s: not a cocscan signature file (larger than %u bytes)", sig_path,
                     SIGN_SIG_MAX);
            rc = 1;
        }
        goto out;
    }
    if (parse_sig(sig_text, sig_len, sig_path, &s, e) < 0) {
        rc = 1;
        goto out;
    }
    if (read_file(report_path, SIGN_REPORT_MAX, "the report", &data, &len, e) < 0)
        goto out;
    ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) != 1) {
        coc_fail(e, "cannot set up the verification (OpenSSL: %s)", ossl_reason());
        goto out;
    }
    ok = EVP_DigestVerify(ctx, s.sig, SIG_BYTES, (const unsigned char *)data, len) == 1;
    rc = 1;
    if (ok && strcmp(s.key_id, id) == 0) {
        rc = 0;
    } else if (ok) {
        coc_fail(e, "%s: the signature file was edited: its key_id %s is not the signing key's "
                    "(%s)", sig_path, s.key_id, id);
    } else if (strcmp(s.key_id, id) != 0) {
        coc_fail(e, "%s: signed by a different key (key_id %s; this public key is %s)",
                 report_path, s.key_id, id);
    } else {
        sha256_hex(data, len, hex);
        if (strcmp(hex, s.report_sha256) != 0)
            coc_fail(e, "%s: signature does not match the report (the report was changed "
                        "after signing)", report_path);
        else
            coc_fail(e, "%s: the signature does not verify although the report is unchanged "
                        "(the signature file was damaged or forged)", sig_path);
    }
out:
    ERR_clear_error();
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    free(sig_text);
    free(data);
    strbuf_release(&def);
    return rc;
}

int sign_preflight(const char *json_path, const char *key_path, const char *out_opt,
                   struct coc_error *e)
{
    if (!key_path)
        return 0;
    if (!json_path || strcmp(json_path, "-") == 0)
        return coc_fail(e, "--sign-key needs %s FILE (a signature covers a file's exact bytes)",
                        out_opt);
    return sign_key_check(key_path, e);
}

int sign_outputs(const char *json_path, const char *key_path, const char *cmd)
{
    struct coc_error e = { "" };
    if (!key_path)
        return 0;
    if (!json_path || strcmp(json_path, "-") == 0) {
        log_err("%s: --sign-key needs --json FILE (a signature covers a file's exact bytes)",
                cmd);
        return -1;
    }
    if (sign_file(json_path, key_path, &e) < 0) {
        log_err("%s: %s", cmd, e.msg);
        return -1;
    }
    return 0;
}
