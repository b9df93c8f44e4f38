/* login.c — driving a portal's login form with a test account (see login.h). */
#include "login.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_form.h"
#include "scan.h"
#include "url.h"
#include "util.h"

#define LOGIN_MAX_REDIRECTS 5

const char *login_outcome_name(enum login_outcome o)
{
    static const char *const names[] = { "skipped", "no_form", "rejected", "signed_in", "error" };
    return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "?";
}

static int unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '*';
}

/* Bytes of c once form-encoded. */
static size_t enc_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += unreserved((unsigned char)*s) || *s == ' ' ? 1 : 3;
    return n;
}

static char *enc_put(char *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (unreserved(c)) {
            *p++ = (char)c;
        } else if (c == ' ') {
            *p++ = '+';
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    return p;
}

char *form_urlencode(const char *const *names, const char *const *values, size_t n, size_t *len)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += (i ? 1 : 0) + enc_len(names[i]) + 1 + enc_len(values[i] ? values[i] : "");
    char *buf = malloc(total + 1), *p = buf;
    if (!buf)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = '&';
        p = enc_put(p, names[i]);
        *p++ = '=';
        p = enc_put(p, values[i] ? values[i] : "");
    }
    *p = '\0';
    *len = total;
    return buf;
}

static enum login_outcome finish(struct login_result *out, enum login_outcome o, const char *fmt,
                                 ...) __attribute__((format(printf, 3, 4)));

static enum login_outcome finish(struct login_result *out, enum login_outcome o, const char *fmt,
                                 ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->why, sizeof out->why, fmt, ap);
    va_end(ap);
    out->outcome = o;
    return o;
}

/* Tag the trace entries from index `from` on with their step name. */
static void tag_steps(json_t *trace, size_t from, const char *step)
{
    for (size_t i = from; i < json_array_size(trace); i++)
        json_object_set_new(json_array_get(trace, i), "step", json_string(step));
}

static json_t *form_json(const struct html_login_form *f)
{
    json_t *names = json_array();
    for (size_t i = 0; i < f->n_fields; i++)
        json_array_append_new(names, json_string_lossy(f->fields[i].name,
                                                       strlen(f->fields[i].name)));
#define S(x) ((x) ? json_string_lossy((x), strlen(x)) : json_null())
    return json_pack("{s:o, s:s, s:b, s:o, s:o, s:i, s:o}", "action", S(f->action), "method",
                     f->method, "multipart", f->multipart, "username_field", S(f->username_field),
                     "password_field", S(f->password_field), "password_inputs",
                     (int)f->n_password, "fields", names);
#undef S
}

/* "Origin: scheme://host[:port]" of url, for the post (CSRF defences check it). */
static void origin_header(const char *url, char *buf, size_t n)
{
    struct url_parts u;
    buf[0] = '\0';
    if (url_split(url, &u) < 0)
        return;
    int dflt = (strcmp(u.scheme, "https") == 0 && u.port == 443) ||
               (strcmp(u.scheme, "http") == 0 && u.port == 80);
    if (dflt)
        snprintf(buf, n, "Origin: %s://%s", u.scheme, u.host);
    else
        snprintf(buf, n, "Origin: %s://%s:%u", u.scheme, u.host, u.port);
}

/* Post the filled form; the encoded body (which holds the password) is wiped before return. */
static int post_form(struct scan *scan, const struct html_login_form *f, const char *page_url,
                     const char *user, const char *pass, struct http_session *sess,
                     struct http_response *resp, struct coc_error *e)
{
    const char *names[HTML_FORM_MAX_FIELDS + 2], *values[HTML_FORM_MAX_FIELDS + 2];
    size_t n = 0;
    for (size_t i = 0; i < f->n_fields; i++) {
        names[n] = f->fields[i].name;
        values[n++] = f->fields[i].value;
    }
    names[n] = f->username_field;
    values[n++] = user;
    names[n] = f->password_field;
    values[n++] = pass;
    size_t len = 0;
    char *body = form_urlencode(names, values, n, &len);
    if (!body)
        return coc_fail(e, "out of memory");
    char origin[URL_HOST_MAX + 40], referer[URL_MAX + 16];
    origin_header(f->action, origin, sizeof origin);
    snprintf(referer, sizeof referer, "Referer: %s", page_url);
    const char *hdrs[] = { "Content-Type: application/x-www-form-urlencoded", origin, referer,
                           NULL };
    struct http_request req = { .url = f->action, .method = "POST", .headers = hdrs,
                                .session = sess, .post_body = body, .post_len = len };
    scan->probes++;
    int rc = http_fetch(scan, &req, resp, e);
    explicit_bzero(body, len);
    free(body);
    return rc;
}

