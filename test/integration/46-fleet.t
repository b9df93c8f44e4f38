#!/usr/bin/env bash
# 46-fleet.t — `cocscan report merge` and `cocscan report diff` on reports of real scans: two
# shards of a targets file (organisations, a hostile name, an unreachable target, one target in
# both shards) merged into a fleet that validates against reports/fleet.schema.json, worst
# first, with totals, the duplicate and (with a report re-judged by `evaluate` under another
# profile) the profiles warning; its HTML page self-contained with every hostile string as text.
# Then one nginx switched between the good and weak states of test/fixtures/http (headers, TLS
# protocols and suites, certificate) by a reload, so the same URL is scanned in both: a report
# against itself and two scans of the unchanged server change nothing (exit 0), good → weak
# lists the new failures and observation changes (exit 1), weak → good the fixes (exit 0); the
# diff JSON validates against reports/diff.schema.json; malformed input is exit 2 with
# file:line:col.
# shellcheck disable=SC2016  # the $names in single quotes are jq's, not the shell's
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx jq curl pgrep
gen_certs

fixture=$top/test/fixtures/http
FLEET_SCHEMA=$top/reports/fleet.schema.json
DIFF_SCHEMA=$top/reports/diff.schema.json
validate() { # SCHEMA FILE
    "$COC_PYTHON" "$top/test/tools/validate_json.py" "$1" "$2" 1>&2
}

# site.conf of the switchable server, in the good or weak state: the 443 server's headers of
# test/fixtures/http/STATE.conf, plus TLS settings and a certificate that differ between them.
site_conf() {
    {
        grep -E '^[[:space:]]*add_header ' "$fixture/$1.conf"
        if [ "$1" = good ]; then
            echo 'ssl_protocols TLSv1.2 TLSv1.3;'
            echo 'ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;'
            echo "ssl_certificate $CERTDIR/good-chain.pem;"
            echo "ssl_certificate_key $CERTDIR/good.key;"
            echo 'server_tokens off;'
        else
            echo 'ssl_protocols TLSv1.2;'
            echo 'ssl_ciphers HIGH:!aNULL;'
            echo "ssl_certificate $CERTDIR/ec256-chain.pem;"
            echo "ssl_certificate_key $CERTDIR/ec256.key;"
        fi
    } >"$tmpdir/site/site.conf"
}
mkdir -p "$tmpdir/site"
site_conf good
start_nginx site - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl;
root @ROOT@;
include @DIR@/site.conf;
NGINX
SITE=https://127.0.0.1:$PORT/
site_pid=$(cat "$SERVER_DIR/nginx.pid")

{
    echo 'listen 127.0.0.1:@PORT@ ssl;'
    echo 'ssl_certificate @CERTDIR@/good-chain.pem;'
    echo 'ssl_certificate_key @CERTDIR@/good.key;'
    echo 'root @ROOT@;'
    grep -E '^[[:space:]]*add_header ' "$fixture/weak.conf"
} >"$tmpdir/weak.snippet"
start_nginx weak "$tmpdir/weak.snippet"
WEAK=https://127.0.0.1:$PORT/
DEAD=https://127.0.0.1:$(free_port)/ # nothing listens there: unreachable

HOSTILE_NAME='Hostile </td><script>alert(1)</script>'
HOSTILE_ORG='Vendor <b>&</b> Co'
cat >"$tmpdir/shard1.yaml" <<YAML
targets:
  - { url: "$SITE", name: Good portal, organisation: Northland PHO }
  - { url: "$WEAK", name: Weak portal, organisation: Northland PHO }
YAML
cat >"$tmpdir/shard2.yaml" <<YAML
targets:
  - { url: "$WEAK", name: Weak portal, organisation: Northland PHO }
  - url: "$DEAD"
    name: "$HOSTILE_NAME"
    organisation: "$HOSTILE_ORG"
YAML

scan() { # OUT.json ARGS... — a quiet scan of the test servers
    local out=$1
    shift
    run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" --json "$tmpdir/$out" "$@"
    ok "scan $out: the report validates" validate_report "$tmpdir/$out"
}
scan shard1.json --targets "$tmpdir/shard1.yaml"
sleep 1 # the second shard is the newer scan of the target both hold
scan shard2.json --targets "$tmpdir/shard2.yaml"
scan good1.json "$SITE"
scan good2.json "$SITE"
is "$(jqr "$tmpdir/good1.json" .verdict)" compliant "the good state of the site is compliant"

