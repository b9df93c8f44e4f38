/*
 * csp_observatory.c — the MDN HTTP Observatory's reading of a parsed set (csp.c says why there
 * are two readings): its parseCsp() merge of several policies into one, with JavaScript's
 * collation and decodeURIComponent where its sort and path comparison use them, then the rules
 * of its tests/csp.js that pick the result and fill its policy flags. The merge allocates,
 * bounded by CSP_MAX_TOKENS.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csp.h"
#include "csp_int.h"

#define OBS_THROW (-1) /* the Observatory's parser throws: csp-header-invalid */
#define OBS_NOMEM (-2)

struct ostr {
    const char *p;
    uint32_t len, pos;
    uint32_t index; /* which policy of the list */
    bool keep;
};

struct okey {
    const char *name;
    uint32_t nlen, n;
    struct ostr *v;
    bool gone;
};

struct omap {
    struct okey *k;
    uint32_t nk;
    bool dup; /* a repeated report-uri or report-to (its _observatory_duplicate_warnings) */
};

static const char NONE_SRC[] = "'none'";

static void omap_free(struct omap *m)
{
    for (uint32_t i = 0; m->k && i < m->nk; i++)
        free(m->k[i].v);
    free(m->k);
    memset(m, 0, sizeof *m);
}

static struct okey *omap_get(const struct omap *m, const char *name)
{
    for (uint32_t i = 0; i < m->nk; i++)
        if (!m->k[i].gone && span_eq(m->k[i].name, m->k[i].nlen, name))
            return &m->k[i];
    return NULL;
}

/* The primary order of Intl.Collator("en") (CLDR root collation) over ASCII, which is what the
 * Observatory sorts sources by: control characters are ignorable, punctuation and symbols come
 * before digits and letters, case is a lesser difference (and sources are lowercased here). */
static const char COLLATION_ORDER[] = "\t\n\v\f\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
                                      "0123456789abcdefghijklmnopqrstuvwxyz";

/* 0 for an ignorable byte. Non-ASCII bytes only approximate: after every ASCII letter. */
static int coll_weight(unsigned char c)
{
    if (c >= 0x80)
        return 256 + c;
    if (c >= 'A' && c <= 'Z')
        c = (unsigned char)(c + 32);
    const char *p = c ? strchr(COLLATION_ORDER, c) : NULL;
    return p ? (int)(p - COLLATION_ORDER) + 1 : 0;
}

static int coll_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    for (;;) {
        int wa = 0, wb = 0;
        while (i < an && !(wa = coll_weight((unsigned char)a[i])))
            i++;
        while (j < bn && !(wb = coll_weight((unsigned char)b[j])))
            j++;
        if (i >= an || j >= bn)
            return (i < an) - (j < bn);
        if (wa != wb)
            return wa < wb ? -1 : 1;
        i++;
        j++;
    }
}

