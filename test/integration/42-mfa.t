#!/usr/bin/env bash
# 42-mfa.t — mfa.enforced and mfa.advertised against the test portal (test/fixtures/portal.py)
# with each of its MFA behaviours: enforced with the challenge by redirect or served in place
# of the page (status 200), OTP by autocomplete or by field name, WebAuthn; MFA optional or
# absent (fail); documents served to a password-only session (forced browsing: fail); no
# credentials (skipped, never pass); a wrong password (error); a login form with a CSRF token,
# unusual field names and a decoy search form before it, posting to another path. The test
# account's password must appear in no output, and the portal's request log shows that nothing
# but the login form was posted and no code was tried.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd jq
gen_certs

cat >"$tmpdir/p.yaml" <<'YAML'
profile: mfa-test
title: MFA checks
controls:
  MFA: { title: mfa enforced, check: mfa.enforced, severity: high }
  ADV: { title: mfa advertised, check: mfa.advertised, severity: low }
  ADV-STRICT: { title: oidc strict, check: mfa.advertised, severity: low,
                expect: { strict: true } }
  COOKIE: { title: cookies incl. after login, check: cookies.attributes, severity: medium }
YAML

# targets NAME — a targets file for the portal on $PORT with alice as the test account.
targets() {
    cat >"$tmpdir/$1.targets.yaml" <<YAML
targets:
  - url: https://127.0.0.1:$PORT/
    name: Test portal ($1)
    organisation: Test PHO
    login:
      form: /login
      username_env: COC_TEST_USER
      password_env: COC_TEST_PASS
      protected: /records
    documents: [/documents/1043]
YAML
}

export COC_TEST_USER=alice
scan() { # NAME [cocscan args] — scan the portal on $PORT into $tmpdir/NAME.json
    local name=$1
    shift
    targets "$name"
    COC_TEST_PASS=${COC_TEST_PASS-$PORTAL_ALICE_PASSWORD} \
        run "$COCSCAN" scan -t 5 --ca-file "$CERTDIR/ca.pem" -p "$tmpdir/p.yaml" \
        --checks mfa,cookies --json "$tmpdir/$name.json" --targets "$tmpdir/$name.targets.yaml" "$@"
    ok "$name: report validates" validate_report "$tmpdir/$name.json"
}
posts() { # the paths the portal saw POSTed, one per line
    jq -r 'select(.method == "POST") | .path' "$PORTAL_LOG"
}

# 1. Enforced, challenge by redirect to /mfa, OTP input with autocomplete=one-time-code.
start_portal enforced --mfa enforced --challenge redirect --otp-style autocomplete --oidc good
scan enforced
is "$(status_of enforced MFA)" pass "enforced: mfa.enforced passes"
like "$(evidence_of enforced MFA)" 'withheld \(redirected to a second-factor step\).*one-time-code' \
    "enforced: the evidence names the redirect and the challenge"
is "$(jqr "$tmpdir/enforced.json" '.targets[0].observations.mfa.enforced.login.trace | map(.step) | unique | join(",")')" \
    "form,landing,submit" "enforced: the login trace has the form, submit and landing steps"
is "$(posts)" /login "enforced: only the login form was posted"
is "$(jq -r 'select(.path == "/mfa" and .method != "GET") | .path' "$PORTAL_LOG")" "" \
    "enforced: no code was submitted"
is "$(status_of enforced COOKIE)" pass "enforced: the sign-in cookies are Secure and HttpOnly"
is "$(jqr "$tmpdir/enforced.json" '[.targets[0].observations.http.cookies[]
    | select(.after_login) | .name] | unique | join(",")')" portal_pre,portal_session \
    "enforced: the cookies set while signing in are judged too"
is "$(status_of enforced ADV)" pass "enforced: OIDC without implicit grant, with PKCE S256"
for f in "$tmpdir/enforced.json" "$RUN_OUT" "$RUN_ERR"; do
    unlike "$(cat "$f")" "$PORTAL_ALICE_PASSWORD" "enforced: the password is not in $(basename "$f")"
done
bg_stop enforced

# 2. The challenge served in place of the page (status 200), a plain "totp_code" field.
start_portal inline --mfa enforced --challenge inline --otp-style name
scan inline
is "$(status_of inline MFA)" pass "inline: a 200 challenge in place of the page is a challenge"
like "$(evidence_of inline MFA)" 'challenge in its place' "inline: evidence says in place"
is "$(status_of inline ADV)" skipped "inline: no OIDC discovery: mfa.advertised is skipped"
bg_stop inline

