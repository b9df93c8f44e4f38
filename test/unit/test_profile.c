/*
 * test_profile.c — profile_load: a profile file becomes a typed, resolved document, and every
 * problem in it is reported as file:line:col in one go (with "did you mean" where it helps).
 * `extends` merges controls by id and expect key by key, resolves relative paths from the child's
 * directory, refuses cycles, and never inherits identity. The sha256 is a stable fingerprint of
 * the resolved profile, and profile_to_yaml writes a file that loads back to the same one.
 *
 * Every test works in a fresh mkdtemp directory, removed (and the cwd restored) in teardown.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <limits.h>
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

#include "diag.h"
#include "profile.h"
#include "util.h"

struct fx {
    char dir[64];        /* the temporary directory */
    char cwd[PATH_MAX];  /* restored in teardown */
};

static int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f || !getcwd(f->cwd, sizeof f->cwd))
        goto fail;
    strcpy(f->dir, "/tmp/cocscan-profile-XXXXXX");
    if (!mkdtemp(f->dir))
        goto fail;
    *state = f;
    return 0;
fail:
    free(f);
    return -1;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;
    int rc = chdir(f->cwd);
    if (nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        rc = -1;
    free(f);
    return rc;
}

/* Write text to f->dir/name (creating one level of subdirectory if name has one); the full
 * path goes to path. */
static void put(const struct fx *f, const char *name, const char *text, char *path, size_t n)
{
    const char *slash = strchr(name, '/');
    if (slash) {
        snprintf(path, n, "%s/%.*s", f->dir, (int)(slash - name), name);
        mkdir(path, 0700);
    }
    snprintf(path, n, "%s/%s", f->dir, name);
    assert_int_equal(file_write_atomic(path, text, strlen(text)), 0);
}

/* Load ref, which must succeed with no diagnostics. */
static void load_ok(const char *ref, struct profile *p)
{
    struct diag d = DIAG_INIT;
    if (profile_load(ref, p, &d) != 0 || d.count != 0)
        fail_msg("profile_load(%s) failed with %d problems:\n%s", ref, d.count, d.text.buf);
    assert_non_null(p->doc);
    diag_release(&d);
}

/* Load ref, which must fail; the diagnostics are left in d. */
static void load_fails(const char *ref, struct diag *d)
{
    struct profile p;
    assert_int_equal(profile_load(ref, &p, d), -1);
    assert_true(d->count >= 1);
    assert_null(p.doc);
}

/* Some diagnostic line starts "file:line:col: " and contains needle. */
static void expect_diag(const struct diag *d, const char *file, int line, int col,
                        const char *needle)
{
    char prefix[PATH_MAX + 32];
    snprintf(prefix, sizeof prefix, "%s:%d:%d: ", file, line, col);
    size_t plen = strlen(prefix);
    for (const char *l = d->text.buf; *l;) {
        const char *eol = strchr(l, '\n');
        size_t len = eol ? (size_t)(eol - l) : strlen(l);
        if (len >= plen && memcmp(l, prefix, plen) == 0) {
            char *line_copy = strndup(l, len);
            int hit = strstr(line_copy, needle) != NULL;
            free(line_copy);
            if (hit)
                return;
        }
        l += len + (eol ? 1 : 0);
    }
    fail_msg("no diagnostic \"%s...%s\" among:\n%s", prefix, needle, d->text.buf);
}

/* Load text written to f->dir/p.yaml, which must fail with exactly `count` problems, one of them
 * at line:col containing needle. */
static void expect_one(const struct fx *f, const char *text, int count, int line, int col,
                       const char *needle)
{
    char path[256];
    struct diag d = DIAG_INIT;
    put(f, "p.yaml", text, path, sizeof path);
    load_fails(path, &d);
    if (d.count != count)
        fail_msg("%d problems, expected %d:\n%s", d.count, count, d.text.buf);
    expect_diag(&d, path, line, col, needle);
    diag_release(&d);
}

static const json_t *control(const struct profile *p, const char *id)
{
    return json_object_get(json_object_get(p->doc, "controls"), id);
}

static const char *control_str(const struct profile *p, const char *id, const char *key)
{
    return json_string_value(json_object_get(control(p, id), key));
}

