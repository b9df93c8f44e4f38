/*
 * fuzz_oidc.c — libFuzzer target for oidc_discovery_parse and oidc_response_type_flags
 * (checks/oidc.c), the readers of a server's OpenID Connect discovery document.
 *
 * Input: the raw document body, not NUL-terminated (ASan catches any read past its end).
 * Invariants, any violation aborts:
 *   - on success, "issuer" is a string of at most OIDC_ISSUER_MAX bytes and
 *     response_types_supported a list; every list present has at most OIDC_LIST_MAX strings,
 *     each at most OIDC_VALUE_MAX bytes;
 *   - on failure the error message is not empty;
 *   - the facts serialise with json_dumps (every string is valid UTF-8);
 *   - the flags of every response type are within the OIDC_RT_* bits.
 *
 * Build: make build/fuzz/fuzz_oidc
 * Run:   build/fuzz/fuzz_oidc -max_total_time=60 /tmp/scratch_oidc test/fuzz/corpus/oidc
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "oidc.h"

static const char *const lists[] = {
    "response_types_supported", "grant_types_supported", "code_challenge_methods_supported",
    "token_endpoint_auth_methods_supported",
};

static void check_list(const json_t *l)
{
    size_t i;
    const json_t *v;
    check(json_is_array(l));
    check(json_array_size(l) <= OIDC_LIST_MAX);
    json_array_foreach(l, i, v) {
        check(json_is_string(v));
        check(json_string_length(v) <= OIDC_VALUE_MAX);
        unsigned f = oidc_response_type_flags(json_string_value(v));
        check((f & ~31u) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *out = json_object();
    struct coc_error e = { "" };
    check(out != NULL);
    if (oidc_discovery_parse((const char *)data, size, out, &e) == 0) {
        const json_t *iss = json_object_get(out, "issuer");
        check(json_is_string(iss) && json_string_length(iss) <= OIDC_ISSUER_MAX);
        check(json_is_array(json_object_get(out, "response_types_supported")));
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
            const json_t *l = json_object_get(out, lists[i]);
            if (l)
                check_list(l);
        }
    } else {
        check(e.msg[0] != '\0');
    }
    char *s = json_dumps(out, JSON_COMPACT);
    check(s != NULL);
    free(s);
    json_decref(out);
    return 0;
}
