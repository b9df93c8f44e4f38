/*
 * csp_view.c — the browser's reading of a parsed set (struct csp_view): for each kind of load,
 * the effective directive by CSP3's fallback chains, and what every enforced policy together
 * lets a page do (several policies are all enforced, so a permission holds only when each one
 * grants it). The judge rests on this reading.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csp.h"
#include "csp_int.h"

/* What one source list allows. */
struct linfo {
    bool present, fetchable, none_only, unsafe_inline, unsafe_eval, strict_dynamic, nonce, hash;
    bool data, broad, insecure;
    int dir, broad_tok, insecure_tok;
};

static struct linfo list_info(const struct csp_set *s, int di)
{
    struct linfo L = { .dir = di, .broad_tok = -1, .insecure_tok = -1 };
    if (di < 0)
        return L;
    const struct dir *d = &s->dir[di];
    L.present = L.none_only = true;
    for (uint32_t k = 0; k < d->ntok; k++) {
        uint32_t ti = d->first_tok + k;
        const struct tok *t = &s->tok[ti];
        switch (t->kind) {
        case K_INVALID:
        case K_NONE:
        case K_REPORT_SAMPLE:
            break;
        case K_SELF:
        case K_SCHEME:
        case K_HOST:
            L.fetchable = true;
            L.none_only = false;
            break;
        default:
            L.none_only = false;
            break;
        }
        L.unsafe_inline |= t->kind == K_UNSAFE_INLINE;
        L.unsafe_eval |= t->kind == K_UNSAFE_EVAL;
        L.strict_dynamic |= t->kind == K_STRICT_DYNAMIC;
        L.nonce |= t->kind == K_NONCE;
        L.hash |= t->kind == K_HASH;
        L.data |= (t->flags & TF_DATA) != 0;
        if ((t->flags & TF_BROAD) && !L.broad) {
            L.broad = true;
            L.broad_tok = (int)ti;
        }
        if ((t->flags & TF_INSECURE) && !L.insecure) {
            L.insecure = true;
            L.insecure_tok = (int)ti;
        }
    }
    return L;
}

/* CSP3 "does a source list allow all inline behavior": a nonce or hash (and for scripts
 * 'strict-dynamic') voids 'unsafe-inline'. No list at all allows everything. */
static bool inline_allowed(const struct linfo *L, bool script)
{
    if (!L->present)
        return true;
    if (L->nonce || L->hash || (script && L->strict_dynamic))
        return false;
    return L->unsafe_inline;
}

#define CHAIN_MAX 4
struct chain {
    const char *what;
    uint8_t ids[CHAIN_MAX];
    uint8_t n;
    bool passive, script;
};

/* Fallback chains (CSP3 §6.8.3). The ones checked for insecure schemes: img/media passive. */
static const struct chain CH_SCRIPT_ELEM = { "script", { D_SCRIPT_ELEM, D_SCRIPT, D_DEFAULT }, 3,
                                             false, true };
static const struct chain CH_SCRIPT_ATTR = { "script", { D_SCRIPT_ATTR, D_SCRIPT, D_DEFAULT }, 3,
                                             false, true };
static const struct chain CH_SCRIPT = { "script", { D_SCRIPT, D_DEFAULT }, 2, false, true };
static const struct chain CH_STYLE_ATTR = { "style", { D_STYLE_ATTR, D_STYLE, D_DEFAULT }, 3,
                                            false, false };
