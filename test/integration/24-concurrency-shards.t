#!/usr/bin/env bash
# 24-concurrency-shards.t — scanning many targets at once. A run with 8 workers writes the same
# report as a run with one (timestamps aside); the per-host cap holds however many workers run
# (a listener counts the connections open at once); --rate spaces starts; a progress line
# appears on a terminal only (not with --quiet, not in a pipe); --shard K/N and a Kubernetes
# Indexed Job (JOB_COMPLETION_INDEX + --shards N) split the targets so that the shards, merged,
# cover every target exactly once; bad values are one line and exit 2.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx jq script
gen_certs
ca=$CERTDIR/ca.pem

NGX='ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
ssl_protocols TLSv1.2 TLSv1.3;
add_header Strict-Transport-Security "max-age=63072000" always;
root @ROOT@;'
start_nginx a - <<NGINX
listen 127.0.0.1:@PORT@ ssl;
listen 127.0.0.1:@PORT2@ ssl;
listen 127.0.0.1:@PORT3@ ssl;
listen 127.0.0.1:@PORT4@ ssl;
$NGX
NGINX
# shellcheck disable=SC2153  # start_nginx sets PORT2..PORT4
ports=("$PORT" "$PORT2" "$PORT3" "$PORT4")
start_nginx b - <<NGINX
listen 127.0.0.1:@PORT@ ssl;
listen 127.0.0.1:@PORT2@ ssl;
listen 127.0.0.1:@PORT3@ ssl;
$NGX
add_header X-Content-Type-Options nosniff always;
NGINX
ports+=("$PORT" "$PORT2" "$PORT3")
closed=$(free_port)
ports+=("$closed")

{
    echo "targets:"
    i=0
    for p in "${ports[@]}"; do
        i=$((i + 1))
        printf '  - url: https://127.0.0.1:%s/\n    name: Practice %d\n    organisation: PHO %d\n' \
            "$p" "$i" $((i % 3))
    done
} >"$tmpdir/targets.yaml"
n=${#ports[@]}

scan() { # NAME ARGS... — scan the targets file (headers, TLS protocols) into $tmpdir/NAME.json
    local name=$1
    shift
    run "$COCSCAN" scan -t 5 --ca-file "$ca" --checks tls.protocols,headers \
        --targets "$tmpdir/targets.yaml" --json "$tmpdir/$name.json" "$@"
}
# The report without what legitimately differs between runs (times).
stable() {
    jq -S 'del(.started_at, .finished_at) | walk(if type == "string" and
        test("^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$") then "DATE" else . end)' "$1"
}

# --- identical results, any concurrency ------------------------------------------------------
scan seq -q --concurrency 1
is "$RUN_STATUS" 1 "sequential: non-compliant (one target is unreachable, headers missing)"
ok "sequential report validates" validate_report "$tmpdir/seq.json"
scan par -q --concurrency 8
is "$RUN_STATUS" 1 "8 workers: same exit code"
ok "parallel report validates" validate_report "$tmpdir/par.json"
stable "$tmpdir/seq.json" >"$tmpdir/seq.stable"
stable "$tmpdir/par.json" >"$tmpdir/par.stable"
if cmp -s "$tmpdir/seq.stable" "$tmpdir/par.stable"; then
    pass "the 8-worker report equals the sequential one (timestamps aside)"
else
    fail "the 8-worker report equals the sequential one (timestamps aside)"
    diag "$(diff "$tmpdir/seq.stable" "$tmpdir/par.stable" | head -30)"
fi
is "$(jqr "$tmpdir/par.json" '[.targets[].name] | join(",")')" \
   "$(seq -f 'Practice %g' 1 "$n" | paste -sd, -)" "targets stay in the order given"
is "$(jqr "$tmpdir/par.json" '.targets[-1].verdict')" unreachable "the closed port is unreachable"

