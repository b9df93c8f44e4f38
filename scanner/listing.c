/*
 * listing.c — directory listings, bucket listings, document signatures and the real content of
 * well-known exposed files, recognised from untrusted response bodies.
 *
 * Recognition keys on structure a server generates, not on words a page could contain: a listing
 * needs its heading and its entry links, an exposed file its format (a git ref line, KEY=VALUE
 * lines, an archive's magic), so a soft-404 page answering 200 never counts.
 */
#include "listing.h"

#include <libxml/parser.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html_dom.h"
#include "url.h"
#include "util.h"

#define HEADING_MAX 512
#define KEY_MAX 1024          /* S3 keys are at most 1024 bytes */
#define SCAN_MAX (256 * 1024) /* how far into a body text signatures are looked for */
#define XML_CHILDREN_MAX 200000

/* ---- HTML directory listings ---- */

struct dir_scan {
    char *title, *heading, *base;
    int pre, lighttpd_table, lighttpd_foot, apache_address, sort_links, parent, iis_parent;
    int nginx_parent, in_container;
    size_t entries, links, footers;
    json_t *sample;
};

static int starts_ci(const char *s, const char *prefix)
{
    return s && strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Is n inside a <pre>, <table> or list, where a listing's links live? */
static int in_container(const xmlNode *n)
{
    for (int d = 0; n && d < 16; d++, n = n->parent)
        if (html_is(n, "pre") || html_is(n, "table") || html_is(n, "ul") || html_is(n, "ol"))
            return 1;
    return 0;
}

static void scan_link(struct dir_scan *s, xmlNode *a)
{
    const char *href = html_attr(a, "href");
    if (!href || !*href || href[0] == '#')
        return;
    /* the parent link comes first: reading the text of every link would let nested links
     * make the walk quadratic */
    char *text = s->links++ < 64 ? html_node_text(a, 64) : NULL;
    const char *t = text ? text : "";
    if (href[0] == '?') {
        s->sort_links += starts_ci(href, "?C=");
    } else if (strcasecmp(t, "Parent Directory") == 0 || strcmp(t, "[To Parent Directory]") == 0 ||
               strcmp(href, "../") == 0 || strcmp(href, "..") == 0) {
        s->parent = 1;
        s->iis_parent |= strcmp(t, "[To Parent Directory]") == 0;
        s->nginx_parent |= strcmp(href, "../") == 0 && strcmp(t, "../") == 0;
        s->in_container |= in_container(a);
    } else if (!starts_ci(href, "javascript:") && !starts_ci(href, "mailto:")) {
        s->entries++;
        s->in_container |= in_container(a);
        int room = s->base && json_array_size(s->sample) < LISTING_SAMPLE_MAX;
        char *u = room ? url_resolve(s->base, href) : NULL;
        if (u)
            json_array_append_new(s->sample, json_string_lossy(u, strlen(u)));
        free(u);
    }
    free(text);
}

static void dir_walk(struct dir_scan *s, xmlDoc *doc)
{
    xmlNode *root = (xmlNode *)doc;
    size_t nodes = 0;
    for (xmlNode *n = doc->children; n && nodes++ < HTML_WALK_MAX_NODES;
         n = html_walk_next(n, root)) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (html_is(n, "title") && !s->title)
            s->title = html_node_text(n, HEADING_MAX);
        else if ((html_is(n, "h1") || html_is(n, "h2")) && !s->heading)
            s->heading = html_node_text(n, HEADING_MAX);
        else if (html_is(n, "pre"))
            s->pre = 1;
        else if (html_is(n, "table") && html_attr_is(n, "summary", "Directory Listing"))
            s->lighttpd_table = 1;
        else if (html_is(n, "a"))
            scan_link(s, n);
        else if ((html_is(n, "address") ||
                  (html_is(n, "div") && html_attr_is(n, "class", "foot"))) &&
                 s->footers++ < 8) {
            char *t = html_node_text(n, HEADING_MAX);
            s->apache_address |= t && strstr(t, "Apache") != NULL;
            s->lighttpd_foot |= t && strstr(t, "lighttpd") != NULL;
            free(t);
        }
    }
}

