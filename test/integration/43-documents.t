#!/usr/bin/env bash
# 43-documents.t — documents.crawl, .unauthenticated, .cross_account and .enumeration against the
# test portal (test/fixtures/portal.py) with each document behaviour: safe, served without a
# session (public), served across accounts (idor), with sequential or random ids. Every check
# gets a pass and a fail case; a check without what it needs is skipped, never passed. The
# portal's request log shows enumeration stayed within --max-enum and nothing was posted but
# the login form.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd jq nginx
gen_certs

cat >"$tmpdir/p.yaml" <<'YAML'
profile: documents-test
title: document checks
controls:
  CRAWL: { title: crawl, check: documents.crawl, severity: info }
  UNAUTH: { title: unauthenticated, check: documents.unauthenticated, severity: critical }
  CROSS: { title: cross account, check: documents.cross_account, severity: critical }
  ENUM: { title: enumeration, check: documents.enumeration, severity: high }
  DOCHDR: { title: document headers, check: documents.headers, severity: medium }
  CACHE: { title: sensitive pages not cached, check: headers.cache_control, severity: medium }
YAML

# targets NAME DOC — a targets file for the portal on $PORT: alice (owner of DOC) and bob.
targets() {
    cat >"$tmpdir/$1.targets.yaml" <<YAML
targets:
  - url: https://127.0.0.1:$PORT/
    name: Test portal ($1)
    login:
      form: /login
      username_env: COC_TEST_USER
      password_env: COC_TEST_PASS
      protected: /records
    second_account: { username_env: COC_TEST_USER2, password_env: COC_TEST_PASS2 }
    documents: [$2]
    sensitive: [/login, /records]
YAML
}
export COC_TEST_USER=alice COC_TEST_USER2=bob
scan() { # NAME DOC [cocscan args]
    local name=$1 doc=$2
    shift 2
    targets "$name" "$doc"
    COC_TEST_PASS=$PORTAL_ALICE_PASSWORD COC_TEST_PASS2=$PORTAL_BOB_PASSWORD \
        run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" -p "$tmpdir/p.yaml" \
        --checks documents,headers.cache_control --json "$tmpdir/$name.json" --targets "$tmpdir/$name.targets.yaml" "$@"
    ok "$name: report validates" validate_report "$tmpdir/$name.json"
}

# 1. Safe documents, MFA absent (so both accounts sign in fully), sequential ids: nothing is
#    served to anyone but its owner; the ids are guessable (warn).
start_portal safe --mfa absent --documents safe --ids sequential
scan safe /documents/1043 --max-enum 4
is "$(status_of safe UNAUTH)" pass "safe: documents refused without a session"
is "$(status_of safe CROSS)" pass "safe: bob is refused alice's documents"
like "$(evidence_of safe CROSS)" 'served to their owner and refused' "safe: the owner control ran"
is "$(status_of safe ENUM)" warn "safe: sequential ids refused but guessable"
is "$(status_of safe DOCHDR)" pass "safe: documents are sent no-store, nosniff, as attachments"
is "$(status_of safe CACHE)" pass "safe: /login and /records send no-store"
is "$(status_of safe CRAWL)" pass "safe: the crawl found document links only when signed in"
is "$(jqr "$tmpdir/safe.json" '.targets[0].observations.documents.crawl.documents | map(.url | sub(".*/"; "")) | sort | join(",")')" \
    1043,1044 "safe: the crawl found alice's documents on /records"
is "$(jq -s '[.[] | select(.path | test("^/documents/10[0-9][0-9]$")) | .path]
    | map(select(. != "/documents/1043" and . != "/documents/1044")) | unique | length' "$PORTAL_LOG")" \
    4 "safe: --max-enum 4 neighbours requested, no more"
is "$(jq -r 'select(.method == "POST") | .path' "$PORTAL_LOG" | sort -u)" /login \
    "safe: only the login form was posted"
bg_stop safe

# 1b. Cache headers off: documents and sensitive pages may be cached. Pre-signed links that live a
#     week fail; their signatures never reach the report.
start_portal cacheoff --mfa absent --cache off --bucket on --presign 604800
scan cacheoff /documents/1043
is "$(status_of cacheoff CACHE)" fail "cacheoff: sensitive pages without no-store fail"
like "$(evidence_of cacheoff CACHE)" '/records: Cache-Control "public, max-age=3600"' \
    "cacheoff: the page and its header are named"