# --- the per-host cap: the scanner's own count, and a relay's count ----------------------------
# The scanner's own count (-v) must never exceed the cap. The relay counts connections from
# accept to the scanner's close as it sees them; it sees a close a little late (a Python thread
# must wake up), while the scanner reuses the slot at once, so the relay's count runs a few
# over the truth, more so on a loaded machine: it checks that the cap really throttles, against
# the same relay without a cap (a handful at once vs dozens).
cc_peak() { # PER_HOST — scan 6 relay ports (one host) with 6 workers; echo both peaks
    local dir=$tmpdir/cc.$1 p urls=()
    mkdir -p "$dir"
    bg_start "cc$1" "$COC_PYTHON" "$top/test/fixtures/conncount.py" "$dir/peak" "$dir/ports" 6 \
        "${ports[0]}"
    for _ in $(seq 50); do [ -s "$dir/ports" ] && break; sleep 0.1; done
    while read -r p; do urls+=("https://127.0.0.1:$p/"); done <"$dir/ports"
    run "$COCSCAN" scan -q -v -t 5 --ca-file "$ca" --checks tls.protocols,headers.hsts \
        --concurrency 6 --per-host "$1" --json "$dir/r.json" "${urls[@]}"
    bg_stop "cc$1"
    echo "$(cat "$dir/peak") $(sed -n 's/.*at most \([0-9]*\) in flight to one host.*/\1/p' "$RUN_ERR")"
}
read -r relay_free own_free < <(cc_peak 0)
read -r relay own < <(cc_peak 2)
ok "with --per-host 2 the scanner never had more than 2 connections to the host (had $own)" \
   test "${own:-99}" -le 2
ok "the capped run still wrote a valid report" validate_report "$tmpdir/cc.2/r.json"
ok "without a cap the scanner counted more than 2 (counted $own_free)" test "${own_free:-0}" -gt 2
ok "the relay saw the cap: at most half as many at once as without it ($relay vs $relay_free)" \
   test $((relay * 2)) -le "$relay_free"

# --- --rate spaces the starts -----------------------------------------------------------------
t0=$(date +%s%N)
run "$COCSCAN" scan -q -t 5 --ca-file "$ca" --checks headers.hsts --concurrency 4 --rate 4 \
    --per-host 0 "https://127.0.0.1:${ports[0]}/" "https://127.0.0.1:${ports[1]}/" \
    "https://127.0.0.1:${ports[2]}/" "https://127.0.0.1:${ports[3]}/"
ms=$((($(date +%s%N) - t0) / 1000000))
# 4 targets x (reachability connect + one HTTP request) = 8 starts at 4/s: at least 1.75 s.
ok "--rate 4 spaced 8 starts over at least 1.75 s (took $ms ms)" test "$ms" -ge 1750

# --- progress line: a terminal only ----------------------------------------------------------
tty_scan() { # OUT ARGS... — run a scan under a pseudo-terminal, its output in OUT
    local out=$1
    shift
    script -qec "$(printf '%q ' "$COCSCAN" scan -t 5 --ca-file "$ca" --checks headers.hsts \
        --concurrency 4 --targets "$tmpdir/targets.yaml" "$@") >/dev/null" "$out" >/dev/null \
        </dev/null || true
}
tty_scan "$tmpdir/tty.out"
like "$(tr '\r' '\n' <"$tmpdir/tty.out")" "cocscan: $n/$n targets done, .*1 failing" \
     "on a terminal, stderr shows the progress line with the count and failures"
like "$(cat "$tmpdir/tty.out")" $'\033\\[31m' "the failure count is red on a terminal"
NO_COLOR=1 tty_scan "$tmpdir/nocolor.out"
like "$(tr '\r' '\n' <"$tmpdir/nocolor.out")" "targets done" "NO_COLOR keeps the progress line"
unlike "$(cat "$tmpdir/nocolor.out")" $'\033\\[31m' "but without colour"
tty_scan "$tmpdir/quiet.out" --quiet
unlike "$(cat "$tmpdir/quiet.out")" "targets done" "--quiet: no progress line"
scan pipe --concurrency 4
unlike "$(cat "$RUN_ERR")" "targets done" "not a terminal: no progress line"

# --- shards ------------------------------------------------------------------------------------
urls=()
for k in 1 2 3; do
    scan "shard$k" -q --shard "$k/3"
    ok "shard $k/3 report validates" validate_report "$tmpdir/shard$k.json"
    is "$(jqr "$tmpdir/shard$k.json" '"\(.shard.index)/\(.shard.count) \(.shard.of_targets)"')" \
       "$k/3 $n" "shard $k/3 is recorded in the report"
