/*
 * tls_parse_int.h — private interface between the flight parser's framing layer (tls_parse.c)
 * and its message decoders (tls_parse_hs.c). Not for use outside the parser.
 */
#ifndef COC_TLS_PARSE_INT_H
#define COC_TLS_PARSE_INT_H

#include <stdint.h>

#include "tls_parse.h"
#include "tlsbuf.h"

/* Mark f MALFORMED with a static reason; returns TLS_FL_MALFORMED. */
int tls_fl_fail(struct tls_flight *f, const char *reason);
/* Decode one complete handshake message; returns the flight status after it. */
int tls_fl_handshake(struct tls_flight *f, uint8_t type, struct tls_reader *body);
/* Decode one complete SSLv2 message (the bytes after the 2-byte header). */
int tls_fl_sslv2_msg(struct tls_flight *f, struct tls_reader *msg);
/* Keep a copy of a certificate list; offsets are recorded by the caller. 0 ok, -1 no memory. */
int tls_fl_copy_certs(struct tls_flight *f, const uint8_t *p, size_t n);

#endif
