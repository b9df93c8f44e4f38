/*
 * csp_int.h — private interface between the parts of the CSP module: the parsed set (csp_parse.c
 * fills it; csp_view.c, csp_observatory.c and csp_json.c read it) and the two readings that
 * csp_analyse() (csp.c) combines. Not for use outside checks/csp*.c.
 */
#ifndef COC_CSP_INT_H
#define COC_CSP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "csp.h"

/* ---- directives and source expressions ------------------------------------------------- */

enum dir_id {
    D_DEFAULT, D_SCRIPT, D_SCRIPT_ELEM, D_SCRIPT_ATTR, D_STYLE, D_STYLE_ELEM, D_STYLE_ATTR, D_IMG,
    D_MEDIA, D_FONT, D_CONNECT, D_OBJECT, D_FRAME, D_CHILD, D_WORKER, D_MANIFEST, D_PREFETCH,
    D_FENCED_FRAME, D_BASE_URI, D_FORM_ACTION, D_FRAME_ANCESTORS, D_NAVIGATE_TO,
    D__SOURCE_LISTS, /* the directives above take a source list */
    D_SANDBOX = D__SOURCE_LISTS, D_REPORT_URI, D_REPORT_TO, D_UPGRADE, D_BLOCK_MIXED,
    D_REQUIRE_TT, D_TRUSTED_TYPES, D_WEBRTC, D_PLUGIN_TYPES, D_REQUIRE_SRI, D_REFERRER,
    D__KNOWN,
    D_UNKNOWN = D__KNOWN
};

/* Directive names by enum dir_id (csp_parse.c). */
extern const char *const csp_dir_names[D__KNOWN];

enum src_kind {
    K_OTHER, /* a value of a directive that takes no source list */
    K_INVALID, K_NONE, K_SELF, K_UNSAFE_INLINE, K_UNSAFE_EVAL, K_STRICT_DYNAMIC, K_UNSAFE_HASHES,
    K_REPORT_SAMPLE, K_WASM_UNSAFE_EVAL, K_KEYWORD, K_NONCE, K_HASH, K_SCHEME, K_HOST,
};

#define TF_BROAD 1u    /* matches any host: *, http:, https:, ws:, wss:, ftp: */
#define TF_INSECURE 2u /* http, ftp or ws scheme (also a report-uri URL) */
#define TF_DATA 4u     /* data: */

struct tok {
    uint32_t off, len;
    uint8_t kind, flags;
};

#define DF_NAME_OK 1u   /* name matches 1*( ALPHA / DIGIT / "-" ) */
#define DF_ASCII 2u     /* the whole directive is ASCII */
#define DF_EFFECTIVE 4u /* in force: well-formed, first of its name, not dropped by <meta> */
#define DF_OBS_DUP 8u   /* an earlier directive of the policy has the same (lowercased) name */

struct dir {
    uint32_t name_off, name_len, first_tok, ntok, pol;
    uint8_t id, flags;
};

struct pol {
    uint32_t first_dir, ndir;
    uint32_t obs_len; /* length as the Observatory measures it (UTF-16 units, CR/LF dropped) */
    uint8_t origin;
    bool effective; /* has a directive in force */
};

struct csp_set {
    uint32_t used, npol, ndir, ntok, nwarn, warn_dropped;
    uint32_t nvalues[3];
    bool ro_nonempty, truncated;
    struct pol pol[CSP_MAX_POLICIES];
    struct dir dir[CSP_MAX_DIRECTIVES];
    struct tok tok[CSP_MAX_TOKENS];
    char warn[CSP_MAX_WARNINGS][CSP_WARNING_LEN];
    char buf[CSP_MAX_INPUT];   /* the values as sent */
    char lower[CSP_MAX_INPUT]; /* the same, ASCII-lowercased */
};

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline bool span_eq(const char *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n == k && memcmp(p, lit, k) == 0;
}

static inline bool span_starts(const char *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && memcmp(p, lit, k) == 0;
}

/* Server bytes quoted in a warning: printable ASCII only, at most 40 of them. */
struct csp_snip {
    char s[48];
};

struct csp_snip csp_snip(const char *p, size_t n);

/* The browser's reading (csp_view.c): what the effective policies of the origins in mask
 * (1u << enum csp_origin) allow together. */
void csp_view_compute(const struct csp_set *s, unsigned mask, bool https, struct csp_view *v);

/* The Observatory's reading (csp_observatory.c): fills a->observatory, observatory_pass and
 * observatory_policy. 0 ok, -1 on ENOMEM. */
int csp_observatory_read(const struct csp_set *s, bool https, struct csp_analysis *a);

#endif
