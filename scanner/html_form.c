/*
 * html_form.c — login forms, second-factor challenges, links and titles from untrusted HTML.
 *
 * Walks go through html_dom.h (iterative, bounded), so neither deep nesting nor a huge page can
 * exhaust the stack or the clock; every string taken from the page is capped.
 */
#include "html_form.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html_dom.h"
#include "strbuf.h"
#include "url.h"
#include "util.h"

#define MAX_CONTROLS 512 /* controls of one form (inputs of a page) looked at */
#define MAX_LABELS 128   /* <label for> remembered for the second-factor check */
#define LABEL_TEXT_MAX 256
#define SCRIPT_SCAN_MAX (256 * 1024)
#define EVIDENCE_NAME_MAX 64

/* ---- login form ---- */

static const char *input_type(const xmlNode *n)
{
    const char *t = html_is(n, "input") ? html_attr(n, "type") : NULL;
    return t ? t : "text";
}

static int is_control(const xmlNode *n)
{
    return html_is(n, "input") || html_is(n, "select") || html_is(n, "textarea") ||
           html_is(n, "button");
}

static int is_password(const xmlNode *n)
{
    return html_is(n, "input") && strcasecmp(input_type(n), "password") == 0;
}

/* A visible input a person types a name into. */
static int is_text_like(const xmlNode *n)
{
    static const char *const types[] = { "text", "email", "tel", "number", "" };
    if (!html_is(n, "input") || xmlHasProp(n, (const xmlChar *)"hidden"))
        return 0;
    const char *t = input_type(n);
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (strcasecmp(t, types[i]) == 0)
            return 1;
    return 0;
}

static int name_says_user(const char *v)
{
    static const char *const words[] = { "user",   "login",   "email",   "j_username",
                                         "userid", "user_id", "account", "ident" };
    for (size_t i = 0; v && i < sizeof words / sizeof *words; i++)
        if (strcasestr(v, words[i]))
            return 1;
    return 0;
}

/* How strongly n looks like the username input (0 = not at all); `before` = it precedes the
 * first password input. */
static int username_score(const xmlNode *n, int before)
{
    const char *name = html_attr(n, "name");
    if (!is_text_like(n) || !name || !*name || strlen(name) > HTML_FORM_NAME_MAX ||
        xmlHasProp(n, (const xmlChar *)"disabled"))
        return 0;
    if (html_attr_has_token(n, "autocomplete", "username"))
        return 5;
    if (strcasecmp(input_type(n), "email") == 0 || html_attr_has_token(n, "autocomplete", "email"))
        return 4;
    if (name_says_user(name) || name_says_user(html_attr(n, "id")))
        return 3;
    return before ? 1 : 0;
}

static int add_field(struct html_login_form *f, const char *name, const char *value, size_t vlen)
{
    if (f->n_fields == HTML_FORM_MAX_FIELDS) {
        f->truncated = 1;
        return 0;
    }
    size_t cut = html_utf8_cut(value, vlen, HTML_FORM_VALUE_MAX);
    if (cut < vlen)
        f->truncated = 1;
    struct html_form_field *fl = &f->fields[f->n_fields];
    fl->name = strdup(name);
    fl->value = strndup(value, cut);
    if (!fl->name || !fl->value) {
        free(fl->name);
        free(fl->value);
        fl->name = fl->value = NULL;
        return -1;
    }
    f->n_fields++;
    return 0;
}

static int add_option(struct html_login_form *f, xmlNode *o, const char *name)
{
    const char *v = html_attr(o, "value");
    char *text = v ? NULL : html_node_text(o, HTML_FORM_VALUE_MAX);
    if (!v && !text)
        return -1;
    int rc = add_field(f, name, v ? v : text, strlen(v ? v : text));
    free(text);
    return rc;
}

/* The <option>s of a <select>, in order: its children and those of its <optgroup>s (no deeper,
 * so nested selects cannot make the walk quadratic). */
static xmlNode *next_option(xmlNode *sel, xmlNode *o)
{
    for (;;) {
        if (!o)
            o = sel->children;
        else if (html_is(o, "optgroup") && o->children)
            o = o->children;
        else if (o->next)
            o = o->next;
        else if (o->parent != sel && o->parent->next)
            o = o->parent->next;
        else
            return NULL;
        if (!o || html_is(o, "option"))
            return o;
    }
}