static const json_t *expect_of(const struct profile *p, const char *id, const char *key)
{
    return json_object_get(json_object_get(control(p, id), "expect"), key);
}

#define MINIMAL                                                                                   \
    "profile: mini\n"                                                                             \
    "title: Minimal\n"                                                                            \
    "version: \"1\"\n"                                                                            \
    "controls:\n"                                                                                 \
    "  HSTS-1:\n"                                                                                 \
    "    title: HSTS for a year\n"                                                                \
    "    check: headers.hsts\n"                                                                   \
    "    severity: high\n"                                                                        \
    "    expect:\n"                                                                               \
    "      min_max_age: 31536000\n"                                                               \
    "  TLS-1:\n"                                                                                  \
    "    title: Modern TLS\n"                                                                     \
    "    check: tls.protocols\n"                                                                  \
    "    severity: medium\n"                                                                      \
    "    expect:\n"                                                                               \
    "      min: 1.2\n"                                                                            \
    "      require: [1.3]\n"

static void test_minimal_profile(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct profile p;

    put(f, "mini.yaml", MINIMAL, path, sizeof path);
    load_ok(path, &p);
    assert_string_equal(json_string_value(json_object_get(p.doc, "profile")), "mini");
    assert_string_equal(json_string_value(json_object_get(p.doc, "title")), "Minimal");
    assert_string_equal(json_string_value(json_object_get(p.doc, "version")), "1");
    assert_null(json_object_get(p.doc, "extends"));
    assert_int_equal(json_object_size(json_object_get(p.doc, "controls")), 2);
    assert_true(json_is_object(json_object_get(p.doc, "attestations")));
    assert_string_equal(p.source, path);

    assert_string_equal(control_str(&p, "HSTS-1", "title"), "HSTS for a year");
    assert_string_equal(control_str(&p, "HSTS-1", "check"), "headers.hsts");
    assert_string_equal(control_str(&p, "HSTS-1", "severity"), "high");
    const json_t *age = expect_of(&p, "HSTS-1", "min_max_age");
    assert_true(json_is_integer(age));
    assert_int_equal(json_integer_value(age), 31536000);

    /* A plain 1.2 is a version string for this check, not a number. */
    const json_t *min = expect_of(&p, "TLS-1", "min");
    assert_true(json_is_string(min));
    assert_string_equal(json_string_value(min), "1.2");
    const json_t *req = expect_of(&p, "TLS-1", "require");
    assert_true(json_is_array(req));
    assert_int_equal(json_array_size(req), 1);
    assert_string_equal(json_string_value(json_array_get(req, 0)), "1.3");

    const json_t *origin = json_object_get(p.origins, "TLS-1");
    assert_string_equal(json_string_value(json_object_get(origin, "file")), path);
    assert_int_equal(json_integer_value(json_object_get(origin, "line")), 11);
    profile_release(&p);
    assert_null(p.doc);
}

static void test_controls_default_empty_expect(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct profile p;

    put(f, "p.yaml",
        "profile: p\ntitle: T\ncontrols:\n  C1:\n    title: t\n    check: tls.protocols\n"
        "    severity: low\n    expect:\n      require: \"1.3\"\n  C2:\n    title: t\n"
        "    check: headers.hsts\n    severity: info\n",
        path, sizeof path);
    load_ok(path, &p);
    /* A single string is accepted as a list of one. */
    assert_true(json_is_array(expect_of(&p, "C1", "require")));
    assert_true(json_is_object(json_object_get(control(&p, "C2"), "expect")));
    assert_int_equal(json_object_size(json_object_get(control(&p, "C2"), "expect")), 0);
    profile_release(&p);
}

static void test_builtins(void **state)
{
    (void)state;
    struct profile p;

    assert_true(profile_builtin_count() >= 1);
    assert_null(profile_builtin_name(profile_builtin_count()));
    size_t len = 0;
    assert_non_null(profile_builtin_text(PROFILE_DEFAULT, &len));
    assert_true(len > 0);
    assert_null(profile_builtin_text("no-such-profile", NULL));
    load_ok(PROFILE_DEFAULT, &p);
    assert_string_equal(p.source, "builtin:" PROFILE_DEFAULT);
    assert_string_equal(json_string_value(json_object_get(p.doc, "profile")), PROFILE_DEFAULT);
    assert_non_null(control(&p, "COC-TLS-01"));
    assert_non_null(control(&p, "COC-HDR-01"));
    profile_release(&p);
}

