/*
 * tls_protocols.c — tls.protocols: which of SSLv2 … TLSv1.3 the server accepts.
 *
 * Each version gets one raw hello offering every suite of that version, all six in parallel; a
 * version is accepted when the server answers with a ServerHello (or a HelloRetryRequest) for
 * exactly that version. The judge compares the accepted set with min / max / require / forbid.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "scan.h"
#include "target.h"
#include "tls_hello.h"
#include "tls_probe.h"


static const uint16_t all_versions[] = { TLS_V_SSL2, TLS_V_SSL3, TLS_V_10,
                                         TLS_V_11,   TLS_V_12,   TLS_V_13 };
#define N_VERSIONS (sizeof all_versions / sizeof all_versions[0])

int tls_protocols_observe(struct scan *scan, struct target *t, json_t *obs)
{
    struct tls_probe probes[N_VERSIONS];
    memset(probes, 0, sizeof probes);
    for (size_t i = 0; i < N_VERSIONS; i++) {
        probes[i].version = all_versions[i];
        probes[i].timeout_ms = scan->timeout_ms;
    }
    tls_probe_run_all(t, probes, N_VERSIONS);
    json_t *accepted = json_array(), *details = json_object();
    unsigned opened = 0, connected = 0;
    char why[200];
    for (size_t i = 0; i < N_VERSIONS; i++) {
        const struct tls_probe *p = &probes[i];
        const char *name = tls_version_name(p->version);
        opened += p->connections;
        connected |= p->connections;
        if (tls_probe_accepted(p))
            json_array_append_new(accepted, json_string(name));
        tls_probe_describe(p, why, sizeof why);
        json_t *d = json_pack("{s:b, s:s}", "accepted", tls_probe_accepted(p), "answer", why);
        if (tls_probe_accepted(p) && p->version != TLS_V_SSL2) {
            char code[8];
            snprintf(code, sizeof code, "0x%04X", p->flight.cipher);
            json_object_set_new(d, "cipher", json_string(code));
            json_t *kx = tls_probe_kx_json(p);
            json_object_update(d, kx);
            json_decref(kx);
        }
        if (p->sliced)
            json_object_set_new(d, "sliced_hello", json_integer((json_int_t)p->sliced));
        if (tls_probe_accepted(p) && p->version == TLS_V_SSL2) {
            json_t *kinds = json_array();
            for (size_t k = 0; k < p->flight.n_sslv2_ciphers; k++) {
                char code[10];
                snprintf(code, sizeof code, "0x%06X", p->flight.sslv2_ciphers[k] & 0xFFFFFFu);
                json_array_append_new(kinds, json_string(code));
            }
            json_object_set_new(d, "sslv2_ciphers", kinds);
        }
        json_object_set_new(details, name, d);
    }
    for (size_t i = 0; i < N_VERSIONS; i++)
        tls_probe_release(&probes[i]);
    tls_count_probes(scan, obs, opened);
    json_object_set_new(obs, "protocols", accepted);
    json_object_set_new(obs, "protocol_answers", details);
    if (!connected)
        return obs_error(obs, "tls.protocols", "no TLS connection could be made: %s",
                         probes[0].error);
    return 0;
}

/* Rank of a version name in the order SSLv2 < … < TLSv1.3; -1 if unknown. */
static int rank_of(const char *s)
{
    uint16_t v;
    if (!s || tls_version_parse(s, &v) < 0)
        return -1;
    for (size_t i = 0; i < N_VERSIONS; i++)
        if (all_versions[i] == v)
            return (int)i;
    return -1;
}

static int contains(const json_t *arr, int rank)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
        if (rank_of(json_string_value(v)) == rank)
            return 1;
    return 0;
}

static enum status protocols_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *acc = json_object_get(obs, "protocols");
    if (!json_is_array(acc)) {
        result_evidencef(r, "no protocol observation was recorded");
        return ST_ERROR;
    }
    r->observed = json_incref((json_t *)acc);
    if (json_array_size(acc) == 0) {
        result_evidencef(r, "the server accepted none of SSLv2 … TLSv1.3");
        return ST_ERROR;
    }
    const json_t *min_j = json_object_get(expect, "min"), *max_j = json_object_get(expect, "max");
    int min = min_j ? rank_of(json_string_value(min_j)) : rank_of("TLSv1.2");
    int max = max_j ? rank_of(json_string_value(max_j)) : (int)N_VERSIONS - 1;
    if (min < 0 || max < 0) {
        /* The validator keeps these out of profiles; a hand-edited report must not pass. */
        result_evidencef(r, "the profile's %s version is not one cocscan knows",
                         min < 0 ? "min" : "max");
        return ST_ERROR;
    }
    char bad[256] = "";
    size_t bl = 0;
#define ADD_BAD(...) \
    bl += (size_t)snprintf(bad + bl, bl < sizeof bad ? sizeof bad - bl : 0, __VA_ARGS__)
    size_t i;
    json_t *v;
    json_array_foreach(acc, i, v) {
        int rk = rank_of(json_string_value(v));
        if (rk < min)
            ADD_BAD("%s%s accepted (below the minimum %s)", bl ? "; " : "", json_string_value(v),
                    tls_version_name(all_versions[min]));
        else if (rk > max)
            ADD_BAD("%s%s accepted (above the maximum %s)", bl ? "; " : "", json_string_value(v),
                    tls_version_name(all_versions[max]));
        else if (contains(json_object_get(expect, "forbid"), rk))
            ADD_BAD("%s%s accepted (forbidden)", bl ? "; " : "", json_string_value(v));
    }
    json_array_foreach(json_object_get(expect, "require"), i, v) {
        int rk = rank_of(json_string_value(v));
        if (rk >= 0 && !contains(acc, rk))
            ADD_BAD("%s%s not accepted (required)", bl ? "; " : "",
                    tls_version_name(all_versions[rk]));
    }
#undef ADD_BAD
    if (bl) {
        result_evidencef(r, "%s", bad);
        return ST_FAIL;
    }
    result_evidencef(r, "only versions the profile allows are accepted");
    return ST_PASS;
}

static const char *const version_words[] = {
    "SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3",
    "1.0",   "1.1",   "1.2",     "1.3",     NULL,
};

static const struct expect_key protocols_keys[] = {
    { "min", EXP_STRING, version_words, "lowest version allowed to be accepted (default 1.2)" },
    { "max", EXP_STRING, version_words, "highest version allowed (default: none)" },
    { "require", EXP_STRING_LIST, version_words, "versions that must be accepted" },
    { "forbid", EXP_STRING_LIST, version_words, "versions that must not be accepted" },
    { NULL, 0, NULL, NULL },
};

const struct check check_tls_protocols = {
    .id = "tls.protocols",
    .family = "tls",
    .title = "Accepted SSL/TLS protocol versions",
    .observe = tls_protocols_observe,
    .judge = protocols_judge,
    .expect_keys = protocols_keys,
};
