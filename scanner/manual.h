/*
 * manual.h — what people, not probes, supply beside a profile: waivers (an approved exception
 * to a control, for some targets, until a date) and evidence (answers to attestation controls).
 * Both are YAML files, validated in full before any probe, with every problem as file:line:col.
 */
#ifndef COC_MANUAL_H
#define COC_MANUAL_H

#include <jansson.h>

#include "diag.h"
#include "profile.h"

/* One waiver or one evidence answer. */
struct manual_entry {
    char *control;     /* control (waiver) or attestation (evidence) id */
    char *target;      /* glob matched against the target URL ("*": every target) */
    char *reason;      /* waiver: why */
    char *approved_by; /* waiver: who approved it */
    char *by;          /* evidence: who answered */
    char *reference;   /* evidence: document id or URL */
    int yes;           /* evidence: the answer */
    char date[11];     /* waiver: expires; evidence: when answered (YYYY-MM-DD) */
    long day;          /* date as days since 1970-01-01 */
    int line, col;     /* where the entry starts */
};

struct manual {
    struct manual_entry *v;
    size_t n;
    char *file; /* the path as given */
};

/* Load a waivers file (`waivers:` list) / an evidence file (`evidence:` list). Every problem
 * goes to d; 0 ok, -1 when there was any (m is then empty). today: days since the epoch, for
 * "answered in the future" checks. */
int waivers_load(const char *path, struct manual *m, struct diag *d);
int evidence_load(const char *path, struct manual *m, long today, struct diag *d);

/* Every entry names a control (waivers) or an attestation (evidence) of p; problems to d.
 * 0 ok, -1. */
int manual_check_profile(const struct manual *m, const struct profile *p, int evidence,
                         struct diag *d);

void manual_release(struct manual *m);

/* Today (UTC) as days since 1970-01-01. */
long manual_today(void);

/* Judge p's attestations for the target at url from ev's answers (the newest matching one):
 * yes -> attested, no -> fail, older than the attestation's max_age -> warn. Results that no
 * answer matches are left as they are. */
void evidence_apply(const struct manual *ev, const struct profile *p, const char *url,
                    json_t *results, long today);

/* Apply w's current waivers to the target at url: a fail or warn a waiver matches becomes
 * `waived`, its waiver object keeping the underlying status. Expired waivers are ignored. */
void waivers_apply(const struct manual *w, const char *url, json_t *results, long today);

/* The report's account of a waivers file: {file, entries, expired: [...]}. New reference. */
json_t *waivers_summary(const struct manual *w, long today);

/* One stderr line per expired waiver ("cmd: FILE:LINE: waiver for X expired on D: ignored"). */
void waivers_warn_expired(const struct manual *w, long today, const char *cmd);

/* The --waivers and --evidence of one run (paths NULL when not given). */
struct manual_inputs {
    const char *waivers_path, *evidence_path;
    struct manual waivers, evidence;
    long today;
};

/* Load both files and check them against p: every problem to d. 0 ok, -1. */
int manual_inputs_load(struct manual_inputs *mi, const struct profile *p, struct diag *d);
/* Evidence, then waivers, for the target at url (a "no" answer can itself be waived). */
void manual_inputs_apply(const struct manual_inputs *mi, const struct profile *p,
                         const char *url, json_t *results);
/* Record the inputs in the report (waivers: file, entries, expired; evidence: file, answers)
 * and warn on stderr about each expired waiver. */
void manual_inputs_to_report(const struct manual_inputs *mi, json_t *report, const char *cmd);
void manual_inputs_release(struct manual_inputs *mi);

#endif
