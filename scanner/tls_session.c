/* tls_session.c — OpenSSL handshakes over our deadline-driven sockets. */
#include "tls_session.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "util.h"

static int wait_io(int fd, int want_write, int64_t deadline)
{
    int64_t left = deadline - clock_ms();
    if (left <= 0)
        return -1;
    struct pollfd p = { .fd = fd, .events = want_write ? POLLOUT : POLLIN };
    int r;
    do {
        r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
    } while (r < 0 && errno == EINTR);
    return r > 0 ? 0 : -1;
}

/* The trust store, parsed once per process and shared by every session (X509_STORE is
 * reference-counted and safe to read from many threads): loading the system store costs more
 * than the whole handshake, and a scan opens two sessions per target. */
static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;
static X509_STORE *store;
static char *store_ca_file; /* what store was loaded from; NULL: the system store */

/* Give ctx the trust store for ca_file (NULL: the system's). 0 ok, -1 when ca_file cannot be
 * loaded (the system store failing to load is not an error: verification then fails). */
static int use_store(SSL_CTX *ctx, const char *ca_file)
{
    int rc = 0;
    pthread_mutex_lock(&store_lock);
    int same = store && (ca_file ? store_ca_file && strcmp(ca_file, store_ca_file) == 0
                                 : !store_ca_file);
    if (!same) {
        X509_STORE *fresh = X509_STORE_new();
        char *copy = ca_file ? strdup(ca_file) : NULL;
        int ok = fresh && (!ca_file || copy) &&
                 (ca_file ? X509_STORE_load_file(fresh, ca_file) == 1
                          : X509_STORE_set_default_paths(fresh) == 1);
        ERR_clear_error();
        if (!ok && ca_file) {
            X509_STORE_free(fresh);
            free(copy);
            rc = -1;
            goto out;
        }
        X509_STORE_free(store);
        free(store_ca_file);
        store = fresh;
        store_ca_file = copy;
    }
    if (store)
        SSL_CTX_set1_cert_store(ctx, store);
out:
    pthread_mutex_unlock(&store_lock);
    return rc;
}

static int verify_accept_all(int ok, X509_STORE_CTX *ctx)
{
    (void)ok;
    (void)ctx;
    return 1; /* record the result, never abort the handshake: observation, not trust */
}

int tls_session_open(struct tls_session *s, const char *host, int port, const char *sni,
                     const char *ca_file, int timeout_ms, struct coc_error *e)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->ctx = SSL_CTX_new(TLS_client_method());
    if (!s->ctx)
        return coc_fail(e, "OpenSSL: cannot create a context");
    SSL_CTX_set_security_level(s->ctx, 0);
    SSL_CTX_set_min_proto_version(s->ctx, 0);
    SSL_CTX_set_cipher_list(s->ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0");
    SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER, verify_accept_all);
    if (use_store(s->ctx, ca_file) < 0)
        return coc_fail(e, "cannot load CA certificates from %s", ca_file);
    s->fd = net_connect(host, port, timeout_ms, e);
    if (s->fd < 0)
        return -1;
    s->ssl = SSL_new(s->ctx);
    if (!s->ssl || SSL_set_fd(s->ssl, s->fd) != 1)
        return coc_fail(e, "OpenSSL: cannot create a session");
    if (sni)
        SSL_set_tlsext_host_name(s->ssl, sni);
    SSL_set_tlsext_status_type(s->ssl, TLSEXT_STATUSTYPE_ocsp);
    /* Offer what browsers offer, so the server behaves as it does for them. */
    static const unsigned char alpn[] = "\x02h2\x08http/1.1";
    SSL_set_alpn_protos(s->ssl, alpn, sizeof alpn - 1);
    int64_t deadline = clock_ms() + timeout_ms;
    for (;;) {
        ERR_clear_error();
        int r = SSL_connect(s->ssl);
        if (r == 1)
            return 0;
        int err = SSL_get_error(s->ssl, r);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            if (wait_io(s->fd, err == SSL_ERROR_WANT_WRITE, deadline) < 0)
                return coc_fail(e, "TLS handshake with %s port %d: timed out", host, port);
            continue;
        }
        unsigned long code = ERR_peek_last_error();
        char buf[160] = "";
        if (code)
            ERR_error_string_n(code, buf, sizeof buf);
        ERR_clear_error();
        return coc_fail(e, "TLS handshake with %s port %d failed%s%s", host, port,
                        buf[0] ? ": " : "", buf[0] ? buf : " (connection closed)");
    }
}

void tls_session_close(struct tls_session *s)
{
    if (s->ssl) {
        SSL_set_quiet_shutdown(s->ssl, 1);
        SSL_free(s->ssl);
    }
    SSL_CTX_free(s->ctx);
    net_close(s->fd);
    memset(s, 0, sizeof *s);
    s->fd = -1;
}

void tls_session_global_cleanup(void)
{
    pthread_mutex_lock(&store_lock);
    X509_STORE_free(store);
    free(store_ca_file);
    store = NULL;
    store_ca_file = NULL;
    pthread_mutex_unlock(&store_lock);
}
