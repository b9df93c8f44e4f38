/*
 * sign.h — detached Ed25519 signatures over a report file's exact bytes, so a ministry can tell
 * that a report it received is the one a PHO or vendor produced, unchanged. The signature goes
 * next to the report as REPORT.sig, a small JSON object (docs/signing.md); it can be checked
 * with `cocscan report verify` or with plain `openssl pkeyutl -verify -rawin`.
 */
#ifndef COC_SIGN_H
#define COC_SIGN_H

#include <stddef.h>

#include "error.h"

#define SIGN_TYPE "https://cocscan.nz/signature/v1"
/* "sha256:" and 64 hex digits, NUL-terminated. */
#define SIGN_KEY_ID_SIZE 72

/* Make an Ed25519 key pair: the private key as PKCS#8 PEM (mode 0600), the public key as
 * SubjectPublicKeyInfo PEM, each written to a temporary and renamed. Without force an existing
 * file is never replaced. 0 ok; -2 with e set when a file exists (and force is 0); -1 with e
 * set on any other failure (nothing is left behind). */
int sign_keygen(const char *priv_path, const char *pub_path, int force, struct coc_error *e);

/* The key id ("sha256:" and the hex SHA-256 of the DER SubjectPublicKeyInfo) of the public
 * key in pub_path, or of the public half of a private key file, into id. 0 ok, -1 with e set. */
int sign_key_id(const char *key_path, char id[SIGN_KEY_ID_SIZE], struct coc_error *e);

/* Is key_path an Ed25519 private key cocscan can sign with? 0 yes, -1 with e set. */
int sign_key_check(const char *key_path, struct coc_error *e);

/* Sign the bytes of report_path (at most 256 MiB) with the private key in key_path and write
 * the signature to report_path + ".sig" atomically. 0 ok, -1 with e set. */
int sign_file(const char *report_path, const char *key_path, struct coc_error *e);

/* Check the signature in sig_path (NULL: report_path + ".sig") over report_path against the
 * public key in pub_path. 0 valid; 1 invalid, with the reason in e (a changed report, another
 * key, a malformed signature file); -1 with e set when a file is missing or unreadable or the
 * public key is not an Ed25519 public key. */
int sign_verify_file(const char *report_path, const char *sig_path, const char *pub_path,
                     struct coc_error *e);

/* Before a command does any work: --sign-key KEY needs the JSON written to a file (json_path,
 * given by the option out_opt, e.g. "--json" or "-o"; not standard output) and a usable key.
 * 0 ok (also when key_path is NULL), -1 with e set. */
int sign_preflight(const char *json_path, const char *key_path, const char *out_opt,
                   struct coc_error *e);

/* After a command wrote its JSON report: sign it when key_path is set (NULL: nothing to do).
 * Failures are logged as "cmd: message". 0 ok, -1. */
int sign_outputs(const char *json_path, const char *key_path, const char *cmd);

#endif
