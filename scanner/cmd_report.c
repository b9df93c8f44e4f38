/*
 * cmd_report.c — working with reports already written, without touching the network:
 * `cocscan report html|sarif|junit|json REPORT.json` renders a stored report in another format,
 * and `cocscan evaluate REPORT.json --profile P` judges its stored observations again under a
 * profile (a tightened one, a newer version) and writes a new report.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eval.h"
#include "log.h"
#include "manual.h"
#include "profile.h"
#include "report.h"
#include "report_output.h"
#include "sign.h"
#include "target.h"

static const char report_usage[] =
    "Usage: cocscan report FORMAT REPORT.json [-o FILE]\n"
    "       cocscan report merge REPORT.json... [-o FILE] [--html FILE] [--fail]\n"
    "       cocscan report diff OLD.json NEW.json [--json [FILE]]\n"
    "       cocscan report verify REPORT.json --pubkey KEY\n"
    "\n"
    "Render a JSON report written by `cocscan scan --json` (or `evaluate`) in another format.\n"
    "FORMAT is one of:\n"
    "  html    one self-contained page (no external resources) for people\n"
    "  sarif   SARIF 2.1.0, for GitHub code scanning and other CI tools\n"
    "  junit   JUnit XML: a testsuite per target, a testcase per control\n"
    "  json    the report itself, re-serialised\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE|-   where to write it (default '-', standard output); a file is\n"
    "                        written to a temporary and renamed, never left half-written\n"
    "  -h, --help            show this help\n"
    "\n"
    "merge: many reports as one fleet view (JSON, --html page), worst target first\n"
    "diff: what changed between two reports of the same targets (exit 1 if it regressed)\n"
    "verify: check a report's signature (cocscan keygen, scan --sign-key)\n"
    "Each has its own --help (`cocscan report merge --help`).\n"
    "\n"
    "Exit codes: 0 written, 2 usage error or a file that is not a cocscan report, 3 the\n"
    "output could not be written.\n";

static const char evaluate_usage[] =
    "Usage: cocscan evaluate REPORT.json [OPTIONS]\n"
    "\n"
    "Judge the observations stored in a JSON report again, under a profile, without any network\n"
    "access, and write a new report. Use it to apply a tightened profile or a new version of\n"
    "the baseline to last month's scans, or to check what a profile change would do.\n"
    "\n"
    "Options:\n"
    "  -p, --profile NAME|FILE  profile to judge against (default: " PROFILE_DEFAULT ")\n"
    "  -j, --json FILE|-        write the new JSON report\n"
    "      --html FILE|-        write it as HTML\n"
    "      --sarif FILE|-       write it as SARIF 2.1.0\n"
    "      --junit FILE|-       write it as JUnit XML\n"
    "      --sign-key KEY       sign the --json FILE with this Ed25519 key (cocscan keygen):\n"
    "                           the signature goes to FILE.sig (docs/signing.md)\n"
    "      --waivers FILE       apply approved exceptions (as for `scan`)\n"
    "      --evidence FILE      answers to the profile's attestations (as for `scan`)\n"
    "      --fail-on SEVERITY   lowest severity whose failure makes the exit code 1 (default low)\n"
    "  -q, --quiet              no readable summary on stdout\n"
    "  -h, --help               show this help\n"
    "\n"
    "A control whose check was not run in the original scan is `skipped`, with the reason\n"
    "(never a pass). Exit codes: as for `scan`: 0 compliant, 1 non-compliant or incomplete,\n"
    "2 usage, profile or input error, 3 every stored target was unreachable, or a report\n"
    "could not be written or signed.\n";

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    if (argc > 1 && strcmp(argv[1], "merge") == 0)
        return cmd_report_merge(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "diff") == 0)
        return cmd_report_diff(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "verify") == 0)
        return cmd_report_verify(argc - 1, argv + 1);
    const char *output = "-";
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o': output = optarg; break;
        case 'h': fputs(report_usage, stdout); return 0;
        default: return cli_bad_option("report", opt, argv);
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("report", "expected FORMAT and REPORT.json");
    enum report_format fmt;
    if (report_format_parse(argv[optind], &fmt) < 0)
        return cli_usage_error("report", "'%s' is not a format (html, sarif, junit, json)",
                               argv[optind]);
    json_t *rep = NULL;
    struct coc_error e = { "" };
    if (report_read(argv[optind + 1], &rep, &e) < 0) {
        log_err("report: %s", e.msg);
        return EXIT_USAGE;
    }
    int rc = 0;
    if (report_output(rep, fmt, output, &e) < 0) {
        log_err("report: %s", e.msg);
        rc = EXIT_NOSCAN;
    }
    json_decref(rep);
    return rc;
}

/* The new report's target for a stored one: only what report_add_target reads. */
static void stored_target(const json_t *tg, struct target *t)
{
    memset(t, 0, sizeof *t);
    t->url = (char *)json_string_value(json_object_get(tg, "url"));
    t->name = (char *)json_string_value(json_object_get(tg, "name"));
    t->organisation = (char *)json_string_value(json_object_get(tg, "organisation"));
}