done
is "$(jq -s '[.[].targets[].url] | length' "$tmpdir"/shard[123].json)" "$n" \
   "the three shards scanned $n targets between them"
is "$(jq -s '[.[].targets[].url] | unique | length' "$tmpdir"/shard[123].json)" "$n" \
   "each target exactly once"
is "$(jqr "$tmpdir/shard1.json" '[.targets[].name] | join(",")')" "Practice 1,Practice 4,Practice 7" \
   "shard 1/3 takes every third target from the first"
# Kubernetes Indexed Job: the same command in every pod, the index from the environment.
for idx in 0 1 2; do
    JOB_COMPLETION_INDEX=$idx run "$COCSCAN" scan -q -t 5 --ca-file "$ca" \
        --checks tls.protocols,headers --targets "$tmpdir/targets.yaml" --shards 3 \
        --json "$tmpdir/job$idx.json"
    is "$(jqr "$tmpdir/job$idx.json" '[.targets[].url] | join(" ")')" \
       "$(jqr "$tmpdir/shard$((idx + 1)).json" '[.targets[].url] | join(" ")')" \
       "JOB_COMPLETION_INDEX=$idx --shards 3 scans shard $((idx + 1))/3"
done
if "$COCSCAN" report merge --help 2>/dev/null | grep -q 'Usage: cocscan report merge'; then
    run "$COCSCAN" report merge "$tmpdir"/job[012].json -o "$tmpdir/fleet.json"
    is "$RUN_STATUS" 0 "report merge joins the shards"
    is "$(jq '[.targets[].url] | length' "$tmpdir/fleet.json")" "$n" "the merged fleet has every target"
    is "$(jq '[.targets[].url] | unique | length' "$tmpdir/fleet.json")" "$n" "each once"
else
    skip "report merge not available" 3
fi

# More shards than targets (a Job with spare pods): the empty shard is not a failure.
run "$COCSCAN" scan -q -t 5 --ca-file "$ca" --checks headers.hsts --shard 3/3 \
    --json "$tmpdir/empty-shard.json" "https://127.0.0.1:${ports[0]}/" "https://127.0.0.1:${ports[1]}/"
is "$RUN_STATUS" 0 "an empty shard exits 0"
like "$(cat "$RUN_ERR")" "shard 3/3 holds none of the 2 targets" "and says so"
is "$(jq '.targets | length' "$tmpdir/empty-shard.json")" 0 "its report lists no target"

# One vantage point: a proxy named by the environment is not used for HTTP either.
https_proxy="http://127.0.0.1:$closed" HTTPS_PROXY="http://127.0.0.1:$closed" \
    run "$COCSCAN" scan -q -t 5 --ca-file "$ca" --checks headers.hsts \
    --json "$tmpdir/noproxy.json" "https://127.0.0.1:${ports[0]}/"
is "$(jqr "$tmpdir/noproxy.json" '.targets[0].results[] | select(.control == "COC-HDR-01") | .status')" pass \
   "https_proxy (a closed port) is ignored: the header was fetched directly"

# --- bad values --------------------------------------------------------------------------------
bad() { # DESC REGEX ARGS... — exit 2 with one line matching REGEX
    local desc=$1 re=$2
    shift 2
    run "$COCSCAN" scan -q "$@" "https://127.0.0.1:$closed/"
    is "$RUN_STATUS" 2 "$desc: exit 2"
    like "$(cat "$RUN_ERR")" "$re" "$desc: says why"
}
bad "--shard 4/3" "--shard: '4/3' is not K/N" --shard 4/3
bad "--shard x" "--shard: 'x' is not K/N" --shard x
bad "--concurrency 0" "--concurrency: '0' is not a number from 1 to 256" --concurrency 0
bad "--rate 0" "--rate: '0' is not a number" --rate 0
bad "--shards without an index" "--shards 3 needs JOB_COMPLETION_INDEX" --shards 3
JOB_COMPLETION_INDEX=3 bad "an index out of range" "JOB_COMPLETION_INDEX '3' is not an index from 0 to 2" --shards 3

done_testing
