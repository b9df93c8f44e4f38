#!/usr/bin/env bash
# 45-reports.t — the report formats from one real scan: JSON (schema-valid), HTML (self-contained,
# every server string shown as text), SARIF 2.1.0 (checked against the OASIS schema,
# test/tools/sarif-schema-2.1.0.json, and the rules GitHub code scanning enforces on upload,
# test/tools/sarif-2.1.0-subset.schema.json), JUnit XML (well-formed); the same
# files rendered again from the stored JSON by `cocscan report`; `cocscan evaluate` judging the
# stored observations again under another profile without any network; bad input refused.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx jq xmllint
gen_certs

# A hostile server: markup, quotes and invalid UTF-8 in headers a report quotes.
start_nginx hostile - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
add_header X-Powered-By "<script>alert('xss')</script>\"><img src=x onerror=alert(1)>" always;
add_header Strict-Transport-Security "max-age=60; <b>bold</b>" always;
root @ROOT@;
NGINX
printf '%s\n' '<!DOCTYPE html><html><head><title></title><script>alert(2)</script></head>' \
    '<body>hi</body></html>' >"$SERVER_DIR/html/index.html"
cat >"$tmpdir/t.yaml" <<YAML
targets:
  - url: https://127.0.0.1:$PORT/
    name: "Hostile </details><script>alert(3)</script>"
    organisation: "Org & <Co>"
YAML
out=$tmpdir/out
mkdir -p "$out"
run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" --checks headers,http --targets "$tmpdir/t.yaml" \
    --json "$out/r.json" --html "$out/r.html" --sarif "$out/r.sarif" --junit "$out/r.xml"
is "$RUN_STATUS" 1 "the hostile server is non-compliant (exit 1)"
ok "the JSON report validates" validate_report "$out/r.json"

