/*
 * test_report_output.c — reading a report back (report_parse, and report_read on top of it):
 * a report is accepted, JSON that is not one or is not JSON at all is refused with a
 * "name:line:col:" message, and that message stays one line of printable text whatever bytes
 * the file holds near the error; and a report written to a path that is not a regular file.
 */
#include <fcntl.h>
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

#include "report.h"
#include "report_output.h"

#define GOOD "{\"schema\": \"" REPORT_SCHEMA "\", \"targets\": [{\"url\": \"https://x/\"}]}"

static void test_parse_good(void **state)
{
    (void)state;
    struct coc_error e = { "" };
    json_t *rep = NULL;
    assert_int_equal(report_parse(GOOD, strlen(GOOD), "r.json", &rep, &e), 0);
    assert_non_null(rep);
    assert_string_equal(json_string_value(json_object_get(rep, "schema")), REPORT_SCHEMA);
    json_decref(rep);
}

/* The buffer need not be NUL-terminated: only len bytes are read. */
static void test_parse_not_terminated(void **state)
{
    (void)state;
    struct coc_error e = { "" };
    size_t n = strlen(GOOD);
    char *buf = malloc(n);
    json_t *rep = NULL;
    assert_non_null(buf);
    memcpy(buf, GOOD, n);
    assert_int_equal(report_parse(buf, n, "r.json", &rep, &e), 0);
    json_decref(rep);
    free(buf);
}

static void test_parse_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"schema\": \"https://example.org/other\", \"targets\": []}",
        "{\"schema\": \"" REPORT_SCHEMA "\", \"targets\": {}}",
        "[\"" REPORT_SCHEMA "\"]",
        "{\"schema\": \"" REPORT_SCHEMA "\", \"targets\": [], \"targets\": []}",
        "{\"schema\": ",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct coc_error e = { "" };
        json_t *rep = (json_t *)&e;
        assert_int_equal(report_parse(bad[i], strlen(bad[i]), "in.json", &rep, &e), -1);
        assert_null(rep);
        assert_true(strncmp(e.msg, "in.json:", 8) == 0);
    }
}

/* jansson quotes the bytes near a syntax error; newlines, ESC sequences and bytes that are not
 * ASCII must not reach the message (regression: they did). */
static void test_parse_error_message_printable(void **state)
{
    (void)state;
    static const char bad[] = "{\"schema\": \"" REPORT_SCHEMA "\", \"targets\": [1, {\"u\\\n"
                              "\0\033[31m\033]0;owned\007\xc2\x9b\xff\": 2}]}";
    struct coc_error e = { "" };
    json_t *rep = NULL;
    assert_int_equal(report_parse(bad, sizeof bad - 1, "in.json", &rep, &e), -1);
    assert_true(strncmp(e.msg, "in.json:", 8) == 0);
    assert_non_null(strstr(e.msg, "not a JSON report"));
    for (const unsigned char *c = (const unsigned char *)e.msg; *c; c++)
        assert_true(*c >= 0x20 && *c < 0x7f);
}

static void test_read_file(void **state)
{
    (void)state;
    char path[] = "/tmp/test_report_output.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, GOOD, strlen(GOOD)), (ssize_t)strlen(GOOD));
    close(fd);
    struct coc_error e = { "" };
    json_t *rep = NULL;
    assert_int_equal(report_read(path, &rep, &e), 0);
    assert_int_equal(json_array_size(json_object_get(rep, "targets")), 1);
    json_decref(rep);
    unlink(path);

    assert_int_equal(report_read(path, &rep, &e), -1);
    assert_null(rep);
    assert_non_null(strstr(e.msg, "cannot read the report"));
}

/* Writing to a path that is not a regular file (here a FIFO; /dev/null in real life) writes
 * into it. Regression: the temporary-then-rename replaced the node with a regular file, so
 * `--json /dev/null` run as root destroyed /dev/null. */
static void test_output_into_fifo(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_report_output.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    int rd = open(path, O_RDONLY | O_NONBLOCK); /* a reader, so the writer's open succeeds */
    assert_true(rd >= 0);

    struct coc_error e = { "" };
    json_t *rep = NULL;
    assert_int_equal(report_parse(GOOD, strlen(GOOD), "r.json", &rep, &e), 0);
    assert_int_equal(report_output(rep, REPORT_JSON, path, &e), 0);
    json_decref(rep);

    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    char buf[256];
    ssize_t n = read(rd, buf, sizeof buf - 1);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_non_null(strstr(buf, REPORT_SCHEMA));
    close(rd);
    unlink(path);
    rmdir(dir);
}

/* Read a whole small file into a new string. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

/* A target whose observations are kept as compact text is written exactly as the same target
 * with the tree, and exactly as jansson itself prints the whole report. */
static void test_output_observations_text(void **state)
{
    (void)state;
    const char *obs = "{\"tls\":{\"checks_run\":[\"tls.protocols\"],\"accepted\":[\"TLSv1.3\"],"
                      "\"note\":\"a \\\"quoted\\\" <b>\\n line\"},\"headers\":{}}";
    json_t *tree = json_pack("{s:s, s:[{s:s, s:n, s:o, s:[]}, {s:s, s:o, s:[]}], s:{}}",
                             "schema", REPORT_SCHEMA, "targets", "url", "https://a.example/",
                             "verdict", "observations", json_loads(obs, 0, NULL), "results",
                             "url", "https://b.example/", "observations", json_object(),
                             "results", "summary");
    json_t *text = json_deep_copy(tree);
    json_t *t0 = json_array_get(json_object_get(text, "targets"), 0);
    json_object_set_new(t0, "observations", json_null());
    json_object_set_new(t0, REPORT_OBS_TEXT, json_string(obs));
    char d[] = "/tmp/cocscan-out-XXXXXX", a[64], b[64];
    assert_non_null(mkdtemp(d));
    snprintf(a, sizeof a, "%s/a.json", d);
    snprintf(b, sizeof b, "%s/b.json", d);
    struct coc_error e = { "" };
    assert_int_equal(report_output(tree, REPORT_JSON, a, &e), 0);
    assert_int_equal(report_output(text, REPORT_JSON, b, &e), 0);
    char *sa = slurp(a), *sb = slurp(b), *want = report_dump(tree);
    assert_string_equal(sa, want);
    assert_string_equal(sb, want);
    assert_null(strstr(sb, "\x01"));
    free(sa);
    free(sb);
    free(want);
    unlink(a);
    unlink(b);
    rmdir(d);
    json_decref(tree);
    json_decref(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_not_terminated),
        cmocka_unit_test(test_parse_refused),
        cmocka_unit_test(test_parse_error_message_printable),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_output_into_fifo),
        cmocka_unit_test(test_output_observations_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