# 3. WebAuthn.
start_portal webauthn --mfa enforced --otp-style webauthn
scan webauthn
is "$(status_of webauthn MFA)" pass "webauthn: a security-key prompt is a challenge"
is "$(jqr "$tmpdir/webauthn.json" '.targets[0].results[] | select(.control == "MFA") | .observed.challenge')" \
    webauthn "webauthn: the challenge kind is recorded"
bg_stop webauthn

# 4. Optional and absent MFA: the protected page is served after the password alone.
for mode in optional absent; do
    start_portal "$mode" --mfa "$mode" --oidc implicit
    scan "$mode"
    is "$(status_of "$mode" MFA)" fail "$mode: mfa.enforced fails"
    like "$(evidence_of "$mode" MFA)" 'served.*absent or optional' "$mode: the evidence says why"
    is "$RUN_STATUS" 1 "$mode: exit 1"
    is "$(status_of "$mode" ADV)" warn "$mode: the implicit grant is a warning"
    is "$(status_of "$mode" ADV-STRICT)" fail "$mode: and a failure under strict"
    bg_stop "$mode"
done

# 5. Forced browsing: the page is withheld, but a document is served to the password-only
#    session.
start_portal bypass --mfa enforced --documents bypass
scan bypass
is "$(status_of bypass MFA)" fail "bypass: documents past the second step fail mfa.enforced"
like "$(evidence_of bypass MFA)" 'documents/1043 was served' "bypass: the document is named"

# 6. No credentials: skipped, never pass. A wrong password: error, not pass.
COC_TEST_PASS='' scan nocreds
is "$(status_of nocreds MFA)" skipped "nocreds: skipped without credentials"
like "$(evidence_of nocreds MFA)" 'COC_TEST_PASS is not set' "nocreds: the variable is named"
COC_TEST_PASS=not-the-password scan wrongpw
is "$(status_of wrongpw MFA)" error "wrongpw: a refused password is an error"
like "$(evidence_of wrongpw MFA)" 'password was not accepted' "wrongpw: the evidence says so"
unlike "$(cat "$tmpdir/wrongpw.json" "$RUN_OUT" "$RUN_ERR")" 'not-the-password' \
    "wrongpw: the wrong password is not echoed either"
bg_stop bypass

# 7. A harder form: CSRF token, email-typed username with an unusual name, a search form before
#    it, a hidden returnUrl, posting to /auth/session. -vv must not leak the password either.
start_portal unusual --mfa enforced --csrf on --fields unusual --form-action other
scan unusual -vv
is "$(status_of unusual MFA)" pass "unusual: the driver fills the right form and passes"
is "$(jqr "$tmpdir/unusual.json" '.targets[0].observations.mfa.enforced.login.form
    | [.username_field, .password_field, (.fields | index("csrf_token") != null)] | map(tostring) | join(" ")')" \
    "j_user_ident pw_field_x true" "unusual: the fields and the CSRF token are found"
is "$(posts)" /auth/session "unusual: posted to the form's action"
unlike "$(cat "$RUN_ERR" "$RUN_OUT")" "$PORTAL_ALICE_PASSWORD" "unusual: -vv does not leak it"
bg_stop unusual

# 7b. A session cookie without Secure or HttpOnly, set only when signing in: the start page has
#     no cookie, so only judging the cookies after login finds it.
start_portal weakcookie --mfa enforced --session-cookie weak
scan weakcookie
is "$(status_of weakcookie COOKIE)" fail "weakcookie: the sign-in session cookie is judged"
like "$(evidence_of weakcookie COOKIE)" 'portal_session' "weakcookie: the cookie is named"
is "$(jqr "$tmpdir/weakcookie.json" '[.targets[0].observations.http.cookies[]
    | select(.after_login) | has("value")] | [length, any] | map(tostring) | join(" ")')" \
    "2 false" "weakcookie: both sign-in cookies recorded by length, never by value"
bg_stop weakcookie

# 8. A target given on the command line has no account: skipped.
start_portal plain --mfa absent
run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" -p "$tmpdir/p.yaml" --checks mfa \
    --json "$tmpdir/plain.json" "https://127.0.0.1:$PORT/"
ok "plain: report validates" validate_report "$tmpdir/plain.json"
is "$(status_of plain MFA)" skipped "plain: no test account, skipped"
bg_stop plain

done_testing