/* "host - /path/" in both title and heading, as IIS writes them. */
static int iis_heading(const struct dir_scan *s)
{
    return s->title && s->heading && strcmp(s->title, s->heading) == 0 &&
           strstr(s->title, " - /") != NULL;
}

static const char *dir_server(const struct dir_scan *s)
{
    int index_of = starts_ci(s->title, "Index of /") || starts_ci(s->heading, "Index of /");
    int python = starts_ci(s->title, "Directory listing for /") ||
                 starts_ci(s->heading, "Directory listing for /");
    int iis = s->iis_parent || (iis_heading(s) && s->pre);
    if (!(s->entries || s->parent) || !s->in_container)
        return NULL;
    if (python)
        return "python";
    if (iis)
        return "iis";
    if (!index_of)
        return NULL;
    if (s->lighttpd_table || s->lighttpd_foot)
        return "lighttpd";
    if (s->sort_links || s->apache_address || (s->parent && !s->nginx_parent))
        return "apache";
    if (s->pre && s->nginx_parent && starts_ci(s->heading, "Index of /"))
        return "nginx";
    return "generic";
}

json_t *listing_detect_html(const char *body, size_t len, const char *page_url)
{
    struct dir_scan s = { 0 };
    json_t *res = NULL;
    xmlDoc *doc = html_doc_parse(body, len);
    if (!doc || !(s.sample = json_array()))
        goto out;
    s.base = page_url ? html_doc_base(doc, page_url) : NULL;
    dir_walk(&s, doc);
    const char *server = dir_server(&s);
    if (server) {
        res = json_pack("{s:s, s:I, s:O}", "server", server, "entries", (json_int_t)s.entries,
                        "sample", s.sample);
    }
out:
    free(s.title);
    free(s.heading);
    free(s.base);
    json_decref(s.sample);
    xmlFreeDoc(doc);
    return res;
}

/* ---- object-store XML listings ---- */

static const char *const s3_namespaces[] = { "http://s3.amazonaws.com/doc/2006-03-01/",
                                             "http://doc.s3.amazonaws.com/2006-03-01", NULL };

/* Case-insensitive search for needle in b[0..n). */
static const unsigned char *find_ci_all(const unsigned char *b, size_t n, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = 0; nl && i + nl <= n; i++)
        if (strncasecmp((const char *)b + i, needle, nl) == 0)
            return b + i;
    return NULL;
}

/* The same in the first SCAN_MAX bytes, where a signature would be. */
static const unsigned char *find_ci(const unsigned char *b, size_t n, const char *needle)
{
    return find_ci_all(b, n > SCAN_MAX ? SCAN_MAX : n, needle);
}

static int xml_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The direct text of element n (entity references are not followed), cut at KEY_MAX. */
static json_t *xml_text(const xmlNode *n)
{
    char buf[KEY_MAX];
    size_t len = 0;
    for (const xmlNode *c = n->children; c && len < sizeof buf; c = c->next) {
        if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content)
            continue;
        size_t l = strnlen((const char *)c->content, sizeof buf - len);
        memcpy(buf + len, c->content, l);
        len += l;
    }
    return json_string_lossy(buf, html_utf8_cut(buf, len, sizeof buf));
}

static const xmlNode *xml_child(const xmlNode *n, const char *name)
{
    size_t count = 0;
    for (const xmlNode *c = n->children; c && count++ < XML_CHILDREN_MAX; c = c->next)
        if (xml_is(c, name))
            return c;
    return NULL;
}

struct bucket {
    size_t keys, prefixes;
    int truncated;
    json_t *bucket, *sample;
};

