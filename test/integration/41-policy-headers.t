#!/usr/bin/env bash
# 41-policy-headers.t — headers.csp, headers.frame_options and headers.cross_origin against
# nginx, each with pass and fail cases: an enforced CSP vs a Report-Only one (a Report-Only CSP
# counted as a CSP is a known false positive of other scanners), CSP in <meta> inside and outside
# <head>, frame-ancestors overriding X-Frame-Options, conflicting and obsolete X-Frame-Options
# values, and Permissions-Policy / COOP / CORP reported and judged against profile requirements.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx jq
gen_certs

cat >"$tmpdir/p.yaml" <<'YAML'
profile: policy-test
title: CSP, framing and cross-origin policy checks
controls:
  CSP: { title: csp, check: headers.csp, severity: high }
  CSP-RO: { title: csp report-only accepted, check: headers.csp, severity: high,
            expect: { allow_report_only: true } }
  CSP-FA: { title: csp with frame-ancestors, check: headers.csp, severity: high,
            expect: { require_frame_ancestors: true, require_base_uri: true } }
  FRAME: { title: framing, check: headers.frame_options, severity: high }
  FRAME-DENY: { title: framing denied, check: headers.frame_options, severity: high,
                expect: { allow_sameorigin: false } }
  XO: { title: cross-origin reported, check: headers.cross_origin, severity: low }
  XO-REQ: { title: cross-origin required, check: headers.cross_origin, severity: low,
            expect: { require_permissions_policy: true, restrict_features: [camera, geolocation],
                      coop: [same-origin, same-origin-allow-popups], corp: [same-origin] } }
YAML

scan() { # NAME — scan https://127.0.0.1:$PORT/ into $tmpdir/NAME.json
    run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" -p "$tmpdir/p.yaml" \
        --checks headers --json "$tmpdir/$1.json" "https://127.0.0.1:$PORT/"
    ok "$1: report validates" validate_report "$tmpdir/$1.json"
}
expect_statuses() { # NAME CONTROL=STATUS...
    local name=$1 cs
    shift
    for cs in "$@"; do
        is "$(status_of "$name" "${cs%%=*}")" "${cs#*=}" "$name: ${cs%%=*} is ${cs#*=}"
    done
}
TLS='listen 127.0.0.1:@PORT@ ssl;
    ssl_certificate @CERTDIR@/good-chain.pem;
    ssl_certificate_key @CERTDIR@/good.key;
    default_type text/html;'

# 1. Strict: an enforced CSP with frame-ancestors 'none', a Permissions-Policy restricting the
#    named features, COOP and CORP same-origin. Everything passes.
start_nginx strict - <<NGINX
server {
    $TLS
    add_header Content-Security-Policy "default-src 'none'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'" always;
    add_header Permissions-Policy "camera=(), geolocation=(), microphone=(self \"https://meet.example.nz\")" always;
    add_header Cross-Origin-Opener-Policy "same-origin; report-to=\"coop\"" always;
    add_header Cross-Origin-Resource-Policy "same-origin" always;
    location / { return 200 '<!DOCTYPE html><html><head><title>t</title></head><body>ok</body></html>'; }
}
NGINX
scan strict
expect_statuses strict CSP=pass CSP-RO=pass CSP-FA=pass FRAME=pass FRAME-DENY=pass XO=pass \
    XO-REQ=pass
is "$(jqr "$tmpdir/strict.json" '.targets[0].observations.http.csp.observatory.result')" \
    csp-implemented-with-no-unsafe-default-src-none "strict: the Observatory's CSP result recorded"
is "$(jqr "$tmpdir/strict.json" '.targets[0].observations.http.frame_options.frame_ancestors_class')" \
    none "strict: frame-ancestors 'none' recorded"
is "$(jqr "$tmpdir/strict.json" '.targets[0].observations.http.cross_origin
    | [.permissions_policy.features.microphone[1], .coop.effective, .corp.effective] | join(" ")')" \
    '"https://meet.example.nz" same-origin same-origin' \
    "strict: the Permissions-Policy allowlist and COOP (its parameter dropped) recorded"

