/*
 * csp.c — Content-Security-Policy, read the way a browser reads it and judged two ways.
 *
 * The parser keeps every policy, directive and value as sent (offsets into one bounded copy), so
 * two readings can be taken of the same bytes:
 *   - the browser's (CSP3 §2.2, HTML <meta>): first occurrence of a directive wins, malformed or
 *     non-ASCII directives and invalid sources are ignored, several policies are all enforced.
 *     csp_view and the judge rest on this one.
 *   - the MDN HTTP Observatory's (src/analyzer/cspParser.js and tests/csp.js of
 *     @mdn/mdn-http-observatory), re-implemented rule for rule, quirks included (a repeated
 *     directive makes the header invalid; several policies are merged into one "intersection"
 *     by its sort-and-compare-neighbours rule; a default-src fallback list is shared, so removing
 *     a source from script-src for 'strict-dynamic' also removes it from default-src), so that
 *     csp_observatory_result() names what the Observatory would say.
 * The set is one fixed-size allocation; parsing never allocates. Only the Observatory merge
 * allocates, bounded by CSP_MAX_TOKENS.
 */
#include "csp.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "util.h"

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

static const char *const dir_names[D__KNOWN] = {
    "default-src", "script-src", "script-src-elem", "script-src-attr", "style-src",
    "style-src-elem", "style-src-attr", "img-src", "media-src", "font-src", "connect-src",
    "object-src", "frame-src", "child-src", "worker-src", "manifest-src", "prefetch-src",
    "fenced-frame-src", "base-uri", "form-action", "frame-ancestors", "navigate-to", "sandbox",
    "report-uri", "report-to", "upgrade-insecure-requests", "block-all-mixed-content",
    "require-trusted-types-for", "trusted-types", "webrtc", "plugin-types", "require-sri-for",
    "referrer",
};

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

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
    return is_alpha(c) || is_digit(c);
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool span_eq(const char *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n == k && memcmp(p, lit, k) == 0;
}

static bool span_starts(const char *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && memcmp(p, lit, k) == 0;
}

/* Server bytes quoted in a warning: printable ASCII only, at most 40 of them. */
struct snip {
    char s[48];
};

