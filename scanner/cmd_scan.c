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
#include "login.h"
#include "manual.h"
#include "net.h"
#include "profile.h"
#include "report.h"
#include "report_output.h"
#include "scan.h"
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
    "  -c, --checks LIST        run only these checks or families, comma-separated\n"
    "                           (e.g. tls.protocols,headers); other controls are skipped\n"
    "      --ca-file FILE       PEM bundle of trusted CAs instead of the system store\n"
    "      --http-port PORT     where plain http is tested for its redirect to https\n"
    "                           (default 80; a target's http_port in --targets wins)\n"
    "      --max-enum N         neighbouring ids documents.enumeration tries per known\n"
    "                           document, closest first (default 10, at most 100)\n"
"  -q, --quiet              no readable report on stdout (errors still go to stderr)\n"
    "  -v, --verbose            say what is being probed on stderr (-vv for more)\n"
    "  -h, --help               show this help\n"
    "\n"
    "Colour is used only on a terminal and never when NO_COLOR is set.\n"
    "Exit codes: 0 compliant, 1 non-compliant or incomplete (a fail or error at or above\n"
    "--fail-on), 2 usage, profile or input error, 3 no target could be scanned.\n"
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

static void scan_target(struct scan *scan, struct target *t, const struct profile *prof,
                        const struct selection *sel, const struct manual_inputs *mi,
                        json_t *report)
{
    struct coc_error e = { "" };
    json_t *observations = json_object();
    const char *unreachable = NULL;
    log_debug(1, "%s: connecting to %s port %d", t->url, t->host, t->port);
    int fd = net_connect(t->host, t->port, scan->timeout_ms, &e);
    scan->probes++;
    if (fd < 0) {
        unreachable = e.msg;
        log_err("%s: %s", t->url, e.msg);
    } else {
        net_close(fd);
        eval_observe(scan, t, prof, sel, observations);
        login_shared_clear(scan); /* sessions end with the target */
    }
    json_t *results = eval_judge(observations, prof, sel, unreachable);
    manual_inputs_apply(mi, prof, t->url, results);
    report_add_target(report, t, observations, results, unreachable);
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
        { "waivers", required_argument, NULL, 'X' },
        { "evidence", required_argument, NULL, 'Y' },
        { "quiet", no_argument, NULL, 'q' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct scan_opts o = { .profile = PROFILE_DEFAULT, .fail_on = SEV_LOW };
    struct scan scan = { .timeout_ms = 10000, .max_enum = 10 };
    int opt, http_port = 80;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":p:j:t:c:qvh", longopts, NULL)) != -1) {
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
        case 'X': o.manual.waivers_path = optarg; break;
        case 'Y': o.manual.evidence_path = optarg; break;
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
    for (size_t i = 0; i < n; i++)
        scan_target(&scan, &targets[i], &prof, o.checks ? &sel : NULL, &o.manual, report);
    report_finish(report);
    rc = report_exit_code(report);

    if (report_output_all(report, o.outs, "scan") < 0)
        rc = EXIT_NOSCAN;
    if (!o.quiet && !to_stdout)
        report_write_text(report, stdout, cli_use_color(1));
out:
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
