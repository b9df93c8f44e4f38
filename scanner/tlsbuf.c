/*
 * tlsbuf.c — bounded reader and growable writer for TLS wire encodings (see tlsbuf.h).
 */
#include "tlsbuf.h"

#include <stdlib.h>
#include <string.h>

void tls_rd_init(struct tls_reader *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = p ? len : 0;
    r->off = 0;
}

size_t tls_rd_left(const struct tls_reader *r)
{
    return r->len - r->off;
}

/* Read an n-byte big-endian unsigned value (n ≤ 4). */
static int rd_be(struct tls_reader *r, size_t n, uint32_t *v)
{
    uint32_t x = 0;

    if (tls_rd_left(r) < n)
        return -1;
    for (size_t i = 0; i < n; i++)
        x = (x << 8) | r->p[r->off + i];
    r->off += n;
    *v = x;
    return 0;
}

int tls_rd_u8(struct tls_reader *r, uint8_t *v)
{
    uint32_t x;

    if (rd_be(r, 1, &x) < 0)
        return -1;
    *v = (uint8_t)x;
    return 0;
}

int tls_rd_u16(struct tls_reader *r, uint16_t *v)
{
    uint32_t x;

    if (rd_be(r, 2, &x) < 0)
        return -1;
    *v = (uint16_t)x;
    return 0;
}

int tls_rd_u24(struct tls_reader *r, uint32_t *v)
{
    return rd_be(r, 3, v);
}

int tls_rd_u32(struct tls_reader *r, uint32_t *v)
{
    return rd_be(r, 4, v);
}

int tls_rd_bytes(struct tls_reader *r, size_t n, const uint8_t **out)
{
    if (tls_rd_left(r) < n)
        return -1;
    *out = r->p + r->off;
    r->off += n;
    return 0;
}

int tls_rd_skip(struct tls_reader *r, size_t n)
{
    if (tls_rd_left(r) < n)
        return -1;
    r->off += n;
    return 0;
}

int tls_rd_sub(struct tls_reader *r, unsigned lenbytes, struct tls_reader *sub)
{
    uint32_t n;
    size_t save = r->off;

    if (lenbytes < 1 || lenbytes > 3)
        return -1;
    if (rd_be(r, lenbytes, &n) < 0)
        return -1;
    if (tls_rd_left(r) < n) {
        r->off = save;
        return -1;
    }
    tls_rd_init(sub, r->p + r->off, n);
    r->off += n;
    return 0;
}

void tls_wr_init(struct tls_writer *w)
{
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
    w->err = 0;
}

/* Make room for `extra` more bytes, doubling up to TLS_WR_MAX. */
static int wr_reserve(struct tls_writer *w, size_t extra)
{
    size_t need, cap;
    uint8_t *nb;

    if (w->err)
        return -1;
    if (extra > TLS_WR_MAX - w->len)
        goto fail;
    need = w->len + extra;
    if (need <= w->cap)
        return 0;
    cap = w->cap ? w->cap : 256;
    while (cap < need)
        cap *= 2; /* cannot overflow: need <= TLS_WR_MAX */
    if (cap > TLS_WR_MAX)
        cap = TLS_WR_MAX;
    nb = realloc(w->buf, cap);
    if (!nb)
        goto fail;
    w->buf = nb;
    w->cap = cap;
    return 0;
fail:
    w->err = 1;
    return -1;
}

/* Append the low n bytes of v, big-endian. */
static int wr_be(struct tls_writer *w, uint32_t v, size_t n)
{
    if (wr_reserve(w, n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        w->buf[w->len + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    w->len += n;
    return 0;
}

int tls_wr_u8(struct tls_writer *w, uint8_t v)
{
    return wr_be(w, v, 1);
}

int tls_wr_u16(struct tls_writer *w, uint16_t v)
{
    return wr_be(w, v, 2);
}

int tls_wr_u24(struct tls_writer *w, uint32_t v)
{
    if (v > 0xFFFFFFu) {
        w->err = 1;
        return -1;
    }
    return wr_be(w, v, 3);
}

int tls_wr_bytes(struct tls_writer *w, const void *data, size_t n)
{
    if (wr_reserve(w, n) < 0)
        return -1;
    if (n)
        memcpy(w->buf + w->len, data, n);
    w->len += n;
    return 0;
}

int tls_wr_zeros(struct tls_writer *w, size_t n)
{
    if (wr_reserve(w, n) < 0)
        return -1;
    if (n)
        memset(w->buf + w->len, 0, n);
    w->len += n;
    return 0;
}

struct tls_wr_mark tls_wr_begin(struct tls_writer *w, unsigned lenbytes)
{
    struct tls_wr_mark m = { 0, 0 };

    if (lenbytes < 1 || lenbytes > 3) {
        w->err = 1;
        return m;
    }
    m.off = w->len;
    if (tls_wr_zeros(w, lenbytes) < 0)
        return m;
    m.lenbytes = lenbytes;
    return m;
}

int tls_wr_end(struct tls_writer *w, struct tls_wr_mark m)
{
    size_t n;

    if (w->err)
        return -1;
    if (m.lenbytes < 1 || m.lenbytes > 3 || m.off > w->len || w->len - m.off < m.lenbytes)
        goto fail;
    n = w->len - m.off - m.lenbytes;
    if (n >> (8 * m.lenbytes))
        goto fail;
    for (unsigned i = 0; i < m.lenbytes; i++)
        w->buf[m.off + i] = (uint8_t)(n >> (8 * (m.lenbytes - 1 - i)));
    return 0;
fail:
    w->err = 1;
    return -1;
}

void tls_wr_release(struct tls_writer *w)
{
    free(w->buf);
    tls_wr_init(w);
}
