/*
 * test_listing.c — directory listings as nginx, Apache (table, pre and list layouts), IIS 10,
 * lighttpd and Python's http.server really write them are recognised, pages that merely say
 * "Index of" are not; S3/GCS and Azure bucket listings are counted, S3 errors and any DTD
 * (XXE, entity bombs) refused; document magic; every exposed-path matcher accepts its file's
 * real content and rejects the soft-404 pages servers answer with 200.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "listing.h"

#define PAGE "https://portal.example.nz/docs/"

static const char nginx[] =
    "<html>\r\n<head><title>Index of /docs/</title></head>\r\n<body>\r\n"
    "<h1>Index of /docs/</h1><hr><pre><a href=\"../\">../</a>\r\n"
    "<a href=\"letters/\">letters/</a>                                           "
    "05-Jan-2024 10:02                   -\r\n"
    "<a href=\"discharge-summary-0001.pdf\">discharge-summary-0001.pdf</a>                 "
    "05-Jan-2024 10:01              182734\r\n"
    "<a href=\"referral%20form.pdf\">referral form.pdf</a>                 "
    "05-Jan-2024 10:01               91734\r\n"
    "</pre><hr></body>\r\n</html>\r\n";

static const char apache_table[] =
    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<html>\n <head>\n"
    "  <title>Index of /docs</title>\n </head>\n <body>\n<h1>Index of /docs</h1>\n  <table>\n"
    "   <tr><th valign=\"top\"><img src=\"/icons/blank.gif\" alt=\"[ICO]\"></th>"
    "<th><a href=\"?C=N;O=D\">Name</a></th><th><a href=\"?C=M;O=A\">Last modified</a></th>"
    "<th><a href=\"?C=S;O=A\">Size</a></th><th><a href=\"?C=D;O=A\">Description</a></th></tr>\n"
    "   <tr><th colspan=\"5\"><hr></th></tr>\n"
    "<tr><td valign=\"top\"><img src=\"/icons/back.gif\" alt=\"[PARENTDIR]\"></td>"
    "<td><a href=\"/\">Parent Directory</a></td><td>&nbsp;</td><td align=\"right\">  - </td>"
    "<td>&nbsp;</td></tr>\n"
    "<tr><td valign=\"top\"><img src=\"/icons/layout.gif\" alt=\"[   ]\"></td>"
    "<td><a href=\"results-2023.pdf\">results-2023.pdf</a></td>"
    "<td align=\"right\">2024-01-05 10:01  </td><td align=\"right\">178K</td><td>&nbsp;</td>"
    "</tr>\n"
    "<tr><td valign=\"top\"><img src=\"/icons/folder.gif\" alt=\"[DIR]\"></td>"
    "<td><a href=\"scans/\">scans/</a></td><td align=\"right\">2024-01-05 10:03  </td>"
    "<td align=\"right\">  - </td><td>&nbsp;</td></tr>\n"
    "   <tr><th colspan=\"5\"><hr></th></tr>\n</table>\n"
    "<address>Apache/2.4.57 (Debian) Server at portal.example.nz Port 443</address>\n"
    "</body></html>\n";

static const char apache_pre[] =
    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<html>\n <head>\n"
    "  <title>Index of /docs</title>\n </head>\n <body>\n<h1>Index of /docs</h1>\n"
    "<pre><img src=\"/icons/blank.gif\" alt=\"Icon \"> <a href=\"?C=N;O=D\">Name</a>"
    "                    <a href=\"?C=M;O=A\">Last modified</a>      <a href=\"?C=S;O=A\">Size</a>"
    "  <a href=\"?C=D;O=A\">Description</a><hr><img src=\"/icons/back.gif\" alt=\"[PARENTDIR]\">"
    " <a href=\"/\">Parent Directory</a>                             -   \n"
    "<img src=\"/icons/layout.gif\" alt=\"[   ]\"> <a href=\"a.pdf\">a.pdf</a>"
    "                   2024-01-05 10:01  178K  \n<hr></pre>\n</body></html>\n";

static const char apache_ul[] =
    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<html>\n <head>\n"
    "  <title>Index of /docs</title>\n </head>\n <body>\n<h1>Index of /docs</h1>\n"
    "<ul><li><a href=\"/\"> Parent Directory</a></li>\n<li><a href=\"a.pdf\"> a.pdf</a></li>\n"
    "<li><a href=\"letters/\"> letters/</a></li>\n</ul>\n</body></html>\n";

static const char iis[] =
    "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\" />"
    "<title>portal.example.nz - /documents/</title></head><body>"
    "<H1>portal.example.nz - /documents/</H1><hr>\r\n\r\n"
    "<pre><A HREF=\"/\">[To Parent Directory]</A><br><br>"
    "  Friday, January 5, 2024 10:01 AM        &lt;dir&gt; "
    "<A HREF=\"/documents/archive/\">archive</A><br>"
    "  Friday, January 5, 2024 10:02 AM       182734 "
    "<A HREF=\"/documents/referral-0001.pdf\">referral-0001.pdf</A><br></pre><hr></body></html>";

static const char iis_root[] =
    "<html><head><title>portal.example.nz - /</title></head><body>"
    "<H1>portal.example.nz - /</H1><hr>\r\n\r\n<pre>"
    "   1/5/2024 10:01 AM        &lt;dir&gt; <A HREF=\"/documents/\">documents</A><br>"
    "</pre><hr></body></html>";

static const char lighttpd[] =
    "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"UTF-8\">\n<title>Index of /docs/</title>\n"
    "<style type=\"text/css\">a, a:active {text-decoration: none; color: blue;}</style>\n"
    "</head>\n<body>\n<h2>Index of /docs/</h2>\n<div class=\"list\">\n"
    "<table summary=\"Directory Listing\" cellpadding=\"0\" cellspacing=\"0\">\n"
    "<thead><tr><th class=\"n\">Name</th><th class=\"m\">Last Modified</th>"
    "<th class=\"s\">Size</th><th class=\"t\">Type</th></tr></thead>\n<tbody>\n"
    "<tr class=\"d\"><td class=\"n\"><a href=\"../\">..</a>/</td><td class=\"m\">&nbsp;</td>"
    "<td class=\"s\">- &nbsp;</td><td class=\"t\">Directory</td></tr>\n"
    "<tr><td class=\"n\"><a href=\"a.pdf\">a.pdf</a></td><td class=\"m\">2024-Jan-05 10:01:00"
    "</td><td class=\"s\">178.4K</td><td class=\"t\">application/pdf</td></tr>\n"
    "</tbody>\n</table>\n</div>\n<div class=\"foot\">lighttpd/1.4.69</div>\n</body>\n</html>\n";

static const char python[] =
    "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>Directory listing for /docs/</title>\n</head>\n<body>\n"
    "<h1>Directory listing for /docs/</h1>\n<hr>\n<ul>\n"
    "<li><a href=\"a.pdf\">a.pdf</a></li>\n<li><a href=\"letters/\">letters/</a></li>\n"
    "<li><a href=\"%C4%81.txt\">\xC4\x81.txt</a></li>\n</ul>\n<hr>\n</body>\n</html>\n";

static json_t *detect(const char *page, size_t len, const char *server, json_int_t entries)
{
    json_t *o = listing_detect_html(page, len, PAGE);
    if (!o)
        fail_msg("no %s listing recognised", server);
    assert_string_equal(json_string_value(json_object_get(o, "server")), server);
    assert_int_equal(json_integer_value(json_object_get(o, "entries")), entries);
    return o;
}

static void expect_sample(json_t *o, size_t i, const char *url)
{
    assert_string_equal(json_string_value(json_array_get(json_object_get(o, "sample"), i)), url);
}

static void test_html_nginx(void **state)
{
    (void)state;
    json_t *o = detect(nginx, sizeof nginx - 1, "nginx", 3);
    expect_sample(o, 0, PAGE "letters/");
    expect_sample(o, 1, PAGE "discharge-summary-0001.pdf");
    expect_sample(o, 2, PAGE "referral%20form.pdf");
    json_decref(o);
    /* an empty directory still lists "../": autoindex is on */
    const char *empty = "<html><head><title>Index of /x/</title></head><body><h1>Index of /x/"
                        "</h1><hr><pre><a href=\"../\">../</a>\n</pre><hr></body></html>";
    o = detect(empty, strlen(empty), "nginx", 0);
    assert_int_equal(json_array_size(json_object_get(o, "sample")), 0);
    json_decref(o);
}

