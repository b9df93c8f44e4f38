#!/usr/bin/env bash
# 47-sign.t — report signatures with the real binary: `cocscan keygen` (PKCS#8 private key mode
# 0600 whatever the umask, never overwritten without --force, a key id openssl agrees with);
# `scan --sign-key` and `evaluate --sign-key` writing REPORT.json.sig; `cocscan report verify`
# saying valid (exit 0), changed report, other key, malformed signature file (exit 1), missing
# files (exit 2); the same signature checked with plain `openssl pkeyutl -verify -rawin`, as
# docs/signing.md tells a ministry to; --sign-key problems refused before any probe (exit 2).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx jq openssl base64 sha256sum
gen_certs

start_nginx web - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
root @ROOT@;
NGINX
url=https://127.0.0.1:$PORT/
access_log=$SERVER_DIR/logs/access.log
d=$tmpdir/w
mkdir -p "$d"
sha() { sha256sum "$1" | cut -d' ' -f1; }

# keygen
run "$COCSCAN" keygen -o "$d/k.key"
is "$RUN_STATUS" 0 "keygen: exit 0"
ok "keygen: the private key and KEY.pub are written" test -s "$d/k.key" -a -s "$d/k.key.pub"
is "$(stat -c %a "$d/k.key")" 600 "keygen: the private key is mode 0600"
is "$(head -n 1 "$d/k.key") / $(head -n 1 "$d/k.key.pub")" \
    "-----BEGIN PRIVATE KEY----- / -----BEGIN PUBLIC KEY-----" "keygen: PKCS#8 and SPKI PEM"
like "$(openssl pkey -in "$d/k.key" -noout -text 2>&1 | head -n 1)" '^ED25519 Private-Key' \
    "keygen: openssl reads it as an Ed25519 key"
keyid=$(sed -n 's/^ *key id *//p' "$RUN_OUT")
like "$keyid" '^sha256:[0-9a-f]{64}$' "keygen: prints the key id"
is "sha256:$(openssl pkey -pubin -in "$d/k.key.pub" -outform DER | sha256sum | cut -d' ' -f1)" \
    "$keyid" "keygen: the key id is the SHA-256 of the DER public key (as openssl computes it)"
(umask 000 && "$COCSCAN" keygen -o "$d/u.key" >/dev/null)
is "$(stat -c %a "$d/u.key")" 600 "keygen: mode 0600 even under umask 000"

before=$(sha "$d/k.key")
run "$COCSCAN" keygen -o "$d/k.key"
is "$RUN_STATUS" 2 "keygen: an existing key is not overwritten without --force (exit 2)"
like "$(cat "$RUN_ERR")" 'k\.key exists; not replacing it \(--force replaces it\)' \
    "keygen: says why"
is "$(sha "$d/k.key")" "$before" "keygen: the existing key is untouched"
run "$COCSCAN" keygen -o "$d/u.key" --force
is "$RUN_STATUS" 0 "keygen --force: replaces the pair"
is "$(stat -c %a "$d/u.key")" 600 "keygen --force: the new key is mode 0600 too"
run "$COCSCAN" keygen -o "$d/other.key" --pub "$d/other.pub"
is "$RUN_STATUS" 0 "keygen --pub: another pair, public key where asked"
ok "keygen --pub: the public key is there" test -s "$d/other.pub"
run "$COCSCAN" keygen --help
like "$(cat "$RUN_OUT")" 'Exit codes:.*' "keygen --help"

# scan --sign-key, then verify.
run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" --checks headers "$url" \
    --json "$d/r.json" --sign-key "$d/k.key"
like "$RUN_STATUS" '^[01]$' "scan --sign-key: the scan ran (exit 0 or 1)"
diag_file "$RUN_ERR"
ok "scan --sign-key: r.json.sig is written" test -s "$d/r.json.sig"
is "$(jq -r '[.type, .algorithm, .key_id] | join(" ")' "$d/r.json.sig")" \
    "https://cocscan.nz/signature/v1 ed25519 $keyid" "the signature file: type, algorithm, key id"
is "$(jq -r .report_sha256 "$d/r.json.sig")" "$(sha "$d/r.json")" \
    "the signature file: report_sha256 is the report file's"
is "$(jq -r .signature "$d/r.json.sig" | base64 -d | wc -c)" 64 \
    "the signature file: 64 signature bytes in base64"

run "$COCSCAN" report verify "$d/r.json" --pubkey "$d/k.key.pub"
is "$RUN_STATUS" 0 "report verify: a signed report is valid (exit 0)"
is "$(cat "$RUN_OUT")" "$d/r.json: signature valid (key $keyid)" \
    "report verify: says so, and which key"

