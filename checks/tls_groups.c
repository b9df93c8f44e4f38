/*
 * tls_groups.c — tls.groups: the named groups (curves, finite-field groups, hybrids) the server
 * accepts for key exchange, for TLS 1.3 and for the highest accepted version up to TLS 1.2.
 *
 * Same method as the cipher enumeration: offer every group cocscan knows, note the one the
 * server uses, remove it, ask again until the server refuses. TLS 1.2 (and 1.0/1.1) hellos offer
 * only ECDHE suites, and the group is read from the ServerKeyExchange; TLS 1.3 hellos carry key
 * shares for x25519 and secp256r1 only, so any other group shows up as a HelloRetryRequest
 * naming it, which is all the scanner needs to know. Both versions are enumerated in parallel.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "cipher_table.h"
#include "scan.h"
#include "strbuf.h"
#include "target.h"
#include "tls_hello.h"
#include "tls_parse.h"
#include "tls_probe.h"
#include "util.h"

#define MAX_GROUPS 64

/* Code ranges of the groups tls_group_name knows; each code it names is offered. */
static const struct {
    uint16_t lo, hi;
} group_ranges[] = {
    { 0x0001, 0x0021 }, { 0x0100, 0x0104 }, { 0x11EB, 0x11ED }, { 0x6399, 0x6399 },
};

struct group_job {
    const struct target *t;
    uint16_t version;
    int timeout_ms;
    size_t slice;
    uint16_t found[MAX_GROUPS];
    size_t n_found;
    unsigned probes;
    char note[COC_ERROR_MAX + 64]; /* why enumeration stopped early, if it did */
};

/* Every known group usable with `version` (EC groups only below TLS 1.3). */
static size_t candidate_groups(uint16_t version, uint16_t *out)
{
    size_t n = 0;
    for (size_t r = 0; r < sizeof group_ranges / sizeof group_ranges[0]; r++)
        for (uint32_t g = group_ranges[r].lo; g <= group_ranges[r].hi && n < MAX_GROUPS; g++) {
            const char *name = tls_group_name((uint16_t)g);
            if (!name)
                continue;
            if (version != TLS_V_13 && !tls_group_ec_bits(name))
                continue;
            if (version == TLS_V_13 && g >= 0x0001 && g <= 0x0016)
                continue; /* sect*, secp160-224, secp256k1: not allowed in TLS 1.3 */
            if (version != TLS_V_13 && g >= 0x001F && g <= 0x0021)
                continue; /* the brainpool…tls13 code points */
            out[n++] = (uint16_t)g;
        }
    return n;
}

static void *enumerate_groups(void *arg)
{
    struct group_job *j = arg;
    uint16_t left[MAX_GROUPS];
    size_t n = candidate_groups(j->version, left);
    size_t n_suites = 0;
    uint16_t *suites = tls_probe_suites_for(j->version, &n_suites);
    if (!suites) {
        snprintf(j->note, sizeof j->note, "out of memory");
        return NULL;
    }
    if (j->version != TLS_V_13) {
        /* Keep only ECDHE suites: with them, the ServerKeyExchange names the curve. */
        size_t k = 0;
        for (size_t i = 0; i < n_suites; i++) {
            const struct cipher_suite *cs = cipher_suite_find(suites[i]);
            if (cs && strcmp(cs->kx, "ECDHE") == 0)
                suites[k++] = suites[i];
        }
        n_suites = k;
    }
    while (n > 0 && n_suites > 0) {
        struct tls_probe p = { .version = j->version, .suites = suites, .n_suites = n_suites,
                               .groups = left, .n_groups = n, .timeout_ms = j->timeout_ms,
                               .slice = j->slice };
        tls_probe_run(j->t, &p);
        j->probes += p.connections;
        if (p.sliced)
            j->slice = p.sliced;
        uint16_t chosen = 0;
        if (tls_probe_accepted(&p)) {
            const struct tls_flight *f = &p.flight;
            chosen = f->ske_kind == TLS_SKE_ECDHE ? f->ecdh_group
                     : f->key_share_group         ? f->key_share_group
                                                  : f->is_hrr ? f->hrr_group : 0;
            if (!chosen)
                snprintf(j->note, sizeof j->note, "the server accepted without naming a group");
        } else if (!p.answered && !p.connections) {
            snprintf(j->note, sizeof j->note, "%s", p.error[0] ? p.error : "probe failed");
        }
        tls_probe_release(&p);
        if (!chosen)
            break;
        size_t k = 0;
        while (k < n && left[k] != chosen)
            k++;
        if (j->n_found < MAX_GROUPS)
            j->found[j->n_found++] = chosen;
        if (k == n) {
            snprintf(j->note, sizeof j->note,
                     "the server used 0x%04X, which was not offered: it ignores the client's list",
                     chosen);
            break;
        }
        memmove(left + k, left + k + 1, (n - k - 1) * sizeof *left);
        n--;
    }
    free(suites);
    return NULL;
}

static json_t *group_name_json(uint16_t g)
{
    const char *name = tls_group_name(g);
    char hex[8];
    snprintf(hex, sizeof hex, "0x%04X", g);
    return json_string(name ? name : hex);
}

