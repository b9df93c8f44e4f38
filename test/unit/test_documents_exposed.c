/*
 * test_documents_exposed.c — the pure parts of documents.exposed_paths and documents.listing:
 * an answer like the soft-404 baseline is told apart from a real file, the directories worth
 * asking for a listing come from the documents' parents and the common upload paths, an
 * object-store link leads to its bucket (never to the object, never with its signature), and
 * what an exposed file showed is described without its secrets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "documents_exposed.h"
#include "documents_listing.h"
#include "listing.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"

/* ---- docs_like_baseline ---- */

static void test_baseline_identical(void **state)
{
    (void)state;
    struct docs_answer base[] = { { 404, "text/html", 300, H1 }, { 200, "text/html", 1000, H1 } };
    struct docs_answer same = { 200, "text/html", 1000, H1 };
    assert_true(docs_like_baseline(base, 2, &same, 0));
    /* the same bytes are the catch-all page even when they look like the real file */
    assert_true(docs_like_baseline(base, 2, &same, 1));
    /* the same bytes with another status are another answer */
    struct docs_answer other_status = { 403, "text/html", 1000, H1 };
    assert_false(docs_like_baseline(base, 2, &other_status, 0));
}

static void test_baseline_similar_length(void **state)
{
    (void)state;
    /* a soft 404 echoing the path: another hash, nearly the same length */
    struct docs_answer base[] = { { 200, "text/html; charset=utf-8", 1000, H1 } };
    struct docs_answer r = { 200, "Text/HTML;charset=UTF-8", 1040, H2 };
    assert_true(docs_like_baseline(base, 1, &r, 0));
    r.length = 950;
    assert_true(docs_like_baseline(base, 1, &r, 0));
    /* real content is never dismissed for its length alone */
    assert_false(docs_like_baseline(base, 1, &r, 1));
    r.length = 1060; /* 6% longer */
    assert_false(docs_like_baseline(base, 1, &r, 0));
    r.length = 1000;
    r.content_type = "text/plain";
    assert_false(docs_like_baseline(base, 1, &r, 0));
    r.content_type = NULL;
    assert_false(docs_like_baseline(base, 1, &r, 0));
    struct docs_answer none[] = { { 200, NULL, 0, H1 } };
    struct docs_answer empty = { 200, NULL, 0, H2 };
    assert_true(docs_like_baseline(none, 1, &empty, 0));
    empty.length = 1;
    assert_false(docs_like_baseline(none, 1, &empty, 0));
    assert_false(docs_like_baseline(NULL, 0, &empty, 0));
}

/* ---- docs_dir_candidates ---- */

static json_t *strings(const char *const *s)
{
    json_t *a = json_array();
    for (; *s; s++)
        json_array_append_new(a, json_string(*s));
    return a;
}

static void expect_list(const json_t *got, const char *const *want)
{
    size_t n = 0;
    for (; want[n]; n++) {
        const char *g = json_string_value(json_array_get(got, n));
        if (!g || strcmp(g, want[n]) != 0)
            fail_msg("item %zu: got %s, want %s", n, g ? g : "(none)", want[n]);
    }
    assert_int_equal(json_array_size(got), n);
}

#define P "https://portal.example.nz:8443"

static void test_dir_candidates(void **state)
{
    (void)state;
    const char *docs[] = { P "/documents/1043", P "/patients/77/letters/2024/scan.pdf",
                           P "/doc?id=7", "https://other.example.nz/files/1", P "/documents/1044",
                           P "/records/9/", NULL };
    json_t *d = strings(docs);
    json_t *got = docs_dir_candidates(P "/app/", d, 32);
    const char *want[] = { P "/documents/", P "/patients/77/letters/2024/",
                           P "/patients/77/letters/", P "/patients/77/", P "/patients/",
                           P "/records/", P "/uploads/", P "/files/", P "/attachments/",
                           P "/media/", P "/upload/", P "/static/uploads/", P "/userfiles/",
                           NULL };
    expect_list(got, want);
    json_decref(got);
    got = docs_dir_candidates(P "/", d, 3);
    const char *capped[] = { P "/documents/", P "/patients/77/letters/2024/",
                             P "/patients/77/letters/", NULL };
    expect_list(got, capped);
    json_decref(got);
    json_decref(d);
    const char *none[] = { NULL };
    json_t *empty = strings(none);
    got = docs_dir_candidates("https://h.example/", empty, 16);
    assert_int_equal(json_array_size(got), 8);
    assert_string_equal(json_string_value(json_array_get(got, 0)), "https://h.example/uploads/");
    json_decref(got);
    json_decref(empty);
}

/* ---- docs_store_root ---- */

static void expect_root(const char *link, const char *root, const char *kind)
{
    char *got = NULL;
    const char *k = NULL;
    int rc = docs_store_root(link, &got, &k);
    if (!root) {
        if (rc != 0)
            fail_msg("%s: taken for storage (%s)", link, got ? got : "?");
        assert_null(got);
        return;
    }
    if (rc != 1)
        fail_msg("%s: not taken for storage", link);
    if (strcmp(got, root) != 0)
        fail_msg("%s: root %s, want %s", link, got, root);
    assert_string_equal(k, kind);
    free(got);
}

