#!/usr/bin/env bash
# 22-waivers-evidence.t — the people-supplied half of a judgement, against a real nginx that
# sends no security headers: a current waiver turns a fail into `waived` and keeps the status it
# covers; an expired one is ignored and listed; a malformed file stops the run before any probe
# (exit 2, file:line:col); `waivers lint` / `evidence lint`; evidence makes an attestation
# `attested`, a "no" a fail, an answer older than max_age a warn; an unanswered one stays
# skipped; a tailored profile that relaxes a control loses its parent's refs in the report.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx jq
gen_certs

start_nginx bare - <<'NGINX'
server {
    listen 127.0.0.1:@PORT@ ssl;
    ssl_certificate @CERTDIR@/good-chain.pem;
    ssl_certificate_key @CERTDIR@/good.key;
    default_type text/html;
    location / { return 200 '<!DOCTYPE html><html><head><title>t</title></head><body>ok</body></html>'; }
}
NGINX
URL="https://127.0.0.1:$PORT/"
day() { date -u -d "$1" +%F; }

scan() { # NAME ARGS... — scan $URL (headers only) into $tmpdir/NAME.json
    local name=$1
    shift
    run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" --checks headers \
        --json "$tmpdir/$name.json" --html "$tmpdir/$name.html" "$@" "$URL"
}

# --- waivers -------------------------------------------------------------------------------
scan plain
ok "plain report validates" validate_report "$tmpdir/plain.json"
is "$(status_of plain COC-HDR-01)" fail "without waivers: HSTS missing fails"
is "$(status_of plain COC-HDR-02)" fail "without waivers: nosniff missing fails"

cat >"$tmpdir/waivers.yaml" <<YAML
waivers:
  - control: COC-HDR-01
    target: "https://127.0.0.1:*"
    reason: "HSTS <b>ships</b> with release 4.2"
    approved_by: CIO, Example PHO
    expires: $(day '+30 days')
  - control: COC-HDR-02
    target: "*"
    reason: accepted last year
    approved_by: CIO, Example PHO
    expires: $(day '-1 day')
  - control: COC-HDR-04
    target: "https://portal.example.nz/*"
    reason: another target only
    approved_by: CIO
    expires: $(day '+1 year')
YAML
scan waived --waivers "$tmpdir/waivers.yaml"
is "$RUN_STATUS" 1 "still non-compliant: other controls fail"
ok "waived report validates" validate_report "$tmpdir/waived.json"
is "$(status_of waived COC-HDR-01)" waived "a current waiver turns the fail into waived"
is "$(jqr "$tmpdir/waived.json" '.targets[0].results[] | select(.control=="COC-HDR-01") |
        [.waiver.status, .waiver.approved_by, .waiver.source] | join("|")')" \
   "fail|CIO, Example PHO|$tmpdir/waivers.yaml:2" "the waiver keeps the underlying status, approver and source"
is "$(status_of waived COC-HDR-02)" fail "an expired waiver is ignored"
is "$(jqr "$tmpdir/waived.json" '.waivers.expired | map(.control) | join(",")')" COC-HDR-02 \
   "the expired waiver is listed in the report"
like "$(cat "$RUN_ERR")" "waiver for COC-HDR-02 \(\*\) expired on $(day '-1 day'): ignored" \
     "and warned about on stderr"
isnt "$(status_of waived COC-HDR-04)" waived "a waiver for another target's URL does not apply"
is "$(jqr "$tmpdir/waived.json" '.summary.results.waived')" 1 "the summary counts one waived"
ok "HTML shows the expired waiver section" grep -q 'Expired waivers' "$tmpdir/waived.html"
ok "HTML escapes the waiver reason" grep -q 'HSTS &lt;b&gt;ships&lt;/b&gt;' "$tmpdir/waived.html"
run "$COCSCAN" report sarif "$tmpdir/waived.json"
is "$(jq -r '[.runs[0].results[] | select(.suppressions) | .ruleId] | length' "$RUN_OUT")" 1 \
   "SARIF marks exactly the waived finding as suppressed"