static void test_html_apache(void **state)
{
    (void)state;
    json_t *o = detect(apache_table, sizeof apache_table - 1, "apache", 2);
    expect_sample(o, 0, PAGE "results-2023.pdf");
    expect_sample(o, 1, PAGE "scans/");
    json_decref(o);
    json_decref(detect(apache_pre, sizeof apache_pre - 1, "apache", 1));
    o = detect(apache_ul, sizeof apache_ul - 1, "apache", 2);
    expect_sample(o, 0, PAGE "a.pdf");
    json_decref(o);
}

static void test_html_iis_lighttpd_python(void **state)
{
    (void)state;
    json_t *o = detect(iis, sizeof iis - 1, "iis", 2);
    expect_sample(o, 1, "https://portal.example.nz/documents/referral-0001.pdf");
    json_decref(o);
    json_decref(detect(iis_root, sizeof iis_root - 1, "iis", 1));
    json_decref(detect(lighttpd, sizeof lighttpd - 1, "lighttpd", 1));
    o = detect(python, sizeof python - 1, "python", 3);
    expect_sample(o, 2, PAGE "%C4%81.txt");
    json_decref(o);
    const char *generic = "<html><head><title>Index of /files</title></head><body>"
                          "<h1>Index of /files</h1><table><tr><td><a href=\"x.pdf\">x.pdf</a>"
                          "</td></tr></table></body></html>";
    json_decref(detect(generic, strlen(generic), "generic", 1));
}