static int groups_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (tls_protocols_need(scan, t, obs, "tls.groups") < 0)
        return -1;
    uint16_t acc[5];
    size_t n = tls_accepted_versions(obs, acc, 5);
    struct group_job jobs[2];
    size_t nj = 0;
    uint16_t legacy = 0;
    for (size_t i = 0; i < n; i++)
        if (acc[i] >= TLS_V_10 && acc[i] <= TLS_V_12)
            legacy = acc[i];
    const uint16_t versions[2] = { legacy, n && acc[n - 1] == TLS_V_13 ? TLS_V_13 : 0 };
    for (size_t i = 0; i < 2; i++) {
        if (!versions[i])
            continue;
        memset(&jobs[nj], 0, sizeof jobs[nj]);
        jobs[nj].t = t;
        jobs[nj].version = versions[i];
        jobs[nj].timeout_ms = scan->timeout_ms;
        jobs[nj].slice = tls_slice_for(obs, versions[i]);
        nj++;
    }
    if (nj == 0)
        return obs_error(obs, "tls.groups",
                         "the server accepts no TLS version with named groups (TLS 1.0 or later)");
    pthread_t th[2];
    int started[2] = { 0 };
    for (size_t i = 0; i < nj; i++)
        started[i] = pthread_create(&th[i], NULL, enumerate_groups, &jobs[i]) == 0;
    for (size_t i = 0; i < nj; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        else
            enumerate_groups(&jobs[i]);
    }
    json_t *groups = json_object(), *notes = json_object();
    unsigned probes = 0;
    for (size_t i = 0; i < nj; i++) {
        json_t *list = json_array();
        for (size_t k = 0; k < jobs[i].n_found; k++)
            json_array_append_new(list, group_name_json(jobs[i].found[k]));
        json_object_set_new(groups, tls_version_name(jobs[i].version), list);
        if (jobs[i].note[0])
            json_object_set_new(notes, tls_version_name(jobs[i].version),
                                json_string(jobs[i].note));
        probes += jobs[i].probes;
    }
    tls_count_probes(scan, obs, probes);
    json_object_set_new(obs, "groups", groups);
    if (json_object_size(notes))
        json_object_set_new(obs, "group_notes", notes);
    else
        json_decref(notes);
    return 0;
}

static enum status groups_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *groups = json_object_get(obs, "groups");
    if (!json_is_object(groups)) {
        result_evidencef(r, "no named-group observation was recorded");
        return ST_ERROR;
    }
    r->observed = json_deep_copy(groups);
    const json_t *forbid = json_object_get(expect, "forbid");
    const json_t *require = json_object_get(expect, "require");
    json_int_t min_ec = json_integer_value(json_object_get(expect, "min_ecdh_bits"));
    json_int_t min_ff = json_integer_value(json_object_get(expect, "min_dh_bits"));
    struct strbuf bad = STRBUF_INIT;
    size_t total = 0;
    const char *proto;
    const json_t *list;
    json_object_foreach((json_t *)groups, proto, list) {
        size_t i;
        json_t *g;
        json_array_foreach(list, i, g) {
            const char *name = json_string_value(g);
            int ec = tls_group_ec_bits(name), ff = tls_group_ff_bits(name);
            total++;
            if (json_list_has(forbid, name))
                strbuf_addf(&bad, "%s%s %s (forbidden)", bad.len ? "; " : "", proto, name);
            else if (min_ec && ec && ec < min_ec)
                strbuf_addf(&bad, "%s%s %s (%d-bit curve)", bad.len ? "; " : "", proto, name, ec);
            else if (min_ff && ff && ff < min_ff)
                strbuf_addf(&bad, "%s%s %s (%d-bit group)", bad.len ? "; " : "", proto, name, ff);
        }
    }
    size_t i;
    json_t *g;
    json_array_foreach(require, i, g) {
        int seen = 0;
        json_object_foreach((json_t *)groups, proto, list)
            seen |= json_list_has(list, json_string_value(g));
        if (!seen)
            strbuf_addf(&bad, "%s%s not accepted (required)", bad.len ? "; " : "",
                        json_string_value(g));
    }
    enum status st;
    if (bad.len) {
        result_evidencef(r, "%s", bad.buf);
        st = ST_FAIL;
    } else if (total == 0) {
        result_evidencef(r, "no named group was accepted (no ECDHE or TLS 1.3 key exchange)");
        st = json_array_size(require) ? ST_FAIL : ST_PASS;
    } else {
        result_evidencef(r, "all %zu accepted groups meet the profile", total);
        st = ST_PASS;
    }
    strbuf_release(&bad);
    return st;
}

static const struct expect_key groups_keys[] = {
    { "forbid", EXP_STRING_LIST, NULL, "group names that must not be accepted, e.g. secp192r1" },
    { "require", EXP_STRING_LIST, NULL, "group names that must be accepted, e.g. x25519" },
    { "min_ecdh_bits", EXP_INT, NULL, "minimum elliptic-curve size (x25519 counts as 256)" },
    { "min_dh_bits", EXP_INT, NULL, "minimum finite-field group size (ffdhe2048 is 2048)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_tls_groups = {
    .id = "tls.groups",
    .family = "tls",
    .title = "Named groups for key exchange",
    .observe = groups_observe,
    .judge = groups_judge,
    .expect_keys = groups_keys,
};
