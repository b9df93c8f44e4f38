/*
 * csp_json.c — the CSP observation as JSON (csp_to_json: the policies in force as sent, the
 * parser's warnings, both views and the Observatory's verdict) and back (csp_analysis_from_json,
 * so a stored report can be judged again). One table of field names and offsets per struct
 * serves both directions.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csp.h"
#include "csp_int.h"
#include "util.h"

struct bfield {
    const char *key;
    size_t off;
};

#define VB(f) { #f, offsetof(struct csp_view, f) }
static const struct bfield view_bools[] = {
    VB(script_restricted), VB(unsafe_inline), VB(unsafe_inline_neutralised), VB(unsafe_eval),
    VB(strict_dynamic), VB(nonce), VB(hash), VB(script_data), VB(script_wildcard),
    VB(object_restricted), VB(object_src_none), VB(object_wildcard), VB(style_restricted),
    VB(style_unsafe_inline), VB(style_wildcard), VB(insecure_scheme_active),
    VB(insecure_scheme_passive), VB(base_uri), VB(frame_ancestors), VB(form_action),
    VB(default_src_none),
};
#undef VB

#define VS(f) { #f, offsetof(struct csp_view, f), sizeof(((struct csp_view *)0)->f) }
static const struct {
    const char *key;
    size_t off, cap;
} view_strs[] = { VS(script_src_directive), VS(wildcard_example), VS(insecure_example) };
#undef VS

#define PB(f) { #f, offsetof(struct csp_obs_policy, f) }
static const struct bfield obs_bools[] = {
    PB(unsafe_inline), PB(unsafe_eval), PB(unsafe_objects), PB(unsafe_inline_style),
    PB(insecure_scheme_active), PB(insecure_scheme_passive), PB(anti_clickjacking),
    PB(default_none), PB(insecure_base_uri), PB(insecure_form_action), PB(strict_dynamic),
};
#undef PB

#define AB(f) { #f, offsetof(struct csp_analysis, f) }
static const struct bfield top_bools[] = { AB(page_https), AB(truncated),
                                           AB(duplicate_directives) };
#undef AB

#define AI(f) { #f, offsetof(struct csp_analysis, f) }
static const struct bfield top_ints[] = { AI(header_policies), AI(meta_policies),
                                          AI(report_only_policies) };
#undef AI

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
#define FIELD(base, type, off) ((type *)(void *)((char *)(base) + (off)))
#define CFIELD(base, type, off) ((const type *)(const void *)((const char *)(base) + (off)))

/* Set o[key] = v (stolen); a NULL o or v counts as a failure. */
static int put(json_t *o, const char *key, json_t *v)
{
    if (!o) {
        json_decref(v);
        return -1;
    }
    return json_object_set_new(o, key, v) ? -1 : 0;
}