static void test_unknown_top_key(void **state)
{
    expect_one(*state, "profile: p\ntitle: T\ncontrls: {}\n", 1, 3, 1,
               "unknown key 'contrls' in the profile (did you mean 'controls'?)");
}

static void test_unknown_control_key(void **state)
{
    expect_one(*state,
               "profile: p\ntitle: T\ncontrols:\n  C1:\n    title: t\n    check: tls.protocols\n"
               "    severity: high\n    severty: low\n",
               1, 8, 5, "unknown key 'severty' in control (did you mean 'severity'?)");
}

static void test_wrong_types(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct diag d = DIAG_INIT;

    put(f, "p.yaml",
        "profile: p\n"
        "title: T\n"
        "controls:\n"
        "  C1:\n"
        "    title: t\n"
        "    check: tls.protocols\n"
        "    severity: [a]\n"
        "    disabled: \"yes\"\n"
        "    reason: r\n",
        path, sizeof path);
    load_fails(path, &d);
    expect_diag(&d, path, 7, 15, "severity must be a string, not a list");
    expect_diag(&d, path, 8, 15, "disabled must be true or false, not a string");
    diag_release(&d);
}

static void test_bad_severity_value(void **state)
{
    expect_one(*state,
               "profile: p\ntitle: T\ncontrols:\n  C1:\n    title: t\n    check: tls.protocols\n"
               "    severity: hgh\n",
               1, 7, 15, "severity: 'hgh' is not one of info, low, medium, high, critical "
                         "(did you mean 'high'?)");
}

static void test_unknown_check_suggested(void **state)
{
    expect_one(*state,
               "profile: p\ntitle: T\ncontrols:\n  C1:\n    title: t\n    check: tls.protocol\n"
               "    severity: high\n",
               1, 6, 12, "unknown check 'tls.protocol' (did you mean 'tls.protocols'?)");
}

static void test_expect_key_not_accepted(void **state)
{
    expect_one(*state,
               "profile: p\ntitle: T\ncontrols:\n  C1:\n    title: t\n    check: headers.hsts\n"
               "    severity: high\n    expect:\n      max_age: 5\n",
               1, 9, 7,
               "check headers.hsts does not accept expect key 'max_age' (it accepts: "
               "min_max_age, include_subdomains, preload)");
}

static void test_wrong_expect_type(void **state)
{
    expect_one(*state,
               "profile: p\ntitle: T\ncontrols:\n  C1:\n    title: t\n    check: headers.hsts\n"
               "    severity: high\n    expect:\n      min_max_age: abc\n",
               1, 9, 20, "expect.min_max_age must be a non-negative integer, not a string");
    expect_one(*state,
               "profile: p\ntitle: T\ncontrols:\n  C1:\n    title: t\n    check: headers.hsts\n"
               "    severity: high\n    expect:\n      min_max_age: -5\n",
               1, 9, 20, "non-negative integer");
    expect_one(*state,
               "profile: p\ntitle: T\ncontrols:\n  C1:\n    title: t\n    check: headers.hsts\n"
               "    severity: high\n    expect:\n      include_subdomains: 1\n",
               1, 9, 27, "expect.include_subdomains must be true or false");
    expect_one(*state,
               "profile: p\ntitle: T\ncontrols:\n  C1:\n    title: t\n    check: tls.protocols\n"
               "    severity: high\n    expect:\n      min: \"1.4\"\n",
               1, 9, 12, "expect.min: '1.4' is not one of");
}

static void test_control_missing_fields(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct diag d = DIAG_INIT;

    put(f, "p.yaml", "profile: p\ntitle: T\ncontrols:\n  C1:\n    remediation: fix it\n", path,
        sizeof path);
    load_fails(path, &d);
    assert_int_equal(d.count, 3);
    expect_diag(&d, path, 4, 3, "control C1 has no 'title'");
    expect_diag(&d, path, 4, 3, "control C1 has no 'check'");
    expect_diag(&d, path, 4, 3, "control C1 has no 'severity'");
    diag_release(&d);
}

