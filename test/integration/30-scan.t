#!/usr/bin/env bash
# 30-scan.t — whole scans against real servers on loopback: nginx configured well and badly,
# openssl s_server speaking TLS 1.0/1.1 at SECLEVEL=0. Checks verdicts, exit codes, --fail-on,
# --checks, --json -, report schema, and that hostile header bytes stay out of the terminal.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx openssl jq
gen_certs
ca=$CERTDIR/ca.pem
closed=$(free_port)

scan() { # name url [options]: scan into $tmpdir/NAME.json with the CLI's exit status in RUN_STATUS
    local name=$1 url=$2
    shift 2
    # Nothing listens on the --http-port: no dependence on what this machine has on port 80.
    run "$COCSCAN" scan -t 5 --ca-file "$ca" --http-port "$closed" --json "$tmpdir/$name.json" \
        "$@" "$url"
    validate_report "$tmpdir/$name.json" || fail "$name: report does not match the schema"
}

# 1. A good server: TLS 1.2 + 1.3 with forward-secret suites only, HSTS one year on the https
#    redirect and on the final page it leads to, a strict CSP, a Permissions-Policy.
start_nginx good - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
ssl_protocols TLSv1.2 TLSv1.3;
ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305;
server_tokens off;
location = / { add_header Strict-Transport-Security "max-age=31536000" always; return 302 /portal/; }
location /portal/ {
    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
    add_header X-Content-Type-Options nosniff always;
    add_header Referrer-Policy same-origin always;
    add_header Content-Security-Policy "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'" always;
    add_header Permissions-Policy "camera=(), microphone=(), geolocation=(), payment=()" always;
    alias @ROOT@/;
}
NGINX
good=https://127.0.0.1:$PORT/
scan good "$good"
is "$RUN_STATUS" 0 "good server: exit 0"
is "$(jqr "$tmpdir/good.json" .verdict)" compliant "good server: compliant"
is "$(jqr "$tmpdir/good.json" '.targets[0].observations.tls.protocols | join(",")')" \
    "TLSv1.2,TLSv1.3" "good server: TLS 1.2 and 1.3 observed"
is "$(status_of good COC-TLS-01)" pass "good server: COC-TLS-01 passes"
is "$(status_of good COC-HDR-01)" pass "good server: HSTS on the redirect and the final page passes"
is "$(jqr "$tmpdir/good.json" '.targets[0].observations.http.chain | map(.status) | join(",")')" \
    "302,200" "the in-origin redirect is followed and recorded"
is "$(jqr "$tmpdir/good.json" '.targets[0].observations.tls.protocol_answers | length')" 6 \
    "one protocol probe per version"
is "$(status_of good COC-TLS-03)" pass "good server: forward secrecy everywhere"
like "$(cat "$RUN_OUT")" 'Verdict: COMPLIANT' "readable report ends with the verdict"
is "$(jqr "$tmpdir/good.json" '.profile.id + " " + (.profile.sha256 | length | tostring)')" \
    "nz-health-portal 64" "report names the profile and its sha256"

# 2. A weak server: TLS 1.2 only, HSTS one day.
start_nginx weak - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
ssl_protocols TLSv1.2;
add_header Strict-Transport-Security "max-age=86400" always;
root @ROOT@;
NGINX
weak=https://127.0.0.1:$PORT/
scan weak "$weak"
is "$RUN_STATUS" 1 "weak server: exit 1"
is "$(jqr "$tmpdir/weak.json" .verdict)" non-compliant "weak server: non-compliant"
is "$(status_of weak COC-TLS-01)" fail "TLS 1.3 missing fails COC-TLS-01"
like "$(evidence_of weak COC-TLS-01)" 'TLSv1\.3 not accepted \(required\)' "…and says why"
is "$(status_of weak COC-HDR-01)" fail "one-day HSTS fails COC-HDR-01"
like "$(evidence_of weak COC-HDR-01)" 'max-age=86400 .* below the required 31536000' "…and says why"
out=$(cat "$RUN_OUT")
fail_line=$(grep -n 'FAIL' <<<"$out" | head -1 | cut -d: -f1)
skip_line=$(grep -n 'SKIPPED' <<<"$out" | head -1 | cut -d: -f1)
ok "readable report lists failures before skipped controls" test "$fail_line" -lt "$skip_line"
like "$out" 'observed: max-age=86400' "readable report shows the observed value"

