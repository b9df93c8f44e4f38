/*
 * fuzz_listing.c — libFuzzer target for scanner/listing.c: directory-listing detection (HTML),
 * bucket-listing detection (XML, DTDs refused), document magic and every exposed-path matcher,
 * all on the same hostile body.
 *
 * Input: the raw response body, not NUL-terminated.
 * Invariants, any violation aborts:
 *   - an HTML listing is {"server": one of nginx|apache|iis|lighttpd|python|generic,
 *     "entries": n >= 0, "sample": at most LISTING_SAMPLE_MAX http(s) strings};
 *   - an XML listing is {"kind": "s3"|"azure", "keys" and "prefixes" >= 0, "truncated": bool,
 *     "sample": at most LISTING_SAMPLE_MAX strings, "bucket" a string when present};
 *   - doc_magic gives NULL or one of its names; every matcher answers 0 or 1;
 *   - everything serialises with json_dumps (valid UTF-8).
 *
 * Build: make build/fuzz/fuzz_listing
 * Run:   build/fuzz/fuzz_listing -max_total_time=60 /tmp/scratch_listing test/fuzz/corpus/listing
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "listing.h"

static int one_of(const char *s, const char *const *set)
{
    for (size_t i = 0; s && set[i]; i++)
        if (strcmp(s, set[i]) == 0)
            return 1;
    return 0;
}

static void check_sample(const json_t *sample, int urls)
{
    check(json_is_array(sample) && json_array_size(sample) <= LISTING_SAMPLE_MAX);
    for (size_t i = 0; i < json_array_size(sample); i++) {
        const char *s = json_string_value(json_array_get(sample, i));
        check(s != NULL);
        if (urls)
            check(strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0);
    }
}

static void check_count(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    check(json_is_integer(v) && json_integer_value(v) >= 0);
}

static void check_dumps(const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    check(s != NULL);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const servers[] = { "nginx",  "apache",  "iis", "lighttpd",
                                           "python", "generic", NULL };
    static const char *const kinds[] = { "s3", "azure", NULL };
    static const char *const magics[] = { "pdf", "png", "jpeg", "gif",   "tiff",
                                          "zip", "ole", "rtf",  "dicom", NULL };
    const char *body = (const char *)data;
    json_t *h = listing_detect_html(body, size, "https://portal.example.nz/docs/");
    if (h) {
        check(one_of(json_string_value(json_object_get(h, "server")), servers));
        check_count(h, "entries");
        check_sample(json_object_get(h, "sample"), 1);
        check_dumps(h);
        json_decref(h);
    }
    json_t *x = listing_detect_xml(body, size);
    if (x) {
        check(one_of(json_string_value(json_object_get(x, "kind")), kinds));
        check_count(x, "keys");
        check_count(x, "prefixes");
        check(json_is_boolean(json_object_get(x, "truncated")));
        check_sample(json_object_get(x, "sample"), 0);
        const json_t *b = json_object_get(x, "bucket");
        check(!b || json_is_string(b));
        check_dumps(x);
        json_decref(x);
    }
    const char *m = doc_magic(data, size);
    check(!m || one_of(m, magics));
    for (const struct exposed_path *p = exposed_paths; p->path; p++) {
        int r = p->match(data, size);
        check(r == 0 || r == 1);
    }
    return 0;
}
