/* registry.h — the table of every check cocscan knows. */
#ifndef COC_REGISTRY_H
#define COC_REGISTRY_H

#include <stddef.h>

#include "check.h"

size_t check_count(void);
const struct check *check_at(size_t i);
const struct check *check_find(const char *id);
const struct expect_key *check_expect_key(const struct check *c, const char *name);
/* The observations key of a family ("headers", "cookies" and "http" checks share "http"). */
const char *check_obs_key(const struct check *c);
/* The registered check id closest to `id`, for "did you mean"; NULL if none is close. */
const char *check_suggest(const char *id);

#endif
