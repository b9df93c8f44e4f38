/*
 * fuzz_manual.c — libFuzzer target for the waivers and evidence loaders (scanner/manual.c),
 * and for applying what loads to a target's results.
 *
 * Input: a file's bytes; the first byte picks waivers (even) or evidence (odd), the rest is the
 * file. Invariants, any violation aborts:
 *   - failure leaves at least one diagnostic, each line starting with the file's path, and an
 *     empty list;
 *   - success: every entry has a control, a target glob, a YYYY-MM-DD date and the fields of
 *     its kind; applying the entries to a result list built from them keeps the list's length,
 *     gives only known statuses, and serialises with json_dumps (valid UTF-8).
 *
 * Build: make build/fuzz/fuzz_manual
 * Run:   build/fuzz/fuzz_manual -max_total_time=60 /tmp/scratch_manual test/fuzz/corpus/manual
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fuzz_common.h"
#include "manual.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static char dir[] = "/tmp/fuzz_manual.XXXXXX";
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
    check(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/input.yaml", dir);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    check(fd >= 0);
    atexit(cleanup);
    return 0;
}

/* A result per entry (fail, or an attestation skipped) to apply the entries to. */
static json_t *results_for(const struct manual *m, int evidence)
{
    json_t *rs = json_array();
    for (size_t i = 0; i < m->n; i++)
        json_array_append_new(rs, json_pack("{s:s, s:s, s:b}", "control", m->v[i].control,
                                            "status", evidence ? "skipped" : "fail",
                                            "attestation", evidence));
    return rs;
}

/* A profile naming every entry's control: as an attestation (evidence) or a control. */
static void profile_for(const struct manual *m, int evidence, struct profile *p)
{
    memset(p, 0, sizeof *p);
    json_t *sect = json_object();
    for (size_t i = 0; i < m->n; i++)
        json_object_set_new(sect, m->v[i].control, json_pack("{s:i}", "max_age", 30));
    p->doc = json_pack("{s:s, s:o, s:o}", "profile", "fuzz",
                       evidence ? "attestations" : "controls", sect,
                       evidence ? "controls" : "attestations", json_object());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int evidence = data[0] & 1;
    check(ftruncate(fd, 0) == 0);
    check(size == 1 || pwrite(fd, data + 1, size - 1, 0) == (ssize_t)(size - 1));
    struct manual m;
    struct diag d = DIAG_INIT;
    long today = 20000; /* 2024-10-04 */
    int rc = evidence ? evidence_load(path, &m, today, &d) : waivers_load(path, &m, &d);
    if (rc < 0) {
        check(d.count > 0 && m.n == 0 && m.v == NULL);
        check(strncmp(d.text.buf, path, strlen(path)) == 0);
        diag_release(&d);
        return 0;
    }
    check(d.count == 0);
    for (size_t i = 0; i < m.n; i++) {
        const struct manual_entry *e = &m.v[i];
        check(e->control && e->target && strlen(e->date) == 10 && e->day >= 0);
        check(evidence ? e->by && e->reference : e->reason && e->approved_by);
    }
    struct profile p;
    profile_for(&m, evidence, &p);
    json_t *rs = results_for(&m, evidence);
    size_t n = json_array_size(rs);
    if (evidence)
        evidence_apply(&m, &p, "https://portal.example.nz/", rs, today);
    else
        waivers_apply(&m, "https://portal.example.nz/", rs, today);
    check(json_array_size(rs) == n);
    size_t i;
    json_t *r;
    json_array_foreach(rs, i, r) {
        enum status st;
        check(status_parse(json_string_value(json_object_get(r, "status")), &st) == 0);
    }
    if (!evidence)
        json_array_append_new(rs, waivers_summary(&m, today));
    char *s = json_dumps(rs, JSON_COMPACT);
    check(s != NULL);
    free(s);
    json_decref(rs);
    json_decref(p.doc);
    manual_release(&m);
    diag_release(&d);
    return 0;
}