# What docs/signing.md tells a ministry without cocscan to run.
jq -r .signature "$d/r.json.sig" | base64 -d >"$d/r.json.sig.bin"
# shellcheck disable=SC2016  # the sed script of docs/signing.md, for a verifier without jq
is "$(sed -n 's|.*"signature": *"\([A-Za-z0-9+/=]*\)".*|\1|p' "$d/r.json.sig" | base64 -d |
    sha256sum)" "$(sha256sum <"$d/r.json.sig.bin")" "docs/signing.md's sed gets the same bytes"
run openssl pkeyutl -verify -pubin -inkey "$d/k.key.pub" -rawin -in "$d/r.json" \
    -sigfile "$d/r.json.sig.bin"
is "$RUN_STATUS" 0 "openssl pkeyutl -verify -rawin: the signature verifies without cocscan"
like "$(cat "$RUN_OUT")" 'Signature Verified Successfully' "openssl pkeyutl: says so"

# One changed byte.
cp "$d/r.json" "$d/r.orig.json"
printf 'X' | dd of="$d/r.json" bs=1 seek=20 conv=notrunc status=none
isnt "$(sha "$d/r.json")" "$(sha "$d/r.orig.json")" "one byte of r.json changed"
run "$COCSCAN" report verify "$d/r.json" --pubkey "$d/k.key.pub"
is "$RUN_STATUS" 1 "report verify: a changed report is invalid (exit 1)"
like "$(cat "$RUN_ERR")" \
    'signature does not match the report \(the report was changed after signing\)' \
    "report verify: says the report was changed"
is "$(wc -l <"$RUN_ERR")" 1 "report verify: one line on stderr"
is "$(wc -c <"$RUN_OUT")" 0 "report verify: nothing on stdout"
run openssl pkeyutl -verify -pubin -inkey "$d/k.key.pub" -rawin -in "$d/r.json" \
    -sigfile "$d/r.json.sig.bin"
isnt "$RUN_STATUS" 0 "openssl pkeyutl: rejects the changed report too"
cp "$d/r.orig.json" "$d/r.json"

# Another key; an explicit --sig; damaged signature files; missing files.
run "$COCSCAN" report verify "$d/r.json" --pubkey "$d/other.pub"
is "$RUN_STATUS" 1 "report verify: another public key is invalid (exit 1)"
want="signed by a different key \\(key_id $keyid; this public key is sha256:[0-9a-f]{64}"
like "$(cat "$RUN_ERR")" "$want" "report verify: names both keys"
cp "$d/r.json.sig" "$d/elsewhere.sig"
run "$COCSCAN" report verify --sig "$d/elsewhere.sig" "$d/r.json" -k "$d/k.key.pub"
is "$RUN_STATUS" 0 "report verify --sig FILE: valid"
head -c 60 "$d/r.json.sig" >"$d/trunc.sig"
run "$COCSCAN" report verify "$d/r.json" --pubkey "$d/k.key.pub" --sig "$d/trunc.sig"
is "$RUN_STATUS" 1 "report verify: a truncated signature file is invalid (exit 1)"
like "$(cat "$RUN_ERR")" 'trunc\.sig:[0-9]+:[0-9]+: not a cocscan signature file' \
    "report verify: says the signature file is malformed, and where"
jq '.signature |= .[0:80]' "$d/r.json.sig" >"$d/short.sig"
run "$COCSCAN" report verify "$d/r.json" --pubkey "$d/k.key.pub" --sig "$d/short.sig"
is "$RUN_STATUS" 1 "report verify: a short base64 signature is invalid (exit 1)"
like "$(cat "$RUN_ERR")" 'malformed "signature"' "report verify: says which member"
run "$COCSCAN" report verify "$d/r.json" --pubkey "$d/nope.pub"
is "$RUN_STATUS" 2 "report verify: a missing public key is exit 2"
run "$COCSCAN" report verify "$d/r.json" --pubkey "$d/k.key"
is "$RUN_STATUS" 2 "report verify: a private key given as --pubkey is exit 2"
like "$(cat "$RUN_ERR")" 'a private key; verify with the public key' "report verify: says so"
run "$COCSCAN" report verify "$d/r.orig.json" --pubkey "$d/k.key.pub"
is "$RUN_STATUS" 2 "report verify: a missing signature file is exit 2"
run "$COCSCAN" report verify "$d/nope.json" --pubkey "$d/k.key.pub" --sig "$d/r.json.sig"
is "$RUN_STATUS" 2 "report verify: a missing report is exit 2"
run "$COCSCAN" report verify "$d/r.json"
is "$RUN_STATUS" 2 "report verify: --pubkey is required (exit 2)"
run "$COCSCAN" report verify --help
like "$(cat "$RUN_OUT")" 'Exit codes: 0 valid, 1 invalid' "report verify --help"

