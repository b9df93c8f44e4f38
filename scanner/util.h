/* util.h — small helpers shared across modules: lossless-enough UTF-8, JSON, time. */
#ifndef COC_UTIL_H
#define COC_UTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* A JSON string from untrusted bytes: invalid UTF-8 and NUL become U+FFFD. New reference or NULL. */
/* The valid UTF-8 sequence at s (at most n bytes): its length and code point in *cp; 0 when the
 * bytes there are not valid UTF-8 (overlong, surrogate, above U+10FFFF, truncated). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

json_t *json_string_lossy(const char *s, size_t n);
/* Replace every byte outside printable ASCII in s with '?': for quoting untrusted input in a
 * one-line message (jansson's error text quotes the document). */
void ascii_printable(char *s);
/* The string member key of o, or NULL (o not an object, key absent or not a string). */
const char *json_str(const json_t *o, const char *key);
/* Does the JSON array `list` hold the string `word` (ASCII case-insensitive)? NULL list: no. */
int json_list_has(const json_t *list, const char *word);

/* Days from 1970-01-01 to the (proleptic Gregorian) date y-m-d; negative before it. */
int64_t days_from_civil(int64_t y, int m, int d);

/* Monotonic clock in milliseconds. */
int64_t clock_ms(void);

/* Current UTC time as RFC 3339 ("2026-11-24T05:35:13Z") into buf (at least 21 bytes). */
void time_rfc3339(char *buf, size_t n);

/* Read a whole file (bounded by `max` bytes). Caller frees *out. 0 ok, -1 with errno set. */
int file_read_all(const char *path, size_t max, char **out, size_t *len);

/* Write data to path atomically (temporary file in the same directory, then rename); "-" = stdout.
 * A path that exists and is not a regular file (/dev/null, a FIFO) is written into, not replaced. */
int file_write_atomic(const char *path, const char *data, size_t len);
/* The same, with the content written by writer(fd, ctx) (0 ok, -1 with errno set): for output
 * too large to build in memory first. */
int file_write_atomic_with(const char *path, int (*writer)(int fd, void *ctx), void *ctx);

/* SHA-256 of data as 64 lowercase hex digits into hex (at least 65 bytes). */
void sha256_hex(const void *data, size_t len, char *hex);

/* Case-insensitive ASCII string equality for a length-bounded left side. */
int ascii_casecmp_n(const char *a, size_t alen, const char *b);

/* Levenshtein distance, for "did you mean" suggestions (capped at 99). */
int edit_distance(const char *a, const char *b);



/* The candidate closest to word (NULL-terminated list), or NULL if none is close enough. */
const char *closest_word(const char *word, const char *const *cands);

/* HTTP optional whitespace (RFC 9110 §5.6.3): space or horizontal tab. */
static inline int http_is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Narrow [*s, *e) to exclude leading and trailing OWS. */
static inline void http_trim_ows(const char **s, const char **e)
{
    while (*s < *e && http_is_ows(**s))
        (*s)++;
    while (*e > *s && http_is_ows((*e)[-1]))
        (*e)--;
}

#endif
