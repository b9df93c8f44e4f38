/*
 * tls_ciphers.c — tls.ciphers: every cipher suite the server accepts, per protocol.
 *
 * Offer every suite of the registry, note the one the server picks, remove it and ask again
 * until the server refuses: N+1 hellos for N suites, and the first of them is the protocol
 * probe's own, so it is reused. Protocols are enumerated in parallel. Offering the accepted
 * suites once more in reverse order tells whether the server enforces its own preference.
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
#include "tls_probe.h"

struct enum_job {
    const struct target *t;
    uint16_t version;
    uint16_t first;  /* the suite the protocol probe got for the full list */
    int timeout_ms;
    size_t slice;    /* > 0: the server drops big hellos; offer this many suites at a time */
    uint16_t *found; /* in discovery order */
    json_t **kx;     /* per found suite: tls_probe_kx_json */
    size_t n_found;
    json_t *first_kx; /* the protocol probe's, for found[0] */
    int server_order; /* 1 enforced, 0 client's order, -1 undetermined */
    unsigned probes;
    char error[COC_ERROR_MAX];
};

/* One hello offering `list`; the chosen suite in *chosen and its key exchange in *kx (when
 * kx is not NULL). 1 accepted, 0 refused, -1 failure. */
static int offer(struct enum_job *j, const uint16_t *list, size_t n, uint16_t *chosen,
                 json_t **kx)
{
    struct tls_probe p = { .version = j->version, .suites = list, .n_suites = n,
                           .timeout_ms = j->timeout_ms, .slice = j->slice };
    tls_probe_run(j->t, &p);
    if (p.sliced)
        j->slice = p.sliced; /* the server drops big hellos: slice from now on */
    j->probes += p.connections;
    int rc;
    if (tls_probe_accepted(&p)) {
        *chosen = p.flight.cipher;
        if (kx)
            *kx = tls_probe_kx_json(&p);
        rc = 1;
    } else if (p.answered || p.connections) {
        /* An alert, a lower version or a closed connection: nothing more of these is accepted. */
        rc = 0;
        if (!p.answered && p.error[0] && (strstr(p.error, "deadline") || p.sliced))
            rc = -1;
    } else {
        rc = -1;
    }
    if (rc < 0)
        snprintf(j->error, sizeof j->error, "%s", p.error[0] ? p.error : "probe failed");
    tls_probe_release(&p);
    return rc;
}

static void *enumerate(void *arg)
{
    struct enum_job *j = arg;
    size_t n = 0;
    uint16_t *left = tls_probe_suites_for(j->version, &n);
    j->found = calloc(n ? n : 1, sizeof *j->found);
    j->kx = calloc(n ? n : 1, sizeof *j->kx);
    j->server_order = -1;
    if (!left || !j->found || !j->kx) {
        snprintf(j->error, sizeof j->error, "out of memory");
        free(left);
        return NULL;
    }
    uint16_t chosen = j->first;
    json_t *kx = json_incref(j->first_kx);
    for (size_t round = 0; n > 0 && round <= n + 1; round++) {
        if (round > 0) {
            kx = NULL;
            int r = offer(j, left, n, &chosen, &kx);
            if (r <= 0)
                break;
        }
        size_t k = 0;
        while (k < n && left[k] != chosen)
            k++;
        if (k == n) {
            snprintf(j->error, sizeof j->error, "the server chose 0x%04X, which was not offered",
                     chosen);
            json_decref(kx);
            break;
        }
        j->kx[j->n_found] = kx;
        j->found[j->n_found++] = chosen;
        memmove(left + k, left + k + 1, (n - k - 1) * sizeof *left);
        n--;
    }
    if (j->n_found >= 2 && !j->error[0]) {
        uint16_t *rev = malloc(j->n_found * sizeof *rev);
        for (size_t i = 0; rev && i < j->n_found; i++)
            rev[i] = j->found[j->n_found - 1 - i];
        if (rev && offer(j, rev, j->n_found, &chosen, NULL) == 1)
            j->server_order = chosen == j->found[0];
        free(rev);
    }
    free(left);
    return NULL;
}

