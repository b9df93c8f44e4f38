/*
 * http.h — the libcurl wrapper every HTTP probe goes through: one request at a time, bodies and
 * headers capped, deadlines on connect and total time, redirects never followed by curl (callers
 * follow them within the target's scope, so no probe wanders off to a host it was not given).
 */
#ifndef COC_HTTP_H
#define COC_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "error.h"
#include "strbuf.h"

struct scan;

#define HTTP_MAX_BODY (2 * 1024 * 1024)
#define HTTP_MAX_HEADERS 200
#define HTTP_MAX_HEADER_VALUE 8192

/* A cookie jar that a sequence of requests shares: one signed-in (or signing-in) user. Cookies
 * live only in memory and are never written anywhere. */
struct http_session;

struct http_request {
    const char *url;
    const char *method; /* "GET" (default), "HEAD" or "POST" (only the login form posts) */
    const char *const *headers; /* extra "Name: value" lines, NULL-terminated, or NULL */
    size_t max_body;            /* 0: HTTP_MAX_BODY */
    struct http_session *session; /* NULL: no cookies sent or kept */
    const char *post_body;        /* POST: application/x-www-form-urlencoded body (may hold a
                                     password: never logged, never recorded) */
    size_t post_len;
};

struct http_response {
    long status;
    /* [[name (lower-case), value], ...] in arrival order, values capped at HTTP_MAX_HEADER_VALUE */
    json_t *headers;
    int headers_truncated; /* more than HTTP_MAX_HEADERS lines were sent */
    struct strbuf body;
    int body_truncated;
    char *location; /* absolute URL of a redirect target, or NULL */
    double total_ms;
};

/* One request. 0 with resp filled (any status), -1 with e set on transport failure. */
int http_fetch(const struct scan *scan, const struct http_request *req, struct http_response *resp,
               struct coc_error *e);
void http_response_release(struct http_response *resp);

/* A new, empty cookie jar; NULL on ENOMEM. Caller frees with http_session_free. */
struct http_session *http_session_new(void);
void http_session_free(struct http_session *s);
/* From now on keep every Set-Cookie the session receives, with its URL, in memory (never
 * written anywhere as is: values are secrets), for the cookie checks to parse. */
void http_session_log_cookies(struct http_session *s);
/* [[url, Set-Cookie value]…] received since logging began (at most 200), or NULL. Borrowed. */
const json_t *http_session_cookie_log(const struct http_session *s);

/*
 * GET url with the session's cookies (session may be NULL), following redirects that stay on
 * scope_url's origin, at most max_redirects of them; bodies capped at max_body (0: default).
 * Each response is appended to trace (when not NULL) as {url, status, location?, set_cookie:
 * [names]}, cookie values never. *final is the last response (a redirect leaving the origin is
 * not followed and is the last) and *final_url its URL (caller frees both). 0 ok, -1 with e set on transport failure.
 */
int http_get_follow(struct scan *scan, const char *scope_url, const char *url,
                    struct http_session *session, int max_redirects, size_t max_body,
                    json_t *trace, struct http_response *final, char **final_url,
                    struct coc_error *e);

/* One trace entry for a response: {url, status, location?, set_cookie: [cookie names]}. */
json_t *http_trace_step(const char *url, const struct http_response *resp);

/* The first value of a response header (name lower-case), or NULL. Borrowed from resp. */
const char *http_header_first(const struct http_response *resp, const char *name);

/* Every value of a response header (name lower-case), in order; new array. */
json_t *http_header_values(const struct http_response *resp, const char *name);

/* Global libcurl set-up and tear-down (call once from main). */
int http_global_init(void);
void http_global_cleanup(void);

#endif
