/* html.c — reading <meta> policies out of untrusted HTML with libxml2's HTML parser. */
#include "html.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "html_dom.h"
#include "util.h"

#define META_VALUE_CAP 8192
#define WALK_MAX_NODES 200000 /* a hostile page cannot make the walk unbounded */

struct meta_walk {
    json_t *csp, *referrer;
    json_t *csp_outside_head; /* browsers ignore these; kept as evidence */
    size_t nodes;
};

static int attr_is(xmlNode *n, const char *name, const char *want)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    int is = v && strcasecmp((const char *)v, want) == 0;
    xmlFree(v);
    return is;
}

/* Append n's content attribute to list; 1 if something was added. */
static int add_content(json_t *list, xmlNode *n)
{
    if (json_array_size(list) >= HTML_META_MAX)
        return 0;
    xmlChar *c = xmlGetProp(n, (const xmlChar *)"content");
    if (!c)
        return 0;
    size_t len = strlen((const char *)c);
    json_array_append_new(list, json_string_lossy((const char *)c,
                                                  len > META_VALUE_CAP ? META_VALUE_CAP : len));
    xmlFree(c);
    return 1;
}

static void walk(struct meta_walk *w, xmlNode *n, int in_head)
{
    for (; n && w->nodes < WALK_MAX_NODES; n = n->next) {
        w->nodes++;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *tag = (const char *)n->name;
        if (strcasecmp(tag, "meta") == 0) {
            if (attr_is(n, "http-equiv", "content-security-policy")) {
                add_content(in_head ? w->csp : w->csp_outside_head, n);
            } else if (attr_is(n, "name", "referrer")) {
                add_content(w->referrer, n);
            }
        }
        walk(w, n->children, in_head || strcasecmp(tag, "head") == 0);
    }
}

json_t *html_meta_extract(const char *body, size_t len)
{
    struct meta_walk w = { json_array(), json_array(), json_array(), 0 };
    xmlDoc *doc = html_doc_parse(body, len);
    if (doc) {
        walk(&w, xmlDocGetRootElement(doc), 0);
        xmlFreeDoc(doc);
    }
    json_t *o = json_pack("{s:o, s:o}", "csp", w.csp, "referrer", w.referrer);
    if (json_array_size(w.csp_outside_head))
        json_object_set_new(o, "csp_outside_head", w.csp_outside_head);
    else
        json_decref(w.csp_outside_head);
    return o;
}
