/*
 * url.h — http(s) URLs as the scanner follows them: resolving the links and form actions a
 * server hands us (RFC 3986 §5, with the browser's leniencies), origins, and the numeric ids in
 * a document URL that the enumeration check walks.
 *
 * Everything here is pure string work on untrusted input: lengths are capped (URL_MAX), only
 * http and https come out, the fragment never does, and userinfo ("user:pw@") is dropped.
 */
#ifndef COC_URL_H
#define COC_URL_H

#include <stddef.h>

#define URL_MAX 8192       /* longer inputs are refused */
#define URL_HOST_MAX 255   /* DNS name limit; IPv6 literals fit too */
#define URL_ID_DIGITS 18   /* a numeric id fits an unsigned long long with room to spare */
#define URL_ID_NAME_MAX 64 /* query parameter names kept for reports (longer: truncated) */

/* The parts of an absolute http(s) URL. path and query point into the string given to
 * url_split (borrowed, not NUL-terminated); scheme and host are lowercase copies. */
struct url_parts {
    char scheme[6];              /* "http" or "https" */
    char host[URL_HOST_MAX + 1]; /* lowercase; an IPv6 literal keeps its brackets */
    unsigned port;               /* effective port: explicit, else 80 or 443 */
    int port_explicit;           /* the URL spelled a port (even the default one) */
    const char *path;            /* "/..." ("" when the URL has none) */
    size_t path_len;
    const char *query; /* after '?', NULL when there is no '?' */
    size_t query_len;
};

enum url_id_where { URL_ID_PATH, URL_ID_QUERY };

/* A numeric id found in a URL: the digits are url[off .. off+len). */
struct url_id {
    enum url_id_where where;
    size_t off, len;
    unsigned long long value;
    unsigned index;                 /* path segment (0-based) or query parameter index */
    char name[URL_ID_NAME_MAX + 1]; /* query parameter name; "" for a path segment */
};

/* Resolve ref against base (base may be NULL when ref is absolute) the way a browser would:
 * tabs/newlines removed, '\' as '/', dot segments removed, spaces and controls percent-encoded,
 * default port and fragment dropped. NULL when the result is not an http(s) URL with a valid
 * host (javascript:, data:, mailto:…), when an input exceeds URL_MAX, or on allocation failure.
 * Caller frees. */
char *url_resolve(const char *base, const char *ref);

/* Split an absolute http(s) URL; 0 ok, -1 when it is not one. Fills out (borrowing url). */
int url_split(const char *url, struct url_parts *out);

/* 1 when a and b have the same scheme, host (case-insensitively) and effective port, else 0. */
int url_same_origin(const char *a, const char *b);

/* origin_url's scheme://host[:port] followed by path (which may carry "?query"; a missing
 * leading '/' is supplied). NULL when origin_url is not http(s) or on failure. Caller frees. */
char *url_with_path(const char *origin_url, const char *path);

/* The numeric ids of url in order: path segments that are 1..URL_ID_DIGITS digits (optionally
 * followed by a file extension, as in "1234.pdf"), then query values that are all digits.
 * Fills at most max; returns how many were filled, or -1 when url is not an http(s) URL. */
int url_numeric_ids(const char *url, struct url_id *ids, size_t max);

/* url with id's digits replaced by value (zero-padded to the old width when the old id had
 * leading zeros). NULL when id does not describe digits of url, or on failure. Caller frees. */
char *url_replace_id(const char *url, const struct url_id *id, unsigned long long value);

#endif
