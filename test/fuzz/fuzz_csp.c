/*
 * fuzz_csp.c — libFuzzer target for checks/csp*.c: csp_parse, csp_analyse (the browser reading and
 * the Observatory re-implementation), csp_to_json / csp_analysis_from_json and csp_judge.
 *
 * Input: byte 0, bit 0: the page came over https. The rest is split at '\n' into values; the
 * first byte of each picks its origin (value % 3: header, report-only header, <meta>) and the
 * other bytes are the value, not NUL-terminated (ASan catches any read past its end).
 * Invariants, any violation aborts:
 *   - csp_parse returns 0 or 1 (1 only once the set is truncated); csp_analyse returns 0;
 *   - the Observatory result is in range and its pass flag is the result's;
 *   - a view's flags agree with each other (unrestricted scripts allow inline and eval, an
 *     object-src 'none' is no wildcard, a view of no policy has no flag set);
 *   - csp_to_json gives an object that serialises (valid UTF-8) and reads back, also through
 *     text, into the very same analysis;
 *   - csp_judge gives pass/fail/warn/error with a non-empty evidence string, "error" when
 *     truncated, "pass" when nothing is required, the same through csp_judge_json;
 *   - directive names, keywords, schemes and hosts are case-insensitive and everything judged
 *     is read through them, so the ASCII-upper-cased input gives the same analysis (bar the
 *     quoted examples).
 *
 * Build: make build/fuzz/fuzz_csp
 * Run:   build/fuzz/fuzz_csp -max_total_time=60 /tmp/scratch_csp test/fuzz/corpus/csp
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "csp.h"
#include "fuzz_common.h"

static void analyse(const uint8_t *data, size_t size, bool upper, struct csp_set **out,
                    struct csp_analysis *a)
{
    struct csp_set *s = csp_set_new();
    char *v = malloc(size ? size : 1);
    check(s != NULL && v != NULL);
    for (size_t i = 0; i < size; i++)
        v[i] = upper ? (char)toupper(data[i]) : (char)data[i];
    bool truncated = false;
    size_t i = 1;
    while (i < size) {
        size_t st = i;
        while (i < size && data[i] != '\n')
            i++;
        if (i > st) {
            int rc = csp_parse(s, (enum csp_origin)(data[st] % 3), v + st + 1, i - st - 1);
            check(rc == 0 || rc == 1);
            check(!truncated || rc == 1);
            truncated |= rc == 1;
        }
        i++;
    }
    free(v);
    check(csp_analyse(s, size > 0 && (data[0] & 1), a) == 0);
    check(a->truncated == truncated);
    *out = s;
}

static void check_view(const struct csp_view *v)
{
    check(v->policies >= 0 && v->policies <= CSP_MAX_POLICIES);
    if (v->policies == 0) {
        struct csp_view zero;
        memset(&zero, 0, sizeof zero);
        check(memcmp(v, &zero, sizeof zero) == 0);
        return;
    }
    if (!v->script_restricted)
        check(v->unsafe_inline && v->unsafe_eval && v->script_data && v->script_wildcard &&
              v->script_src_directive[0] == '\0');
    if (!v->object_restricted)
        check(v->object_wildcard && !v->object_src_none);
    if (v->object_src_none)
        check(!v->object_wildcard);
    if (!v->style_restricted)
        check(v->style_unsafe_inline && !v->style_wildcard);
    if (v->default_src_none)
        check(v->script_restricted && v->object_restricted && v->style_restricted);
    if (v->script_wildcard || v->object_wildcard || v->style_wildcard)
        check(v->wildcard_example[0] != '\0');
    if (v->insecure_scheme_active || v->insecure_scheme_passive)
        check(v->insecure_example[0] != '\0');
}

static void check_judge(const struct csp_analysis *a, const json_t *obs, const char *expect_text,
                        bool nothing_required)
{
    json_t *expect = json_loads(expect_text, 0, NULL);
    struct result r = { NULL, NULL }, r2 = { NULL, NULL };
    check(expect != NULL);
    enum status st = csp_judge(a, expect, &r);
    check(st == ST_PASS || st == ST_FAIL || st == ST_WARN || st == ST_ERROR);
    check(json_is_string(r.evidence) && json_string_length(r.evidence) > 0);
    check(json_is_string(r.observed));
    check(strcmp(json_string_value(r.observed), csp_observatory_result(a)) == 0);
    if (a->truncated)
        check(st == ST_ERROR);
    else if (nothing_required)
        check(st == ST_PASS);
    else
        check(st != ST_ERROR);
    check(csp_judge_json(obs, expect, &r2) == st);
    check(json_equal(r.evidence, r2.evidence));
    result_release(&r);
    result_release(&r2);
    json_decref(expect);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csp_set *s, *su;
    struct csp_analysis a, b, u;

    analyse(data, size, false, &s, &a);
    check((unsigned)a.observatory < CSP_OBS__COUNT);
    check(a.observatory_pass == csp_observatory_passes(a.observatory));
    check(a.enforced.policies == a.header_policies + a.meta_policies);
    check(a.report_only.policies == a.report_only_policies);
    check_view(&a.enforced);
    check_view(&a.report_only);

    json_t *j = csp_to_json(s, &a);
    check(json_is_object(j));
    char *text = json_dumps(j, 0);
    check(text != NULL);
    check(csp_analysis_from_json(j, &b) == 0);
    check(memcmp(&a, &b, sizeof a) == 0);
    json_t *k = json_loads(text, 0, NULL);
    check(k != NULL);
    check(csp_analysis_from_json(k, &b) == 0);
    check(memcmp(&a, &b, sizeof a) == 0);

    check_judge(&a, j, "{}", false);
    check_judge(&a, j,
                "{\"required\": true, \"allow_report_only\": true, \"forbid_unsafe_inline\": "
                "true, \"forbid_unsafe_eval\": true, \"forbid_insecure_schemes\": true, "
                "\"forbid_wildcards\": true, \"forbid_unsafe_inline_style\": true, "
                "\"require_object_src_none\": true, \"require_base_uri\": true, "
                "\"require_frame_ancestors\": true, \"require_form_action\": true}",
                false);
    check_judge(&a, j,
                "{\"required\": false, \"forbid_unsafe_inline\": false, \"forbid_unsafe_eval\": "
                "false, \"forbid_insecure_schemes\": false, \"forbid_wildcards\": false, "
                "\"require_object_src_none\": false}",
                true);

    analyse(data, size, true, &su, &u);
    memset(a.enforced.wildcard_example, 0, CSP_EXAMPLE_LEN);
    memset(a.enforced.insecure_example, 0, CSP_EXAMPLE_LEN);
    memset(a.report_only.wildcard_example, 0, CSP_EXAMPLE_LEN);
    memset(a.report_only.insecure_example, 0, CSP_EXAMPLE_LEN);
    memset(u.enforced.wildcard_example, 0, CSP_EXAMPLE_LEN);
    memset(u.enforced.insecure_example, 0, CSP_EXAMPLE_LEN);
    memset(u.report_only.wildcard_example, 0, CSP_EXAMPLE_LEN);
    memset(u.report_only.insecure_example, 0, CSP_EXAMPLE_LEN);
    check(memcmp(&a, &u, sizeof a) == 0);

    free(text);
    json_decref(k);
    json_decref(j);
    csp_set_free(s);
    csp_set_free(su);
    return 0;
}
