#!/usr/bin/env bash
# 25-fleet-docs.t — docs/fleet.md keeps working. Its Kubernetes Indexed Job and GitHub Actions
# examples mark their scripts with a comment ("# run by test/integration/25-fleet-docs.t (NAME)");
# this script takes them out of the document and runs them as the pods and CI jobs would,
# against 7 local nginx targets: the Indexed Job's container script once per index, with
# JOB_COMPLETION_INDEX set and $(VAR) expanded as Kubernetes expands it, /config and /out moved
# into the temp dir; the CI matrix's step once per matrix.shard in a checkout-like directory.
# Each shard report has the right `shard` object and exactly its round-robin targets; a
# non-compliant shard (cocscan exit 1) still succeeds, a usage error (exit 2) does not; the
# doc's merge steps refuse a missing shard, and otherwise write a fleet that validates against
# reports/fleet.schema.json and has every target exactly once. The numbers agree (completions =
# parallelism = --shards, the matrix = --shard K/N), and the targets files shown are valid.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx jq
doc=${FLEET_DOC:-$top/docs/fleet.md} # FLEET_DOC: another copy, to check that this test can fail
[ -f "$doc" ] || skip_all "docs/fleet.md not found"
gen_certs
FLEET_SCHEMA=$top/reports/fleet.schema.json

# ---------------------------------------------------------------------------------------------
# Taking the examples out of the document (python3 standard library only).

cat >"$tmpdir/docx.py" <<'PY'
"""docx.py DOC COMMAND ... — read the examples of docs/fleet.md.

  script NAME          the block scalar marked "# run by test/integration/25-fleet-docs.t (NAME)"
  scalar NAME REGEX    in the ```yaml block holding NAME, the block scalar on the first line
                       matching REGEX (e.g. the ConfigMap's targets.yaml)
  field NAME REGEX     in that block, group 1 of the first line matching REGEX
  yaml-targets         the first ```yaml block that starts with "targets:"
  yaml-check           with PyYAML (if installed): parse the marked blocks and print
                       "PASS desc" / "FAIL desc: why" lines; exit 3 without PyYAML
"""
import json
import re
import sys

MARK = "# run by test/integration/25-fleet-docs.t ({})"


