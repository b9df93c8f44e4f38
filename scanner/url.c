/*
 * url.c — resolving untrusted references into http(s) URLs, origins, and numeric ids.
 *
 * Written by hand rather than with xmlBuildURI because what matters is where a browser would go:
 * the WHATWG leniencies (tabs and newlines dropped, '\' read as '/', "https:x" and "///x" taking
 * x as the host, "%2e" as a dot segment) are what turn a page's hostile href into a request, so
 * the resolver follows them and then refuses anything that is not plainly http(s).
 */
#include "url.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "util.h"

/* A reference split per RFC 3986 appendix B: views into a cleaned string; NULL = absent. */
struct ref {
    const char *scheme, *auth, *path, *query;
    size_t scheme_len, auth_len, path_len, query_len;
};

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int span_caseeq(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* Is s[0..n) "http" or "https" (any case)? 80 or 443 then, else 0. */
static unsigned http_default_port(const char *s, size_t n)
{
    if (ascii_casecmp_n(s, n, "http") == 0)
        return 80;
    if (ascii_casecmp_n(s, n, "https") == 0)
        return 443;
    return 0;
}

/* What a browser does to an href before parsing it: trim C0 controls and spaces, drop tab, CR
 * and LF, read '\' as '/' before the query. -1 when in is too long or on allocation failure. */
static int clean(const char *in, struct strbuf *out)
{
    size_t n = strlen(in);
    if (n > URL_MAX)
        return -1;
    while (n && (unsigned char)in[0] <= 0x20) {
        in++;
        n--;
    }
    while (n && (unsigned char)in[n - 1] <= 0x20)
        n--;
    int in_path = 1;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == '?' || c == '#')
            in_path = 0;
        if (c == '\\' && in_path)
            c = '/';
        if (strbuf_addch(out, c) < 0)
            return -1;
    }
    return 0;
}

/* Split s. base_scheme (NULL for none) decides whether "http:x" is relative (same scheme, as
 * RFC 3986 §5.2.2 allows non-strict parsers) or names host x (another scheme, as WHATWG). */
static void ref_parse(const char *s, const char *base_scheme, size_t base_scheme_len, struct ref *r)
{
    memset(r, 0, sizeof *r);
    const char *p = s;
    if (is_alpha((unsigned char)*p)) {
        const char *q = p + 1;
        while (is_alpha((unsigned char)*q) || is_digit((unsigned char)*q) || *q == '+' ||
               *q == '-' || *q == '.')
            q++;
        if (*q == ':') {
            r->scheme = p;
            r->scheme_len = (size_t)(q - p);
            p = q + 1;
        }
    }
    if (r->scheme && !http_default_port(r->scheme, r->scheme_len)) {
        r->path = p; /* another scheme: the caller refuses it, nothing more to split */
        r->path_len = strlen(p);
        return;
    }
    size_t slashes = strspn(p, "/");
    if (r->scheme && slashes < 2 && base_scheme &&
        span_caseeq(r->scheme, r->scheme_len, base_scheme, base_scheme_len)) {
        r->scheme = NULL;
    } else if (r->scheme || slashes >= 2) {
        p += slashes;
        r->auth = p;
        p += strcspn(p, "/?#");
        r->auth_len = (size_t)(p - r->auth);
    }
    r->path = p;
    p += strcspn(p, "?#");
    r->path_len = (size_t)(p - r->path);
    if (*p == '?') {
        r->query = ++p;
        p += strcspn(p, "#");
        r->query_len = (size_t)(p - r->query);
    }
}

