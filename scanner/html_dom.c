/* html_dom.c — bounded, non-recursive reading of libxml2's tree of an untrusted HTML page. */
#include "html_dom.h"

#include <libxml/HTMLparser.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"
#include "url.h"

xmlDoc *html_doc_parse(const char *body, size_t len)
{
    if (!body || len == 0 || len > INT_MAX)
        return NULL;
    const int opts =
        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
    int utf16 = len >= 2 && ((body[0] == '\xFF' && body[1] == '\xFE') ||
                             (body[0] == '\xFE' && body[1] == '\xFF'));
    if (utf16 || !memchr(body, '\0', len))
        return htmlReadMemory(body, (int)len, NULL, NULL, opts);
    /* libxml2 stops at a NUL byte, where a browser reads U+FFFD and carries on: a NUL must not
     * hide the rest of the page (a login form, a listing) from us. */
    struct strbuf sb = STRBUF_INIT;
    xmlDoc *doc = NULL;
    for (size_t i = 0; i < len; i++) {
        int rc = body[i] ? strbuf_addch(&sb, body[i]) : strbuf_add(&sb, "\xEF\xBF\xBD", 3);
        if (rc < 0)
            goto out;
    }
    if (sb.len <= INT_MAX)
        doc = htmlReadMemory(sb.buf, (int)sb.len, NULL, NULL, opts);
out:
    strbuf_release(&sb);
    return doc;
}

xmlNode *html_walk_skip(xmlNode *n, xmlNode *root)
{
    for (; n && n != root; n = n->parent)
        if (n->next)
            return n->next;
    return NULL;
}

xmlNode *html_walk_next(xmlNode *n, xmlNode *root)
{
    if (n->type == XML_ELEMENT_NODE && n->children)
        return n->children;
    return html_walk_skip(n, root);
}

int html_is(const xmlNode *n, const char *tag)
{
    return n->type == XML_ELEMENT_NODE && n->name && strcasecmp((const char *)n->name, tag) == 0;
}

const char *html_attr(const xmlNode *n, const char *name)
{
    xmlAttr *a = xmlHasProp(n, (const xmlChar *)name);
    if (!a)
        return NULL;
    if (!a->children)
        return "";
    if (a->children->type != XML_TEXT_NODE || !a->children->content)
        return NULL;
    return (const char *)a->children->content;
}

int html_attr_is(const xmlNode *n, const char *name, const char *want)
{
    const char *v = html_attr(n, name);
    return v && strcasecmp(v, want) == 0;
}

int html_attr_has_token(const xmlNode *n, const char *name, const char *tok)
{
    const char *v = html_attr(n, name);
    size_t tl = strlen(tok);
    while (v && *v) {
        v += strspn(v, " \t\r\n\f");
        size_t l = strcspn(v, " \t\r\n\f");
        if (l == tl && strncasecmp(v, tok, tl) == 0)
            return 1;
        v += l;
    }
    return 0;
}

size_t html_utf8_cut(const char *s, size_t n, size_t cap)
{
    if (n <= cap)
        return n;
    while (cap > 0 && ((unsigned char)s[cap] & 0xC0) == 0x80)
        cap--;
    return cap;
}

char *html_node_text(xmlNode *n, size_t cap)
{
    struct strbuf sb = STRBUF_INIT;
    /* A text of cap bytes is not worth more than a few nodes per byte: without this bound, a
     * page nesting many inputs in one <label> costs (inputs x label size). */
    size_t nodes = 0, budget = cap < HTML_WALK_MAX_NODES / 16 ? 64 + 16 * cap : HTML_WALK_MAX_NODES;
    int space = 0;
    xmlNode *c = n->type == XML_ELEMENT_NODE ? n->children : NULL;
    while (c && nodes++ < budget && sb.len <= cap) {
        if (html_is(c, "script") || html_is(c, "style")) {
            c = html_walk_skip(c, n);
            continue;
        }
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            for (const char *p = (const char *)c->content; *p && sb.len <= cap; p++) {
                if (strchr(" \t\r\n\f", *p)) {
                    space = sb.len > 0;
                    continue;
                }
                if ((space && strbuf_addch(&sb, ' ') < 0) || strbuf_addch(&sb, *p) < 0)
                    goto fail;
                space = 0;
            }
        }
        c = html_walk_next(c, n);
    }
    size_t len = html_utf8_cut(sb.buf, sb.len, cap);
    while (len && sb.buf[len - 1] == ' ')
        len--;
    if (sb.cap)
        sb.buf[len] = '\0';
    char *res = strbuf_detach(&sb, NULL);
    return res;
fail:
    strbuf_release(&sb);
    return NULL;
}

char *html_doc_base(xmlDoc *doc, const char *page_url)
{
    xmlNode *root = (xmlNode *)doc;
    size_t nodes = 0;
    for (xmlNode *n = doc ? doc->children : NULL; n && nodes++ < HTML_WALK_MAX_NODES;
         n = html_walk_next(n, root)) {
        const char *href = html_is(n, "base") ? html_attr(n, "href") : NULL;
        if (href) {
            char *b = url_resolve(page_url, href);
            if (b)
                return b;
            break;
        }
    }
    return page_url ? url_resolve(NULL, page_url) : NULL;
}