# 2. Report-only: the only CSP is Content-Security-Policy-Report-Only, which enforces nothing.
#    X-Frame-Options SAMEORIGIN; no cross-origin headers.
start_nginx reportonly - <<NGINX
server {
    $TLS
    add_header Content-Security-Policy-Report-Only "default-src 'none'; script-src 'self'; object-src 'none'" always;
    add_header X-Frame-Options "SAMEORIGIN" always;
    location / { return 200 '<!DOCTYPE html><html><head><title>t</title></head><body>ok</body></html>'; }
}
NGINX
scan reportonly
expect_statuses reportonly CSP=fail CSP-RO=pass FRAME=pass FRAME-DENY=fail XO=warn XO-REQ=fail
like "$(evidence_of reportonly CSP)" '[Rr]eport-[Oo]nly' "reportonly: the evidence says why"
is "$(jqr "$tmpdir/reportonly.json" '.targets[0].observations.http.csp.observatory.result')" \
    csp-not-implemented-but-reporting-enabled "reportonly: the Observatory's name for it"
like "$(evidence_of reportonly XO-REQ)" 'no valid Permissions-Policy.*Cross-Origin-Opener-Policy is absent' \
    "reportonly: every missing requirement is named"

# 3. Meta: a strict CSP in a <meta> in <head> counts; frame-ancestors cannot be set that way, so
#    framing is unprotected. An invalid Permissions-Policy is ignored as browsers ignore it.
start_nginx meta - <<NGINX
server {
    $TLS
    add_header Permissions-Policy "camera 'none'" always;
    add_header Cross-Origin-Opener-Policy "same-origin-plus-coep" always;
    location / { return 200 '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'self\'; object-src \'none\'; frame-ancestors \'none\'"><title>t</title></head><body>ok</body></html>'; }
}
NGINX
scan meta
expect_statuses meta CSP=pass CSP-FA=fail FRAME=fail XO=warn XO-REQ=fail
is "$(jqr "$tmpdir/meta.json" '.targets[0].observations.http.csp.meta_policies')" 1 \
    "meta: the <meta> policy is counted"
like "$(evidence_of meta FRAME)" 'neither CSP frame-ancestors nor X-Frame-Options' \
    "meta: a <meta> frame-ancestors protects nothing"
is "$(jqr "$tmpdir/meta.json" '.targets[0].observations.http.cross_origin
    | [.permissions_policy.valid, .coop.effective] | map(tostring) | join(" ")')" "false invalid" \
    "meta: the invalid Permissions-Policy and COOP are recorded as invalid"

# 4. A CSP <meta> outside <head> is ignored by browsers: no CSP in effect.
start_nginx body - <<NGINX
server {
    $TLS
    add_header X-Frame-Options "ALLOW-FROM https://partner.example.nz" always;
    location / { return 200 '<!DOCTYPE html><html><head><title>t</title></head><body><meta http-equiv="Content-Security-Policy" content="default-src \'none\'">ok</body></html>'; }
}
NGINX
scan body
expect_statuses body CSP=fail FRAME=fail
like "$(evidence_of body CSP)" 'outside <head> ignored' "body: the ignored <meta> is named"
like "$(evidence_of body FRAME)" 'ALLOW-FROM is no longer implemented' \
    "body: ALLOW-FROM is no protection"

# 5. frame-ancestors * overrides X-Frame-Options DENY; conflicting X-Frame-Options values alone
#    block framing but are a misconfiguration (warn).
start_nginx wildfa - <<NGINX
server {
    $TLS
    add_header Content-Security-Policy "default-src 'self'; object-src 'none'; frame-ancestors https:" always;
    add_header X-Frame-Options "DENY" always;
    location / { return 200 'ok'; }
}
NGINX
scan wildfa
expect_statuses wildfa FRAME=fail FRAME-DENY=fail
like "$(evidence_of wildfa FRAME)" 'allows any site' "wildfa: a scheme source lets anyone frame"

start_nginx conflict - <<NGINX
server {
    $TLS
    add_header X-Frame-Options "DENY" always;
    add_header X-Frame-Options "SAMEORIGIN" always;
    location / { return 200 'ok'; }
}
NGINX
scan conflict
expect_statuses conflict FRAME=warn
is "$(jqr "$tmpdir/conflict.json" '.targets[0].observations.http.frame_options.xfo_tokens | join(",")')" \
    deny,sameorigin "conflict: both values recorded, lower-cased"

done_testing