# Regression (found by fuzz_manual): an empty list crashed the report's waivers summary.
printf 'waivers:\n' >"$tmpdir/empty.yaml"
scan empty --waivers "$tmpdir/empty.yaml"
is "$RUN_STATUS" 1 "an empty waivers list is valid: the scan runs"
is "$(jqr "$tmpdir/empty.json" '"\(.waivers.entries) \(.waivers.expired | length)"')" "0 0" \
   "and the report records an empty waivers file"

# evaluate applies waivers too, without the network
run "$COCSCAN" evaluate "$tmpdir/plain.json" -q --waivers "$tmpdir/waivers.yaml" \
    --json "$tmpdir/re.json"
is "$(status_of re COC-HDR-01)" waived "evaluate --waivers applies the waiver to a stored report"
ok "evaluate --waivers: its report validates" validate_report "$tmpdir/re.json"

# malformed: exit 2 before any probe, every problem as file:line:col
cat >"$tmpdir/bad-waivers.yaml" <<'YAML'
waivers:
  - control: COC-HDR-01
    target: "*"
    reasn: typo
    approved_by: ""
    expires: 2026-02-30
YAML
run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" --waivers "$tmpdir/bad-waivers.yaml" \
    "https://127.0.0.1:1/"
is "$RUN_STATUS" 2 "a malformed waivers file: exit 2"
err=$(cat "$RUN_ERR")
like "$err" "bad-waivers.yaml:4:5: unknown key 'reasn' in the waiver \(did you mean 'reason'\?\)" \
     "unknown key with a suggestion"
like "$err" "bad-waivers.yaml:6:14: 'expires' must be a date as YYYY-MM-DD, not '2026-02-30'" \
     "an impossible date"
like "$err" "bad-waivers.yaml:5:18: 'approved_by' must be a non-empty text" "an empty approver"
unlike "$err" "127.0.0.1:1" "no probe was attempted"
printf 'waivers:\n  - control: COC-NOPE\n    target: "*"\n    reason: r\n    approved_by: a\n    expires: 2099-01-01\n' \
    >"$tmpdir/unknown.yaml"
run "$COCSCAN" waivers lint "$tmpdir/unknown.yaml"
is "$RUN_STATUS" 2 "lint: a waiver for a control the profile lacks is an error"
like "$(cat "$RUN_ERR")" "unknown.yaml:2:5: profile nz-health-portal has no control 'COC-NOPE'" \
     "and says where"
run "$COCSCAN" waivers lint "$tmpdir/waivers.yaml"
is "$RUN_STATUS" 1 "lint: a valid file with an expired waiver exits 1"
like "$(cat "$RUN_OUT")" "waivers.yaml:7:5: warning: the waiver for COC-HDR-02 expired" \
     "lint lists the expired waiver"
like "$(cat "$RUN_OUT")" "waivers.yaml:2:5: warning: the waiver for COC-HDR-01 expires on .*, in 30 days" \
     "lint warns of one expiring within 30 days"
printf 'waivers:\n  - control: COC-HDR-01\n    target: "*"\n    reason: r\n    approved_by: a\n    expires: 2099-01-01\n' \
    >"$tmpdir/good.yaml"
run "$COCSCAN" waivers lint "$tmpdir/good.yaml"
is "$RUN_STATUS" 0 "lint: a clean file exits 0"

# --- evidence ------------------------------------------------------------------------------
cat >"$tmpdir/evidence.yaml" <<YAML
evidence:
  - control: COC-PEN-01
    answer: yes
    by: Jane Doe, CISO
    date: $(day '-400 days')
    reference: PT-2025-001
  - control: COC-LOG-01
    answer: yes
    by: Jane Doe, CISO
    date: $(day '-10 days')
    reference: "https://intranet.example.nz/siem"
  - control: COC-IR-01
    answer: no
    by: Jane Doe, CISO
    date: $(day '-3 days')
    reference: IR-2026