/* After the password step: was it accepted, and is a second factor being asked for? */
static enum login_outcome judge_landing(struct login_result *out, const char *url,
                                        const struct http_response *r)
{
    out->final_url = strdup(url);
    out->final_status = r->status;
    out->challenge = html_second_factor(r->body.buf, r->body.len);
    if (out->challenge)
        return finish(out, LOGIN_SIGNED_IN, "the password was accepted and a second factor "
                                            "was asked for");
    if (r->status == 401 || r->status == 403)
        return finish(out, LOGIN_REJECTED, "the login answered %ld: the password was not "
                                           "accepted (check the test account)", r->status);
    struct html_login_form again;
    if (html_login_form_find(r->body.buf, r->body.len, url, &again) == 1) {
        html_login_form_release(&again);
        return finish(out, LOGIN_REJECTED, "the login form came back (status %ld): the "
                                           "password was not accepted (check the test account)",
                      r->status);
    }
    if (r->status >= 400)
        return finish(out, LOGIN_REJECTED, "the login answered %ld", r->status);
    if (r->status >= 300)
        return finish(out, LOGIN_SIGNED_IN, "the login redirected outside the portal (%ld), "
                                            "not followed", r->status);
    return finish(out, LOGIN_SIGNED_IN, "the password was accepted");
}

enum login_outcome login_run(struct scan *scan, const struct target *t,
                             const struct target_account *acct, struct http_session **session,
                             struct login_result *out)
{
    memset(out, 0, sizeof *out);
    out->trace = json_array();
    *session = NULL;
    if (!t->login || !acct)
        return finish(out, LOGIN_SKIPPED, "no test account is configured for this target");
    const char *user = getenv(acct->username_env), *pass = getenv(acct->password_env);
    if (!user || !*user)
        return finish(out, LOGIN_SKIPPED, "environment variable %s is not set",
                      acct->username_env);
    if (!pass || !*pass)
        return finish(out, LOGIN_SKIPPED, "environment variable %s is not set",
                      acct->password_env);
    *session = http_session_new();
    if (!*session)
        return finish(out, LOGIN_ERROR, "out of memory");
    http_session_log_cookies(*session); /* cookies.attributes judges those set by signing in */

    struct coc_error e = { "" };
    struct http_response page, resp;
    char *page_url = NULL, *land_url = NULL;
    struct html_login_form f;
    int have_form = 0;
    enum login_outcome o;
    if (http_get_follow(scan, t->url, t->login->form_url, *session, LOGIN_MAX_REDIRECTS, 0,
                        out->trace, &page, &page_url, &e) < 0)
        return finish(out, LOGIN_ERROR, "fetching the login page: %s", e.msg);
    tag_steps(out->trace, 0, "form");
    int found = html_login_form_find(page.body.buf, page.body.len, page_url, &f);
    have_form = found == 1;
    if (found < 0) {
        o = finish(out, LOGIN_ERROR, "out of memory reading the login page");
        goto out;
    }
    if (!found) {
        o = finish(out, LOGIN_NO_FORM, "no form with a password input on the login page (status "
                                       "%ld)", page.status);
        goto out;
    }
    out->form = form_json(&f);
    if (!f.action) {
        o = finish(out, LOGIN_NO_FORM, "the login form's action is not an http(s) URL (a script "
                                       "submits it), so it cannot be driven");
    } else if (strncmp(f.action, "https:", 6) != 0) {
        json_object_set_new(out->form, "action_insecure", json_true());
        o = finish(out, LOGIN_NO_FORM, "the login form posts to plain http: the password would "
                                       "cross the network unencrypted; not submitted");
    } else if (!url_same_origin(t->url, f.action)) {
        o = finish(out, LOGIN_NO_FORM, "the login form posts to another origin; credentials are "
                                       "submitted only to the target's own origin");
    } else if (strcmp(f.method, "POST") != 0) {
        o = finish(out, LOGIN_NO_FORM, "the login form submits with GET, which would put the "
                                       "password in a URL; not submitted");
    } else if (f.multipart) {
        o = finish(out, LOGIN_NO_FORM, "multipart login forms are not supported");
    } else if (!f.username_field || !f.password_field) {
        o = finish(out, LOGIN_NO_FORM, "the login form has no recognisable username input");
    } else {
        o = LOGIN_ERROR;
    }
    if (o != LOGIN_ERROR)
        goto out;