/* The Observatory's sort: collation order, and stable (Array.prototype.sort is). */
static int ostr_cmp(const void *x, const void *y)
{
    const struct ostr *a = x, *b = y;
    int c = coll_cmp(a->p, a->len, b->p, b->len);
    if (c)
        return c;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Byte order, for Set semantics (equal strings only). */
static int ostr_bytes_cmp(const void *x, const void *y)
{
    const struct ostr *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->p, b->p, n);
    if (c)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

static int hexval(char c)
{
    return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* decodeURIComponent of one path piece, one byte at a time: the byte, -1 at the end, -2 where
 * JavaScript throws a URIError (bad escape, malformed or non-shortest UTF-8, a surrogate). */
struct udec {
    const char *p, *end;
    unsigned char pend[4];
    int npend, ipend;
};

static int udec_next(struct udec *d)
{
    if (d->ipend < d->npend)
        return d->pend[d->ipend++];
    if (d->p >= d->end)
        return -1;
    if (*d->p != '%')
        return (unsigned char)*d->p++;
    int seq = 0;
    uint32_t cp = 0;
    for (int k = 0; k == 0 || k < seq; k++) {
        if (d->end - d->p < 3 || d->p[0] != '%' || !is_hex(d->p[1]) || !is_hex(d->p[2]))
            return -2;
        int b = hexval(d->p[1]) * 16 + hexval(d->p[2]);
        d->p += 3;
        if (k == 0) {
            if (b < 0x80)
                return b;
            seq = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
            if (!seq)
                return -2;
            cp = (uint32_t)b & (0x7Fu >> seq);
        } else {
            if ((b & 0xC0) != 0x80)
                return -2;
            cp = cp << 6 | ((uint32_t)b & 0x3F);
        }
        d->pend[k] = (unsigned char)b;
    }
    static const uint32_t min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (cp < min_cp[seq] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -2;
    d->npend = seq;
    d->ipend = 1;
    return d->pend[0];
}

/* Both pieces decode (else OBS_THROW); 1 when the decoded pieces are equal. */
static int piece_eq(const char *a, size_t an, const char *b, size_t bn)
{
    struct udec x = { a, a + an, { 0 }, 0, 0 }, y = { b, b + bn, { 0 }, 0, 0 };
    int c;
    while ((c = udec_next(&x)) >= 0)
        ;
    if (c == -2)
        return OBS_THROW;
    while ((c = udec_next(&y)) >= 0)
        ;
    if (c == -2)
        return OBS_THROW;
    x = (struct udec){ a, a + an, { 0 }, 0, 0 };
    y = (struct udec){ b, b + bn, { 0 }, 0, 0 };
    for (;;) {
        int p = udec_next(&x), q = udec_next(&y);
        if (p != q)
            return 0;
        if (p < 0)
            return 1;
    }
}

static size_t count_char(const char *p, size_t n, char c)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i] == c;
    return k;
}

/* The next '/'-separated piece of p[0..n) from *i (JavaScript's split("/")). */
static void next_piece(const char *p, size_t n, size_t *i, const char **s, size_t *sn)
{
    size_t st = *i;
    while (*i < n && p[*i] != '/')
        (*i)++;
    *s = p + st;
    *sn = *i - st;
    (*i)++;
}

/* The Observatory's pathPartMatch, applied (as it does) to whole source strings. */
static int path_part_match(const struct ostr *A, const struct ostr *B)
{
    if (A->len == 0)
        return 1;
    if (span_eq(A->p, A->len, "/") && B->len == 0)
        return 1;
    bool exact = A->p[A->len - 1] != '/';
    size_t na = count_char(A->p, A->len, '/') + 1, nb = count_char(B->p, B->len, '/') + 1;
    if (na > nb || (exact && na != nb))
        return 0;
    if (!exact)
        na--;
    size_t ia = 0, ib = 0;
    for (size_t k = 0; k < na; k++) {
        const char *pa, *pb;
        size_t la, lb;
        next_piece(A->p, A->len, &ia, &pa, &la);
        next_piece(B->p, B->len, &ib, &pb, &lb);
        int r = piece_eq(pa, la, pb, lb);
        if (r != 1)
            return r;
    }
    return 1;
}

static struct okey *omap_key(struct omap *m, const char *name, uint32_t nlen)
{
    for (uint32_t i = 0; i < m->nk; i++)
        if (m->k[i].nlen == nlen && !memcmp(m->k[i].name, name, nlen))
            return &m->k[i];
    struct okey *k = &m->k[m->nk++]; /* nk <= number of directives, the array's size */
    *k = (struct okey){ .name = name, .nlen = nlen };
    return k;
}

/* Fold directive d of list policy i (of L) into the map: cspParser.js's merge, step for step. */
static int omap_fold(const struct csp_set *s, struct omap *m, const struct dir *d, uint32_t i,
                     uint32_t L)
{
    const char *name = s->lower + d->name_off;
    if (d->flags & DF_OBS_DUP) {
        if (!span_eq(name, d->name_len, "report-uri") && !span_eq(name, d->name_len, "report-to"))
            return OBS_THROW;
        m->dup = true;
    }
    struct okey *key = omap_key(m, name, d->name_len);
    bool src = d->name_len >= 4 && !memcmp(name + d->name_len - 4, "-src", 4);
    uint32_t nv = d->ntok ? d->ntok : src ? 1 : 0;
    uint32_t old = i == 0 ? 0 : key->n, total = old + nv;
    struct ostr *c = malloc((total ? total : 1) * sizeof *c);
    if (!c)
        return OBS_NOMEM;
    if (old)
        memcpy(c, key->v, old * sizeof *c);
    for (uint32_t k = 0; k < nv; k++) {
        const struct tok *t = d->ntok ? &s->tok[d->first_tok + k] : NULL;
        c[old + k] = (struct ostr){ .p = t ? s->lower + t->off : NONE_SRC,
                                    .len = t ? t->len : 6, .index = i, .keep = i == 0 };
    }
    for (uint32_t k = 0; k < total; k++)
        c[k].pos = k;
    qsort(c, total, sizeof *c, ostr_cmp);
    for (uint32_t k = 1; k < total; k++) {
        struct ostr *cur = &c[k], *prev = &c[k - 1];
        if (cur->index == prev->index && cur->len >= prev->len &&
            !memcmp(cur->p, prev->p, prev->len))
            cur->keep = false; /* the longer of two sources with a common start is redundant */
        if (cur->index != prev->index) {
            int r = path_part_match(prev, cur);
            if (r < 0) {
                free(c);
                return r;
            }
            if (r)
                cur->keep = true; /* in both policies */
        }
    }
    uint32_t kept = 0;
    for (uint32_t k = 0; k < total; k++)
        if (c[k].keep)
            c[kept++] = c[k];
    free(key->v);
    key->v = c;
    key->n = kept;
    if (i == 0 && L > 1)
        for (uint32_t k = 0; k < kept; k++)
            c[k].keep = false;
    return 0;
}

/* parseCsp() over the policies of the given origins, header ones before meta ones. */
static int omap_build(const struct csp_set *s, bool hdr, bool meta, struct omap *m)
{
    uint32_t list[CSP_MAX_POLICIES], L = 0;
    memset(m, 0, sizeof *m);
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t pi = 0; pi < s->npol; pi++)
            if ((pass == 0 && hdr && s->pol[pi].origin == CSP_ORIGIN_HEADER) ||
                (pass == 1 && meta && s->pol[pi].origin == CSP_ORIGIN_META))
                list[L++] = pi;
    if (L == 0)
        return 0;
    for (uint32_t i = 0; i < L; i++)
        if (s->pol[list[i]].obs_len < 6) /* shorter than "img-src" minus one */
            return OBS_THROW;
    m->k = calloc(s->ndir ? s->ndir : 1, sizeof *m->k);
    if (!m->k)
        return OBS_NOMEM;
    for (uint32_t i = 0; i < L; i++) {
        const struct pol *p = &s->pol[list[i]];
        for (uint32_t k = 0; k < p->ndir; k++) {
            int rc = omap_fold(s, m, &s->dir[p->first_dir + k], i, L);
            if (rc < 0)
                return rc;
        }
    }
    /* Final sets: duplicates merged; a directive left with nothing becomes 'none'. */
    for (uint32_t i = 0; i < m->nk; i++) {
        struct okey *k = &m->k[i];
        if (k->n == 0) {
            if (!k->v && !(k->v = malloc(sizeof *k->v)))
                return OBS_NOMEM;
            k->v[0] = (struct ostr){ .p = NONE_SRC, .len = 6 };
            k->n = 1;
            continue;
        }
        qsort(k->v, k->n, sizeof *k->v, ostr_bytes_cmp);
        uint32_t u = 1;
        for (uint32_t j = 1; j < k->n; j++)
            if (ostr_bytes_cmp(&k->v[j], &k->v[u - 1]) != 0)
                k->v[u++] = k->v[j];
        k->n = u;
    }
    return 0;
}