def fences(text, lang):
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        m = re.match(r"^```(\S*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not re.match(r"^```\s*$", lines[j]):
            j += 1
        if m.group(1) == lang:
            out.append("\n".join(lines[i + 1:j]))
        i = j + 1
    return out


def die(msg):
    sys.exit("docx: " + msg)


def block_of(text, name):
    hits = [b for b in fences(text, "yaml") if MARK.format(name) in b]
    if len(hits) != 1:
        die("%d ```yaml blocks hold the marker %r (want 1)" % (len(hits), MARK.format(name)))
    return hits[0]


def scalar_at(lines, i):
    """The literal block scalar whose header ('key: |' or '- |') is lines[i], as YAML reads it
    (clip chomping: one final newline)."""
    m = re.match(r"^(\s*)(?:- |[\w.-]+: )\|[-+]?\s*(#.*)?$", lines[i])
    if not m:
        die("line is not a literal block scalar header: %r" % lines[i])
    parent = len(m.group(1))
    body = []
    for line in lines[i + 1:]:
        if line.strip() and len(line) - len(line.lstrip(" ")) <= parent:
            break
        body.append(line)
    while body and not body[-1].strip():
        body.pop()
    if not body:
        die("empty block scalar after %r" % lines[i])
    ind = len(body[0]) - len(body[0].lstrip(" "))
    return "\n".join(x[ind:] for x in body) + "\n"


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    cmd = sys.argv[2]
    if cmd == "script":
        lines = block_of(text, sys.argv[3]).split("\n")
        i = [k for k, l in enumerate(lines) if MARK.format(sys.argv[3]) in l][0]
        sys.stdout.write(scalar_at(lines, i))
    elif cmd in ("scalar", "field"):
        lines = block_of(text, sys.argv[3]).split("\n")
        for k, line in enumerate(lines):
            m = re.search(sys.argv[4], line)
            if m:
                sys.stdout.write(scalar_at(lines, k) if cmd == "scalar" else m.group(1) + "\n")
                return
        die("no line matches %r" % sys.argv[4])
    elif cmd == "yaml-targets":
        for b in fences(text, "yaml"):
            if b.startswith("targets:"):
                sys.stdout.write(b + "\n")
                return
        die("no ```yaml block starts with targets:")
    elif cmd == "yaml-check":
        yaml_check(text)
    else:
        die("unknown command " + cmd)


def yaml_check(text):
    try:
        import yaml
    except ImportError:
        sys.exit(3)

    def say(ok, desc, why=""):
        print(("PASS " if ok else "FAIL ") + desc + ("" if ok else ": " + why))

    def docs(name):
        return [d for d in yaml.safe_load_all(block_of(text, name)) if d]

    def scalar(name):
        lines = block_of(text, name).split("\n")
        return scalar_at(lines, [k for k, l in enumerate(lines) if MARK.format(name) in l][0])

    try:
        k8s = docs("k8s-shard")
        merge = docs("k8s-merge")
        ci = docs("ci-shard")[0]
    except yaml.YAMLError as e:
        say(False, "the marked manifests parse as YAML", str(e).replace("\n", " "))
        return
    say(True, "the marked manifests and the workflow parse as YAML")
    kinds = {d.get("kind"): d for d in k8s}
    say(set(kinds) == {"ConfigMap", "Secret", "PersistentVolumeClaim", "Job"},
        "the Indexed Job manifest has a ConfigMap, a Secret, a PVC and the Job", str(sorted(kinds)))
    job = kinds.get("Job", {})
    spec = job.get("spec", {})
    pod = spec.get("template", {}).get("spec", {})
    c = (pod.get("containers") or [{}])[0]
    say(spec.get("completionMode") == "Indexed" and
        spec.get("completions") == spec.get("parallelism") and isinstance(spec.get("completions"), int),
        "completionMode Indexed, completions = parallelism", json.dumps(spec, default=str)[:200])
    say(pod.get("restartPolicy") == "Never", "restartPolicy Never (podFailurePolicy needs it)")
    rules = spec.get("podFailurePolicy", {}).get("rules", [])
    say(any(r.get("action") == "FailJob" and
            r.get("onExitCodes", {}).get("containerName") == c.get("name") and
            r.get("onExitCodes", {}).get("operator") == "In" and
            2 in r.get("onExitCodes", {}).get("values", []) for r in rules),
        "podFailurePolicy: exit code 2 of the cocscan container fails the Job", json.dumps(rules))
    say(c.get("command") == ["/bin/sh", "-c"] and c.get("args") == [scalar("k8s-shard")],
        "the container runs /bin/sh -c with the marked script as its only argument",
        json.dumps([c.get("command"), c.get("args")])[:300])
    env = {e.get("name"): e for e in c.get("env", [])}
    say("JOB_COMPLETION_INDEX" in env and all(
        env.get(v, {}).get("valueFrom", {}).get("secretKeyRef", {}).get("name") ==
        kinds.get("Secret", {}).get("metadata", {}).get("name") for v in ("COC_USER", "COC_PASS")),
        "JOB_COMPLETION_INDEX in env, COC_USER and COC_PASS from the Secret", str(sorted(env)))
    secret_keys = set(kinds.get("Secret", {}).get("stringData", {}))
    say({"COC_USER", "COC_PASS"} <= secret_keys, "the Secret has the keys the env refers to",
        str(sorted(secret_keys)))
    vols = {v.get("name"): v for v in pod.get("volumes", [])}
    mounts = {m.get("mountPath"): m.get("name") for m in c.get("volumeMounts", [])}
    cm = kinds.get("ConfigMap", {})
    say(vols.get(mounts.get("/config"), {}).get("configMap", {}).get("name") ==
        cm.get("metadata", {}).get("name") and "targets.yaml" in cm.get("data", {}),
        "/config is the ConfigMap, which holds targets.yaml", json.dumps(mounts))
    pvc = kinds.get("PersistentVolumeClaim", {}).get("metadata", {}).get("name")
    say(vols.get(mounts.get("/out"), {}).get("persistentVolumeClaim", {}).get("claimName") == pvc,
        "/out is the PVC", json.dumps(mounts))
    mjob = merge[0] if merge else {}
    mpod = mjob.get("spec", {}).get("template", {}).get("spec", {})
    mc = (mpod.get("containers") or [{}])[0]
    mvols = {v.get("name"): v for v in mpod.get("volumes", [])}
    mmounts = {m.get("mountPath"): m.get("name") for m in mc.get("volumeMounts", [])}
    say(mjob.get("kind") == "Job" and mc.get("args") == [scalar("k8s-merge")] and
        mvols.get(mmounts.get("/out"), {}).get("persistentVolumeClaim", {}).get("claimName") == pvc,
        "the merge Job runs the marked script with the same PVC at /out")
    jobs = ci.get("jobs", {})
    scan, mrg = jobs.get("scan", {}), jobs.get("merge", {})
    shards = scan.get("strategy", {}).get("matrix", {}).get("shard")
    say(isinstance(shards, list) and shards == list(range(1, len(shards) + 1)),
        "the CI matrix is shard: [1..N]", str(shards))
    runs = [s.get("run") for s in scan.get("steps", []) if s.get("run")]
    say(runs == [scalar("ci-shard")], "the scan job's step runs the marked script")
    up = [s for s in scan.get("steps", []) if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    say(bool(up) and up[0].get("with", {}).get("path", "").rstrip("/") == "out" and
        up[0].get("with", {}).get("name") == "shard-${{ matrix.shard }}",
        "each shard uploads out/ as artifact shard-N")
    down = [s for s in mrg.get("steps", []) if str(s.get("uses", "")).startswith("actions/download-artifact")]
    w = down[0].get("with", {}) if down else {}
    say(mrg.get("needs") in ("scan", ["scan"]) and w.get("pattern") == "shard-*" and
        w.get("merge-multiple") is True and w.get("path") == "shards",
        "merge needs scan and downloads every shard-* artifact into shards/", json.dumps(w))
    mruns = [s.get("run") for s in mrg.get("steps", []) if s.get("run")]
    say(mruns == [scalar("ci-merge")], "the merge job's step runs the marked script")


main()
PY
docx() { "$COC_PYTHON" "$tmpdir/docx.py" "$doc" "$@"; }

# kube_expand — stdin with $(VAR) replaced as Kubernetes does in command and args: from the
# container's environment (here: this process's), $$ for a literal $, unknown names kept.
kube_expand() {
    "$COC_PYTHON" -c 'import os, re, sys
s = sys.stdin.read()
sys.stdout.write(re.sub(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
    lambda m: "$" if m.group(0) == "$$" else os.environ.get(m.group(1), m.group(0)), s))'
}

# only_under DIR SCRIPT — every absolute path in SCRIPT is under DIR (so a doc change can never
# make this test write outside its temp dir).
only_under() {
    local - w bad=
    set -f
    for w in $(tr -s ' \t\n=;|&(){}<>"'"'" '\n' <<<"$2"); do
        case $w in /*) [[ $w == "$1"/* || $w == /dev/null ]] || bad+=" $w" ;; esac
    done
    [ -z "$bad" ] || { echo "paths outside $1:$bad"; return 1; }
}

k8s_script=$(docx script k8s-shard) || BAIL_OUT "cannot take the Indexed Job's script out of docs/fleet.md"
k8s_merge=$(docx script k8s-merge) || BAIL_OUT "cannot take the merge Job's script out of docs/fleet.md"
ci_script=$(docx script ci-shard) || BAIL_OUT "cannot take the CI shard step out of docs/fleet.md"
ci_merge=$(docx script ci-merge) || BAIL_OUT "cannot take the CI merge step out of docs/fleet.md"
note "Indexed Job script:"$'\n'"$k8s_script"
note "CI shard step:"$'\n'"$ci_script"

# --- the numbers agree --------------------------------------------------------------------------
completions=$(docx field k8s-shard '^\s*completions:\s*([0-9]+)\s*$')
parallelism=$(docx field k8s-shard '^\s*parallelism:\s*([0-9]+)\s*$')
is "$(docx field k8s-shard '^\s*completionMode:\s*(\S+)')" Indexed "the Job is completionMode: Indexed"
N=$(sed -n 's/.*--shards \([0-9][0-9]*\).*/\1/p' <<<"$k8s_script" | head -n 1)
is "$completions/$parallelism" "$N/$N" "completions = parallelism = --shards ($N)"
like "$k8s_script" 'shard-\$\(JOB_COMPLETION_INDEX\)\.json' \
    "each pod writes its own report, named by \$(JOB_COMPLETION_INDEX)"
M=$(sed -n 's#.*--shard \${{ matrix\.shard }}/\([0-9][0-9]*\).*#\1#p' <<<"$ci_script" | head -n 1)
matrix=$(docx field ci-shard '^\s*shard:\s*\[([0-9, ]+)\]' | tr -d ' ')
is "$matrix" "$(seq -s, 1 "${M:-0}")" "the CI matrix lists shards 1..$M, as --shard K/$M says"
like "$ci_script" '\|\| \[ \$\? -eq 1 \]' "the CI step accepts exit 1 (non-compliant)"

if yc=$(docx yaml-check 2>&1); then
    while IFS= read -r line; do
        case $line in
            PASS\ *) pass "yaml: ${line#PASS }" ;;
            FAIL\ *) fail "yaml: ${line#FAIL }" ;;
            *) [ -z "$line" ] || diag "$line" ;;
        esac
    done <<<"$yc"
