/*
 * test_targets_file.c — targets_file_parse/targets_file_load: a targets file becomes targets
 * whose paths are absolute URLs on each target's origin and whose accounts are the names of
 * environment variables (never their values), and every problem in it is reported as
 * file:line:col in one go, with "did you mean" where it helps. Also target_resolve.
 */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "diag.h"
#include "strbuf.h"
#include "target.h"
#include "targets_file.h"
#include "util.h"

#define FILE_NAME "t.yaml"

#define SPEC_EXAMPLE                                                                              \
    "targets:\n"                                                                                  \
    "  - url: https://127.0.0.1:8443/\n"                                                          \
    "    name: Demo portal\n"                                                                     \
    "    organisation: Demo PHO\n"                                                                \
    "    login:\n"                                                                                \
    "      form: /login              # the page that holds the login form\n"                      \
    "      username_env: COC_USER    # credentials come only from these variables\n"              \
    "      password_env: COC_PASS\n"                                                              \
    "      protected: /records       # a page only a fully signed-in user may see\n"              \
    "    second_account: { username_env: COC_USER2, password_env: COC_PASS2 }\n"                  \
    "    documents: [/documents/1043]   # documents the first account owns\n"                     \
    "    sensitive: [/login, /records]  # pages that must not be cached\n"

/* Parse text, which must succeed with no diagnostics. */
static struct target *parse_ok(const char *text, size_t *n)
{
    struct diag d = DIAG_INIT;
    struct target *t = NULL;
    if (targets_file_parse(FILE_NAME, text, strlen(text), &t, n, &d) != 0 || d.count != 0)
        fail_msg("targets_file_parse failed with %d problems:\n%s", d.count, d.text.buf);
    assert_non_null(t);
    assert_true(*n >= 1);
    diag_release(&d);
    return t;
}

/* Parse text, which must fail; the diagnostics are left in d. */
static void parse_fails(const char *text, struct diag *d)
{
    struct target *t = (struct target *)1;
    size_t n = 99;
    assert_int_equal(targets_file_parse(FILE_NAME, text, strlen(text), &t, &n, d), -1);
    assert_true(d->count >= 1);
    assert_null(t);
    assert_int_equal(n, 0);
}

/* Some diagnostic line starts "t.yaml:line:col: " and contains needle. */
static void expect_diag(const struct diag *d, int line, int col, const char *needle)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s:%d:%d: ", FILE_NAME, line, col);
    size_t plen = strlen(prefix);
    for (const char *l = d->text.buf; *l;) {
        const char *eol = strchr(l, '\n');
        size_t len = eol ? (size_t)(eol - l) : strlen(l);
        if (len >= plen && memcmp(l, prefix, plen) == 0) {
            char *copy = strndup(l, len);
            int hit = strstr(copy, needle) != NULL;
            free(copy);
            if (hit)
                return;
        }
        l += len + (eol ? 1 : 0);
    }
    fail_msg("no diagnostic \"%s...%s\" among:\n%s", prefix, needle, d->text.buf);
}

/* text must fail with exactly one problem, at line:col, containing needle. */
static void expect_one(const char *text, int line, int col, const char *needle)
{
    struct diag d = DIAG_INIT;
    parse_fails(text, &d);
    if (d.count != 1)
        fail_msg("%d problems, expected 1:\n%s", d.count, d.text.buf);
    expect_diag(&d, line, col, needle);
    diag_release(&d);
}

/* One target: "targets:\n  - url: https://h.example/\n" followed by `rest` (indented 4). */
#define ONE(rest) "targets:\n  - url: https://h.example/\n" rest