# --- merge -------------------------------------------------------------------------------------
# The newer shard is given first: the newest scan wins, not the last argument.
run "$COCSCAN" report merge "$tmpdir/shard2.json" "$tmpdir/shard1.json" \
    -o "$tmpdir/fleet.json" --html "$tmpdir/fleet.html"
is "$RUN_STATUS" 0 "merge: exit 0 although targets are non-compliant (no --fail)"
ok "merge: the fleet JSON validates against fleet.schema.json" \
    validate "$FLEET_SCHEMA" "$tmpdir/fleet.json"
F=$tmpdir/fleet.json
is "$(jqr "$F" '[.targets[].url] | join(" ")')" "$DEAD $WEAK $SITE" \
    "merge: worst first (unreachable, non-compliant, compliant)"
is "$(jqr "$F" '[.targets[].verdict] | join(" ")')" "unreachable non-compliant compliant" \
    "merge: each target keeps its report's verdict"
is "$(jqr "$F" '[.targets[] | .organisation] | join("|")')" \
    "$HOSTILE_ORG|Northland PHO|Northland PHO" "merge: organisations carried over"
is "$(jqr "$F" '.duplicates | map("\(.url) kept=\(.kept.source) dropped=\(
        [.dropped[].source] | join(","))") | join(";")')" \
    "$WEAK kept=0 dropped=1" "merge: the target in both shards is a duplicate; the newer scan kept"
want="warning: report merge: target $WEAK appears more than once: "
want+='kept the scan in input 1 \(.*shard2.json'
like "$(cat "$RUN_ERR")" "$want" \
    "merge: the duplicate is warned about on stderr"
is "$(jqr "$F" '.warnings | length')" 1 "merge: one warning in the JSON, no other"
is "$(jqr "$F" .profiles_differ)" false "merge: one profile"
is "$(jqr "$F" '.totals | "\(.targets) \(.verdicts.compliant) \(.verdicts["non-compliant"]) "
        + "\(.verdicts.incomplete) \(.verdicts.unreachable)"')" \
    "3 1 1 0 1" "merge: totals by verdict"
is "$(jqr "$F" '.totals.failed_by_severity == ([.targets[].failed_by_severity]
        | reduce .[] as $t ({}; reduce ($t | keys[]) as $k (.; .[$k] += $t[$k])))')" \
    true "merge: failures by severity total the targets'"
is "$(jqr "$F" '[.totals.organisations[] | "\(.name)=\(.targets)"] | join(";")')" \
    "$HOSTILE_ORG=1;Northland PHO=2" "merge: totals per organisation, worst first"
is "$(jqr "$F" '[.controls[] | (.results | add) == .targets] | all')" true \
    "merge: every control's counts add up to the targets that have it"
is "$(jqr "$F" '.controls[] | select(.id == "COC-HDR-01")
        | "\(.results.fail) \(.results.pass) \(.results.error)"')" \
    "1 1 1" "merge: COC-HDR-01 fails on the weak portal, passes on the good, errs on the dead one"
is "$(jqr "$F" '[.matrix[].url] == [.targets[].url]')" true \
    "merge: matrix rows in the targets' order"
is "$(jqr "$F" '[.matrix[] | .controls["COC-HDR-05"]] | join(" ")')" "error fail pass" \
    "merge: matrix cells are the statuses"
is "$(jqr "$F" '[.sources[].file | split("/") | last] | join(" ")')" "shard2.json shard1.json" \
    "merge: sources in command-line order"

run "$COCSCAN" report merge "$tmpdir/shard2.json" "$tmpdir/shard1.json" --fail -o "$tmpdir/f2.json"
is "$RUN_STATUS" 1 "merge --fail: exit 1 when a target is not compliant"
run "$COCSCAN" report merge "$tmpdir/good1.json" --fail -o -
is "$RUN_STATUS" 0 "merge --fail: exit 0 when every target is compliant"
is "$(jq -r .schema "$RUN_OUT")" "https://cocscan.nz/schema/fleet/v1" \
    "merge -o -: the JSON on stdout"
