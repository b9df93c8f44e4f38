#!/usr/bin/env bash
# 32-cert.t — the certificate family against nginx serving each test certificate: every bad
# certificate is caught by its own judge (and only by it), and a good chain passes them all.
# Certificates come from test/fixtures/certs.sh, made at test time.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx openssl jq
gen_certs

cat >"$tmpdir/cert.yaml" <<'YAML'
profile: cert-test
title: certificate test
controls:
  CHAIN: { title: chain, check: cert.chain, severity: high }
  HOST: { title: host, check: cert.hostname, severity: high }
  EXPIRY: { title: expiry, check: cert.expiry, severity: high, expect: { min_days_remaining: 21 } }
  KEY: { title: key, check: cert.key, severity: high, expect: { min_rsa_bits: 2048, min_ec_bits: 256 } }
  SIG: { title: signature, check: cert.signature, severity: medium, expect: { forbid_signature: [md5, sha1] } }
  OCSP: { title: stapling, check: cert.ocsp, severity: low }
YAML

# serve NAME CERTFILE KEYFILE: nginx with that certificate; scan it into $tmpdir/NAME.json.
serve_and_scan() {
    local name=$1 cert=$2 key=$3
    start_nginx "$name" - <<NGINX
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate $cert;
ssl_certificate_key $key;
ssl_ciphers DEFAULT:@SECLEVEL=0;
root @ROOT@;
NGINX
    run "$COCSCAN" scan -q -t 5 -p "$tmpdir/cert.yaml" --ca-file "$CERTDIR/ca.pem" \
        --json "$tmpdir/$name.json" "https://127.0.0.1:$PORT/"
    validate_report "$tmpdir/$name.json" || fail "$name: report does not match the schema"
}
# statuses NAME: "CONTROL=status ..." in profile order
statuses() { jqr "$tmpdir/$1.json" '[.targets[0].results[] | .control + "=" + .status] | join(" ")'; }

c=$CERTDIR
serve_and_scan good "$c/good-chain.pem" "$c/good.key"
is "$(statuses good)" "CHAIN=pass HOST=pass EXPIRY=pass KEY=pass SIG=pass OCSP=fail" \
    "good chain passes everything but stapling (nginx staples nothing without a responder)"
is "$(jqr "$tmpdir/good.json" '.targets[0].observations.cert.chain | length')" 2 \
    "the chain as served: leaf and intermediate"
is "$(jqr "$tmpdir/good.json" '.targets[0].observations.cert.leaf.san_ip | join(",")')" \
    127.0.0.1 "SANs recorded"

serve_and_scan missingint "$c/missingint.pem" "$c/missingint.key"
is "$(statuses missingint)" "CHAIN=fail HOST=pass EXPIRY=pass KEY=pass SIG=pass OCSP=fail" \
    "missing intermediate: only the chain fails"
like "$(jqr "$tmpdir/missingint.json" '.targets[0].results[0].evidence')" \
    'intermediate missing' "missing intermediate: says so"

serve_and_scan expired "$c/expired-chain.pem" "$c/expired.key"
like "$(statuses expired)" "CHAIN=fail HOST=pass EXPIRY=fail KEY=pass SIG=pass" \
    "expired: expiry (and the chain) fail"
like "$(jqr "$tmpdir/expired.json" '.targets[0].results[2].evidence')" 'expired on' \
    "expired: says when"

serve_and_scan expiring5 "$c/expiring5-chain.pem" "$c/expiring5.key"
is "$(statuses expiring5)" "CHAIN=pass HOST=pass EXPIRY=fail KEY=pass SIG=pass OCSP=fail" \
    "expiring in 5 days: fails min_days_remaining 21"
like "$(jqr "$tmpdir/expiring5.json" '.targets[0].observations.cert.leaf.days_remaining')" \
    '^[45]$' "expiring in 5 days: days_remaining is 4 or 5"

serve_and_scan sha1 "$c/sha1-chain.pem" "$c/sha1.key"
is "$(statuses sha1)" "CHAIN=pass HOST=pass EXPIRY=pass KEY=pass SIG=fail OCSP=fail" \
    "SHA-1 signature: only the signature fails"

serve_and_scan rsa1024 "$c/rsa1024-chain.pem" "$c/rsa1024.key"
is "$(statuses rsa1024)" "CHAIN=pass HOST=pass EXPIRY=pass KEY=fail SIG=pass OCSP=fail" \
    "RSA-1024: only the key fails"

serve_and_scan wronghost "$c/wronghost-chain.pem" "$c/wronghost.key"
is "$(statuses wronghost)" "CHAIN=pass HOST=fail EXPIRY=pass KEY=pass SIG=pass OCSP=fail" \
    "wrong host name: only the host check fails"

serve_and_scan selfsigned "$c/selfsigned.pem" "$c/selfsigned.key"
like "$(statuses selfsigned)" "^CHAIN=fail HOST=pass" "self-signed: the chain fails"
like "$(jqr "$tmpdir/selfsigned.json" '.targets[0].results[0].evidence')" 'self-signed' \
    "self-signed: says so"

serve_and_scan ec256 "$c/ec256-chain.pem" "$c/ec256.key"
is "$(statuses ec256)" "CHAIN=pass HOST=pass EXPIRY=pass KEY=pass SIG=pass OCSP=fail" \
    "P-256 key passes"
is "$(jqr "$tmpdir/ec256.json" '.targets[0].observations.cert.leaf | .key_type + " " + (.key_bits | tostring) + " " + .curve')" \
    "EC 256 prime256v1" "EC key facts"

# Without --ca-file the system store is used: our test CA is not in it.
run "$COCSCAN" scan -q -t 5 -p "$tmpdir/cert.yaml" --json "$tmpdir/sys.json" \
    "https://127.0.0.1:$PORT/"
is "$(jqr "$tmpdir/sys.json" '.targets[0].results[0].status')" fail \
    "the system store does not trust the test CA"
is "$(jqr "$tmpdir/sys.json" '.targets[0].observations.cert.verify.trust_store')" system \
    "the report says which trust store was used"
ok "system store: report validates" validate_report "$tmpdir/sys.json"
done_testing
