/* http.c — bounded, deadline-driven HTTP requests through libcurl. */
#include "http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hostgate.h"
#include "log.h"
#include "scan.h"
#include "url.h"
#include "util.h"

struct http_session {
    CURLSH *share; /* the cookie store, shared by every request of the session */
    pthread_mutex_t lock;
    json_t *cookie_log; /* [[url, Set-Cookie value]…] when logging, in memory only */
};

#define HTTP_COOKIE_LOG_MAX 200

/* TLS sessions of requests outside an http_session (http_global_init). */
static CURLSH *tls_share;
static pthread_mutex_t tls_share_locks[CURL_LOCK_DATA_LAST];

static void share_lock(CURL *c, curl_lock_data data, curl_lock_access access, void *userp)
{
    (void)c, (void)data, (void)access;
    pthread_mutex_lock(&((struct http_session *)userp)->lock);
}

static void share_unlock(CURL *c, curl_lock_data data, void *userp)
{
    (void)c, (void)data;
    pthread_mutex_unlock(&((struct http_session *)userp)->lock);
}

struct http_session *http_session_new(void)
{
    struct http_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->share = curl_share_init();
    if (!s->share || pthread_mutex_init(&s->lock, NULL) != 0) {
        if (s->share)
            curl_share_cleanup(s->share);
        free(s);
        return NULL;
    }
    curl_share_setopt(s->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(s->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(s->share, CURLSHOPT_USERDATA, s);
    curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
    curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    return s;
}

void http_session_free(struct http_session *s)
{
    if (!s)
        return;
    curl_share_cleanup(s->share);
    pthread_mutex_destroy(&s->lock);
    json_decref(s->cookie_log);
    free(s);
}

void http_session_log_cookies(struct http_session *s)
{
    if (s && !s->cookie_log)
        s->cookie_log = json_array();
}

const json_t *http_session_cookie_log(const struct http_session *s)
{
    return s ? s->cookie_log : NULL;
}

/* Keep the Set-Cookie values a logging session received (for the cookies checks). */
static void log_cookies(struct http_session *s, const char *url, const json_t *headers)
{
    size_t i;
    json_t *pair;
    if (!s || !s->cookie_log)
        return;
    pthread_mutex_lock(&s->lock);
    json_array_foreach(headers, i, pair) {
        if (json_array_size(s->cookie_log) >= HTTP_COOKIE_LOG_MAX)
            break;
        if (strcmp(json_string_value(json_array_get(pair, 0)), "set-cookie") == 0)
            json_array_append_new(s->cookie_log,
                                  json_pack("[s%, O]", url, strlen(url), json_array_get(pair, 1)));
    }
    pthread_mutex_unlock(&s->lock);
}

struct sink {
    struct http_response *resp;
    size_t max_body;
    size_t header_bytes;  /* of the current response head */
    int header_overflow;  /* the head passed HTTP_HEAD_MAX_BYTES: transfer aborted */
};

/*
 * Limits against hostile servers (docs/hardening.md lists them all). The body cap (max_body)
 * counts bytes after content decoding: curl inflates gzip/deflate incrementally into on_body,
 * so a decompression bomb stops at the cap like any other body. A response head is capped at
 * HTTP_HEAD_MAX_BYTES in all (what Chrome accepts), so an endless stream of header lines ends
 * the request at once instead of at the deadline; curl itself refuses one line over 100 KiB.
 * A transfer slower than HTTP_LOW_SPEED bytes/s for the --timeout (whole seconds, at least 1)
 * is stalled and aborted, so a trickling server costs one timeout, not the 2x total below.
 */
#define HTTP_HEAD_MAX_BYTES (256 * 1024)
#define HTTP_LOW_SPEED 1024L

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct sink *s = userp;
    size_t n = size * nmemb;
    size_t room = s->max_body > s->resp->body.len ? s->max_body - s->resp->body.len : 0;
    if (n > room) {
        strbuf_add(&s->resp->body, data, room);
        s->resp->body_truncated = 1;
        return 0; /* stop the transfer: we have all we will look at */
    }
    return strbuf_add(&s->resp->body, data, n) == 0 ? n : 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct sink *s = userp;
    size_t n = size * nmemb;
    struct http_response *r = s->resp;
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response (after 100 Continue, say): keep only the last one's headers. */
        json_array_clear(r->headers);
        r->headers_truncated = 0;
        s->header_bytes = n;
        return n;
    }
    s->header_bytes += n;
    if (s->header_bytes > HTTP_HEAD_MAX_BYTES) {
        s->header_overflow = 1;
        return 0; /* abort: no browser would read this head either */
    }
    const char *colon = memchr(data, ':', n);
    if (!colon || colon == data)
        return n;
    if (json_array_size(r->headers) >= HTTP_MAX_HEADERS) {
        r->headers_truncated = 1;
        return n;
    }
    size_t nlen = (size_t)(colon - data);
    char name[128];
    if (nlen >= sizeof name)
        nlen = sizeof name - 1;
    for (size_t i = 0; i < nlen; i++)
        name[i] = (char)tolower((unsigned char)data[i]);
    name[nlen] = '\0';
    const char *v = colon + 1, *end = data + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t vlen = (size_t)(end - v);
    if (vlen > HTTP_MAX_HEADER_VALUE) {
        vlen = HTTP_MAX_HEADER_VALUE;
        r->headers_truncated = 1; /* a cut policy may read stricter than the one sent */
    }
    json_t *pair = json_array();
    json_array_append_new(pair, json_string_lossy(name, strlen(name)));
    json_array_append_new(pair, json_string_lossy(v, vlen));
    json_array_append_new(r->headers, pair);
    return n;
}