scan weak-crit "$weak" --fail-on critical -q
is "$RUN_STATUS" 0 "--fail-on critical: high and medium failures do not fail the run"
is "$(jqr "$tmpdir/weak-crit.json" .fail_on)" critical "report records fail_on"

scan weak-tls "$weak" --checks tls -q
is "$RUN_STATUS" 1 "--checks tls: still non-compliant on TLS"
is "$(status_of weak-tls COC-HDR-01)" skipped "--checks tls: the HSTS control is skipped"
like "$(evidence_of weak-tls COC-HDR-01)" 'not selected by --checks' "…with the reason"
is "$(jqr "$tmpdir/weak-tls.json" '.targets[0].observations | keys | join(",")')" tls \
    "--checks tls: no HTTP request was made"

run "$COCSCAN" scan -t 5 --json - "$weak"
is "$RUN_STATUS" 1 "--json -: exit 1"
is "$(jq -r .verdict "$RUN_OUT")" non-compliant "--json -: stdout is the JSON report alone"
ok "--json -: the report on stdout validates" validate_report "$RUN_OUT"

# 3. Legacy protocols: openssl s_server with TLS 1.0 at SECLEVEL=0 (Debian's default refuses).
if start_s_server legacy -cert "$CERTDIR/good-chain.pem" -key "$CERTDIR/good.key" \
    -tls1 -cipher 'DEFAULT:@SECLEVEL=0'; then
    scan legacy "https://127.0.0.1:$PORT/" --checks tls.protocols
    is "$RUN_STATUS" 1 "TLS 1.0 server: exit 1"
    is "$(jqr "$tmpdir/legacy.json" '.targets[0].observations.tls.protocols | join(",")')" \
        TLSv1.0 "TLS 1.0 server: only TLSv1.0 observed"
    like "$(evidence_of legacy COC-TLS-01)" 'TLSv1\.0 accepted \(below the minimum TLSv1\.2\)' \
        "TLS 1.0 is reported below the minimum"
    # Ground truth from the server's own library.
    ok "s_client agrees TLS 1.0 is accepted" sh -c "openssl s_client -connect 127.0.0.1:$PORT \
        -tls1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null >/dev/null 2>&1"
    fails "s_client agrees TLS 1.2 is refused" sh -c "openssl s_client -connect 127.0.0.1:$PORT \
        -tls1_2 </dev/null >/dev/null 2>&1"
else
    fail "openssl s_server -tls1 did not start"
fi

# 4. TLS 1.3 only.
start_nginx tls13 - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
ssl_protocols TLSv1.3;
root @ROOT@;
NGINX
scan tls13 "https://127.0.0.1:$PORT/" --checks tls.protocols -q
is "$(jqr "$tmpdir/tls13.json" '.targets[0].observations.tls.protocols | join(",")')" TLSv1.3 \
    "TLS 1.3-only server: only TLSv1.3 observed"
is "$(status_of tls13 COC-TLS-01)" pass "TLS 1.3-only server passes COC-TLS-01"

# 5. Hostile header bytes: an ESC sequence and invalid UTF-8 in the HSTS value.
printf 'listen 127.0.0.1:@PORT@ ssl;\nssl_certificate @CERTDIR@/good-chain.pem;\n' >"$tmpdir/h.conf"
printf 'ssl_certificate_key @CERTDIR@/good.key;\nroot @ROOT@;\n' >>"$tmpdir/h.conf"
printf 'add_header Strict-Transport-Security "max-age=5\033[2J\377;<script>" always;\n' \
    >>"$tmpdir/h.conf"
start_nginx hostile "$tmpdir/h.conf"
scan hostile "https://127.0.0.1:$PORT/" --checks headers
is "$RUN_STATUS" 1 "hostile header: judged, exit 1"
is "$(status_of hostile COC-HDR-01)" fail "hostile header: invalid HSTS fails"
like "$(jqr "$tmpdir/hostile.json" '.targets[0].observations.http.hsts.raw')" $'\uFFFD' \
    "invalid UTF-8 is replaced by U+FFFD in the JSON report"
unlike "$(cat "$RUN_OUT")" $'\033' "no escape byte from the server reaches the terminal"
done_testing