static void test_html_sample_cap_and_no_url(void **state)
{
    (void)state;
    char page[4096];
    size_t n = (size_t)snprintf(page, sizeof page,
                                "<title>Index of /d/</title><h1>Index of /d/"
                                "</h1><pre><a href=\"../\">../</a>\n");
    for (int i = 0; i < 12; i++)
        n += (size_t)snprintf(page + n, sizeof page - n, "<a href=\"f%d.pdf\">f%d.pdf</a>\n", i, i);
    n += (size_t)snprintf(page + n, sizeof page - n, "</pre>");
    json_t *o = detect(page, n, "nginx", 12);
    assert_int_equal(json_array_size(json_object_get(o, "sample")), LISTING_SAMPLE_MAX);
    json_decref(o);
    o = listing_detect_html(page, n, NULL);
    assert_non_null(o);
    assert_int_equal(json_array_size(json_object_get(o, "sample")), 0);
    json_decref(o);
}

static void test_html_not_listings(void **state)
{
    (void)state;
    const char *pages[] = {
        /* the words in a paragraph, links in the navigation */
        "<html><head><title>Patient resources</title></head><body><h1>Resources</h1>"
        "<p>See the Index of /docs/ for forms. Parent Directory of the site.</p>"
        "<ul><li><a href=\"/a\">A</a></li><li><a href=\"../\">Up</a></li></ul></body></html>",
        /* an index that is not a path */
        "<title>Index of medicines</title><h1>Index of medicines</h1>"
        "<ul><li><a href=\"/m/1\">Paracetamol</a></li></ul>",
        /* the heading but no listing links */
        "<title>Index of /docs/</title><h1>Index of /docs/</h1><p>Forbidden</p>",
        /* links outside any list, table or pre */
        "<title>Index of /docs/</title><h1>Index of /docs/</h1><p><a href=\"a.pdf\">a</a></p>",
        /* a soft 404 */
        "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1>"
        "</center><hr><center>nginx</center></body></html>",
        "",
    };
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        json_t *o = listing_detect_html(pages[i], strlen(pages[i]), PAGE);
        if (o)
            fail_msg("page %zu taken for a listing", i);
    }
    assert_null(listing_detect_html(NULL, 0, PAGE));
}

