/* util.c — helpers with no better home: UTF-8 repair, clocks, whole-file I/O, hashing. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "strbuf.h"

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    size_t len;
    uint32_t min;
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2, *cp = b & 0x1Fu, min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3, *cp = b & 0x0Fu, min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4, *cp = b & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3Fu);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

/* Length of a valid UTF-8 sequence at s (n bytes available), or 0 if invalid or NUL. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    uint32_t cp;
    return s[0] ? utf8_decode(s, n, &cp) : 0;
}

json_t *json_string_lossy(const char *s, size_t n)
{
    struct strbuf sb = STRBUF_INIT;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    int bad = 0;
    while (i < n) {
        size_t l = utf8_seq_len(p + i, n - i);
        if (l) {
            bad |= strbuf_add(&sb, p + i, l);
            i += l;
        } else {
            bad |= strbuf_add(&sb, "\xEF\xBF\xBD", 3);
            i++;
        }
    }
    json_t *j = bad ? NULL : json_stringn(sb.buf, sb.len);
    strbuf_release(&sb);
    return j;
}

int64_t clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void time_rfc3339(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int file_read_all(const char *path, size_t max, char **out, size_t *len)
{
    struct strbuf sb = STRBUF_INIT;
    int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    for (;;) {
        if (strbuf_grow(&sb, 8192) < 0) {
            errno = ENOMEM;
            goto fail;
        }
        ssize_t r = read(fd, sb.buf + sb.len, sb.cap - sb.len - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        if (r == 0)
            break;
        sb.len += (size_t)r;
        sb.buf[sb.len] = '\0';
        if (sb.len > max) {
            errno = EFBIG;
            goto fail;
        }
    }
    if (fd)
        close(fd);
    *out = strbuf_detach(&sb, len);
    return *out ? 0 : -1;
fail:
    if (fd) {
        int saved = errno;
        close(fd);
        errno = saved;
    }
    strbuf_release(&sb);
    return -1;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

int file_write_atomic_with(const char *path, int (*writer)(int fd, void *ctx), void *ctx)
{
    if (strcmp(path, "-") == 0)
        return writer(1, ctx);
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* /dev/null, a FIFO, /dev/stdout: write into it; a rename would replace the node. */
        int dfd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (dfd < 0)
            return -1;
        int wrc = writer(dfd, ctx), saved = errno;
        if (close(dfd) < 0 && wrc == 0)
            return -1;
        errno = saved;
        return wrc;
    }
    struct strbuf tmp = STRBUF_INIT;
    int rc = -1, fd = -1;
    if (strbuf_addf(&tmp, "%s.tmp.XXXXXX", path) < 0)
        goto out;
    fd = mkstemp(tmp.buf);
    if (fd < 0)
        goto out;
    if (writer(fd, ctx) < 0 || fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
        int saved = errno;
        close(fd);
        unlink(tmp.buf);
        errno = saved;
        fd = -1;
        goto out;
    }
    if (close(fd) < 0 || rename(tmp.buf, path) < 0) {
        int saved = errno;
        unlink(tmp.buf);
        errno = saved;
        fd = -1;
        goto out;
    }
    fd = -1;
    rc = 0;
out:
    strbuf_release(&tmp);
    return rc;
}

struct bytes {
    const char *data;
    size_t len;
};

static int write_bytes(int fd, void *ctx)
{
    const struct bytes *b = ctx;
    return write_all(fd, b->data, b->len);
}

int file_write_atomic(const char *path, const char *data, size_t len)
{
    struct bytes b = { data, len };
    return file_write_atomic_with(path, write_bytes, &b);
}

void sha256_hex(const void *data, size_t len, char *hex)
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    hex[64] = '\0';
}

int ascii_casecmp_n(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    if (alen != blen)
        return 1;
    for (size_t i = 0; i < alen; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return 1;
    }
    return 0;
}

int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    int row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int prev = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cur = row[j];
            int sub = prev + (a[i - 1] != b[j - 1]);
            int del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    return row[lb] > 99 ? 99 : row[lb];
}

const char *closest_word(const char *word, const char *const *cands)
{
    const char *best = NULL;
    int best_d = (int)strlen(word) / 3 + 2;
    for (size_t i = 0; cands[i]; i++) {
        int d = edit_distance(word, cands[i]);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best;
}

int json_list_has(const json_t *list, const char *word)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        const char *s = json_string_value(v);
        if (s && word && strcasecmp(s, word) == 0)
            return 1;
    }
    return 0;
}

/* Howard Hinnant's days_from_civil: eras of 400 years, March-based years. */
int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

const char *json_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

void ascii_printable(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            *s = '?';
}
