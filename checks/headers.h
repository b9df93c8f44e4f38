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

#endif