static const struct chain slots[] = {
    { "script", { D_SCRIPT_ELEM, D_SCRIPT, D_DEFAULT }, 3, false, true },
    { "style", { D_STYLE_ELEM, D_STYLE, D_DEFAULT }, 3, false, false },
    { "object", { D_OBJECT, D_DEFAULT }, 2, false, false },
    { "connect", { D_CONNECT, D_DEFAULT }, 2, false, false },
    { "font", { D_FONT, D_DEFAULT }, 2, false, false },
    { "manifest", { D_MANIFEST, D_DEFAULT }, 2, false, false },
    { "frame", { D_FRAME, D_CHILD, D_DEFAULT }, 3, false, false },
    { "worker", { D_WORKER, D_CHILD, D_SCRIPT, D_DEFAULT }, 4, false, true },
    { "fenced-frame", { D_FENCED_FRAME, D_FRAME, D_CHILD, D_DEFAULT }, 4, false, false },
    { "base-uri", { D_BASE_URI }, 1, false, false },
    { "form-action", { D_FORM_ACTION }, 1, false, false },
    { "frame-ancestors", { D_FRAME_ANCESTORS }, 1, false, false },
    { "report-uri", { D_REPORT_URI }, 1, false, false },
    { "img", { D_IMG, D_DEFAULT }, 2, true, false },
    { "media", { D_MEDIA, D_DEFAULT }, 2, true, false },
};
#define SLOT_SCRIPT 0
#define SLOT_STYLE 1
#define SLOT_OBJECT 2

static int chain_dir(const int *eff, const struct chain *c)
{
    for (uint8_t k = 0; k < c->n; k++)
        if (eff[c->ids[k]] >= 0)
            return eff[c->ids[k]];
    return -1;
}

static void example(const struct csp_set *s, int di, int ti, char *out)
{
    const struct dir *d = &s->dir[di];
    const struct tok *t = &s->tok[ti];
    snprintf(out, CSP_EXAMPLE_LEN, "%s %s", d->id < D__KNOWN ? csp_dir_names[d->id] : "?",
             csp_snip(s->buf + t->off, t->len).s);
}

/* For a chain, over all policies: does every policy that constrains it allow a broad (or
 * insecure) source, and which is the first such source. Unconstrained: *unset = true. */
static bool all_lists(const struct csp_set *s, int (*eff)[D__KNOWN], int n,
                      const struct chain *c, bool insecure, int *ex_dir, int *ex_tok,
                      bool *unset)
{
    bool constrained = false, all = true;
    *ex_dir = *ex_tok = -1;
    for (int k = 0; k < n; k++) {
        struct linfo L = list_info(s, chain_dir(eff[k], c));
        if (!L.present)
            continue;
        constrained = true;
        /* 'strict-dynamic' makes a browser ignore host and scheme sources for script-like
         * loads (scripts and workers). */
        bool hit = c->script && L.strict_dynamic ? false : insecure ? L.insecure : L.broad;
        all &= hit;
        if (hit && *ex_tok < 0) {
            *ex_dir = L.dir;
            *ex_tok = insecure ? L.insecure_tok : L.broad_tok;
        }
    }
    *unset = !constrained;
    return constrained && all;
}