run "$COCSCAN" report merge "$tmpdir/good1.json" -o - --html -
is "$RUN_STATUS" 2 "merge: two outputs on stdout is a usage error"

# HTML: self-contained; nothing from the reports became markup.
cat >"$tmpdir/html_check.py" <<'PY'
import sys
from html.parser import HTMLParser
BAD = {"script", "img", "iframe", "object", "embed", "link", "base", "form", "b", "svg"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.text, self.csp, self.cells = [], [], False, 0
    def handle_starttag(self, tag, attrs):
        if tag in BAD:
            self.problems.append("element <%s>" % tag)
        for k, v in attrs:
            if k.startswith("on") or k in ("href", "src", "srcset", "action", "style"):
                self.problems.append("attribute %s on <%s>" % (k, tag))
            if tag == "meta" and k == "http-equiv" and v.lower() == "content-security-policy":
                self.csp = True
            if tag == "td" and k == "class" and v == "m":
                self.cells += 1
    def handle_data(self, d):
        self.text.append(d)
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
text = "".join(p.text)
for want in sys.argv[3:]:
    if want not in text:
        p.problems.append("text missing: %r" % want)
if not p.csp:
    p.problems.append("no CSP meta")
if p.cells < int(sys.argv[2]):
    p.problems.append("matrix: %d status cells, expected at least %s" % (p.cells, sys.argv[2]))
print("\n".join(p.problems))
sys.exit(1 if p.problems else 0)
PY
ok "HTML: no injected element or attribute, hostile strings as text, CSP meta, the matrix" \
    "$COC_PYTHON" "$tmpdir/html_check.py" "$tmpdir/fleet.html" 60 "$HOSTILE_NAME" \
    "$HOSTILE_ORG" "appears more than once" "Targets, worst first" "By organisation"
unlike "$(grep -o -i -E '<(link|script|img|iframe)[^>]*>|url\(|@import' "$tmpdir/fleet.html" |
    head -3)" '.' "HTML: no external resource, no script"

# Different profiles: shard1 judged again under a small custom profile.
cat >"$tmpdir/small.yaml" <<'YAML'
profile: small-fleet
title: Headers only
version: "1"
controls:
  HSTS: { title: HSTS for a year, check: headers.hsts, severity: high }
  XFO: { title: no framing, check: headers.frame_options, severity: medium }
YAML
run "$COCSCAN" evaluate "$tmpdir/shard1.json" --profile "$tmpdir/small.yaml" \
    --json "$tmpdir/custom.json" -q
ok "evaluate under the small profile: its report validates" validate_report "$tmpdir/custom.json"
run "$COCSCAN" report merge "$tmpdir/custom.json" "$tmpdir/shard2.json" -o "$tmpdir/mixed.json" \
    --html "$tmpdir/mixed.html"
is "$RUN_STATUS" 0 "merge of different profiles: exit 0"
ok "merge of different profiles: validates" validate "$FLEET_SCHEMA" "$tmpdir/mixed.json"
is "$(jqr "$tmpdir/mixed.json" .profiles_differ)" true "merge: profiles_differ"
want='warning: report merge: the inputs were judged under different profiles'
want+='.*small-fleet 1 \(sha256 [0-9a-f]{12}.*custom\.json.*nz-health-portal.*shard2\.json'
like "$(cat "$RUN_ERR")" "$want" \
    "merge: stderr says which input used which profile"
like "$(jqr "$tmpdir/mixed.json" '.warnings[0]')" \
    'different profiles.*small-fleet.*nz-health-portal' \
    "merge: the warning is in the JSON"
is "$(jqr "$tmpdir/mixed.json" '[.profiles[] | "\(.id):\(.sources | join(","))"] | join(" ")')" \
    "small-fleet:0 nz-health-portal:1" "merge: the distinct profiles and their inputs"
ok "merge: the warning is on the HTML page" grep -q 'judged under different profiles' \
    "$tmpdir/mixed.html"
is "$(jqr "$tmpdir/mixed.json" '.matrix[] | select(.url == $u) | .controls | keys | join(" ")' \
    --arg u "$WEAK")" \
    "HSTS XFO" "merge: of the duplicate, the newer report's (evaluate's) is kept"

