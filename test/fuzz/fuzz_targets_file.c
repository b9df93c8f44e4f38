/*
 * fuzz_targets_file.c — libFuzzer target for the targets-file loader (scanner/targets_file.c)
 * and target_resolve (scanner/target.c), on top of the YAML reader (scanner/yamldoc.c).
 *
 * Input: a targets file, given to targets_file_parse as it is (no file is written).
 * Invariants, any violation aborts:
 *   - failure: no targets (*out NULL, *n 0) and at least one diagnostic; each is one line that
 *     starts with "fuzz.yaml:", and there are exactly d.count lines;
 *   - success: no diagnostic, 1 <= n <= TARGETS_FILE_MAX_TARGETS, no two targets share a url;
 *     each target's url is https with a host and a '/' path, its source is fuzz.yaml at a line
 *     >= 1, 1 <= http_port <= 65535; every login, document and sensitive URL lies on the
 *     target's origin (the url up to its path, then '/', not "//") with only bytes 0x21..0x7e
 *     and no '#'; every environment variable name matches [A-Za-z_][A-Za-z0-9_]*; a second
 *     account implies a login; every storage URL starts with "https://".
 *
 * Build: make build/fuzz/fuzz_targets_file
 * Run:   build/fuzz/fuzz_targets_file -max_total_time=60 /tmp/scratch_tf \
 *            test/fuzz/corpus/targets_file
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "targets_file.h"

#define FILE_NAME "fuzz.yaml"

static void check_diag(const struct diag *d)
{
    size_t flen = strlen(FILE_NAME), lines = 0;

    check(d->count > 0 && d->text.len > 0 && d->text.buf[d->text.len - 1] == '\n');
    for (const char *l = d->text.buf; *l; l = strchr(l, '\n') + 1, lines++)
        check(strncmp(l, FILE_NAME, flen) == 0 && l[flen] == ':');
    check(lines == (size_t)d->count);
}

static void check_env(const char *name)
{
    const char *first = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
    check(name && name[0] && strchr(first, name[0]));
    check(strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
          strlen(name));
}

/* url is on t's origin: the part of t->url before its path, then a single '/'. */
static void check_on_origin(const struct target *t, const char *url)
{
    size_t origin = strlen(t->url) - strlen(t->path);

    check(url && strncmp(url, t->url, origin) == 0);
    check(url[origin] == '/' && url[origin + 1] != '/');
    for (const unsigned char *c = (const unsigned char *)url; *c; c++)
        check(*c >= 0x21 && *c < 0x7f && *c != '#');
}

static void check_target(const struct target *t)
{
    check(t->url && strncmp(t->url, "https://", 8) == 0);
    check(t->host && t->host[0] && t->path && t->path[0] == '/');
    check(strlen(t->url) > strlen(t->path) &&
          strcmp(t->url + strlen(t->url) - strlen(t->path), t->path) == 0);
    check(t->source_file && strcmp(t->source_file, FILE_NAME) == 0 && t->source_line >= 1);
    check(t->http_port >= 1 && t->http_port <= 65535);
    check(!t->name || t->name[0]);
    check(!t->organisation || t->organisation[0]);
    if (t->login) {
        check_on_origin(t, t->login->form_url);
        check_on_origin(t, t->login->protected_url);
        check_env(t->login->account.username_env);
        check_env(t->login->account.password_env);
    }
    if (t->second) {
        check(t->login != NULL);
        check_env(t->second->username_env);
        check_env(t->second->password_env);
    }
    for (size_t i = 0; i < t->n_documents; i++)
        check_on_origin(t, t->documents[i]);
    for (size_t i = 0; i < t->n_sensitive; i++)
        check_on_origin(t, t->sensitive[i]);
    for (size_t i = 0; i < t->n_storage; i++)
        check(strncmp(t->storage[i], "https://", 8) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag d = DIAG_INIT;
    struct target *t = NULL;
    size_t n = 0;

    if (targets_file_parse(FILE_NAME, (const char *)data, size, &t, &n, &d) < 0) {
        check(t == NULL && n == 0);
        check_diag(&d);
        diag_release(&d);
        return 0;
    }
    check(d.count == 0 && t != NULL && n >= 1 && n <= TARGETS_FILE_MAX_TARGETS);
    for (size_t i = 0; i < n; i++) {
        check_target(&t[i]);
        for (size_t j = 0; j < i && n <= 200; j++)
            check(strcmp(t[i].url, t[j].url) != 0);
    }
    targets_free(t, n);
    diag_release(&d);
    return 0;
}