/* Count entries named entry (key in child key_name) and prefix under list. */
static void count_entries(struct bucket *b, const xmlNode *list, const char *entry,
                          const char *key_name, const char *prefix)
{
    size_t count = 0;
    for (const xmlNode *c = list->children; c && count++ < XML_CHILDREN_MAX; c = c->next) {
        if (xml_is(c, prefix)) {
            b->prefixes++;
        } else if (xml_is(c, entry)) {
            b->keys++;
            const xmlNode *k = xml_child(c, key_name);
            if (k && json_array_size(b->sample) < LISTING_SAMPLE_MAX)
                json_array_append_new(b->sample, xml_text(k));
        }
    }
}

static int s3_root(const xmlNode *root)
{
    if (!xml_is(root, "ListBucketResult"))
        return 0;
    if (!root->ns || !root->ns->href)
        return 1;
    for (size_t i = 0; s3_namespaces[i]; i++)
        if (strcmp((const char *)root->ns->href, s3_namespaces[i]) == 0)
            return 1;
    return 0;
}

/* Fill b from an S3 or Azure listing root; the kind, or NULL when root is neither. */
static const char *bucket_read(struct bucket *b, const xmlNode *root)
{
    const xmlNode *n;
    if (s3_root(root)) {
        if ((n = xml_child(root, "Name")))
            b->bucket = xml_text(n);
        count_entries(b, root, "Contents", "Key", "CommonPrefixes");
        n = xml_child(root, "IsTruncated");
        json_t *t = n ? xml_text(n) : NULL;
        b->truncated = t && strcmp(json_string_value(t), "true") == 0;
        json_decref(t);
        return "s3";
    }
    if (!xml_is(root, "EnumerationResults"))
        return NULL;
    xmlChar *cn = xmlGetNoNsProp(root, (const xmlChar *)"ContainerName");
    if (cn)
        b->bucket = json_string_lossy((const char *)cn, strnlen((const char *)cn, KEY_MAX));
    else if ((n = xml_child(root, "ContainerName")))
        b->bucket = xml_text(n);
    xmlFree(cn);
    if ((n = xml_child(root, "Blobs")))
        count_entries(b, n, "Blob", "Name", "BlobPrefix");
    n = xml_child(root, "NextMarker");
    b->truncated = n && n->children;
    return "azure";
}

json_t *listing_detect_xml(const char *body, size_t len)
{
    const unsigned char *b = (const unsigned char *)body;
    if (!body || len == 0 || len > INT_MAX || find_ci_all(b, len, "<!DOCTYPE") ||
        find_ci_all(b, len, "<!ENTITY"))
        return NULL; /* no listing carries a DTD; refusing one rules out entity tricks */
    struct bucket bk = { 0, 0, 0, NULL, json_array() };
    json_t *res = NULL;
    xmlDoc *doc = xmlReadMemory(body, (int)len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                    XML_PARSE_RECOVER);
    if (!doc || doc->intSubset || doc->extSubset || !bk.sample)
        goto out;
    xmlNode *root = xmlDocGetRootElement(doc);
    const char *kind = root ? bucket_read(&bk, root) : NULL;
    if (!kind)
        goto out;
    res = json_pack("{s:s, s:I, s:I, s:b, s:O}", "kind", kind, "keys", (json_int_t)bk.keys,
                    "prefixes", (json_int_t)bk.prefixes, "truncated", bk.truncated, "sample",
                    bk.sample);
    if (res && bk.bucket)
        json_object_set(res, "bucket", bk.bucket);
out:
    json_decref(bk.bucket);
    json_decref(bk.sample);
    xmlFreeDoc(doc);
    return res;
}

/* ---- content signatures ---- */

static int starts(const unsigned char *b, size_t n, const char *lit, size_t ln)
{
    return n >= ln && memcmp(b, lit, ln) == 0;
}

#define STARTS(b, n, lit) starts((b), (n), (lit), sizeof(lit) - 1)

