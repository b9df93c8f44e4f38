/* strbuf.h — the one growable string type (git's strbuf idea). Always NUL-terminated. */
#ifndef COC_STRBUF_H
#define COC_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *buf;  /* never NULL after strbuf_init: points at "" until something is added */
    size_t len;
    size_t cap; /* 0 while buf points at the static empty string */
};

#define STRBUF_INIT { (char *)strbuf_empty, 0, 0 }
extern const char strbuf_empty[1];

void strbuf_init(struct strbuf *sb);
/* Ensure room for `extra` more bytes; -1 on allocation failure or overflow. */
int strbuf_grow(struct strbuf *sb, size_t extra);
int strbuf_add(struct strbuf *sb, const void *data, size_t n);
int strbuf_adds(struct strbuf *sb, const char *s);
int strbuf_addch(struct strbuf *sb, char c);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *sb);
/* Take the buffer; the strbuf is left empty. Caller frees. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_release(struct strbuf *sb);

#endif
