#!/usr/bin/env bash
# scale.sh — how long cocscan takes, and how much memory it needs, to scan a fleet: 200 loopback
# targets with the full default profile, 64 at once. Run by bench.sh (`make bench`); runs alone
# too: `bash test/bench/scale.sh`.
#
# The fleet: four nginx processes, one per kind of endpoint, each listening on 50 loopback
# addresses (127.1.K.1 … 127.1.K.50, K = 1..4), every address with an https port and a plain-http
# port that redirects to it. Distinct addresses rather than 200 ports on 127.0.0.1: a real fleet
# is 200 hosts, and the per-host cap (--per-host, default 4) is per host name, so 200 ports of
# one address would make the whole scan share 4 connection slots — a benchmark of the cap, not of
# the scanner. Linux routes all of 127.0.0.0/8 to lo, so no setup is needed.
#
# Prints numbers and PASS/MISS against the goals; never fails because of them. Exits nonzero
# only when a tool is missing (2) or a server cannot start (1). See test/bench/README.md.
#
# Environment: BENCH_RUNS (runs, default 3), COCSCAN, SCALE_TARGETS (default 200, a multiple of
# 4, at most 1000), SCALE_CONCURRENCY (default 64), SCALE_RESULTS (a file to append "key value"
# lines to, for bench.sh's summary), KEEP_TMP=1. For experiments (docs/performance.md):
# SCALE_ARGS, more arguments for the scan (split on spaces), e.g. "--checks tls,cert";
# SCALE_ENV, environment assignments for it (split on spaces; @CERTDIR@ is the test PKI's
# directory), e.g. "MALLOC_ARENA_MAX=2". Goals are not judged for such runs.
set -euo pipefail
export LC_ALL=C

# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"
_tap_plan=0 # not a TAP script: keep lib.sh's exit handler from reporting a missing plan

RUNS=${BENCH_RUNS:-3}
NT=${SCALE_TARGETS:-200}
CONC=${SCALE_CONCURRENCY:-64}
GOAL_WALL=15      # seconds, 200 targets
GOAL_RSS_MIB=64   # peak resident set size

die() {
    echo "scale: $*" >&2
    exit 2
}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer (got '$RUNS')"
if ! [[ $NT =~ ^[1-9][0-9]*$ ]] || [ $((NT % 4)) -ne 0 ] || [ "$NT" -gt 1000 ]; then
    die "SCALE_TARGETS must be a multiple of 4 from 4 to 1000 (got '$NT')"
fi
[[ $CONC =~ ^[1-9][0-9]*$ ]] || die "SCALE_CONCURRENCY must be a positive integer (got '$CONC')"
[ -x "$COCSCAN" ] || die "cocscan binary not built: $COCSCAN (run make cocscan)"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"
for c in nginx jq awk; do
    command -v "$c" >/dev/null 2>&1 || die "$c not installed"
done

gen_certs >/dev/null || { echo "scale: cannot generate the test certificates" >&2; exit 1; }
out=$tmpdir/scale
mkdir -p "$out"
COCSCAN_ORIG=$COCSCAN
cp "$COCSCAN" "$out/cocscan" || die "cannot copy $COCSCAN" # others may rebuild it meanwhile
COCSCAN=$out/cocscan
PER=$((NT / 4)) # addresses per nginx

# ---------------------------------------------------------------------------------------------
# The fleet: four kinds of endpoint, 50 addresses each, interleaved in the targets file so that
# the 64 targets in flight at any moment are a mix.