/* Add the selected options of a <select> (the first option when none is and it is single). */
static int add_select(struct html_login_form *f, xmlNode *sel, const char *name)
{
    int multiple = xmlHasProp(sel, (const xmlChar *)"multiple") != NULL, rc = 0;
    xmlNode *first = next_option(sel, NULL), *o;
    size_t added = 0;
    for (o = first; o && rc == 0 && (multiple || !added); o = next_option(sel, o))
        if (xmlHasProp(o, (const xmlChar *)"selected") && ++added)
            rc = add_option(f, o, name);
    if (rc == 0 && !added && !multiple && first)
        rc = add_option(f, first, name);
    return rc;
}

/* Add control n if it is successful (HTML §4.10.21.4); *submitter tracks the default button. */
static int add_control(struct html_login_form *f, xmlNode *n, int *submitter_seen)
{
    const char *name = html_attr(n, "name");
    int is_submit = html_is(n, "button")
                        ? !html_attr(n, "type") || html_attr_is(n, "type", "submit")
                        : html_is(n, "input") && (html_attr_is(n, "type", "submit") ||
                                                  html_attr_is(n, "type", "image"));
    int first_submit = is_submit && !*submitter_seen;
    if (is_submit)
        *submitter_seen = 1;
    if (!name || !*name || xmlHasProp(n, (const xmlChar *)"disabled"))
        return 0;
    if (strlen(name) > HTML_FORM_NAME_MAX) {
        f->truncated = 1;
        return 0;
    }
    const char *v = html_attr(n, "value");
    if (html_is(n, "select"))
        return add_select(f, n, name);
    if (html_is(n, "textarea")) {
        xmlChar *t = xmlNodeGetContent(n);
        if (!t)
            return 0;
        const char *s = (const char *)t;
        s += *s == '\n'; /* the parser keeps the newline right after <textarea> */
        int rc = add_field(f, name, s, strlen(s));
        xmlFree(t);
        return rc;
    }
    if (is_submit) {
        if (!first_submit || html_attr_is(n, "type", "image"))
            return 0;
        return add_field(f, name, v ? v : "", strlen(v ? v : ""));
    }
    if (html_is(n, "button"))
        return 0;
    const char *t = input_type(n);
    if (strcasecmp(t, "checkbox") == 0 || strcasecmp(t, "radio") == 0) {
        if (!xmlHasProp(n, (const xmlChar *)"checked"))
            return 0;
        v = v ? v : "on";
    } else if (strcasecmp(t, "file") == 0 || strcasecmp(t, "reset") == 0 ||
               strcasecmp(t, "button") == 0 || strcasecmp(t, "password") == 0) {
        return 0;
    }
    return add_field(f, name, v ? v : "", strlen(v ? v : ""));
}

/* Fill f from form (whose controls ctl[0..n) are in document order). 0 ok, -1 on failure. */
static int describe_form(struct html_login_form *f, xmlDoc *doc, xmlNode *form, xmlNode **ctl,
                         size_t n, const char *page_url)
{
    xmlNode *user = NULL, *pass = NULL;
    int best = 0, submitter = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_password(ctl[i])) {
            f->n_password++;
            pass = pass ? pass : ctl[i];
            continue;
        }
        int s = username_score(ctl[i], pass == NULL);
        if (s > best) {
            best = s;
            user = ctl[i];
        }
    }
    const char *pname = html_attr(pass, "name");
    if (pname && *pname && strlen(pname) <= HTML_FORM_NAME_MAX &&
        !(f->password_field = strdup(pname)))
        return -1;
    if (user && !(f->username_field = strdup(html_attr(user, "name"))))
        return -1;
    const char *action = html_attr(form, "action");
    if (action && action[strspn(action, " \t\r\n\f")]) {
        char *base = html_doc_base(doc, page_url);
        f->action = base ? url_resolve(base, action) : NULL;
        free(base);
    } else if (page_url) {
        f->action = url_resolve(NULL, page_url);
    }
    strcpy(f->method, html_attr_is(form, "method", "post") ? "POST" : "GET");
    f->multipart = html_attr_is(form, "enctype", "multipart/form-data");
    for (size_t i = 0; i < n; i++)
        if (ctl[i] != user && !is_password(ctl[i]) && add_control(f, ctl[i], &submitter) < 0)
            return -1;
    return 0;
}

