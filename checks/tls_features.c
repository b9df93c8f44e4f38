/*
 * tls_features.c — tls.features: secure renegotiation (RFC 5746), extended master secret
 * (RFC 7627), TLS compression (CRIME), TLS_FALLBACK_SCSV (RFC 7507) and ALPN.
 *
 * Builds on tls.protocols' answers. One hello at the highest accepted version up to TLS 1.2
 * offers renegotiation_info, extended_master_secret, DEFLATE and ALPN "h2,http/1.1" and reads
 * what the ServerHello echoes; when only TLS 1.3 is accepted, those TLS ≤ 1.2 features cannot
 * apply. When TLS 1.3 is accepted, ALPN is read from a full OpenSSL handshake (TLS 1.3 sends
 * it encrypted). When two or more versions are accepted, a hello at the
 * second-highest one carrying TLS_FALLBACK_SCSV must be refused with inappropriate_fallback.
 * At most three connections.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "scan.h"
#include "strbuf.h"
#include "target.h"
#include "tls_hello.h"
#include "tls_parse.h"
#include "tls_probe.h"
#include "tls_session.h"

#define ALERT_INAPPROPRIATE_FALLBACK 86
#define COMPRESSION_DEFLATE 1

static void run_one(struct scan *scan, struct target *t, const json_t *scan_obs,
                    struct tls_probe *p, uint16_t version, unsigned *opened)
{
    p->version = version;
    p->timeout_ms = scan->timeout_ms;
    p->slice = tls_slice_for(scan_obs, version);
    tls_probe_run(t, p);
    *opened += p->connections;
}

/* "h2" / "http/1.1" / null: what the server selected from an offer of both. */
static json_t *alpn_json(const struct tls_probe *p)
{
    return p->flight.alpn[0] ? json_string(p->flight.alpn) : json_null();
}

static int features_observe(struct scan *scan, struct target *t, json_t *obs)
{
    if (tls_protocols_need(scan, t, obs, "tls.features") < 0)
        return -1;
    uint16_t acc[5];
    size_t n = tls_accepted_versions(obs, acc, 5);
    if (n == 0)
        return obs_error(obs, "tls.features", "the server accepted no SSL/TLS version to probe");
    uint16_t top = acc[n - 1], legacy = 0;
    for (size_t i = 0; i < n; i++)
        if (acc[i] <= TLS_V_12)
            legacy = acc[i];
    json_t *f = json_object();
    unsigned opened = 0;
    char why[200];
    int failed = 0;

    if (legacy) {
        struct tls_probe p = { .offer_compression = 1, .extended_master_secret = 1,
                               .alpn = "h2,http/1.1" };
        run_one(scan, t, obs, &p, legacy, &opened);
        json_object_set_new(f, "probed_version", json_string(tls_version_name(legacy)));
        if (tls_probe_accepted(&p)) {
            json_object_set_new(f, "secure_renegotiation",
                                json_boolean(p.flight.has_reneg_info));
            json_object_set_new(f, "extended_master_secret", json_boolean(p.flight.has_ems));
            json_object_set_new(f, "compression",
                                json_string(p.flight.compression == 0 ? "none"
                                            : p.flight.compression == COMPRESSION_DEFLATE
                                                ? "deflate"
                                                : "other"));
            json_object_set_new(f, "alpn", alpn_json(&p));
        } else {
            tls_probe_describe(&p, why, sizeof why);
            json_object_set_new(f, "probe_error", json_string(why));
            failed = 1;
        }
        tls_probe_release(&p);
    } else {
        /* TLS 1.3 has no renegotiation and no compression, and always binds the session hash. */
        json_object_set_new(f, "probed_version", json_string(tls_version_name(top)));
        json_object_set_new(f, "secure_renegotiation", json_null());
        json_object_set_new(f, "extended_master_secret", json_null());
        json_object_set_new(f, "compression", json_null());
    }
    if (top == TLS_V_13 && !failed) {
        /* TLS 1.3 encrypts the ALPN answer: only a full handshake shows it. */
        struct tls_session s;
        struct coc_error e = { "" };
        int rc = tls_session_open(&s, t->host, t->port, t->host_is_ip ? NULL : t->host, NULL,
                                  scan->timeout_ms, &e);
        opened += s.fd >= 0 ? 1u : 0u;
        if (rc == 0) {
            const unsigned char *sel = NULL;
            unsigned len = 0;
            SSL_get0_alpn_selected(s.ssl, &sel, &len);
            json_object_set_new(f, "alpn", len ? json_stringn((const char *)sel, len) : json_null());
        } else if (!legacy) {
            json_object_set_new(f, "alpn", json_null());
        }
        tls_session_close(&s);
    }
    if (n < 2) {
        json_object_set_new(f, "fallback_scsv", json_string("not_applicable"));
    } else {
        struct tls_probe p = { .fallback_scsv = 1 };
        run_one(scan, t, obs, &p, acc[n - 2], &opened);
        const char *verdict;
        if (tls_probe_accepted(&p))
            verdict = "ignored";
        else if (p.flight.status == TLS_FL_ALERT &&
                 p.flight.alert_desc == ALERT_INAPPROPRIATE_FALLBACK)
            verdict = "honoured";
        else
            verdict = "unclear";
        json_object_set_new(f, "fallback_scsv", json_string(verdict));
        tls_probe_describe(&p, why, sizeof why);
        json_object_set_new(f, "fallback_answer", json_pack("{s:s, s:s}", "version",
                                                            tls_version_name(acc[n - 2]),
                                                            "answer", why));
        tls_probe_release(&p);
    }
    tls_count_probes(scan, obs, opened);
    json_object_set_new(obs, "features", f);
    if (failed)
        return obs_error(obs, "tls.features", "the feature probe at %s was not accepted",
                         json_string_value(json_object_get(f, "probed_version")));
    return 0;
}

