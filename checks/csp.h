/*
 * csp.h — Content-Security-Policy: a bounded parser, a browser-faithful analysis, the MDN HTTP
 * Observatory's verdict, the report JSON and the judge of the headers.csp check. All pure.
 *
 * Use: csp_set_new(); csp_parse() once per header value (or <meta http-equiv> content) with the
 * origin it came from; csp_analyse(); then csp_to_json() for the observations and csp_judge()
 * (or csp_judge_json() on the stored observation, for re-evaluation) for the verdict.
 *
 * Several policies (several header fields, commas within one, <meta> ones): a browser enforces
 * each, so csp_view grants a permission only when every policy does. The Observatory verdict
 * follows its current source, which splits every value at ',' (mdn-http-observatory#463) and
 * then merges the policies by its own intersection rule; its npm release 1.4.8 does not split
 * yet and calls most comma-joined headers csp-header-invalid.
 */
#ifndef COC_CSP_H
#define COC_CSP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "check.h"

/* Bounds of one set (all values of one response). Past them the set is marked truncated, parsing
 * stops, and the judge answers "error" rather than judge half a policy. */
#define CSP_MAX_INPUT 65536     /* bytes over all values */
#define CSP_MAX_POLICIES 32     /* comma-separated policies over all values */
#define CSP_MAX_DIRECTIVES 512  /* directives over all policies */
#define CSP_MAX_TOKENS 4096     /* source expressions (and other directive values) over all */
#define CSP_MAX_WARNINGS 32     /* kept warnings; more are counted, not kept */
#define CSP_WARNING_LEN 160
#define CSP_EXAMPLE_LEN 112

enum csp_origin {
    CSP_ORIGIN_HEADER,      /* Content-Security-Policy */
    CSP_ORIGIN_REPORT_ONLY, /* Content-Security-Policy-Report-Only */
    CSP_ORIGIN_META,        /* <meta http-equiv="Content-Security-Policy" content=...> */
};

/* The Observatory's CSP results, best first (its own order). */
enum csp_obs_result {
    CSP_OBS_DEFAULT_SRC_NONE,  /* csp-implemented-with-no-unsafe-default-src-none   +10 pass */
    CSP_OBS_NO_UNSAFE,         /* csp-implemented-with-no-unsafe                      +5 pass */
    CSP_OBS_UNSAFE_STYLE_ONLY, /* csp-implemented-with-unsafe-inline-in-style-src-only 0 pass */
    CSP_OBS_INSECURE_PASSIVE,  /* csp-implemented-with-insecure-scheme-in-passive-content-only
                                  -10 pass */
    CSP_OBS_UNSAFE_EVAL,       /* csp-implemented-with-unsafe-eval                   -10 */
    CSP_OBS_UNSAFE_INLINE,     /* csp-implemented-with-unsafe-inline                 -20 */
    CSP_OBS_INSECURE_SCHEME,   /* csp-implemented-with-insecure-scheme               -20 */
    CSP_OBS_DUPLICATES,        /* csp-implemented-but-duplicate-directives             0 pass */
    CSP_OBS_INVALID,           /* csp-header-invalid                                 -25 */
    CSP_OBS_NOT_IMPLEMENTED,   /* csp-not-implemented                                -25 */
    CSP_OBS_REPORTING_ONLY,    /* csp-not-implemented-but-reporting-enabled          -25 */
    CSP_OBS__COUNT
};

/*
 * What a set of policies of one disposition (enforced, or report-only) lets a page do, as a
 * browser enforces it. Several policies are all enforced, so a permission ("unsafe_inline") holds
 * only when every policy grants it, and a restriction ("object_src_none") holds when any policy
 * imposes it. A policy without script-src or default-src leaves scripts unrestricted, which counts
 * as unsafe_inline, unsafe_eval, script_data and script_wildcard; likewise object_wildcard without
 * object-src or default-src, and style_unsafe_inline (not style_wildcard) without style-src or
 * default-src. All false when policies == 0.
 */
struct csp_view {
    int policies;                   /* non-empty policies of this disposition */
    bool script_restricted;         /* some policy has script-src(-elem) or default-src */
    bool unsafe_inline;             /* inline <script> or event handlers run */
    bool unsafe_inline_neutralised; /* 'unsafe-inline' voided by a nonce, hash, 'strict-dynamic' */
    bool unsafe_eval;               /* eval() and friends run */
    bool strict_dynamic;            /* 'strict-dynamic' in an effective script source list */
    bool nonce;                     /* a 'nonce-…' in an effective script source list */
    bool hash;                      /* a 'sha256-…' etc. in an effective script source list */
    bool script_data;               /* data: URLs may be loaded as script */
    bool script_wildcard;           /* script from *, http:, https: … (or unrestricted) */
    bool object_restricted;         /* some policy has object-src or default-src */
    bool object_src_none;           /* plugins cannot load anything */
    bool object_wildcard;           /* plugins from *, https: … (or unrestricted) */
    bool style_restricted;          /* some policy has style-src(-elem) or default-src */
    bool style_unsafe_inline;       /* inline <style> or style attributes apply */
    bool style_wildcard;            /* styles from a listed *, https: … */
    bool insecure_scheme_active;    /* http:, ftp: or ws: allowed for active content, forms, … */
    bool insecure_scheme_passive;   /* http: or ftp: allowed for img-src/media-src only */
    bool base_uri;                  /* base-uri set, without a wildcard or scheme-wide source */
    bool frame_ancestors;           /* frame-ancestors set (header only), without a wildcard */
    bool form_action;               /* form-action set, without a wildcard */
    bool default_src_none;          /* default-src 'none' (nothing else) */
    char script_src_directive[24];  /* "script-src-elem", "script-src", "default-src" or "" */
    char wildcard_example[CSP_EXAMPLE_LEN]; /* e.g. "script-src https:", when a *_wildcard is set */
    char insecure_example[CSP_EXAMPLE_LEN]; /* e.g. "connect-src ws://x", when insecure */
};