/* Parse an authority: userinfo dropped, host lowercased and checked, port read. 0 ok, -1 bad. */
static int auth_parse(const char *a, size_t n, char *host, unsigned *port, int *port_explicit)
{
    for (size_t i = n; i > 0; i--) {
        if (a[i - 1] == '@') {
            a += i;
            n -= i;
            break;
        }
    }
    size_t h = 0;
    if (n && a[0] == '[') {
        while (h < n && a[h] != ']') {
            char c = a[h];
            if (h && !is_digit((unsigned char)c) && !(lower(c) >= 'a' && lower(c) <= 'f') &&
                c != ':' && c != '.')
                return -1;
            h++;
        }
        if (h == n || h < 3)
            return -1;
        h++;
    } else {
        while (h < n && a[h] != ':') {
            char c = a[h];
            if (!is_alpha((unsigned char)c) && !is_digit((unsigned char)c) && c != '-' &&
                c != '.' && c != '_')
                return -1;
            h++;
        }
    }
    if (h == 0 || h > URL_HOST_MAX)
        return -1;
    for (size_t i = 0; i < h; i++)
        host[i] = (char)lower((unsigned char)a[i]);
    host[h] = '\0';
    *port_explicit = 0;
    if (h == n)
        return 0;
    if (a[h] != ':')
        return -1;
    if (h + 1 == n) /* "host:" is the default port */
        return 0;
    unsigned long v = 0;
    for (size_t i = h + 1; i < n; i++) {
        if (!is_digit((unsigned char)a[i]))
            return -1;
        v = v * 10 + (unsigned long)(a[i] - '0');
        if (v > 65535)
            return -1;
    }
    if (v == 0)
        return -1;
    *port = (unsigned)v;
    *port_explicit = 1;
    return 0;
}

/* Append s[0..n) percent-encoding what may not appear raw in a URL's path or query. */
static int add_encoded(struct strbuf *sb, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '`') {
            char e[3] = { '%', hex[c >> 4], hex[c & 15] };
            if (strbuf_add(sb, e, 3) < 0)
                return -1;
        } else if (strbuf_addch(sb, (char)c) < 0) {
            return -1;
        }
    }
    return 0;
}

static int is_dot(const char *s, size_t n)
{
    return (n == 1 && s[0] == '.') || ascii_casecmp_n(s, n, "%2e") == 0;
}

static int is_dotdot(const char *s, size_t n)
{
    return ascii_casecmp_n(s, n, "..") == 0 || ascii_casecmp_n(s, n, ".%2e") == 0 ||
           ascii_casecmp_n(s, n, "%2e.") == 0 || ascii_casecmp_n(s, n, "%2e%2e") == 0;
}

/* RFC 3986 §5.2.4 on segments: append p[0..n) to out (which holds the path so far, from
 * start) with "." and ".." applied. The result always starts with '/'. */
static int add_path(struct strbuf *out, size_t start, const char *p, size_t n)
{
    if (n && p[0] == '/') {
        p++;
        n--;
    }
    int trailing = 0;
    for (;;) {
        size_t seg = 0;
        while (seg < n && p[seg] != '/')
            seg++;
        int last = seg == n;
        trailing = 0;
        if (is_dot(p, seg)) {
            trailing = last;
        } else if (is_dotdot(p, seg)) {
            size_t at = out->len;
            while (at > start && out->buf[at - 1] != '/')
                at--;
            out->len = at > start ? at - 1 : start;
            if (out->cap)
                out->buf[out->len] = '\0';
            trailing = last;
        } else if (strbuf_addch(out, '/') < 0 || add_encoded(out, p, seg) < 0) {
            return -1;
        }
        if (last)
            break;
        p += seg + 1;
        n -= seg + 1;
    }
    if ((trailing || out->len == start) && strbuf_addch(out, '/') < 0)
        return -1;
    return 0;
}

/* Base path up to and including its last '/' (RFC 3986 §5.2.3 merge), then ref's path. */
static int merge_paths(struct strbuf *m, const struct ref *b, const struct ref *r)
{
    size_t keep = b->path_len;
    while (keep && b->path[keep - 1] != '/')
        keep--;
    if (keep == 0 && strbuf_addch(m, '/') < 0)
        return -1;
    if (strbuf_add(m, b->path, keep) < 0 || strbuf_add(m, r->path, r->path_len) < 0)
        return -1;
    return 0;
}

