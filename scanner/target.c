/* target.c — parsing and normalising the URLs a user asks us to scan. */
#include "target.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static int valid_hostname(const char *h, size_t n)
{
    if (n == 0 || n > 253)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)h[i];
        if (!(isalnum(c) || c == '-' || c == '.' || c == '_'))
            return 0;
    }
    return h[0] != '.' && h[0] != '-';
}

/* The "://" after url's scheme, or NULL when it has none ("://" in a query is not one). */
static const char *scheme_sep(const char *url)
{
    const char *sep = strstr(url, "://");
    size_t n = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
    return sep && n == (size_t)(sep - url) ? sep : NULL;
}

/* url with everything between the scheme and its last '@' replaced by "…", truncated to fit
 * out. Conservative on purpose: a password typed with an unencoded '#', '/' or '?' still
 * precedes an '@', and an error message must never carry it. */
static void redact(const char *url, char *out, size_t n)
{
    const char *sep = scheme_sep(url);
    const char *start = sep ? sep + 3 : url;
    const char *at = strrchr(start, '@');
    if (!at) {
        snprintf(out, n, "%s", url);
        return;
    }
    snprintf(out, n, "%.*s…%s", (int)(start - url), url, at);
}

int target_parse(const char *url, struct target *t, struct coc_error *e)
{
    memset(t, 0, sizeof *t);
    const char *p = url;
    const char *sep = scheme_sep(url);
    /* Messages quote the URL; never with what precedes an '@' in it (it may be a password). */
    const char *raw = url;
    char shown[300];
    redact(raw, shown, sizeof shown);
    url = shown;
    if (sep) {
        size_t slen = (size_t)(sep - raw);
        if (slen == 5 && strncasecmp(raw, "https", 5) == 0) {
            p = sep + 3;
        } else if (slen == 4 && strncasecmp(raw, "http", 4) == 0) {
            return coc_fail(e, "%s: only https:// targets can be scanned (the http:// redirect "
                               "is checked from the https:// target)", url);
        } else {
            return coc_fail(e, "%s: unsupported scheme '%.*s' (expected https://)", url,
                            (int)(slen > 16 ? 16 : slen), raw);
        }
    }
    size_t auth_len = strcspn(p, "/?#");
    const char *rest = p + auth_len;
    if (memchr(p, '@', auth_len))
        return coc_fail(e, "%s: credentials in the URL are not accepted; use a targets file "
                           "with username_env/password_env", url);
    const char *host = p;
    size_t host_len;
    const char *port_str = NULL;
    size_t port_len = 0;
    if (auth_len && p[0] == '[') {
        const char *close = memchr(p, ']', auth_len);
        if (!close)
            return coc_fail(e, "%s: unterminated '[' in IPv6 address", url);
        host = p + 1;
        host_len = (size_t)(close - host);
        const char *after = close + 1;
        if (after < p + auth_len) {
            if (*after != ':')
                return coc_fail(e, "%s: unexpected characters after ']'", url);
            port_str = after + 1;
            port_len = (size_t)(p + auth_len - port_str);
        }
    } else {
        const char *colon = memchr(p, ':', auth_len);
        host_len = colon ? (size_t)(colon - p) : auth_len;
        if (colon) {
            port_str = colon + 1;
            port_len = (size_t)(p + auth_len - port_str);
        }
    }
    if (host_len == 0)
        return coc_fail(e, "%s: no host name", url);
    char hostbuf[256];
    if (host_len >= sizeof hostbuf)
        return coc_fail(e, "%s: host name too long", url);
    memcpy(hostbuf, host, host_len);
    hostbuf[host_len] = '\0';
    unsigned char addr[16];
    int is_v6 = inet_pton(AF_INET6, hostbuf, addr) == 1;
    int is_v4 = inet_pton(AF_INET, hostbuf, addr) == 1;
    if (p[0] == '[' && !is_v6)
        return coc_fail(e, "%s: '%s' is not an IPv6 address", url, hostbuf);
    if (!is_v6 && !valid_hostname(hostbuf, host_len))
        return coc_fail(e, "%s: invalid host name", url);
    long port = 443;
    if (port_str) {
        char *end = NULL;
        if (port_len == 0 || port_len > 5 || !isdigit((unsigned char)port_str[0]))
            return coc_fail(e, "%s: invalid port", url);
        port = strtol(port_str, &end, 10);
        if (end != port_str + port_len || port < 1 || port > 65535)
            return coc_fail(e, "%s: invalid port (1-65535)", url);
    }
    size_t path_len = strcspn(rest, "#");
    struct strbuf path = STRBUF_INIT, norm = STRBUF_INIT;
    int bad = 0;
    if (path_len == 0 || rest[0] != '/')
        bad |= strbuf_addch(&path, '/');
    bad |= strbuf_add(&path, rest, path_len);
    for (size_t i = 0; i < path.len; i++) {
        unsigned char c = (unsigned char)path.buf[i];
        if (c <= 0x20 || c >= 0x7f) {
            strbuf_release(&path);
            return coc_fail(e, "%s: the path has a space or control character (percent-encode it)",
                            url);
        }
    }
    for (char *c = hostbuf; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    bad |= strbuf_adds(&norm, "https://");
    bad |= is_v6 ? strbuf_addf(&norm, "[%s]", hostbuf) : strbuf_adds(&norm, hostbuf);
    if (port != 443)
        bad |= strbuf_addf(&norm, ":%ld", port);
    bad |= strbuf_add(&norm, path.buf, path.len);
    t->host = strdup(hostbuf);
    t->path = strbuf_detach(&path, NULL);
    t->url = strbuf_detach(&norm, NULL);
    t->port = (int)port;
    t->http_port = 80;
    t->host_is_ip = is_v4 || is_v6;
    if (bad || !t->host || !t->path || !t->url) {
        target_release(t);
        return coc_fail(e, "out of memory");
    }
    return 0;
}

static void account_release(struct target_account *a)
{
    free(a->username_env);
    free(a->password_env);
}

static void list_free(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

void target_release(struct target *t)
{
    free(t->url);
    free(t->host);
    free(t->path);
    free(t->name);
    free(t->organisation);
    if (t->login) {
        free(t->login->form_url);
        free(t->login->protected_url);
        account_release(&t->login->account);
        free(t->login);
    }
    if (t->second) {
        account_release(t->second);
        free(t->second);
    }
    list_free(t->documents, t->n_documents);
    list_free(t->sensitive, t->n_sensitive);
    list_free(t->storage, t->n_storage);
    free(t->source_file);
    memset(t, 0, sizeof *t);
}

char *target_resolve(const struct target *t, const char *path)
{
    if (!t->host || !path || path[0] != '/')
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    int bad = strbuf_adds(&sb, "https://");
    bad |= strchr(t->host, ':') ? strbuf_addf(&sb, "[%s]", t->host) : strbuf_adds(&sb, t->host);
    if (t->port != 443)
        bad |= strbuf_addf(&sb, ":%d", t->port);
    bad |= strbuf_adds(&sb, path);
    if (bad) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb, NULL);
}