static struct snip snip(const char *p, size_t n)
{
    struct snip o;
    size_t k = 0;
    for (size_t i = 0; i < n && k < 40; i++) {
        unsigned char c = (unsigned char)p[i];
        o.s[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (n > 40) {
        memcpy(o.s + k, "...", 3);
        k += 3;
    }
    o.s[k] = '\0';
    return o;
}

static void warn(struct csp_set *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct csp_set *s, const char *fmt, ...)
{
    if (s->nwarn >= CSP_MAX_WARNINGS) {
        s->warn_dropped++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->warn[s->nwarn++], CSP_WARNING_LEN, fmt, ap);
    va_end(ap);
}

static const char *origin_label(uint8_t o)
{
    return o == CSP_ORIGIN_HEADER ? "header" : o == CSP_ORIGIN_META ? "meta" : "report-only";
}

static bool is_base64_value(const char *p, size_t n)
{
    size_t i = 0, eq = 0;
    while (i < n && (is_alnum(p[i]) || p[i] == '+' || p[i] == '/' || p[i] == '-' || p[i] == '_'))
        i++;
    if (i == 0)
        return false;
    while (i < n && p[i] == '=' && eq < 2) {
        i++;
        eq++;
    }
    return i == n;
}

static bool is_scheme(const char *p, size_t n)
{
    if (n == 0 || !is_alpha(p[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_alnum(p[i]) && p[i] != '+' && p[i] != '-' && p[i] != '.')
            return false;
    return true;
}

/* Flags of a (lowercased) scheme name. */
static uint8_t scheme_flags(const char *p, size_t n)
{
    if (span_eq(p, n, "http") || span_eq(p, n, "ftp") || span_eq(p, n, "ws"))
        return TF_BROAD | TF_INSECURE;
    if (span_eq(p, n, "https") || span_eq(p, n, "wss"))
        return TF_BROAD;
    if (span_eq(p, n, "data"))
        return TF_DATA;
    return 0;
}

/* 1*host-char *( "." 1*host-char ) [ "." ] at *ip. */
static bool host_labels(const char *p, size_t n, size_t *ip)
{
    size_t i = *ip;
    for (;;) {
        size_t st = i;
        while (i < n && (is_alnum(p[i]) || p[i] == '-'))
            i++;
        if (i == st)
            return false;
        if (i >= n || p[i] != '.')
            break;
        i++;
        if (i >= n || !(is_alnum(p[i]) || p[i] == '-'))
            break; /* a trailing dot */
    }
    *ip = i;
    return true;
}

static bool is_path_char(const char *p, size_t n, size_t *ip)
{
    char c = p[*ip];
    if (c == '%') {
        if (*ip + 2 >= n || !is_hex(p[*ip + 1]) || !is_hex(p[*ip + 2]))
            return false;
        *ip += 2;
        return true;
    }
    return is_alnum(c) || (c && strchr("-._~!$&'()*+=:@/", c));
}

/* host-source = [ scheme-part "://" ] host-part [ ":" port-part ] [ path-part ] (lowercased). */
static bool host_source(const char *p, size_t n, uint8_t *flags)
{
    size_t i = 0;
    const char *sep = memmem(p, n, "://", 3);
    if (sep) {
        size_t sl = (size_t)(sep - p);
        if (!is_scheme(p, sl))
            return false;
        *flags |= scheme_flags(p, sl) & TF_INSECURE;
        i = sl + 3;
    }
    if (i < n && p[i] == '*') {
        i++;
        if (i < n && p[i] == '.') {
            i++;
            if (!host_labels(p, n, &i))
                return false;
        } else {
            *flags |= TF_BROAD;
        }
    } else if (!host_labels(p, n, &i)) {
        return false;
    }
    if (i < n && p[i] == ':') {
        size_t d = ++i;
        if (i < n && p[i] == '*')
            i++;
        else
            while (i < n && is_digit(p[i]))
                i++;
        if (i == d)
            return false;
    }
    if (i < n && p[i] == '/')
        for (; i < n; i++)
            if (!is_path_char(p, n, &i))
                return false;
    return i == n;
}

/* Classify one (lowercased) source expression of a source-list directive. */
static uint8_t classify(const char *t, size_t n, uint8_t *flags)
{
    static const struct {
        const char *s;
        uint8_t kind;
    } kws[] = {
        { "'none'", K_NONE },
        { "'self'", K_SELF },
        { "'unsafe-inline'", K_UNSAFE_INLINE },
        { "'unsafe-eval'", K_UNSAFE_EVAL },
        { "'strict-dynamic'", K_STRICT_DYNAMIC },
        { "'unsafe-hashes'", K_UNSAFE_HASHES },
        { "'report-sample'", K_REPORT_SAMPLE },
        { "'wasm-unsafe-eval'", K_WASM_UNSAFE_EVAL },
        { "'unsafe-allow-redirects'", K_KEYWORD },
        { "'inline-speculation-rules'", K_KEYWORD },
        { "'trusted-types-eval'", K_KEYWORD },
        { "'report-sha256'", K_KEYWORD },
    };
    *flags = 0;
    if (n >= 2 && t[0] == '\'') {
        for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++)
            if (span_eq(t, n, kws[i].s))
                return kws[i].kind;
        if (t[n - 1] != '\'')
            return K_INVALID;
        const char *k = t + 1;
        size_t kn = n - 2;
        if (span_starts(k, kn, "nonce-") && is_base64_value(k + 6, kn - 6))
            return K_NONCE;
        if ((span_starts(k, kn, "sha256-") || span_starts(k, kn, "sha384-") ||
             span_starts(k, kn, "sha512-")) &&
            is_base64_value(k + 7, kn - 7))
            return K_HASH;
        return K_INVALID;
    }
    if (n >= 2 && t[n - 1] == ':' && is_scheme(t, n - 1)) {
        *flags = scheme_flags(t, n - 1);
        return K_SCHEME;
    }
    if (host_source(t, n, flags))
        return K_HOST;
    *flags = 0;
    return K_INVALID;
}

/* ---- parsing ------------------------------------------------------------------------------- */

struct csp_set *csp_set_new(void)
{
    return calloc(1, sizeof(struct csp_set));
}

void csp_set_free(struct csp_set *set)
{
    free(set);
}

static void truncate_set(struct csp_set *s, const char *why)
{
    if (!s->truncated)
        warn(s, "%s: the rest of the policy is not analysed", why);
    s->truncated = true;
}

/* The policy's length as the Observatory's `cspString.replaceAll(/[\r\n]/g, "").trim().length`
 * sees it: JavaScript counts UTF-16 units, and trims more than ASCII whitespace (\v too). */
static uint32_t obs_len(const char *p, size_t n)
{
    size_t a = 0, e = n;
    while (a < e && (is_ws(p[a]) || p[a] == '\v'))
        a++;
    while (e > a && (is_ws(p[e - 1]) || p[e - 1] == '\v'))
        e--;
    uint32_t units = 0;
    for (size_t i = a; i < e; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\r' || c == '\n' || (c & 0xC0) == 0x80)
            continue;
        units += c >= 0xF0 ? 2 : 1;
    }
    return units;
}

static void dir_warnings(struct csp_set *s, const struct dir *d, const char *pl)
{
    const char *name = s->lower + d->name_off;
    if (!(d->flags & DF_EFFECTIVE))
        return;
    if (d->id == D_UNKNOWN)
        warn(s, "%s: unknown directive '%s' has no effect", pl, snip(name, d->name_len).s);
    if (d->id >= D__SOURCE_LISTS)
        return;
    bool none = false, other = false, sd = false, nonce_hash = false;
    for (uint32_t k = 0; k < d->ntok; k++) {
        const struct tok *t = &s->tok[d->first_tok + k];
        if (t->kind == K_INVALID)
            warn(s, "%s: invalid source '%s' in %s is ignored", pl,
                 snip(s->buf + t->off, t->len).s, dir_names[d->id]);
        none |= t->kind == K_NONE;
        other |= t->kind != K_NONE && t->kind != K_INVALID;
        sd |= t->kind == K_STRICT_DYNAMIC;
        nonce_hash |= t->kind == K_NONCE || t->kind == K_HASH;
    }
    if (none && other)
        warn(s, "%s: 'none' in %s is ignored because other sources are listed", pl,
             dir_names[d->id]);
    if (sd && !nonce_hash &&
        (d->id == D_SCRIPT || d->id == D_SCRIPT_ELEM || d->id == D_DEFAULT))
        warn(s, "%s: 'strict-dynamic' in %s without a nonce or hash allows no script", pl,
             dir_names[d->id]);
}

/* One ';'-separated entry of policy pi. -1 when a bound stops the parse. */
static int add_directive(struct csp_set *s, uint32_t pi, uint32_t off, size_t n)
{
    const char *b = s->buf + off, *lo = s->lower + off;
    struct pol *p = &s->pol[pi];
    size_t a = 0, e = n;
    char pl[32];
    while (a < e && is_ws(b[a]))
        a++;
    while (e > a && is_ws(b[e - 1]))
        e--;
    if (a == e)
        return 0;
    if (s->ndir >= CSP_MAX_DIRECTIVES) {
        truncate_set(s, "too many directives");
        return -1;
    }
    snprintf(pl, sizeof pl, "policy %u (%s)", (unsigned)pi + 1, origin_label(p->origin));
    struct dir *d = &s->dir[s->ndir];
    size_t ns = a;
    while (a < e && !is_ws(b[a]))
        a++;
    *d = (struct dir){ .name_off = off + (uint32_t)ns, .name_len = (uint32_t)(a - ns),
                       .first_tok = s->ntok, .pol = pi, .id = D_UNKNOWN,
                       .flags = DF_NAME_OK | DF_ASCII };
    for (size_t k = ns; k < e; k++)
        if ((unsigned char)b[k] >= 0x80)
            d->flags &= (uint8_t)~DF_ASCII;
    for (size_t k = ns; k < a; k++)
        if (!is_alnum(b[k]) && b[k] != '-')
            d->flags &= (uint8_t)~DF_NAME_OK;
    for (int k = 0; k < D__KNOWN; k++)
        if (span_eq(lo + ns, d->name_len, dir_names[k]))
            d->id = (uint8_t)k;
    bool shadowed = false;
    for (uint32_t k = p->first_dir; k < s->ndir; k++) {
        const struct dir *o = &s->dir[k];
        if (o->name_len != d->name_len || memcmp(s->lower + o->name_off, lo + ns, d->name_len))
            continue;
        d->flags |= DF_OBS_DUP;
        shadowed |= (o->flags & (DF_NAME_OK | DF_ASCII)) == (DF_NAME_OK | DF_ASCII);
    }
    bool meta_drop = p->origin == CSP_ORIGIN_META &&
                     (d->id == D_FRAME_ANCESTORS || d->id == D_REPORT_URI || d->id == D_SANDBOX);
    struct snip nm = snip(lo + ns, d->name_len);
    if (!(d->flags & DF_ASCII))
        warn(s, "%s: directive '%s' has non-ASCII bytes and is ignored", pl, nm.s);
    else if (!(d->flags & DF_NAME_OK))
        warn(s, "%s: malformed directive name '%s' is ignored", pl, nm.s);
    else if (shadowed)
        warn(s, "%s: repeated directive '%s' is ignored (the first one is in force)", pl, nm.s);
    else if (meta_drop)
        warn(s, "%s: '%s' is not allowed in a <meta> policy and is ignored", pl, nm.s);
    else
        d->flags |= DF_EFFECTIVE;
    int rc = 0;
    while (a < e) {
        while (a < e && is_ws(b[a]))
            a++;
        size_t ts = a;
        while (a < e && !is_ws(b[a]))
            a++;
        if (a == ts)
            break;
        if (s->ntok >= CSP_MAX_TOKENS) {
            truncate_set(s, "too many source expressions");
            rc = -1;
            break;
        }
        struct tok *t = &s->tok[s->ntok++];
        t->off = off + (uint32_t)ts;
        t->len = (uint32_t)(a - ts);
        t->flags = 0;
        t->kind = K_OTHER;
        if (d->id < D__SOURCE_LISTS) {
            t->kind = classify(s->lower + t->off, t->len, &t->flags);
        } else if (d->id == D_REPORT_URI) {
            const char *u = s->lower + t->off;
            if (span_starts(u, t->len, "http:") || span_starts(u, t->len, "ftp:") ||
                span_starts(u, t->len, "ws:"))
                t->flags = TF_INSECURE;
        }
        d->ntok++;
    }
    s->ndir++;
    p->ndir++;
    if (d->flags & DF_EFFECTIVE)
        p->effective = true;
    dir_warnings(s, d, pl);
    return rc;
}

/* One ','-separated policy. -1 when a bound stops the parse. */
static int add_policy(struct csp_set *s, uint8_t origin, uint32_t off, size_t n)
{
    if (s->npol >= CSP_MAX_POLICIES) {
        truncate_set(s, "too many policies");
        return -1;
    }
    uint32_t pi = s->npol++;
    struct pol *p = &s->pol[pi];
    *p = (struct pol){ .first_dir = s->ndir, .obs_len = obs_len(s->buf + off, n),
                       .origin = origin };
    size_t i = 0;
    while (i <= n) {
        size_t st = i;
        while (i < n && s->buf[off + i] != ';')
            i++;
        if (add_directive(s, pi, off + (uint32_t)st, i - st) < 0)
            return -1;
        i++;
    }
    if (!p->effective)
        warn(s, "policy %u (%s) is empty and has no effect", (unsigned)pi + 1,
             origin_label(origin));
    return 0;
}

int csp_parse(struct csp_set *s, enum csp_origin origin, const char *v, size_t len)
{
    if (!s || (!v && len) || (unsigned)origin > CSP_ORIGIN_META)
        return -1;
    if (s->nvalues[origin] < UINT32_MAX)
        s->nvalues[origin]++;
    if (origin == CSP_ORIGIN_REPORT_ONLY && len > 0)
        s->ro_nonempty = true;
    if (s->truncated)
        return 1;
    size_t room = CSP_MAX_INPUT - s->used;
    if (len > room) {
        char why[64];
        snprintf(why, sizeof why, "the policies exceed %d bytes", CSP_MAX_INPUT);
        truncate_set(s, why);
        len = room;
        while (len > 0 && v[len - 1] != ';' && v[len - 1] != ',')
            len--; /* never analyse half a source expression */
    }
    uint32_t base = s->used;
    if (len)
        memcpy(s->buf + base, v, len);
    for (size_t i = 0; i < len; i++) {
        char c = s->buf[base + i];
        s->lower[base + i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    s->used += (uint32_t)len;
    size_t i = 0;
    for (;;) {
        size_t st = i;
        while (i < len && s->buf[base + i] != ',')
            i++;
        if (add_policy(s, (uint8_t)origin, base + (uint32_t)st, i - st) < 0 || i >= len)
            break;
        i++;
    }
    return s->truncated ? 1 : 0;
}

/* ---- the browser's reading --------------------------------------------------------------- */

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
    snprintf(out, CSP_EXAMPLE_LEN, "%s %s", d->id < D__KNOWN ? dir_names[d->id] : "?",
             snip(s->buf + t->off, t->len).s);
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

static void view_compute(const struct csp_set *s, unsigned mask, bool https, struct csp_view *v)
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
                     dir_names[s->dir[se.dir].id]);
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

/* ---- the Observatory's reading ----------------------------------------------------------- */

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

static int observatory(const struct csp_set *s, bool https, struct csp_analysis *a)
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

/* ---- analysis ------------------------------------------------------------------------------ */

static const struct {
    const char *name;
    int score;
    bool pass;
} obs_results[CSP_OBS__COUNT] = {
    { "csp-implemented-with-no-unsafe-default-src-none", 10, true },
    { "csp-implemented-with-no-unsafe", 5, true },
    { "csp-implemented-with-unsafe-inline-in-style-src-only", 0, true },
    { "csp-implemented-with-insecure-scheme-in-passive-content-only", -10, true },
    { "csp-implemented-with-unsafe-eval", -10, false },
    { "csp-implemented-with-unsafe-inline", -20, false },
    { "csp-implemented-with-insecure-scheme", -20, false },
    { "csp-implemented-but-duplicate-directives", 0, true },
    { "csp-header-invalid", -25, false },
    { "csp-not-implemented", -25, false },
    { "csp-not-implemented-but-reporting-enabled", -25, false },
};

const char *csp_observatory_name(enum csp_obs_result r)
{
    return (unsigned)r < CSP_OBS__COUNT ? obs_results[r].name : "?";
}

const char *csp_observatory_result(const struct csp_analysis *a)
{
    return csp_observatory_name(a->observatory);
}

int csp_observatory_parse(const char *s, enum csp_obs_result *out)
{
    for (int i = 0; s && i < CSP_OBS__COUNT; i++) {
        if (strcmp(s, obs_results[i].name) == 0) {
            *out = (enum csp_obs_result)i;
            return 0;
        }
    }
    return -1;
}

int csp_observatory_score(enum csp_obs_result r)
{
    return (unsigned)r < CSP_OBS__COUNT ? obs_results[r].score : 0;
}

bool csp_observatory_passes(enum csp_obs_result r)
{
    return (unsigned)r < CSP_OBS__COUNT && obs_results[r].pass;
}

int csp_analyse(const struct csp_set *s, bool page_https, struct csp_analysis *a)
{
    memset(a, 0, sizeof *a);
    if (!s)
        return -1;
    a->page_https = page_https;
    a->truncated = s->truncated;
    for (uint32_t i = 0; i < s->ndir; i++)
        if (s->dir[i].flags & DF_OBS_DUP)
            a->duplicate_directives = true;
    for (uint32_t i = 0; i < s->npol; i++) {
        if (!s->pol[i].effective)
            continue;
        if (s->pol[i].origin == CSP_ORIGIN_HEADER)
            a->header_policies++;
        else if (s->pol[i].origin == CSP_ORIGIN_META)
            a->meta_policies++;
        else
            a->report_only_policies++;
    }
    view_compute(s, 1u << CSP_ORIGIN_HEADER | 1u << CSP_ORIGIN_META, page_https, &a->enforced);
    view_compute(s, 1u << CSP_ORIGIN_REPORT_ONLY, page_https, &a->report_only);
    if (observatory(s, page_https, a) < 0) {
        memset(a, 0, sizeof *a);
        return -1;
    }
    return 0;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

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

/* ---- judge ----------------------------------------------------------------------------------- */

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