static void test_disabled_without_reason(void **state)
{
    expect_one(*state,
               "profile: p\ntitle: T\ncontrols:\n  C1:\n    title: t\n    check: tls.protocols\n"
               "    severity: high\n    disabled: true\n",
               1, 4, 3, "control C1 is disabled without a 'reason'");
}

static void test_duplicate_yaml_key(void **state)
{
    expect_one(*state,
               "profile: p\ntitle: T\ncontrols:\n  C1:\n    title: t\n    check: tls.protocols\n"
               "    severity: high\n    title: again\n",
               1, 8, 5, "duplicate key 'title' (first at line 5)");
}

static void test_yaml_syntax_error(void **state)
{
    expect_one(*state, "profile: x\ntitle: [unclosed\n", 1, 3, 1, "YAML syntax error");
}

static void test_empty_file(void **state)
{
    expect_one(*state, "", 1, 1, 1, "the file is empty");
}

static void test_aliases_refused(void **state)
{
    expect_one(*state, "profile: x\ntitle: &t T\ncontrols:\n  C1:\n    title: *t\n", 1, 5, 12,
               "aliases");
}

static void test_profile_must_be_mapping_with_identity(void **state)
{
    expect_one(*state, "- a\n- b\n", 1, 1, 1, "a profile must be a mapping, not a list");
    const struct fx *f = *state;
    char path[256];
    struct diag d = DIAG_INIT;
    put(f, "p.yaml", "controls: {}\n", path, sizeof path);
    load_fails(path, &d);
    expect_diag(&d, path, 1, 1, "the profile has no 'profile'");
    expect_diag(&d, path, 1, 1, "the profile has no 'title'");
    diag_release(&d);
}

static void test_missing_file(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct diag d = DIAG_INIT;
    snprintf(path, sizeof path, "%s/none.yaml", f->dir);
    load_fails(path, &d);
    assert_non_null(strstr(d.text.buf, "cannot read profile"));
    diag_release(&d);
}

/* Every problem of a file is reported in one go, each with its own position. */
static void test_all_problems_at_once(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct diag d = DIAG_INIT;

    put(f, "p.yaml",
        "profile: bad\n"                          /* 1 */
        "title: Bad\n"                            /* 2 */
        "contrls: {}\n"                           /* 3 */
        "controls:\n"                             /* 4 */
        "  C1:\n"                                 /* 5 */
        "    title: t\n"                          /* 6 */
        "    check: tls.protocol\n"               /* 7 */
        "    severity: hgh\n"                     /* 8 */
        "  C2:\n"                                 /* 9 */
        "    title: t\n"                          /* 10 */
        "    check: headers.hsts\n"               /* 11 */
        "    severity: high\n"                    /* 12 */
        "    disabled: \"yes\"\n"                 /* 13 */
        "    expect: { min_max_age: abc, max_age: 5 }\n" /* 14 */
        "    colour: red\n"                       /* 15 */
        "  C3:\n"                                 /* 16 */
        "    check: tls.protocols\n"              /* 17 */
        "  C4:\n"                                 /* 18 */
        "    title: t\n"                          /* 19 */
        "    check: tls.protocols\n"              /* 20 */
        "    severity: high\n"                    /* 21 */
        "    disabled: true\n",                   /* 22 */
        path, sizeof path);
    load_fails(path, &d);
    assert_true(d.count >= 10);
    expect_diag(&d, path, 3, 1, "contrls");
    expect_diag(&d, path, 7, 12, "tls.protocol");
    expect_diag(&d, path, 8, 15, "hgh");
    expect_diag(&d, path, 13, 15, "disabled");
    expect_diag(&d, path, 14, 28, "min_max_age");
    expect_diag(&d, path, 14, 33, "max_age");
    expect_diag(&d, path, 15, 5, "colour");
    expect_diag(&d, path, 16, 3, "no 'title'");
    expect_diag(&d, path, 16, 3, "no 'severity'");
    expect_diag(&d, path, 18, 3, "without a 'reason'");
    diag_release(&d);
}

