/*
 * test_yamldoc.c — the position-keeping YAML tree: 1-based line/column of keys and values,
 * plain scalars resolved to bool/int/null only when unquoted, and the refusals that keep a
 * hostile file cheap (deep nesting, aliases, several documents) reported as diagnostics.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "strbuf.h"
#include "yamldoc.h"

/* Parse text, which must succeed without diagnostics. Caller frees. */
static struct ynode *parse_ok(const char *text)
{
    struct diag d = DIAG_INIT;
    struct ynode *root = NULL;
    int rc = ydoc_parse("t.yaml", text, strlen(text), &root, &d);
    if (rc != 0 || d.count != 0)
        fail_msg("parse failed (%d problems): %s", d.count, d.text.buf);
    assert_non_null(root);
    diag_release(&d);
    return root;
}

/* Parse text, which must fail with a diagnostic containing `needle`. */
static void parse_fails(const char *text, size_t len, const char *needle)
{
    struct diag d = DIAG_INIT;
    struct ynode *root = (struct ynode *)&d; /* must be reset to NULL */
    assert_int_equal(ydoc_parse("t.yaml", text, len, &root, &d), -1);
    assert_null(root);
    assert_true(d.count >= 1);
    if (!strstr(d.text.buf, needle))
        fail_msg("diagnostics lack \"%s\": %s", needle, d.text.buf);
    assert_true(strncmp(d.text.buf, "t.yaml:", 7) == 0);
    diag_release(&d);
}

static void assert_pos(const struct ynode *n, int line, int col)
{
    assert_non_null(n);
    assert_int_equal(n->line, line);
    assert_int_equal(n->col, col);
}

static void test_positions(void **state)
{
    (void)state;
    struct ynode *root = parse_ok("a: 1\n"
                                  "b:\n"
                                  "  c: \"x\"\n"
                                  "  list:\n"
                                  "    - one\n"
                                  "    - { k: v }\n");
    assert_int_equal(root->type, YN_MAP);
    assert_int_equal(root->n, 2);
    assert_pos(root, 1, 1);
    assert_pos(root->keys[0], 1, 1);
    assert_string_equal(root->keys[0]->value, "a");
    assert_pos(root->items[0], 1, 4);
    struct ynode *b = ynode_get(root, "b");
    assert_int_equal(b->type, YN_MAP);
    assert_pos(b->keys[0], 3, 3);
    assert_pos(ynode_get(b, "c"), 3, 6);
    struct ynode *list = ynode_get(b, "list");
    assert_int_equal(list->type, YN_SEQ);
    assert_int_equal(list->n, 2);
    assert_pos(list->items[0], 5, 7);
    assert_string_equal(list->items[0]->value, "one");
    assert_int_equal(list->items[1]->type, YN_MAP);
    assert_pos(list->items[1], 6, 7);
    assert_pos(ynode_get(list->items[1], "k"), 6, 12);
    assert_null(ynode_get(root, "missing"));
    assert_null(ynode_get(list, "k")); /* not a map */
    ynode_free(root);
}

static void test_plain_vs_quoted(void **state)
{
    (void)state;
    struct ynode *root = parse_ok("p: true\n"
                                  "q: \"true\"\n"
                                  "s: 'false'\n"
                                  "i: 42\n"
                                  "qi: \"42\"\n"
                                  "n: null\n"
                                  "qn: \"null\"\n"
                                  "e:\n"
                                  "qe: \"\"\n");
    int b = -1;
    long long i = -1;
    const struct ynode *p = ynode_get(root, "p"), *q = ynode_get(root, "q");
    assert_true(p->plain);
    assert_false(q->plain);
    assert_int_equal(ynode_bool(p, &b), 0);
    assert_int_equal(b, 1);
    assert_int_equal(ynode_bool(q, &b), -1);
    assert_string_equal(q->value, "true");
    assert_string_equal(ynode_type_name(q), "a string");
    assert_string_equal(ynode_type_name(p), "a boolean");
    assert_int_equal(ynode_bool(ynode_get(root, "s"), &b), -1);
    assert_int_equal(ynode_int(ynode_get(root, "i"), &i), 0);
    assert_int_equal(i, 42);
    assert_string_equal(ynode_type_name(ynode_get(root, "i")), "an integer");
    assert_int_equal(ynode_int(ynode_get(root, "qi"), &i), -1);
    assert_true(ynode_is_null(ynode_get(root, "n")));
    assert_false(ynode_is_null(ynode_get(root, "qn")));
    assert_true(ynode_is_null(ynode_get(root, "e")));
    assert_false(ynode_is_null(ynode_get(root, "qe")));
    assert_string_equal(ynode_type_name(ynode_get(root, "n")), "null");
    assert_string_equal(ynode_type_name(root), "a mapping");
    ynode_free(root);
}

/* A scalar node as the parser would make it. */
static struct ynode scalar(const char *v, int plain)
{
    struct ynode n = { .type = YN_SCALAR, .line = 1, .col = 1 };
    n.value = (char *)v;
    n.len = strlen(v);
    n.plain = plain;
    return n;
}

static void test_ynode_bool(void **state)
{
    (void)state;
    static const char *const yes[] = { "true", "True", "TRUE" };
    static const char *const no[] = { "false", "False", "FALSE" };
    static const char *const neither[] = { "yes", "no", "on", "off", "1", "0", "tRUE", "" };
    int b;
    for (size_t i = 0; i < 3; i++) {
        struct ynode t = scalar(yes[i], 1), f = scalar(no[i], 1);
        b = -1;
        assert_int_equal(ynode_bool(&t, &b), 0);
        assert_int_equal(b, 1);
        assert_int_equal(ynode_bool(&f, &b), 0);
        assert_int_equal(b, 0);
    }
    for (size_t i = 0; i < sizeof neither / sizeof neither[0]; i++) {
        struct ynode n = scalar(neither[i], 1);
        assert_int_equal(ynode_bool(&n, &b), -1);
    }
    struct ynode seq = { .type = YN_SEQ };
    assert_int_equal(ynode_bool(&seq, &b), -1);
}

