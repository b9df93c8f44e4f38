/* http_page.c — fetching the start page within the target's origin, recorded as observations. */
#include "http_page.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cookies.h"
#include "html.h"
#include "http.h"
#include "scan.h"
#include "strbuf.h"
#include "target.h"
#include "url.h"
#include "util.h"

#define STR_(x) #x
#define STR(x) STR_(x)
/* Headers not read whole cannot be judged: what was cut may be the header (or the part of a
 * policy) that decides, and the rest may read stricter than what browsers got. */
#define HEADERS_UNREAD                                                                       \
    "the start page sent more than " STR(HTTP_MAX_HEADERS) " header lines or a header value " \
    "over " STR(HTTP_MAX_HEADER_VALUE) " bytes; headers not read whole cannot be judged"

static json_t *lossy(const char *s)
{
    return json_string_lossy(s, strlen(s));
}

static json_t *headers_object(const json_t *pairs)
{
    json_t *h = json_object();
    size_t i;
    json_t *pair;
    json_array_foreach(pairs, i, pair) {
        const char *name = json_string_value(json_array_get(pair, 0));
        json_t *vals = json_object_get(h, name);
        if (!vals) {
            vals = json_array();
            json_object_set_new(h, name, vals);
        }
        json_array_append(vals, json_array_get(pair, 1));
    }
    return h;
}

int http_page_observe(struct scan *scan, struct target *t, json_t *obs, const char *check_id)
{
    if (json_object_get(obs, "final_url"))
        return json_is_true(json_object_get(obs, "headers_truncated"))
                   ? obs_error(obs, check_id, "%s", HEADERS_UNREAD)
                   : 0;
    const char *prev_err = json_string_value(json_object_get(obs, "fetch_error"));
    if (prev_err)
        return obs_error(obs, check_id, "%s", prev_err);
    json_t *chain = json_array();
    char *url = strdup(t->url);
    struct coc_error e = { "" };
    int rc = -1, truncated = 0;
    json_object_set_new(obs, "url", json_string(t->url));
    for (int hop = 0; url; hop++) {
        struct http_response resp;
        struct http_request req = { .url = url };
        scan->probes++;
        if (http_fetch(scan, &req, &resp, &e) < 0) {
            json_object_set_new(obs, "fetch_error", lossy(e.msg));
            obs_error(obs, check_id, "%s", e.msg);
            break;
        }
        json_t *step = json_object();
        json_object_set_new(step, "url", lossy(url));
        json_object_set_new(step, "status", json_integer(resp.status));
        if (resp.location)
            json_object_set_new(step, "location", lossy(resp.location));
        json_object_set_new(step, "headers", headers_object(resp.headers));
        json_array_append_new(chain, step);
        int redirect = resp.status >= 300 && resp.status < 400 && resp.location;
        if (!redirect || hop == HTTP_PAGE_MAX_REDIRECTS ||
            !url_same_origin(t->url, resp.location)) { /* elsewhere: recorded, not followed */
            json_object_set_new(obs, "final_url", lossy(url));
            json_object_set_new(obs, "status", json_integer(resp.status));
            json_object_set_new(obs, "headers", headers_object(resp.headers));
            const char *type = http_header_first(&resp, "content-type");
            if (!type || strcasestr(type, "html"))
                json_object_set_new(obs, "meta", html_meta_extract(resp.body.buf, resp.body.len));
            truncated |= resp.headers_truncated;
            if (truncated)
                json_object_set_new(obs, "headers_truncated", json_true());
            if (redirect)
                json_object_set_new(obs, "redirect_not_followed",
                                    json_string(hop == HTTP_PAGE_MAX_REDIRECTS
                                                    ? "too many redirects"
                                                    : "leaves the target's origin"));
            http_response_release(&resp);
            rc = truncated ? obs_error(obs, check_id, "%s", HEADERS_UNREAD) : 0;
            break;
        }
        truncated |= resp.headers_truncated; /* HSTS is judged on redirects too */
        free(url);
        url = strdup(resp.location);
        http_response_release(&resp);
    }
    free(url);
    json_object_set_new(obs, "chain", chain);
    /* Parse the Set-Cookie headers and redact their values now, whatever checks run: cookie
     * values are secrets and never reach a report. */
    cookies_record(obs);
    return rc;
}