char *url_resolve(const char *base, const char *ref)
{
    struct strbuf cb = STRBUF_INIT, cr = STRBUF_INIT, merged = STRBUF_INIT, out = STRBUF_INIT;
    struct ref b = { 0 }, r, t;
    char *res = NULL;
    if (!ref || clean(ref, &cr) < 0)
        goto out;
    if (base) {
        if (clean(base, &cb) < 0)
            goto out;
        ref_parse(cb.buf, NULL, 0, &b);
        if (!b.scheme || !b.auth || !http_default_port(b.scheme, b.scheme_len))
            goto out;
    }
    ref_parse(cr.buf, b.scheme, b.scheme_len, &r);
    t = r;
    if (!r.scheme) {
        if (!base)
            goto out;
        t.scheme = b.scheme;
        t.scheme_len = b.scheme_len;
        if (!r.auth) {
            t.auth = b.auth;
            t.auth_len = b.auth_len;
            if (r.path_len == 0) {
                t.path = b.path;
                t.path_len = b.path_len;
                if (!r.query) {
                    t.query = b.query;
                    t.query_len = b.query_len;
                }
            } else if (r.path[0] != '/') {
                if (merge_paths(&merged, &b, &r) < 0)
                    goto out;
                t.path = merged.buf;
                t.path_len = merged.len;
            }
        }
    }
    unsigned def = http_default_port(t.scheme, t.scheme_len), port = def;
    char host[URL_HOST_MAX + 1];
    int explicit;
    if (!def || !t.auth || auth_parse(t.auth, t.auth_len, host, &port, &explicit) < 0)
        goto out;
    if (strbuf_adds(&out, def == 443 ? "https://" : "http://") < 0 || strbuf_adds(&out, host) < 0)
        goto out;
    if (port != def && strbuf_addf(&out, ":%u", port) < 0)
        goto out;
    if (add_path(&out, out.len, t.path, t.path_len) < 0)
        goto out;
    if (t.query && (strbuf_addch(&out, '?') < 0 || add_encoded(&out, t.query, t.query_len) < 0))
        goto out;
    res = strbuf_detach(&out, NULL);
out:
    strbuf_release(&cb);
    strbuf_release(&cr);
    strbuf_release(&merged);
    strbuf_release(&out);
    return res;
}

int url_split(const char *url, struct url_parts *out)
{
    struct ref r;
    if (!url || strlen(url) > URL_MAX)
        return -1;
    ref_parse(url, NULL, 0, &r);
    unsigned def = r.scheme ? http_default_port(r.scheme, r.scheme_len) : 0;
    memset(out, 0, sizeof *out);
    out->port = def;
    if (!def || !r.auth ||
        auth_parse(r.auth, r.auth_len, out->host, &out->port, &out->port_explicit) < 0)
        return -1;
    strcpy(out->scheme, def == 443 ? "https" : "http");
    out->path = r.path;
    out->path_len = r.path_len;
    out->query = r.query;
    out->query_len = r.query_len;
    return 0;
}

int url_same_origin(const char *a, const char *b)
{
    struct url_parts pa, pb;
    if (url_split(a, &pa) < 0 || url_split(b, &pb) < 0)
        return 0;
    return strcmp(pa.scheme, pb.scheme) == 0 && strcmp(pa.host, pb.host) == 0 && pa.port == pb.port;
}

char *url_with_path(const char *origin_url, const char *path)
{
    struct url_parts p;
    struct strbuf sb = STRBUF_INIT;
    if (!path || strlen(path) > URL_MAX || url_split(origin_url, &p) < 0)
        return NULL;
    unsigned def = strcmp(p.scheme, "https") == 0 ? 443 : 80;
    int bad = strbuf_addf(&sb, "%s://%s", p.scheme, p.host) < 0 ||
              (p.port != def && strbuf_addf(&sb, ":%u", p.port) < 0) ||
              (path[0] != '/' && strbuf_addch(&sb, '/') < 0) ||
              add_encoded(&sb, path, strcspn(path, "#")) < 0;
    if (bad) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb, NULL);
}

