/* http.c — bounded, deadline-driven HTTP requests through libcurl. */
#include "http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "scan.h"
#include "util.h"

struct sink {
    struct http_response *resp;
    size_t max_body;
};

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
        return n;
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
    if (vlen > HTTP_MAX_HEADER_VALUE)
        vlen = HTTP_MAX_HEADER_VALUE;
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
    struct sink sink = { resp, req->max_body ? req->max_body : HTTP_MAX_BODY };
    struct curl_slist *hdrs = NULL;
    int rc = -1;
    CURL *c = curl_easy_init();
    if (!c || !resp->headers)
        return coc_fail(e, "out of memory");
    for (const char *const *h = req->headers; h && *h; h++)
        hdrs = curl_slist_append(hdrs, *h);
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "cocscan/" COC_VERSION " (code-of-connection scanner)");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)scan->timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)scan->timeout_ms * 2);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "identity");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    /* Observation, not trust: certificate problems are the cert family's to report. */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    if (req->method && strcmp(req->method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    CURLcode cc = curl_easy_perform(c);
    if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && resp->body_truncated)) {
        coc_fail(e, "GET %s: %s", req->url, curl_easy_strerror(cc));
        goto out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    char *loc = NULL;
    if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
        resp->location = strdup(loc);
    double t = 0;
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &t);
    resp->total_ms = t * 1000.0;
    log_debug(1, "GET %s -> %ld (%zu bytes%s)", req->url, resp->status, resp->body.len,
              resp->body_truncated ? ", truncated" : "");
    rc = 0;
out:
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
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

int http_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void http_global_cleanup(void)
{
    curl_global_cleanup();
}
