/*
 * check.h — the contract between the engine and a check family.
 *
 * A check observes (I/O, facts only, into the family's observation object) and judges (pure: the
 * observations and a control's `expect` in, a result out). Keeping the two apart is what lets a stored
 * report be re-judged under another profile without touching the network.
 */
#ifndef COC_CHECK_H
#define COC_CHECK_H

#include <jansson.h>

#include "error.h"

struct scan;
struct target;

enum status {
    ST_PASS,
    ST_FAIL,
    ST_WARN,
    ST_ERROR,    /* could not determine: never silently a pass */
    ST_SKIPPED,  /* not applicable or a precondition is missing; evidence says why */
    ST_WAIVED,   /* a current waiver applies; the underlying status is kept */
    ST_ATTESTED, /* manual evidence, not verified */
    ST__COUNT
};

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL, SEV__COUNT };

/* What a judge returns besides its status. All json_t members are new references owned here. */
struct result {
    json_t *observed; /* the observed value the verdict rests on (compact) */
    json_t *evidence; /* a string (or array of strings) explaining the verdict */
};

/* Types an `expect` value may have; the profile validator checks them. */
enum expect_type {
    EXP_BOOL,
    EXP_INT,         /* non-negative integer */
    EXP_STRING,
    EXP_STRING_LIST, /* a list of strings (a single string is accepted as a list of one) */
};

struct expect_key {
    const char *name;
    enum expect_type type;
    const char *const *values; /* NULL, or the allowed strings (NULL-terminated) */
    const char *doc;           /* one line: meaning and default */
};

struct check {
    const char *id;     /* "tls.protocols": stable, used in profiles and reports */
    const char *family; /* "tls" | "cert" | "headers" | "cookies" | "http" | "mfa" | "documents" */
    const char *title;
    /* I/O, facts only. Fills `obs` (the family's object, shared by the family's checks).
     * 0 ok; -1 when nothing could be observed, after recording why with obs_error(). */
    int (*observe)(struct scan *scan, struct target *t, json_t *obs);
    /* Pure: no I/O, no globals. `expect` is never NULL (an empty object when the profile has none). */
    enum status (*judge)(const json_t *obs, const json_t *expect, struct result *r);
    const struct expect_key *expect_keys; /* terminated by { NULL }; NULL when it takes none */
};

const char *status_name(enum status s);
int status_parse(const char *s, enum status *out);
const char *severity_name(enum severity s);
int severity_parse(const char *s, enum severity *out);

/* Judge helpers: set the evidence to a formatted string (replacing any). */
void result_evidencef(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void result_release(struct result *r);

/* Judge helper: the boolean expect key `key`, or `dflt` when the profile does not give it. */
int expect_bool(const json_t *expect, const char *key, int dflt);

/* Observe helper: record in obs.errors[check_id] why the check could not observe; returns -1. */
int obs_error(json_t *obs, const char *check_id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The recorded observe error of a check, or NULL. */
const char *obs_error_get(const json_t *obs, const char *check_id);

#endif