/* The suite's facts plus the key exchange seen with it (kx is borrowed). */
static json_t *suite_json(const char *proto, uint16_t code, const json_t *kx)
{
    char hex[8];
    snprintf(hex, sizeof hex, "0x%04X", code);
    const struct cipher_suite *cs = cipher_suite_find(code);
    json_t *o = json_pack("{s:s, s:s}", "protocol", proto, "code", hex);
    if (!cs) {
        json_object_set_new(o, "name", json_string("unknown"));
        return o;
    }
    json_object_set_new(o, "name", json_string(cs->name));
    json_object_set_new(o, "kx", json_string(cs->kx));
    json_object_set_new(o, "au", json_string(cs->au));
    json_object_set_new(o, "enc", json_string(cs->enc));
    json_object_set_new(o, "bits", json_integer(cs->bits));
    json_object_set_new(o, "mac", json_string(cs->mac));
    json_object_set_new(o, "aead", json_boolean(cs->flags & CS_AEAD));
    json_object_set_new(o, "forward_secrecy", json_boolean(cs->flags & CS_FS));
    json_t *flags = json_array();
    for (unsigned b = 0; b < CS_FLAG_COUNT; b++) {
        unsigned bit = 1u << b;
        if ((cs->flags & bit) && !(bit & (CS_AEAD | CS_FS | CS_TLS13 | CS_SCSV)))
            json_array_append_new(flags, json_string(cipher_flag_name(bit)));
    }
    json_object_set_new(o, "flags", flags);
    if (kx)
        json_object_update(o, (json_t *)kx);
    return o;
}

/* An SSLv2 cipher kind as a suite object: the same fields as suite_json's, from its name. */
static json_t *sslv2_suite_json(const char *hex)
{
    uint32_t code = (uint32_t)strtoul(hex, NULL, 16);
    const struct tls_sslv2_cipher *c = NULL;
    for (size_t i = 0; i < TLS_SSLV2_N_CIPHERS; i++)
        if (tls_sslv2_ciphers[i].code == code)
            c = &tls_sslv2_ciphers[i];
    json_t *o = json_pack("{s:s, s:s}", "protocol", "SSLv2", "code", hex);
    if (!c) {
        json_object_set_new(o, "name", json_string("unknown"));
        return o;
    }
    char name[64];
    snprintf(name, sizeof name, "SSL_CK_%s", c->name);
    const char *enc = strncmp(c->name, "RC4", 3) == 0    ? "RC4"
                      : strncmp(c->name, "RC2", 3) == 0  ? "RC2"
                      : strncmp(c->name, "IDEA", 4) == 0 ? "IDEA"
                      : strstr(c->name, "EDE3")          ? "3DES"
                                                         : "DES";
    json_t *flags = json_array();
    if (c->is_export)
        json_array_append_new(flags, json_string(cipher_flag_name(CS_EXPORT)));
    if (strcmp(enc, "RC4") == 0)
        json_array_append_new(flags, json_string(cipher_flag_name(CS_RC4)));
    if (strcmp(enc, "DES") == 0)
        json_array_append_new(flags, json_string(cipher_flag_name(CS_DES)));
    if (strcmp(enc, "3DES") == 0)
        json_array_append_new(flags, json_string(cipher_flag_name(CS_3DES)));
    if (strstr(c->name, "CBC"))
        json_array_append_new(flags, json_string(cipher_flag_name(CS_CBC)));
    json_array_append_new(flags, json_string(cipher_flag_name(CS_MD5)));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "kx", json_string("RSA"));
    json_object_set_new(o, "au", json_string("RSA"));
    json_object_set_new(o, "enc", json_string(enc));
    json_object_set_new(o, "bits", json_integer(c->bits));
    json_object_set_new(o, "mac", json_string("MD5"));
    json_object_set_new(o, "aead", json_false());
    json_object_set_new(o, "forward_secrecy", json_false());
    json_object_set_new(o, "flags", flags);
    return o;
}

