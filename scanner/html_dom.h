/*
 * html_dom.h — safe access to untrusted HTML for the modules that read pages (html_form.c,
 * listing.c): one parse call (network off, errors silenced), an iterative bounded walk, and
 * attribute and text getters that never hand back more than asked for.
 *
 * html.c predates this and has its own copy of the parse call; to be folded.
 */
#ifndef COC_HTML_DOM_H
#define COC_HTML_DOM_H

#include <libxml/tree.h>
#include <stddef.h>

#define HTML_WALK_MAX_NODES 200000 /* every walk stops here: a hostile page cannot make it long */

/* Parse untrusted HTML; NULL if empty, over INT_MAX or unparseable. Caller frees (xmlFreeDoc). */
xmlDoc *html_doc_parse(const char *body, size_t len);
/* The node after n in document order within root's tree, descending only into elements,
 * without recursion (hostile nesting cannot exhaust the stack). NULL at the end. */
xmlNode *html_walk_next(xmlNode *n, xmlNode *root);
/* Like html_walk_next but skipping n's subtree. */
xmlNode *html_walk_skip(xmlNode *n, xmlNode *root);
/* Is n an element named tag (ASCII case-insensitive)? */
int html_is(const xmlNode *n, const char *tag);
/* Attribute value, borrowed from the tree (valid until xmlFreeDoc), or NULL if absent. */
const char *html_attr(const xmlNode *n, const char *name);
/* Is attribute name present and equal to want (ASCII case-insensitive)? */
int html_attr_is(const xmlNode *n, const char *name, const char *want);
/* Does attribute name hold the whitespace-separated token tok (ASCII case-insensitive)? */
int html_attr_has_token(const xmlNode *n, const char *name, const char *tok);
/* The length of s[0..n) cut to at most cap bytes without splitting a UTF-8 sequence. */
size_t html_utf8_cut(const char *s, size_t n, size_t cap);
/* The text under element n (script and style excluded), whitespace collapsed and trimmed, cut
 * at cap bytes on a UTF-8 boundary; at most 64 + 16 * cap nodes are visited. NULL on allocation
 * failure. Caller frees. */
char *html_node_text(xmlNode *n, size_t cap);
/* The URL relative links of doc resolve against: <base href> resolved against page_url, or
 * page_url itself. NULL when neither is an http(s) URL. Caller frees. */
char *html_doc_base(xmlDoc *doc, const char *page_url);

#endif
