/* headers.h — pure parsers of the headers family, exposed for unit tests and fuzzing. */
#ifndef COC_HEADERS_H
#define COC_HEADERS_H

#include <jansson.h>
#include <stddef.h>

/*
 * Parse one Strict-Transport-Security value (RFC 6797 §6.1). Returns a new object:
 * {valid, max_age?, include_subdomains, preload, error?}. A duplicated directive, a missing or
 * non-numeric max-age make the header invalid, as browsers then ignore it.
 */
json_t *hsts_parse(const char *value, size_t len);

/*
 * X-Content-Type-Options as Fetch reads it: all values joined by ", ", the first comma-separated
 * token (trimmed) must be "nosniff" (any case). 1 nosniff, 0 anything else.
 */
int nosniff_valid(const json_t *values);

/*
 * Referrer-Policy as the Referrer Policy spec reads it: every value split on commas, the last
 * token that is a known policy wins, unknown tokens are ignored. Returns that policy (a static
 * string) or NULL when no known token is present; *n_unknown counts ignored tokens.
 */
const char *referrer_policy_effective(const json_t *values, size_t *n_unknown);

#endif
