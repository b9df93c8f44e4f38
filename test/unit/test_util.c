/*
 * test_util.c — the shared helpers: UTF-8 repair of untrusted bytes (every invalid byte becomes
 * U+FFFD, so JSON stays valid whatever a server sends), "did you mean" distances, SHA-256,
 * whole-file I/O with its size cap, and the strbuf string type.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "strbuf.h"
#include "util.h"

#define FFFD "\xEF\xBF\xBD"

/* json_string_lossy(in, n) must give exactly `want` (NUL-free). */
static void lossy_is(const char *in, size_t n, const char *want)
{
    json_t *j = json_string_lossy(in, n);
    assert_non_null(j);
    assert_int_equal(json_string_length(j), strlen(want));
    if (memcmp(json_string_value(j), want, strlen(want)) != 0)
        fail_msg("lossy gave \"%s\", want \"%s\"", json_string_value(j), want);
    json_decref(j);
}

#define LOSSY_IS(lit, want) lossy_is(lit, sizeof(lit) - 1, want)

static void test_lossy_valid_kept(void **state)
{
    (void)state;
    LOSSY_IS("", "");
    LOSSY_IS("plain ascii", "plain ascii");
    LOSSY_IS("Te Whatu Ora \xC4\x81", "Te Whatu Ora \xC4\x81");       /* ā, 2 bytes */
    LOSSY_IS("\xE2\x80\x94 dash", "\xE2\x80\x94 dash");                /* —, 3 bytes */
    LOSSY_IS("\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80");                  /* U+1F600, 4 bytes */
    LOSSY_IS("\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF");                  /* U+10FFFF, the last */
    LOSSY_IS("\xED\x9F\xBF", "\xED\x9F\xBF");                          /* U+D7FF, pre-surrogate */
    LOSSY_IS("\x1B[31m", "\x1B[31m"); /* control bytes are valid UTF-8: escaping is the writer's */
}

