#!/usr/bin/env bash
# 60-portal-fixture.t — test/fixtures/portal.py itself, driven with curl: the test portal the
# login-flow, MFA and document checks run against must behave as its switches say (and as real
# portals do): the sign-in form and its CSRF token, the session cookie, password-only sessions
# redirected to or challenged in place by the second factor, documents safe / public / IDOR /
# reachable past the second step, directory listings in three servers' styles, an S3 bucket
# listing and presigned links, exposed files, soft 404s, OpenID Connect discovery, cache headers
# and a request log that never holds a password.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cmd curl jq od
gen_certs

# start NAME PORTAL_ARGS... — start_portal, and point U at it (bails out when it cannot start).
U=
start() {
    start_portal "$@" || BAIL_OUT "the portal ($*) did not start"
    U=https://127.0.0.1:$PORT
}

# browser NAME — use a fresh cookie jar (a new browser).
JAR=
browser() {
    JAR=$tmpdir/jar.$1
    rm -f "$JAR"
}

# fetch [CURL_ARGS...] URL — one request with the current jar; sets S (status), H (headers,
# CR stripped) and B (body, NUL bytes dropped); the raw body is in $tmpdir/body.
S='' H='' B=''
fetch() {
    S=$(curl -sS --max-time 10 --cacert "$CERTDIR/ca.pem" -b "$JAR" -c "$JAR" \
        -D "$tmpdir/head" -o "$tmpdir/body" -w '%{http_code}' "$@") || S=curl-failed
    H=$(tr -d '\r' <"$tmpdir/head")
    B=$(tr -d '\0' <"$tmpdir/body")
}
# header NAME — the first value of header NAME in H.
header() { sed -n "s/^$1: //Ip" <<<"$H" | head -n 1; }
# unamp — stdin with HTML's &amp; decoded (for URLs taken from attributes).
unamp() { sed 's/&amp;/\&/g'; }
# magic N — the first N bytes of the last body, as hex.
magic() { head -c "$1" "$tmpdir/body" | od -An -tx1 | tr -d ' \n'; }

# login USER PASSWORD [USER_FIELD PASSWORD_FIELD] — GET /login and submit its form (with its
# CSRF token, if any) to its action, like a browser; S/H/B are the POST's answer.
login() {
    local tok action
    fetch "$U/login"
    tok=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' <<<"$B")
    action=$(sed -n 's/.*<form method="post" action="\([^"]*\)".*/\1/p' <<<"$B" | head -n 1)
    fetch --data-urlencode "csrf_token=$tok" --data-urlencode "${3:-username}=$1" \
        --data-urlencode "${4:-password}=$2" "$U$(unamp <<<"$action")"
}

# is_pdf DESC — the last answer is a served document.
is_pdf() {
    is "$S $(header Content-Type) $(magic 8)" "200 application/pdf 255044462d312e34" \
        "$1: a PDF (%PDF-1.4)"
}

# 1. The safe default: MFA enforced (redirect), CSRF on, documents safe, listing off, no bucket.
start safe
PW_A=$PORTAL_ALICE_PASSWORD
PW_B=$PORTAL_BOB_PASSWORD
browser safe
fetch "$U/login"
is "$S" 200 "safe: GET /login"
like "$B" '<title>Sign in — Demo Portal</title>' "safe: the sign-in page title"
like "$B" '<input type="hidden" name="csrf_token" value="[A-Za-z0-9_-]{20,}">' \
    "safe: a hidden csrf_token"
like "$B" 'name="username" autocomplete="username"' "safe: the username field"
like "$B" '<input type="password" id="password" name="password"' "safe: the password field"
like "$(header Set-Cookie)" '^portal_pre=[^;]+; Path=/; Secure; HttpOnly; SameSite=Strict$' \
    "safe: the pre-session cookie"
is "$(header Cache-Control)" no-store "safe: /login is no-store"
is "$(header Strict-Transport-Security)|$(header Content-Security-Policy)|\
$(header X-Frame-Options)|$(header X-Content-Type-Options)|$(header Referrer-Policy)" \
    "max-age=31536000|default-src 'self'|DENY|nosniff|no-referrer" "safe: security headers"
