/* cmd_profile.c — `cocscan profile list|show|validate`: inspect and check profiles. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "profile.h"
#include "util.h"

static const char profile_usage[] =
    "Usage: cocscan profile list\n"
    "       cocscan profile show NAME|FILE [--resolved]\n"
    "       cocscan profile validate NAME|FILE...\n"
    "\n"
    "A profile is a YAML file of controls, each naming a check, a severity and what the check\n"
    "must find (`expect`); `extends` builds on a built-in profile or another file (relative\n"
    "paths are relative to the extending file), and controls merge by id.\n"
    "\n"
    "  list       the built-in profiles: name, version, number of controls, title\n"
    "  show       print the profile as written; --resolved prints it after every `extends`\n"
    "             is merged (what a scan actually judges against, and what its sha256 covers)\n"
    "  validate   check each profile: unknown keys, wrong types, unknown checks, expect keys a\n"
    "             check does not accept; every problem printed as file:line:col: message\n"
    "\n"
    "Exit codes: 0 valid, 2 a profile has problems or cannot be read.\n";

static int cmd_list(void)
{
    printf("%-24s %-10s %8s  %s\n", "NAME", "VERSION", "CONTROLS", "TITLE");
    int rc = 0;
    for (size_t i = 0; i < profile_builtin_count(); i++) {
        struct profile p;
        struct diag d = DIAG_INIT;
        const char *name = profile_builtin_name(i);
        if (profile_load(name, &p, &d) < 0) {
            fputs(d.text.buf, stderr);
            diag_release(&d);
            rc = EXIT_USAGE;
            continue;
        }
        const char *ver = json_string_value(json_object_get(p.doc, "version"));
        printf("%-24s %-10s %8zu  %s\n", name, ver ? ver : "-",
               json_object_size(json_object_get(p.doc, "controls")),
               json_string_value(json_object_get(p.doc, "title")));
        profile_release(&p);
    }
    return rc;
}

static int cmd_show(const char *ref, int resolved)
{
    struct profile p;
    struct diag d = DIAG_INIT;
    if (profile_load(ref, &p, &d) < 0) {
        fputs(d.text.buf, stderr);
        diag_release(&d);
        return EXIT_USAGE;
    }
    int rc = 0;
    if (resolved) {
        char *yaml = profile_to_yaml(&p);
        if (yaml) {
            printf("# %s resolved (every extends merged); sha256 %s\n", p.source, p.sha256);
            profile_print_notes(&p, stdout, "# note: ");
            fputs(yaml, stdout);
        } else {
            rc = EXIT_NOSCAN;
        }
        free(yaml);
    } else if (strncmp(p.source, "builtin:", 8) == 0) {
        size_t len = 0;
        const char *text = profile_builtin_text(p.source + 8, &len);
        fwrite(text, 1, len, stdout);
    } else {
        char *text = NULL;
        size_t len = 0;
        if (file_read_all(p.source, 4 * 1024 * 1024, &text, &len) == 0)
            fwrite(text, 1, len, stdout);
        free(text);
    }
    profile_release(&p);
    return rc;
}

static int cmd_validate(int n, char **refs)
{
    int rc = 0;
    for (int i = 0; i < n; i++) {
        struct profile p;
        struct diag d = DIAG_INIT;
        if (profile_load(refs[i], &p, &d) < 0) {
            fputs(d.text.buf, stderr);
            fprintf(stderr, "%s: %d problem%s\n", refs[i], d.count, d.count == 1 ? "" : "s");
            rc = EXIT_USAGE;
        } else {
            printf("%s: ok — profile %s, %zu controls, %zu attestations\n", refs[i],
                   json_string_value(json_object_get(p.doc, "profile")),
                   json_object_size(json_object_get(p.doc, "controls")),
                   json_object_size(json_object_get(p.doc, "attestations")));
            profile_print_notes(&p, stderr, "note: ");
            profile_release(&p);
        }
        diag_release(&d);
    }
    return rc;
}

int cmd_profile(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "resolved", no_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int resolved = 0, opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":rh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'r': resolved = 1; break;
        case 'h': fputs(profile_usage, stdout); return 0;
        default: return cli_bad_option("profile", opt, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("profile", "missing subcommand (list, show or validate)");
    const char *sub = argv[optind++];
    int rest = argc - optind;
    if (strcmp(sub, "list") == 0) {
        if (rest)
            return cli_usage_error("profile", "list takes no arguments");
        return cmd_list();
    }
    if (strcmp(sub, "show") == 0) {
        if (rest != 1)
            return cli_usage_error("profile", "show takes one profile name or file");
        return cmd_show(argv[optind], resolved);
    }
    if (strcmp(sub, "validate") == 0) {
        if (rest < 1)
            return cli_usage_error("profile", "validate needs at least one profile file");
        return cmd_validate(rest, argv + optind);
    }
    return cli_usage_error("profile", "unknown subcommand '%s' (list, show or validate)", sub);
}