void csp_view_compute(const struct csp_set *s, unsigned mask, bool https, struct csp_view *v)
{
    int eff[CSP_MAX_POLICIES][D__KNOWN];
    int n = 0;
    memset(v, 0, sizeof *v);
    for (uint32_t pi = 0; pi < s->npol; pi++) {
        const struct pol *p = &s->pol[pi];
        if (!(mask & (1u << p->origin)) || !p->effective)
            continue;
        for (int k = 0; k < D__KNOWN; k++)
            eff[n][k] = -1;
        for (uint32_t k = 0; k < p->ndir; k++) {
            const struct dir *d = &s->dir[p->first_dir + k];
            if ((d->flags & DF_EFFECTIVE) && d->id < D__KNOWN)
                eff[n][d->id] = (int)(p->first_dir + k);
        }
        n++;
    }
    v->policies = n;
    if (n == 0)
        return;
    bool elem_inline = true, attr_inline = true, eval = true, data = true;
    bool st_elem_inline = true, st_attr_inline = true;
    for (int k = 0; k < n; k++) {
        const int *e = eff[k];
        struct linfo se = list_info(s, chain_dir(e, &CH_SCRIPT_ELEM));
        struct linfo sa = list_info(s, chain_dir(e, &CH_SCRIPT_ATTR));
        struct linfo sc = list_info(s, chain_dir(e, &CH_SCRIPT));
        struct linfo ob = list_info(s, chain_dir(e, &slots[SLOT_OBJECT]));
        struct linfo ste = list_info(s, chain_dir(e, &slots[SLOT_STYLE]));
        struct linfo sta = list_info(s, chain_dir(e, &CH_STYLE_ATTR));
        struct linfo base = list_info(s, e[D_BASE_URI]);
        struct linfo anc = list_info(s, e[D_FRAME_ANCESTORS]);
        struct linfo form = list_info(s, e[D_FORM_ACTION]);
        struct linfo def = list_info(s, e[D_DEFAULT]);
        if (se.present && !v->script_restricted) {
            v->script_restricted = true;
            snprintf(v->script_src_directive, sizeof v->script_src_directive, "%s",
                     csp_dir_names[s->dir[se.dir].id]);
        }
        elem_inline &= inline_allowed(&se, true);
        attr_inline &= inline_allowed(&sa, true);
        v->unsafe_inline_neutralised |= (se.unsafe_inline && !inline_allowed(&se, true)) ||
                                        (sa.unsafe_inline && !inline_allowed(&sa, true));
        eval &= !sc.present || sc.unsafe_eval;
        v->strict_dynamic |= se.strict_dynamic;
        v->nonce |= se.nonce;
        v->hash |= se.hash;
        data &= !se.present || (!se.strict_dynamic && se.data);
        v->object_restricted |= ob.present;
        v->object_src_none |= ob.present && !ob.fetchable;
        v->style_restricted |= ste.present;
        st_elem_inline &= inline_allowed(&ste, false);
        st_attr_inline &= inline_allowed(&sta, false);
        v->base_uri |= base.present && !base.broad && !base.data;
        v->frame_ancestors |= anc.present && !anc.broad;
        v->form_action |= form.present && !form.broad;
        v->default_src_none |= def.present && def.none_only;
    }
    v->unsafe_inline = elem_inline || attr_inline;
    v->unsafe_eval = eval;
    v->script_data = data;
    v->style_unsafe_inline = st_elem_inline || st_attr_inline;

    /* Wildcards: for scripts and plugins no list at all is as broad as "*"; for styles only a
     * listed broad source counts (a missing style-src shows as style_unsafe_inline). */
    static const int wild_slots[] = { SLOT_SCRIPT, SLOT_OBJECT, SLOT_STYLE };
    for (size_t w = 0; w < sizeof wild_slots / sizeof wild_slots[0]; w++) {
        const struct chain *c = &slots[wild_slots[w]];
        int di, ti;
        bool unset;
        bool hit = all_lists(s, eff, n, c, false, &di, &ti, &unset);
        if (unset && wild_slots[w] != SLOT_STYLE)
            hit = true;
        if (wild_slots[w] == SLOT_SCRIPT)
            v->script_wildcard = hit;
        else if (wild_slots[w] == SLOT_OBJECT)
            v->object_wildcard = hit;
        else
            v->style_wildcard = hit;
        if (!hit || v->wildcard_example[0])
            continue;
        if (ti >= 0)
            example(s, di, ti, v->wildcard_example);
        else
            snprintf(v->wildcard_example, CSP_EXAMPLE_LEN, "no %s-src or default-src",
                     c->what);
    }

    /* Insecure schemes: only on an https page (as the Observatory). A directive no policy has
     * says nothing either way. */
    for (size_t sl = 0; https && sl < sizeof slots / sizeof slots[0]; sl++) {
        int di, ti;
        bool unset;
        if (!all_lists(s, eff, n, &slots[sl], true, &di, &ti, &unset))
            continue;
        if (slots[sl].passive)
            v->insecure_scheme_passive = true;
        else
            v->insecure_scheme_active = true;
        if (!v->insecure_example[0]) /* active slots come first */
            example(s, di, ti, v->insecure_example);
    }
}