static void test_spec_example(void **state)
{
    (void)state;
    size_t n;
    struct target *t = parse_ok(SPEC_EXAMPLE, &n);
    assert_int_equal(n, 1);
    assert_string_equal(t->url, "https://127.0.0.1:8443/");
    assert_string_equal(t->host, "127.0.0.1");
    assert_int_equal(t->port, 8443);
    assert_int_equal(t->http_port, 80);
    assert_int_equal(t->http_port_fixed, 0);
    assert_string_equal(t->name, "Demo portal");
    assert_string_equal(t->organisation, "Demo PHO");
    assert_non_null(t->login);
    assert_string_equal(t->login->form_url, "https://127.0.0.1:8443/login");
    assert_string_equal(t->login->protected_url, "https://127.0.0.1:8443/records");
    assert_string_equal(t->login->account.username_env, "COC_USER");
    assert_string_equal(t->login->account.password_env, "COC_PASS");
    assert_non_null(t->second);
    assert_string_equal(t->second->username_env, "COC_USER2");
    assert_string_equal(t->second->password_env, "COC_PASS2");
    assert_int_equal(t->n_documents, 1);
    assert_string_equal(t->documents[0], "https://127.0.0.1:8443/documents/1043");
    assert_int_equal(t->n_sensitive, 2);
    assert_string_equal(t->sensitive[0], "https://127.0.0.1:8443/login");
    assert_string_equal(t->sensitive[1], "https://127.0.0.1:8443/records");
    assert_int_equal(t->n_storage, 0);
    assert_null(t->storage);
    assert_string_equal(t->source_file, FILE_NAME);
    assert_int_equal(t->source_line, 2);
    targets_free(t, n);
}

/* The loader stores names only: the variables' values (set here) appear nowhere. */
static void test_env_values_not_read(void **state)
{
    (void)state;
    size_t n;
    setenv("COC_USER", "alice-value", 1);
    setenv("COC_PASS", "hunter2-value", 1);
    struct target *t = parse_ok(SPEC_EXAMPLE, &n);
    assert_string_equal(t->login->account.username_env, "COC_USER");
    assert_string_equal(t->login->account.password_env, "COC_PASS");
    unsetenv("COC_USER");
    unsetenv("COC_PASS");
    targets_free(t, n);
}

/* Paths resolve on the origin (scheme, host, port), not relative to the url's own path. */
static void test_path_resolution(void **state)
{
    (void)state;
    size_t n;
    struct target *t = parse_ok("targets:\n"
                                "  - url: HTTPS://Portal.Example.NZ:443/app/home?x=1\n"
                                "    documents: [/doc?id=7, /a/b/../c]\n"
                                "  - url: https://[::1]:8443/x\n"
                                "    sensitive: [/]\n"
                                "  - url: portal.example.nz:9443\n"
                                "    login: {form: /l, protected: /p, username_env: _U1,"
                                " password_env: p_2}\n",
                                &n);
    assert_int_equal(n, 3);
    assert_string_equal(t[0].url, "https://portal.example.nz/app/home?x=1");
    assert_string_equal(t[0].documents[0], "https://portal.example.nz/doc?id=7");
    assert_string_equal(t[0].documents[1], "https://portal.example.nz/a/b/../c");
    assert_string_equal(t[1].sensitive[0], "https://[::1]:8443/");
    assert_string_equal(t[2].url, "https://portal.example.nz:9443/");
    assert_string_equal(t[2].login->form_url, "https://portal.example.nz:9443/l");
    assert_string_equal(t[2].login->protected_url, "https://portal.example.nz:9443/p");
    assert_string_equal(t[2].login->account.username_env, "_U1");
    assert_null(t[2].second);
    assert_null(t[2].name);
    assert_null(t[2].organisation);
    assert_int_equal(t[1].source_line, 4);
    assert_int_equal(t[2].source_line, 6);
    targets_free(t, n);
}

static void test_resolve_helper(void **state)
{
    (void)state;
    struct target t;
    struct coc_error e = { "" };
    assert_int_equal(target_parse("https://[2001:db8::1]/x/y", &t, &e), 0);
    char *u = target_resolve(&t, "/z");
    assert_string_equal(u, "https://[2001:db8::1]/z");
    free(u);
    assert_null(target_resolve(&t, "z"));
    assert_null(target_resolve(&t, NULL));
    target_release(&t);
    assert_null(t.url);
}

static void test_port_and_storage(void **state)
{
    (void)state;
    size_t n;
    struct target *t = parse_ok(ONE("    http_port: 8080\n"
                                    "    storage:\n"
                                    "      - https://Bucket.S3.amazonaws.com/?list-type=2\n"
                                    "      - https://store.example.org:8443/c#frag\n"
                                    "    documents: []\n"),
                                &n);
    assert_int_equal(t->http_port, 8080);
    assert_int_equal(t->http_port_fixed, 1);
    assert_int_equal(t->n_storage, 2);
    assert_string_equal(t->storage[0], "https://bucket.s3.amazonaws.com/?list-type=2");
    assert_string_equal(t->storage[1], "https://store.example.org:8443/c");
    assert_int_equal(t->n_documents, 0);
    targets_free(t, n);
}