static void test_store_root(void **state)
{
    (void)state;
    /* a presigned object link leads to its bucket, never to the object or its signature */
    expect_root("https://demo-docs.s3.amazonaws.com/patients/1043.pdf?X-Amz-Signature=ab&X-Amz-"
                "Expires=300", "https://demo-docs.s3.amazonaws.com/", "s3");
    expect_root("https://demo-docs.s3.ap-southeast-2.amazonaws.com/a.pdf",
                "https://demo-docs.s3.ap-southeast-2.amazonaws.com/", "s3");
    expect_root("https://s3.ap-southeast-2.amazonaws.com/demo-docs/a/b.pdf",
                "https://s3.ap-southeast-2.amazonaws.com/demo-docs/", "s3");
    expect_root("https://s3.amazonaws.com/", "https://s3.amazonaws.com/", "s3");
    expect_root("https://acct.blob.core.windows.net/letters/1043.pdf?sv=2020&sig=x",
                "https://acct.blob.core.windows.net/letters?restype=container&comp=list",
                "azure");
    expect_root("https://acct.blob.core.windows.net/",
                "https://acct.blob.core.windows.net/?comp=list", "azure");
    expect_root("https://storage.googleapis.com/demo-docs/x/y.pdf",
                "https://storage.googleapis.com/demo-docs/", "gcs");
    expect_root("https://demo-docs.storage.googleapis.com/y.pdf",
                "https://demo-docs.storage.googleapis.com/", "gcs");
    /* on the portal's own origin: paths and queries that name storage */
    expect_root(P "/storage/portal-docs/", P "/storage/portal-docs/", "storage");
    expect_root(P "/storage/portal-docs", P "/storage/portal-docs/", "storage");
    expect_root(P "/storage/portal-docs/doc-1040.pdf", P "/storage/portal-docs/", "storage");
    expect_root(P "/storage/doc-1040.pdf", P "/storage/", "storage");
    expect_root(P "/api/S3/bkt/k", P "/api/S3/bkt/", "storage");
    expect_root(P "/files/my-bucket/x.pdf", P "/files/my-bucket/", "storage");
    expect_root(P "/list?list-type=2&prefix=a", P "/list?list-type=2&prefix=a", "s3");
    expect_root(P "/c?restype=container&comp=list", P "/c?restype=container&comp=list",
                "azure");
    /* not storage */
    expect_root(P "/records", NULL, NULL);
    expect_root(P "/css3/site.css", NULL, NULL);
    expect_root(P "/assets/s3cret.js", NULL, NULL);
    expect_root(P "/img/s3.png", NULL, NULL);
    expect_root(P "/s3-docs/letters/1.pdf", P "/s3-docs/letters/", "storage");
    expect_root(P "/storage-policy.html", NULL, NULL);
    expect_root("https://cdn.example.com/s3x/a.png", NULL, NULL);
    expect_root("mailto:someone@example.com", NULL, NULL);
    expect_root("not a url", NULL, NULL);
}

/* ---- docs_exposed_signature ---- */

static char *signature(const char *path, const char *body, size_t n)
{
    const struct exposed_path *p = exposed_path_find(path);
    assert_non_null(p);
    json_t *s = docs_exposed_signature(p, (const unsigned char *)body, n);
    assert_true(json_is_string(s));
    char *out = strdup(json_string_value(s));
    json_decref(s);
    return out;
}

static void test_signature(void **state)
{
    (void)state;
    char *s = signature("/.git/HEAD", "ref: refs/heads/main\n", 21);
    assert_string_equal(s, "ref: refs/heads/main");
    free(s);
    static const char env[] = "# production\nAPP_KEY=base64:c2VjcmV0\nexport DB_PASSWORD="
                              "hunter2\nA=1\nB=2\nC=3\nD=4\n";
    s = signature("/.env", env, sizeof env - 1);
    assert_non_null(strstr(s, "APP_KEY, DB_PASSWORD, A, B, C"));
    assert_non_null(strstr(s, "(6 in all)"));
    assert_null(strstr(s, "hunter2"));
    assert_null(strstr(s, "c2VjcmV0"));
    free(s);
    s = signature("/backup.zip", "PK\3\4\24\0\0\0\10\0secret-name.sql", 25);
    assert_string_equal(s, "starts with PK\\x03\\x04\\x14\\x00\\x00\\x00");
    free(s);
    static const char status[] = "<html><head><title>Apache Status</title></head><body><h1>"
                                 "Apache Server Status for 10.0.0.5</h1></body></html>";
    s = signature("/server-status", status, sizeof status - 1);
    assert_string_equal(s, "page titled \"Apache Status\"");
    free(s);
    s = signature("/server-status", "Active connections: 3 \nserver accepts handled\n", 46);
    assert_string_equal(s, "Active connections: 3 ");
    free(s);
    s = signature("/dump.sql", "-- MySQL dump 10.13\n-- Host: db\nINSERT INTO patients\n", 52);
    assert_string_equal(s, "-- MySQL dump 10.13");
    free(s);
    s = signature("/dump.sql", "INSERT INTO patients VALUES ('Jane Doe')\n", 41);
    assert_string_equal(s, "content in the file's own format");
    free(s);
    s = signature("/.htpasswd", "admin:$apr1$abc$def\n", 20);
    assert_string_equal(s, "content in the file's own format");
    free(s);
    /* a long first line is cut; bytes that are not UTF-8 stay valid JSON */
    char line[300];
    memset(line, 'a', sizeof line);
    line[0] = (char)0xff;
    s = signature("/.git/HEAD", line, sizeof line);
    assert_true(strlen(s) <= 82);
    free(s);
    s = signature("/.git/HEAD", "", 0);
    assert_string_equal(s, "");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline_identical),
        cmocka_unit_test(test_baseline_similar_length),
        cmocka_unit_test(test_dir_candidates),
        cmocka_unit_test(test_store_root),
        cmocka_unit_test(test_signature),
    };
    return cmocka_run_group_tests_name("documents_exposed", tests, NULL, NULL);
}
