#!/usr/bin/env bash
# gen_cert_corpus.sh [DIR] — (re)generate the seed corpus of fuzz_cert_facts (default
# test/fuzz/corpus/cert_facts) from real certificates made with openssl: the test PKI of
# test/fixtures/certs.sh (RSA, EC, expired, SHA-1, 1024-bit, wrong host, self-signed, chains)
# and a few more made here (Ed25519, RSA-PSS, IPv6 and many SANs, markup and UTF-8 in the
# subject). Each seed is the target's flag byte, then the bytes: 00/02/04 + DER (one leaf,
# described for a DNS name and an IP address), 01 + PEM (a chain). The seeds are regenerated
# with new keys and dates, so run this only to change the corpus, not in the build.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/test/fuzz/corpus/cert_facts}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OPENSSL_CONF=/dev/null

"$top/test/fixtures/certs.sh" "$work/pki" >/dev/null
mkdir -p "$out"

# seed NAME FLAG_HEX FILE — the flag byte, then FILE.
seed() {
    { printf "\\x$2"; cat "$3"; } >"$out/$1"
}
der() {
    openssl x509 -in "$1" -outform DER -out "$work/$2.der"
    echo "$work/$2.der"
}

seed rsa-good 00 "$(der "$work/pki/good.pem" good)"
seed rsa-expired 02 "$(der "$work/pki/expired.pem" expired)"
seed rsa-sha1 04 "$(der "$work/pki/sha1.pem" sha1)"
seed rsa1024 00 "$(der "$work/pki/rsa1024.pem" rsa1024)"
seed wronghost 06 "$(der "$work/pki/wronghost.pem" wronghost)"
seed ec256 00 "$(der "$work/pki/ec256.pem" ec256)"
seed selfsigned 00 "$(der "$work/pki/selfsigned.pem" selfsigned)"
seed root-ca 00 "$(der "$work/pki/ca.pem" ca)"
seed chain-good 01 "$work/pki/good-chain.pem"
seed chain-full-ec 03 "$work/pki/ec256-fullchain.pem"

# selfsigned NAME KEYGEN_ARGS SUBJ EXTRA_REQ_ARGS... — a self-signed leaf, as DER in $work.
selfsigned() {
    local name=$1 keyargs=$2 subj=$3
    shift 3
    # shellcheck disable=SC2086  # keyargs is a word list
    openssl genpkey -quiet $keyargs -out "$work/$name.key"
    openssl req -new -x509 -key "$work/$name.key" -subj "$subj" -days 30 "$@" \
        -outform DER -out "$work/$name.der"
}

selfsigned ed25519 "-algorithm ED25519" '/CN=portal.example.nz' \
    -addext 'subjectAltName=DNS:portal.example.nz,DNS:*.example.nz'
seed ed25519 00 "$work/ed25519.der"

selfsigned pss "-algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048" '/CN=pss.example.nz' \
    -sha384 -addext 'subjectAltName=DNS:pss.example.nz'
seed rsa-pss 00 "$work/pss.der"

selfsigned sans "-algorithm EC -pkeyopt ec_paramgen_curve:P-384" '/O=Many SANs/CN=x' -sha384 \
    -addext "subjectAltName=DNS:portal.example.nz,DNS:*.example.com,IP:127.0.0.1,IP:::1,$(
        )IP:10.0.0.1,IP:2001:db8::42,email:a@example.nz,URI:https://example.nz/"
seed ec384-many-sans 04 "$work/sans.der"

selfsigned markup "-algorithm EC -pkeyopt ec_paramgen_curve:P-256" \
    '/O=Org "><img src=x onerror=alert(1)>/OU=a, b \+ c; d/CN=<script>alert(1)<\/script>' \
    -addext 'subjectAltName=DNS:<b>bold</b>.example,DNS:portal.example.nz'
seed markup-subject 02 "$work/markup.der"

selfsigned utf8 "-algorithm EC -pkeyopt ec_paramgen_curve:prime256v1" \
    '/O=Māori Health — Hauora/CN=whānau.example.nz+serialNumber=42' -utf8 -multivalue-rdn \
    -addext 'subjectAltName=DNS:xn--whnau-rta.example.nz'
seed utf8-multivalue-rdn 00 "$work/utf8.der"

ls -l "$out"
du -sh "$out"
