/*
 * fuzz_permissions_policy.c — libFuzzer target for the framing and feature-policy parsers of
 * checks/headers_policy.c: permissions_policy_parse (a Structured Fields dictionary from a
 * server), xfo_effective and frame_ancestors_class (X-Frame-Options values and CSP source lists).
 *
 * Input: the raw header value, not NUL-terminated (ASan catches any read past its end).
 * Invariants, any violation aborts:
 *   - permissions_policy_parse returns an object with a boolean "valid" and an object "features"
 *     of arrays of strings; invalid: "error" is a non-empty string and "features" is empty;
 *   - the object serialises with json_dumps (every string is valid UTF-8);
 *   - xfo_effective on the input (as one value, and split at NUL bytes into several) returns one
 *     of its documented results; frame_ancestors_class on the input's space-separated words
 *     returns one of its four classes.
 *
 * Build: make build/fuzz/fuzz_permissions_policy
 * Run:   build/fuzz/fuzz_permissions_policy -max_total_time=60 /tmp/scratch_pp \
 *            test/fuzz/corpus/permissions_policy
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "headers.h"
#include "util.h"

static int one_of(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (s && strcmp(s, *set) == 0)
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *o = permissions_policy_parse((const char *)data, size);
    check(json_is_object(o));
    const json_t *valid = json_object_get(o, "valid"), *features = json_object_get(o, "features");
    check(json_is_boolean(valid) && json_is_object(features));
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)features, k, v) {
        size_t i;
        json_t *item;
        check(json_is_array(v));
        json_array_foreach(v, i, item)
            check(json_is_string(item));
    }
    if (!json_is_true(valid)) {
        const json_t *err = json_object_get(o, "error");
        check(json_is_string(err) && json_string_length(err) > 0);
        check(json_object_size(features) == 0);
    }
    char *s = json_dumps(o, JSON_COMPACT);
    check(s != NULL);
    free(s);
    json_decref(o);

    /* The same bytes as X-Frame-Options values (split at NUL) and as a source list. */
    json_t *vals = json_array(), *words = json_array();
    const char *p = (const char *)data, *end = p + size;
    while (p <= end) {
        const char *z = memchr(p, '\0', (size_t)(end - p));
        const char *e = z ? z : end;
        json_array_append_new(vals, json_string_lossy(p, (size_t)(e - p)));
        for (const char *w = p; w < e;) {
            const char *sp = memchr(w, ' ', (size_t)(e - w));
            const char *we = sp ? sp : e;
            if (we > w)
                json_array_append_new(words, json_string_lossy(w, (size_t)(we - w)));
            w = we + 1;
        }
        if (!z)
            break;
        p = z + 1;
    }
    static const char *const xfo[] = { "absent", "deny",     "sameorigin", "allowall",
                                       "conflict", "invalid", NULL };
    static const char *const fa[] = { "none", "self", "listed", "wildcard", NULL };
    json_t *tokens = json_array();
    check(one_of(xfo_effective(vals, tokens), xfo));
    check(json_array_size(tokens) <= size + 1);
    check(one_of(frame_ancestors_class(words), fa));
    json_decref(tokens);
    json_decref(vals);
    json_decref(words);
    return 0;
}