elif [ $? -eq 3 ]; then
    skip "python3-yaml not installed: the manifests are not parsed as a whole" 1
else
    fail "yaml-check ran"
    diag "$yc"
fi

# --- the targets files shown are valid ------------------------------------------------------------
# A valid targets file with --shards and no JOB_COMPLETION_INDEX stops at the missing index
# (exit 2, nothing sent); an invalid one is reported as FILE:LINE:COL first.
check_targets() { # DESC FILE
    run env -u JOB_COMPLETION_INDEX "$COCSCAN" scan -q --shards 2 --targets "$2"
    if [ "$RUN_STATUS" -eq 2 ] && ! grep -q "$(basename "$2"):" "$RUN_ERR" &&
        grep -q JOB_COMPLETION_INDEX "$RUN_ERR"; then
        pass "$1 is a valid targets file"
    else
        fail "$1 is a valid targets file"
        diag_file "$RUN_ERR"
    fi
}
docx yaml-targets >"$tmpdir/doc-targets.yaml"
check_targets "the first example" "$tmpdir/doc-targets.yaml"
docx scalar k8s-shard '^\s*targets\.yaml:\s*\|' >"$tmpdir/configmap-targets.yaml"
check_targets "the ConfigMap's targets.yaml" "$tmpdir/configmap-targets.yaml"