# HTML: self-contained, nothing the server sent became markup.
cat >"$tmpdir/html_check.py" <<'PY'
import sys
from html.parser import HTMLParser
BAD = {"script", "img", "iframe", "object", "embed", "link", "base", "form"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.text, self.csp = [], [], False
    def handle_starttag(self, tag, attrs):
        if tag in BAD:
            self.problems.append("element <%s>" % tag)
        for k, v in attrs:
            if k.startswith("on") or k in ("href", "src", "srcset", "action"):
                self.problems.append("attribute %s on <%s>" % (k, tag))
            if tag == "meta" and k == "http-equiv" and v.lower() == "content-security-policy":
                self.csp = True
    def handle_data(self, d):
        self.text.append(d)
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
text = "".join(p.text)
for want in sys.argv[2:]:
    if want not in text:
        p.problems.append("text missing: %r" % want)
if not p.csp:
    p.problems.append("no CSP meta")
print("\n".join(p.problems))
sys.exit(1 if p.problems else 0)
PY
ok "HTML: no injected element or attribute, hostile strings shown as text, CSP meta" \
    "$COC_PYTHON" "$tmpdir/html_check.py" "$out/r.html" "<script>alert('xss')</script>" \
    "Hostile </details><script>alert(3)</script>" "Org & <Co>"
unlike "$(grep -o -i -E '<(link|script)[^>]*>|url\(|@import' "$out/r.html" | head -3)" '.' \
    "HTML: no external resource, no script"

# SARIF against the OASIS SARIF 2.1.0 schema and the subset of rules GitHub enforces on upload.
cat >"$tmpdir/sarif_check.py" <<'PY'
import json, sys, jsonschema
doc = json.load(open(sys.argv[1]))
for path in sys.argv[2:]:
    schema = json.load(open(path))
    jsonschema.validators.validator_for(schema)(schema).validate(doc)
res = doc["runs"][0]["results"]
assert res, "no results"
for r in res:
    loc = r["locations"][0]["physicalLocation"]
    assert loc["region"]["startLine"] >= 1, r
    assert r["partialFingerprints"], r
print(len(res))
PY
run "$COC_PYTHON" "$tmpdir/sarif_check.py" "$out/r.sarif" "$top/test/tools/sarif-schema-2.1.0.json" \
    "$top/test/tools/sarif-2.1.0-subset.schema.json"
is "$RUN_STATUS" 0 "SARIF: valid against the 2.1.0 schema and GitHub's rules; every result has a location and fingerprint"
diag_file "$RUN_ERR"
is "$(jq -r '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri' "$out/r.sarif" | sed 's|.*/||')" \
    t.yaml "SARIF: findings anchored to the targets file"
is "$(jq -r '[.runs[0].results[].ruleId] | index("COC-HDR-01") != null' "$out/r.sarif")" true \
    "SARIF: the weak HSTS is a result"

# JUnit: well-formed XML with a testsuite per target.
run "$COC_PYTHON" -c 'import sys, xml.dom.minidom as m
d = m.parse(sys.argv[1])
print(len(d.getElementsByTagName("testsuite")), len(d.getElementsByTagName("failure")))' "$out/r.xml"
is "$RUN_STATUS" 0 "JUnit: well-formed XML"
like "$(cat "$RUN_OUT")" '^1 [1-9]' "JUnit: one testsuite, failures in it"
run xmllint --noout "$out/r.xml"
is "$RUN_STATUS" 0 "JUnit: xmllint finds it well-formed"

# The same renderings from the stored report, byte for byte.
for f in html sarif junit; do
    ext=$f
    [ "$f" = junit ] && ext=xml
    run "$COCSCAN" report "$f" "$out/r.json" -o "$out/again.$ext"
    is "$RUN_STATUS" 0 "report $f: exit 0"
    ok "report $f: identical to the scan's --$f" cmp "$out/r.$ext" "$out/again.$ext"
done
run "$COCSCAN" report html "$out/r.json"
like "$(head -c 200 "$RUN_OUT")" '<!DOCTYPE html>' "report html: stdout by default"

# evaluate: the stored observations judged again, no network (the server is stopped first).
bg_stop hostile
cat >"$tmpdir/lax.yaml" <<'YAML'
profile: lax
title: A profile that accepts software banners
controls:
  LEAK-OK: { title: banners allowed, check: http.info_leak, severity: low,
             expect: { forbid_server_version: false, forbid_powered_by: false } }
  HSTS: { title: hsts, check: headers.hsts, severity: low, expect: { min_max_age: 60 } }
  TLS: { title: protocols, check: tls.protocols, severity: high }
YAML
run "$COCSCAN" evaluate "$out/r.json" --profile "$tmpdir/lax.yaml" --json "$out/lax.json" -q
is "$RUN_STATUS" 1 "evaluate: exit 1 (the invalid HSTS still fails)"
ok "evaluate: its report validates" validate_report "$out/lax.json"
is "$(jqr "$out/r.json" '.targets[0].results[] | select(.check == "http.info_leak") | .status')" \
    fail "scan: the X-Powered-By banner failed under the default profile"
is "$(jqr "$out/lax.json" '.targets[0].results[] | select(.control == "LEAK-OK") | .status')" pass \
    "evaluate: it passes under a profile that allows banners, from stored observations"
is "$(jqr "$out/lax.json" '.targets[0].results[] | select(.control == "HSTS") | .status')" fail \
    "evaluate: HSTS with markup in it stays invalid whatever the threshold"
is "$(jqr "$out/lax.json" '.targets[0].results[] | select(.control == "TLS") | .status + ": " + .evidence')" \
    "skipped: tls.protocols was not observed in this scan" \
    "evaluate: a check the scan never ran is skipped with the reason, never a pass"
is "$(jqr "$out/lax.json" '.targets[0].name')" "Hostile </details><script>alert(3)</script>" \
    "evaluate: the target keeps its name"

run "$COCSCAN" evaluate "$out/r.json" --html -
like "$(head -c 100 "$RUN_OUT")" '^<!DOCTYPE html>' "evaluate --html -: the page on stdout"
unlike "$(cat "$RUN_OUT")" 'Verdict: ' "evaluate --html -: no readable summary mixed into it"
run "$COCSCAN" evaluate "$out/r.json" --json - --sarif -
is "$RUN_STATUS" 2 "evaluate: two reports on stdout is a usage error"

# Bad input.
printf '{"schema": "x",\n  oops}\n' >"$tmpdir/bad.json"
run "$COCSCAN" report html "$tmpdir/bad.json"
is "$RUN_STATUS" 2 "report: a broken file is exit 2"
like "$(cat "$RUN_ERR")" 'bad.json:2:[0-9]+: not a JSON report' "report: with file:line:col"
echo '{"a": 1}' >"$tmpdir/other.json"
run "$COCSCAN" evaluate "$tmpdir/other.json"
is "$RUN_STATUS" 2 "evaluate: JSON that is not a report is exit 2"
like "$(cat "$RUN_ERR")" 'not a cocscan report' "evaluate: says so"
run "$COCSCAN" report pdf "$out/r.json"
is "$RUN_STATUS" 2 "report: an unknown format is a usage error"

done_testing