KINDS=(intermediate good legacy tls13)
declare -A KIND_DESC=(
    [intermediate]="Mozilla intermediate TLS (1.2+1.3, 8 ECDHE/DHE AEAD suites), no security headers"
    [good]="the same TLS, every security header set well (HSTS, CSP, XFO, nosniff, Referrer-Policy, a Secure HttpOnly cookie)"
    [legacy]="TLS 1.0-1.2, ALL:@SECLEVEL=0 (88 protocol-suite pairs: CBC, static RSA, anon, DHE), server order"
    [tls13]="TLS 1.3 only, default suites"
)
tls_conf() { # KIND — the TLS and header lines of its https server block
    local dh="ssl_dhparam $CERTDIR/dh2048.pem;"
    local mid="ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384;
        ssl_prefer_server_ciphers off; $dh"
    case $1 in
        intermediate) echo "$mid" ;;
        good)
            echo "$mid"
            cat <<'EOF'
        server_tokens off;
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
        add_header Content-Security-Policy "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'" always;
        add_header X-Frame-Options "DENY" always;
        add_header X-Content-Type-Options "nosniff" always;
        add_header Referrer-Policy "strict-origin-when-cross-origin" always;
        add_header Set-Cookie "sessionid=c0c5ca9; Path=/; Secure; HttpOnly; SameSite=Strict" always;
EOF
            ;;
        legacy) echo "ssl_protocols TLSv1 TLSv1.1 TLSv1.2; ssl_ciphers ALL:@SECLEVEL=0;
        ssl_prefer_server_ciphers on; $dh" ;;
        tls13) echo "ssl_protocols TLSv1.3;" ;;
    esac
}

# write_conf KIND K HTTPS_PORT HTTP_PORT — $tmpdir/KIND/nginx.conf: one worker, listening on
# 127.1.K.1..PER, https on HTTPS_PORT, plain http on HTTP_PORT redirecting to it.
write_conf() {
    local kind=$1 k=$2 sp=$3 hp=$4 dir=$tmpdir/$1 i user_line=''
    nginx_prepare_dir "$dir" || return 1
    [ "$(id -u)" -ne 0 ] || user_line='user root;'
    {
        cat <<EOF
# Generated by test/bench/scale.sh ($kind).
$user_line
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 4096;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 2048; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/client_body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    types { text/html html htm; text/plain txt; }
    default_type application/octet-stream;
    server {
EOF
        for ((i = 1; i <= PER; i++)); do echo "        listen 127.1.$k.$i:$hp;"; done
        echo "        return 301 https://\$server_addr:$sp\$request_uri;"
        echo "    }"
        echo "    server {"
        for ((i = 1; i <= PER; i++)); do echo "        listen 127.1.$k.$i:$sp ssl;"; done
        echo "        ssl_certificate $CERTDIR/good-chain.pem;"
        echo "        ssl_certificate_key $CERTDIR/good.key;"
        echo "        root $dir/html;"
        tls_conf "$kind"
        echo "    }"
        echo "}"
    } >"$dir/nginx.conf"
}

# all_listening K HTTPS_PORT HTTP_PORT — every address of nginx K accepts on both ports.
all_listening() {
    local i
    for ((i = 1; i <= PER; i++)); do
        (: <>"/dev/tcp/127.1.$1.$i/$2") 2>/dev/null || return 1
        (: <>"/dev/tcp/127.1.$1.$i/$3") 2>/dev/null || return 1
    done
}

declare -A SPORT HPORT
NGINX_PIDS=()
start_kind() { # KIND K — start its nginx; sets SPORT[KIND], HPORT[KIND]
    local kind=$1 k=$2 sp hp attempt i dir=$tmpdir/$1
    for attempt in 1 2 3 4 5; do
        sp=$(free_port) && hp=$(free_port) || return 1
        [ "$sp" != "$hp" ] || continue
        write_conf "$kind" "$k" "$sp" "$hp" || return 1
        : >"$dir/logs/error.log"
        bg_start "nginx-$kind" nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log"
        for ((i = 0; i < 200; i++)); do
            if all_listening "$k" "$sp" "$hp"; then
                SPORT[$kind]=$sp HPORT[$kind]=$hp
                NGINX_PIDS+=("$BG_PID")
                return 0
            fi
            _coc_alive "$BG_PID" || break
            sleep 0.05
        done
        bg_stop "$BG_PID"
        if ! grep -qi 'address already in use' "$dir/logs/error.log" "$tmpdir/nginx-$kind.log" \
            2>/dev/null; then
            echo "scale: nginx $kind did not start:" >&2
            tail -n 20 "$dir/logs/error.log" "$tmpdir/nginx-$kind.log" >&2
            return 1
        fi
    done
    echo "scale: nginx $kind: no free ports after 5 attempts" >&2
    return 1
}

for k in 1 2 3 4; do
    start_kind "${KINDS[k - 1]}" "$k" || exit 1
done

{
    echo "targets:"
    for ((j = 0; j < NT; j++)); do
        k=$((j % 4 + 1))
        kind=${KINDS[k - 1]}
        printf '  - url: https://127.1.%d.%d:%s/\n    name: %s %d\n    organisation: PHO %d\n    http_port: %s\n' \
            "$k" $((j / 4 + 1)) "${SPORT[$kind]}" "$kind" $((j / 4 + 1)) $((j % 7 + 1)) \
            "${HPORT[$kind]}"
    done
} >"$out/targets.yaml"

# ---------------------------------------------------------------------------------------------
# Runs

# srv_ticks — CPU clock ticks used so far by the benchmark's nginx processes (masters and workers):
# on loopback the servers share the CPUs with the scanner, so their share is part of the story.
srv_ticks() {
    local p c s=0 t
    for p in "${NGINX_PIDS[@]}"; do
        for c in "$p" $(ps -o pid= --ppid "$p" 2>/dev/null); do
            t=$(awk '{ print $14 + $15 }' "/proc/$c/stat" 2>/dev/null) || t=0
            s=$((s + ${t:-0}))
        done
    done
    echo "$s"
}
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)

