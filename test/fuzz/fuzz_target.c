/*
 * fuzz_target.c — libFuzzer target for target_parse (scanner/target.c), which turns what a user
 * typed into the https URL, host, port and path a scan uses.
 *
 * Input: the URL, copied and NUL-terminated (so anything after an embedded NUL is ignored).
 * Invariants, any violation aborts:
 *   - success: url starts with "https://" and has only bytes 0x21..0x7e, host is non-empty,
 *     1 <= port <= 65535, path starts with '/'; parsing the normalised url again succeeds and
 *     gives the same url, host, port and path (normalisation is idempotent);
 *   - failure: returns -1 and e.msg is a non-empty, terminated string;
 *   - never echo a password: when the input has an '@' after its scheme ("x://", or the start
 *     if there is none), the bytes between the scheme and the last '@', if 4 or more, must not
 *     appear in the error message (see check_no_secret for how coincidences are told apart).
 *
 * Build: make build/fuzz/fuzz_target
 * Run:   build/fuzz/fuzz_target -max_total_time=60 /tmp/scratch_target test/fuzz/corpus/target
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "target.h"


/* Where the part after the scheme starts: past "scheme://" when the input starts with one. */
static const char *after_scheme(const char *url)
{
    size_t n = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
    return strncmp(url + n, "://", 3) == 0 ? url + n + 3 : url;
}

/* Flip what parsing cannot tell apart (letter case, which byte >= 0x80); 0 if none was. */
static int twin(char *s, size_t n)
{
    int changed = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) {
            s[i] = (char)(c >= 0x80 ? c ^ 1 : c ^ 0x20);
            changed = 1;
        }
    }
    return changed;
}

/*
 * The secret is [start, at). It leaks when it is in msg and its twin (same parse, other bytes)
 * is at the same offset of the twin input's message: a coincidence (the secret spelled by the
 * public parts or the fixed text) cannot follow the twin. With no twin possible (only digits
 * and punctuation), only the secret followed by its '@' counts: the fixed text has no '@'.
 */
static void check_no_secret(const char *url, const char *msg)
{
    const char *start = after_scheme(url), *at = strrchr(start, '@');
    size_t n = at ? (size_t)(at - start) : 0, mlen = strlen(msg);
    const char *hit = n >= 4 ? memmem(msg, mlen, start, n) : NULL;

    if (!hit)
        return;
    char *url2 = strdup(url);
    check(url2 != NULL);
    if (twin(url2 + (start - url), n)) {
        struct target t2;
        struct coc_error e2;
        memset(&e2, 0, sizeof e2);
        check(target_parse(url2, &t2, &e2) == -1); /* the twin parses the same way */
        for (; hit; hit = memmem(hit + 1, mlen - (size_t)(hit + 1 - msg), start, n)) {
            size_t k = (size_t)(hit - msg);
            if (k + n <= strlen(e2.msg) && memcmp(e2.msg + k, url2 + (start - url), n) == 0)
                abort(); /* a password typed into the URL was echoed */
        }
    } else if (memmem(msg, mlen, start, n + 1)) {
        abort(); /* echoed as it was typed, up to the '@' */
    }
    free(url2);
}

static void check_ok(const struct target *t)
{
    check(t->url && strncmp(t->url, "https://", 8) == 0);
    for (const unsigned char *c = (const unsigned char *)t->url; *c; c++)
        check(*c >= 0x21 && *c < 0x7f);
    check(t->host && t->host[0] != '\0');
    check(t->port >= 1 && t->port <= 65535);
    check(t->path && t->path[0] == '/');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = malloc(size + 1);
    struct target t, again;
    struct coc_error e;

    check(url != NULL);
    memcpy(url, data, size);
    url[size] = '\0';
    memset(&e, 0, sizeof e);

    int rc = target_parse(url, &t, &e);
    check(rc == 0 || rc == -1);
    if (rc == 0) {
        check_ok(&t);
        memset(&e, 0, sizeof e);
        check(target_parse(t.url, &again, &e) == 0);
        check(strcmp(again.url, t.url) == 0 && strcmp(again.host, t.host) == 0);
        check(again.port == t.port && strcmp(again.path, t.path) == 0);
        check(again.host_is_ip == t.host_is_ip);
        target_release(&again);
        target_release(&t);
    } else {
        check(memchr(e.msg, '\0', sizeof e.msg) != NULL);
        check(e.msg[0] != '\0');
        check_no_secret(url, e.msg);
        check(t.url == NULL && t.host == NULL && t.path == NULL);
    }
    free(url);
    return 0;
}