static void test_file_shape_errors(void **state)
{
    (void)state;
    expect_one("", 1, 1, "the file is empty");
    expect_one("- url: https://x/\n", 1, 1,
               "a targets file must be a mapping with a 'targets' list, not a list");
    {
        struct diag d = DIAG_INIT;
        parse_fails("name: x\n", &d);
        assert_int_equal(d.count, 2);
        expect_diag(&d, 1, 1, "unknown key 'name' in the top level (expected: targets)");
        expect_diag(&d, 1, 1, "the file has no 'targets' list");
        diag_release(&d);
    }
    expect_one("targts: []\ntargets: [{url: https://x/}]\n", 1, 1,
               "unknown key 'targts' in the top level (did you mean 'targets'?)");
    expect_one("targets:\n", 1, 9, "targets must be a list of targets, not null");
    expect_one("targets: {url: https://x/}\n", 1, 10,
               "targets must be a list of targets, not a mapping");
    expect_one("targets: []\n", 1, 10, "targets is empty");
    expect_one("targets:\n  - https://x/\n", 2, 5,
               "a target must be a mapping (- url: https://...), not a string");
    expect_one("targets: [{url: https://x/}]\n---\nx: 1\n", 2, 1, "only one YAML document");
    expect_one("targets: [\n", 2, 1, "YAML syntax error");
    expect_one("targets: [{url: https://x/, name: a, name: b}]\n", 1, 38, "duplicate key 'name'");
}

static void test_url_errors(void **state)
{
    (void)state;
    expect_one("targets:\n  - name: x\n", 2, 5, "target has no 'url'");
    expect_one("targets:\n  - url: http://x/\n", 2, 10, "url: http://x/: only https://");
    expect_one("targets:\n  - url: https://a:b@x/\n", 2, 10, "credentials in the URL");
    expect_one("targets:\n  - url:\n", 2, 9, "url must be a string, not null");
    expect_one("targets:\n  - url: [https://x/]\n", 2, 10, "url must be a string, not a list");
    expect_one("targets:\n  - url: https://x/\n  - url: HTTPS://X:443\n", 3, 10,
               "duplicate target https://x/ (first at line 2)");
}

static void test_target_key_errors(void **state)
{
    (void)state;
    expect_one(ONE("    organization: X\n"), 3, 5,
               "unknown key 'organization' in a target (did you mean 'organisation'?)");
    expect_one(ONE("    documnets: [/a]\n"), 3, 5, "(did you mean 'documents'?)");
    expect_one(ONE("    max_enum: 5\n"), 3, 5,
               "unknown key 'max_enum' in a target (expected: url,");
    expect_one(ONE("    name: \"\"\n"), 3, 11, "name must not be empty");
    expect_one(ONE("    name: [a]\n"), 3, 11, "name must be a string, not a list");
    expect_one(ONE("    organisation: ~\n"), 3, 19, "organisation must be a string, not null");
    expect_one(ONE("    name: \"a\\0b\"\n"), 3, 11, "name must not contain a NUL character");
    expect_one(ONE("    http_port: 0\n"), 3, 16, "http_port must be 1-65535, not 0");
    expect_one(ONE("    http_port: 65536\n"), 3, 16, "http_port must be 1-65535, not 65536");
    expect_one(ONE("    http_port: \"80\"\n"), 3, 16,
               "http_port must be a port number, not a string");
}

static void test_login_errors(void **state)
{
    (void)state;
    expect_one(ONE("    login: yes\n"), 3, 12, "login must be a mapping with form, username_env");
    {
        struct diag d = DIAG_INIT;
        parse_fails(ONE("    login: {form: /l}\n"), &d);
        assert_int_equal(d.count, 3);
        expect_diag(&d, 3, 5, "login has no 'username_env'");
        expect_diag(&d, 3, 5, "login has no 'password_env'");
        expect_diag(&d, 3, 5, "login has no 'protected'");
        diag_release(&d);
    }
    expect_one(ONE("    login: {form: login, protected: /p, username_env: U, password_env: P}\n"),
               3, 19, "login.form must be a path starting with '/'");
    expect_one(ONE("    login: {form: /l, protected: https://h.example/p, username_env: U, "
                   "password_env: P}\n"),
               3, 34, "login.protected must be a path starting with '/'");
    expect_one(ONE("    login: {form: /l, protected: /p, username_evn: U, username_env: U, "
                   "password_env: P}\n"),
               3, 38, "unknown key 'username_evn' in login (did you mean 'username_env'?)");
    expect_one(ONE("    login: {form: /l, protected: /p, username_env: 9U, password_env: P}\n"),
               3, 52, "login.username_env must be the name of an environment variable");
    /* A secret written where a variable name belongs is never echoed. */
    struct diag d = DIAG_INIT;
    parse_fails(ONE("    login: {form: /l, protected: /p, username_env: U, "
                    "password_env: \"hunter2!\"}\n"),
                &d);
    assert_int_equal(d.count, 1);
    expect_diag(&d, 3, 69, "login.password_env must be the name of an environment variable");
    assert_null(strstr(d.text.buf, "hunter2"));
    diag_release(&d);
}

