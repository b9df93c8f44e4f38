/* doc_fetch.c — was a document served? (see doc_fetch.h) */
#include "doc_fetch.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html_form.h"
#include "listing.h"
#include "scan.h"
#include "target.h"
#include "util.h"

#define DOC_MAX_REDIRECTS 5

/* Content types that are documents whatever their bytes look like. */
static int document_type(const char *ct)
{
    static const char *const prefixes[] = { "application/pdf", "image/", "application/msword",
                                            "application/vnd.", "application/zip",
                                            "application/dicom", "application/rtf",
                                            "application/octet-stream", "text/csv", NULL };
    for (const char *const *p = prefixes; ct && *p; p++)
        if (strncasecmp(ct, *p, strlen(*p)) == 0)
            return strncasecmp(ct, "image/svg", 9) != 0; /* an SVG icon is a page asset */
    return 0;
}

json_t *doc_facts(const struct http_response *r, const char *final_url)
{
    json_t *o = json_object();
    const char *ct = http_header_first(r, "content-type");
    const char *cd = http_header_first(r, "content-disposition");
    const char *magic = doc_magic((const unsigned char *)r->body.buf, r->body.len);
    json_object_set_new(o, "status", json_integer(r->status));
    if (ct)
        json_object_set_new(o, "content_type", json_string_lossy(ct, strlen(ct)));
    if (cd)
        json_object_set_new(o, "disposition", json_string_lossy(cd, strlen(cd)));
    if (magic)
        json_object_set_new(o, "magic", json_string(magic));
    static const char *const kept[] = { "cache-control", "x-content-type-options", "pragma",
                                        NULL };
    for (const char *const *k = kept; *k; k++) {
        const char *v = http_header_first(r, *k);
        if (v)
            json_object_set_new(o, *k, json_string_lossy(v, strlen(v)));
    }
    int ok = r->status >= 200 && r->status < 300;
    const char *how;
    int served = 0;
    json_t *challenge = NULL;
    if (ok && magic) {
        served = 1;
        how = "document bytes";
    } else if (ok && cd && (strcasestr(cd, "attachment") || strcasestr(cd, "filename"))) {
        served = 1;
        how = "a download (Content-Disposition)";
    } else if (ok && document_type(ct)) {
        served = 1;
        how = "a document content type";
    } else if (r->status == 401 || r->status == 403) {
        how = "refused (401/403)";
    } else if (r->status == 404 || r->status == 410) {
        how = "not found";
    } else if (r->status >= 300 && r->status < 400) {
        how = "a redirect away";
    } else if (ok && (challenge = html_second_factor(r->body.buf, r->body.len)) != NULL) {
        how = "a second-factor challenge in its place";
    } else if (ok) {
        struct html_login_form f;
        int login = html_login_form_find(r->body.buf, r->body.len, final_url, &f) == 1;
        if (login)
            html_login_form_release(&f);
        how = login ? "the login page in its place" : "a page, not a document";
    } else {
        how = "an error status";
    }
    json_decref(challenge);
    json_object_set_new(o, "served", json_boolean(served));
    json_object_set_new(o, "how", json_string(how));
    return o;
}

json_t *doc_fetch(struct scan *scan, const struct target *t, const char *url,
                  struct http_session *session)
{
    struct http_response resp;
    struct coc_error e = { "" };
    char *final_url = NULL;
    json_t *o;
    if (http_get_follow(scan, t->url, url, session, DOC_MAX_REDIRECTS, DOC_FETCH_MAX_BODY, NULL,
                        &resp, &final_url, &e) < 0) {
        return json_pack("{s:o, s:o}", "url", json_string_lossy(url, strlen(url)), "error",
                         json_string_lossy(e.msg, strlen(e.msg)));
    }
    o = doc_facts(&resp, final_url);
    json_object_set_new(o, "url", json_string_lossy(url, strlen(url)));
    json_object_set_new(o, "final_url", json_string_lossy(final_url, strlen(final_url)));
    http_response_release(&resp);
    free(final_url);
    return o;
}
