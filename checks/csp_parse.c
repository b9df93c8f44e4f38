/*
 * csp_parse.c — the CSP parser: values split into policies at ',', directives at ';' and values
 * at ASCII whitespace (CSP3 §2.2), each source expression classified by the CSP3 grammar, and
 * the browser's rules for which directives are in force (first of its name, well-formed, ASCII,
 * not dropped from a <meta> policy). Everything is kept as sent, as offsets into one bounded copy
 * in the set, so that csp_view.c and csp_observatory.c can each take their own reading of it.
 * Never allocates beyond csp_set_new().
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csp.h"
#include "csp_int.h"

const char *const csp_dir_names[D__KNOWN] = {
    "default-src", "script-src", "script-src-elem", "script-src-attr", "style-src",
    "style-src-elem", "style-src-attr", "img-src", "media-src", "font-src", "connect-src",
    "object-src", "frame-src", "child-src", "worker-src", "manifest-src", "prefetch-src",
    "fenced-frame-src", "base-uri", "form-action", "frame-ancestors", "navigate-to", "sandbox",
    "report-uri", "report-to", "upgrade-insecure-requests", "block-all-mixed-content",
    "require-trusted-types-for", "trusted-types", "webrtc", "plugin-types", "require-sri-for",
    "referrer",
};

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
    return is_alpha(c) || is_digit(c);
}

struct csp_snip csp_snip(const char *p, size_t n)
{
    struct csp_snip o;
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
        warn(s, "%s: unknown directive '%s' has no effect", pl, csp_snip(name, d->name_len).s);
    if (d->id >= D__SOURCE_LISTS)
        return;
    bool none = false, other = false, sd = false, nonce_hash = false;
    for (uint32_t k = 0; k < d->ntok; k++) {
        const struct tok *t = &s->tok[d->first_tok + k];
        if (t->kind == K_INVALID)
            warn(s, "%s: invalid source '%s' in %s is ignored", pl,
                 csp_snip(s->buf + t->off, t->len).s, csp_dir_names[d->id]);
        none |= t->kind == K_NONE;
        other |= t->kind != K_NONE && t->kind != K_INVALID;
        sd |= t->kind == K_STRICT_DYNAMIC;
        nonce_hash |= t->kind == K_NONCE || t->kind == K_HASH;
    }
    if (none && other)
        warn(s, "%s: 'none' in %s is ignored because other sources are listed", pl,
             csp_dir_names[d->id]);
    if (sd && !nonce_hash &&
        (d->id == D_SCRIPT || d->id == D_SCRIPT_ELEM || d->id == D_DEFAULT))
        warn(s, "%s: 'strict-dynamic' in %s without a nonce or hash allows no script", pl,
             csp_dir_names[d->id]);
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
        if (span_eq(lo + ns, d->name_len, csp_dir_names[k]))
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
    struct csp_snip nm = csp_snip(lo + ns, d->name_len);
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