# evaluate --sign-key.
run "$COCSCAN" evaluate "$d/r.json" -q --json "$d/e.json" --sign-key "$d/k.key"
like "$RUN_STATUS" '^[01]$' "evaluate --sign-key: evaluated (exit 0 or 1)"
diag_file "$RUN_ERR"
run "$COCSCAN" report verify "$d/e.json" --pubkey "$d/k.key.pub"
is "$RUN_STATUS" 0 "evaluate --sign-key: its report verifies"

# --sign-key problems are usage errors, found before any probe.
requests=$(wc -l <"$access_log")
isnt "$requests" 0 "(the scans above are in the server's access log)"
run "$COCSCAN" scan -q --checks headers --ca-file "$CERTDIR/ca.pem" "$url" --json - \
    --sign-key "$d/k.key"
is "$RUN_STATUS" 2 "scan --sign-key with --json -: exit 2"
like "$(cat "$RUN_ERR")" \
    "--sign-key needs --json FILE \\(a signature covers a file's exact bytes\\)" \
    "scan --sign-key with --json -: says why"
run "$COCSCAN" scan -q --checks headers --ca-file "$CERTDIR/ca.pem" "$url" --sign-key "$d/k.key"
is "$RUN_STATUS" 2 "scan --sign-key without --json: exit 2"
run "$COCSCAN" scan -q --checks headers --ca-file "$CERTDIR/ca.pem" "$url" --json "$d/x.json" \
    --sign-key "$d/nope.key"
is "$RUN_STATUS" 2 "scan --sign-key with a missing key: exit 2"
like "$(cat "$RUN_ERR")" 'nope\.key: cannot read the private key' "scan: says which file"
run "$COCSCAN" scan -q --checks headers --ca-file "$CERTDIR/ca.pem" "$url" --json "$d/x.json" \
    --sign-key "$d/k.key.pub"
is "$RUN_STATUS" 2 "scan --sign-key with the public key: exit 2"
run "$COCSCAN" scan -q --checks headers --ca-file "$CERTDIR/ca.pem" "$url" --json "$d/x.json" \
    --sign-key "$CERTDIR/good.key"
is "$RUN_STATUS" 2 "scan --sign-key with a key that is not Ed25519: exit 2"
like "$(cat "$RUN_ERR")" 'not Ed25519' "scan: says it is not Ed25519"
is "$(wc -l <"$access_log")" "$requests" "none of them sent a request"
ok "none of them wrote a report" test ! -e "$d/x.json"
run "$COCSCAN" evaluate "$d/r.json" --json - --sign-key "$d/k.key"
is "$RUN_STATUS" 2 "evaluate --sign-key with --json -: exit 2"
like "$(cat "$RUN_ERR")" '--sign-key needs --json FILE' "evaluate: says why"

# A hostile .sig: its bytes never reach the terminal raw, and the message stays one line.
printf '{"type": "\033[31mred\nsecond line' >"$d/hostile.sig"
run "$COCSCAN" report verify "$d/r.json" --pubkey "$d/k.key.pub" --sig "$d/hostile.sig"
is "$RUN_STATUS" 1 "a .sig that is not JSON: exit 1"
is "$(grep -c $'\033' "$RUN_ERR")" 0 "no escape sequence from the .sig reaches stderr"
is "$(wc -l <"$RUN_ERR")" 1 "the message is one line"

# report merge signs the fleet JSON it writes, the same way.
run "$COCSCAN" report merge "$d/r.json" -o "$d/fleet.json" --sign-key "$d/k.key"
is "$RUN_STATUS" 0 "report merge --sign-key: exit 0"
run "$COCSCAN" report verify "$d/fleet.json" --pubkey "$d/k.key.pub"
is "$RUN_STATUS" 0 "the merged fleet's signature verifies"
printf ' ' >>"$d/fleet.json"
run "$COCSCAN" report verify "$d/fleet.json" --pubkey "$d/k.key.pub"
is "$RUN_STATUS" 1 "one byte appended to the fleet: exit 1"
run "$COCSCAN" report merge "$d/r.json" --sign-key "$d/k.key"
is "$RUN_STATUS" 2 "report merge --sign-key to standard output: exit 2"
like "$(cat "$RUN_ERR")" '--sign-key needs -o FILE' "merge: says why"
run "$COCSCAN" report merge "$d/r.json" -o "$d/fleet2.json" --sign-key "$d/nope.key"
is "$RUN_STATUS" 2 "report merge with a missing key: exit 2"
ok "and wrote nothing" test ! -e "$d/fleet2.json"

done_testing
