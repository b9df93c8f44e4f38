/*
 * cmd_fleet.c — reports seen together, without touching the network: `cocscan report merge`
 * turns many JSON reports into one fleet view (JSON, and an HTML page), and `cocscan report
 * diff` says what changed between two reports of the same targets. The work is done in
 * reports/fleet.c and reports/diff.c; this file is options, files and exit codes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "fleet.h"
#include "log.h"
#include "report.h"
#include "report_output.h"
#include "sign.h"
#include "strbuf.h"
#include "util.h"

static const char merge_usage[] =
    "Usage: cocscan report merge REPORT.json... [-o FILE] [--html FILE] [--fail]\n"
    "\n"
    "Merge JSON reports (one month's scans in shards, one per PHO or vendor) into one fleet\n"
    "view: every target worst first, the union of controls with counts across targets, a\n"
    "targets x controls matrix, and totals per organisation. Nothing is judged again: each\n"
    "target keeps the verdict its report gave it.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE|-   write the fleet JSON (default '-', standard output, unless\n"
    "                        --html is given); a file is written to a temporary and renamed\n"
    "      --html FILE|-     write the fleet as one self-contained HTML page\n"
    "      --fail            exit 1 when any target is non-compliant, incomplete or\n"
    "                        unreachable\n"
    "      --sign-key KEY    sign the fleet JSON file with this Ed25519 key (cocscan\n"
    "                        keygen): the signature goes to FILE.sig (docs/signing.md)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Order: unreachable, non-compliant, incomplete, then compliant targets; within each, more\n"
    "failed critical controls first, then high, medium, low, info, then more errors and\n"
    "warnings; ties by URL.\n"
    "\n"
    "Warnings, on standard error and in the JSON and HTML: the inputs were judged under\n"
    "different profiles (by SHA-256; the warning names which input used which) or failure\n"
    "thresholds; the same target URL is in more than one input (overlapping shards): the scan\n"
    "with the latest started_at is kept and the others are listed under \"duplicates\".\n"
    "\n"
    "Exit codes: 0 written, whatever the targets' compliance (unless --fail); 1 with --fail\n"
    "when a target is not compliant; 2 usage error or an input that is not a cocscan report;\n"
    "3 an output could not be written.\n"
    "\n"
    "Examples:\n"
    "  cocscan report merge pho-*.json -o fleet.json --html fleet.html\n"
    "  cocscan report merge shard1.json shard2.json --fail > fleet.json\n";

static const char diff_usage[] =
    "Usage: cocscan report diff OLD.json NEW.json [--json [FILE|-]] [-q]\n"
    "\n"
    "Compare two JSON reports of the same targets (last month's scan and this month's). Per\n"
    "target, matched by URL: the controls that newly fail, were fixed, still fail or changed\n"
    "status otherwise, and what the server shows differently (TLS protocols and cipher suites\n"
    "accepted, the certificate renewed or replaced, header values, any other observation by\n"
    "its JSON path); then targets added and removed, and whether the profile changed.\n"
    "\n"
    "A new failure is a control that is now fail, warn or error and was pass, skipped, waived\n"
    "or attested before, or was not in the old report. Fixed: fail, warn or error before,\n"
    "pass now.\n"
    "\n"
    "Options:\n"
    "      --json [FILE|-]   write the diff as JSON (schema reports/diff.schema.json) to FILE,\n"
    "                        or to standard output without one\n"
    "  -q, --quiet           no readable summary on standard output\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit codes: 0 nothing regressed; 1 regressed (a new failure, or a target became\n"
    "unreachable); 2 usage error or an input that is not a cocscan report; 3 the JSON could\n"
    "not be written.\n"
    "\n"
    "Examples:\n"
    "  cocscan report diff october.json november.json\n"
    "  cocscan report diff october.json november.json --json changes.json\n";

/* A warning from a document on stderr, its control characters as spaces. */
static void warn_clean(const char *cmd, const char *msg)
{
    struct strbuf sb = STRBUF_INIT;
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
        strbuf_addch(&sb, *p < 0x20 || *p == 0x7F ? ' ' : (char)*p);
    log_warn("%s: %s", cmd, sb.buf);
    strbuf_release(&sb);
}

/* Write data to path ("-" = stdout) atomically; 0 ok, -1 after saying why. */
static int write_out(const char *cmd, const char *what, const char *path, const char *data,
                     size_t len)
{
    if (file_write_atomic(path, data, len) == 0)
        return 0;
    log_err("%s: cannot write the %s to %s: %s", cmd, what,
            strcmp(path, "-") == 0 ? "standard output" : path, strerror(errno));
    return -1;
}

