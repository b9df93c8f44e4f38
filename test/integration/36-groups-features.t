#!/usr/bin/env bash
# 36-groups-features.t — tls.groups and tls.features against nginx and openssl s_server.
# The ground truth for groups is `openssl s_client -groups G` (it shares the servers' library):
# the groups cocscan reports for each version must be exactly the ones s_client can use.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx openssl jq
gen_certs

cat >"$tmpdir/p.yaml" <<'YAML'
profile: groups-features
title: groups and features test
controls:
  GROUPS: { title: strong groups, check: tls.groups, severity: medium,
            expect: { min_ecdh_bits: 256, min_dh_bits: 2048 } }
  GROUPS-384: { title: 384-bit curves, check: tls.groups, severity: low,
                expect: { min_ecdh_bits: 384, require: [x25519] } }
  FEATURES: { title: base features, check: tls.features, severity: high }
  FALLBACK: { title: fallback scsv, check: tls.features, severity: low,
              expect: { fallback_scsv: true } }
  EMS-H2: { title: EMS and h2, check: tls.features, severity: low,
            expect: { extended_master_secret: true, require_h2: true } }
YAML

# "VERSION group" for every group s_client can complete a handshake with on 127.0.0.1:$1.
ground_truth() {
    local port=$1 g
    # OpenSSL's names; prime192v1 is secp192r1 (the IANA name cocscan reports).
    for g in x25519 x448 prime192v1 secp224r1 secp256k1 secp256r1 secp384r1 secp521r1 \
        brainpoolP256r1 brainpoolP384r1 brainpoolP512r1 \
        ffdhe2048 ffdhe3072 ffdhe4096 ffdhe6144 ffdhe8192; do
        openssl s_client -connect "127.0.0.1:$port" -tls1_3 -groups "$g" </dev/null 2>/dev/null |
            grep -Eq '^New, .*Cipher is [^(]' && echo "TLSv1.3 $g"
        [[ $g == ffdhe* ]] && continue # TLS 1.2 negotiates ffdhe only with DHE suites
        openssl s_client -connect "127.0.0.1:$port" -tls1_2 -groups "$g" \
            -cipher 'ECDHE:@SECLEVEL=0' </dev/null 2>/dev/null |
            grep -Eq '^New, .*Cipher is [^(]' && echo "TLSv1.2 $g"
    done | sed 's/prime192v1/secp192r1/' | sort
    return 0
}
observed() {
    jqr "$1" '.targets[0].observations.tls.groups | to_entries[] | .key + " " + .value[]' | sort
}
feature() { jqr "$tmpdir/$1.json" ".targets[0].observations.tls.features.$2"; }

# 1. nginx TLS 1.2 + 1.3 with HTTP/2 and three groups, one of them finite-field.
start_nginx modern - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl http2;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
ssl_protocols TLSv1.2 TLSv1.3;
ssl_ecdh_curve X25519:secp384r1:ffdhe2048;
root @ROOT@;
NGINX
run "$COCSCAN" scan -q -t 5 -p "$tmpdir/p.yaml" --json "$tmpdir/modern.json" \
    "https://127.0.0.1:$PORT/"
ok "modern: report validates" validate_report "$tmpdir/modern.json"
truth=$(ground_truth "$PORT")
is "$(observed "$tmpdir/modern.json")" "$truth" "modern: groups equal s_client's ground truth"
like "$truth" 'TLSv1.3 ffdhe2048' "modern: the ground truth includes the ffdhe group"
is "$(status_of modern GROUPS)" pass "modern: groups of 256+ bits pass"
is "$(status_of modern GROUPS-384)" fail "modern: min_ecdh_bits 384 fails on x25519"
is "$(feature modern secure_renegotiation)" true "modern: secure renegotiation"
is "$(feature modern extended_master_secret)" true "modern: extended master secret"
is "$(feature modern compression)" none "modern: no compression"
is "$(feature modern alpn)" h2 "modern: ALPN selects h2 (read from the TLS 1.3 handshake)"
is "$(feature modern fallback_scsv)" honoured "modern: TLS_FALLBACK_SCSV honoured"
like "$(feature modern fallback_answer.answer)" inappropriate_fallback "modern: says how"
for c in FEATURES FALLBACK EMS-H2; do
    is "$(status_of modern "$c")" pass "modern: $c passes"
done

# 2. openssl s_server, TLS 1.3 only, no ALPN: renegotiation/EMS/compression do not apply,
#    fallback is not applicable with one version, and h2 is not negotiated.
start_s_server tls13 -cert "$CERTDIR/good-chain.pem" -key "$CERTDIR/good.key" -tls1_3 \
    -groups secp256r1:secp521r1