int html_login_form_find(const char *body, size_t len, const char *page_url,
                         struct html_login_form *out)
{
    memset(out, 0, sizeof *out);
    xmlDoc *doc = html_doc_parse(body, len);
    xmlNode **ctl = NULL;
    int rc = 0;
    if (!doc)
        goto out;
    if (!(ctl = malloc(MAX_CONTROLS * sizeof *ctl))) {
        rc = -1;
        goto out;
    }
    xmlNode *root = (xmlNode *)doc;
    size_t nodes = 0;
    for (xmlNode *form = doc->children; form && nodes < HTML_WALK_MAX_NODES;
         form = html_walk_next(form, root)) {
        nodes++;
        if (!html_is(form, "form"))
            continue;
        size_t n = 0, pw = 0;
        for (xmlNode *c = form->children; c && n < MAX_CONTROLS && nodes++ < HTML_WALK_MAX_NODES;
             c = html_walk_next(c, form)) {
            if (is_control(c)) {
                ctl[n++] = c;
                pw += is_password(c);
            }
        }
        if (pw == 0)
            continue;
        rc = describe_form(out, doc, form, ctl, n, page_url) < 0 ? -1 : 1;
        break;
    }
out:
    if (rc < 0)
        html_login_form_release(out);
    free(ctl);
    xmlFreeDoc(doc);
    return rc;
}

void html_login_form_release(struct html_login_form *f)
{
    free(f->action);
    free(f->username_field);
    free(f->password_field);
    for (size_t i = 0; i < f->n_fields; i++) {
        free(f->fields[i].name);
        free(f->fields[i].value);
    }
    memset(f, 0, sizeof *f);
}

/* ---- second factor ---- */

/* Words of s, lowercase, split at non-alphanumerics and camelCase humps, as " w1 w2 … ". */
static int tokenize(const char *s, struct strbuf *out)
{
    strbuf_reset(out);
    int rc = strbuf_addch(out, ' ');
    for (size_t i = 0; s && s[i] && i < LABEL_TEXT_MAX && rc == 0; i++) {
        unsigned char c = (unsigned char)s[i], nx = (unsigned char)s[i + 1];
        int up = c >= 'A' && c <= 'Z',
            alnum = up || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        unsigned char pv = i ? (unsigned char)s[i - 1] : ' ';
        int hump = up && i &&
                   ((pv >= 'a' && pv <= 'z') || (pv >= 'A' && pv <= 'Z' && nx >= 'a' && nx <= 'z'));
        if (!alnum || hump)
            rc = out->buf[out->len - 1] == ' ' ? 0 : strbuf_addch(out, ' ');
        if (alnum && rc == 0)
            rc = strbuf_addch(out, (char)(up ? c + 32 : c));
    }
    if (rc == 0 && out->buf[out->len - 1] != ' ')
        rc = strbuf_addch(out, ' ');
    return rc;
}

/* The one-time-code phrase that tokenized text t contains, or NULL. */
static const char *otp_phrase(const char *t)
{
    /* clang-format off */
    static const char *const phrases[] = {
        " otp ", " totp ", " hotp ", " mfa ", " 2fa ", " tfa ", " one time ", " onetime ",
        " otpcode ", " totpcode ", " mfacode ", " onetimecode ", " verification code ",
        " verificationcode ", " authentication code ", " authenticationcode ", " security code ",
        " securitycode ", " passcode ", " two factor ", " twofactor ", " authenticator ",
        " auth code ", " authcode ", " sms code ", " smscode ",
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof phrases / sizeof *phrases; i++)
        if (strstr(t, phrases[i]))
            return phrases[i];
    return NULL;
}

struct label {
    const char *for_id;
    xmlNode *n;
};

/* The text of the <label> naming input n (by for=id or by enclosing it). Caller frees. */
static char *label_text(xmlNode *n, const struct label *labels, size_t n_labels)
{
    const char *id = html_attr(n, "id");
    for (size_t i = 0; id && *id && i < n_labels; i++)
        if (strcmp(labels[i].for_id, id) == 0)
            return html_node_text(labels[i].n, LABEL_TEXT_MAX);
    xmlNode *p = n->parent;
    for (int depth = 0; p && depth < 32; depth++, p = p->parent)
        if (html_is(p, "label"))
            return html_node_text(p, LABEL_TEXT_MAX);
    return NULL;
}

static int add_evidence_name(struct strbuf *ev, const xmlNode *n)
{
    const char *what = html_attr(n, "name") ? "name" : html_attr(n, "id") ? "id" : NULL;
    if (!what)
        return strbuf_adds(ev, "input");
    const char *v = html_attr(n, what);
    return strbuf_addf(ev, "input %s=%.*s", what,
                       (int)html_utf8_cut(v, strlen(v), EVIDENCE_NAME_MAX), v);
}