# --- diff --------------------------------------------------------------------------------------
run "$COCSCAN" report diff "$tmpdir/good1.json" "$tmpdir/good1.json" --json "$tmpdir/same.json"
is "$RUN_STATUS" 0 "diff of a report against itself: exit 0"
is "$(jqr "$tmpdir/same.json" '.summary | [.new_failures, .fixed, .other_changes,
        .observation_changes, .targets_added, .targets_removed] | add')" \
    0 "diff against itself: nothing new, fixed or changed"
like "$(cat "$RUN_OUT")" 'no change.*No regression' "diff against itself: the text says so"

run "$COCSCAN" report diff "$tmpdir/good1.json" "$tmpdir/good2.json" --json -
is "$RUN_STATUS" 0 "diff of two scans of the unchanged server: exit 0"
is "$(jq -c '[.summary.new_failures, .summary.observation_changes,
        [.targets[].observations[].path]]' "$RUN_OUT")" \
    '[0,0,[]]' "diff of two scans: no noise (dates, random probe paths, days remaining)"

# The same URL in its weak state: reload the site's nginx with the weak site.conf.
site_conf weak
kill -HUP "$site_pid"
reloaded=0
for _ in $(seq 100); do # the new configuration answers, and the old worker has gone
    if curl -sk -D - -o /dev/null "$SITE" 2>/dev/null | grep -qi 'x-frame-options: ALLOWALL' &&
        [ "$(pgrep -P "$site_pid" | wc -l)" -eq 1 ]; then
        reloaded=1
        break
    fi
    sleep 0.1
done
is "$reloaded" 1 "the site's nginx reloaded in its weak state"
scan sitebad.json "$SITE"
run "$COCSCAN" report diff "$tmpdir/good1.json" "$tmpdir/sitebad.json" --json "$tmpdir/regress.json"
is "$RUN_STATUS" 1 "diff good → weak: exit 1 (regressed)"
ok "diff --json validates against diff.schema.json" validate "$DIFF_SCHEMA" "$tmpdir/regress.json"
D=$tmpdir/regress.json
is "$(jqr "$D" '[.targets[0].new_failures[].control] | sort | join(" ")')" \
    "COC-CKE-01 COC-HDR-01 COC-HDR-03 COC-HDR-04 COC-HDR-05 COC-HTTP-03 COC-TLS-01" \
    "diff good → weak: the new failures"
is "$(jqr "$D" '.targets[0].new_failures[] | select(.control == "COC-HDR-01")
        | "\(.old) \(.new) \(.severity)"')" \
    "pass fail medium" "diff: old and new status and severity"
is "$(jqr "$D" '.targets[0].observations[] | select(.kind == "tls_protocols")
        | .removed | join(" ")')" \
    "TLSv1.3" "diff: TLS 1.3 no longer accepted"
like "$(jqr "$D" '.targets[0].observations[] | select(.kind == "tls_ciphers")
        | .added | join(" ")')" \
    'TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA' "diff: cipher suites added"
like "$(jqr "$D" '.targets[0].observations[] | select(.kind == "certificate") | .summary')" \
    '^certificate renewed; .*key "RSA" → "EC".*fingerprint \(SHA-256\) "[0-9a-f]{64}" → "' \
    "diff: the certificate change"
is "$(jqr "$D" '.targets[0].observations[] | select(.path == "http.headers.x-frame-options")
        | "\(.old[0]) \(.new[0])"')" \
    "DENY ALLOWALL" "diff: a header value change"
is "$(jqr "$D" '[.targets[0].observations[]
        | select(.path | test("cert\\.leaf\\.|headers\\.date|baseline\\[[0-9]+\\]\\.path"))]
        | length')" \
    0 "diff: no field of the renewed certificate repeated, no volatile field"
like "$(cat "$RUN_OUT")" \
    'New failures \(7\):.*\+ COC-TLS-01 \[high\].*pass → fail.*\+ COC-CKE-01 \[medium\]' \
    "diff: the text lists the new failures, worst first"
like "$(cat "$RUN_OUT")" 'TLS protocols accepted: removed TLSv1.3' \
    "diff: the text names the protocol"
like "$(cat "$RUN_OUT")" 'header x-frame-options: "DENY" → "ALLOWALL"' \
    "diff: the text names the header"