YAML
scan ev --evidence "$tmpdir/evidence.yaml"
ok "evidence report validates" validate_report "$tmpdir/ev.json"
is "$(status_of ev COC-LOG-01)" attested "a yes answer is attested, not pass"
like "$(evidence_of ev COC-LOG-01)" "attested by Jane Doe, CISO on .* not verified" "and says by whom"
is "$(status_of ev COC-PEN-01)" warn "an answer older than max_age (365 days) is a warn"
like "$(evidence_of ev COC-PEN-01)" "older than this attestation's max_age of 365 days" "and says why"
is "$(status_of ev COC-IR-01)" fail "a no answer is a fail"
is "$(status_of ev COC-PATCH-01)" skipped "an unanswered attestation stays skipped"
is "$(evidence_of ev COC-PATCH-01)" "no evidence supplied" "with 'no evidence supplied'"
is "$(jqr "$tmpdir/ev.json" '.targets[0].results[] |
        select(.control=="COC-LOG-01") | .observed.reference')" \
   "https://intranet.example.nz/siem" "the answer is recorded as observed"
run "$COCSCAN" evidence lint "$tmpdir/evidence.yaml"
is "$RUN_STATUS" 1 "evidence lint: a stale answer exits 1"
like "$(cat "$RUN_OUT")" "evidence.yaml:2:5: warning: the answer for COC-PEN-01 dates from" \
     "evidence lint names the stale answer"
printf 'evidence:\n  - control: COC-HDR-01\n    answer: maybe\n    by: x\n    date: %s\n    reference: r\n' \
    "$(day '+2 days')" >"$tmpdir/bad-ev.yaml"
run "$COCSCAN" scan -q --evidence "$tmpdir/bad-ev.yaml" "https://127.0.0.1:1/"
is "$RUN_STATUS" 2 "a malformed evidence file: exit 2"
like "$(cat "$RUN_ERR")" "bad-ev.yaml:3:13: 'answer' must be yes or no" "answer must be yes/no"
like "$(cat "$RUN_ERR")" "bad-ev.yaml:5:11: 'date' .* is in the future" "a future date is refused"
printf 'evidence:\n  - control: COC-HDR-01\n    answer: yes\n    by: x\n    date: 2026-01-01\n    reference: r\n' \
    >"$tmpdir/ctl-ev.yaml"
run "$COCSCAN" evidence lint "$tmpdir/ctl-ev.yaml"
like "$(cat "$RUN_ERR")" "COC-HDR-01 is a control, not an attestation" "evidence answers attestations only"

# --- a waiver over a "no" answer, and a tailored profile that relaxes a control --------------
cat >"$tmpdir/pho.yaml" <<'YAML'
profile: example-pho
title: Example PHO — tailored
extends: nz-health-portal
controls:
  COC-HDR-01:
    expect: { min_max_age: 86400 }
  COC-HDR-02:
    severity: low
YAML
run "$COCSCAN" profile validate "$tmpdir/pho.yaml"
is "$RUN_STATUS" 0 "a relaxing profile is valid"
like "$(cat "$RUN_ERR")" "pho.yaml:5:3: control COC-HDR-01 relaxes its parent's expect \(min_max_age 31536000 -> 86400\)" \
     "validate notes the relaxation"
scan tailored -p "$tmpdir/pho.yaml"
ok "tailored report validates" validate_report "$tmpdir/tailored.json"
is "$(jqr "$tmpdir/tailored.json" '.targets[0].results[] | select(.control=="COC-HDR-01") | .refs | length')" 0 \
   "the relaxed control claims no refs in the report"
isnt "$(jqr "$tmpdir/tailored.json" '.targets[0].results[] | select(.control=="COC-HDR-02") | .refs | length')" 0 \
   "an override that does not touch expect keeps its refs"
run "$COCSCAN" profile show --resolved "$tmpdir/pho.yaml"
like "$(cat "$RUN_OUT")" "# note: .*COC-HDR-01 relaxes" "profile show --resolved says so too"

done_testing