#define CHILD_OF_BUILTIN                                                                          \
    "profile: child\n"                                                                            \
    "title: Child portal profile\n"                                                               \
    "extends: nz-health-portal\n"                                                                 \
    "controls:\n"                                                                                 \
    "  COC-TLS-01:\n"                                                                             \
    "    expect:\n"                                                                               \
    "      min: \"1.3\"\n"                                                                        \
    "  COC-HDR-01:\n"                                                                             \
    "    disabled: true\n"                                                                        \
    "    reason: HSTS is sent by the CDN and checked there\n"                                     \
    "  LOCAL-01:\n"                                                                               \
    "    title: HSTS covers subdomains\n"                                                         \
    "    check: headers.hsts\n"                                                                   \
    "    severity: low\n"                                                                         \
    "    expect: { include_subdomains: true }\n"

static void test_extends_builtin(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct profile parent, p;

    load_ok(PROFILE_DEFAULT, &parent);
    put(f, "child.yaml", CHILD_OF_BUILTIN, path, sizeof path);
    load_ok(path, &p);

    /* Identity is the child's own; nothing of the parent's identity leaks through. */
    assert_string_equal(json_string_value(json_object_get(p.doc, "profile")), "child");
    assert_string_equal(json_string_value(json_object_get(p.doc, "title")),
                        "Child portal profile");
    assert_null(json_object_get(p.doc, "version"));
    assert_null(json_object_get(p.doc, "description"));
    assert_null(json_object_get(p.doc, "extends"));

    /* Overridden key-wise: min replaced, require kept, the rest of the control inherited. */
    assert_string_equal(json_string_value(expect_of(&p, "COC-TLS-01", "min")), "1.3");
    assert_true(json_equal(expect_of(&p, "COC-TLS-01", "require"),
                           expect_of(&parent, "COC-TLS-01", "require")));
    assert_string_equal(control_str(&p, "COC-TLS-01", "title"),
                        control_str(&parent, "COC-TLS-01", "title"));
    assert_string_equal(control_str(&p, "COC-TLS-01", "severity"),
                        control_str(&parent, "COC-TLS-01", "severity"));
    assert_true(json_equal(json_object_get(control(&p, "COC-TLS-01"), "refs"),
                           json_object_get(control(&parent, "COC-TLS-01"), "refs")));

    /* Disabled with its reason, otherwise intact. */
    assert_true(json_is_true(json_object_get(control(&p, "COC-HDR-01"), "disabled")));
    assert_string_equal(control_str(&p, "COC-HDR-01", "reason"),
                        "HSTS is sent by the CDN and checked there");
    assert_true(json_equal(expect_of(&p, "COC-HDR-01", "min_max_age"),
                           expect_of(&parent, "COC-HDR-01", "min_max_age")));

    /* Added. */
    assert_true(json_is_true(expect_of(&p, "LOCAL-01", "include_subdomains")));
    assert_int_equal(json_object_size(json_object_get(p.doc, "controls")),
                     json_object_size(json_object_get(parent.doc, "controls")) + 1);

    /* Untouched parent entries are inherited as they were. */
    assert_true(json_equal(json_object_get(p.doc, "attestations"),
                           json_object_get(parent.doc, "attestations")));

    /* Origins say which file last defined each entry. */
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(p.origins, "COC-TLS-01"), "file")),
                        path);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(p.origins, "COC-PEN-01"), "file")),
                        "builtin:" PROFILE_DEFAULT);
    assert_string_not_equal(p.sha256, parent.sha256);

    /* The parent's document was not modified by the child's load. */
    struct profile again;
    load_ok(PROFILE_DEFAULT, &again);
    assert_string_equal(again.sha256, parent.sha256);
    profile_release(&again);
    profile_release(&p);
    profile_release(&parent);
}