run "$COCSCAN" scan -q -t 5 -p "$tmpdir/p.yaml" --json "$tmpdir/tls13.json" \
    "https://127.0.0.1:$PORT/"
ok "tls13: report validates" validate_report "$tmpdir/tls13.json"
is "$(observed "$tmpdir/tls13.json")" "$(ground_truth "$PORT")" "tls13: groups equal ground truth"
is "$(jqr "$tmpdir/tls13.json" '.targets[0].observations.tls.groups | keys | join(",")')" \
    TLSv1.3 "tls13: only TLS 1.3 groups"
is "$(feature tls13 secure_renegotiation)" null "tls13: renegotiation does not apply"
is "$(feature tls13 fallback_scsv)" not_applicable "tls13: fallback not applicable"
is "$(feature tls13 alpn)" null "tls13: no ALPN"
is "$(status_of tls13 FEATURES)" pass "tls13: base features pass"
is "$(status_of tls13 EMS-H2)" fail "tls13: require_h2 fails without ALPN"
like "$(jqr "$tmpdir/tls13.json" '.targets[0].results[] | select(.control == "GROUPS-384")
    | .evidence')" 'secp256r1 \(256-bit curve\).*x25519 not accepted' \
    "tls13: evidence names the small curve and the missing required group"

# 3. s_server TLS 1.2 with a 192-bit curve, which is caught; ALPN offers http/1.1 only.
start_s_server tls12 -cert "$CERTDIR/good-chain.pem" -key "$CERTDIR/good.key" -tls1_2 \
    -groups secp256r1:prime192v1 -alpn http/1.1 -cipher 'ECDHE:@SECLEVEL=0'
run "$COCSCAN" scan -q -t 5 -p "$tmpdir/p.yaml" --json "$tmpdir/tls12.json" \
    "https://127.0.0.1:$PORT/"
ok "tls12: report validates" validate_report "$tmpdir/tls12.json"
is "$(observed "$tmpdir/tls12.json")" "$(ground_truth "$PORT")" \
    "tls12: groups equal ground truth"
like "$(observed "$tmpdir/tls12.json")" 'TLSv1.2 secp192r1' "tls12: secp192r1 found"
is "$(status_of tls12 GROUPS)" fail "tls12: a 192-bit curve fails min_ecdh_bits 256"
is "$(feature tls12 alpn)" http/1.1 "tls12: ALPN answer from the raw hello"
is "$(status_of tls12 EMS-H2)" fail "tls12: require_h2 fails with http/1.1"
# 4. The scripted fake server (test/fixtures/fake_tls.py) as an old stack: no renegotiation_info,
#    DEFLATE chosen when offered, TLS_FALLBACK_SCSV ignored, extended master secret echoed.
start_fake_tls old --mode negotiate --versions tls1.0,tls1.2 --suites 0xC02F,0x002F \
    --cert "$CERTDIR/good.pem" --no-reneg --compression --ignore-fallback --ems
run "$COCSCAN" scan -q -t 5 -p "$tmpdir/p.yaml" --checks tls.features --json "$tmpdir/old.json" \
    "https://127.0.0.1:$PORT/"
ok "old: report validates" validate_report "$tmpdir/old.json"
is "$(feature old secure_renegotiation)" false "old: no secure renegotiation"
is "$(feature old compression)" deflate "old: DEFLATE compression accepted"
is "$(feature old extended_master_secret)" true "old: EMS echoed"
is "$(feature old fallback_scsv)" ignored "old: the downgraded TLS 1.0 hello was accepted"
is "$(feature old fallback_answer.version)" TLSv1.0 "old: fallback probed at the second-highest version"
is "$(status_of old FEATURES)" fail "old: base features fail"
like "$(jqr "$tmpdir/old.json" '.targets[0].results[] | select(.control == "FEATURES") | .evidence')" \
    'no secure renegotiation.*TLS compression \(deflate\) accepted: CRIME' "old: both reasons given"
is "$(status_of old FALLBACK)" fail "old: ignored fallback SCSV fails"

# 5. The fixture's default stack: honours the SCSV, echoes renegotiation_info, no EMS.
start_fake_tls fb --mode negotiate --versions tls1.1,tls1.2 --suites 0xC02F
run "$COCSCAN" scan -q -t 5 -p "$tmpdir/p.yaml" --checks tls.features --json "$tmpdir/fb.json" \
    "https://127.0.0.1:$PORT/"
ok "fb: report validates" validate_report "$tmpdir/fb.json"
is "$(feature fb fallback_scsv)" honoured "fb: inappropriate_fallback answered"
is "$(feature fb secure_renegotiation)" true "fb: renegotiation_info echoed"
is "$(feature fb extended_master_secret)" false "fb: no EMS"
is "$(status_of fb EMS-H2)" fail "fb: EMS required but missing fails"
done_testing
