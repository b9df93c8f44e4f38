/*
 * fuzz_hsts.c — libFuzzer target for hsts_parse (checks/headers.c), the parser of a server's
 * Strict-Transport-Security value.
 *
 * Input: the raw header value, not NUL-terminated (ASan catches any read past its end).
 * Invariants, any violation aborts:
 *   - the result is an object with a boolean "valid";
 *   - valid: "max_age" is an integer in [0, 999999999999999999] (the saturation cap),
 *     "include_subdomains" and "preload" are booleans, and there is no "error";
 *   - invalid: "error" is a non-empty string and there is no "max_age";
 *   - the object serialises with json_dumps (every string is valid UTF-8);
 *   - directive names are case-insensitive and nothing else is case-sensitive either, so the
 *     ASCII-upper-cased input gives an equal object.
 *
 * Build: make build/fuzz/fuzz_hsts
 * Run:   build/fuzz/fuzz_hsts -max_total_time=60 /tmp/scratch_hsts test/fuzz/corpus/hsts
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "headers.h"

#define MAX_AGE_CAP 999999999999999999LL


static void check_shape(const json_t *o)
{
    const json_t *valid = json_object_get(o, "valid");
    const json_t *age = json_object_get(o, "max_age");
    const json_t *err = json_object_get(o, "error");

    check(json_is_object(o));
    check(json_is_boolean(valid));
    if (json_is_true(valid)) {
        check(json_is_integer(age));
        check(json_integer_value(age) >= 0 && json_integer_value(age) <= MAX_AGE_CAP);
        check(json_is_boolean(json_object_get(o, "include_subdomains")));
        check(json_is_boolean(json_object_get(o, "preload")));
        check(err == NULL);
    } else {
        check(json_is_string(err) && json_string_length(err) > 0);
        check(age == NULL);
    }
    char *s = json_dumps(o, JSON_COMPACT);
    check(s != NULL);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *o = hsts_parse((const char *)data, size);

    check(o != NULL);
    check_shape(o);

    char *up = malloc(size ? size : 1);
    check(up != NULL);
    for (size_t i = 0; i < size; i++)
        up[i] = (char)toupper(data[i]);
    json_t *u = hsts_parse(up, size);
    check(u != NULL);
    check(json_equal(o, u));

    json_decref(u);
    free(up);
    json_decref(o);
    return 0;
}
