/* main.c — entry point: dispatch to a subcommand; every exit code is decided here or in one. */
#include <jansson.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "http.h"
#include "tls_session.h"

static const char usage[] =
    "Usage: cocscan COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "cocscan checks an HTTPS endpoint (patient portal, PHO or vendor application) against a\n"
    "code-of-connection profile of minimum security requirements, from the outside, and writes\n"
    "an assurance report.\n"
    "\n"
    "Commands:\n"
    "  scan [OPTIONS] URL...        probe targets and judge them against a profile\n"
    "  profile list                 list the built-in profiles\n"
    "  profile show NAME|FILE       print a profile (--resolved: after `extends`)\n"
    "  profile validate FILE...     check profiles; every problem as file:line:col\n"
    "  checks                       list every check with its family and expect keys\n"
    "  waivers lint FILE            check a waivers file (--profile: against a profile)\n"
    "  evidence lint FILE           check an evidence file of attestation answers\n"
    "  report FORMAT REPORT.json    render a stored report as html, sarif, junit or json\n"
    "  report merge REPORT.json...  merge reports into one fleet view (JSON, --html)\n"
    "  report diff OLD.json NEW.json\n"
    "                               what changed between two reports (exit 1: regressed)\n"
    "  report verify REPORT.json    check a signed report (--pubkey KEY)\n"
    "  keygen [-o KEY]              make an Ed25519 key pair for --sign-key\n"
    "  evaluate REPORT.json         judge a stored report's observations again under a\n"
    "                               profile, without any network access\n"
    "\n"
    "Options:\n"
    "  -h, --help                   show this help (COMMAND --help for a command's options)\n"
    "  -V, --version                show the version\n"
    "\n"
    "Exit codes: 0 compliant, 1 non-compliant (a failure, or an undeterminable result, at or\n"
    "above --fail-on), 2 usage, profile or input error, 3 nothing could be scanned.\n"
    "\n"
    "Example:\n"
    "  cocscan scan https://portal.example.nz --profile nz-health-portal --json report.json\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("cocscan %s\n", COC_VERSION);
        return 0;
    }
    xmlInitParser(); /* once, before any thread: libxml2's lazy set-up is not thread-safe */
    json_object_seed(0); /* jansson's hash seed, likewise, before the scan's worker threads */
    if (http_global_init() < 0) {
        fprintf(stderr, "cocscan: cannot initialise libcurl\n");
        return EXIT_NOSCAN;
    }
    int rc;
    if (strcmp(cmd, "scan") == 0)
        rc = cmd_scan(argc - 1, argv + 1);
    else if (strcmp(cmd, "profile") == 0)
        rc = cmd_profile(argc - 1, argv + 1);
    else if (strcmp(cmd, "report") == 0)
        rc = cmd_report(argc - 1, argv + 1);
    else if (strcmp(cmd, "evaluate") == 0)
        rc = cmd_evaluate(argc - 1, argv + 1);
    else if (strcmp(cmd, "waivers") == 0)
        rc = cmd_waivers(argc - 1, argv + 1);
    else if (strcmp(cmd, "evidence") == 0)
        rc = cmd_evidence(argc - 1, argv + 1);
    else if (strcmp(cmd, "keygen") == 0)
        rc = cmd_keygen(argc - 1, argv + 1);
    else if (strcmp(cmd, "checks") == 0)
        rc = cmd_checks(argc - 1, argv + 1);
    else if (cmd[0] == '-')
        rc = cli_usage_error(NULL, "unknown option '%s'", cmd);
    else
        rc = cli_usage_error(NULL, "unknown command '%s'", cmd);
    http_global_cleanup();
    tls_session_global_cleanup();
    return rc;
}
