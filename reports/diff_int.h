/* diff_int.h — shared by the report diff's files only. */
#ifndef COC_DIFF_INT_H
#define COC_DIFF_INT_H

#include <jansson.h>
#include <stddef.h>

/* Append to changes (an array) the meaningful differences between two targets' observations:
 * the specific ones first (TLS protocols and cipher suites, the certificate, header values),
 * then any other by readable JSON path. At most max entries; returns how many more there were,
 * or -1 when memory ran out. */
long diff_observations(const json_t *old_obs, const json_t *new_obs, json_t *changes,
                       size_t max);

#endif