int cmd_evaluate(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "profile", required_argument, NULL, 'p' }, { "json", required_argument, NULL, 'j' },
        { "html", required_argument, NULL, 'H' },    { "sarif", required_argument, NULL, 'S' },
        { "junit", required_argument, NULL, 'J' },   { "fail-on", required_argument, NULL, 'F' },
        { "quiet", no_argument, NULL, 'q' },         { "help", no_argument, NULL, 'h' },
        { "waivers", required_argument, NULL, 'X' }, { "evidence", required_argument, NULL, 'Y' },
        { "sign-key", required_argument, NULL, 'G' },
        { NULL, 0, NULL, 0 },
    };
    const char *profile_ref = PROFILE_DEFAULT, *outs[REPORT__COUNT] = { NULL }, *sign_key = NULL;
    struct manual_inputs mi = { 0 };
    enum severity fail_on = SEV_LOW;
    int quiet = 0, opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":p:j:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'p': profile_ref = optarg; break;
        case 'j': outs[REPORT_JSON] = optarg; break;
        case 'H': outs[REPORT_HTML] = optarg; break;
        case 'S': outs[REPORT_SARIF] = optarg; break;
        case 'J': outs[REPORT_JUNIT] = optarg; break;
        case 'q': quiet = 1; break;
        case 'X': mi.waivers_path = optarg; break;
        case 'Y': mi.evidence_path = optarg; break;
        case 'G': sign_key = optarg; break;
        case 'h': fputs(evaluate_usage, stdout); return 0;
        case 'F':
            if (severity_parse(optarg, &fail_on) < 0)
                return cli_usage_error("evaluate", "--fail-on: '%s' is not a severity (info, "
                                                   "low, medium, high, critical)", optarg);
            break;
        default: return cli_bad_option("evaluate", opt, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("evaluate", "expected one REPORT.json");
    if (report_outputs_to_stdout(outs) > 1)
        return cli_usage_error("evaluate", "only one report can go to standard output ('-')");
    json_t *old = NULL, *rep = NULL;
    struct coc_error e = { "" };
    struct profile prof;
    struct diag d = DIAG_INIT;
    int rc = EXIT_USAGE;
    memset(&prof, 0, sizeof prof);
    if (sign_preflight(outs[REPORT_JSON], sign_key, "--json", &e) < 0) {
        log_err("evaluate: %s", e.msg);
        goto out;
    }
    if (report_read(argv[optind], &old, &e) < 0) {
        log_err("evaluate: %s", e.msg);
        goto out;
    }
    if (profile_load(profile_ref, &prof, &d) < 0) {
        fputs(d.text.buf, stderr);
        goto out;
    }
    profile_print_notes(&prof, stderr, "note: ");
    if (manual_inputs_load(&mi, &prof, &d) < 0) {
        fputs(d.text.buf, stderr);
        goto out;
    }
    rep = report_new(&prof, fail_on);
    manual_inputs_to_report(&mi, rep, "evaluate");
    size_t i;
    json_t *tg;
    json_array_foreach(json_object_get(old, "targets"), i, tg) {
        struct target t;
        stored_target(tg, &t);
        if (!t.url)
            continue;
        const char *unreachable = json_string_value(json_object_get(tg, "error"));
        json_t *obs = json_deep_copy(json_object_get(tg, "observations"));
        if (!obs)
            obs = json_object();
        json_t *results = eval_judge(obs, &prof, NULL, unreachable);
        manual_inputs_apply(&mi, &prof, t.url, results);
        report_add_target(rep, &t, obs, results, unreachable);
        json_t *added = json_object_get(rep, "targets"), *src = json_object_get(tg, "source");
        if (src) /* where the target was defined: SARIF anchors its findings there */
            json_object_set(json_array_get(added, json_array_size(added) - 1), "source", src);
    }
    json_object_set_new(rep, "evaluated_from",
                    json_pack("{s:s, s:O?}", "report", argv[optind], "started_at",
                              json_object_get(old, "started_at")));
    report_finish(rep);
    rc = report_exit_code(rep);
    if (report_output_all(rep, outs, "evaluate") < 0)
        rc = EXIT_NOSCAN;
    else if (sign_outputs(outs[REPORT_JSON], sign_key, "evaluate") < 0)
        rc = EXIT_NOSCAN;
    if (!quiet && !report_outputs_to_stdout(outs))
        report_write_text(rep, stdout, cli_use_color(1));
out:
    json_decref(old);
    json_decref(rep);
    manual_inputs_release(&mi);
    profile_release(&prof);
    diag_release(&d);
    return rc;
}