/* Nested footers and links that would make a naive walk quadratic come back promptly. */
static void test_html_hostile_shapes(void **state)
{
    (void)state;
    size_t cap = 2 << 20, n;
    char *p = malloc(cap);
    assert_non_null(p);
    const char *units[] = { "<div class=foot><address>", "<a href=x><b><i></i></b>" };
    for (size_t u = 0; u < 2; u++) {
        n = (size_t)snprintf(p, cap, "<title>Index of /</title><h1>Index of /</h1><pre>");
        for (size_t l = strlen(units[u]); n + l < cap; n += l)
            memcpy(p + n, units[u], l);
        json_decref(listing_detect_html(p, n, PAGE));
    }
    free(p);
}

/* ---- XML ---- */

static const char s3[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<Name>pho-patient-letters</Name><Prefix></Prefix><Marker></Marker><MaxKeys>1000</MaxKeys>"
    "<IsTruncated>true</IsTruncated>"
    "<Contents><Key>2023/discharge/NHI-ABC1234.pdf</Key>"
    "<LastModified>2023-11-02T03:14:07.000Z</LastModified>"
    "<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>182734</Size>"
    "<Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>"
    "<DisplayName>webfile</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents>"
    "<Contents><Key>2023/discharge/R&amp;D notes.docx</Key><Size>9</Size></Contents>"
    "<Contents><Key>index.html</Key><Size>1</Size></Contents>"
    "</ListBucketResult>";

static const char s3_v2_gcs[] =
    "<?xml version='1.0' encoding='UTF-8'?>"
    "<ListBucketResult xmlns='http://doc.s3.amazonaws.com/2006-03-01'><Name>scans</Name>"
    "<Prefix>2024/</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys>"
    "<IsTruncated>false</IsTruncated><Contents><Key>2024/a.pdf</Key></Contents>"
    "<CommonPrefixes><Prefix>2024/jan/</Prefix></CommonPrefixes>"
    "<CommonPrefixes><Prefix>2024/feb/</Prefix></CommonPrefixes></ListBucketResult>";

static const char azure[] =
    "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>"
    "<EnumerationResults ServiceEndpoint=\"https://phodocs.blob.core.windows.net/\" "
    "ContainerName=\"letters\"><Blobs><Blob><Name>2024/referral-0001.pdf</Name><Properties>"
    "<Creation-Time>Fri, 05 Jan 2024 10:01:00 GMT</Creation-Time>"
    "<Content-Length>182734</Content-Length><Content-Type>application/pdf</Content-Type>"
    "<BlobType>BlockBlob</BlobType></Properties><OrMetadata /></Blob>"
    "<BlobPrefix><Name>2023/</Name></BlobPrefix>"
    "<Blob><Name>2024/referral-0002.pdf</Name></Blob></Blobs>"
    "<NextMarker>2!80!MDAwMDE</NextMarker></EnumerationResults>";

static void test_xml_s3(void **state)
{
    (void)state;
    json_t *o = listing_detect_xml(s3, sizeof s3 - 1);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "s3");
    assert_string_equal(json_string_value(json_object_get(o, "bucket")), "pho-patient-letters");
    assert_int_equal(json_integer_value(json_object_get(o, "keys")), 3);
    assert_true(json_is_true(json_object_get(o, "truncated")));
    json_t *sample = json_object_get(o, "sample");
    assert_string_equal(json_string_value(json_array_get(sample, 0)),
                        "2023/discharge/NHI-ABC1234.pdf");
    assert_string_equal(json_string_value(json_array_get(sample, 1)),
                        "2023/discharge/R&D notes.docx");
    json_decref(o);

    o = listing_detect_xml(s3_v2_gcs, sizeof s3_v2_gcs - 1);
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "keys")), 1);
    assert_int_equal(json_integer_value(json_object_get(o, "prefixes")), 2);
    assert_true(json_is_false(json_object_get(o, "truncated")));
    json_decref(o);

    /* MinIO-style without a namespace; an empty bucket is still a listing */
    const char *bare = "<ListBucketResult><Name>b</Name></ListBucketResult>";
    o = listing_detect_xml(bare, strlen(bare));
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "keys")), 0);
    json_decref(o);

    /* cut short by the body cap: what arrived is still counted */
    o = listing_detect_xml(s3, (size_t)(strstr(s3, "<Contents><Key>2023/discharge/R") - s3));
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "keys")), 1);
    json_decref(o);
}