static void test_extends_null_removes_and_check_change(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct profile p;

    put(f, "child.yaml",
        "profile: c\ntitle: C\nextends: nz-health-portal\ncontrols:\n"
        "  COC-TLS-01:\n    expect:\n      require: null\n"
        "  COC-HDR-01:\n    check: tls.protocols\n",
        path, sizeof path);
    load_ok(path, &p);
    /* A null expect value removes the parent's key. */
    assert_null(expect_of(&p, "COC-TLS-01", "require"));
    assert_non_null(expect_of(&p, "COC-TLS-01", "min"));
    /* Another check: the parent's expect (keys of headers.hsts) no longer applies. */
    assert_string_equal(control_str(&p, "COC-HDR-01", "check"), "tls.protocols");
    assert_null(expect_of(&p, "COC-HDR-01", "min_max_age"));
    profile_release(&p);
}

static void test_extends_child_needs_own_identity(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct diag d = DIAG_INIT;

    put(f, "child.yaml", "extends: nz-health-portal\n", path, sizeof path);
    load_fails(path, &d);
    expect_diag(&d, path, 1, 1, "the profile has no 'profile'");
    expect_diag(&d, path, 1, 1, "the profile has no 'title'");
    diag_release(&d);
}

static void test_extends_relative_to_child(void **state)
{
    const struct fx *f = *state;
    char path[256], decoy[256], child[256];
    struct profile p;

    put(f, "sub/base.yaml",
        "profile: base\ntitle: Base\ncontrols:\n  BASE-01:\n    title: t\n"
        "    check: tls.protocols\n    severity: high\n",
        path, sizeof path);
    put(f, "base.yaml",
        "profile: decoy\ntitle: Decoy\ncontrols:\n  DECOY-01:\n    title: t\n"
        "    check: tls.protocols\n    severity: high\n",
        decoy, sizeof decoy);
    put(f, "sub/child.yaml", "profile: child\ntitle: Child\nextends: base.yaml\n", child,
        sizeof child);

    /* The cwd holds a base.yaml too: it must not be the one used. */
    assert_int_equal(chdir(f->dir), 0);
    load_ok(child, &p);
    assert_non_null(control(&p, "BASE-01"));
    assert_null(control(&p, "DECOY-01"));
    profile_release(&p);

    load_ok("sub/child.yaml", &p);
    assert_non_null(control(&p, "BASE-01"));
    assert_null(control(&p, "DECOY-01"));
    profile_release(&p);

    assert_int_equal(chdir("/"), 0);
    load_ok(child, &p);
    assert_non_null(control(&p, "BASE-01"));
    profile_release(&p);
}

static void test_extends_cycle(void **state)
{
    const struct fx *f = *state;
    char a[256], b[256], self[256];
    struct diag d = DIAG_INIT;

    put(f, "a.yaml", "profile: a\ntitle: A\nextends: b.yaml\n", a, sizeof a);
    put(f, "b.yaml", "profile: b\ntitle: B\nextends: a.yaml\n", b, sizeof b);
    load_fails(a, &d);
    expect_diag(&d, b, 3, 10, "'extends: a.yaml' makes a cycle");
    diag_release(&d);

    put(f, "self.yaml", "profile: s\ntitle: S\nextends: ./self.yaml\n", self, sizeof self);
    load_fails(self, &d);
    expect_diag(&d, self, 3, 10, "cycle");
    diag_release(&d);
}

static void test_extends_unknown_builtin(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct diag d = DIAG_INIT;

    put(f, "child.yaml", "profile: c\ntitle: C\nextends: nz-health-portl\n", path, sizeof path);
    load_fails(path, &d);
    expect_diag(&d, path, 3, 10, "unknown profile 'nz-health-portl' (built-in profiles: ");
    for (size_t i = 0; i < profile_builtin_count(); i++)
        assert_non_null(strstr(d.text.buf, profile_builtin_name(i)));
    diag_release(&d);

    /* The same for a name given directly. */
    load_fails("no-such-builtin", &d);
    assert_non_null(strstr(d.text.buf, "unknown profile 'no-such-builtin'"));
    assert_non_null(strstr(d.text.buf, PROFILE_DEFAULT));
    diag_release(&d);
}