is "$(status_of cacheoff DOCHDR)" fail "cacheoff: cacheable documents and week-long links fail"
like "$(evidence_of cacheoff DOCHDR)" 'pre-signed link lives 604800 s' "cacheoff: the link named"
is "$(jqr "$tmpdir/cacheoff.json" '.targets[0].observations.documents.crawl.presigned[0].url
    | test("X-Amz-Signature=REDACTED")')" true "cacheoff: the signature is redacted"
unlike "$(grep -o 'X-Amz-Signature=[^&"]*' "$tmpdir/cacheoff.json" | sort -u)" \
    'X-Amz-Signature=[0-9a-f]' "cacheoff: no signature value anywhere in the report"
bg_stop cacheoff

start_portal shortlink --mfa absent --bucket on --presign 300
scan shortlink /documents/1043
is "$(status_of shortlink DOCHDR)" pass "shortlink: a five-minute pre-signed link passes"
bg_stop shortlink

# 2. Public documents: served to anyone, neighbours too.
start_portal public --mfa absent --documents public
scan public /documents/1043
is "$(status_of public UNAUTH)" fail "public: a document without a session fails"
like "$(evidence_of public UNAUTH)" 'served to a request without any session' "public: says why"
is "$(status_of public ENUM)" fail "public: a neighbour served without a session fails"
bg_stop public

# 3. IDOR: any signed-in account gets any document.
start_portal idor --mfa absent --documents idor
scan idor /documents/1043
is "$(status_of idor UNAUTH)" pass "idor: still refused without a session"
is "$(status_of idor CROSS)" fail "idor: bob gets alice's document"
like "$(evidence_of idor CROSS)" 'served to the second account' "idor: says why"
is "$(status_of idor ENUM)" fail "idor: a neighbour alice does not own is served to her"
bg_stop idor

# 4. Random ids: nothing to enumerate (pass). With MFA enforced, the second account stops at
#    its second factor, so access across accounts cannot be tested: skipped, never pass.
start_portal random --mfa enforced --documents safe --ids random
uuid=/documents/7f3c9a2e-ef40-4dc8-b3b6-6f0c2c3534a3
scan random "$uuid"
is "$(status_of random ENUM)" pass "random: non-numeric ids pass enumeration"
is "$(status_of random CROSS)" skipped "random: an MFA-gated second account is skipped"
like "$(evidence_of random CROSS)" 'second factor' "random: says why"
bg_stop random

# 4b. Real nginx serving a public page that links a patient's PDF from a public folder: the crawl
#     warns (a document link anyone can see) and the document itself is served without a session.
start_nginx public-nginx - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
root @ROOT@;
NGINX
mkdir -p "$SERVER_DIR/html/files" "$SERVER_DIR/html/about"
printf '%s\n' '<!DOCTYPE html><html><head><title>Clinic</title></head><body>' \
    '<a href="/about/">About us</a> <a href="/logout?all=1">Sign out</a></body></html>' \
    >"$SERVER_DIR/html/index.html"
printf '%s\n' '<!DOCTYPE html><html><head><title>About</title></head><body>' \
    '<a href="/files/referral-1043.pdf">Latest referral</a></body></html>' \
    >"$SERVER_DIR/html/about/index.html"
printf '%%PDF-1.4\n%%patient referral\n' >"$SERVER_DIR/html/files/referral-1043.pdf"
run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" -p "$tmpdir/p.yaml" --checks documents \
    --json "$tmpdir/public-nginx.json" "https://127.0.0.1:$PORT/"
ok "public-nginx: report validates" validate_report "$tmpdir/public-nginx.json"
is "$(status_of public-nginx CRAWL)" warn "public-nginx: a document linked from a public page warns"
is "$(status_of public-nginx UNAUTH)" fail "public-nginx: the crawled PDF is served to anyone"
is "$(jqr "$tmpdir/public-nginx.json" '.targets[0].observations.documents.crawl
    | [.documents[0].found_on, (.skipped_unsafe_links | tostring)] | join(" ")')" \
    "https://127.0.0.1:$PORT/about/ 1" "public-nginx: found two levels down; the sign-out link not followed"
unlike "$(cat "$SERVER_DIR/logs/access.log")" 'logout' "public-nginx: nginx never saw /logout"
bg_stop public-nginx

# 5. A target on the command line (no account, no documents): skipped.
start_portal bare --mfa absent
run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" -p "$tmpdir/p.yaml" --checks documents \
    --json "$tmpdir/bare.json" "https://127.0.0.1:$PORT/"
ok "bare: report validates" validate_report "$tmpdir/bare.json"
for c in UNAUTH CROSS ENUM DOCHDR CACHE; do
    is "$(status_of bare "$c")" skipped "bare: $c skipped without documents"
done
bg_stop bare

done_testing
