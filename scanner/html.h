/*
 * html.h — what the scanner reads from a server's HTML, with libxml2's forgiving HTML parser.
 *
 * Every byte is untrusted: the parser runs with network access off, entity expansion bounded by
 * libxml2's defaults, errors silenced, and the input capped by the caller (the HTTP layer caps
 * bodies). Functions here are pure: bytes in, JSON out.
 */
#ifndef COC_HTML_H
#define COC_HTML_H

#include <jansson.h>
#include <stddef.h>

#define HTML_META_MAX 16 /* meta values kept per kind */

/*
 * The policy-bearing <meta> elements of a page, in document order:
 *   {"csp": [content of <meta http-equiv="Content-Security-Policy">…],
 *    "referrer": [content of <meta name="referrer">…]}
 * Attribute names and values are matched case-insensitively; contents are capped at 8 KiB and
 * made valid UTF-8. Browsers honour a CSP meta only in <head>: one seen elsewhere is not in "csp"
 * but in "csp_outside_head": [...] (present only when there is one), as evidence. New object.
 */
json_t *html_meta_extract(const char *body, size_t len);

#endif
