#!/usr/bin/env bash
# 20-profile.t — `cocscan profile list|show|validate` and profile errors stopping a scan before
# any probe: every problem of a broken profile as file:line:col, exit 2.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
cd "$tmpdir"

run "$COCSCAN" profile list
is "$RUN_STATUS" 0 "profile list exits 0"
like "$(cat "$RUN_OUT")" 'nz-health-portal +2026\.1' "profile list shows the baseline and version"

run "$COCSCAN" profile show nz-health-portal
like "$(head -5 "$RUN_OUT")" 'profile: nz-health-portal' "show prints the profile as written"

for p in $("$COCSCAN" profile list | awk 'NR > 1 { print $1 }'); do
    ok "built-in $p validates" "$COCSCAN" profile validate "$p"
done

# A broken profile: every problem, each with file:line:col, exit 2.
cat >broken.yaml <<'YAML'
profile: broken
title: A profile with one problem per line
contrls: {}
controls:
  C-1:
    title: typo in a key
    check: tls.protocols
    severity: high
    expct: { min: "1.2" }
  C-2:
    title: unknown check
    check: tls.protocol
    severity: high
  C-3:
    title: expect key the check does not accept
    check: headers.hsts
    severity: medium
    expect: { max_age: 10 }
  C-4:
    title: wrong type
    check: headers.hsts
    severity: severe
    expect: { min_max_age: one-year }
  C-5:
    check: tls.protocols
    severity: low
YAML
run "$COCSCAN" profile validate broken.yaml
is "$RUN_STATUS" 2 "validate broken profile: exit 2"
err=$(cat "$RUN_ERR")
like "$err" "broken\.yaml:3:1: unknown key 'contrls' in the profile \(did you mean 'controls'\?\)" \
    "unknown top-level key, with position and suggestion"
like "$err" "broken\.yaml:9:5: unknown key 'expct' in control \(did you mean 'expect'\?\)" \
    "unknown control key"
like "$err" "broken\.yaml:12:12: unknown check 'tls\.protocol' \(did you mean 'tls\.protocols'\?\)" \
    "unknown check"
like "$err" "broken\.yaml:18:15: check headers\.hsts does not accept expect key 'max_age'" \
    "expect key the check does not accept"
like "$err" "broken\.yaml:22:15: severity: 'severe' is not one of info, low, medium, high, critical" \
    "bad severity value"
like "$err" "broken\.yaml:23:28: expect\.min_max_age must be a non-negative integer" \
    "wrong expect type"
like "$err" "broken\.yaml:24:3: control C-5 has no 'title'" "missing title"
like "$err" "broken\.yaml: 7 problems" "all problems reported in one run"

# A scan with a broken profile stops before probing: exit 2 even though the target is down.
port=$(free_port)
run "$COCSCAN" scan -p broken.yaml "https://127.0.0.1:$port/"
is "$RUN_STATUS" 2 "scan with a broken profile: exit 2 (not 3: nothing was probed)"
like "$(cat "$RUN_ERR")" "broken\.yaml:3:1:" "scan prints the profile problems"

# extends: relative to the extending file, merged by id, key-wise expect.
mkdir -p sub other
cat >sub/base.yaml <<'YAML'
profile: base
title: Base
version: "1"
controls:
  T-1:
    title: TLS floor
    check: tls.protocols
    severity: high
    expect: { min: "1.2", require: ["1.3"] }
    refs: { nzism: 17.4.16.C.01 }
  H-1:
    title: HSTS
    check: headers.hsts
    severity: medium
YAML
cat >sub/child.yaml <<'YAML'
profile: child
title: Child
extends: base.yaml
controls:
  T-1:
    expect: { min: "1.3" }
  H-1:
    disabled: true
    reason: HSTS is set by the upstream proxy, checked separately
YAML
cd other
run "$COCSCAN" profile show --resolved ../sub/child.yaml
is "$RUN_STATUS" 0 "show --resolved follows a relative extends from another cwd"
resolved=$(cat "$RUN_OUT")
like "$resolved" 'sha256 [0-9a-f]{64}' "show --resolved prints the sha256"
like "$resolved" 'min: "1\.3"' "child's expect key overrides the parent's"
like "$resolved" 'require: \["1\.3"\]' "parent's other expect keys are kept"
like "$resolved" 'disabled: true' "disabled control kept, marked disabled"
like "$resolved" 'profile: child' "identity comes from the child"
cd ..

cat >a.yaml <<'YAML'
profile: a
title: A
extends: b.yaml
YAML
cat >b.yaml <<'YAML'
profile: b
title: B
extends: a.yaml
YAML
run "$COCSCAN" profile validate a.yaml
is "$RUN_STATUS" 2 "an extends cycle: exit 2"
like "$(cat "$RUN_ERR")" "b\.yaml:3:10: 'extends: a\.yaml' makes a cycle" "cycle is reported"

printf 'profile: x\ntitle: [unclosed\n' >syntax.yaml
run "$COCSCAN" profile validate syntax.yaml
is "$RUN_STATUS" 2 "YAML syntax error: exit 2"
like "$(cat "$RUN_ERR")" '^syntax\.yaml:[0-9]+:[0-9]+: YAML syntax error' "syntax error positioned"

# docs/profiles.md documents every check and every expect key the registry has.
docs=$top/docs/profiles.md
while read -r id keys; do
    like "$(cat "$docs")" "### $id " "docs/profiles.md has a section for $id"
    section=$(awk -v h="### $id " 'index($0, h) == 1 { on = 1; next } /^### / { on = 0 } on' "$docs")
    for k in ${keys//,/ }; do
        like "$section" "\`$k\`" "docs/profiles.md documents $id expect key $k"
    done
done < <("$COCSCAN" checks --json | jq -r '.[] | .id + " " + ([.expect[].name] | join(","))')
done_testing