static uint32_t omap_size(const struct omap *m)
{
    uint32_t n = m->dup;
    for (uint32_t i = 0; i < m->nk; i++)
        n += !m->k[i].gone;
    return n;
}

/* A source set as the Observatory holds it: a map entry (mutations show through every alias) or
 * a fresh fallback. */
struct oset {
    struct ostr *v;
    uint32_t *n;
};

static const char *const BROAD[] = { "ftp:", "http:", "https:", "*", "http://*", "http://*.*",
                                     "https://*", "https://*.*", NULL };
static const char *const BROAD_INLINE[] = { "ftp:", "http:", "https:", "*", "http://*",
                                            "http://*.*", "https://*", "https://*.*",
                                            "'unsafe-inline'", "data:", NULL };

static bool oset_has(struct oset o, const char *lit)
{
    for (uint32_t i = 0; i < *o.n; i++)
        if (span_eq(o.v[i].p, o.v[i].len, lit))
            return true;
    return false;
}

static bool oset_any(struct oset o, const char *const *lits)
{
    for (; *lits; lits++)
        if (oset_has(o, *lits))
            return true;
    return false;
}

static bool ostr_nonce_hash(const struct ostr *x)
{
    return span_starts(x->p, x->len, "'sha256-") || span_starts(x->p, x->len, "'sha384-") ||
           span_starts(x->p, x->len, "'sha512-") || span_starts(x->p, x->len, "'nonce-");
}