static void test_lossy_invalid_replaced(void **state)
{
    (void)state;
    LOSSY_IS("a\xFF" "b", "a" FFFD "b");
    LOSSY_IS("\x80", FFFD);                       /* lone continuation byte */
    LOSSY_IS("\xC3\x28", FFFD "(");               /* lead byte, then not a continuation */
    LOSSY_IS("\xF5\x80\x80\x80", FFFD FFFD FFFD FFFD); /* above U+10FFFF by lead byte */
    LOSSY_IS("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* above U+10FFFF by value */
}

static void test_lossy_nul_replaced(void **state)
{
    (void)state;
    LOSSY_IS("a\0b", "a" FFFD "b");
    LOSSY_IS("\0", FFFD);
}

static void test_lossy_overlong_and_surrogates(void **state)
{
    (void)state;
    LOSSY_IS("\xC0\xAF", FFFD FFFD);              /* overlong '/' */
    LOSSY_IS("\xC1\xBF", FFFD FFFD);
    LOSSY_IS("\xC0\x80", FFFD FFFD);              /* "modified UTF-8" NUL */
    LOSSY_IS("\xE0\x80\xAF", FFFD FFFD FFFD);     /* 3-byte overlong */
    LOSSY_IS("\xF0\x80\x80\xAF", FFFD FFFD FFFD FFFD); /* 4-byte overlong */
    LOSSY_IS("\xED\xA0\x80", FFFD FFFD FFFD);     /* U+D800 */
    LOSSY_IS("\xED\xBF\xBF", FFFD FFFD FFFD);     /* U+DFFF */
}

static void test_lossy_truncated_at_end(void **state)
{
    (void)state;
    LOSSY_IS("ok\xE2\x82", "ok" FFFD FFFD);       /* 2 of 3 bytes of € */
    LOSSY_IS("ok\xF0\x9F\x98", "ok" FFFD FFFD FFFD);
    LOSSY_IS("\xC3", FFFD);
    /* The length bounds the read: a valid sequence cut by n is treated as truncated. */
    lossy_is("\xE2\x82\xAC", 2, FFFD FFFD);
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(edit_distance("", ""), 0);
    assert_int_equal(edit_distance("abc", "abc"), 0);
    assert_int_equal(edit_distance("", "abc"), 3);
    assert_int_equal(edit_distance("abc", ""), 3);
    assert_int_equal(edit_distance("kitten", "sitting"), 3);
    assert_int_equal(edit_distance("contrls", "controls"), 1);
    assert_int_equal(edit_distance("tls.protocol", "tls.protocols"), 1);
    assert_int_equal(edit_distance("ab", "ba"), 2);
    char longer[80];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    assert_int_equal(edit_distance(longer, "a"), 99); /* capped */
}

static void test_closest_word(void **state)
{
    (void)state;
    static const char *const keys[] = { "profile", "title", "version", "controls",
                                        "attestations", NULL };
    static const char *const none[] = { NULL };
    assert_string_equal(closest_word("contrls", keys), "controls");
    assert_string_equal(closest_word("titel", keys), "title");
    assert_string_equal(closest_word("attestation", keys), "attestations");
    assert_null(closest_word("zzzzzzzz", keys));
    assert_null(closest_word("contrls", none));
}

static void test_sha256_hex(void **state)
{
    (void)state;
    char hex[65];
    sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

struct tmp {
    char dir[64];
    char path[128];
};

static int tmp_setup(void **state)
{
    struct tmp *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    strcpy(t->dir, "/tmp/cocscan-util-XXXXXX");
    if (!mkdtemp(t->dir)) {
        free(t);
        return -1;
    }
    snprintf(t->path, sizeof t->path, "%s/file.txt", t->dir);
    *state = t;
    return 0;
}

static int tmp_teardown(void **state)
{
    struct tmp *t = *state;
    unlink(t->path);
    int rc = rmdir(t->dir); /* fails if a temporary file was left behind */
    free(t);
    return rc;
}

static void test_file_round_trip(void **state)
{
    struct tmp *t = *state;
    static const char data[] = "line one\nline two\0with a NUL\n";
    char *out = NULL;
    size_t len = 0;

    assert_int_equal(file_write_atomic(t->path, data, sizeof data - 1), 0);
    struct stat st;
    assert_int_equal(stat(t->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(file_read_all(t->path, 1024, &out, &len), 0);
    assert_int_equal(len, sizeof data - 1);
    assert_memory_equal(out, data, len);
    assert_int_equal(out[len], '\0');
    free(out);

    /* Overwriting replaces the whole file. */
    assert_int_equal(file_write_atomic(t->path, "x", 1), 0);
    assert_int_equal(file_read_all(t->path, 1024, &out, &len), 0);
    assert_int_equal(len, 1);
    assert_string_equal(out, "x");
    free(out);

    /* An empty file reads as an empty, allocated string. */
    assert_int_equal(file_write_atomic(t->path, "", 0), 0);
    assert_int_equal(file_read_all(t->path, 1024, &out, &len), 0);
    assert_int_equal(len, 0);
    assert_non_null(out);
    assert_string_equal(out, "");
    free(out);
}

static void test_file_read_cap(void **state)
{
    struct tmp *t = *state;
    char data[20000];
    char *out = NULL;
    size_t len = 0;

    memset(data, 'z', sizeof data);
    assert_int_equal(file_write_atomic(t->path, data, sizeof data), 0);
    errno = 0;
    assert_int_equal(file_read_all(t->path, 100, &out, &len), -1);
    assert_int_equal(errno, EFBIG);
    errno = 0;
    assert_int_equal(file_read_all(t->path, sizeof data - 1, &out, &len), -1);
    assert_int_equal(errno, EFBIG);
    /* Exactly at the cap is allowed. */
    assert_int_equal(file_read_all(t->path, sizeof data, &out, &len), 0);
    assert_int_equal(len, sizeof data);
    free(out);
}

static void test_file_errors(void **state)
{
    struct tmp *t = *state;
    char path[160], *out = NULL;
    size_t len = 0;

    snprintf(path, sizeof path, "%s/missing", t->dir);
    errno = 0;
    assert_int_equal(file_read_all(path, 100, &out, &len), -1);
    assert_int_equal(errno, ENOENT);
    snprintf(path, sizeof path, "%s/no/such/dir/f", t->dir);
    assert_int_equal(file_write_atomic(path, "x", 1), -1);
}

static void test_strbuf_basics(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    assert_string_equal(sb.buf, "");
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.cap, 0);

    assert_int_equal(strbuf_adds(&sb, "abc"), 0);
    assert_int_equal(strbuf_addch(&sb, '-'), 0);
    assert_int_equal(strbuf_add(&sb, "xyz", 2), 0);
    assert_string_equal(sb.buf, "abc-xy");
    assert_int_equal(sb.len, 6);
    strbuf_reset(&sb);
    assert_string_equal(sb.buf, "");
    assert_int_equal(sb.len, 0);
    strbuf_release(&sb);
    assert_ptr_equal(sb.buf, strbuf_empty);
}

static void test_strbuf_addf_grows(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    char want[256] = "";
    for (int i = 0; i < 20; i++) {
        assert_int_equal(strbuf_addf(&sb, "[%02d:%s]", i, "item"), 0);
        snprintf(want + strlen(want), sizeof want - strlen(want), "[%02d:%s]", i, "item");
    }
    assert_int_equal(sb.len, 20 * 9);
    assert_true(sb.len > 64);
    assert_true(sb.cap > sb.len);
    assert_string_equal(sb.buf, want);

    /* One addf larger than the first allocation. */
    struct strbuf big = STRBUF_INIT;
    assert_int_equal(strbuf_addf(&big, "%0100d|%s", 7, "end"), 0);
    assert_int_equal(big.len, 104);
    assert_int_equal(big.buf[99], '7');
    assert_string_equal(big.buf + 100, "|end");
    strbuf_release(&big);
    strbuf_release(&sb);
}

static void test_strbuf_detach(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    size_t len = 99;

    /* Detaching an empty strbuf still gives a string the caller may free. */
    char *s = strbuf_detach(&sb, &len);
    assert_non_null(s);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    free(s);

    strbuf_adds(&sb, "hello");
    s = strbuf_detach(&sb, &len);
    assert_string_equal(s, "hello");
    assert_int_equal(len, 5);
    assert_ptr_equal(sb.buf, strbuf_empty);
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.cap, 0);
    free(s);

    /* Still usable after detach; releasing an empty strbuf is harmless, twice. */
    strbuf_adds(&sb, "again");
    assert_string_equal(sb.buf, "again");
    strbuf_release(&sb);
    strbuf_release(&sb);
    struct strbuf empty;
    strbuf_init(&empty);
    strbuf_release(&empty);
    assert_int_equal(strbuf_grow(&empty, SIZE_MAX), -1);
    strbuf_release(&empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lossy_valid_kept),
        cmocka_unit_test(test_lossy_invalid_replaced),
        cmocka_unit_test(test_lossy_nul_replaced),
        cmocka_unit_test(test_lossy_overlong_and_surrogates),
        cmocka_unit_test(test_lossy_truncated_at_end),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_closest_word),
        cmocka_unit_test(test_sha256_hex),
        cmocka_unit_test_setup_teardown(test_file_round_trip, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_read_cap, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_errors, tmp_setup, tmp_teardown),
        cmocka_unit_test(test_strbuf_basics),
        cmocka_unit_test(test_strbuf_addf_grows),
        cmocka_unit_test(test_strbuf_detach),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