static enum status features_judge(const json_t *obs, const json_t *expect, struct result *r)
{
    const json_t *f = json_object_get(obs, "features");
    if (!json_is_object(f)) {
        result_evidencef(r, "no TLS feature observation was recorded");
        return ST_ERROR;
    }
    if (json_object_get(f, "probe_error")) {
        result_evidencef(r, "the feature probe failed: %s",
                         json_string_value(json_object_get(f, "probe_error")));
        return ST_ERROR;
    }
    r->observed = json_deep_copy(f);
    const json_t *reneg = json_object_get(f, "secure_renegotiation");
    const json_t *ems = json_object_get(f, "extended_master_secret");
    const char *comp = json_string_value(json_object_get(f, "compression"));
    const char *fb = json_string_value(json_object_get(f, "fallback_scsv"));
    const char *alpn = json_string_value(json_object_get(f, "alpn"));
    struct strbuf bad = STRBUF_INIT;
    int unclear = 0;
    if (expect_bool(expect, "secure_renegotiation", 1) && json_is_false(reneg))
        strbuf_addf(&bad, "%sno secure renegotiation (RFC 5746 renegotiation_info not echoed)",
                    bad.len ? "; " : "");
    if (expect_bool(expect, "extended_master_secret", 0) && json_is_false(ems))
        strbuf_addf(&bad, "%sno extended master secret (RFC 7627)", bad.len ? "; " : "");
    if (expect_bool(expect, "forbid_compression", 1) && comp && strcmp(comp, "none") != 0)
        strbuf_addf(&bad, "%sTLS compression (%s) accepted: CRIME", bad.len ? "; " : "", comp);
    if (expect_bool(expect, "fallback_scsv", 0) && fb) {
        if (strcmp(fb, "ignored") == 0)
            strbuf_addf(&bad, "%sTLS_FALLBACK_SCSV ignored: a downgraded hello was accepted",
                        bad.len ? "; " : "");
        else if (strcmp(fb, "unclear") == 0)
            unclear = 1;
    }
    if (expect_bool(expect, "require_h2", 0) && !(alpn && strcmp(alpn, "h2") == 0))
        strbuf_addf(&bad, "%sHTTP/2 not negotiated by ALPN (server selected %s)",
                    bad.len ? "; " : "", alpn ? alpn : "nothing");
    enum status st;
    if (bad.len) {
        result_evidencef(r, "%s", bad.buf);
        st = ST_FAIL;
    } else if (unclear) {
        result_evidencef(r, "TLS_FALLBACK_SCSV: the downgraded hello was refused, but not with "
                            "inappropriate_fallback (%s)",
                         json_string_value(json_object_get(json_object_get(f, "fallback_answer"),
                                                           "answer")));
        st = ST_ERROR;
    } else {
        result_evidencef(r, "the TLS features meet the profile");
        st = ST_PASS;
    }
    strbuf_release(&bad);
    return st;
}

static const struct expect_key features_keys[] = {
    { "secure_renegotiation", EXP_BOOL, NULL,
      "the server must support RFC 5746 secure renegotiation (default true; n/a to TLS 1.3)" },
    { "extended_master_secret", EXP_BOOL, NULL,
      "the server must support the RFC 7627 extended master secret (default false)" },
    { "forbid_compression", EXP_BOOL, NULL,
      "TLS-level compression (CRIME) must not be accepted (default true)" },
    { "fallback_scsv", EXP_BOOL, NULL,
      "a downgraded hello with TLS_FALLBACK_SCSV must be refused (default false; n/a with one "
      "version)" },
    { "require_h2", EXP_BOOL, NULL, "ALPN must select HTTP/2 (h2) when offered (default false)" },
    { NULL, 0, NULL, NULL },
};

const struct check check_tls_features = {
    .id = "tls.features",
    .family = "tls",
    .title = "TLS features: renegotiation, EMS, compression, fallback SCSV, ALPN",
    .observe = features_observe,
    .judge = features_judge,
    .expect_keys = features_keys,
};