const char *doc_magic(const unsigned char *b, size_t n)
{
    if (!b)
        return NULL;
    if (n >= 132 && memcmp(b + 128, "DICM", 4) == 0)
        return "dicom";
    if (STARTS(b, n, "%PDF-"))
        return "pdf";
    if (STARTS(b, n, "\x89PNG\r\n\x1a\n"))
        return "png";
    if (STARTS(b, n, "\xFF\xD8\xFF"))
        return "jpeg";
    if (STARTS(b, n, "GIF87a") || STARTS(b, n, "GIF89a"))
        return "gif";
    if (STARTS(b, n, "II*\0") || STARTS(b, n, "MM\0*"))
        return "tiff";
    if (STARTS(b, n, "PK\3\4") || STARTS(b, n, "PK\5\6"))
        return "zip";
    if (STARTS(b, n, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
        return "ole";
    if (STARTS(b, n, "{\\rtf"))
        return "rtf";
    return NULL;
}

/* An HTML page (error pages, soft 404s, login redirects) — never a secrets file. */
static int looks_html(const unsigned char *b, size_t n)
{
    size_t i = 0;
    while (i < n && i < 512 && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    size_t head = n > 1024 ? 1024 : n;
    return (i < n && b[i] == '<' && !STARTS(b + i, n - i, "<?xml")) || find_ci(b, head, "<html") ||
           find_ci(b, head, "<body");
}

/* The next line of b from *pos (without its end), 0 at the end. */
static int next_line(const unsigned char *b, size_t n, size_t *pos, const char **line, size_t *len)
{
    if (*pos >= n)
        return 0;
    const unsigned char *s = b + *pos, *nl = memchr(s, '\n', n - *pos);
    size_t l = nl ? (size_t)(nl - s) : n - *pos;
    *pos += l + (nl != NULL);
    while (l && (s[l - 1] == '\r' || s[l - 1] == ' ' || s[l - 1] == '\t'))
        l--;
    *line = (const char *)s;
    *len = l;
    return 1;
}

static int all_of(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!s[i] || !strchr(set, s[i]))
            return 0;
    return n > 0;
}

static int blank_from(const unsigned char *b, size_t n, size_t pos)
{
    for (; pos < n; pos++)
        if (b[pos] != '\n' && b[pos] != '\r' && b[pos] != ' ' && b[pos] != '\t')
            return 0;
    return 1;
}

/* Does s[0..n) contain needle, ASCII case-insensitively? */
static int span_has_ci(const char *s, size_t n, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = 0; i + nl <= n; i++)
        if (strncasecmp(s + i, needle, nl) == 0)
            return 1;
    return 0;
}

#define HEX "0123456789abcdef"
#define KEYCH "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_."

static int match_git_head(const unsigned char *b, size_t n)
{
    size_t pos = 0, l;
    const char *line;
    if (STARTS(b, n, "ref: refs/"))
        return 1;
    /* a detached HEAD: one object name (SHA-1 or SHA-256) and nothing else */
    return next_line(b, n, &pos, &line, &l) && (l == 40 || l == 64) && all_of(line, l, HEX) &&
           blank_from(b, n, pos);
}

static int match_git_config(const unsigned char *b, size_t n)
{
    return !looks_html(b, n) && find_ci(b, n, "[core]") && find_ci(b, n, "repositoryformatversion");
}

static int match_env(const unsigned char *b, size_t n)
{
    static const char *const typical[] = { "APP_",   "DB_",      "DATABASE", "SECRET", "PASSWORD",
                                           "PASSWD", "TOKEN",    "API_KEY",  "APIKEY", "AWS_",
                                           "MAIL_",  "SMTP",     "REDIS",    "MONGO",  "POSTGRES",
                                           "MYSQL",  "NODE_ENV", "_KEY",     "_HOST",  "_URL" };
    size_t pos = 0, l, kv = 0, other = 0, known = 0;
    const char *line;
    if (looks_html(b, n))
        return 0;
    for (int i = 0; i < 500 && next_line(b, n, &pos, &line, &l); i++) {
        while (l && (*line == ' ' || *line == '\t')) {
            line++;
            l--;
        }
        if (l == 0 || line[0] == '#')
            continue;
        if (l > 7 && strncmp(line, "export ", 7) == 0) {
            line += 7;
            l -= 7;
        }
        size_t k = 0;
        while (k < l && line[k] && strchr(KEYCH, line[k]))
            k++;
        if (k == 0 || k == l || line[k] != '=' || (line[0] >= '0' && line[0] <= '9')) {
            other++;
            continue;
        }
        kv++;
        for (size_t t = 0; t < sizeof typical / sizeof *typical && !known; t++)
            known = span_has_ci(line, k, typical[t]);
    }
    return kv > 0 && known && other <= kv;
}

static int match_ds_store(const unsigned char *b, size_t n)
{
    return STARTS(b, n, "\0\0\0\1Bud1");
}

static int match_server_status(const unsigned char *b, size_t n)
{
    return find_ci(b, n, "Apache Server Status for") ||
           (find_ci(b, n, "Total Accesses:") && find_ci(b, n, "Scoreboard:")) ||
           (STARTS(b, n, "Active connections:") && find_ci(b, n, "server accepts handled"));
}

static int match_server_info(const unsigned char *b, size_t n)
{
    return find_ci(b, n, "Apache Server Information") ||
           (find_ci(b, n, "Server Settings") && find_ci(b, n, "Module Name:"));
}

static int match_zip(const unsigned char *b, size_t n)
{
    return STARTS(b, n, "PK\3\4") || STARTS(b, n, "PK\5\6");
}

static int match_gzip(const unsigned char *b, size_t n)
{
    return STARTS(b, n, "\x1F\x8B\x08");
}

static int match_sql(const unsigned char *b, size_t n)
{
    static const char *const headers[] = { "-- MySQL dump", "-- MariaDB dump",
                                           "-- PostgreSQL database dump", "-- phpMyAdmin SQL Dump",
                                           "PRAGMA foreign_keys" };
    static const char *const stmts[] = { "CREATE TABLE", "INSERT INTO", "DROP TABLE", "LOCK TABLES",
                                         "CREATE DATABASE" };
    size_t pos = 0, l;
    const char *line;
    if (looks_html(b, n))
        return 0;
    for (size_t i = 0; i < sizeof headers / sizeof *headers; i++)
        if (find_ci(b, n > 4096 ? 4096 : n, headers[i]))
            return 1;
    for (int i = 0; i < 2000 && pos < SCAN_MAX && next_line(b, n, &pos, &line, &l); i++)
        for (size_t s = 0; s < sizeof stmts / sizeof *stmts; s++)
            if (l >= strlen(stmts[s]) && strncasecmp(line, stmts[s], strlen(stmts[s])) == 0)
                return 1;
    return 0;
}

static int match_svn_entries(const unsigned char *b, size_t n)
{
    size_t pos = 0, l;
    const char *line;
    if (!next_line(b, n, &pos, &line, &l) || l == 0 || l > 2 || !all_of(line, l, "0123456789"))
        return 0;
    int format = l == 1 ? line[0] - '0' : (line[0] - '0') * 10 + line[1] - '0';
    if (format < 4 || format > 12)
        return 0;
    /* "12\n" alone (SVN 1.7+), or the old format's entries naming the directory itself */
    return blank_from(b, n, pos) || find_ci(b, n > 512 ? 512 : n, "\ndir\n") != NULL;
}

static int match_web_xml(const unsigned char *b, size_t n)
{
    return !find_ci(b, n > 1024 ? 1024 : n, "<html") && find_ci(b, n, "<web-app");
}

static int match_phpinfo(const unsigned char *b, size_t n)
{
    return find_ci(b, n, "phpinfo()") && find_ci(b, n, "PHP Version");
}

/* user:hash lines, every one of them, with a hash format htpasswd writes. */
static int match_htpasswd(const unsigned char *b, size_t n)
{
    static const char *const schemes[] = { "$apr1$", "$2y$", "$2a$", "$2b$",
                                           "{SHA}",  "$5$",  "$6$",  "$1$" };
    size_t pos = 0, l, good = 0;
    const char *line;
    if (looks_html(b, n))
        return 0;
    for (int i = 0; i < 1000 && next_line(b, n, &pos, &line, &l); i++) {
        if (l == 0)
            continue;
        const char *colon = memchr(line, ':', l);
        if (!colon || colon == line || memchr(line, ' ', l) || memchr(line, '<', l))
            return 0;
        const char *h = colon + 1;
        size_t hl = l - (size_t)(h - line), ok = hl == 13 && all_of(h, hl, KEYCH "/");
        for (size_t s = 0; s < sizeof schemes / sizeof *schemes && !ok; s++)
            ok = hl > strlen(schemes[s]) && strncmp(h, schemes[s], strlen(schemes[s])) == 0;
        if (!ok)
            return 0;
        good++;
    }
    return good > 0;
}

static int match_elmah(const unsigned char *b, size_t n)
{
    return find_ci(b, n, "ELMAH") && find_ci(b, n, "Error log for");
}

static int match_trace_axd(const unsigned char *b, size_t n)
{
    return find_ci(b, n, "Application Trace") &&
           (find_ci(b, n, "Requests to this Application") || find_ci(b, n, "trace.axd?id="));
}

static int match_git_index(const unsigned char *b, size_t n)
{
    return STARTS(b, n, "DIRC\0\0\0");
}

static int match_sqlite(const unsigned char *b, size_t n)
{
    return STARTS(b, n, "SQLite format 3\0");
}

static int match_web_config(const unsigned char *b, size_t n)
{
    return !looks_html(b, n) && find_ci(b, n, "<configuration") &&
           (find_ci(b, n, "<system.web") || find_ci(b, n, "<appSettings") ||
            find_ci(b, n, "<connectionStrings"));
}

const struct exposed_path exposed_paths[] = {
    { "/.git/HEAD", "git", "Git repository metadata (HEAD)", match_git_head },
    { "/.git/config", "git", "Git repository configuration", match_git_config },
    { "/.git/index", "git", "Git index listing every tracked file", match_git_index },
    { "/.env", "env", "environment file (application secrets)", match_env },
    { "/.DS_Store", "ds_store", "macOS folder metadata naming the files", match_ds_store },
    { "/server-status", "server_status", "web server status page (live requests)",
      match_server_status },
    { "/server-info", "server_info", "Apache mod_info configuration page", match_server_info },
    { "/backup.zip", "backup", "ZIP backup archive", match_zip },
    { "/backup.tar.gz", "backup", "gzip backup archive", match_gzip },
    { "/db.sql", "sql_dump", "SQL database dump", match_sql },
    { "/dump.sql", "sql_dump", "SQL database dump", match_sql },
    { "/backup.sql", "sql_dump", "SQL database dump", match_sql },
    { "/.svn/entries", "svn", "Subversion working copy metadata", match_svn_entries },
    { "/.svn/wc.db", "svn", "Subversion working copy database", match_sqlite },
    { "/WEB-INF/web.xml", "java_config", "Java web application descriptor", match_web_xml },
    { "/web.config", "iis_config", "IIS/ASP.NET configuration", match_web_config },
    { "/phpinfo.php", "phpinfo", "phpinfo() page (configuration and environment)", match_phpinfo },
    { "/.htpasswd", "htpasswd", "HTTP password hashes", match_htpasswd },
    { "/elmah.axd", "error_log", "ELMAH error log (stack traces, request data)", match_elmah },
    { "/trace.axd", "trace", "ASP.NET request trace (headers, cookies, form data)",
      match_trace_axd },
    { NULL, NULL, NULL, NULL },
};

const struct exposed_path *exposed_path_find(const char *path)
{
    for (const struct exposed_path *p = exposed_paths; path && p->path; p++)
        if (strcmp(p->path, path) == 0)
            return p;
    return NULL;
}
