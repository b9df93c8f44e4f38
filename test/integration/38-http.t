#!/usr/bin/env bash
# 38-http.t — the header and http.* checks against nginx configurations, each with its pass
# and fail cases: X-Content-Type-Options, Referrer-Policy (header and <meta>), HSTS on every
# https redirect, software versions in headers, plain-http redirection, CORS.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx jq
gen_certs

cat >"$tmpdir/p.yaml" <<'YAML'
profile: http-test
title: http checks test
controls:
  HSTS: { title: hsts, check: headers.hsts, severity: high }
  XCTO: { title: nosniff, check: headers.content_type_options, severity: medium }
  REF: { title: referrer, check: headers.referrer_policy, severity: low }
  REF-REQ: { title: referrer required, check: headers.referrer_policy, severity: low,
             expect: { required: true } }
  LEAK: { title: versions, check: http.info_leak, severity: low }
  REDIR: { title: redirect, check: http.redirect, severity: high }
  CORS: { title: cors, check: http.cors, severity: high }
YAML

scan() { # NAME [extra cocscan args] — scan https://127.0.0.1:$PORT/ into $tmpdir/NAME.json
    local name=$1
    shift
    run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" -p "$tmpdir/p.yaml" \
        --json "$tmpdir/$name.json" "$@" "https://127.0.0.1:$PORT/"
    ok "$name: report validates" validate_report "$tmpdir/$name.json"
}

# 1. A good configuration: every check passes; plain http on PORT2 redirects to https. The
#    https redirect to /home/ carries HSTS only: the other headers are judged on the final page
#    (judging them on a 3xx hop is a known false positive of other scanners).
start_nginx good - <<'NGINX'
server {
    listen 127.0.0.1:@PORT@ ssl;
    ssl_certificate @CERTDIR@/good-chain.pem;
    ssl_certificate_key @CERTDIR@/good.key;
    server_tokens off;
    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
    location = / { return 302 /home/; }
    location /home/ {
        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
        add_header X-Content-Type-Options "NoSniff" always;
        add_header Referrer-Policy "no-referrer, strict-origin-when-cross-origin" always;
        add_header Access-Control-Allow-Origin "*" always;
        alias @ROOT@/;
    }
}
server {
    listen 127.0.0.1:@PORT2@;
    return 301 https://127.0.0.1:@PORT@$request_uri;
}
NGINX
scan good --http-port "$PORT2"
is "$RUN_STATUS" 0 "good: compliant"
for c in HSTS XCTO REF REF-REQ LEAK REDIR CORS; do
    is "$(status_of good "$c")" pass "good: $c passes"
done
like "$(evidence_of good REF)" 'strict-origin-when-cross-origin \(from the header\)' \
    "good: the last valid Referrer-Policy token wins"
like "$(evidence_of good REDIR)" "redirects to https://127.0.0.1:$PORT/" "good: redirect named"
is "$(jqr "$tmpdir/good.json" '.targets[0].observations.http.chain | map(.status) | join(",")')" \
    302,200 "good: the final page is the one after the redirect"
like "$(evidence_of good CORS)" 'public, without credentials' "good: wildcard without credentials"

# 2. Missing: no headers, a versioned Server, plain http serves the page, the foreign origin is
#    echoed with credentials.
start_nginx missing - <<'NGINX'
server {
    listen 127.0.0.1:@PORT@ ssl;
    ssl_certificate @CERTDIR@/good-chain.pem;
    ssl_certificate_key @CERTDIR@/good.key;
    server_tokens on;
    add_header X-Powered-By "PHP/8.2.7" always;
    add_header Access-Control-Allow-Origin $http_origin always;
    add_header Access-Control-Allow-Credentials true always;
    root @ROOT@;
}
server {
    listen 127.0.0.1:@PORT2@;
    root @ROOT@;
}
NGINX
scan missing --http-port "$PORT2"
is "$RUN_STATUS" 1 "missing: non-compliant"
for c in HSTS XCTO REF-REQ LEAK REDIR CORS; do
    is "$(status_of missing "$c")" fail "missing: $c fails"
