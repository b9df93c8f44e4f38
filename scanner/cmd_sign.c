/*
 * cmd_sign.c — report signatures on the command line: `cocscan keygen` makes the Ed25519 key
 * pair a PHO or vendor signs its reports with (`scan --sign-key`, `evaluate --sign-key`), and
 * `cocscan report verify` is what the ministry runs on a report it received. The work is in
 * reports/sign.c; this file is options, messages and exit codes.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "sign.h"
#include "strbuf.h"

#define KEYGEN_DEFAULT "cocscan-signing.key"

static const char keygen_usage[] =
    "Usage: cocscan keygen [-o KEY] [--pub PUB] [--force]\n"
    "\n"
    "Make an Ed25519 key pair for signing reports. Whoever produces reports keeps the private\n"
    "key and signs with `cocscan scan --sign-key KEY --json FILE` (or `evaluate --sign-key`);\n"
    "whoever receives them gets the public key and checks them with `cocscan report verify`\n"
    "or plain openssl (docs/signing.md). Prints the key id, which names the key in every\n"
    "signature.\n"
    "\n"
    "Options:\n"
    "  -o, --output KEY   the private key, PKCS#8 PEM, mode 0600 (default " KEYGEN_DEFAULT ")\n"
    "      --pub PUB      the public key, SubjectPublicKeyInfo PEM (default KEY.pub)\n"
    "  -f, --force        replace existing key files (default: refuse, so a key that signed\n"
    "                     reports is never lost by accident)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Both files are written to a temporary and renamed, never left half-written.\n"
    "Exit codes: 0 written, 2 usage error or a key file already exists, 3 cannot write.\n"
    "\n"
    "Example:\n"
    "  cocscan keygen -o /etc/cocscan/pho-signing.key     # and pho-signing.key.pub\n";

static const char verify_usage[] =
    "Usage: cocscan report verify REPORT.json --pubkey PUB [--sig FILE]\n"
    "\n"
    "Check that REPORT.json is exactly the report its signer signed: the detached Ed25519\n"
    "signature in REPORT.json.sig (written by `scan --sign-key` or `evaluate --sign-key`) must\n"
    "verify over the file's bytes with the signer's public key. Nothing is fetched: use a\n"
    "public key you obtained from the signer by a channel you trust.\n"
    "\n"
    "Options:\n"
    "  -k, --pubkey PUB   the signer's public key (PEM, the .pub file of `cocscan keygen`)\n"
    "  -s, --sig FILE     the signature file (default REPORT.json.sig)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit codes: 0 valid, 1 invalid (the report was changed, another key signed it, or the\n"
    "signature file is malformed; the reason on stderr), 2 usage error, or a missing or\n"
    "unreadable file or key.\n"
    "\n"
    "Example:\n"
    "  cocscan report verify pho-2026-03.json --pubkey pho-signing.key.pub\n";

int cmd_keygen(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "pub", required_argument, NULL, 'P' },
        { "force", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *priv = KEYGEN_DEFAULT, *pub = NULL;
    struct strbuf def_pub = STRBUF_INIT;
    struct coc_error e = { "" };
    char id[SIGN_KEY_ID_SIZE];
    int force = 0, opt, rc;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":o:fh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o': priv = optarg; break;
        case 'P': pub = optarg; break;
        case 'f': force = 1; break;
        case 'h': fputs(keygen_usage, stdout); return 0;
        default: return cli_bad_option("keygen", opt, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("keygen", "unexpected argument '%s'", argv[optind]);
    if (!*priv || (pub && !*pub))
        return cli_usage_error("keygen", "a key file name cannot be empty");
    if (!pub) {
        if (strbuf_addf(&def_pub, "%s.pub", priv) < 0) {
            log_err("keygen: out of memory");
            return EXIT_NOSCAN;
        }
        pub = def_pub.buf;
    }
    rc = sign_keygen(priv, pub, force, &e);
    if (rc == 0 && sign_key_id(pub, id, &e) < 0)
        rc = -1;
    if (rc < 0) {
        log_err("keygen: %s", e.msg);
        rc = rc == -2 ? EXIT_USAGE : EXIT_NOSCAN;
        goto out;
    }
    printf("Ed25519 key pair written\n"
           "  private key  %s  (mode 0600: keep it secret; sign with --sign-key)\n"
           "  public key   %s  (give it to whoever checks your reports)\n"
           "  key id       %s\n",
           priv, pub, id);
    rc = 0;
out:
    strbuf_release(&def_pub);
    return rc;
}

int cmd_report_verify(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "pubkey", required_argument, NULL, 'k' },
        { "sig", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *pub = NULL, *sig = NULL;
    struct coc_error e = { "" };
    char id[SIGN_KEY_ID_SIZE];
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":k:s:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'k': pub = optarg; break;
        case 's': sig = optarg; break;
        case 'h': fputs(verify_usage, stdout); return 0;
        default: return cli_bad_option("report verify", opt, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("report verify", "expected one REPORT.json");
    if (!pub)
        return cli_usage_error("report verify", "--pubkey PUB is required (the signer's "
                                                "public key)");
    const char *report = argv[optind];
    switch (sign_verify_file(report, sig, pub, &e)) {
    case 0:
        if (sign_key_id(pub, id, &e) < 0) { /* it was read a moment ago */
            log_err("report verify: %s", e.msg);
            return EXIT_USAGE;
        }
        printf("%s: signature valid (key %s)\n", report, id);
        return 0;
    case 1:
        log_err("report verify: %s", e.msg);
        return EXIT_NONCOMPLIANT;
    default:
        log_err("report verify: %s", e.msg);
        return EXIT_USAGE;
    }
}