static bool oset_nonce_hash(struct oset o)
{
    for (uint32_t i = 0; i < *o.n; i++)
        if (ostr_nonce_hash(&o.v[i]))
            return true;
    return false;
}

static bool ostr_insecure(const struct ostr *x)
{
    return span_starts(x->p, x->len, "http:") || span_starts(x->p, x->len, "ftp:");
}

static bool oset_insecure(struct oset o)
{
    for (uint32_t i = 0; i < *o.n; i++)
        if (ostr_insecure(&o.v[i]))
            return true;
    return false;
}

/* Drop every element for which drop() holds (Set.delete while iterating). */
static void oset_filter(struct oset o, bool (*drop)(const struct ostr *))
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < *o.n; i++)
        if (!drop(&o.v[i]))
            o.v[k++] = o.v[i];
    *o.n = k;
}

static bool is_unsafe_inline(const struct ostr *x)
{
    return span_eq(x->p, x->len, "'unsafe-inline'");
}

static bool strict_dynamic_drop(const struct ostr *x)
{
    return span_starts(x->p, x->len, "ftp:") || span_starts(x->p, x->len, "http:") ||
           span_starts(x->p, x->len, "https:") || span_starts(x->p, x->len, "*") ||
           span_eq(x->p, x->len, "'self'") || is_unsafe_inline(x);
}

static struct oset oget(struct omap *m, const char *a, const char *b, struct ostr *fb,
                        uint32_t *fbn)
{
    struct okey *k = omap_get(m, a);
    if (!k && b)
        k = omap_get(m, b);
    if (k)
        return (struct oset){ k->v, &k->n };
    return (struct oset){ fb, fbn };
}