# The system trust store, not --ca-file: that is how a PHO scans real portals, and loading it is
# part of the cost (the test CA is then untrusted, so cert.chain fails: the verdicts do not matter
# here, only that every target was scanned).
read -r -a EXTRA_ARGS <<<"${SCALE_ARGS:-}"
SCALE_ENV=${SCALE_ENV:-}
read -r -a EXTRA_ENV <<<"${SCALE_ENV//@CERTDIR@/$CERTDIR}"
CMD=(scan -q --concurrency "$CONC" --targets "$out/targets.yaml" "${EXTRA_ARGS[@]}")
echo "cocscan fleet benchmark: $NT targets, $RUNS run(s), $(nproc) CPU(s) shared with the servers"
echo "  cocscan:  $("$COCSCAN" --version 2>&1 | head -1) ($COCSCAN_ORIG, copied at start)"
echo "  command:  ${EXTRA_ENV[*]}${EXTRA_ENV[*]:+ }/usr/bin/time -v cocscan ${CMD[*]//$out/\$TMP} --json \$TMP/scale.N.json"
echo "            (profile nz-health-portal, every check; those needing a test account are skipped)"
for k in 1 2 3 4; do
    kind=${KINDS[k - 1]}
    printf '  %-13s 127.1.%d.1-%d:%s (http :%s): %s\n' "$kind" "$k" "$PER" "${SPORT[$kind]}" \
        "${HPORT[$kind]}" "${KIND_DESC[$kind]}"
done