/* Does a path segment s[0..n) hold an id: digits, optionally ".ext" (1-5 alnum, a letter
 * first)? The number of digits, or 0. */
static size_t segment_id(const char *s, size_t n)
{
    size_t d = 0;
    while (d < n && is_digit((unsigned char)s[d]))
        d++;
    if (d == 0 || d > URL_ID_DIGITS)
        return 0;
    if (d == n)
        return d;
    if (s[d] != '.' || n - d - 1 < 1 || n - d - 1 > 5 || !is_alpha((unsigned char)s[d + 1]))
        return 0;
    for (size_t i = d + 1; i < n; i++)
        if (!is_alpha((unsigned char)s[i]) && !is_digit((unsigned char)s[i]))
            return 0;
    return d;
}

static unsigned long long digits_value(const char *s, size_t n)
{
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned long long)(s[i] - '0');
    return v;
}

static void id_fill(struct url_id *id, enum url_id_where where, const char *url, const char *d,
                    size_t n, unsigned index)
{
    memset(id, 0, sizeof *id);
    id->where = where;
    id->off = (size_t)(d - url);
    id->len = n;
    id->value = digits_value(d, n);
    id->index = index;
}

int url_numeric_ids(const char *url, struct url_id *ids, size_t max)
{
    struct url_parts p;
    if (url_split(url, &p) < 0)
        return -1;
    size_t found = 0;
    if (max > INT_MAX)
        max = INT_MAX;
    const char *s = p.path, *end = p.path + p.path_len;
    if (s < end && *s == '/')
        s++;
    for (unsigned idx = 0; s <= end && found < max; idx++) {
        const char *e = s;
        while (e < end && *e != '/')
            e++;
        size_t d = segment_id(s, (size_t)(e - s));
        if (d)
            id_fill(&ids[found++], URL_ID_PATH, url, s, d, idx);
        s = e + 1;
    }
    if (!p.query)
        return (int)found;
    s = p.query;
    end = p.query + p.query_len;
    for (unsigned idx = 0; s <= end && found < max; idx++) {
        const char *e = s;
        while (e < end && *e != '&' && *e != ';')
            e++;
        const char *eq = memchr(s, '=', (size_t)(e - s));
        if (eq) {
            const char *v = eq + 1;
            size_t vn = (size_t)(e - v), d = 0;
            while (d < vn && is_digit((unsigned char)v[d]))
                d++;
            if (d == vn && d > 0 && d <= URL_ID_DIGITS) {
                struct url_id *id = &ids[found++];
                id_fill(id, URL_ID_QUERY, url, v, d, idx);
                size_t nn = (size_t)(eq - s);
                memcpy(id->name, s, nn > URL_ID_NAME_MAX ? URL_ID_NAME_MAX : nn);
            }
        }
        s = e + 1;
    }
    return (int)found;
}

char *url_replace_id(const char *url, const struct url_id *id, unsigned long long value)
{
    if (!url || !id || id->len == 0 || id->len > URL_ID_DIGITS)
        return NULL;
    size_t n = strlen(url);
    if (id->off > n || id->len > n - id->off)
        return NULL;
    for (size_t i = 0; i < id->len; i++)
        if (!is_digit((unsigned char)url[id->off + i]))
            return NULL;
    int pad = id->len > 1 && url[id->off] == '0' ? (int)id->len : 1;
    struct strbuf sb = STRBUF_INIT;
    if (strbuf_add(&sb, url, id->off) < 0 || strbuf_addf(&sb, "%0*llu", pad, value) < 0 ||
        strbuf_adds(&sb, url + id->off + id->len) < 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb, NULL);
}