/* If input n looks like a one-time-code input, describe why in ev and return 1. */
static int otp_input(xmlNode *n, const struct label *labels, size_t n_labels, struct strbuf *ev,
                     struct strbuf *tok)
{
    static const char *const srcs[] = { "name", "id", "aria-label", "placeholder", "label" };
    static const char *const skip[] = { "hidden", "submit", "button",   "checkbox",
                                        "radio",  "image",  "reset",    "file",
                                        "email",  "url",    "password", "search" };
    if (html_attr_has_token(n, "autocomplete", "one-time-code")) {
        if (add_evidence_name(ev, n) < 0 || strbuf_adds(ev, " autocomplete=one-time-code") < 0)
            return -1;
        return 1;
    }
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (strcasecmp(input_type(n), skip[i]) == 0)
            return 0;
    const char *name = html_attr(n, "name"), *id = html_attr(n, "id");
    if ((name && strcasestr(name, "captcha")) || (id && strcasestr(id, "captcha")))
        return 0; /* "enter the security code shown" is a CAPTCHA, not a second factor */
    for (size_t i = 0; i < sizeof srcs / sizeof *srcs; i++) {
        char *lt = i == 4 ? label_text(n, labels, n_labels) : NULL;
        const char *v = i == 4 ? lt : html_attr(n, srcs[i]);
        const char *ph = NULL;
        if (v && tokenize(v, tok) == 0)
            ph = otp_phrase(tok->buf);
        int rc = ph ? 1 : 0;
        if (ph && (add_evidence_name(ev, n) < 0 || strbuf_addf(ev, " (%s says \"%.*s\")", srcs[i],
                                                               (int)strlen(ph) - 2, ph + 1) < 0))
            rc = -1;
        free(lt);
        if (rc)
            return rc;
    }
    return 0;
}

static json_t *factor(const char *kind, const struct strbuf *ev)
{
    return json_pack("{s:s, s:o}", "kind", kind, "evidence", json_string_lossy(ev->buf, ev->len));
}

/* WebAuthn evidence on a page without a password input: script calls, or key/passkey text with
 * a button. 1 found (ev filled), 0 not, -1 failure. */
static int webauthn(xmlDoc *doc, struct strbuf *ev)
{
    xmlNode *root = (xmlNode *)doc, *body = NULL;
    int button = 0;
    size_t nodes = 0;
    for (xmlNode *n = doc->children; n && nodes++ < HTML_WALK_MAX_NODES;
         n = html_walk_next(n, root)) {
        if (html_is(n, "body") && !body)
            body = n;
        button |= html_is(n, "button") || html_attr_is(n, "type", "submit") ||
                  html_attr_is(n, "type", "button");
        if (!html_is(n, "script") || !n->children || !n->children->content)
            continue;
        const char *s = (const char *)n->children->content;
        size_t sl = strnlen(s, SCRIPT_SCAN_MAX);
        if (memmem(s, sl, "navigator.credentials.get", 25))
            return strbuf_adds(ev, "script calls navigator.credentials.get") < 0 ? -1 : 1;
        if (memmem(s, sl, "PublicKeyCredential", 19))
            return strbuf_adds(ev, "script uses PublicKeyCredential") < 0 ? -1 : 1;
    }
    if (!body || !button)
        return 0;
    char *text = html_node_text(body, 64 * 1024);
    if (!text)
        return -1;
    const char *w = strcasestr(text, "security key") ? "security key"
                    : strcasestr(text, "passkey")    ? "passkey"
                                                     : NULL;
    free(text);
    if (w)
        return strbuf_addf(ev, "page text mentions \"%s\" and has a button", w) < 0 ? -1 : 1;
    return 0;
}

