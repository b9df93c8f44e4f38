/* cmd_scan.c — `cocscan scan`: parse options, load the profile, observe and judge each target,
 * write the JSON report and the terminal summary, and turn the verdict into the exit code. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "eval.h"
#include "log.h"
#include "hostgate.h"
#include "manual.h"
#include "profile.h"
#include "report.h"
#include "report_output.h"
#include "scan.h"
#include "scan_run.h"
#include "shard.h"
#include "sign.h"
#include "target.h"
#include "targets_file.h"
#include "util.h"

static const char scan_usage[] =
    "Usage: cocscan scan [OPTIONS] URL...\n"
    "       cocscan scan [OPTIONS] --targets FILE [URL...]\n"
    "\n"
    "Probe each URL (https://host[:port][/path]; a bare host means https) and each target of\n"
    "the targets file, and judge what was observed against a profile. A report a person can\n"
    "read goes to stdout; --json writes the canonical machine-readable report.\n"
    "\n"
    "Options:\n"
    "  -p, --profile NAME|FILE  profile to judge against (default: " PROFILE_DEFAULT ");\n"
    "                           see `cocscan profile list`\n"
    "  -j, --json FILE|-        write the JSON report to FILE ('-' = stdout, which also\n"
    "                           suppresses the readable report)\n"
    "      --html FILE|-        also write it as one self-contained HTML page\n"
    "      --sarif FILE|-       also write it as SARIF 2.1.0 (GitHub code scanning)\n"
    "      --junit FILE|-       also write it as JUnit XML (a testcase per control)\n"
    "      --sign-key KEY       sign the --json FILE with this Ed25519 key (cocscan keygen):\n"
    "                           the signature goes to FILE.sig (docs/signing.md)\n"
    "      --fail-on SEVERITY   lowest severity whose failure makes the exit code 1:\n"
    "                           info, low (default), medium, high, critical\n"
    "  -t, --timeout SECONDS    deadline for each connect, read and HTTP request (default 10)\n"
    "      --targets FILE       also scan the targets in FILE (after the URLs given): YAML\n"
    "                           with names, test accounts, documents, pages (docs/targets.md)\n"
    "      --waivers FILE       approved exceptions (control, target glob, reason,\n"
    "                           approved_by, expires): a current one turns a fail or warn\n"
    "                           into `waived`; an expired one is ignored and reported\n"
    "      --evidence FILE      answers to the profile's attestations (answer, by, date,\n"
    "                           reference): shown as `attested`, never as verified\n"
    "  -C, --concurrency N      targets scanned at once (default 16, at most 256)\n"
    "      --per-host N         connections (or HTTP requests) in flight to one host at\n"
    "                           once, across all targets (default 4; 0: no cap)\n"
    "      --rate R             connections or requests started per second per host\n"
    "                           (default: no limit; e.g. 2 or 0.5)\n"
    "      --shard K/N          scan only shard K of N: every Nth target of the list, from\n"
    "                           the Kth (URLs given first, then the targets file in order)\n"
    "      --shards N           the shard count for a Kubernetes Indexed Job: the shard is\n"
    "                           JOB_COMPLETION_INDEX + 1 (docs/fleet.md)\n"
    "  -c, --checks LIST        run only these checks or families, comma-separated\n"
    "                           (e.g. tls.protocols,headers); other controls are skipped\n"
    "      --ca-file FILE       PEM bundle of trusted CAs instead of the system store\n"
    "      --http-port PORT     where plain http is tested for its redirect to https\n"
    "                           (default 80; a target's http_port in --targets wins)\n"
    "      --max-enum N         neighbouring ids documents.enumeration tries per known\n"
    "                           document, closest first (default 10, at most 100)\n"
    "  -q, --quiet              no readable report on stdout and no progress line (errors\n"
    "                           still go to stderr)\n"
    "  -v, --verbose            say what is being probed on stderr (-vv for more)\n"
    "  -h, --help               show this help\n"
    "\n"
    "On a terminal, stderr shows a progress line (targets done, failing, current target).\n"
    "Colour is used only on a terminal and never when NO_COLOR is set.\n"
    "Exit codes: 0 compliant, 1 non-compliant or incomplete (a fail or error at or above\n"
    "--fail-on), 2 usage, profile or input error, 3 no target could be scanned or a report\n"
    "could not be written or signed. An empty shard (more shards than targets) exits 0.\n"
    "\n"
    "Example:\n"
    "  cocscan scan https://portal.example.nz --profile nz-health-portal --json report.json\n"
    "  cocscan scan --targets pho-portals.yaml --json fleet.json\n";

struct scan_opts {
    const char *profile;
    const char *json;
    const char *outs[REPORT__COUNT]; /* by format: --html, --sarif, --junit (json: .json) */
    const char *checks;
    const char *targets; /* --targets FILE */
    struct manual_inputs manual; /* --waivers, --evidence */
    const char *shard;           /* --shard K/N */
    const char *sign_key;        /* --sign-key KEY */
    unsigned shards;             /* --shards N */
    int concurrency, per_host;
    double rate;
    enum severity fail_on;
    int quiet;
};