tok1=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' <<<"$B")
fetch "$U/login"
tok2=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' <<<"$B")
isnt "$tok1" "$tok2" "safe: a new token on every GET"
fetch --data-urlencode username=alice --data-urlencode "password=$PW_A" "$U/login"
is "$S" 403 "safe: a POST without the token is refused"
like "$B" 'CSRF token invalid' "safe: …saying why"
browser other
fetch --data-urlencode "csrf_token=$tok2" --data-urlencode username=alice \
    --data-urlencode "password=$PW_A" "$U/login"
is "$S" 403 "safe: the token is bound to its pre-session cookie"
browser safe
login alice wrong-password
is "$S" 200 "safe: a wrong password gets the form again"
like "$B" 'Invalid username or password' "safe: …with the message"
like "$B" 'name="csrf_token"' "safe: …and a fresh token"
fetch "$U/records"
is "$S $(header Location)" "302 /login?next=/records" "safe: no session: /records → sign-in"
fetch "$U/documents/1043"
is "$S $(header Location)" "302 /login?next=/documents/1043" "safe: no session: document refused"
login alice "$PW_A"
is "$S $(header Location)" "302 /mfa" "safe: the right password → /mfa"
like "$(header Set-Cookie)" \
    '^portal_session=[A-Za-z0-9_-]{32,}; Path=/; Secure; HttpOnly; SameSite=Lax$' \
    "safe: the session cookie"
fetch "$U/records"
is "$S $(header Location)" "302 /mfa" "safe: password-only session: /records → /mfa"
fetch "$U/documents/1043"
is "$S $(header Location)" "302 /mfa" "safe: password-only session: own document → /mfa"
fetch "$U/mfa"
is "$S" 200 "safe: the challenge page"
like "$B" '<input id="code" name="code" autocomplete="one-time-code" inputmode="numeric"' \
    "safe: the one-time-code field"
is "$(header Cache-Control)" no-store "safe: /mfa is no-store"
fetch -d code=123456 "$U/mfa"
is "$S" 200 "safe: a guessed code is answered 200…"
like "$B" 'Invalid code' "safe: …Invalid code"
fetch "$U/records"
is "$S" 302 "safe: …and the session is still password-only"
for p in /documents/ /uploads/; do
    fetch "$U$p"
    is "$S" 403 "safe: $p not listed"
done
fetch "$U/storage/portal-docs/"
is "$S" 403 "safe: the bucket is not listable"
like "$B" '<Error><Code>AccessDenied</Code>' "safe: …with an S3 AccessDenied error"
for p in /.git/HEAD /.env /backup.zip /server-status /.well-known/openid-configuration /nope \
    /mfa-typo; do
    fetch "$U$p"
    is "$S" 404 "safe: $p is 404"
done
fetch -X PUT "$U/records"
is "$S $(header Allow)" "405 GET, HEAD" "safe: PUT → 405"
fetch -X POST -d x=1 "$U/records"
is "$S" 405 "safe: POST /records → 405"
fetch -X DELETE "$U/login"
is "$S" 405 "safe: DELETE /login → 405"
bg_stop safe

# 2. No MFA: a full session at once; documents need ownership; HEAD; logout.
start absent --mfa absent
browser absent
login alice "$PW_A"
is "$S $(header Location)" "302 /records" "absent: the right password → /records"
fetch "$U/records"
is "$S" 200 "absent: /records with a full session"
like "$B" 'Your health records' "absent: …the records page"
like "$B" 'href="/documents/1043".*href="/documents/1044"' "absent: …links alice's documents"
unlike "$B" '/documents/1046|/storage/' "absent: …and nothing else"
fetch "$U/documents/1043"
is_pdf "absent: own document"
is "$(header Content-Disposition)|$(header X-Content-Type-Options)|$(header Cache-Control)" \
    'attachment; filename="doc-1043.pdf"|nosniff|no-store' "absent: the document's headers"