int http_fetch(const struct scan *scan, const struct http_request *req, struct http_response *resp,
               struct coc_error *e)
{
    memset(resp, 0, sizeof *resp);
    strbuf_init(&resp->body);
    resp->headers = json_array();
    struct sink sink = { .resp = resp, .max_body = req->max_body ? req->max_body : HTTP_MAX_BODY };
    struct curl_slist *hdrs = NULL;
    int rc = -1;
    CURL *c = curl_easy_init();
    if (!c || !resp->headers)
        return coc_fail(e, "out of memory");
    for (const char *const *h = req->headers; h && *h; h++)
        hdrs = curl_slist_append(hdrs, *h);
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
    /* Direct, like every TLS probe: the observations must all come from one vantage point,
     * never partly through an https_proxy the environment happens to name. */
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "cocscan/" COC_VERSION " (code-of-connection scanner)");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)scan->timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)scan->timeout_ms * 2);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, HTTP_LOW_SPEED);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)(scan->timeout_ms + 999) / 1000);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "identity");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    /* Observation, not trust: certificate problems are the cert family's to report. */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    const char *method = req->method ? req->method : "GET";
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->post_len);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->post_body ? req->post_body : "");
    }
    if (req->session) {
        curl_easy_setopt(c, CURLOPT_SHARE, req->session->share);
        curl_easy_setopt(c, CURLOPT_COOKIEFILE, ""); /* the cookie engine, in memory only */
    } else if (tls_share) {
        curl_easy_setopt(c, CURLOPT_SHARE, tls_share);
    }
    struct url_parts up;
    char *gate_host = NULL; /* one request in flight holds one of its host's slots */
    if (url_split(req->url, &up) == 0) {
        gate_host = up.host + (up.host[0] == '['); /* as net_connect names an IPv6 host */
        gate_host[strcspn(gate_host, "]")] = '\0';
        hostgate_enter(gate_host);
    }
    CURLcode cc = curl_easy_perform(c);
    if (sink.header_overflow) {
        coc_fail(e, "%s %s: the response head is larger than %d KiB", method, req->url,
                 HTTP_HEAD_MAX_BYTES / 1024);
        goto out;
    }
    if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && resp->body_truncated)) {
        /* curl 7 refuses a header line over 100 KiB (CURL_MAX_HTTP_HEADER) with nothing but
         * CURLE_OUT_OF_MEMORY: say what it almost always means. */
        if (cc == CURLE_OUT_OF_MEMORY)
            coc_fail(e, "%s %s: a response header line is over curl's 100 KiB limit (or memory "
                        "ran out)", method, req->url);
        else
            coc_fail(e, "%s %s: %s", method, req->url, curl_easy_strerror(cc));
        goto out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    log_cookies(req->session, req->url, resp->headers);
    char *loc = NULL;
    if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
        resp->location = strdup(loc);
    double t = 0;
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &t);
    resp->total_ms = t * 1000.0;
    log_debug(1, "%s %s -> %ld (%zu bytes%s)", method, req->url, resp->status, resp->body.len,
              resp->body_truncated ? ", truncated" : "");
    rc = 0;
