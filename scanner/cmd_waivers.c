/*
 * cmd_waivers.c — `cocscan waivers lint FILE` and `cocscan evidence lint FILE`: check a waivers
 * or evidence file on its own (and against a profile) before it is used in a scan, so a typo
 * does not stop a scheduled run and an expiring waiver is noticed in time.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "manual.h"
#include "profile.h"

#define EXPIRING_DAYS 30

static const char waivers_usage[] =
    "Usage: cocscan waivers lint FILE [--profile NAME|FILE]\n"
    "\n"
    "Check a waivers file: its format, every entry's fields and dates, and that each waiver\n"
    "names a control of the profile. Every problem is one line, FILE:LINE:COL: message.\n"
    "\n"
    "A waivers file is YAML (docs/profiles.md, \"Waivers\"):\n"
    "  waivers:\n"
    "    - control: COC-HDR-01                  # a control id of the profile\n"
    "      target: \"https://portal.example.nz/*\" # glob over the target URL\n"
    "      reason: HSTS ships with release 4.2   # why the exception is accepted\n"
    "      approved_by: CIO, Example PHO\n"
    "      expires: 2027-03-31                   # last day it applies (UTC)\n"
    "\n"
    "Options:\n"
    "  -p, --profile NAME|FILE  profile whose control ids the waivers must name\n"
    "                           (default: " PROFILE_DEFAULT ")\n"
    "  -h, --help               show this help\n"
    "\n"
    "Expired waivers and those expiring within 30 days are listed as warnings.\n"
    "Exit codes: 0 valid, 1 valid but some waiver has expired, 2 malformed or usage error.\n";

static const char evidence_usage[] =
    "Usage: cocscan evidence lint FILE [--profile NAME|FILE]\n"
    "\n"
    "Check an evidence file: its format, every answer's fields and dates, and that each answers\n"
    "an attestation of the profile. Every problem is one line, FILE:LINE:COL: message.\n"
    "\n"
    "An evidence file is YAML (docs/profiles.md, \"Evidence\"):\n"
    "  evidence:\n"
    "    - control: COC-PEN-01          # an attestation id of the profile\n"
    "      answer: yes                  # yes or no\n"
    "      by: Jane Doe, CISO           # who answers for it\n"
    "      date: 2026-05-01             # when (YYYY-MM-DD)\n"
    "      reference: PT-2026-014       # report id or URL\n"
    "      target: \"https://*.example.nz/*\"  # optional glob; default every target\n"
    "\n"
    "Options:\n"
    "  -p, --profile NAME|FILE  profile whose attestations the answers must name\n"
    "                           (default: " PROFILE_DEFAULT ")\n"
    "  -h, --help               show this help\n"
    "\n"
    "Answers older than their attestation's max_age are listed as warnings (a scan reports\n"
    "them as `warn`). Exit codes: 0 valid, 1 valid but an answer is too old, 2 malformed or\n"
    "usage error.\n";

/* The warnings for a valid file; how many entries need attention now. */
static int lint_warnings(const struct manual *m, const struct profile *p, int evidence,
                         long today)
{
    int stale = 0;
    for (size_t i = 0; i < m->n; i++) {
        const struct manual_entry *e = &m->v[i];
        if (!evidence) {
            if (e->day < today) {
                printf("%s:%d:%d: warning: the waiver for %s expired on %s\n", m->file, e->line,
                       e->col, e->control, e->date);
                stale++;
            } else if (e->day - today <= EXPIRING_DAYS) {
                printf("%s:%d:%d: warning: the waiver for %s expires on %s, in %ld days\n",
                       m->file, e->line, e->col, e->control, e->date, e->day - today);
            }
            continue;
        }
        const json_t *att = json_object_get(json_object_get(p->doc, "attestations"), e->control);
        json_int_t max_age = json_integer_value(json_object_get(att, "max_age"));
        if (max_age > 0 && today - e->day > max_age) {
            printf("%s:%d:%d: warning: the answer for %s dates from %s, older than its max_age "
                   "of %lld days\n", m->file, e->line, e->col, e->control, e->date,
                   (long long)max_age);
            stale++;
        }
    }
    return stale;
}

static int lint(const char *cmd, int argc, char **argv, int evidence)
{
    static const struct option longopts[] = {
        { "profile", required_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *profile_ref = PROFILE_DEFAULT;
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":p:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'p': profile_ref = optarg; break;
        case 'h': fputs(evidence ? evidence_usage : waivers_usage, stdout); return 0;
        default: return cli_bad_option(cmd, opt, argv);
        }
    }
    if (optind >= argc || strcmp(argv[optind], "lint") != 0)
        return cli_usage_error(cmd, "expected 'lint FILE'");
    if (argc - optind != 2)
        return cli_usage_error(cmd, "lint takes one file");
    const char *file = argv[optind + 1];
    struct profile p;
    struct manual m = { 0 };
    struct diag d = DIAG_INIT;
    long today = manual_today();
    int rc = EXIT_USAGE;
    memset(&p, 0, sizeof p);
    if (profile_load(profile_ref, &p, &d) < 0)
        goto out;
    if ((evidence ? evidence_load(file, &m, today, &d) : waivers_load(file, &m, &d)) < 0 ||
        manual_check_profile(&m, &p, evidence, &d) < 0)
        goto out;
    int stale = lint_warnings(&m, &p, evidence, today);
    printf("%s: ok — %zu %s for profile %s\n", file, m.n,
           evidence ? (m.n == 1 ? "answer" : "answers") : (m.n == 1 ? "waiver" : "waivers"),
           json_string_value(json_object_get(p.doc, "profile")));
    rc = stale ? EXIT_NONCOMPLIANT : 0;
out:
    if (d.count) {
        fputs(d.text.buf, stderr);
        fprintf(stderr, "%s: %d problem%s\n", file, d.count, d.count == 1 ? "" : "s");
    }
    manual_release(&m);
    profile_release(&p);
    diag_release(&d);
    return rc;
}

int cmd_waivers(int argc, char **argv)
{
    return lint("waivers", argc, argv, 0);
}

int cmd_evidence(int argc, char **argv)
{
    return lint("evidence", argc, argv, 1);
}