static int ciphers_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (tls_protocols_need(scan, t, obs, "tls.ciphers") < 0)
        return -1;
    struct enum_job jobs[6];
    pthread_t th[6];
    int started[6] = { 0 };
    size_t nj = 0;
    const char *name;
    json_t *ans;
    json_object_foreach(json_object_get(obs, "protocol_answers"), name, ans) {
        uint16_t v;
        const char *code = json_string_value(json_object_get(ans, "cipher"));
        if (!json_is_true(json_object_get(ans, "accepted")) || !code || nj == 6 ||
            tls_version_parse(name, &v) < 0)
            continue;
        memset(&jobs[nj], 0, sizeof jobs[nj]);
        jobs[nj].t = t;
        jobs[nj].version = v;
        jobs[nj].first = (uint16_t)strtoul(code, NULL, 16);
        jobs[nj].timeout_ms = scan->timeout_ms;
        jobs[nj].slice = (size_t)json_integer_value(json_object_get(ans, "sliced_hello"));
        jobs[nj].first_kx = json_object();
        if (json_object_get(ans, "dh_bits"))
            json_object_set(jobs[nj].first_kx, "dh_bits", json_object_get(ans, "dh_bits"));
        if (json_object_get(ans, "group"))
            json_object_set(jobs[nj].first_kx, "group", json_object_get(ans, "group"));
        nj++;
    }
    for (size_t i = 0; i < nj; i++)
        started[i] = pthread_create(&th[i], NULL, enumerate, &jobs[i]) == 0;
    for (size_t i = 0; i < nj; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        else
            enumerate(&jobs[i]);
    }
    json_t *list = json_array(), *order = json_object(), *errors = json_array();
    unsigned probes = 0;
    size_t k2;
    json_t *kind;
    /* SSLv2's SERVER-HELLO lists every cipher kind the server has: no enumeration needed. */
    json_array_foreach(json_object_get(json_object_get(json_object_get(obs, "protocol_answers"),
                                                       "SSLv2"),
                                       "sslv2_ciphers"),
                       k2, kind)
        json_array_append_new(list, sslv2_suite_json(json_string_value(kind)));
    for (size_t i = 0; i < nj; i++) {
        const char *proto = tls_version_name(jobs[i].version);
        json_t *codes = json_array();
        for (size_t k = 0; k < jobs[i].n_found; k++) {
            json_array_append_new(list, suite_json(proto, jobs[i].found[k], jobs[i].kx[k]));
            json_decref(jobs[i].kx[k]);
            json_array_append(codes, json_object_get(json_array_get(list, json_array_size(list) - 1),
                                                     "code"));
        }
        json_object_set_new(order, proto, json_pack("{s:o, s:o}", "server_enforced",
                                                    jobs[i].server_order < 0
                                                        ? json_null()
                                                        : json_boolean(jobs[i].server_order),
                                                    "order", codes));
        if (jobs[i].error[0])
            json_array_append_new(errors, json_pack("{s:s, s:s}", "protocol", proto, "error",
                                                    jobs[i].error));
        probes += jobs[i].probes;
        free(jobs[i].found);
        free(jobs[i].kx);
        json_decref(jobs[i].first_kx);
    }
    tls_count_probes(scan, obs, probes);
    json_object_set_new(obs, "ciphers", list);
    json_object_set_new(obs, "cipher_order", order);
    size_t nerr = json_array_size(errors);
    if (nerr)
        json_object_set_new(obs, "cipher_errors", errors);
    else
        json_decref(errors);
    if (nerr)
        return obs_error(obs, "tls.ciphers", "enumeration incomplete for %zu protocol%s", nerr,
                         nerr == 1 ? "" : "s");
    return 0;
}

/* Does suite object s belong to the class named cls (case-insensitive flag name)? */
static int in_class(const json_t *s, const char *cls)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(s, "flags"), i, f)
        if (strcasecmp(json_string_value(f), cls) == 0)
            return 1;
    return 0;
}

static int allowed(const json_t *allow, const json_t *s)
{
    size_t i;
    json_t *a;
    json_array_foreach(allow, i, a) {
        const char *w = json_string_value(a);
        if (strcasecmp(w, json_string_value(json_object_get(s, "name"))) == 0 ||
            strcasecmp(w, json_string_value(json_object_get(s, "code"))) == 0)
            return 1;
    }
    return 0;
}

/* Bits of finite-field DH seen with suite s: the ServerKeyExchange prime or an ffdhe group. */
static int suite_dh_bits(const json_t *s)
{
    const json_t *b = json_object_get(s, "dh_bits");
    if (b)
        return (int)json_integer_value(b);
    return tls_group_ff_bits(json_string_value(json_object_get(s, "group")));
}