static void test_sha256(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct profile p1, p2, p3;

    put(f, "mini.yaml", MINIMAL, path, sizeof path);
    load_ok(path, &p1);
    assert_int_equal(strlen(p1.sha256), 64);
    assert_int_equal(strspn(p1.sha256, "0123456789abcdef"), 64);
    load_ok(path, &p2);
    assert_string_equal(p1.sha256, p2.sha256);

    /* Comments and layout are not part of the fingerprint... */
    char *text = malloc(sizeof(MINIMAL) + 32);
    assert_non_null(text);
    snprintf(text, sizeof(MINIMAL) + 32, "# a comment\n%s\n\n", MINIMAL);
    put(f, "mini.yaml", text, path, sizeof path);
    free(text);
    load_ok(path, &p3);
    assert_string_equal(p1.sha256, p3.sha256);
    profile_release(&p3);

    /* ...an expect value is. */
    char *changed = strdup(MINIMAL);
    assert_non_null(changed);
    char *at = strstr(changed, "31536000");
    assert_non_null(at);
    at[0] = '6';
    put(f, "mini.yaml", changed, path, sizeof path);
    free(changed);
    load_ok(path, &p3);
    assert_string_not_equal(p1.sha256, p3.sha256);
    profile_release(&p3);
    profile_release(&p2);
    profile_release(&p1);
}

/* profile_to_yaml of the profile at ref loads back, standalone, to the same profile. */
static void round_trip(const struct fx *f, const char *ref)
{
    char path[256];
    struct profile p, back;

    load_ok(ref, &p);
    char *yaml = profile_to_yaml(&p);
    assert_non_null(yaml);
    assert_null(strstr(yaml, "extends"));
    put(f, "resolved.yaml", yaml, path, sizeof path);
    free(yaml);
    load_ok(path, &back);
    if (!json_equal(p.doc, back.doc)) {
        char *a = json_dumps(p.doc, JSON_SORT_KEYS), *b = json_dumps(back.doc, JSON_SORT_KEYS);
        fail_msg("round trip changed the profile:\n%s\n%s", a, b);
    }
    assert_string_equal(back.sha256, p.sha256);
    profile_release(&back);
    profile_release(&p);
}

static void test_to_yaml_round_trip(void **state)
{
    const struct fx *f = *state;
    char path[256];

    round_trip(f, PROFILE_DEFAULT);
    put(f, "child.yaml", CHILD_OF_BUILTIN, path, sizeof path);
    round_trip(f, path);
    /* Strings that would read back as other types survive. */
    put(f, "tricky.yaml",
        "profile: \"null\"\n"
        "title: \"true\"\n"
        "version: \"42\"\n"
        "description: \"yes: no # not a comment\\n\"\n"
        "controls:\n"
        "  \"1.2\":\n"
        "    title: \"~\"\n"
        "    check: tls.protocols\n"
        "    severity: high\n"
        "    disabled: true\n"
        "    reason: \"- [x]\"\n"
        "    refs: { nzism: \"17.4\", asvs: [\"1.0\", \"2\"] }\n"
        "    expect: { min: \"1.2\", forbid: [SSLv3, \"1.0\"] }\n",
        path, sizeof path);
    round_trip(f, path);
}

/* Regression: load_entry validated a control's `check` twice, so a check of the wrong type was
 * reported twice at the same position. */
static void test_each_problem_reported_once(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct diag d = DIAG_INIT;

    put(f, "p.yaml",
        "profile: p\ntitle: T\ncontrols:\n  C1:\n    title: t\n    check: [a]\n"
        "    severity: high\n",
        path, sizeof path);
    load_fails(path, &d);
    expect_diag(&d, path, 6, 12, "check must be a string, not a list");
    const char *first = strstr(d.text.buf, "check must be a string");
    int twice = strstr(first + 1, "check must be a string") != NULL;
    char text[1024];
    snprintf(text, sizeof text, "%s", d.text.buf);
    diag_release(&d);
    if (twice)
        fail_msg("reported twice:\n%s", text);
}

/* Regression: `reason: ""` satisfied the "disabled without a 'reason'" rule. */
static void test_disabled_with_empty_reason(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct diag d = DIAG_INIT;
    struct profile p;

    put(f, "p.yaml",
        "profile: p\ntitle: T\ncontrols:\n  C1:\n    title: t\n    check: tls.protocols\n"
        "    severity: high\n    disabled: true\n    reason: \"\"\n",
        path, sizeof path);
    int rc = profile_load(path, &p, &d);
    profile_release(&p);
    diag_release(&d);
    assert_int_equal(rc, -1);
}