like "$(cat "$tmpdir/body")" 'Demo Portal document 1043' "absent: the PDF names its id"
fetch "$U/documents/1046"
is "$S" 403 "absent: bob's document is forbidden to alice"
fetch "$U/documents/1041"
is "$S" 403 "absent: carol's document too"
fetch "$U/documents/1051"
is "$S" 404 "absent: an unknown id is 404"
fetch -I "$U/documents/1044"
is "$S $(header Content-Type) $(grep -c '%PDF' "$tmpdir/body")" "200 application/pdf 0" \
    "absent: HEAD: headers only"
fetch "$U/mfa"
is "$S" 404 "absent: no /mfa"
fetch "$U/settings"
unlike "$B" 'two-factor' "absent: settings do not mention two-factor"
fetch "$U/logout"
is "$S $(header Location)" "302 /" "absent: logout"
fetch "$U/records"
is "$S" 302 "absent: …ends the session"
bg_stop absent

# 3. MFA challenged in place, a plain "totp_code" field, documents reachable past the MFA step.
start inline --challenge inline --otp-style name --documents bypass
browser inline
login alice "$PW_A"
is "$S $(header Location)" "302 /mfa" "inline: the right password → /mfa"
fetch "$U/records"
is "$S" 200 "inline: password-only: /records answers 200…"
like "$B" 'Authentication code' "inline: …with the challenge in place"
like "$B" '<input type="text" id="totp_code" name="totp_code">' "inline: …a totp_code field"
unlike "$B" 'autocomplete=|Your health records' "inline: …no autocomplete, no records"
fetch "$U/documents/1043"
is_pdf "bypass: password-only session gets its own document"
fetch "$U/documents/1046"
is "$S" 403 "bypass: ownership still enforced"
browser inline-anon
fetch "$U/documents/1043"
is "$S" 302 "bypass: no session is refused"
bg_stop inline

# 4. MFA optional, public documents with random ids, caching allowed.
start public --mfa optional --documents public --ids random --cache off
browser public
login alice "$PW_A"
is "$S $(header Location)" "302 /records" "optional: the right password → /records (full)"
fetch "$U/records"
ids=$(grep -o 'href="/documents/[^"]*"' <<<"$B" | sed 's/.*documents\/\(.*\)"/\1/' | paste -sd ' ')
like "$ids" '^[0-9a-f]{8}-[0-9a-f-]{27} [0-9a-f]{8}-[0-9a-f-]{27}$' \
    "random: /records links two UUID documents"
is "$(header Cache-Control)" "public, max-age=3600" "cache off: /records is publicly cacheable"
fetch "$U/settings"
like "$B" 'Enable two-factor authentication' "optional: settings offer two-factor"
browser public-anon
fetch "$U/documents/${ids%% *}"
is_pdf "public: a document without any session"
is "$(header Cache-Control)" "public, max-age=3600" "cache off: the document is cacheable"
fetch "$U/documents/1043"
is "$S" 404 "random: numeric ids are 404"
bg_stop public

# 5. IDOR: any full session gets any document.
start idor --mfa absent --documents idor
browser idor
login bob "$PW_B"
fetch "$U/documents/1043"
is_pdf "idor: bob gets alice's document"
fetch "$U/documents/1047"
is_pdf "idor: …and carol's"
browser idor-anon
fetch "$U/documents/1043"
is "$S" 302 "idor: no session is refused"
bg_stop idor

# 6. WebAuthn challenge; PORTAL_OTP completes the second factor.
PORTAL_OTP=fixture-otp-123 start webauthn --otp-style webauthn
browser webauthn
login alice "$PW_A"
fetch "$U/mfa"
like "$B" 'Use your security key' "webauthn: the prompt"
like "$B" 'navigator\.credentials\.get' "webauthn: …calls navigator.credentials.get"
unlike "$B" 'one-time-code|name="code"|totp_code' "webauthn: …and has no OTP field"
like "$(header Content-Security-Policy)" "^default-src 'self'; script-src 'self' 'sha256-" \
    "webauthn: its script is allowed by hash"