static void test_xml_azure(void **state)
{
    (void)state;
    json_t *o = listing_detect_xml(azure, sizeof azure - 1);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "azure");
    assert_string_equal(json_string_value(json_object_get(o, "bucket")), "letters");
    assert_int_equal(json_integer_value(json_object_get(o, "keys")), 2);
    assert_int_equal(json_integer_value(json_object_get(o, "prefixes")), 1);
    assert_true(json_is_true(json_object_get(o, "truncated")));
    assert_string_equal(json_string_value(json_array_get(json_object_get(o, "sample"), 1)),
                        "2024/referral-0002.pdf");
    json_decref(o);
}

static void test_xml_refused(void **state)
{
    (void)state;
    const char *docs[] = {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
        "<Message>Access Denied</Message><RequestId>X</RequestId><HostId>Y</HostId></Error>",
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
        "<ListBucketResult><Name>&e;</Name></ListBucketResult>",
        "<?xml version=\"1.0\"?><!doctype lolz [<!ENTITY a \"aaaaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
        "<ListBucketResult><Name>&c;</Name></ListBucketResult>",
        "<ListBucketResult xmlns=\"urn:something-else\"><Name>b</Name></ListBucketResult>",
        "<html><body>Index of /</body></html>",
        "not xml at all",
        "",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        if (listing_detect_xml(docs[i], strlen(docs[i])))
            fail_msg("document %zu taken for a listing", i);
    assert_null(listing_detect_xml(NULL, 0));

    /* a DOCTYPE hidden from a byte search by UTF-16 is refused after parsing */
    const char *x = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE a [<!ENTITY e "
                    "\"x\">]><ListBucketResult><Name>&e;</Name></ListBucketResult>";
    size_t n = strlen(x), m = 2;
    char *u16 = malloc(2 * n + 2);
    assert_non_null(u16);
    u16[0] = '\xFF';
    u16[1] = '\xFE';
    for (size_t i = 0; i < n; i++) {
        u16[m++] = x[i];
        u16[m++] = '\0';
    }
    assert_null(listing_detect_xml(u16, m));
    free(u16);
}

/* ---- signatures ---- */

#define B(s) (const unsigned char *)(s), sizeof(s) - 1

static void test_doc_magic(void **state)
{
    (void)state;
    assert_string_equal(doc_magic(B("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")), "pdf");
    assert_string_equal(doc_magic(B("\x89PNG\r\n\x1a\n\0\0\0\rIHDR")), "png");
    assert_string_equal(doc_magic(B("\xFF\xD8\xFF\xE0\0\x10JFIF")), "jpeg");
    assert_string_equal(doc_magic(B("GIF89a\x01\0")), "gif");
    assert_string_equal(doc_magic(B("II*\0\x08\0\0\0")), "tiff");
    assert_string_equal(doc_magic(B("MM\0*\0\0\0\x08")), "tiff");
    assert_string_equal(doc_magic(B("PK\3\4\x14\0\x06\0")), "zip");
    assert_string_equal(doc_magic(B("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0")), "ole");
    assert_string_equal(doc_magic(B("{\\rtf1\\ansi")), "rtf");
    unsigned char dicom[140] = { 0 };
    memcpy(dicom + 128, "DICM\x02\0", 6);
    assert_string_equal(doc_magic(dicom, sizeof dicom), "dicom");
    assert_null(doc_magic(dicom, 131));
    assert_null(doc_magic(B("<!DOCTYPE html><title>Not found</title>")));
    assert_null(doc_magic(B("%PD")));
    assert_null(doc_magic(B("")));
    assert_null(doc_magic(NULL, 10));
}

static int matches(const char *path, const unsigned char *b, size_t n)
{
    const struct exposed_path *p = exposed_path_find(path);
    if (!p)
        fail_msg("%s is not in the table", path);
    return p->match(b, n);
}

#define YES(path, s)                                                                               \
    do {                                                                                           \
        if (!matches(path, B(s)))                                                                  \
            fail_msg("%s: real content not recognised: %s", path, s);                              \
    } while (0)
#define NO(path, s)                                                                                \
    do {                                                                                           \
        if (matches(path, B(s)))                                                                   \
            fail_msg("%s: wrongly recognised: %s", path, s);                                       \
    } while (0)

static void test_exposed_real_content(void **state)
{
    (void)state;
    YES("/.git/HEAD", "ref: refs/heads/main\n");
    YES("/.git/HEAD", "e83c5163316f89bfbde7d9ab23ca2e25604af290\n");
    NO("/.git/HEAD", "e83c5163316f89bfbde7d9ab23ca2e25604af290\n<html>");
    NO("/.git/HEAD", "reference: none");
    YES("/.git/config", "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = "
                        "false\n[remote \"origin\"]\n\turl = git@github.com:pho/portal.git\n");
    YES("/.git/index", "DIRC\0\0\0\x02\0\0\0\x10");
    YES("/.env", "APP_NAME=Portal\nAPP_ENV=production\nAPP_KEY=base64:q1w2e3=\n\n"
                 "# database\nDB_CONNECTION=mysql\nDB_PASSWORD=\"s3cr3t\"\nMAIL_HOST=smtp\n");
    YES("/.env", "export DATABASE_URL=postgres://u:p@db/portal\r\n");
    NO("/.env", "Not Found\n");
    NO("/.env", "{\"error\": \"not found\"}");
    NO("/.env", "body{color:red}\n.a=b\n");
    NO("/.env", "COLOR=red\nThis is a readme\nwith prose\n");
    YES("/.DS_Store", "\0\0\0\1Bud1\0\0\x10\0\0\0\x08\0");
    YES("/server-status", "<html><head><title>Apache Status</title></head><body>"
                          "<h1>Apache Server Status for portal.example.nz (via 10.0.0.5)</h1>");
    YES("/server-status", "localhost\nServerVersion: Apache/2.4.57\nTotal Accesses: 1234\n"
                          "Total kBytes: 5678\nScoreboard: __W_K_....\n");
    YES("/server-status", "Active connections: 2 \nserver accepts handled requests\n 10 10 20 \n"
                          "Reading: 0 Writing: 1 Waiting: 1 \n");
    YES("/server-info", "<h1 style=\"text-align: center\">Apache Server Information</h1>");
    YES("/backup.zip", "PK\3\4\x14\0\0\0\x08\0");
    YES("/backup.tar.gz", "\x1F\x8B\x08\0\0\0\0\0\0\x03");
    YES("/db.sql", "-- MySQL dump 10.13  Distrib 8.0.35, for Linux (x86_64)\n--\n"
                   "-- Host: localhost    Database: portal\n");
    YES("/dump.sql", "--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 15\n");
    YES("/dump.sql", "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE patients(id);\n");
    YES("/db.sql", "\n\ninsert into patients values (1, 'x');\n");
    NO("/db.sql", "We create table layouts for you.\n");
    YES("/.svn/entries", "12\n");
    YES("/.svn/entries", "10\n\ndir\n1234\nhttps://svn.example/repo/trunk\n");
    NO("/.svn/entries", "1\n");
    NO("/.svn/entries", "12\nsome page text\n");
    YES("/.svn/wc.db", "SQLite format 3\0\x10\0");
    YES("/WEB-INF/web.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<web-app xmlns="
                            "\"http://xmlns.jcp.org/xml/ns/javaee\" version=\"4.0\">\n");
    YES("/web.config", "<?xml version=\"1.0\"?>\n<configuration>\n  <connectionStrings>\n");
    YES("/phpinfo.php", "<!DOCTYPE html><html><head><title>PHP 8.2.7 - phpinfo()</title></head>"
                        "<body><h1 class=\"p\">PHP Version 8.2.7</h1>");
    YES("/.htpasswd", "admin:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\n"
                      "bob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\ncarol:$2y$05$abc\n");
    YES("/.htpasswd", "dave:rl0Ab1cd2Ef3G\n");
    NO("/.htpasswd", "alice:secret\n");
    NO("/.htpasswd", "admin:$apr1$x$y\nthis is not a password file\n");
    YES("/elmah.axd", "<title>Error log for /LM/W3SVC/1/ROOT on WEB01 (Page #1)</title>"
                      "<p>Powered by <a href=\"https://elmah.github.io/\">ELMAH</a>");
    YES("/trace.axd", "<title>Application Trace</title><h1>Application Trace</h1>"
                      "<h2>Requests to this Application</h2>");
}

static void test_exposed_table_rejects_soft_404(void **state)
{
    (void)state;
    static const char soft404[] =
        "<!DOCTYPE html><html><head><title>Page not found - Patient Portal</title></head>"
        "<body><h1>Sorry, we couldn't find that page</h1><p>Return to <a href=\"/\">home</a>."
        "</p></body></html>";
    static const char login[] = "<html><body><form method=post action=/login><input name=user>"
                                "<input type=password name=password></form></body></html>";
    const char *required[] = {
        "/.git/HEAD",     "/.git/config", "/.env",         "/.DS_Store",
        "/server-status", "/server-info", "/backup.zip",   "/backup.tar.gz",
        "/db.sql",        "/dump.sql",    "/.svn/entries", "/WEB-INF/web.xml",
        "/phpinfo.php",   "/.htpasswd",   "/elmah.axd",    "/trace.axd",
    };
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        assert_non_null(exposed_path_find(required[i]));
    size_t rows = 0;
    for (const struct exposed_path *p = exposed_paths; p->path; p++, rows++) {
        assert_true(p->path[0] == '/');
        assert_non_null(p->kind);
        assert_non_null(p->what);
        assert_non_null(p->match);
        if (p->match(B(soft404)) || p->match(B(login)) || p->match(B("")) ||
            p->match(B("Not Found")))
            fail_msg("%s matches an error page", p->path);
    }
    assert_true(rows >= sizeof required / sizeof *required);
    assert_null(exposed_path_find("/nope"));
    assert_null(exposed_path_find(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_nginx),
        cmocka_unit_test(test_html_apache),
        cmocka_unit_test(test_html_iis_lighttpd_python),
        cmocka_unit_test(test_html_sample_cap_and_no_url),
        cmocka_unit_test(test_html_not_listings),
        cmocka_unit_test(test_html_hostile_shapes),
        cmocka_unit_test(test_xml_s3),
        cmocka_unit_test(test_xml_azure),
        cmocka_unit_test(test_xml_refused),
        cmocka_unit_test(test_doc_magic),
        cmocka_unit_test(test_exposed_real_content),
        cmocka_unit_test(test_exposed_table_rejects_soft_404),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