like "$(cat "$RUN_OUT")" 'Regressed' "diff: the text says it regressed"
unlike "$(cat "$RUN_OUT")" $'\033' "diff: no colour when stdout is not a terminal"

run "$COCSCAN" report diff "$tmpdir/sitebad.json" "$tmpdir/good1.json" --json
is "$RUN_STATUS" 0 "diff weak → good: exit 0"
is "$(jq -r '[.targets[0].fixed[].control] | sort | join(" ")' "$RUN_OUT")" \
    "COC-CKE-01 COC-HDR-01 COC-HDR-03 COC-HDR-04 COC-HDR-05 COC-HTTP-03 COC-TLS-01" \
    "diff weak → good: the same controls fixed"
is "$(jq -r '.summary.new_failures' "$RUN_OUT")" 0 "diff weak → good: no new failure"

# Targets added, removed and lost between the shards.
run "$COCSCAN" report diff "$tmpdir/shard1.json" "$tmpdir/shard2.json" \
    --json "$tmpdir/shards.json" -q
is "$RUN_STATUS" 0 "diff of the shards: a target added is not a regression"
ok "diff of the shards: validates" validate "$DIFF_SCHEMA" "$tmpdir/shards.json"
is "$(jqr "$tmpdir/shards.json" '"\([.targets_added[].url] | join(",")) "
        + "\([.targets_removed[].url] | join(","))"')" \
    "$DEAD $SITE" "diff: targets added and removed"
is "$(cat "$RUN_OUT")" "" "diff -q: no summary"
jq --arg u "$WEAK" '.targets |= map(if .url == $u
        then .verdict = "unreachable" | .error = "connect: refused" else . end)' \
    "$tmpdir/shard2.json" >"$tmpdir/lost.json"
run "$COCSCAN" report diff "$tmpdir/shard1.json" "$tmpdir/lost.json" --json -
is "$RUN_STATUS" 1 "diff: a target that became unreachable is a regression"
is "$(jq -r '.targets[] | select(.url == "'"$WEAK"'") | .became_unreachable' "$RUN_OUT")" true \
    "diff: became_unreachable"

# Profile changed.
run "$COCSCAN" report diff "$tmpdir/shard1.json" "$tmpdir/custom.json" --json "$tmpdir/prof.json"
is "$(jqr "$tmpdir/prof.json" .profile_changed)" true "diff: the profile change is recorded"
like "$(cat "$RUN_OUT")" 'Profile changed: nz-health-portal .* → small-fleet 1' "diff: and said"

# --- bad input ---------------------------------------------------------------------------------
printf '{"schema": "x",\n  oops}\n' >"$tmpdir/bad.json"
echo '{"a": 1}' >"$tmpdir/other.json"
run "$COCSCAN" report merge "$tmpdir/shard1.json" "$tmpdir/bad.json" -o "$tmpdir/never.json"
is "$RUN_STATUS" 2 "merge: a malformed input is exit 2"
like "$(cat "$RUN_ERR")" 'bad\.json:2:[0-9]+: not a JSON report' "merge: with file:line:col"
ok "merge: nothing written" test ! -e "$tmpdir/never.json"
run "$COCSCAN" report merge "$tmpdir/other.json"
is "$RUN_STATUS" 2 "merge: JSON that is not a report is exit 2"
like "$(cat "$RUN_ERR")" 'other\.json: not a cocscan report' "merge: says so"
run "$COCSCAN" report diff "$tmpdir/good1.json" "$tmpdir/bad.json"
is "$RUN_STATUS" 2 "diff: a malformed input is exit 2"
like "$(cat "$RUN_ERR")" 'bad\.json:2:[0-9]+: not a JSON report' "diff: with file:line:col"
run "$COCSCAN" report merge
is "$RUN_STATUS" 2 "merge: no input is a usage error"
run "$COCSCAN" report diff "$tmpdir/good1.json"
is "$RUN_STATUS" 2 "diff: one report is a usage error"
run "$COCSCAN" report diff --json -x "$tmpdir/good1.json" "$tmpdir/good1.json"
is "$RUN_STATUS" 2 "diff: an unknown option is a usage error"
for c in merge diff; do
    run "$COCSCAN" report "$c" --help
    like "$(cat "$RUN_OUT")" "Usage: cocscan report $c.*Exit codes.*Examples?:" "report $c --help"
done

done_testing