static void test_second_account_errors(void **state)
{
    (void)state;
    expect_one(ONE("    second_account: {username_env: U2, password_env: P2}\n"), 3, 5,
               "second_account needs 'login' (the first account)");
    expect_one(ONE("    login: {form: /l, protected: /p, username_env: U, password_env: P}\n"
                   "    second_account: {username_env: U2}\n"),
               4, 5, "second_account has no 'password_env'");
    expect_one(ONE("    login: {form: /l, protected: /p, username_env: U, password_env: P}\n"
                   "    second_account: [U2, P2]\n"),
               4, 21, "second_account must be a mapping with username_env and password_env");
    expect_one(ONE("    login: {form: /l, protected: /p, username_env: U, password_env: P}\n"
                   "    second_account: {username_env: U2, password_env: P2, form: /x}\n"),
               4, 58, "unknown key 'form' in second_account (expected: username_env, "
                      "password_env)");
    expect_one(ONE("    login: {form: /l, protected: /p, username_env: U, password_env: P}\n"
                   "    second_account: {username_env: U-2, password_env: P2}\n"),
               4, 36, "second_account.username_env must be the name of an environment variable");
}

static void test_path_errors(void **state)
{
    (void)state;
    expect_one(ONE("    documents: /a\n"), 3, 16,
               "documents must be a list of paths, not a string");
    expect_one(ONE("    sensitive: {a: 1}\n"), 3, 16, "sensitive must be a list of paths, not a");
    expect_one(ONE("    documents: [/a, a]\n"), 3, 21,
               "documents[1] must be a path starting with '/' (on the target's origin), not 'a'");
    expect_one(ONE("    documents: [//evil.example/x]\n"), 3, 17,
               "documents[0]: '//evil.example/x' starts with '//'");
    expect_one(ONE("    sensitive: [\"/a b\"]\n"), 3, 17, "sensitive[0]: '/a b' has a space");
    expect_one(ONE("    sensitive: [\"/a\\tb\"]\n"), 3, 17, "sensitive[0]: '/a\\tb' has a space");
    expect_one(ONE("    documents: [/x#y]\n"), 3, 17, "documents[0]: '/x#y' has a fragment");
    expect_one(ONE("    documents: [~]\n"), 3, 17, "documents[0] must be a string, not null");
}

static void test_storage_errors(void **state)
{
    (void)state;
    expect_one(ONE("    storage: https://b.example/\n"), 3, 14,
               "storage must be a list of https:// URLs, not a string");
    expect_one(ONE("    storage: [http://b.example/]\n"), 3, 15,
               "storage[0] must be an absolute https:// URL");
    expect_one(ONE("    storage: [b.example]\n"), 3, 15,
               "storage[0] must be an absolute https:// URL");
    expect_one(ONE("    storage: [\"https://b.example:0/\"]\n"), 3, 15, "storage[0]: ");
    expect_one(ONE("    storage: [\"https://k:s@b.example/\"]\n"), 3, 15,
               "credentials in the URL are not accepted");
}

/* The 10,001st target is refused; 10,000 are fine. */
static void test_target_limit(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "targets:\n");
    for (int i = 0; i < TARGETS_FILE_MAX_TARGETS; i++)
        strbuf_addf(&sb, "- url: https://h%d.example/\n", i);
    size_t n;
    struct target *t = parse_ok(sb.buf, &n);
    assert_int_equal(n, TARGETS_FILE_MAX_TARGETS);
    assert_string_equal(t[9999].url, "https://h9999.example/");
    targets_free(t, n);
    strbuf_adds(&sb, "- url: https://one-more.example/\n");
    expect_one(sb.buf, TARGETS_FILE_MAX_TARGETS + 2, 3, "more than 10000 targets");
    strbuf_release(&sb);
}

