/* http_page.h — the one fetch of a target's start page that the http-family checks share. */
#ifndef COC_HTTP_PAGE_H
#define COC_HTTP_PAGE_H

#include <jansson.h>

struct scan;
struct target;

#define HTTP_PAGE_MAX_REDIRECTS 5

/*
 * Fetch the target's URL once per scan, following redirects that stay on the same https origin,
 * and record in obs (the "http" observations): url, final_url, status, chain[], headers{} of the
 * final response (name -> [values]), and meta{csp, referrer} policies from its HTML. Idempotent. 0 ok, -1 after obs_error(check_id, …).
 */
int http_page_observe(struct scan *scan, struct target *t, json_t *obs, const char *check_id);

#endif
