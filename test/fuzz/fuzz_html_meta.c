/*
 * fuzz_html_meta.c — libFuzzer target for html_meta_extract (scanner/html.c), which reads the
 * <meta> CSP and referrer policies out of a server's HTML with libxml2's HTML parser.
 *
 * Input: the raw page bytes, not NUL-terminated.
 * Invariants, any violation aborts:
 *   - the result is an object with arrays "csp" and "referrer" of strings, at most
 *     HTML_META_MAX each, none longer than 8192 bytes;
 *   - "csp_outside_head", when present, is a non-empty list like "csp" (CSP metas outside <head>);
 *   - the object serialises with json_dumps (every string is valid UTF-8).
 *
 * Build: make build/fuzz/fuzz_html_meta
 * Run:   build/fuzz/fuzz_html_meta -max_total_time=60 /tmp/scratch_html test/fuzz/corpus/html_meta
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "html.h"

static void check_list(const json_t *list)
{
    size_t i;
    json_t *v;
    check(json_is_array(list));
    check(json_array_size(list) <= HTML_META_MAX);
    json_array_foreach(list, i, v) {
        check(json_is_string(v));
        check(json_string_length(v) <= 8192);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *o = html_meta_extract((const char *)data, size);
    check(json_is_object(o));
    check_list(json_object_get(o, "csp"));
    check_list(json_object_get(o, "referrer"));
    const json_t *outside = json_object_get(o, "csp_outside_head");
    if (outside) {
        check_list(outside);
        check(json_array_size(outside) > 0);
    }
    char *s = json_dumps(o, JSON_COMPACT);
    check(s != NULL);
    free(s);
    json_decref(o);
    return 0;
}
