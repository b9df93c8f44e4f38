/* net.h — TCP sockets with deadlines: every connect and read is bounded in time. */
#ifndef COC_NET_H
#define COC_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* Connect to host:port (resolving it), non-blocking with a deadline. Returns an fd or -1. */
int net_connect(const char *host, int port, int timeout_ms, struct coc_error *e);

/* Send all bytes before the deadline (clock_ms() time). 0 ok, -1 with e set. */
int net_send_all(int fd, const void *buf, size_t len, int64_t deadline, struct coc_error *e);

#define NET_TIMEOUT (-2)
/* Read what is available (up to cap) before the deadline: >0 bytes, 0 EOF, -1 error, NET_TIMEOUT. */
ssize_t net_recv(int fd, void *buf, size_t cap, int64_t deadline, struct coc_error *e);

void net_close(int fd);

#endif