/* A tailored control that relaxes its parent's expect keeps only the refs it restates (and a
 * note says so); one that tightens it keeps the parent's; a new check drops them. */
static void test_relaxed_override_withdraws_refs(void **state)
{
    const struct fx *f = *state;
    char path[256];
    struct profile p;

    put(f, "base.yaml",
        "profile: base\ntitle: B\ncontrols:\n"
        "  H:\n    title: h\n    check: headers.hsts\n    severity: high\n"
        "    expect: { min_max_age: 31536000 }\n    refs: { nzism: \"1\", asvs: \"3.4.1\" }\n"
        "  T:\n    title: t\n    check: tls.protocols\n    severity: high\n"
        "    expect: { min: \"1.2\" }\n    refs: { nzism: \"2\" }\n"
        "  K:\n    title: k\n    check: tls.protocols\n    severity: high\n"
        "    expect: { min: \"1.2\" }\n    refs: { nzism: \"3\" }\n"
        "  C:\n    title: c\n    check: headers.hsts\n    severity: high\n"
        "    refs: { nzism: \"4\" }\n",
        path, sizeof path);
    put(f, "child.yaml",
        "profile: child\ntitle: C\nextends: base.yaml\ncontrols:\n"
        "  H:\n    expect: { min_max_age: 86400 }\n"
        "  T:\n    expect: { min: \"1.3\" }\n"
        "  K:\n    expect: { min: \"1.0\" }\n    refs: { asvs: \"12.1.1\" }\n"
        "  C:\n    check: headers.content_type_options\n",
        path, sizeof path);
    load_ok(path, &p);
    const json_t *ctl = json_object_get(p.doc, "controls");
    json_t *h = json_object_get(json_object_get(ctl, "H"), "refs");
    json_t *t = json_object_get(json_object_get(ctl, "T"), "refs");
    json_t *k = json_object_get(json_object_get(ctl, "K"), "refs");
    json_t *c = json_object_get(json_object_get(ctl, "C"), "refs");
    assert_int_equal(json_object_size(h), 0);          /* relaxed: withdrawn */
    assert_string_equal(json_string_value(json_object_get(t, "nzism")), "2"); /* tightened */
    assert_int_equal(json_object_size(k), 1);          /* relaxed: only what it restates */
    assert_string_equal(json_string_value(json_object_get(k, "asvs")), "12.1.1");
    assert_int_equal(json_object_size(c), 0);          /* another check */
    assert_int_equal(json_array_size(p.notes), 2);
    const char *n0 = json_string_value(json_array_get(p.notes, 0));
    assert_non_null(strstr(n0, "child.yaml:5:3: control H relaxes"));
    assert_non_null(strstr(n0, "min_max_age 31536000 -> 86400"));
    assert_non_null(strstr(n0, "(nzism, asvs) are withdrawn"));
    profile_release(&p);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_minimal_profile),
        T(test_controls_default_empty_expect),
        T(test_builtins),
        T(test_unknown_top_key),
        T(test_unknown_control_key),
        T(test_wrong_types),
        T(test_bad_severity_value),
        T(test_unknown_check_suggested),
        T(test_expect_key_not_accepted),
        T(test_wrong_expect_type),
        T(test_control_missing_fields),
        T(test_disabled_without_reason),
        T(test_duplicate_yaml_key),
        T(test_yaml_syntax_error),
        T(test_empty_file),
        T(test_aliases_refused),
        T(test_profile_must_be_mapping_with_identity),
        T(test_missing_file),
        T(test_all_problems_at_once),
        T(test_extends_builtin),
        T(test_extends_null_removes_and_check_change),
        T(test_extends_child_needs_own_identity),
        T(test_extends_relative_to_child),
        T(test_extends_cycle),
        T(test_extends_unknown_builtin),
        T(test_sha256),
        T(test_to_yaml_round_trip),
        T(test_each_problem_reported_once),
        T(test_disabled_with_empty_reason),
        T(test_relaxed_override_withdraws_refs),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
