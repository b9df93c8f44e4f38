/* strbuf.c — growable NUL-terminated strings with checked growth. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char strbuf_empty[1] = "";

void strbuf_init(struct strbuf *sb)
{
    sb->buf = (char *)strbuf_empty;
    sb->len = 0;
    sb->cap = 0;
}

int strbuf_grow(struct strbuf *sb, size_t extra)
{
    if (extra > SIZE_MAX - sb->len - 1)
        return -1;
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return 0;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(sb->cap ? sb->buf : NULL, cap);
    if (!p)
        return -1;
    if (!sb->cap)
        p[0] = '\0';
    sb->buf = p;
    sb->cap = cap;
    return 0;
}

int strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
    if (strbuf_grow(sb, n) < 0)
        return -1;
    if (n)
        memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
    return 0;
}

int strbuf_adds(struct strbuf *sb, const char *s)
{
    return strbuf_add(sb, s, strlen(s));
}

int strbuf_addch(struct strbuf *sb, char c)
{
    return strbuf_add(sb, &c, 1);
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || strbuf_grow(sb, (size_t)n) < 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
    return 0;
}

void strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->cap)
        sb->buf[0] = '\0';
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
    char *p = sb->cap ? sb->buf : strdup("");
    if (len)
        *len = sb->cap ? sb->len : 0;
    strbuf_init(sb);
    return p;
}

void strbuf_release(struct strbuf *sb)
{
    if (sb->cap)
        free(sb->buf);
    strbuf_init(sb);
}
