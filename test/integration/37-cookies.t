#!/usr/bin/env bash
# 37-cookies.t — cookies.attributes against nginx sending Set-Cookie headers: good cookies, a
# session cookie without HttpOnly, a cookie without Secure, SameSite=None without Secure, a bad
# __Host- cookie, a cookie set on a 302 before the final page, Domain, and no cookies at all.
# Every report must validate, and no cookie value may reach the JSON report or the terminal.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx openssl jq
gen_certs

cat >"$tmpdir/p.yaml" <<'YAML'
profile: cookies-test
title: cookies test
controls:
  COOKIES: { title: cookie attributes, check: cookies.attributes, severity: high }
  LAX: { title: only what browsers reject, check: cookies.attributes, severity: low,
         expect: { require_secure: false, require_httponly_session: false } }
  STRICT: { title: SameSite everywhere and no Domain, check: cookies.attributes,
            severity: medium, expect: { require_samesite: true, forbid_domain: true } }
YAML

# Every cookie value below contains "sEcr3t" and nothing else in a scan does.
SECRET_RE='sEcr3t'

# serve NAME SNIPPET — nginx on TLS with the snippet inside its server block.
serve() {
    start_nginx "$1" - <<NGINX
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
$2
NGINX
}

# scan NAME: scan https://127.0.0.1:$PORT/ into $tmpdir/NAME.json; check it validates and that
# no cookie value is in the report, on stdout or on stderr.
scan() {
    local name=$1
    run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" --checks cookies -p "$tmpdir/p.yaml" \
        --json "$tmpdir/$name.json" "https://127.0.0.1:$PORT/"
    ok "$name: report validates" validate_report "$tmpdir/$name.json"
    unlike "$(cat "$tmpdir/$name.json" "$RUN_OUT" "$RUN_ERR")" "$SECRET_RE" \
        "$name: no cookie value in the report or the output"
}
cookies_of() { jqr "$tmpdir/$1.json" ".targets[0].observations.http.cookies${2:-}"; }

# 1. Good cookies: a __Host- session cookie and a persistent preference.
serve good '
location / {
    add_header Set-Cookie "__Host-sid=sEcr3t0a9f3c2b7d1e4f5a6b7c8d9e0f1a2b3c; Path=/; Secure; HttpOnly; SameSite=Lax" always;
    add_header Set-Cookie "lang=en-NZ-sEcr3t; Path=/; Secure; SameSite=Strict; Max-Age=31536000" always;
    root @ROOT@;
}'
scan good
is "$RUN_STATUS" 0 "good: exit 0"
is "$(status_of good COOKIES)" pass "good: COOKIES passes"
is "$(status_of good STRICT)" pass "good: STRICT passes"
is "$(evidence_of good COOKIES)" "2 cookies meet the profile: '__Host-sid', 'lang'" \
    "good: the evidence names the cookies"
is "$(cookies_of good '| map(.name + " " + (.session_like | tostring)) | join(",")')" \
    "__Host-sid true,lang false" "good: the session cookie is told from the preference"
is "$(cookies_of good '[0].value_length')" 38 "good: only the value's length is recorded"
like "$(jqr "$tmpdir/good.json" '.targets[0].observations.http.headers["set-cookie"][0]')" \
    '^__Host-sid=\[redacted: 38 bytes\]; Path=/; Secure; HttpOnly; SameSite=Lax$' \
    "good: the raw Set-Cookie is kept with its value redacted"
is "$(jqr "$tmpdir/good.json" '.targets[0].observations | keys | join(",")')" http \
    "good: the cookies observations live under observations.http"

# 2. A session cookie without HttpOnly.
serve nohttponly '
add_header Set-Cookie "JSESSIONID=sEcr3t8C1F2D3A4B5E6F7A8B9C0D1E2F3A4B; Path=/; Secure; SameSite=Lax" always;
root @ROOT@;'
scan nohttponly
is "$RUN_STATUS" 1 "no HttpOnly: exit 1"
is "$(status_of nohttponly COOKIES)" fail "no HttpOnly: COOKIES fails"
is "$(evidence_of nohttponly COOKIES)" \
    "cookie 'JSESSIONID' is a session cookie (the session cookie name of a known framework) without HttpOnly" \
    "no HttpOnly: the evidence names the cookie and the reason"
is "$(status_of nohttponly LAX)" pass "no HttpOnly: passes with require_httponly_session false"

# 3. A cookie without Secure.
serve nosecure '
add_header Set-Cookie "theme=dark-sEcr3t; Path=/; SameSite=Lax" always;
root @ROOT@;'
scan nosecure
is "$(status_of nosecure COOKIES)" fail "no Secure: COOKIES fails"
is "$(evidence_of nosecure COOKIES)" "cookie 'theme' is not Secure" "no Secure: says so"
is "$(status_of nosecure LAX)" pass "no Secure: passes with require_secure false"

# 4. SameSite=None without Secure: browsers reject it, whatever the profile says.
serve nonenotsecure '
add_header Set-Cookie "track=sEcr3t77; Path=/; SameSite=None" always;
root @ROOT@;'
scan nonenotsecure
is "$(status_of nonenotsecure COOKIES)" fail "SameSite=None without Secure: COOKIES fails"
is "$(status_of nonenotsecure LAX)" fail "…and fails even with require_secure false"
like "$(evidence_of nonenotsecure LAX)" \
    "^cookie 'track' has SameSite=None without Secure, so browsers reject it$" "…and says why"