out:
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c); /* closes the connection: only then is the host's slot free */
    if (gate_host)
        hostgate_leave(gate_host);
    if (rc < 0)
        http_response_release(resp);
    return rc;
}

void http_response_release(struct http_response *resp)
{
    json_decref(resp->headers);
    strbuf_release(&resp->body);
    free(resp->location);
    memset(resp, 0, sizeof *resp);
}

const char *http_header_first(const struct http_response *resp, const char *name)
{
    size_t i;
    json_t *pair;
    json_array_foreach(resp->headers, i, pair)
        if (strcmp(json_string_value(json_array_get(pair, 0)), name) == 0)
            return json_string_value(json_array_get(pair, 1));
    return NULL;
}

json_t *http_header_values(const struct http_response *resp, const char *name)
{
    json_t *out = json_array();
    size_t i;
    json_t *pair;
    json_array_foreach(resp->headers, i, pair) {
        if (strcmp(json_string_value(json_array_get(pair, 0)), name) == 0)
            json_array_append(out, json_array_get(pair, 1));
    }
    return out;
}

json_t *http_trace_step(const char *url, const struct http_response *resp)
{
    json_t *step = json_object(), *names = json_array();
    json_object_set_new(step, "url", json_string_lossy(url, strlen(url)));
    json_object_set_new(step, "status", json_integer(resp->status));
    if (resp->location)
        json_object_set_new(step, "location",
                            json_string_lossy(resp->location, strlen(resp->location)));
    size_t i;
    json_t *pair;
    json_array_foreach(resp->headers, i, pair) {
        if (strcmp(json_string_value(json_array_get(pair, 0)), "set-cookie") != 0)
            continue;
        const char *v = json_string_value(json_array_get(pair, 1));
        size_t n = strcspn(v, "=;"); /* the name only: a value is a secret */
        while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
            n--;
        json_array_append_new(names, json_string_lossy(v, n));
    }
    json_object_set_new(step, "set_cookie", names);
    return step;
}

int http_get_follow(struct scan *scan, const char *scope_url, const char *url,
                    struct http_session *session, int max_redirects, size_t max_body,
                    json_t *trace, struct http_response *final, char **final_url,
                    struct coc_error *e)
{
    char *cur = strdup(url);
    memset(final, 0, sizeof *final);
    *final_url = NULL;
    if (!cur)
        return coc_fail(e, "out of memory");
    for (int hop = 0;; hop++) {
        struct http_request req = { .url = cur, .session = session, .max_body = max_body };
        scan->probes++;
        if (http_fetch(scan, &req, final, e) < 0) {
            free(cur);
            return -1;
        }
        if (trace)
            json_array_append_new(trace, http_trace_step(cur, final));
        int redirect = final->status >= 300 && final->status < 400 && final->location;
        if (!redirect || hop >= max_redirects || !url_same_origin(scope_url, final->location)) {
            *final_url = cur;
            return 0;
        }
        char *next = strdup(final->location);
        free(cur);
        http_response_release(final);
        if (!next)
            return coc_fail(e, "out of memory");
        cur = next;
    }
}

/* TLS sessions shared by every request outside an http_session, so the second request to a
 * server resumes instead of a full handshake (the server's certificate is not parsed again).
 * One lock per kind of shared data, as libcurl asks. */

static void global_lock(CURL *c, curl_lock_data data, curl_lock_access access, void *userp)
{
    (void)c, (void)access, (void)userp;
    pthread_mutex_lock(&tls_share_locks[data]);
}

static void global_unlock(CURL *c, curl_lock_data data, void *userp)
{
    (void)c, (void)userp;
    pthread_mutex_unlock(&tls_share_locks[data]);
}

int http_global_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return -1;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&tls_share_locks[i], NULL);
    tls_share = curl_share_init(); /* without it requests work, only slower */
    if (tls_share) {
        curl_share_setopt(tls_share, CURLSHOPT_LOCKFUNC, global_lock);
        curl_share_setopt(tls_share, CURLSHOPT_UNLOCKFUNC, global_unlock);
        curl_share_setopt(tls_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
    return 0;
}

void http_global_cleanup(void)
{
    curl_share_cleanup(tls_share);
    tls_share = NULL;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&tls_share_locks[i]);
    curl_global_cleanup();
}