static enum status ciphers_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *list = json_object_get(obs, "ciphers");
    if (!json_is_array(list)) {
        result_evidencef(r, "no cipher-suite observation was recorded");
        return ST_ERROR;
    }
    const json_t *classes = json_object_get(expect, "forbid_classes");
    const json_t *allow = json_object_get(expect, "allow");
    const json_t *min_bits = json_object_get(expect, "min_bits");
    int want_fs = json_is_true(json_object_get(expect, "forward_secrecy"));
    const json_t *min_dh = json_object_get(expect, "min_dh_bits");
    const json_t *min_ecdh = json_object_get(expect, "min_ecdh_bits");
    char kxwhy[64];
    json_t *bad = json_array();
    struct strbuf why = STRBUF_INIT;
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s) {
        const char *name = json_string_value(json_object_get(s, "name"));
        const char *proto = json_string_value(json_object_get(s, "protocol"));
        const char *reason = NULL;
        size_t k;
        json_t *c;
        json_array_foreach(classes, k, c)
            if (!reason && in_class(s, json_string_value(c)))
                reason = json_string_value(c);
        if (!reason && allow && !allowed(allow, s))
            reason = "not in the allowed list";
        if (!reason && min_bits &&
            json_integer_value(json_object_get(s, "bits")) < json_integer_value(min_bits))
            reason = "too few bits";
        if (!reason && want_fs && !json_is_true(json_object_get(s, "forward_secrecy")))
            reason = "no forward secrecy";
        int dh = suite_dh_bits(s);
        if (!reason && min_dh && dh && dh < json_integer_value(min_dh)) {
            snprintf(kxwhy, sizeof kxwhy, "DH group of %d bits", dh);
            reason = kxwhy;
        }
        int ec = tls_group_ec_bits(json_string_value(json_object_get(s, "group")));
        if (!reason && min_ecdh && ec && ec < json_integer_value(min_ecdh)) {
            snprintf(kxwhy, sizeof kxwhy, "ECDH group %s",
                     json_string_value(json_object_get(s, "group")));
            reason = kxwhy;
        }
        if (reason) {
            struct strbuf item = STRBUF_INIT;
            strbuf_addf(&item, "%s %s", proto, name);
            json_array_append_new(bad, json_string(item.buf));
            strbuf_release(&item);
            if (json_array_size(bad) <= 5)
                strbuf_addf(&why, "%s%s %s (%s)", why.len ? "; " : "", proto, name, reason);
        }
    }
    enum status st;
    if (json_array_size(bad)) {
        if (json_array_size(bad) > 5)
            strbuf_addf(&why, "; and %zu more", json_array_size(bad) - 5);
        int one = json_array_size(bad) == 1;
        result_evidencef(r, "%zu accepted suite%s the profile: %s", json_array_size(bad),
                         one ? " violates" : "s violate", why.buf);
        r->observed = bad;
        st = ST_FAIL;
    } else {
        json_decref(bad);
        r->observed = json_integer((json_int_t)json_array_size(list));
        if (json_array_size(list)) {
            result_evidencef(r, "all %zu accepted suites meet the profile",
                             json_array_size(list));
            st = ST_PASS;
        } else {
            result_evidencef(r, "no accepted cipher suite could be observed");
            st = ST_ERROR;
        }
    }
    strbuf_release(&why);
    return st;
}

static const char *const class_words[] = {
    "NULL", "anon", "EXPORT", "RC4", "DES", "3DES", "CBC", "MD5", "SHA1", NULL,
};

static const struct expect_key ciphers_keys[] = {
    { "forbid_classes", EXP_STRING_LIST, class_words,
      "suite classes that must not be accepted (default: none)" },
    { "allow", EXP_STRING_LIST, NULL,
      "if given, every accepted suite must be in this list (IANA names or 0xNNNN codes)" },
    { "min_bits", EXP_INT, NULL, "minimum symmetric strength in bits (default: none)" },
    { "forward_secrecy", EXP_BOOL, NULL, "every accepted suite must have forward secrecy" },
    { "min_dh_bits", EXP_INT, NULL, "minimum finite-field DH group size seen with DHE suites" },
    { "min_ecdh_bits", EXP_INT, NULL, "minimum ECDH group size (x25519 counts as 256)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_tls_ciphers = {
    .id = "tls.ciphers",
    .family = "tls",
    .title = "Accepted cipher suites",
    .observe = ciphers_observe,
    .judge = ciphers_judge,
    .expect_keys = ciphers_keys,
};