fetch -d assertion=fixture-otp-123 "$U/mfa"
is "$S $(header Location)" "302 /records" "PORTAL_OTP: the configured code completes sign-in"
fetch "$U/records"
is "$S" 200 "PORTAL_OTP: …to a full session"
fetch "$U/documents/1044"
is_pdf "safe: a full session gets its own document"
bg_stop webauthn

# 7. Directory listings.
for style in nginx apache iis; do
    start "list-$style" --listing "$style"
    browser "list-$style"
    fetch "$U/documents/"
    d=$B
    fetch "$U/uploads/"
    u=$B
    case $style in
        nginx)
            like "$d" '<title>Index of /documents/</title>' "nginx: title"
            like "$d" '<h1>Index of /documents/</h1><hr><pre><a href="../">../</a>' "nginx: layout"
            ;;
        apache)
            like "$u" '<title>Index of /uploads</title>' "apache: title"
            like "$u" 'Parent Directory</a>' "apache: Parent Directory"
            like "$u" '<th><a href="\?C=N;O=D">Name</a></th>' "apache: the table layout"
            ;;
        iis)
            like "$u" '<title>127.0.0.1 - /uploads/</title>' "iis: title"
            like "$u" '\[To Parent Directory\]' "iis: [To Parent Directory]"
            ;;
    esac
    like "$d" 'doc-1043\.pdf' "$style: /documents/ lists the files"
    like "$u" 'doc-1046\.pdf' "$style: /uploads/ lists the files"
    fetch "$U/uploads/doc-1046.pdf"
    is_pdf "$style: a listed file is served to anyone"
    fetch "$U/documents"
    is "$S $(header Location)" "301 /documents/" "$style: /documents → /documents/"
    bg_stop "list-$style"
done

# 8. A public bucket and presigned links.
start bucket --mfa absent --bucket on --presign 600
browser bucket
fetch "$U/"
like "$B" 'href="/storage/portal-docs/"' "bucket: the home page links the bucket"
fetch "$U/storage/portal-docs/"
is "$S $(header Content-Type) $(header Server)" "200 application/xml AmazonS3" \
    "bucket: the listing answers as S3"
s3ns=http://s3.amazonaws.com/doc/2006-03-01/
like "$B" "<ListBucketResult xmlns=\"$s3ns\"><Name>portal-docs</Name>" "bucket: ListBucketResult"
like "$B" '<Contents><Key>doc-1043\.pdf</Key>' "bucket: …with the documents as keys"
fetch "$U/storage/portal-docs/?list-type=2"
like "$B" '<KeyCount>11</KeyCount>' "bucket: ListObjectsV2"
login alice "$PW_A"
fetch "$U/records"
like "$B" 'href="/storage/portal-docs/"' "bucket: /records links the bucket"
url=$(grep -o 'href="/storage/portal-docs/doc-1043\.pdf?[^"]*"' <<<"$B" |
    sed 's/^href="//; s/"$//' | unamp)
like "$url" 'X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Date=[0-9]{8}T[0-9]{6}Z&X-Amz-Expires=600&'\
'.*X-Amz-Signature=[0-9a-f]{64}$' "presign: /records links a presigned URL"
browser bucket-anon
fetch "$U$url"
is_pdf "presign: the presigned URL serves the document"
bad=${url%?}
if [ "${url: -1}" = 0 ]; then bad+=1; else bad+=0; fi
fetch "$U$bad"
is "$S" 403 "presign: a changed signature is refused"
like "$B" '<Code>SignatureDoesNotMatch</Code>' "presign: …SignatureDoesNotMatch"
bg_stop bucket