    if (post_form(scan, &f, page_url, user, pass, *session, &resp, &e) < 0) {
        o = finish(out, LOGIN_ERROR, "submitting the login form: %s", e.msg);
        goto out;
    }
    size_t mark = json_array_size(out->trace);
    json_array_append_new(out->trace, http_trace_step(f.action, &resp));
    tag_steps(out->trace, mark, "submit");
    int redirect = resp.status >= 300 && resp.status < 400 && resp.location;
    if (redirect && resp.status != 307 && resp.status != 308 &&
        url_same_origin(t->url, resp.location)) {
        /* 301/302/303 after a post: the browser follows with GET. 307/308 would re-post the
         * password, which we never do. */
        char *next = strdup(resp.location);
        http_response_release(&resp);
        mark = json_array_size(out->trace);
        int rc = next ? http_get_follow(scan, t->url, next, *session, LOGIN_MAX_REDIRECTS, 0,
                                        out->trace, &resp, &land_url, &e)
                      : coc_fail(&e, "out of memory");
        free(next);
        tag_steps(out->trace, mark, "landing");
        if (rc < 0) {
            o = finish(out, LOGIN_ERROR, "after the login: %s", e.msg);
            goto out;
        }
    } else {
        land_url = strdup(f.action);
    }
    o = judge_landing(out, land_url ? land_url : f.action, &resp);
    http_response_release(&resp);
out:
    if (have_form)
        html_login_form_release(&f);
    http_response_release(&page);
    free(page_url);
    free(land_url);
    return o;
}

void login_result_release(struct login_result *r)
{
    json_decref(r->trace);
    json_decref(r->challenge);
    json_decref(r->form);
    free(r->final_url);
    memset(r, 0, sizeof *r);
}

struct login_cache {
    const struct target *t;
    int done[2];
    struct login_result res[2];
    struct http_session *sess[2];
};

const struct login_result *login_shared(struct scan *scan, const struct target *t,
                                        enum login_account which, struct http_session **session)
{
    static struct login_result oom = { .outcome = LOGIN_ERROR, .why = "out of memory" };
    *session = NULL;
    if (scan->logins && scan->logins->t != t)
        login_shared_clear(scan);
    if (!scan->logins) {
        scan->logins = calloc(1, sizeof *scan->logins);
        if (!scan->logins)
            return &oom;
        scan->logins->t = t;
    }
    struct login_cache *c = scan->logins;
    int i = which == LOGIN_SECOND;
    if (!c->done[i]) {
        const struct target_account *acct = i ? t->second : t->login ? &t->login->account : NULL;
        login_run(scan, t, acct, &c->sess[i], &c->res[i]);
        c->done[i] = 1;
    }
    if (c->res[i].outcome == LOGIN_SIGNED_IN)
        *session = c->sess[i];
    return &c->res[i];
}

void login_shared_clear(struct scan *scan)
{
    struct login_cache *c = scan->logins;
    if (!c)
        return;
    for (int i = 0; i < 2; i++) {
        login_result_release(&c->res[i]);
        http_session_free(c->sess[i]);
    }
    free(c);
    scan->logins = NULL;
}

json_t *login_result_json(const struct login_result *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "outcome", json_string(login_outcome_name(r->outcome)));
    if (r->why[0])
        json_object_set_new(o, "why", json_string_lossy(r->why, strlen(r->why)));
    json_object_set_new(o, "form", r->form ? json_incref(r->form) : json_null());
    json_object_set_new(o, "trace", r->trace ? json_incref(r->trace) : json_array());
    json_object_set_new(o, "challenge", r->challenge ? json_incref(r->challenge) : json_null());
    if (r->final_url) {
        json_object_set_new(o, "final_url", json_string_lossy(r->final_url,
                                                              strlen(r->final_url)));
        json_object_set_new(o, "final_status", json_integer(r->final_status));
    }
    return o;
}
