/*
 * tlsbuf.h — bounded reader and growable writer for TLS wire encodings.
 *
 * The reader is the only way the codec looks at bytes from a server: every getter checks the
 * remaining length first and fails (-1) instead of reading past the end, and a failed getter
 * does not move the cursor. The writer grows a heap buffer; its error flag is sticky, so a
 * builder can emit a whole message and check `err` (or the last return) once.
 */
#ifndef COC_TLSBUF_H
#define COC_TLSBUF_H

#include <stddef.h>
#include <stdint.h>

/* Largest buffer a writer will grow to; a ClientHello is a few KiB at most. */
#define TLS_WR_MAX ((size_t)1 << 20)

struct tls_reader {
    const uint8_t *p;
    size_t len;
    size_t off;
};

struct tls_writer {
    uint8_t *buf; /* NULL until the first byte is written */
    size_t len;
    size_t cap;
    int err; /* sticky: once set, every writer call fails */
};

/* A back-patch point from tls_wr_begin: where the length prefix sits and how wide it is. */
struct tls_wr_mark {
    size_t off;
    unsigned lenbytes; /* 0 when begin failed */
};

/* Start reading `len` bytes at `p` (p may be NULL when len is 0). */
void tls_rd_init(struct tls_reader *r, const uint8_t *p, size_t len);
/* Bytes not yet read. */
size_t tls_rd_left(const struct tls_reader *r);
/* Big-endian integer getters: 0 ok, -1 if the value is not all there (cursor unchanged). */
int tls_rd_u8(struct tls_reader *r, uint8_t *v);
int tls_rd_u16(struct tls_reader *r, uint16_t *v);
int tls_rd_u24(struct tls_reader *r, uint32_t *v);
int tls_rd_u32(struct tls_reader *r, uint32_t *v);
/* Point *out at the next n bytes (inside the reader's buffer) and skip them; -1 if short. */
int tls_rd_bytes(struct tls_reader *r, size_t n, const uint8_t **out);
/* Skip n bytes; -1 if short. */
int tls_rd_skip(struct tls_reader *r, size_t n);
/* Read a 1-, 2- or 3-byte length prefix and make *sub a reader over exactly that many bytes;
 * -1 if the prefix or the bytes it announces are not all present (cursor unchanged). */
int tls_rd_sub(struct tls_reader *r, unsigned lenbytes, struct tls_reader *sub);

/* Start an empty writer. */
void tls_wr_init(struct tls_writer *w);
/* Append; 0 ok, -1 on allocation failure, size limit or an earlier error. */
int tls_wr_u8(struct tls_writer *w, uint8_t v);
int tls_wr_u16(struct tls_writer *w, uint16_t v);
int tls_wr_u24(struct tls_writer *w, uint32_t v);
int tls_wr_bytes(struct tls_writer *w, const void *data, size_t n);
/* Append n zero bytes. */
int tls_wr_zeros(struct tls_writer *w, size_t n);
/* Reserve a 1-, 2- or 3-byte length prefix to be filled by tls_wr_end. */
struct tls_wr_mark tls_wr_begin(struct tls_writer *w, unsigned lenbytes);
/* Patch the prefix reserved at `m` with the number of bytes written since; -1 if it does not
 * fit in the prefix (the writer's error flag is then set). */
int tls_wr_end(struct tls_writer *w, struct tls_wr_mark m);
/* Free the buffer and reset the writer to empty (the error flag too). */
void tls_wr_release(struct tls_writer *w);

#endif
