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

/*
 * X-Frame-Options as the HTML standard reads it: every value split on commas, trimmed and
 * lower-cased into a set (appended to `tokens` when not NULL). Returns "absent", "deny",
 * "sameorigin", "allowall", "conflict" (several values, one of them deny/sameorigin/allowall:
 * browsers block all framing) or "invalid" (anything else, ALLOW-FROM included: no protection).
 */
const char *xfo_effective(const json_t *values, json_t *tokens);

/*
 * How far a CSP frame-ancestors source list opens framing: "none" ('none' alone or nothing),
 * "self" ('self' only), "listed" (named origins, host wildcards) or "wildcard" (*, or a bare
 * scheme such as https:, which lets any site of that scheme frame the page).
 */
const char *frame_ancestors_class(const json_t *sources);

/*
 * Permissions-Policy as a Structured Fields dictionary (RFC 8941): a new object
 * {valid, error?, features: {name: [allowlist items as sent]}}. Invalid syntax makes browsers
 * ignore the whole header, so features is then empty.
 */
json_t *permissions_policy_parse(const char *value, size_t len);

#endif
