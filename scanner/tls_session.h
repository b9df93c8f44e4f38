/*
 * tls_session.h — a full OpenSSL handshake with deadlines, for what only a real session shows:
 * the certificate chain as served, its verification against a trust store, a stapled OCSP
 * response. Runs at security level 0 so that weak certificates are seen, not refused.
 */
#ifndef COC_TLS_SESSION_H
#define COC_TLS_SESSION_H

#include <openssl/ssl.h>

#include "error.h"

struct tls_session {
    SSL_CTX *ctx;
    SSL *ssl;
    int fd;
};

/* Connect to host:port and complete a handshake offering ALPN h2 and http/1.1 (SNI = sni unless NULL), trusting ca_file or
 * the system store for the verification result (the handshake itself never fails on it).
 * 0 ok, -1 with e set. Release with tls_session_close either way. */
int tls_session_open(struct tls_session *s, const char *host, int port, const char *sni,
                     const char *ca_file, int timeout_ms, struct coc_error *e);
void tls_session_close(struct tls_session *s);

/* Free the trust store the sessions share (at exit, after every session is closed). */
void tls_session_global_cleanup(void);

#endif