/* Every problem of a file in one run, in file order, one line each. */
static void test_all_problems_at_once(void **state)
{
    (void)state;
    struct diag d = DIAG_INIT;
    parse_fails("targets:\n"
                "  - url: https://a.example/\n"
                "    nmae: A\n"
                "    documents: [docs/1]\n"
                "    http_port: 99999\n"
                "  - url: https://a.example\n"
                "    second_account: {username_env: U, password_env: P}\n"
                "  - organisation: Nobody\n"
                "oops: 1\n",
                &d);
    assert_string_equal(d.text.buf,
                        "t.yaml:9:1: unknown key 'oops' in the top level (expected: targets)\n"
                        "t.yaml:3:5: unknown key 'nmae' in a target (did you mean 'name'?)\n"
                        "t.yaml:4:17: documents[0] must be a path starting with '/' (on the "
                        "target's origin), not 'docs/1'\n"
                        "t.yaml:5:16: http_port must be 1-65535, not 99999\n"
                        "t.yaml:6:10: duplicate target https://a.example/ (first at line 2)\n"
                        "t.yaml:7:5: second_account needs 'login' (the first account) in the "
                        "same target\n"
                        "t.yaml:8:5: target has no 'url'\n");
    assert_int_equal(d.count, 7);
    diag_release(&d);
}

/* Paths of a target whose url is broken are still checked (and the url reported once). */
static void test_broken_url_paths_still_checked(void **state)
{
    (void)state;
    struct diag d = DIAG_INIT;
    parse_fails("targets:\n  - url: ftp://x/\n    documents: [/ok, bad]\n", &d);
    assert_int_equal(d.count, 2);
    expect_diag(&d, 2, 10, "unsupported scheme 'ftp'");
    expect_diag(&d, 3, 22, "documents[1] must be a path starting with '/'");
    diag_release(&d);
}

static void test_load_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/cocscan-targets-XXXXXX", path[96];
    struct diag d = DIAG_INIT;
    struct target *t;
    size_t n;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.yaml", dir);

    assert_int_equal(targets_file_load(path, &t, &n, &d), -1);
    assert_int_equal(d.count, 1);
    assert_non_null(strstr(d.text.buf, "t.yaml: cannot read the targets file: No such file"));
    assert_null(t);
    diag_release(&d);

    assert_int_equal(targets_file_load("-", &t, &n, &d), -1);
    assert_string_equal(d.text.buf,
                        "--targets: '-' (standard input) is not supported; name a file\n");
    diag_release(&d);

    assert_int_equal(file_write_atomic(path, SPEC_EXAMPLE, strlen(SPEC_EXAMPLE)), 0);
    assert_int_equal(targets_file_load(path, &t, &n, &d), 0);
    assert_int_equal(d.count, 0);
    assert_int_equal(n, 1);
    assert_string_equal(t->source_file, path);
    targets_free(t, n);

    char *big = calloc(1, TARGETS_FILE_MAX_BYTES + 2);
    assert_non_null(big);
    memset(big, '#', TARGETS_FILE_MAX_BYTES + 1);
    assert_int_equal(file_write_atomic(path, big, TARGETS_FILE_MAX_BYTES + 1), 0);
    free(big);
    assert_int_equal(targets_file_load(path, &t, &n, &d), -1);
    assert_non_null(strstr(d.text.buf, "cannot read the targets file: larger than 4 MiB"));
    diag_release(&d);

    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_example),
        cmocka_unit_test(test_env_values_not_read),
        cmocka_unit_test(test_path_resolution),
        cmocka_unit_test(test_resolve_helper),
        cmocka_unit_test(test_port_and_storage),
        cmocka_unit_test(test_file_shape_errors),
        cmocka_unit_test(test_url_errors),
        cmocka_unit_test(test_target_key_errors),
        cmocka_unit_test(test_login_errors),
        cmocka_unit_test(test_second_account_errors),
        cmocka_unit_test(test_path_errors),
        cmocka_unit_test(test_storage_errors),
        cmocka_unit_test(test_target_limit),
        cmocka_unit_test(test_all_problems_at_once),
        cmocka_unit_test(test_broken_url_paths_still_checked),
        cmocka_unit_test(test_load_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
