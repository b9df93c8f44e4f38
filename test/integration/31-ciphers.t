#!/usr/bin/env bash
# 31-ciphers.t — tls.ciphers against nginx configurations, with the ground truth taken from
# `openssl s_client` (it shares the servers' library, so it can offer every suite they have):
# the accepted suites must be exactly the ones s_client can negotiate, and the server's
# preference order must be detected when it enforces one.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx openssl jq
gen_certs

cat >"$tmpdir/ciphers.yaml" <<'YAML'
profile: cipher-test
title: cipher test
controls:
  NO-WEAK: { title: no weak classes, check: tls.ciphers, severity: high,
             expect: { forbid_classes: ["NULL", anon, EXPORT, RC4, DES, 3DES] } }
  FS: { title: forward secrecy, check: tls.ciphers, severity: medium,
        expect: { forward_secrecy: true } }
  NO-CBC: { title: no CBC, check: tls.ciphers, severity: low, expect: { forbid_classes: [CBC] } }
YAML

# "PROTOCOL IANA_NAME" of every suite s_client negotiates with 127.0.0.1:$1 (lib.sh's ossl_truth).
ground_truth() { ossl_truth "$1" | awk '{ print $1 " " $3 }' | sort; }
observed() { jqr "$1" '.targets[0].observations.tls.ciphers[] | .protocol + " " + .name' | sort; }

# 1. Mozilla "intermediate": TLS 1.2 + 1.3, ECDHE/DHE with AES-GCM or ChaCha20, client order.
start_nginx intermediate "$top/test/fixtures/tls/intermediate.conf"
run "$COCSCAN" scan -q -t 5 -p "$tmpdir/ciphers.yaml" --json "$tmpdir/inter.json" \
    "https://127.0.0.1:$PORT/"
is "$RUN_STATUS" 0 "intermediate: compliant"
ok "intermediate: report validates" validate_report "$tmpdir/inter.json"
truth=$(ground_truth "$PORT")
is "$(observed "$tmpdir/inter.json")" "$truth" "intermediate: suites equal s_client's ground truth"
is "$(wc -l <<<"$truth" | tr -d ' ')" 8 "intermediate: 5 TLS 1.2 suites (RSA cert) + 3 TLS 1.3"
for c in NO-WEAK FS NO-CBC; do
    is "$(status_of inter "$c")" pass "intermediate: $c passes"
done
is "$(jqr "$tmpdir/inter.json" '.targets[0].observations.tls.cipher_order["TLSv1.2"].server_enforced')" \
    false "intermediate: client order detected"
n=$(jqr "$tmpdir/inter.json" '.targets[0].observations.tls.ciphers | length')
probes=$(jqr "$tmpdir/inter.json" '.targets[0].observations.tls.probes')
ok "probes ($probes) <= accepted suites ($n) + protocols tried (6) + 8" test "$probes" -le $((n + 14))

# 2. Legacy TLS 1.2: static RSA key exchange and CBC, server order enforced.
start_nginx legacy - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
ssl_protocols TLSv1.2;
ssl_ciphers AES256-SHA256:AES128-SHA:ECDHE-RSA-AES128-SHA:AES128-GCM-SHA256;
ssl_prefer_server_ciphers on;
root @ROOT@;
NGINX
run "$COCSCAN" scan -q -t 5 -p "$tmpdir/ciphers.yaml" --json "$tmpdir/legacy.json" \
    "https://127.0.0.1:$PORT/"
is "$RUN_STATUS" 1 "legacy: non-compliant"
ok "legacy: report validates" validate_report "$tmpdir/legacy.json"
is "$(observed "$tmpdir/legacy.json")" "$(ground_truth "$PORT")" "legacy: suites equal ground truth"
is "$(status_of legacy NO-WEAK)" pass "legacy: no weak classes"
is "$(status_of legacy FS)" fail "legacy: static RSA fails forward secrecy"
is "$(status_of legacy NO-CBC)" fail "legacy: CBC found"
is "$(jqr "$tmpdir/legacy.json" '.targets[0].observations.tls.cipher_order["TLSv1.2"].server_enforced')" \
    true "legacy: server order detected"
is "$(jqr "$tmpdir/legacy.json" '.targets[0].observations.tls.cipher_order["TLSv1.2"].order | join(",")')" \
    "0x003D,0x002F,0xC013,0x009C" "legacy: the server's order is the configured one"
is "$(jqr "$tmpdir/legacy.json" '.targets[0].observations.tls.ciphers[] | select(.code == "0x002F")
    | [.kx, .enc, (.bits | tostring), .mac, (.forward_secrecy | tostring), (.flags | join("+"))]
    | join(" ")')" "RSA AES_128_CBC 128 SHA false cbc+sha1" "legacy: a suite's classification"

# 3. DHE with a 1024-bit group (RFC 5114's), then with ffdhe2048: min_dh_bits judges the group.
cat >"$tmpdir/dh.yaml" <<'YAML'
profile: dh-test
title: DH test
controls:
  DH: { title: DH group, check: tls.ciphers, severity: high,
        expect: { min_dh_bits: 2048, min_ecdh_bits: 256 } }
YAML
for dh in dh1024 dh2048; do
    start_nginx "$dh" - <<NGINX
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
ssl_protocols TLSv1.2;
ssl_ciphers DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0;
ssl_dhparam @CERTDIR@/$dh.pem;
root @ROOT@;
NGINX
    run "$COCSCAN" scan -q -t 5 -p "$tmpdir/dh.yaml" --json "$tmpdir/$dh.json" \
        "https://127.0.0.1:$PORT/"
    ok "$dh: report validates" validate_report "$tmpdir/$dh.json"
done
is "$(jqr "$tmpdir/dh1024.json" '.targets[0].observations.tls.ciphers[]
    | select(.kx == "DHE") | .dh_bits')" 1024 "dh1024: the DHE prime's size is observed"
is "$(jqr "$tmpdir/dh1024.json" '.targets[0].results[0].status')" fail "dh1024: min_dh_bits 2048 fails"
like "$(jqr "$tmpdir/dh1024.json" '.targets[0].results[0].evidence')" 'DH group of 1024 bits' \
    "dh1024: says why"
is "$(jqr "$tmpdir/dh2048.json" '.targets[0].observations.tls.ciphers[]
    | select(.kx == "DHE") | .dh_bits')" 2048 "dh2048: 2048 bits observed"
is "$(jqr "$tmpdir/dh2048.json" '.targets[0].results[0].status')" pass "dh2048: passes"
like "$(jqr "$tmpdir/dh2048.json" '.targets[0].observations.tls.ciphers[]
    | select(.kx == "ECDHE") | .group')" '^(x25519|secp256r1|x448|secp384r1)$' \
    "the ECDHE group is observed"
done_testing
