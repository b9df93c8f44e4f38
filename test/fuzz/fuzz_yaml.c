/*
 * fuzz_yaml.c — libFuzzer target for the YAML reader (scanner/yamldoc.c) and the profile loader
 * on top of it (scanner/profile.c, scanner/yamlout.c).
 *
 * Input: a YAML file. It goes to ydoc_parse, and is also written to one temporary file (in a
 * fresh directory, so a relative `extends` finds nothing) for profile_load. Stdin is /dev/null,
 * in case an `extends` names it. Invariants, any violation aborts:
 *   - ydoc_parse: success gives a tree whose nodes all answer ynode_type_name, ynode_bool,
 *     ynode_int and ynode_is_null, with terminated scalars and keys ynode_get finds again;
 *     failure gives no tree and at least one diagnostic;
 *   - profile_load: failure leaves at least one diagnostic, each starting with the file name;
 *     success leaves none, and p.doc is an object with "controls" and "attestations" objects and
 *     p.sha256 is 64 lowercase hex digits;
 *   - profile_to_yaml on success is non-NULL, parses with ydoc_parse, and loads back as a profile
 *     equal to p.doc with the same sha256.
 * Regression seed (corpus/yaml/regress-diag-newline.yaml): a diagnostic quoting a key that holds
 * a newline once spanned lines, so a profile could forge "file:line:col:" lines.
 *
 * Build: make build/fuzz/fuzz_yaml
 * Run:   build/fuzz/fuzz_yaml -max_total_time=60 /tmp/scratch_yaml test/fuzz/corpus/yaml
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "profile.h"
#include "yamldoc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static char dir[] = "/tmp/fuzz_yaml.XXXXXX";
static char path[64];
static int fd = -1;

static void cleanup(void)
{
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    int null = open("/dev/null", O_RDONLY);
    check(null >= 0 && dup2(null, 0) == 0);
    close(null);
    check(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/profile.yaml", dir);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    check(fd >= 0);
    atexit(cleanup);
    return 0;
}

static void put(const char *data, size_t size)
{
    check(ftruncate(fd, 0) == 0);
    check(size == 0 || pwrite(fd, data, size, 0) == (ssize_t)size);
}

static void walk(const struct ynode *n)
{
    long long i;
    int b;

    check(n->line >= 1 && n->col >= 1);
    check(ynode_type_name(n) != NULL);
    (void)ynode_bool(n, &b);
    (void)ynode_int(n, &i);
    (void)ynode_is_null(n);
    if (n->type == YN_SCALAR) {
        check(n->value != NULL && n->value[n->len] == '\0' && n->n == 0);
        return;
    }
    for (size_t k = 0; k < n->n; k++) {
        if (n->type == YN_MAP) {
            check(n->keys[k] && n->keys[k]->type == YN_SCALAR);
            walk(n->keys[k]);
            check(ynode_get(n, n->keys[k]->value) == n->items[k]);
        }
        walk(n->items[k]);
    }
}

/* Exactly one "file:..." line per problem. */
static void check_diag(const struct diag *d, const char *file)
{
    size_t flen = strlen(file), lines = 0;

    check(d->count > 0 && d->text.len > 0 && d->text.buf[d->text.len - 1] == '\n');
    for (const char *l = d->text.buf; *l; l = strchr(l, '\n') + 1, lines++)
        check(strncmp(l, file, flen) == 0 && l[flen] == ':');
    check(lines == (size_t)d->count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct diag d = DIAG_INIT;
    struct ynode *root = NULL;
    struct profile p, back;

    if (ydoc_parse("fuzz.yaml", text, size, &root, &d) == 0) {
        check(root != NULL && d.count == 0);
        walk(root);
        ynode_free(root);
    } else {
        check(root == NULL);
        check_diag(&d, "fuzz.yaml");
    }
    diag_release(&d);

    put(text, size);
    if (profile_load(path, &p, &d) < 0) {
        check_diag(&d, path);
        diag_release(&d);
        return 0;
    }
    check(d.count == 0 && json_is_object(p.doc));
    check(json_is_object(json_object_get(p.doc, "controls")));
    check(json_is_object(json_object_get(p.doc, "attestations")));
    check(strlen(p.sha256) == 64 && strspn(p.sha256, "0123456789abcdef") == 64);

    char *yaml = profile_to_yaml(&p);
    check(yaml != NULL);
    check(ydoc_parse("resolved.yaml", yaml, strlen(yaml), &root, &d) == 0);
    ynode_free(root);
    put(yaml, strlen(yaml));
    check(profile_load(path, &back, &d) == 0);
    check(json_equal(p.doc, back.doc) && strcmp(p.sha256, back.sha256) == 0);
    profile_release(&back);
    free(yaml);
    profile_release(&p);
    diag_release(&d);
    return 0;
}