static int parse_timeout(const char *s, int *ms)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0.1 && v <= 600))
        return -1;
    *ms = (int)(v * 1000.0);
    return 0;
}

/* A decimal integer in [lo, hi], the whole of s. 0 ok, -1. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int output_writable(const char *path)
{
    if (strcmp(path, "-") == 0)
        return 0;
    char *dup = strdup(path);
    if (!dup)
        return -1;
    char *slash = strrchr(dup, '/');
    const char *dir = ".";
    if (slash) {
        *slash = '\0';
        dir = slash == dup ? "/" : dup;
    }
    int rc = access(dir, W_OK);
    free(dup);
    return rc;
}

/* Append the targets of a targets file to *targets (argv's come first); --http-port applies to
 * those whose entry sets no http_port. Problems go to d. 0 ok, -1. */
static int add_file_targets(const char *path, int http_port, struct target **targets, size_t *n,
                            struct diag *d)
{
    struct target *file = NULL, *all;
    size_t n_file = 0;
    if (targets_file_load(path, &file, &n_file, d) < 0)
        return -1;
    all = realloc(*targets, (*n + n_file) * sizeof *all);
    if (!all) {
        targets_free(file, n_file);
        diag_at(d, path, 0, 0, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n_file; i++) {
        if (!file[i].http_port_fixed)
            file[i].http_port = http_port;
        all[*n + i] = file[i];
    }
    free(file); /* the targets themselves now belong to *targets */
    *targets = all;
    *n += n_file;
    return 0;
}

int cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "profile", required_argument, NULL, 'p' },
        { "json", required_argument, NULL, 'j' },
        { "fail-on", required_argument, NULL, 'F' },
        { "timeout", required_argument, NULL, 't' },
        { "checks", required_argument, NULL, 'c' },
        { "ca-file", required_argument, NULL, 'A' },
        { "http-port", required_argument, NULL, 'H' },
        { "targets", required_argument, NULL, 'T' },
        { "max-enum", required_argument, NULL, 'E' },
        { "html", required_argument, NULL, 'W' },
        { "sarif", required_argument, NULL, 'S' },
        { "junit", required_argument, NULL, 'U' },
        { "sign-key", required_argument, NULL, 'G' },
        { "waivers", required_argument, NULL, 'X' },
        { "evidence", required_argument, NULL, 'Y' },
        { "concurrency", required_argument, NULL, 'C' },
        { "per-host", required_argument, NULL, 'P' },
        { "rate", required_argument, NULL, 'R' },
        { "shard", required_argument, NULL, 'K' },
        { "shards", required_argument, NULL, 'N' },
        { "quiet", no_argument, NULL, 'q' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct scan_opts o = { .profile = PROFILE_DEFAULT, .fail_on = SEV_LOW,
                           .concurrency = SCAN_CONCURRENCY_DEFAULT,
                           .per_host = HOSTGATE_DEFAULT_PER_HOST };
    struct scan scan = { .timeout_ms = 10000, .max_enum = 10 };
    int opt, http_port = 80;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":p:j:t:c:C:qvh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'p': o.profile = optarg; break;
        case 'j': o.json = optarg; break;
        case 'c': o.checks = optarg; break;
        case 'A': scan.ca_file = optarg; break;
        case 'T':
            if (o.targets)
                return cli_usage_error("scan", "--targets given more than once");
            o.targets = optarg;
            break;
        case 'H':
            if (parse_int(optarg, 1, 65535, &http_port) < 0)
                return cli_usage_error("scan", "--http-port: '%s' is not a port (1-65535)",
                                       optarg);
            break;
        case 'E':
            if (parse_int(optarg, 0, 100, &scan.max_enum) < 0)
                return cli_usage_error("scan", "--max-enum: '%s' is not a number from 0 to 100",
                                       optarg);
            break;
        case 'W': o.outs[REPORT_HTML] = optarg; break;
        case 'S': o.outs[REPORT_SARIF] = optarg; break;
        case 'U': o.outs[REPORT_JUNIT] = optarg; break;
        case 'G': o.sign_key = optarg; break;
        case 'X': o.manual.waivers_path = optarg; break;
        case 'Y': o.manual.evidence_path = optarg; break;
        case 'K': o.shard = optarg; break;
        case 'C':
            if (parse_int(optarg, 1, SCAN_CONCURRENCY_MAX, &o.concurrency) < 0)
                return cli_usage_error("scan", "--concurrency: '%s' is not a number from 1 to %d",
                                       optarg, SCAN_CONCURRENCY_MAX);
            break;
        case 'P':
            if (parse_int(optarg, 0, 1000, &o.per_host) < 0)
                return cli_usage_error("scan", "--per-host: '%s' is not a number from 0 to 1000",
                                       optarg);
            break;
        case 'R': {
            char *end = NULL;
            errno = 0;
            o.rate = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(o.rate > 0 && o.rate <= 10000))
                return cli_usage_error("scan", "--rate: '%s' is not a number of requests per "
                                               "second above 0 (at most 10000)", optarg);
            break;
        }
        case 'N': {
            int v;
            if (parse_int(optarg, 1, SHARD_MAX, &v) < 0)
                return cli_usage_error("scan", "--shards: '%s' is not a number from 1 to %d",
                                       optarg, SHARD_MAX);
            o.shards = (unsigned)v;
            break;
        }
        case 'q': o.quiet = 1; break;
        case 'v': log_verbosity++; break;
        case 'h': fputs(scan_usage, stdout); return EXIT_COMPLIANT;
        case 'F':
            if (severity_parse(optarg, &o.fail_on) < 0)
                return cli_usage_error("scan", "--fail-on: '%s' is not a severity (info, low, "
                                               "medium, high, critical)", optarg);
            break;
        case 't':
            if (parse_timeout(optarg, &scan.timeout_ms) < 0)
                return cli_usage_error("scan", "--timeout: '%s' is not a number of seconds "
                                               "between 0.1 and 600", optarg);
            break;
        default:
            return cli_bad_option("scan", opt, argv);
        }
    }
    scan.verbose = log_verbosity;
    if (optind >= argc && !o.targets)
        return cli_usage_error("scan", "no target URL given (name URLs or --targets FILE)");

    int rc = EXIT_USAGE;
    size_t n = (size_t)(argc - optind);
    struct target *targets = calloc(n ? n : 1, sizeof *targets);
    struct selection sel = { NULL, 0 };
    struct profile prof = { 0 };
    struct diag d = DIAG_INIT;
    struct coc_error e = { "" };
    json_t *report = NULL;
    unsigned char *keep = NULL;
    if (!targets) {
        log_err("out of memory");
        return EXIT_NOSCAN;
    }
    for (size_t i = 0; i < n; i++) {
        if (target_parse(argv[optind + (int)i], &targets[i], &e) < 0) {
            log_err("scan: %s", e.msg);
            goto out;
        }
        targets[i].http_port = http_port;
    }
    if (o.targets && add_file_targets(o.targets, http_port, &targets, &n, &d) < 0) {
        fputs(d.text.buf, stderr);
        goto out;
    }
    struct shard shard;
    if (shard_resolve(o.shard, o.shards, getenv("JOB_COMPLETION_INDEX"), &shard, &e) < 0) {
        rc = cli_usage_error("scan", "%s", e.msg);
        goto out;
    }
    if (o.checks && selection_parse(o.checks, &sel, &e) < 0) {
        log_err("scan: %s", e.msg);
        goto out;
    }
    if (scan.ca_file && access(scan.ca_file, R_OK) < 0) {
        log_err("scan: cannot read --ca-file %s: %s", scan.ca_file, strerror(errno));
        goto out;
    }
    o.outs[REPORT_JSON] = o.json;
    int to_stdout = report_outputs_to_stdout(o.outs);
    for (int f = 0; f < REPORT__COUNT; f++) {
        if (!o.outs[f])
            continue;
        if (output_writable(o.outs[f]) < 0) {
            log_err("scan: cannot write --%s %s: %s", report_format_name((enum report_format)f),
                    o.outs[f], strerror(errno));
            goto out;
        }
    }
    if (to_stdout > 1) {
        rc = cli_usage_error("scan", "only one report can go to standard output ('-')");
        goto out;
    }
    if (sign_preflight(o.json, o.sign_key, "--json", &e) < 0) { /* before any probe */
        log_err("scan: %s", e.msg);
        goto out;
    }
    if (profile_load(o.profile, &prof, &d) < 0) {
        fputs(d.text.buf, stderr);
        goto out;
    }
    profile_print_notes(&prof, stderr, "note: ");
    if (manual_inputs_load(&o.manual, &prof, &d) < 0) { /* before any probe */
        fputs(d.text.buf, stderr);
        goto out;
    }

    report = report_new(&prof, o.fail_on);
    manual_inputs_to_report(&o.manual, report, "scan");
    keep = calloc(n ? n : 1, 1);
    if (!keep) {
        log_err("out of memory");
        rc = EXIT_NOSCAN;
        goto out;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        kept += keep[i] = (unsigned char)shard_has(&shard, i);
    if (shard.count) {
        json_object_set_new(report, "shard", json_pack("{s:i, s:i, s:I, s:I}", "index",
                                                       (int)shard.index, "count", (int)shard.count,
                                                       "targets", (json_int_t)kept,
                                                       "of_targets", (json_int_t)n));
        log_debug(1, "shard %u/%u: %zu of %zu targets", shard.index, shard.count, kept, n);
    }
    hostgate_configure(o.per_host, o.rate);
    struct scan_run run = {
        .settings = &scan, .prof = &prof, .sel = o.checks ? &sel : NULL, .mi = &o.manual,
        .concurrency = o.concurrency, .progress = !o.quiet && cli_is_terminal(2),
        .color = cli_use_color(2),
    };
    scan.probes = scan_run_targets(&run, targets, n, keep, report);
    log_debug(1, "%u connections; at most %d in flight to one host (--per-host %d)",
              scan.probes, hostgate_peak(), o.per_host);
    hostgate_reset();
    report_finish(report);
    rc = report_exit_code(report);
    if (shard.count && kept == 0) { /* more pods than targets: not a failure of this one */
        log_warn("scan: shard %u/%u holds none of the %zu targets: nothing to scan", shard.index,
                 shard.count, n);
        rc = EXIT_COMPLIANT;
    }

    if (report_output_all(report, o.outs, "scan") < 0)
        rc = EXIT_NOSCAN;
    else if (sign_outputs(o.json, o.sign_key, "scan") < 0)
        rc = EXIT_NOSCAN;
    if (!o.quiet && !to_stdout)
        report_write_text(report, stdout, cli_use_color(1));
out:
    free(keep);
    json_decref(report);
    manual_inputs_release(&o.manual);
    profile_release(&prof);
    diag_release(&d);
    selection_release(&sel);
    for (size_t i = 0; i < n; i++)
        target_release(&targets[i]);
    free(targets);
    return rc;
}