static void test_ynode_int(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        long long v;
    } good[] = {
        { "0", 0 }, { "42", 42 }, { "-5", -5 }, { "+7", 7 }, { "31536000", 31536000LL },
        { "999999999999999999", 999999999999999999LL },
    };
    static const char *const bad[] = {
        "", "-", "+", "12a", "1.5", "0x10", " 1", "1 ", "1_000", "abc",
        "9999999999999999999", /* too long to be safe from overflow */
    };
    long long v;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct ynode n = scalar(good[i].s, 1);
        v = -99;
        if (ynode_int(&n, &v) != 0)
            fail_msg("\"%s\" not read as an integer", good[i].s);
        assert_int_equal(v, good[i].v);
        struct ynode q = scalar(good[i].s, 0);
        assert_int_equal(ynode_int(&q, &v), -1);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ynode n = scalar(bad[i], 1);
        if (ynode_int(&n, &v) == 0)
            fail_msg("\"%s\" read as the integer %lld", bad[i], v);
    }
}

static void test_ynode_is_null(void **state)
{
    (void)state;
    static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++) {
        struct ynode n = scalar(nulls[i], 1), q = scalar(nulls[i], 0);
        assert_true(ynode_is_null(&n));
        assert_false(ynode_is_null(&q));
    }
    struct ynode s = scalar("nul", 1), m = { .type = YN_MAP };
    assert_false(ynode_is_null(&s));
    assert_false(ynode_is_null(&m));
}

/* `depth` nested flow lists around a scalar: [[[...x...]]]. Caller releases sb. */
static void nested_lists(struct strbuf *sb, int depth)
{
    for (int i = 0; i < depth; i++)
        strbuf_addch(sb, '[');
    strbuf_addch(sb, 'x');
    for (int i = 0; i < depth; i++)
        strbuf_addch(sb, ']');
    strbuf_addch(sb, '\n');
}

static void test_nesting_limit(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    nested_lists(&sb, 100);
    parse_fails(sb.buf, sb.len, "nested");
    strbuf_reset(&sb);

    /* A block-style deep mapping is refused the same way. */
    for (int i = 0; i < 100; i++)
        strbuf_addf(&sb, "%*sk%d:\n", i, "", i);
    parse_fails(sb.buf, sb.len, "nested");
    strbuf_reset(&sb);

    /* Ordinary nesting is fine. */
    nested_lists(&sb, 10);
    struct ynode *root = parse_ok(sb.buf);
    const struct ynode *n = root;
    for (int i = 0; i < 10; i++) {
        assert_int_equal(n->type, YN_SEQ);
        assert_int_equal(n->n, 1);
        n = n->items[0];
    }
    assert_string_equal(n->value, "x");
    ynode_free(root);
    strbuf_release(&sb);
}

static void test_multiple_documents_refused(void **state)
{
    (void)state;
    const char *text = "a: 1\n---\nb: 2\n";
    struct diag d = DIAG_INIT;
    struct ynode *root = NULL;
    assert_int_equal(ydoc_parse("t.yaml", text, strlen(text), &root, &d), -1);
    assert_null(root);
    assert_int_equal(d.count, 1);
    assert_non_null(strstr(d.text.buf, "only one YAML document"));
    assert_true(strncmp(d.text.buf, "t.yaml:2:", 9) == 0);
    diag_release(&d);
}

static void test_aliases_refused(void **state)
{
    (void)state;
    const char *text = "a: &x 1\nb: *x\n";
    parse_fails(text, strlen(text), "alias");
    struct diag d = DIAG_INIT;
    struct ynode *root = NULL;
    ydoc_parse("t.yaml", text, strlen(text), &root, &d);
    assert_true(strncmp(d.text.buf, "t.yaml:2:4:", 11) == 0);
    diag_release(&d);
}

static void test_duplicate_key_and_bad_keys(void **state)
{
    (void)state;
    const char *dup = "a: 1\nb: 2\na: 3\n";
    parse_fails(dup, strlen(dup), "t.yaml:3:1: duplicate key 'a' (first at line 1)");
    const char *complex_key = "? [a, b]\n: 1\n";
    parse_fails(complex_key, strlen(complex_key), "mapping keys");
}

static void test_empty_and_syntax_error(void **state)
{
    (void)state;
    parse_fails("", 0, "t.yaml:1:1: the file is empty");
    parse_fails("# only a comment\n", 17, "empty");
    const char *bad = "a: [1, 2\nb: 3\n";
    parse_fails(bad, strlen(bad), "YAML syntax error");
    const char *tab = "a:\n\tb: 1\n";
    parse_fails(tab, strlen(tab), "YAML syntax error");
}

static void test_scalar_root_and_length(void **state)
{
    (void)state;
    struct ynode *root = parse_ok("just text\n");
    assert_int_equal(root->type, YN_SCALAR);
    assert_string_equal(root->value, "just text");
    assert_int_equal(root->len, 9);
    ynode_free(root);
    ynode_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_plain_vs_quoted),
        cmocka_unit_test(test_ynode_bool),
        cmocka_unit_test(test_ynode_int),
        cmocka_unit_test(test_ynode_is_null),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_multiple_documents_refused),
        cmocka_unit_test(test_aliases_refused),
        cmocka_unit_test(test_duplicate_key_and_bad_keys),
        cmocka_unit_test(test_empty_and_syntax_error),
        cmocka_unit_test(test_scalar_root_and_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
