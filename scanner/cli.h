/* cli.h — the subcommands of the cocscan command line and their shared conventions. */
#ifndef COC_CLI_H
#define COC_CLI_H

enum exit_code {
    EXIT_COMPLIANT = 0,
    EXIT_NONCOMPLIANT = 1,
    EXIT_USAGE = 2,   /* usage, profile or input error */
    EXIT_NOSCAN = 3,  /* nothing could be scanned, or an internal error */
};

int cmd_scan(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_checks(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_waivers(int argc, char **argv);          /* scanner/cmd_waivers.c */
int cmd_evidence(int argc, char **argv);         /* scanner/cmd_waivers.c */
int cmd_keygen(int argc, char **argv);          /* scanner/cmd_sign.c */
int cmd_report_verify(int argc, char **argv);   /* scanner/cmd_sign.c: `report verify` */
int cmd_report_merge(int argc, char **argv);    /* scanner/cmd_fleet.c: `report merge` */
int cmd_report_diff(int argc, char **argv);     /* scanner/cmd_fleet.c: `report diff` */

/* Print "cocscan CMD: message (try 'cocscan CMD --help')" and return EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report a getopt failure (unknown option, missing argument) as one line. */
int cli_bad_option(const char *cmd, int opt, char **argv);
/* Is fd a terminal that can redraw a line (a tty, and TERM is not "dumb")? */
int cli_is_terminal(int fd);
/* Should output to this stream be coloured? (such a terminal, and NO_COLOR unset) */
int cli_use_color(int fd);

#endif
