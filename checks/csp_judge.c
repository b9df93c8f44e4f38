/*
 * csp_judge.c — the judge of the headers.csp check: an analysis (or a stored observation of one)
 * against a control's expect keys (csp.h lists them with their defaults). Judges the browser's
 * reading; the Observatory's verdict is only reported (r->observed, and the evidence of a pass).
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "check.h"
#include "csp.h"
#include "strbuf.h"

enum {
    X_REQUIRED, X_ALLOW_REPORT_ONLY, X_UNSAFE_INLINE, X_UNSAFE_EVAL, X_INSECURE, X_WILDCARDS,
    X_UNSAFE_INLINE_STYLE, X_OBJECT_NONE, X_BASE_URI, X_FRAME_ANCESTORS, X_FORM_ACTION, X__COUNT
};

const struct expect_key csp_expect_keys[X__COUNT + 1] = {
    { "required", EXP_BOOL, NULL,
      "an enforced Content-Security-Policy must be sent (default true)" },
    { "allow_report_only", EXP_BOOL, NULL,
      "a Content-Security-Policy-Report-Only policy alone satisfies `required` and is judged "
      "instead (default false)" },
    { "forbid_unsafe_inline", EXP_BOOL, NULL,
      "fail when inline script or data: script may run (default true)" },
    { "forbid_unsafe_eval", EXP_BOOL, NULL, "fail when eval() may run (default true)" },
    { "forbid_insecure_schemes", EXP_BOOL, NULL,
      "fail on http:/ftp:/ws: sources for active content, warn for images and media "
      "(default true)" },
    { "forbid_wildcards", EXP_BOOL, NULL,
      "fail on *, http:, https: and the like in script, object or style sources, or on "
      "unrestricted scripts or plugins (default true)" },
    { "forbid_unsafe_inline_style", EXP_BOOL, NULL,
      "fail when inline styles may apply (default false)" },
    { "require_object_src_none", EXP_BOOL, NULL,
      "object-src must be 'none', directly or through default-src (default true)" },
    { "require_base_uri", EXP_BOOL, NULL,
      "base-uri must be set, not to a wildcard (default false)" },
    { "require_frame_ancestors", EXP_BOOL, NULL,
      "frame-ancestors must be set in a header, not to a wildcard (default false)" },
    { "require_form_action", EXP_BOOL, NULL,
      "form-action must be set, not to a wildcard (default false)" },
    { NULL, 0, NULL, NULL },
};

static const bool expect_default[X__COUNT] = { true, false, true, true, true, true,
                                               false, true, false, false, false };

static void add(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append one finding, "; "-separated. */
static void add(struct strbuf *sb, const char *fmt, ...)
{
    char line[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (sb->len)
        strbuf_adds(sb, "; ");
    strbuf_adds(sb, line);
}

enum status csp_judge(const struct csp_analysis *a, const json_t *expect, struct result *r)
{
    bool x[X__COUNT];
    for (int i = 0; i < X__COUNT; i++) {
        const json_t *v = json_object_get(expect, csp_expect_keys[i].name);
        if (v && !json_is_boolean(v)) {
            result_evidencef(r, "expect.%s must be true or false", csp_expect_keys[i].name);
            return ST_ERROR;
        }
        x[i] = v ? json_is_true(v) : expect_default[i];
    }
    json_decref(r->observed);
    r->observed = json_string(csp_observatory_result(a));
    if (a->truncated) {
        result_evidencef(r, "the Content-Security-Policy exceeds the parser's bounds and was "
                            "only partly analysed");
        return ST_ERROR;
    }
    const struct csp_view *v = &a->enforced;
    const char *what = "the enforced policy";
    if (v->policies == 0) {
        if (a->report_only.policies > 0 && x[X_ALLOW_REPORT_ONLY]) {
            v = &a->report_only;
            what = "the report-only policy (accepted by this control)";
        } else if (!x[X_REQUIRED]) {
            result_evidencef(r, "no enforced Content-Security-Policy; none is required");
            return ST_PASS;
        } else if (a->report_only.policies > 0) {
            result_evidencef(r, "only Content-Security-Policy-Report-Only is sent: violations "
                                "are reported, not blocked");
            return ST_FAIL;
        } else {
            result_evidencef(r, "no Content-Security-Policy header or <meta> policy");
            return ST_FAIL;
        }
    }
    struct strbuf f = STRBUF_INIT, w = STRBUF_INIT;
    if (x[X_UNSAFE_INLINE]) {
        if (!v->script_restricted)
            add(&f, "scripts are unrestricted (no script-src or default-src), so inline "
                    "script runs");
        else if (v->unsafe_inline)
            add(&f, "inline script may run ('unsafe-inline' not voided by a nonce, hash or "
                    "'strict-dynamic')");
        if (v->script_restricted && v->script_data)
            add(&f, "data: in %s lets data: URLs run as script", v->script_src_directive);
    }
    if (x[X_UNSAFE_EVAL] && v->unsafe_eval)
        add(&f, v->script_restricted ? "'unsafe-eval' allows eval()"
                                     : "eval() is allowed (no script-src or default-src)");
    if (x[X_INSECURE] && v->insecure_scheme_active)
        add(&f, "a plaintext scheme is allowed for active content (%s)", v->insecure_example);
    else if (x[X_INSECURE] && v->insecure_scheme_passive)
        add(&w, "images or media may load over plaintext http (%s)", v->insecure_example);
    if (x[X_WILDCARDS] && (v->script_wildcard || v->object_wildcard || v->style_wildcard))
        add(&f, "overly broad sources (%s)", v->wildcard_example);
    if (x[X_UNSAFE_INLINE_STYLE] && v->style_unsafe_inline)
        add(&f, "inline styles are allowed (%s)",
            v->style_restricted ? "'unsafe-inline' without a nonce or hash"
                                : "no style-src or default-src");
    if (x[X_OBJECT_NONE] && !v->object_src_none)
        add(&f, "object-src is not 'none'%s",
            v->object_restricted ? "" : " (neither object-src nor default-src is set)");
    if (x[X_BASE_URI] && !v->base_uri)
        add(&f, "base-uri is not set, or allows any URL");
    if (x[X_FRAME_ANCESTORS] && !v->frame_ancestors)
        add(&f, "frame-ancestors is not set in a header, or allows any ancestor");
    if (x[X_FORM_ACTION] && !v->form_action)
        add(&f, "form-action is not set, or allows any target");
    const char *pl = v->policies == 1 ? "policy" : "policies";
    enum status st;
    if (f.len) {
        result_evidencef(r, "%s (%d %s) fails: %s", what, v->policies, pl, f.buf);
        st = ST_FAIL;
    } else if (w.len) {
        result_evidencef(r, "%s (%d %s): %s", what, v->policies, pl, w.buf);
        st = ST_WARN;
    } else {
        result_evidencef(r, "%s (%d %s) meets every requirement (Observatory: %s)", what,
                         v->policies, pl, csp_observatory_result(a));
        st = ST_PASS;
    }
    strbuf_release(&f);
    strbuf_release(&w);
    return st;
}

enum status csp_judge_json(const json_t *obs, const json_t *expect, struct result *r)
{
    struct csp_analysis a;
    if (csp_analysis_from_json(obs, &a) < 0) {
        result_evidencef(r, "no readable Content-Security-Policy observation was recorded");
        return ST_ERROR;
    }
    return csp_judge(&a, expect, r);
}