: >"$out/walls"
: >"$out/rss"
valid=yes
for ((r = 1; r <= RUNS; r++)); do
    json=$out/scale.$r.json
    tv=$out/time.$r
    rc=0
    s0=$(srv_ticks)
    t0=$EPOCHREALTIME
    timeout 600 env "${EXTRA_ENV[@]}" /usr/bin/time -v -o "$tv" "$COCSCAN" "${CMD[@]}" \
        --json "$json" >"$out/scan.$r.log" 2>&1 </dev/null || rc=$?
    t1=$EPOCHREALTIME
    s1=$(srv_ticks)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    srv=$(awk -v a="$s0" -v b="$s1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')
    rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tv" 2>/dev/null) || rss_kb=
    user=$(awk -F': ' '/User time/ { print $2 }' "$tv" 2>/dev/null) || user=
    sys=$(awk -F': ' '/System time/ { print $2 }' "$tv" 2>/dev/null) || sys=
    scanned=0 unreach=0 hellos=0
    if [ "$rc" -gt 1 ] || [ ! -s "$json" ]; then
        note="FAILED (exit $rc): $(tail -n 2 "$out/scan.$r.log" | tr '\n' ' ')"
        valid=no
    else
        read -r scanned unreach hellos < <(jq -r '[(.targets | length),
            ([.targets[] | select(.verdict == "unreachable")] | length),
            ([.targets[].observations.tls.probes // 0] | add)] | @tsv' "$json" 2>/dev/null) ||
            true
        note="exit $rc, $scanned targets scanned, $unreach unreachable, $hellos TLS probes"
        if [ "${scanned:-0}" -ne "$NT" ] || [ "${unreach:-1}" -ne 0 ]; then
            note="$note  INVALID (not every target was scanned)"
            valid=no
        fi
        echo "$wall" >>"$out/walls"
        echo "${rss_kb:-0}" >>"$out/rss"
    fi
    printf '  run %d/%d: %6s s wall, %5.1f MiB peak RSS, cocscan CPU %s s user + %s s sys, nginx CPU %s s; %s\n' \
        "$r" "$RUNS" "$wall" "$(awk -v k="${rss_kb:-0}" 'BEGIN { print k / 1024 }')" \
        "${user:-?}" "${sys:-?}" "$srv" "$note"
done
# The servers' view: nginx short of connections or descriptors would make the numbers lie.
for kind in "${KINDS[@]}"; do
    if grep -qiE 'worker_connections are not enough|Too many open files' \
        "$tmpdir/$kind/logs/error.log" 2>/dev/null; then
        echo "  WARNING: nginx $kind ran out of connections or descriptors (numbers not valid)"
        valid=no
    fi
done

med() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (!NR) { print "-"; exit }
    if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
goal() { # VALUE GOAL — PASS when VALUE <= GOAL
    awk -v v="$1" -v g="$2" 'BEGIN { if (v == "-" || v == "") print "n/a";
        else if (v + 0 <= g + 0) print "PASS"; else print "MISS" }'
}
wall_med=$(med "$out/walls")
rss_max_kb=$(sort -g "$out/rss" | tail -n 1)
rss_max=$(awk -v k="${rss_max_kb:-0}" 'BEGIN { if (k > 0) printf "%.1f", k / 1024; else print "-" }')
# The wall-time goal is stated for 200 targets; other sizes are printed, not judged.
if [ "$NT" -eq 200 ]; then wall_goal=$(goal "$wall_med" "$GOAL_WALL"); else wall_goal=n/a; fi
rss_goal=$(goal "$rss_max" "$GOAL_RSS_MIB")
if [ -n "${SCALE_ARGS:-}${SCALE_ENV:-}" ]; then
    wall_goal="n/a (SCALE_ARGS/SCALE_ENV)"
    rss_goal=$wall_goal
elif [ "$valid" != yes ]; then
    wall_goal="$wall_goal (a run was invalid)"
    rss_goal="$rss_goal (a run was invalid)"
fi
echo
echo "== Fleet: $NT targets, --concurrency $CONC"
printf '  wall time, median of %d run(s): %s s (goal <= %s s for 200 targets: %s)\n' \
    "$(wc -l <"$out/walls")" "$wall_med" "$GOAL_WALL" "$wall_goal"
printf '  peak RSS, worst run:           %s MiB (goal <= %s MiB: %s)\n' "$rss_max" \
    "$GOAL_RSS_MIB" "$rss_goal"
if [ -n "${SCALE_RESULTS:-}" ]; then
    {
        echo "scale_targets $NT"
        echo "scale_wall $wall_med"
        echo "scale_wall_goal $wall_goal"
        echo "scale_rss_mib $rss_max"
        echo "scale_rss_goal $rss_goal"
    } >>"$SCALE_RESULTS"
fi
[ "${KEEP_TMP:-0}" = 1 ] && echo "raw outputs kept in $out"
exit 0