/* The Observatory's own per-policy flags (its `policy` object), valid when present. */
struct csp_obs_policy {
    bool present;
    bool unsafe_inline, unsafe_eval, unsafe_objects, unsafe_inline_style;
    bool insecure_scheme_active, insecure_scheme_passive, anti_clickjacking, default_none;
    bool insecure_base_uri, insecure_form_action, strict_dynamic;
};

struct csp_analysis {
    bool page_https;           /* the page the policies came with was served over https */
    bool truncated;            /* a bound was hit: the analysis covers only part of the input */
    bool duplicate_directives; /* a directive repeated within one policy (first one wins) */
    int header_policies;       /* non-empty enforced policies from headers */
    int meta_policies;         /* non-empty policies from <meta> */
    int report_only_policies;  /* non-empty report-only policies */
    struct csp_view enforced;    /* header + meta policies */
    struct csp_view report_only; /* Content-Security-Policy-Report-Only policies */
    enum csp_obs_result observatory;
    bool observatory_pass;
    struct csp_obs_policy observatory_policy;
};

struct csp_set;

/* An empty set (one fixed-size allocation; csp_parse never allocates). NULL on ENOMEM.
 * Caller frees with csp_set_free. */
struct csp_set *csp_set_new(void);
void csp_set_free(struct csp_set *set);

/*
 * Add one header field value (or one <meta> content) of the given origin: split into policies at
 * ',', directives at ';', values at ASCII whitespace (CSP3 §2.2). Directive names are
 * case-insensitive; a repeated directive is ignored (the first wins); a directive with a
 * non-ASCII byte or a malformed name is ignored; an unknown one is kept but has no effect; meta
 * drops frame-ancestors, report-uri and sandbox; invalid source expressions are ignored. Each of
 * these leaves a warning.
 * Returns 0, 1 when a bound was hit (the set is marked truncated), -1 on bad arguments.
 */
int csp_parse(struct csp_set *set, enum csp_origin origin, const char *value, size_t len);

/* Analyse everything parsed so far. page_https: the response came over https (insecure-scheme
 * checks apply only then, as in the Observatory). 0 ok, -1 on ENOMEM or a NULL set (*out is
 * then zeroed). */
int csp_analyse(const struct csp_set *set, bool page_https, struct csp_analysis *out);

/* The Observatory result name of an analysis ("csp-implemented-with-no-unsafe", …). */
const char *csp_observatory_result(const struct csp_analysis *a);
/* Name of a result; "?" when out of range. */
const char *csp_observatory_name(enum csp_obs_result r);
/* The result whose name is s; -1 when none. */
int csp_observatory_parse(const char *s, enum csp_obs_result *out);
/* The Observatory's score modifier and pass flag for a result. */
int csp_observatory_score(enum csp_obs_result r);
bool csp_observatory_passes(enum csp_obs_result r);

/*
 * The observation object (new reference; NULL on ENOMEM): page_https, truncated,
 * duplicate_directives, header_policies, meta_policies, report_only_policies, policies[] (each
 * {delivery: "header"|"meta", disposition: "enforce"|"report", directives: {name: [sources as
 * sent]}}, effective directives only), warnings[], enforced{…}, report_only{…} (struct csp_view,
 * same key names), observatory{result, pass, score_modifier, policy{…}|null}.
 */
json_t *csp_to_json(const struct csp_set *set, const struct csp_analysis *a);

/* Read back the analysis part of a csp_to_json object (stored reports). 0 ok, -1 when a key is
 * missing or of the wrong type. */
int csp_analysis_from_json(const json_t *obj, struct csp_analysis *out);

/*
 * Judge an analysis against a control's `expect` (keys in csp_expect_keys, all optional booleans):
 *   required                 (true)  an enforced policy must exist
 *   allow_report_only        (false) a report-only policy alone satisfies `required` and is
 *                                    judged in its place
 *   forbid_unsafe_inline     (true)  no inline script (unneutralised 'unsafe-inline'), no data:
 *                                    scripts, scripts restricted at all
 *   forbid_unsafe_eval       (true)  no 'unsafe-eval' (nor unrestricted scripts)
 *   forbid_insecure_schemes  (true)  no http:/ftp:/ws: source for active content; one for images
 *                                    or media only gives "warn", as the Observatory lets it pass
 *   forbid_wildcards         (true)  no *, http:, https:, … in script/object/style sources,
 *                                    nor scripts or plugins left unrestricted
 *   forbid_unsafe_inline_style (false) no unneutralised 'unsafe-inline' for styles
 *   require_object_src_none  (true)  object-src 'none' (directly or via default-src 'none')
 *   require_base_uri         (false) base-uri set, not to a wildcard
 *   require_frame_ancestors  (false) frame-ancestors set in a header, not to a wildcard
 *   require_form_action      (false) form-action set, not to a wildcard
 * Fails on every violated key at once (evidence lists them); "error" when the input was truncated
 * or an expect value is not a boolean. r->observed is the Observatory result name.
 */
enum status csp_judge(const struct csp_analysis *a, const json_t *expect, struct result *r);

/* csp_judge on a stored csp_to_json observation; "error" if it cannot be read back. */
enum status csp_judge_json(const json_t *obs, const json_t *expect, struct result *r);

/* The expect keys above, for the check's table (terminated by { NULL }). */
extern const struct expect_key csp_expect_keys[];

#endif
