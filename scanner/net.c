/* net.c — non-blocking sockets driven by poll() so no peer can stall a scan past its deadline. */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hostgate.h"
#include "util.h"

static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - clock_ms();
        if (left <= 0)
            return NET_TIMEOUT;
        struct pollfd pfd = { .fd = fd, .events = events };
        int r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
        if (r > 0)
            return 0;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

static int connect_one(const struct addrinfo *ai, int64_t deadline, int *err)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    ai->ai_protocol);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno != EINPROGRESS) {
        *err = errno;
        close(fd);
        return -1;
    }
    int w = wait_fd(fd, POLLOUT, deadline);
    if (w != 0) {
        *err = w == NET_TIMEOUT ? ETIMEDOUT : errno;
        close(fd);
        return -1;
    }
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
        *err = soerr ? soerr : errno;
        close(fd);
        return -1;
    }
    return fd;
}

int net_connect(const char *host, int port, int timeout_ms, struct coc_error *e)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%d", port);
    int gai = getaddrinfo(host, portstr, &hints, &res);
    if (gai != 0)
        return coc_fail(e, "cannot resolve %s: %s", host, gai_strerror(gai));
    hostgate_enter(host); /* the per-host cap and rate: waiting is not part of the deadline */
    int64_t deadline = clock_ms() + timeout_ms;
    int fd = -1, err = 0;
    for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
        fd = connect_one(ai, deadline, &err);
    freeaddrinfo(res);
    if (fd >= 0)
        hostgate_bind_fd(fd, host);
    else
        hostgate_leave(host);
    if (fd < 0) {
        if (err == ETIMEDOUT)
            return coc_fail(e, "connect to %s port %d: timed out after %d ms", host, port,
                            timeout_ms);
        return coc_fail(e, "connect to %s port %d: %s", host, port, strerror(err));
    }
    return fd;
}

int net_send_all(int fd, const void *buf, size_t len, int64_t deadline, struct coc_error *e)
{
    const char *p = buf;
    while (len) {
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            len -= (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR)
            return coc_fail(e, "send: %s", strerror(errno));
        int r = wait_fd(fd, POLLOUT, deadline);
        if (r == NET_TIMEOUT)
            return coc_fail(e, "send: timed out");
        if (r < 0)
            return coc_fail(e, "send: %s", strerror(errno));
    }
    return 0;
}

ssize_t net_recv(int fd, void *buf, size_t cap, int64_t deadline, struct coc_error *e)
{
    for (;;) {
        ssize_t r = recv(fd, buf, cap, 0);
        if (r >= 0)
            return r;
        if (errno == ECONNRESET)
            return 0;
        if (errno != EAGAIN && errno != EINTR) {
            coc_fail(e, "recv: %s", strerror(errno));
            return -1;
        }
        int w = wait_fd(fd, POLLIN, deadline);
        if (w == NET_TIMEOUT) {
            coc_fail(e, "no answer within the deadline");
            return NET_TIMEOUT;
        }
        if (w < 0) {
            coc_fail(e, "poll: %s", strerror(errno));
            return -1;
        }
    }
}

void net_close(int fd)
{
    if (fd >= 0) {
        const char *host = hostgate_unbind_fd(fd);
        close(fd); /* before the slot is given back: the next connection never overlaps it */
        if (host)
            hostgate_leave(host);
    }
}