static json_t *bools_json(const void *base, const struct bfield *f, size_t n, json_t *o)
{
    int err = 0;
    for (size_t i = 0; i < n; i++)
        err |= put(o, f[i].key, json_boolean(*CFIELD(base, bool, f[i].off)));
    if (err) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *view_json(const struct csp_view *v)
{
    json_t *o = json_object();
    int err = put(o, "policies", json_integer(v->policies));
    for (size_t i = 0; i < NFIELDS(view_strs); i++)
        err |= put(o, view_strs[i].key, json_string(CFIELD(v, char, view_strs[i].off)));
    if (err) {
        json_decref(o);
        return NULL;
    }
    return bools_json(v, view_bools, NFIELDS(view_bools), o);
}

static json_t *policies_json(const struct csp_set *s)
{
    json_t *arr = json_array();
    int err = !arr;
    for (uint32_t pi = 0; !err && pi < s->npol; pi++) {
        const struct pol *p = &s->pol[pi];
        if (!p->effective)
            continue;
        json_t *o = json_object(), *dirs = json_object();
        err |= put(o, "delivery", json_string(p->origin == CSP_ORIGIN_META ? "meta" : "header"));
        err |= put(o, "disposition",
                   json_string(p->origin == CSP_ORIGIN_REPORT_ONLY ? "report" : "enforce"));
        for (uint32_t k = 0; !err && k < p->ndir; k++) {
            const struct dir *d = &s->dir[p->first_dir + k];
            if (!(d->flags & DF_EFFECTIVE))
                continue;
            json_t *vals = json_array();
            err |= !vals;
            for (uint32_t t = 0; !err && t < d->ntok; t++) {
                const struct tok *tk = &s->tok[d->first_tok + t];
                err |= json_array_append_new(vals, json_string_lossy(s->buf + tk->off, tk->len));
            }
            if (!dirs)
                json_decref(vals);
            if (!dirs || json_object_setn_new(dirs, s->lower + d->name_off, d->name_len, vals))
                err = 1;
        }
        err |= put(o, "directives", dirs);
        err |= o ? json_array_append_new(arr, o) : -1;
    }
    if (err) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

json_t *csp_to_json(const struct csp_set *s, const struct csp_analysis *a)
{
    if (!s || !a)
        return NULL;
    json_t *o = json_object(), *warns = json_array(), *obs = json_object();
    int err = 0;
    for (size_t i = 0; i < NFIELDS(top_ints); i++)
        err |= put(o, top_ints[i].key, json_integer(*CFIELD(a, int, top_ints[i].off)));
    for (uint32_t i = 0; warns && i < s->nwarn; i++)
        err |= json_array_append_new(warns, json_string(s->warn[i]));
    if (warns && s->warn_dropped) {
        char more[64];
        snprintf(more, sizeof more, "... and %u more warnings", (unsigned)s->warn_dropped);
        err |= json_array_append_new(warns, json_string(more));
    }
    err |= put(o, "policies", policies_json(s));
    err |= put(o, "warnings", warns);
    err |= put(o, "enforced", view_json(&a->enforced));
    err |= put(o, "report_only", view_json(&a->report_only));
    err |= put(obs, "result", json_string(csp_observatory_result(a)));
    err |= put(obs, "pass", json_boolean(a->observatory_pass));
    err |= put(obs, "score_modifier", json_integer(csp_observatory_score(a->observatory)));
    err |= put(obs, "policy",
               a->observatory_policy.present
                   ? bools_json(&a->observatory_policy, obs_bools, NFIELDS(obs_bools),
                                json_object())
                   : json_null());
    err |= put(o, "observatory", obs);
    if (err) {
        json_decref(o);
        return NULL;
    }
    return bools_json(a, top_bools, NFIELDS(top_bools), o);
}

static int bools_read(const json_t *o, void *base, const struct bfield *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(o, f[i].key);
        if (!json_is_boolean(v))
            return -1;
        *FIELD(base, bool, f[i].off) = json_is_true(v);
    }
    return 0;
}

static int int_read(const json_t *o, const char *key, int *out)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        json_integer_value(v) > CSP_MAX_POLICIES)
        return -1;
    *out = (int)json_integer_value(v);
    return 0;
}

static int view_read(const json_t *o, struct csp_view *v)
{
    if (!json_is_object(o) || int_read(o, "policies", &v->policies) < 0)
        return -1;
    for (size_t i = 0; i < NFIELDS(view_strs); i++) {
        const json_t *s = json_object_get(o, view_strs[i].key);
        size_t n = json_string_length(s);
        if (!json_is_string(s) || n >= view_strs[i].cap || strlen(json_string_value(s)) != n)
            return -1;
        memcpy(FIELD(v, char, view_strs[i].off), json_string_value(s), n + 1);
    }
    return bools_read(o, v, view_bools, NFIELDS(view_bools));
}

int csp_analysis_from_json(const json_t *o, struct csp_analysis *a)
{
    memset(a, 0, sizeof *a);
    const json_t *obs = json_object_get(o, "observatory");
    const json_t *pol = json_object_get(obs, "policy");
    int rc = json_is_object(o) ? 0 : -1;
    for (size_t i = 0; !rc && i < NFIELDS(top_ints); i++)
        rc = int_read(o, top_ints[i].key, FIELD(a, int, top_ints[i].off));
    if (!rc)
        rc = bools_read(o, a, top_bools, NFIELDS(top_bools));
    if (!rc)
        rc = view_read(json_object_get(o, "enforced"), &a->enforced);
    if (!rc)
        rc = view_read(json_object_get(o, "report_only"), &a->report_only);
    if (!rc)
        rc = csp_observatory_parse(json_string_value(json_object_get(obs, "result")),
                                   &a->observatory);
    if (!rc && !json_is_boolean(json_object_get(obs, "pass")))
        rc = -1;
    if (!rc) {
        a->observatory_pass = json_is_true(json_object_get(obs, "pass"));
        if (json_is_object(pol)) {
            a->observatory_policy.present = true;
            rc = bools_read(pol, &a->observatory_policy, obs_bools, NFIELDS(obs_bools));
        } else if (!json_is_null(pol)) {
            rc = -1;
        }
    }
    if (rc)
        memset(a, 0, sizeof *a);
    return rc;
}