# --- the fleet: 7 targets on two nginx ------------------------------------------------------------
NGX='ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
ssl_protocols TLSv1.2 TLSv1.3;
root @ROOT@;'
start_nginx a - <<NGINX || BAIL_OUT "nginx a did not start"
listen 127.0.0.1:@PORT@ ssl;
listen 127.0.0.1:@PORT2@ ssl;
listen 127.0.0.1:@PORT3@ ssl;
listen 127.0.0.1:@PORT4@ ssl;
$NGX
NGINX
# shellcheck disable=SC2153  # start_nginx sets PORT2..PORT4
ports=("$PORT" "$PORT2" "$PORT3" "$PORT4")
start_nginx b - <<NGINX || BAIL_OUT "nginx b did not start"
listen 127.0.0.1:@PORT@ ssl;
listen 127.0.0.1:@PORT2@ ssl;
listen 127.0.0.1:@PORT3@ ssl;
$NGX
add_header Strict-Transport-Security "max-age=63072000" always;
NGINX
ports+=("$PORT" "$PORT2" "$PORT3")
urls=()
{
    echo "targets:"
    i=0
    for p in "${ports[@]}"; do
        i=$((i + 1))
        urls+=("https://127.0.0.1:$p/")
        printf '  - url: https://127.0.0.1:%s/\n    name: Practice %d\n    organisation: PHO %d\n' \
            "$p" "$i" $((i % 3))
    done
} >"$tmpdir/targets.yaml"
n=${#urls[@]}
all_urls=$(printf '%s\n' "${urls[@]}" | sort | paste -sd' ' -)

mkdir -p "$tmpdir/bin"
ln -s "$(readlink -f "$COCSCAN")" "$tmpdir/bin/cocscan" # the scripts call `cocscan` from the PATH
export PATH="$tmpdir/bin:$PATH"

# shard_ok DESC FILE K N — FILE is shard K/N's report: valid, the right `shard` object, exactly
# the targets i (0-based) with i mod N = K-1, non-compliant (the test CA is not in the system
# store, and headers are missing), so cocscan exited 1.
shard_ok() {
    local desc=$1 f=$2 k=$3 nn=$4 i want=() cnt
    for ((i = k - 1; i < n; i += nn)); do want+=("${urls[i]}"); done
    cnt=${#want[@]}
    ok "$desc: the report validates" validate_report "$f"
    is "$(jq -c .shard "$f" 2>/dev/null)" \
        "{\"index\":$k,\"count\":$nn,\"targets\":$cnt,\"of_targets\":$n}" "$desc: its shard object"
    is "$(jq -r '[.targets[].url] | join(" ")' "$f" 2>/dev/null)" "${want[*]}" \
        "$desc: exactly its targets (number $k of the list, then every $nn)"
    is "$(jq -r .verdict "$f" 2>/dev/null)" non-compliant "$desc: non-compliant (cocscan exited 1)"
}

# fleet_ok DESC FILE SHARDS — FILE is the merged fleet of SHARDS reports covering every target once.
validate_fleet() { COC_SCHEMA=$FLEET_SCHEMA validate_report "$1"; }
fleet_ok() {
    ok "$1: the fleet validates against fleet.schema.json" validate_fleet "$2"
    is "$(jq -r '[.targets[].url] | sort | join(" ")' "$2" 2>/dev/null)" "$all_urls" \
        "$1: every target exactly once"
    is "$(jq -r '"\(.sources | length) \(.totals.targets) \(.duplicates // [] | length)"' "$2" \
        2>/dev/null)" "$3 $n 0" "$1: $3 sources, $n targets, no duplicates"
}

# --- Kubernetes: every pod of the Indexed Job, then the merge Job ---------------------------------
k8s=$tmpdir/k8s
mkdir -p "$k8s/config" "$k8s/out" "$k8s/pod"
cp "$tmpdir/targets.yaml" "$k8s/config/targets.yaml"
pod_script=${k8s_script//\/config\//$k8s/config/}
pod_script=${pod_script//\/out\//$k8s/out/}
ok "the pod script's paths are all moved into the test's directory" only_under "$k8s" "$pod_script"
for ((idx = 0; idx < N; idx++)); do
    # What the kubelet runs: /bin/sh -c ARGS[0], after expanding $(VAR) from the pod's env.
    script=$(JOB_COMPLETION_INDEX=$idx kube_expand <<<"$pod_script")
    rc=0
    (cd "$k8s/pod" && JOB_COMPLETION_INDEX=$idx COC_USER=portal-test-account COC_PASS=unused \
        /bin/sh -c "$script" >"$tmpdir/pod$idx.out" 2>"$tmpdir/pod$idx.err") || rc=$?
    _coc_san_check "$tmpdir/pod$idx.err"
    is "$rc" 0 "pod $idx: the container exits 0 on a non-compliant shard"
    [ "$rc" -eq 0 ] || diag_file "$tmpdir/pod$idx.err"
    shard_ok "pod $idx" "$k8s/out/shard-$idx.json" $((idx + 1)) "$N"
    ok "pod $idx: its HTML page was written too" test -s "$k8s/out/shard-$idx.html"
done
# A usage error is not swallowed: an index outside 0..N-1 makes cocscan exit 2, and the pod
# exits 2 too, which the Job's podFailurePolicy turns into a failed Job (no retries).
script=$(JOB_COMPLETION_INDEX=$N kube_expand <<<"$pod_script")
rc=0
(cd "$k8s/pod" && JOB_COMPLETION_INDEX=$N /bin/sh -c "$script" >/dev/null 2>"$tmpdir/podbad.err") ||
    rc=$?
is "$rc" 2 "a pod whose cocscan exits 2 (index $N of $N) exits 2"
like "$(cat "$tmpdir/podbad.err")" "JOB_COMPLETION_INDEX '$N' is not an index" "and says why"
if [ "$(docx field k8s-shard '^\s*values:\s*\[\s*([0-9]+)\s*\]')" = 2 ]; then
    pass "the Job's podFailurePolicy fails the Job on exit code 2"
else
    fail "the Job's podFailurePolicy fails the Job on exit code 2"
fi

merge_in() { # DIR — the k8s merge script with /out/ moved to DIR
    local s=${k8s_merge//\/out\//$1/}
    only_under "$1" "$s" >/dev/null || { echo "exit 99"; return; }
    kube_expand <<<"$s"
}
# Without the last shard, the merge Job fails and writes nothing.
mkdir -p "$k8s/partial"
cp "$k8s/out"/shard-*.json "$k8s/partial/"
rm -f "$k8s/partial/shard-$((N - 1)).json"
rc=0
/bin/sh -c "$(merge_in "$k8s/partial")" >/dev/null 2>"$tmpdir/partial.err" || rc=$?
isnt "$rc" 0 "the merge Job fails when shard $((N - 1)) is missing"
like "$(cat "$tmpdir/partial.err")" "shard $((N - 1)) is missing" "and names it"
ok "and writes no fleet" test ! -e "$k8s/partial/fleet.json"
ok "the merge script's paths are all moved into the test's directory" \
    only_under "$k8s/out" "${k8s_merge//\/out\//$k8s/out/}"
rc=0
/bin/sh -c "$(merge_in "$k8s/out")" >"$tmpdir/merge.out" 2>"$tmpdir/merge.err" || rc=$?
is "$rc" 0 "the merge Job succeeds with all $N shards"
[ "$rc" -eq 0 ] || diag_file "$tmpdir/merge.err"
fleet_ok "Kubernetes" "$k8s/out/fleet.json" "$N"
ok "the fleet page was written" test -s "$k8s/out/fleet.html"

# --- GitHub Actions: every matrix job, the artifacts, the merge job -------------------------------
ci=$tmpdir/ci
for ((k = 1; k <= M; k++)); do
    wd=$ci/shard-$k
    mkdir -p "$wd/fleet" "$ci/artifacts/shard-$k"
    cp "$tmpdir/targets.yaml" "$wd/fleet/targets.yaml" # what actions/checkout provides
    # shellcheck disable=SC2016  # a GitHub expression, literally
    step=${ci_script//'${{ matrix.shard }}'/$k}
    unlike "$step" '\$\{\{' "shard $k: no GitHub expression left unexpanded"
    rc=0
    # GitHub runs a `run:` step with `bash -e` when no shell is named
    (cd "$wd" && env -u JOB_COMPLETION_INDEX COC_USER=portal-test-account COC_PASS=unused \
        bash -e -c "$step" >"$tmpdir/ci$k.out" 2>"$tmpdir/ci$k.err") || rc=$?
    _coc_san_check "$tmpdir/ci$k.err"
    is "$rc" 0 "CI shard $k/$M: the step succeeds on a non-compliant shard"
    [ "$rc" -eq 0 ] || diag_file "$tmpdir/ci$k.err"
    shard_ok "CI shard $k/$M" "$wd/out/shard-$k.json" "$k" "$M"
    ok "CI shard $k/$M: its JUnit file was written too" test -s "$wd/out/shard-$k.xml"
    cp "$wd/out/"* "$ci/artifacts/shard-$k/" 2>/dev/null || true # actions/upload-artifact out/
done
# actions/download-artifact, pattern shard-*, merge-multiple: every artifact's files in shards/
mkdir -p "$ci/merge/shards" "$ci/partial/shards"
cp "$ci"/artifacts/shard-*/* "$ci/merge/shards/"
cp "$ci/merge/shards/"* "$ci/partial/shards/"
rm -f "$ci/partial/shards/shard-$M.json"
rc=0
(cd "$ci/partial" && bash -e -c "$ci_merge" >/dev/null 2>"$tmpdir/cipartial.err") || rc=$?
isnt "$rc" 0 "the CI merge step fails when shard $M is missing"
ok "and writes no fleet" test ! -e "$ci/partial/fleet.json"
rc=0
(cd "$ci/merge" && bash -e -c "$ci_merge" >"$tmpdir/cimerge.out" 2>"$tmpdir/cimerge.err") || rc=$?
is "$rc" 0 "the CI merge step succeeds with all $M shards"
[ "$rc" -eq 0 ] || diag_file "$tmpdir/cimerge.err"
fleet_ok "CI" "$ci/merge/fleet.json" "$M"
ok "the CI fleet page was written" test -s "$ci/merge/fleet.html"

done_testing
