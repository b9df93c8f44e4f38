/*
 * profile.h — minimum-requirements profiles: loading (built-in or file), `extends` chains,
 * merging controls by id, and validation that reports every problem as file:line:col.
 */
#ifndef COC_PROFILE_H
#define COC_PROFILE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"

struct profile {
    json_t *doc;     /* the resolved profile: {profile, title, version, controls{}, attestations{}} */
    json_t *origins; /* control or attestation id -> {"file": ..., "line": n} of its last definition */
    char sha256[65]; /* of the resolved profile's canonical JSON */
    char *source;    /* the file path or "builtin:NAME" that was loaded */
    json_t *notes;   /* strings: "file:line:col: …" worth telling (a relaxed control's refs
                      * withdrawn); not errors */
};

/* The profile used when none is named. */
#define PROFILE_DEFAULT "nz-health-portal"

/* Load a built-in name or a file path, resolving `extends`. Problems go to d. 0 ok, -1. */
int profile_load(const char *ref, struct profile *p, struct diag *d);
void profile_release(struct profile *p);

/* Built-in profiles compiled into the binary. */
size_t profile_builtin_count(void);
const char *profile_builtin_name(size_t i);
/* The YAML text of a built-in profile, or NULL. */
const char *profile_builtin_text(const char *name, size_t *len);

/* Print each of p's notes as one line, after prefix ("note: ", "# "). */
void profile_print_notes(const struct profile *p, FILE *out, const char *prefix);

/* The resolved profile as YAML (for `profile show --resolved`). Caller frees. */
char *profile_to_yaml(const struct profile *p);

#endif