done
is "$(status_of missing REF)" pass "missing: no Referrer-Policy passes when not required"
like "$(evidence_of missing REF)" 'browsers default to strict-origin-when-cross-origin' \
    "missing: says why an absent Referrer-Policy passes"
like "$(evidence_of missing LEAK)" 'Server: nginx/[0-9].*x-powered-by: PHP/8.2.7' \
    "missing: names the leaked versions"
like "$(evidence_of missing REDIR)" "http://127.0.0.1:$PORT2/ answers 200 instead of redirecting" \
    "missing: plain http serves the page"
like "$(evidence_of missing CORS)" 'cocscan-probe.invalid with Allow-Credentials: true' \
    "missing: reflected origin with credentials"

# 3. Weak or malformed values; an https redirect without HSTS before a final page with it;
#    plain http redirects to another host; the <meta> referrer overrides the header.
start_nginx weak - <<'NGINX'
server {
    listen 127.0.0.1:@PORT@ ssl;
    ssl_certificate @CERTDIR@/good-chain.pem;
    ssl_certificate_key @CERTDIR@/good.key;
    server_tokens off;
    add_header X-Content-Type-Options "nosnif" always;
    add_header Referrer-Policy "strict-origin" always;
    add_header Access-Control-Allow-Origin $http_origin always;
    location = / { return 302 /home/; }
    location /home/ {
        add_header Strict-Transport-Security "max-age=63072000" always;
        add_header X-Content-Type-Options "nosnif" always;
        add_header Referrer-Policy "strict-origin" always;
        add_header Access-Control-Allow-Origin $http_origin always;
        alias @DIR@/home/;
    }
}
server {
    listen 127.0.0.1:@PORT2@;
    return 301 https://localhost:@PORT@/;
}
NGINX
mkdir -p "$SERVER_DIR/home"
printf '%s\n' '<!DOCTYPE html><html><head><meta name="Referrer" content="unsafe-url">' \
    '<title>home</title></head><body>home</body></html>' >"$SERVER_DIR/home/index.html"
scan weak --http-port "$PORT2"
is "$(status_of weak HSTS)" fail "weak: HSTS missing on the https redirect fails"
like "$(evidence_of weak HSTS)" "the redirect https://127.0.0.1:$PORT/ \\(302\\) sends no Strict" \
    "weak: names the redirect without HSTS"
is "$(jqr "$tmpdir/weak.json" '.targets[0].observations.http.hsts.valid')" true \
    "weak: the final page's HSTS is valid"
is "$(status_of weak XCTO)" fail "weak: misspelled nosniff fails"
like "$(evidence_of weak XCTO)" '"nosnif", not nosniff' "weak: quotes the bad value"
is "$(status_of weak REF)" fail "weak: <meta> unsafe-url overrides the header's strict-origin"
like "$(evidence_of weak REF)" 'unsafe-url \(from the meta\)' "weak: says it came from the meta"
is "$(status_of weak REDIR)" fail "weak: redirect to another host first fails"
like "$(evidence_of weak REDIR)" 'another host' "weak: says why"
is "$(status_of weak CORS)" fail "weak: reflected origin without credentials fails by default"
is "$(status_of weak LEAK)" pass "weak: server_tokens off passes"

# 4. Nothing listens for plain http: pass. An https page redirecting to plain http: fail.
start_nginx downgrade - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
add_header Strict-Transport-Security "max-age=63072000" always;
return 302 http://127.0.0.1:@PORT@/insecure;
NGINX
closed=$(free_port)
scan downgrade --http-port "$closed"
is "$(status_of downgrade REDIR)" fail "downgrade: https→http redirect fails"
like "$(evidence_of downgrade REDIR)" "https://127.0.0.1:$PORT/ redirects from https back to plain http" \
    "downgrade: names the step"
is "$(jqr "$tmpdir/downgrade.json" '.targets[0].observations.http.plain_http.error | test("connect")')" \
    true "downgrade: the closed http port is recorded"

start_nginx nohttp - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
root @ROOT@;
NGINX
scan nohttp --http-port "$closed"
is "$(status_of nohttp REDIR)" pass "nohttp: nothing on plain http passes"
like "$(evidence_of nohttp REDIR)" 'nothing is served over plain http' "nohttp: says why"
done_testing