int csp_observatory_read(const struct csp_set *s, bool https, struct csp_analysis *a)
{
    struct omap all, hdr, meta;
    struct csp_obs_policy *P = &a->observatory_policy;
    int result = -1, rc = omap_build(s, true, true, &all);
    memset(&hdr, 0, sizeof hdr);
    memset(&meta, 0, sizeof meta);
    memset(P, 0, sizeof *P);
    if (rc == OBS_THROW) {
        a->observatory = CSP_OBS_INVALID;
        goto done;
    }
    if (rc < 0)
        goto nomem;
    /* The header-only and meta-only readings: a throw there just means "nothing". */
    if ((rc = omap_build(s, true, false, &hdr)) == OBS_NOMEM)
        goto nomem;
    if (rc == OBS_THROW)
        omap_free(&hdr);
    if ((rc = omap_build(s, false, true, &meta)) == OBS_NOMEM)
        goto nomem;
    if (rc == OBS_THROW)
        omap_free(&meta);
    for (uint32_t i = 0; i < meta.nk; i++) {
        struct okey *k = &meta.k[i];
        k->gone = span_eq(k->name, k->nlen, "frame-ancestors") ||
                  span_eq(k->name, k->nlen, "report-uri") || span_eq(k->name, k->nlen, "sandbox");
    }
    if (omap_size(&hdr) + omap_size(&meta) == 0) {
        bool reporting = s->ro_nonempty || s->nvalues[CSP_ORIGIN_REPORT_ONLY] > 1;
        a->observatory = reporting ? CSP_OBS_REPORTING_ONLY : CSP_OBS_NOT_IMPLEMENTED;
        goto done;
    }
    P->present = true;
    struct ostr fb[6] = {
        { "*", 1, 0, 0, 0 }, { "*", 1, 0, 0, 0 }, { "*", 1, 0, 0, 0 },
        { "*", 1, 0, 0, 0 }, { "*", 1, 0, 0, 0 }, { "*", 1, 0, 0, 0 },
    };
    uint32_t fbn[6] = { 1, 1, 1, 1, 1, 1 }, zero = 0;
    struct oset base = oget(&all, "base-uri", NULL, &fb[0], &fbn[0]);
    struct oset anc = oget(&hdr, "frame-ancestors", NULL, &fb[1], &fbn[1]);
    struct oset form = oget(&all, "form-action", NULL, &fb[2], &fbn[2]);
    struct oset obj = oget(&all, "object-src", "default-src", &fb[3], &fbn[3]);
    struct oset scr = oget(&all, "script-src", "default-src", &fb[4], &fbn[4]);
    struct oset sty = oget(&all, "style-src", "default-src", &fb[5], &fbn[5]);
    if (oset_nonce_hash(scr))
        oset_filter(scr, is_unsafe_inline);
    if (oset_nonce_hash(sty))
        oset_filter(sty, is_unsafe_inline);
    if (oset_nonce_hash(scr) && oset_has(scr, "'strict-dynamic'")) {
        oset_filter(scr, strict_dynamic_drop);
        P->strict_dynamic = true;
    } else if (oset_has(scr, "'strict-dynamic'")) {
        result = CSP_OBS_INVALID;
    }
    bool active = oset_insecure(scr), passive = false;
    for (uint32_t i = 0; i < all.nk; i++) {
        struct okey *k = &all.k[i];
        if (!span_eq(k->name, k->nlen, "img-src") && !span_eq(k->name, k->nlen, "media-src") &&
            !span_eq(k->name, k->nlen, "script-src"))
            active |= oset_insecure((struct oset){ k->v, &k->n });
    }
    passive = oset_insecure(oget(&all, "img-src", "default-src", NULL, &zero)) ||
              oset_insecure(oget(&all, "media-src", "default-src", NULL, &zero));
#define OBS_SET(r) (result = result < 0 ? (int)(r) : result)
    if (oset_any(scr, BROAD_INLINE) || oset_any(obj, BROAD)) {
        OBS_SET(CSP_OBS_UNSAFE_INLINE);
        P->unsafe_inline = true;
    }
    if (https && active) {
        OBS_SET(CSP_OBS_INSECURE_SCHEME);
        P->insecure_scheme_active = true;
    }
    if (oset_has(scr, "'unsafe-eval'") || oset_has(sty, "'unsafe-eval'")) {
        OBS_SET(CSP_OBS_UNSAFE_EVAL);
        P->unsafe_eval = true;
    }
    if (https && passive) {
        OBS_SET(CSP_OBS_INSECURE_PASSIVE);
        P->insecure_scheme_passive = true;
    }
    if (oset_any(sty, BROAD_INLINE)) {
        OBS_SET(CSP_OBS_UNSAFE_STYLE_ONLY);
        P->unsafe_inline_style = true;
    }
    struct okey *def = omap_get(&all, "default-src");
    if (def && def->n == 1 && span_eq(def->v[0].p, def->v[0].len, NONE_SRC)) {
        OBS_SET(CSP_OBS_DEFAULT_SRC_NONE);
        P->default_none = true;
    } else {
        OBS_SET(CSP_OBS_NO_UNSAFE);
    }
#undef OBS_SET
    P->anti_clickjacking = !oset_any(anc, BROAD);
    P->insecure_base_uri = oset_any(base, BROAD_INLINE);
    P->insecure_form_action = oset_any(form, BROAD);
    P->unsafe_objects = oset_any(obj, BROAD);
    a->observatory = (enum csp_obs_result)result;
    if (csp_observatory_passes(a->observatory) && all.dup)
        a->observatory = CSP_OBS_DUPLICATES;
done:
    a->observatory_pass = csp_observatory_passes(a->observatory);
    omap_free(&all);
    omap_free(&hdr);
    omap_free(&meta);
    return 0;
nomem:
    omap_free(&all);
    omap_free(&hdr);
    omap_free(&meta);
    return -1;
}