# 9. Exposed files, soft 404s, OpenID Connect discovery (good).
start exposed --exposed git,env,backup,server-status --soft404 on --oidc good
browser exposed
fetch "$U/.git/HEAD"
is "$S $(header Content-Type) $B" "200 text/plain ref: refs/heads/main" "exposed: /.git/HEAD"
fetch "$U/.env"
like "$B" '^APP_NAME=.*APP_KEY=base64:.*DB_PASSWORD=notreal' "exposed: /.env"
fetch "$U/backup.zip"
is "$S $(magic 4)" "200 504b0304" "exposed: /backup.zip is a ZIP"
fetch "$U/server-status"
like "$B" 'Apache Server Status for.*Server Version: Apache/2\.4' "exposed: /server-status"
fetch "$U/no/such/page"
is "$S" 200 "soft404: an unknown path answers 200…"
like "$B" 'Page not found' "soft404: …Page not found"
fetch "$U/.well-known/openid-configuration"
is "$S $(header Content-Type)" "200 application/json" "oidc good: discovery document"
is "$(jq -c '[.issuer, .response_types_supported, .grant_types_supported,
    .code_challenge_methods_supported, .acr_values_supported]' "$tmpdir/body")" \
    "[\"$U\",[\"code\"],[\"authorization_code\",\"refresh_token\"],[\"S256\"],\
[\"urn:mace:incommon:iap:silver\",\"mfa\"]]" "oidc good: code flow, S256, ACR values"
bg_stop exposed
start implicit --oidc implicit
browser implicit
fetch "$U/.well-known/openid-configuration"
is "$(jq -c '[(.response_types_supported | index("token") != null),
    (.response_types_supported | index("id_token token") != null),
    (.grant_types_supported | index("implicit") != null), .code_challenge_methods_supported,
    has("acr_values_supported")]' "$tmpdir/body")" '[true,true,true,["plain"],false]' \
    "oidc implicit: implicit flow, plain PKCE, no ACR"
bg_stop implicit

# 10. Unusual fields, a different form action, no CSRF.
start unusual --fields unusual --form-action other --csrf off --mfa optional
browser unusual
fetch "$U/login"
first_form=$(grep -o '<form[^>]*>' <<<"$B" | head -n 1)
like "$first_form" 'action="/search"' "unusual: a decoy search form comes first"
like "$B" '<input type="text" name="q"' "unusual: …with a q field"
like "$B" '<form method="post" action="/auth/session"' "unusual: the form posts to /auth/session"
like "$B" '<input type="email" id="ident" name="j_user_ident">' "unusual: j_user_ident"
like "$B" '<input type="password" id="pwx" name="pw_field_x">' "unusual: pw_field_x"
like "$B" '<input type="hidden" name="returnUrl" value="/records">' "unusual: returnUrl"
unlike "$B" 'csrf_token' "csrf off: no token"
is "$(header Set-Cookie)" "" "csrf off: no pre-session cookie"
login alice "$PW_A" j_user_ident pw_field_x
is "$S $(header Location)" "302 /records" "unusual: sign-in at /auth/session → returnUrl"
fetch "$U/records"
is "$S" 200 "unusual: …a full session"
fetch -d j_user_ident=alice --data-urlencode "pw_field_x=$PW_A" "$U/login"
is "$S" 405 "unusual: POST /login is not the action"
bg_stop unusual

# 11. The request logs: JSON lines with the documented keys, and never a password, even one
#     sent in a query string.
start logcheck
browser logcheck
fetch "$U/login?password=$PW_A"
login bob "$PW_B"
bg_stop logcheck
logs=("$tmpdir"/*.requests.jsonl)
is "${#logs[@]}" 14 "log: one request log per portal started"
is "$(cat "${logs[@]}" | jq -sc 'map(keys | join(",")) | unique')" \
    '["ip,method,path,query,session,status,user"]' "log: every line has the documented keys"
is "$(jq -c 'select(.method == "POST" and .path == "/login") | [.status, .session, .user]' \
    "$PORTAL_LOG")" '[302,"none",null]' "log: the sign-in POST, with the session it arrived with"
is "$(jq -r 'select(.path == "/login" and .query != "") | .query' "$PORTAL_LOG")" \
    "password=[redacted]" "log: a password in a query string is redacted"
fails "log: no password in any request log or portal output" \
    grep -rqF -e "$PW_A" -e "$PW_B" "${logs[@]}" "$tmpdir"/*.log

done_testing
