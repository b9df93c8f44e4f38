/*
 * test_sign.c — report signatures: sign_keygen's key pair (PKCS#8 and SubjectPublicKeyInfo
 * PEM, the private key mode 0600, an existing file never replaced without force), a signature
 * that verifies over exactly the bytes it was made over — and is a plain Ed25519 signature any
 * OpenSSL can check — and every way verification must fail: one changed byte, another key, a
 * truncated, garbled, oversized or non-canonical signature file; keys that are not Ed25519,
 * encrypted, or the wrong half of the pair refused with a message that says so.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "sign.h"
#include "util.h"

struct fx {
    char dir[64];
    char priv[128], pub[128];   /* a key pair made by setup */
    char priv2[128], pub2[128]; /* another one */
    char report[128], sig[128]; /* report.json (written by setup, not signed) and its .sig */
};

static const char report_text[] = "{\n  \"schema\": \"x\",\n  \"targets\": []\n}\n";

static void at(const struct fx *f, char *out, const char *name)
{
    snprintf(out, 128, "%s/%s", f->dir, name);
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void write_text(const char *path, const char *s)
{
    write_bytes(path, s, strlen(s));
}

/* The whole file; caller frees. */
static char *slurp(const char *path, size_t *len)
{
    char *out = NULL;
    size_t n = 0;
    if (file_read_all(path, 1 << 20, &out, &n) != 0)
        fail_msg("cannot read %s: %s", path, strerror(errno));
    if (len)
        *len = n;
    return out;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct coc_error e = { "" };
    if (!f)
        return -1;
    strcpy(f->dir, "/tmp/cocscan-sign-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    at(f, f->priv, "k.key");
    at(f, f->pub, "k.key.pub");
    at(f, f->priv2, "other.key");
    at(f, f->pub2, "other.key.pub");
    at(f, f->report, "report.json");
    at(f, f->sig, "report.json.sig");
    *state = f;
    if (sign_keygen(f->priv, f->pub, 0, &e) != 0 || sign_keygen(f->priv2, f->pub2, 0, &e) != 0) {
        fprintf(stderr, "keygen: %s\n", e.msg);
        return -1;
    }
    write_text(f->report, report_text);
    return 0;
}

/* Remove everything; fail when a temporary file was left behind. */
static int teardown(void **state)
{
    struct fx *f = *state;
    char path[512];
    int rc = 0;
    DIR *d = opendir(f->dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (strstr(de->d_name, ".tmp.")) {
            fprintf(stderr, "left behind: %s\n", de->d_name);
            rc = -1;
        }
        snprintf(path, sizeof path, "%s/%s", f->dir, de->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    if (rmdir(f->dir) != 0)
        rc = -1;
    free(f);
    return rc;
}

static void assert_has(const char *msg, const char *want)
{
    if (!strstr(msg, want))
        fail_msg("message \"%s\" does not say \"%s\"", msg, want);
}

static void test_keygen_files(void **state)
{
    struct fx *f = *state;
    struct stat st;
    struct coc_error e = { "" };
    char id[SIGN_KEY_ID_SIZE], id2[SIGN_KEY_ID_SIZE];

    assert_int_equal(stat(f->priv, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(f->pub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    char *priv = slurp(f->priv, NULL), *pub = slurp(f->pub, NULL);
    assert_true(strncmp(priv, "-----BEGIN PRIVATE KEY-----\n", 28) == 0); /* PKCS#8 */
    assert_true(strncmp(pub, "-----BEGIN PUBLIC KEY-----\n", 27) == 0);   /* SPKI */
    free(priv);
    free(pub);

    assert_int_equal(sign_key_id(f->pub, id, &e), 0);
    assert_int_equal(strlen(id), SIGN_KEY_ID_SIZE - 1);
    assert_true(strncmp(id, "sha256:", 7) == 0);
    assert_int_equal(sign_key_id(f->pub2, id2, &e), 0);
    assert_string_not_equal(id, id2);
    assert_int_equal(sign_key_check(f->priv, &e), 0);

    /* The key id is the SHA-256 of the DER SubjectPublicKeyInfo. */
    FILE *fp = fopen(f->pub, "r");
    assert_non_null(fp);
    EVP_PKEY *k = PEM_read_PUBKEY(fp, NULL, NULL, NULL);
    fclose(fp);
    assert_non_null(k);
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k, &der);
    assert_int_equal(n, 44);
    char hex[65];
    sha256_hex(der, (size_t)n, hex);
    assert_string_equal(id + 7, hex);
    OPENSSL_free(der);
    EVP_PKEY_free(k);
}

static void test_keygen_refuses_overwrite(void **state)
{
    struct fx *f = *state;
    struct coc_error e = { "" };
    struct stat st;
    char *before = slurp(f->priv, NULL), *after;

    assert_int_equal(sign_keygen(f->priv, f->pub, 0, &e), -2);
    assert_has(e.msg, "exists");
    after = slurp(f->priv, NULL);
    assert_string_equal(before, after);
    free(after);

    /* Only the public key exists: still refused, and no private key is left behind. */
    char priv3[128], pub3[128];
    at(f, priv3, "three.key");
    at(f, pub3, "three.pub");
    write_text(pub3, "not mine\n");
    assert_int_equal(sign_keygen(priv3, pub3, 0, &e), -2);
    assert_int_equal(stat(priv3, &st), -1);

    /* The same file for both halves. */
    assert_int_equal(sign_keygen(priv3, priv3, 1, &e), -1);

    /* --force replaces both, and the new private key is still 0600. */
    assert_int_equal(sign_keygen(f->priv, f->pub, 1, &e), 0);
    after = slurp(f->priv, NULL);
    assert_string_not_equal(before, after);
    free(after);
    free(before);
    assert_int_equal(stat(f->priv, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    /* A directory that does not exist: an error, nothing created. */
    assert_int_equal(sign_keygen("/nonexistent-dir/k", "/nonexistent-dir/k.pub", 0, &e), -1);
    assert_has(e.msg, "cannot write");
}

static void test_roundtrip(void **state)
{
    struct fx *f = *state;
    struct coc_error e = { "" };
    char id[SIGN_KEY_ID_SIZE], hex[65];
    size_t len;

    assert_int_equal(sign_file(f->report, f->priv, &e), 0);
    assert_int_equal(sign_verify_file(f->report, NULL, f->pub, &e), 0);
    assert_int_equal(sign_verify_file(f->report, f->sig, f->pub, &e), 0);

    /* The signature file: the documented members, one JSON object and a newline. */
    char *text = slurp(f->sig, &len);
    assert_true(len > 0 && text[len - 1] == '\n');
    json_error_t je;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    assert_non_null(j);
    assert_int_equal(json_object_size(j), 5);
    assert_string_equal(json_string_value(json_object_get(j, "type")), SIGN_TYPE);
    assert_string_equal(json_string_value(json_object_get(j, "algorithm")), "ed25519");
    assert_int_equal(sign_key_id(f->pub, id, &e), 0);
    assert_string_equal(json_string_value(json_object_get(j, "key_id")), id);
    sha256_hex(report_text, strlen(report_text), hex);
    assert_string_equal(json_string_value(json_object_get(j, "report_sha256")), hex);
    const char *b64 = json_string_value(json_object_get(j, "signature"));
    assert_int_equal(strlen(b64), 88);

    /* A plain Ed25519 signature over the file's bytes: OpenSSL alone verifies it. */
    unsigned char raw[68];
    assert_int_equal(EVP_DecodeBlock(raw, (const unsigned char *)b64, 88), 66); /* + padding */
    FILE *fp = fopen(f->pub, "r");
    assert_non_null(fp);
    EVP_PKEY *k = PEM_read_PUBKEY(fp, NULL, NULL, NULL);
    fclose(fp);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k), 1);
    assert_int_equal(EVP_DigestVerify(ctx, raw, 64, (const unsigned char *)report_text,
                                      strlen(report_text)), 1);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    json_decref(j);
    free(text);

    /* Signing again replaces the signature; an empty report can be signed too. */
    write_text(f->report, "");
    assert_int_equal(sign_file(f->report, f->priv, &e), 0);
    assert_int_equal(sign_verify_file(f->report, NULL, f->pub, &e), 0);
}

static void test_changed_report(void **state)
{
    struct fx *f = *state;
    struct coc_error e = { "" };
    char buf[sizeof report_text];

    assert_int_equal(sign_file(f->report, f->priv, &e), 0);
    memcpy(buf, report_text, sizeof buf);
    buf[14] ^= 0x01; /* one bit of one byte */
    write_bytes(f->report, buf, sizeof buf - 1);
    assert_int_equal(sign_verify_file(f->report, NULL, f->pub, &e), 1);
    assert_has(e.msg, "signature does not match the report (the report was changed after "
                      "signing)");

    /* A byte more, a byte less. */
    write_bytes(f->report, report_text, sizeof report_text); /* with the NUL */
    assert_int_equal(sign_verify_file(f->report, NULL, f->pub, &e), 1);
    write_bytes(f->report, report_text, sizeof report_text - 2);
    assert_int_equal(sign_verify_file(f->report, NULL, f->pub, &e), 1);
    write_text(f->report, report_text);
    assert_int_equal(sign_verify_file(f->report, NULL, f->pub, &e), 0);
}

static void test_wrong_key(void **state)
{
    struct fx *f = *state;
    struct coc_error e = { "" };
    char id[SIGN_KEY_ID_SIZE], id2[SIGN_KEY_ID_SIZE], want[256];

    assert_int_equal(sign_file(f->report, f->priv, &e), 0);
    assert_int_equal(sign_verify_file(f->report, NULL, f->pub2, &e), 1);
    assert_int_equal(sign_key_id(f->pub, id, &e), 0);
    assert_int_equal(sign_key_id(f->pub2, id2, &e), 0);
    snprintf(want, sizeof want, "signed by a different key (key_id %s; this public key is %s)",
             id, id2);
    assert_has(e.msg, want);
}

/* The signature file f->sig with the first occurrence of from replaced by to. */
static void edit_sig(const struct fx *f, const char *orig, const char *from, const char *to)
{
    const char *p = strstr(orig, from);
    char buf[1024];
    assert_non_null(p);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - orig), orig, to, p + strlen(from));
    write_text(f->sig, buf);
}

/* Verification of f->report with its current signature file must say "invalid" (1). */
static void assert_invalid(const struct fx *f, const char *why, const char *says)
{
    struct coc_error e = { "" };
    int rc = sign_verify_file(f->report, NULL, f->pub, &e);
    if (rc != 1)
        fail_msg("%s: verify returned %d (%s), want 1", why, rc, e.msg);
    if (says)
        assert_has(e.msg, says);
    assert_true(e.msg[0] != '\0');
}

static void test_bad_signature_files(void **state)
{
    struct fx *f = *state;
    struct coc_error e = { "" };
    size_t len;

    assert_int_equal(sign_file(f->report, f->priv, &e), 0);
    char *good = slurp(f->sig, &len);
    const char *sig = strstr(good, "\"signature\": \"") + 14;
    char b64[89];
    memcpy(b64, sig, 88);
    b64[88] = '\0';
    assert_int_equal(b64[86], '=');
    assert_int_equal(b64[87], '=');

    write_bytes(f->sig, good, len / 2);
    assert_invalid(f, "truncated in half", "not a cocscan signature file");
    write_bytes(f->sig, good, len - 10);
    assert_invalid(f, "truncated near the end", "not a cocscan signature file");
    write_text(f->sig, "");
    assert_invalid(f, "empty", "not a cocscan signature file");
    write_bytes(f->sig, "\x00\xff\xfe garbage \x1b[31m", 17);
    assert_invalid(f, "garbage bytes", "not a cocscan signature file");
    write_text(f->sig, "[\"ed25519\"]\n");
    assert_invalid(f, "an array", "not a JSON object");
    char big[8192];
    memset(big, ' ', sizeof big);
    memcpy(big + sizeof big - len, good, len);
    write_bytes(f->sig, big, sizeof big);
    assert_invalid(f, "valid, but padded to 8 KiB", "larger than");

    edit_sig(f, good, "\n}", ",\n  \"note\": \"x\"\n}");
    assert_invalid(f, "an unknown member", "unknown member");
    edit_sig(f, good, "{", "{\n  \"algorithm\": \"ed25519\",");
    assert_invalid(f, "a duplicate member", "duplicate");
    edit_sig(f, good, "\n}", "\n}\n{}");
    assert_invalid(f, "trailing data", "not a cocscan signature file");
    edit_sig(f, good, "\"algorithm\": \"ed25519\"", "\"algorithm\": 25519");
    assert_invalid(f, "a member that is not a string", "not a string");
    edit_sig(f, good, "\"ed25519\"", "\"rsa\"");
    assert_invalid(f, "another algorithm", "only \"ed25519\"");
    edit_sig(f, good, "signature/v1", "signature/v2");
    assert_invalid(f, "another type", "unknown kind");
    edit_sig(f, good, "sha256:", "sha1:");
    assert_invalid(f, "a key id without sha256:", "key_id");
    edit_sig(f, good, "\"key_id\": \"sha256:", "\"key_id\": \"sha256:0");
    assert_invalid(f, "a key id too long", "key_id");
    edit_sig(f, good, "\"report_sha256\": \"", "\"report_sha256\": \"X");
    assert_invalid(f, "a report digest with a non-hex digit", "report_sha256");

    /* The signature's base64: the right length and canonical, nothing else. */
    char bad[100];
    snprintf(bad, sizeof bad, "%.84s==", b64); /* 86 characters */
    edit_sig(f, good, b64, bad);
    assert_invalid(f, "base64 two characters short", "signature");
    snprintf(bad, sizeof bad, "%.86sAA", b64); /* no padding: 66 bytes */
    edit_sig(f, good, b64, bad);
    assert_invalid(f, "base64 of 66 bytes", "signature");
    snprintf(bad, sizeof bad, "%.40s\\n%.46s==", b64, b64 + 40);
    edit_sig(f, good, b64, bad);
    assert_invalid(f, "a newline inside the base64", "signature");
    snprintf(bad, sizeof bad, "%.40s*%.45s==", b64, b64 + 41);
    edit_sig(f, good, b64, bad);
    assert_invalid(f, "a character outside the alphabet", "signature");
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *last = strchr(alphabet, b64[85]);
    assert_non_null(last);
    /* The same last byte, but a bit under the padding set: decodes alike, yet not canonical. */
    snprintf(bad, sizeof bad, "%.85s%c==", b64, alphabet[(last - alphabet) | 1]);
    edit_sig(f, good, b64, bad);
    assert_invalid(f, "non-canonical base64", "signature");

    /* Well-formed, but other signature bytes: the report is unchanged, the signature is not. */
    snprintf(bad, sizeof bad, "%c%.87s", b64[0] == 'A' ? 'B' : 'A', b64 + 1);
    edit_sig(f, good, b64, bad);
    assert_invalid(f, "another signature", "damaged or forged");

    /* The signature is right but the key id was edited to another key's. */
    char id2[SIGN_KEY_ID_SIZE], id[SIGN_KEY_ID_SIZE];
    assert_int_equal(sign_key_id(f->pub, id, &e), 0);
    assert_int_equal(sign_key_id(f->pub2, id2, &e), 0);
    edit_sig(f, good, id, id2);
    assert_invalid(f, "an edited key id", "edited");

    /* And the untouched file still verifies. */
    write_bytes(f->sig, good, len);
    assert_int_equal(sign_verify_file(f->report, NULL, f->pub, &e), 0);
    free(good);
}

static void test_missing_files(void **state)
{
    struct fx *f = *state;
    struct coc_error e = { "" };
    char nope[128];
    at(f, nope, "nope");

    assert_int_equal(sign_file(f->report, nope, &e), -1);
    assert_has(e.msg, "cannot read the private key");
    assert_int_equal(sign_file(nope, f->priv, &e), -1);
    assert_has(e.msg, "cannot read the report");
    assert_int_equal(sign_file("-", f->priv, &e), -1);

    assert_int_equal(sign_verify_file(f->report, NULL, f->pub, &e), -1); /* no .sig yet */
    assert_has(e.msg, "cannot read the signature");
    assert_int_equal(sign_file(f->report, f->priv, &e), 0);
    assert_int_equal(sign_verify_file(f->report, NULL, nope, &e), -1);
    assert_has(e.msg, "cannot read the public key");
    assert_int_equal(sign_verify_file(nope, f->sig, f->pub, &e), -1);
    assert_has(e.msg, "cannot read the report");
    assert_int_equal(sign_verify_file(f->report, nope, f->pub, &e), -1);
    assert_int_equal(sign_verify_file("-", NULL, f->pub, &e), -1);
}

/* key written as PEM to path: the private key (PKCS#8) or the public one. */
static void write_key(EVP_PKEY *key, const char *path, int priv, const char *pass)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    int ok = !priv ? PEM_write_PUBKEY(fp, key)
             : pass ? PEM_write_PKCS8PrivateKey(fp, key, EVP_aes_256_cbc(), NULL, 0, NULL,
                                                (void *)pass)
                    : PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL);
    assert_int_equal(ok, 1);
    assert_int_equal(fclose(fp), 0);
}

static void test_refused_keys(void **state)
{
    struct fx *f = *state;
    struct coc_error e = { "" };
    char ec_priv[128], ec_pub[128], enc[128];
    at(f, ec_priv, "ec.key");
    at(f, ec_pub, "ec.pub");
    at(f, enc, "enc.key");

    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(ec);
    write_key(ec, ec_priv, 1, NULL);
    write_key(ec, ec_pub, 0, NULL);
    EVP_PKEY_free(ec);

    assert_int_equal(sign_file(f->report, ec_priv, &e), -1);
    assert_has(e.msg, "not Ed25519");
    assert_int_equal(sign_key_check(ec_priv, &e), -1);
    assert_has(e.msg, "not Ed25519");
    struct stat st;
    assert_int_equal(stat(f->sig, &st), -1); /* nothing written */

    assert_int_equal(sign_file(f->report, f->priv, &e), 0);
    assert_int_equal(sign_verify_file(f->report, NULL, ec_pub, &e), -1);
    assert_has(e.msg, "not Ed25519");

    /* The wrong half of the pair, each way round. */
    assert_int_equal(sign_file(f->report, f->pub, &e), -1);
    assert_has(e.msg, "a public key; signing needs the private key");
    assert_int_equal(sign_verify_file(f->report, NULL, f->priv, &e), -1);
    assert_has(e.msg, "a private key; verify with the public key");

    /* An encrypted key fails at once (no passphrase prompt), saying why. */
    FILE *fp = fopen(f->priv, "r");
    assert_non_null(fp);
    EVP_PKEY *k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
    fclose(fp);
    assert_non_null(k);
    write_key(k, enc, 1, "passphrase");
    EVP_PKEY_free(k);
    assert_int_equal(sign_file(f->report, enc, &e), -1);
    assert_has(e.msg, "encrypted");

    /* Not a key at all, and too big to be one. */
    write_text(enc, "hello\n");
    assert_int_equal(sign_key_check(enc, &e), -1);
    assert_has(e.msg, "not a PEM private key");
    static char huge[70 * 1024];
    memset(huge, 'A', sizeof huge);
    write_bytes(enc, huge, sizeof huge);
    assert_int_equal(sign_key_check(enc, &e), -1);
    assert_has(e.msg, "larger than");
}

static void test_sign_outputs(void **state)
{
    struct fx *f = *state;
    struct coc_error e = { "" };

    assert_int_equal(sign_preflight(NULL, NULL, "--json", &e), 0);
    assert_int_equal(sign_preflight("-", NULL, "--json", &e), 0);
    assert_int_equal(sign_preflight(NULL, f->priv, "--json", &e), -1);
    assert_has(e.msg, "--sign-key needs --json FILE (a signature covers a file's exact bytes)");
    assert_int_equal(sign_preflight("-", f->priv, "--json", &e), -1);
    assert_has(e.msg, "--sign-key needs --json FILE");
    assert_int_equal(sign_preflight(f->report, f->pub, "--json", &e), -1);
    assert_int_equal(sign_preflight(f->report, f->priv, "--json", &e), 0);

    assert_int_equal(sign_outputs(f->report, NULL, "test"), 0);
    struct stat st;
    assert_int_equal(stat(f->sig, &st), -1);
    assert_int_equal(sign_outputs("-", f->priv, "test"), -1);
    assert_int_equal(sign_outputs(NULL, f->priv, "test"), -1);
    assert_int_equal(sign_outputs(f->report, f->priv, "test"), 0);
    assert_int_equal(sign_verify_file(f->report, NULL, f->pub, &e), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_keygen_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keygen_refuses_overwrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_signature_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_outputs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