json_t *html_second_factor(const char *body, size_t len)
{
    struct strbuf ev = STRBUF_INIT, tok = STRBUF_INIT;
    struct label labels[MAX_LABELS];
    size_t n_labels = 0, nodes = 0;
    int password = 0, rc = 0;
    json_t *res = NULL;
    xmlDoc *doc = html_doc_parse(body, len);
    if (!doc)
        return NULL;
    xmlNode *root = (xmlNode *)doc;
    for (xmlNode *n = doc->children; n && nodes++ < HTML_WALK_MAX_NODES;
         n = html_walk_next(n, root)) {
        const char *f = html_is(n, "label") ? html_attr(n, "for") : NULL;
        if (f && *f && n_labels < MAX_LABELS)
            labels[n_labels++] = (struct label){ f, n };
        password |= is_password(n);
    }
    size_t inputs = 0;
    nodes = 0;
    for (xmlNode *n = doc->children;
         n && rc == 0 && inputs < MAX_CONTROLS && nodes++ < HTML_WALK_MAX_NODES;
         n = html_walk_next(n, root))
        if (html_is(n, "input") && ++inputs)
            rc = otp_input(n, labels, n_labels, &ev, &tok);
    if (rc > 0)
        res = factor("otp", &ev);
    else if (rc == 0 && !password && webauthn(doc, &ev) > 0)
        res = factor("webauthn", &ev);
    strbuf_release(&ev);
    strbuf_release(&tok);
    xmlFreeDoc(doc);
    return res;
}

/* ---- links and title ---- */

/* The URL part of a <meta http-equiv=refresh> content ("5; url='/x'"), or NULL. Caller frees. */
static char *refresh_url(const char *c)
{
    c += strspn(c, " \t\r\n\f");
    c += strspn(c, "0123456789.");
    c += strspn(c, " \t\r\n\f");
    if (*c != ';' && *c != ',')
        return NULL;
    c++;
    c += strspn(c, " \t\r\n\f");
    if (strncasecmp(c, "url", 3) == 0) {
        const char *p = c + 3 + strspn(c + 3, " \t\r\n\f");
        if (*p == '=')
            c = p + 1 + strspn(p + 1, " \t\r\n\f");
    }
    size_t n = strlen(c);
    if (*c == '"' || *c == '\'') {
        const char *q = strchr(c + 1, *c);
        n = q ? (size_t)(q - c - 1) : n - 1;
        c++;
    }
    return n ? strndup(c, n) : NULL;
}

/* The raw URL an element links to, or NULL; *owned set when the caller must free it. */
static const char *link_of(xmlNode *n, char **owned)
{
    static const struct {
        const char *tag, *attr;
    } map[] = {
        { "a", "href" },    { "area", "href" }, { "link", "href" },   { "iframe", "src" },
        { "frame", "src" }, { "embed", "src" }, { "object", "data" }, { "form", "action" }
    };
    *owned = NULL;
    if (n->type != XML_ELEMENT_NODE)
        return NULL;
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (html_is(n, map[i].tag))
            return html_attr(n, map[i].attr);
    if (html_is(n, "meta") && html_attr_is(n, "http-equiv", "refresh") && html_attr(n, "content"))
        return *owned = refresh_url(html_attr(n, "content"));
    return NULL;
}

static int list_has(const json_t *list, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) if (strcmp(json_string_value(v), s) == 0) return 1;
    return 0;
}

json_t *html_links(const char *body, size_t len, const char *page_url, size_t max)
{
    json_t *list = json_array();
    xmlDoc *doc = html_doc_parse(body, len);
    char *base = doc ? html_doc_base(doc, page_url) : NULL;
    size_t nodes = 0;
    xmlNode *root = (xmlNode *)doc;
    for (xmlNode *n = doc ? doc->children : NULL;
         n && list && json_array_size(list) < max && nodes++ < HTML_WALK_MAX_NODES;
         n = html_walk_next(n, root)) {
        char *owned;
        const char *raw = link_of(n, &owned);
        char *u = raw && *raw ? url_resolve(base, raw) : NULL;
        if (u && !list_has(list, u))
            json_array_append_new(list, json_string_lossy(u, strlen(u)));
        free(u);
        free(owned);
    }
    free(base);
    xmlFreeDoc(doc);
    return list;
}

json_t *html_title(const char *body, size_t len)
{
    xmlDoc *doc = html_doc_parse(body, len);
    json_t *res = NULL;
    size_t nodes = 0;
    xmlNode *root = (xmlNode *)doc;
    for (xmlNode *n = doc ? doc->children : NULL; n && nodes++ < HTML_WALK_MAX_NODES;
         n = html_walk_next(n, root)) {
        if (!html_is(n, "title"))
            continue;
        char *t = html_node_text(n, HTML_TITLE_MAX);
        if (t && *t)
            res = json_string_lossy(t, strlen(t));
        free(t);
        break;
    }
    xmlFreeDoc(doc);
    return res;
}