int cmd_report_merge(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "html", required_argument, NULL, 'H' },
        { "fail", no_argument, NULL, 'F' },
        { "sign-key", required_argument, NULL, 'G' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *json_out = NULL, *html_out = NULL, *sign_key = NULL, *const *files;
    int fail = 0, rc = EXIT_USAGE, opt;
    json_t **reps = NULL, *fleet = NULL;
    char *buf = NULL;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o': json_out = optarg; break;
        case 'H': html_out = optarg; break;
        case 'F': fail = 1; break;
        case 'G': sign_key = optarg; break;
        case 'h': fputs(merge_usage, stdout); return 0;
        default: return cli_bad_option("report merge", opt, argv);
        }
    }
    files = (const char *const *)argv + optind;
    size_t n = (size_t)(argc - optind);
    if (n == 0)
        return cli_usage_error("report merge", "expected at least one REPORT.json");
    if (!json_out && !html_out)
        json_out = "-";
    if (json_out && html_out && strcmp(json_out, "-") == 0 && strcmp(html_out, "-") == 0)
        return cli_usage_error("report merge", "only one output can go to standard output ('-')");
    struct coc_error se = { "" };
    if (sign_preflight(json_out, sign_key, "-o", &se) < 0) {
        log_err("report merge: %s", se.msg);
        return EXIT_USAGE;
    }
    reps = calloc(n, sizeof *reps);
    if (!reps) {
        log_err("report merge: out of memory");
        return EXIT_NOSCAN;
    }
    for (size_t i = 0; i < n; i++) {
        struct coc_error e = { "" };
        if (report_read(files[i], &reps[i], &e) < 0) {
            log_err("report merge: %s", e.msg);
            goto out;
        }
    }
    fleet = fleet_merge(files, reps, n);
    if (!fleet) {
        log_err("report merge: out of memory merging the reports");
        rc = EXIT_NOSCAN;
        goto out;
    }
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(fleet, "warnings"), i, w)
        warn_clean("report merge", json_string_value(w));
    rc = fail && !fleet_all_compliant(fleet) ? EXIT_NONCOMPLIANT : 0;
    if (json_out) {
        buf = report_dump(fleet);
        if (!buf || write_out("report merge", "fleet JSON", json_out, buf, strlen(buf)) < 0)
            rc = EXIT_NOSCAN;
        else if (sign_outputs(json_out, sign_key, "report merge") < 0)
            rc = EXIT_NOSCAN;
        free(buf);
        buf = NULL;
    }
    if (html_out) {
        size_t len = 0;
        buf = fleet_to_html(fleet, &len);
        if (!buf || write_out("report merge", "fleet HTML", html_out, buf, len) < 0)
            rc = EXIT_NOSCAN;
    }
out:
    for (size_t k = 0; reps && k < n; k++)
        json_decref(reps[k]);
    free(reps);
    free(buf);
    json_decref(fleet);
    return rc;
}

int cmd_report_diff(int argc, char **argv)
{
    const char *pos[3] = { NULL }, *json_out = NULL;
    int npos = 0, want_json = 0, json_at = -1, quiet = 0, rc = EXIT_USAGE;
    json_t *old_rep = NULL, *new_rep = NULL, *d = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(diff_usage, stdout);
            return 0;
        } else if (strcmp(a, "--json") == 0) {
            want_json = 1;
            json_at = npos; /* the argument after it may be its file: decided below */
        } else if (strncmp(a, "--json=", 7) == 0) {
            want_json = 1;
            json_out = a + 7;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("report diff", "unknown option '%s'", a);
        } else if (npos == 3) {
            return cli_usage_error("report diff", "expected OLD.json and NEW.json");
        } else {
            pos[npos++] = a;
        }
    }
    /* `--json FILE`: a third operand is the file when it came right after --json */
    if (want_json && !json_out && npos == 3 && json_at >= 0 && json_at < 3) {
        json_out = pos[json_at];
        for (int k = json_at; k < 2; k++)
            pos[k] = pos[k + 1];
        npos = 2;
    }
    if (want_json && !json_out)
        json_out = "-";
    if (npos != 2)
        return cli_usage_error("report diff", "expected OLD.json and NEW.json");
    struct coc_error e = { "" };
    if (report_read(pos[0], &old_rep, &e) < 0 || report_read(pos[1], &new_rep, &e) < 0) {
        log_err("report diff: %s", e.msg);
        goto out;
    }
    d = diff_reports(old_rep, pos[0], new_rep, pos[1]);
    if (!d) {
        log_err("report diff: out of memory comparing the reports");
        rc = EXIT_NOSCAN;
        goto out;
    }
    rc = diff_regressed(d) ? EXIT_NONCOMPLIANT : 0;
    if (json_out) {
        char *buf = report_dump(d);
        if (!buf || write_out("report diff", "diff JSON", json_out, buf, strlen(buf)) < 0)
            rc = EXIT_NOSCAN;
        free(buf);
    }
    if (!quiet && !(json_out && strcmp(json_out, "-") == 0)) {
        diff_write_text(d, stdout, cli_use_color(1));
        fflush(stdout);
    }
out:
    json_decref(old_rep);
    json_decref(new_rep);
    json_decref(d);
    return rc;
}