# 5. A __Host- cookie with the wrong Path and a Domain.
serve badhost '
add_header Set-Cookie "__Host-id=sEcr3t99; Path=/app; Domain=127.0.0.1; Secure; HttpOnly; SameSite=Strict" always;
root @ROOT@;'
scan badhost
is "$(status_of badhost COOKIES)" fail "bad __Host- cookie: COOKIES fails"
is "$(status_of badhost LAX)" fail "…and fails under any profile"
is "$(evidence_of badhost LAX)" \
    "cookie '__Host-id' has the __Host- prefix but sets Domain, has no Path=/, so browsers reject it" \
    "…and says which rule it breaks"
is "$(cookies_of badhost '| .[0].prefix + " " + (.[0].prefix_ok | tostring)')" "__Host- false" \
    "bad __Host- cookie: recorded with prefix_ok false"

# 6. A session cookie set on the 302 before the final page, which sets none.
serve redirect '
location = / {
    add_header Set-Cookie "PHPSESSID=sEcr3tq0v9l2m3n4b5c6x7z8; Path=/; Secure" always;
    return 302 /portal/;
}
location /portal/ { alias @ROOT@/; }'
scan redirect
is "$(jqr "$tmpdir/redirect.json" '.targets[0].observations.http.chain | map(.status) | join(",")')" \
    302,200 "redirect: the chain is followed"
is "$(cookies_of redirect '| map(.name + " " + .url) | join(",")')" \
    "PHPSESSID https://127.0.0.1:$PORT/" "redirect: the cookie is recorded with the hop that set it"
is "$(status_of redirect COOKIES)" fail "redirect: the cookie on the 302 is judged"
is "$(evidence_of redirect COOKIES)" \
    "cookie 'PHPSESSID' (set by the redirect at https://127.0.0.1:$PORT/) is a session cookie (the session cookie name of a known framework) without HttpOnly" \
    "redirect: the evidence names the redirect"
like "$(jqr "$tmpdir/redirect.json" '.targets[0].observations.http.chain[0].headers["set-cookie"][0]')" \
    '^PHPSESSID=\[redacted: 24 bytes\]; ' "redirect: the hop's Set-Cookie is redacted too"
# The readable report and -vv debug logging, not only the JSON, keep the value out.
run "$COCSCAN" scan -vv -t 5 --ca-file "$CERTDIR/ca.pem" --checks cookies -p "$tmpdir/p.yaml" \
    "https://127.0.0.1:$PORT/"
like "$(cat "$RUN_OUT")" "PHPSESSID: Secure, session" "redirect: the readable report shows the cookie"
unlike "$(cat "$RUN_OUT" "$RUN_ERR")" "$SECRET_RE" "redirect: no cookie value in it or in the logs"

# 7. Domain: one that covers the host (fails only under forbid_domain), one browsers drop.
serve domain '
add_header Set-Cookie "pref=sEcr3t1; Domain=127.0.0.1; Path=/; Secure; SameSite=Lax" always;
add_header Set-Cookie "other=sEcr3t2; Domain=example.com; Path=/" always;
root @ROOT@;'
scan domain
is "$(status_of domain COOKIES)" pass "Domain: passes by default"
like "$(evidence_of domain COOKIES)" \
    "^1 cookie meets the profile: 'pref'; ignored by browsers: 'other' \(its Domain does not cover the host\)$" \
    "…and names the cookie browsers drop"
is "$(status_of domain STRICT)" fail "Domain: fails under forbid_domain"
is "$(evidence_of domain STRICT)" \
    "cookie 'pref' sets Domain=127.0.0.1, so every subdomain receives it" "…and says why"

# 8. Values are redacted by the page fetch itself, whatever checks run (not only cookies.*).
serve other 'add_header Set-Cookie "sid=sEcr3tOtherChecks0123456789abcdef; Secure" always;
root @ROOT@;'
printf '%s\n' 'profile: hsts-only' 'title: hsts only' 'controls:' \
    '  HSTS: { title: hsts, check: headers.hsts, severity: low }' >"$tmpdir/hsts.yaml"
run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" -p "$tmpdir/hsts.yaml" \
    --json "$tmpdir/other.json" "https://127.0.0.1:$PORT/"
like "$(jqr "$tmpdir/other.json" '.targets[0].observations.http.headers["set-cookie"][0]')" \
    'redacted' "other checks: the raw Set-Cookie is recorded redacted"
unlike "$(cat "$tmpdir/other.json" "$RUN_OUT" "$RUN_ERR")" "$SECRET_RE" \
    "other checks: no cookie value in the report or the output"
ok "other checks: report validates" validate_report "$tmpdir/other.json"

# 9. No cookies at all.
serve none 'root @ROOT@;'
scan none
is "$RUN_STATUS" 0 "no cookies: exit 0"
is "$(status_of none COOKIES)" pass "no cookies: passes"
is "$(evidence_of none COOKIES)" "the start page sets no cookies" "no cookies: says so"
is "$(cookies_of none '| length')" 0 "no cookies: an empty list is recorded"
done_testing
