#!/usr/bin/env bash
# bench.sh — how fast, and how right, cocscan's TLS enumeration (tls.protocols + tls.ciphers) is
# next to sslscan and testssl.sh, against three local servers on 127.0.0.1. The ground truth is
# `openssl s_client` offering one suite at a time (as test/integration/31-ciphers.t does): it uses
# the servers' own OpenSSL, so it can offer every suite they could accept.
# Then, on the same servers, cocscan's full scan (the default profile, every check) — its median
# and peak memory, and how it compares with the other tools' TLS enumeration alone — and, through
# scale.sh, a fleet of 200 loopback targets scanned 64 at once. The goals (single full scan
# <= 0.5 s, 200 targets <= 15 s, peak RSS <= 64 MiB) are printed as PASS or MISS.
#
# Prints numbers and ratios; never fails because of them. Exits nonzero only when a tool is
# missing (2) or a server cannot start (1). See test/bench/README.md.
#
# Environment: BENCH_RUNS (runs per tool per server, and of the fleet scan, default 3), COCSCAN,
# SSLSCAN (default /usr/bin/sslscan), TESTSSL (default /usr/bin/testssl), BENCH_SCALE=0 (skip the
# 200-target fleet), KEEP_TMP=1 (keep the raw outputs).
set -euo pipefail
export LC_ALL=C

# lib.sh (the integration harness) gives us the temp dir, free ports, the server helpers and the
# cleanup trap that stops every server at exit, even on failure or ^C.
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"
_tap_plan=0 # not a TAP script: keep lib.sh's exit handler from reporting a missing plan

RUNS=${BENCH_RUNS:-3}
SSLSCAN=${SSLSCAN:-/usr/bin/sslscan}
TESTSSL=${TESTSSL:-/usr/bin/testssl}
PY=/usr/bin/python3
TOOL_TIMEOUT=900 # seconds; a hung tool is recorded as a failed run, not waited on forever

SSLSCAN_FLAGS=(--no-colour --no-fallback --no-renegotiation --no-compression --no-heartbleed
    --no-groups)
# -p protocols, -E every cipher per protocol (sockets for what the local OpenSSL lacks; --fast
# would use OpenSSL only and miss suites). -n none: no DNS at all, and NXCONNECT (set below)
# points testssl's OpenSSL capability probes at 127.0.0.1:0 instead of resolving "invalid.".
TESTSSL_FLAGS=(--quiet --warnings off --color 0 -n none --openssl /usr/bin/openssl -p -E)

die() {
    echo "bench: $*" >&2
    exit 2
}

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer (got '$RUNS')"
[ -x "$COCSCAN" ] || die "cocscan binary not built: $COCSCAN (run make cocscan)"
[ -x "$SSLSCAN" ] || die "sslscan not found: $SSLSCAN (apt-get install sslscan)"
[ -x "$TESTSSL" ] || die "testssl not found: $TESTSSL (apt-get install testssl.sh)"
[ -x "$PY" ] || die "$PY not found"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"
for c in nginx openssl jq timeout perl xargs; do
    command -v "$c" >/dev/null 2>&1 || die "$c not installed"
done

gen_certs >/dev/null || { echo "bench: cannot generate the test certificates" >&2; exit 1; }
out=$tmpdir/bench
mkdir -p "$out"
# Others may rebuild ./cocscan while this runs: measure one fixed copy of it.
COCSCAN_ORIG=$COCSCAN
cp "$COCSCAN" "$out/cocscan" || die "cannot copy $COCSCAN"
COCSCAN=$out/cocscan

# ---------------------------------------------------------------------------------------------
# Servers (all on 127.0.0.1, free ports; lib.sh stops them at exit)

SERVERS=(intermediate legacy tls13)
declare -A DESC PORTOF

DESC[intermediate]="nginx, Mozilla intermediate: TLS 1.2+1.3, ECDHE/DHE with AES-GCM/ChaCha20"
start_nginx intermediate "$top/test/fixtures/tls/intermediate.conf" ||
    { echo "bench: nginx intermediate did not start" >&2; exit 1; }
PORTOF[intermediate]=$PORT

DESC[legacy]="nginx, legacy: TLS 1.0-1.2, ALL:@SECLEVEL=0 (CBC, static RSA, anon, ...)"
start_nginx legacy "$top/test/fixtures/tls/legacy.conf" ||
    { echo "bench: nginx legacy did not start" >&2; exit 1; }
PORTOF[legacy]=$PORT

DESC[tls13]="openssl s_server -tls1_3 (TLS 1.3 only, default suites)"
start_s_server tls13 -cert "$CERTDIR/good.pem" -key "$CERTDIR/good.key" -tls1_3 ||
    { echo "bench: openssl s_server did not start" >&2; exit 1; }
PORTOF[tls13]=$PORT

# ---------------------------------------------------------------------------------------------
# Ground truth: openssl s_client, one protocol / one suite per connection.

# Every suite the local OpenSSL knows: "CODE IANA_NAME OPENSSL_NAME MIN_VERSION" (CODE as 0xC02F).
openssl ciphers -V -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' |
    awk '$6 != "TLSv1.3" { c = $1; gsub(/0x|,/, "", c); print "0x" toupper(c), $3, $5, $6 }' \
        >"$out/suites12"
cat >"$out/suites13" <<'EOF'
0x1301 TLS_AES_128_GCM_SHA256 TLS_AES_128_GCM_SHA256 TLSv1.3
0x1302 TLS_AES_256_GCM_SHA384 TLS_AES_256_GCM_SHA384 TLSv1.3
0x1303 TLS_CHACHA20_POLY1305_SHA256 TLS_CHACHA20_POLY1305_SHA256 TLSv1.3
0x1304 TLS_AES_128_CCM_SHA256 TLS_AES_128_CCM_SHA256 TLSv1.3
0x1305 TLS_AES_128_CCM_8_SHA256 TLS_AES_128_CCM_8_SHA256 TLSv1.3
EOF
# code -> IANA name, for printing disagreements
declare -A IANA
while read -r code iana _; do IANA[$code]=$iana; done < <(cat "$out/suites12" "$out/suites13")

# gt_try PORT PROTOCOL CODE OFFER — print "PROTOCOL CODE" if s_client negotiates a suite when
# offering only OFFER (an OpenSSL cipher string, or TLS 1.3 suites) at PROTOCOL. Always 0.
# shellcheck disable=SC2317  # run by xargs through bash -c
gt_try() {
    local flag sel
    case $2 in
        TLSv1.0) flag=-tls1 ;;
        TLSv1.1) flag=-tls1_1 ;;
        TLSv1.2) flag=-tls1_2 ;;
        *) flag=-tls1_3 ;;
    esac
    if [ "$2" = TLSv1.3 ]; then
        sel=(-ciphersuites "$4")
    else
        sel=(-cipher "$4:@SECLEVEL=0")
    fi
    timeout 10 openssl s_client -connect "127.0.0.1:$1" "$flag" "${sel[@]}" </dev/null 2>/dev/null |
        grep -Eq '^New, .*Cipher is [^(]' && echo "$2 $3"
    return 0
}
export -f gt_try

# ground_truth SERVER — writes $out/SERVER.truth.protos and .truth.suites ("TLSv1.2 0xC02F").
# SSLv2 and SSLv3 are never accepted: the servers' OpenSSL 3 is built without them (s_client
# cannot even offer them), so they are absent from the truth by construction.
ground_truth() {
    local s=$1 port=${PORTOF[$1]} p all13
    all13=$(awk '{print $3}' "$out/suites13" | paste -sd:)
    {
        for p in TLSv1.0 TLSv1.1 TLSv1.2; do echo "$port $p - ALL:COMPLEMENTOFALL"; done
        echo "$port TLSv1.3 - $all13"
    } | xargs -P 4 -L 1 bash -c 'gt_try "$@"' _ | awk '{print $1}' | sort -u \
        >"$out/$s.truth.protos"
    {
        while read -r p; do
            case $p in
                TLSv1.3) awk -v port="$port" '{print port, "TLSv1.3", $1, $3}' "$out/suites13" ;;
                TLSv1.2) awk -v port="$port" '{print port, "TLSv1.2", $1, $3}' "$out/suites12" ;;
                *) awk -v port="$port" -v p="$p" '$4 != "TLSv1.2" {print port, p, $1, $3}' \
                    "$out/suites12" ;;
            esac
        done <"$out/$s.truth.protos"
    } | xargs -P 4 -L 1 bash -c 'gt_try "$@"' _ | sort -u >"$out/$s.truth.suites"
}

# ---------------------------------------------------------------------------------------------
# Normalising each tool's output to "P PROTOCOL" and "S PROTOCOL CODE NAME" lines (plus
# "N PROBES" for cocscan). Protocol names as cocscan writes them (SSLv3, TLSv1.0 … TLSv1.3),
# codes as 0xC02F.

read -r -d '' NORMALIZE_PY <<'PY' || true
import json, re, sys
import xml.etree.ElementTree as ET

tool, path = sys.argv[1], sys.argv[2]

def code(v):
    n = int(v, 16)
    return "0x%06X" % n if n > 0xFFFF else "0x%04X" % n

if tool == "cocscan":
    tls = json.load(open(path))["targets"][0]["observations"]["tls"]
    for p in tls.get("protocols", []):
        print("P", p)
    for c in tls.get("ciphers", []):
        print("S", c["protocol"], code(c["code"]), c.get("name") or "?")
    print("N", tls.get("probes", "?"))
elif tool == "sslscan":
    root = ET.parse(path).getroot()
    t = root.find("ssltest")
    if t is None:
        sys.exit("no <ssltest> in sslscan XML")
    for p in t.findall("protocol"):
        if p.get("enabled") == "1":
            v = p.get("version")
            print("P", ("SSLv" + v) if p.get("type") == "ssl" else ("TLSv" + v))
    for c in t.findall("cipher"):
        print("S", c.get("sslversion"), code(c.get("id")), c.get("cipher"))
elif tool == "testssl":
    protos = {"SSLv2": "SSLv2", "SSLv3": "SSLv3", "TLS1": "TLSv1.0", "TLS1_1": "TLSv1.1",
              "TLS1_2": "TLSv1.2", "TLS1_3": "TLSv1.3"}
    cproto = {"ssl2": "SSLv2", "ssl3": "SSLv3", "tls1": "TLSv1.0", "tls1_1": "TLSv1.1",
              "tls1_2": "TLSv1.2", "tls1_3": "TLSv1.3"}
    findings = json.load(open(path))
    if isinstance(findings, dict):  # --jsonfile-pretty layout, in case someone switches
        findings = [f for s in findings.get("scanResult", []) for v in s.values()
                    if isinstance(v, list) for f in v]
    for f in findings:
        i, text = f.get("id", ""), f.get("finding", "")
        if i in protos and re.match(r"(offered|supported)", text):
            print("P", protos[i])
        m = re.match(r"cipher-(ssl2|ssl3|tls1|tls1_1|tls1_2|tls1_3)_x([0-9a-fA-F]+)$", i)
        if m:
            print("S", cproto[m.group(1)], code(m.group(2)), text.split()[-1] if text else "?")
PY

# normalize TOOL FILE PREFIX — PREFIX.protos, PREFIX.suites ("PROTO CODE"), PREFIX.names
# ("PROTO CODE NAME"), PREFIX.probes; nonzero when FILE is missing or unparseable.
normalize() {
    local tool=$1 file=$2 pre=$3
    [ -s "$file" ] || return 1
    "$PY" -c "$NORMALIZE_PY" "$tool" "$file" >"$pre.norm" 2>"$pre.norm.err" || return 1
    awk '$1 == "P" {print $2}' "$pre.norm" | sort -u >"$pre.protos"
    awk '$1 == "S" {print $2, $3}' "$pre.norm" | sort -u >"$pre.suites"
    awk '$1 == "S" {print $2, $3, $4}' "$pre.norm" >"$pre.names"
    awk '$1 == "N" {print $2}' "$pre.norm" >"$pre.probes"
}

# ---------------------------------------------------------------------------------------------
# Running and timing

# timed LOG CMD... — run CMD (bounded by TOOL_TIMEOUT) with its output to LOG; never fails.
# Sets LAST_RC (CMD's exit status) and LAST_SECS (its wall time in seconds).
LAST_RC=0
LAST_SECS=
timed() {
    local log=$1 t0 t1
    shift
    LAST_RC=0
    t0=$EPOCHREALTIME
    timeout "$TOOL_TIMEOUT" "$@" >"$log" 2>&1 </dev/null || LAST_RC=$?
    t1=$EPOCHREALTIME
    LAST_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

median() { [ -s "$1" ] || { echo -; return 0; }; sort -g "$1" | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2];
    else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b <= 0) print "n/a";
    else if (a / b >= 10) printf "%.0fx\n", a / b; else printf "%.1fx\n", a / b }'; }

TOOLS=(cocscan sslscan testssl)
declare -A PROTO_OK SUITE_OK DETAILS PROBES BUDGET MED FULL FULL_RSS
GOAL_FULL=0.5 # seconds, median of a single-target full scan

# run_tool SERVER TOOL RUN — one timed run; leaves the normalized files in $out/SERVER.TOOL.RUN.*
run_tool() {
    local s=$1 t=$2 port=${PORTOF[$1]} pre=$out/$1.$2.$3 ok=1
    case $t in
        cocscan)
            timed "$pre.log" "$COCSCAN" scan -q -t 5 \
                --checks tls.protocols,tls.ciphers --json "$pre.json" "https://127.0.0.1:$port/"
            # 0 compliant / 1 non-compliant are both a completed scan
            [ "$LAST_RC" -le 1 ] || ok=0
            normalize cocscan "$pre.json" "$pre" || ok=0 ;;
        sslscan)
            timed "$pre.log" "$SSLSCAN" "${SSLSCAN_FLAGS[@]}" \
                "--xml=$pre.xml" "127.0.0.1:$port"
            [ "$LAST_RC" -eq 0 ] || ok=0
            normalize sslscan "$pre.xml" "$pre" || ok=0 ;;
        testssl)
            rm -f "$pre.json"
            NXCONNECT=127.0.0.1:0 timed "$pre.log" "$TESTSSL" \
                "${TESTSSL_FLAGS[@]}" --jsonfile "$pre.json" "127.0.0.1:$port"
            [ "$LAST_RC" -eq 0 ] || ok=0
            normalize testssl "$pre.json" "$pre" || ok=0 ;;
    esac
    printf '    %-8s %8s s' "$t" "$LAST_SECS"
    if [ "$ok" -eq 1 ]; then
        echo "$LAST_SECS" >>"$out/$s.$t.times"
        echo
    else
        # a failed run has no usable result: it counts as a disagreement, not as a time
        : >"$pre.failed"
        echo "  FAILED (exit $LAST_RC, no usable output)"
        if [ -s "$pre.log" ]; then
            tail -n 3 "$pre.log" | sed 's/^/        | /'
        fi
        [ ! -s "$pre.norm.err" ] || tail -n 3 "$pre.norm.err" | sed 's/^/        | /'
    fi
}

# run_full SERVER RUN — one timed full scan (default profile, every check; the system trust
# store, as a real scan uses) under /usr/bin/time -v; appends to $out/SERVER.full.times and
# .rss (KiB) when the scan completed and the target was reached.
FULL_FLAGS=(scan -q)
run_full() {
    local s=$1 r=$2 port=${PORTOF[$1]} pre=$out/$1.full.$2 ok=1 rss
    timed "$pre.log" /usr/bin/time -v -o "$pre.time" "$COCSCAN" "${FULL_FLAGS[@]}" \
        --json "$pre.json" "https://127.0.0.1:$port/"
    [ "$LAST_RC" -le 1 ] || ok=0
    [ "$ok" -eq 0 ] || [ "$(jq -r '.targets[0].verdict' "$pre.json" 2>/dev/null)" != unreachable ] ||
        ok=0
    [ -s "$pre.json" ] || ok=0
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$pre.time" 2>/dev/null) || rss=
    printf '    %-8s %8s s' "full" "$LAST_SECS"
    if [ "$ok" -eq 1 ]; then
        echo "$LAST_SECS" >>"$out/$s.full.times"
        echo "${rss:-0}" >>"$out/$s.full.rss"
        printf '  (%s MiB peak RSS)\n' "$(awk -v k="${rss:-0}" 'BEGIN { printf "%.1f", k / 1024 }')"
    else
        echo "  FAILED (exit $LAST_RC, target not scanned)"
        [ ! -s "$pre.log" ] || tail -n 3 "$pre.log" | sed 's/^/        | /'
    fi
}

# compare SERVER TOOL — agreement of every run of TOOL with the ground truth.
compare() {
    local s=$1 t=$2 r pre line kind proto code name runs pok=yes sok=yes
    local -A where=()
    local -a order=()
    for ((r = 1; r <= RUNS; r++)); do
        pre=$out/$s.$t.$r
        if [ -e "$pre.failed" ] || [ ! -e "$pre.protos" ]; then
            line="failed|-|-"
            pok=failed sok=failed
        else
            while read -r proto; do
                line="proto-missing|$proto|"
                [ -n "${where[$line]:-}" ] || order+=("$line")
                where[$line]+="$r,"
                [ "$pok" = failed ] || pok=no
            done < <(comm -23 "$out/$s.truth.protos" "$pre.protos")
            while read -r proto; do
                line="proto-extra|$proto|"
                [ -n "${where[$line]:-}" ] || order+=("$line")
                where[$line]+="$r,"
                [ "$pok" = failed ] || pok=no
            done < <(comm -13 "$out/$s.truth.protos" "$pre.protos")
            while read -r proto code; do
                line="suite-missing|$proto|$code"
                [ -n "${where[$line]:-}" ] || order+=("$line")
                where[$line]+="$r,"
                [ "$sok" = failed ] || sok=no
            done < <(comm -23 "$out/$s.truth.suites" "$pre.suites")
            while read -r proto code; do
                line="suite-extra|$proto|$code"
                [ -n "${where[$line]:-}" ] || order+=("$line")
                where[$line]+="$r,"
                [ "$sok" = failed ] || sok=no
            done < <(comm -13 "$out/$s.truth.suites" "$pre.suites")
            continue
        fi
        [ -n "${where[$line]:-}" ] || order+=("$line")
        where[$line]+="$r,"
    done
    PROTO_OK[$s.$t]=$pok
    SUITE_OK[$s.$t]=$sok
    DETAILS[$s.$t]=
    for line in "${order[@]}"; do
        IFS='|' read -r kind proto code <<<"$line"
        name=
        if [[ $kind == suite-* ]]; then
            name=${IANA[$code]:-}
            # a suite the local OpenSSL does not know: take the name the tool printed
            [ -n "$name" ] || name=$(awk -v p="$proto" -v c="$code" \
                '$1 == p && $2 == c {print $3; exit}' "$out/$s.$t".*.names 2>/dev/null || true)
        fi
        runs=${where[$line]%,}
        if [ "$RUNS" -gt 1 ]; then runs="runs $runs"; else runs="run $runs"; fi
        case $kind in
            failed) DETAILS[$s.$t]+="    $t: failed, no usable output ($runs)"$'\n' ;;
            proto-missing) DETAILS[$s.$t]+="    $t: missed protocol $proto, which s_client negotiates ($runs)"$'\n' ;;
            proto-extra) DETAILS[$s.$t]+="    $t: reported protocol $proto, which s_client cannot negotiate ($runs)"$'\n' ;;
            suite-missing) DETAILS[$s.$t]+="    $t: missed $proto $code ${name:-?}, which s_client negotiates ($runs)"$'\n' ;;
            suite-extra) DETAILS[$s.$t]+="    $t: reported $proto $code ${name:-?}, which s_client cannot negotiate ($runs)"$'\n' ;;
        esac
    done
}

# ---------------------------------------------------------------------------------------------
# Main

ver_sslscan=$("$SSLSCAN" --version 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1 || true)
ver_testssl=$("$TESTSSL" --version 2>&1 | sed 's/\x1b\[[0-9;]*m//g' |
    sed -n 's/^ *testssl\(\.sh\)\{0,1\} *\([0-9][0-9.a-z-]*\).*/\2/p' | head -1 || true)
ver_cocscan=$("$COCSCAN" --version 2>&1 | head -1 || true)

echo "cocscan TLS enumeration benchmark: $RUNS run(s) per tool per server, wall-clock seconds"
echo "  cocscan:  $ver_cocscan ($COCSCAN_ORIG, copied at start)"
echo "            scan -q -t 5 --checks tls.protocols,tls.ciphers --json FILE https://127.0.0.1:PORT/"
echo "  sslscan:  ${ver_sslscan:-?} ($SSLSCAN) ${SSLSCAN_FLAGS[*]} --xml=FILE 127.0.0.1:PORT"
echo "  testssl:  ${ver_testssl:-?} ($TESTSSL) ${TESTSSL_FLAGS[*]} --jsonfile FILE 127.0.0.1:PORT"
echo "  truth:    $(openssl version | cut -d' ' -f1-2) s_client, one protocol / one suite per connection"
echo "            (SSLv2/SSLv3: never accepted, the servers' OpenSSL 3 has neither)"
echo "  full:     cocscan ${FULL_FLAGS[*]} --json FILE https://127.0.0.1:PORT/ (default profile"
echo "            nz-health-portal, every check, system trust store), under /usr/bin/time -v"

for s in "${SERVERS[@]}"; do
    echo
    echo "== $s (127.0.0.1:${PORTOF[$s]}): ${DESC[$s]}"
    ground_truth "$s"
    np=$(wc -l <"$out/$s.truth.suites" | tr -d ' ')
    printf '  ground truth: protocols %s; %s suites' \
        "$(paste -sd' ' "$out/$s.truth.protos")" "$np"
    [ "$np" -gt 0 ] && printf ' (%s)' "$(awk '{print $1}' "$out/$s.truth.suites" | uniq -c |
        awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2}')"
    echo
    for ((r = 1; r <= RUNS; r++)); do
        echo "  run $r/$RUNS"
        for t in "${TOOLS[@]}"; do
            run_tool "$s" "$t" "$r"
        done
        run_full "$s" "$r"
    done
    FULL[$s]=$(median "$out/$s.full.times")
    FULL_RSS[$s]=$( (sort -g "$out/$s.full.rss" 2>/dev/null || true) | tail -n 1 |
        awk '{ printf "%.1f", $1 / 1024 }')
    for t in "${TOOLS[@]}"; do
        MED[$s.$t]=$(median "$out/$s.$t.times")
        compare "$s" "$t"
    done
    # cocscan's probes (the most any run needed) against its budget
    PROBES[$s]=$(cat "$out/$s.cocscan".*.probes 2>/dev/null | sort -g | tail -1 || true)
    BUDGET[$s]=$((np + 6 + 8))
    d="${DETAILS[$s.cocscan]}${DETAILS[$s.sslscan]}${DETAILS[$s.testssl]}"
    if [ -n "$d" ]; then
        echo "  disagreements with the ground truth:"
        printf '%s' "$d"
    else
        echo "  all three tools agree with the ground truth on protocols and suites"
    fi
done

echo
echo "== Results: median of $RUNS run(s), seconds; agreement with s_client (coc/ssl/tst)"
printf '%-13s %8s %8s %8s %12s %12s %14s %15s %15s\n' server cocscan sslscan testssl \
    testssl/coc sslscan/coc "probes/budget" protocols suites
for s in "${SERVERS[@]}"; do
    pb="${PROBES[$s]:-?}/${BUDGET[$s]}"
    if [[ ${PROBES[$s]:-} =~ ^[0-9]+$ ]] && [ "${PROBES[$s]}" -gt "${BUDGET[$s]}" ]; then
        pb="$pb OVER"
    fi
    printf '%-13s %8s %8s %8s %12s %12s %14s %15s %15s\n' "$s" \
        "${MED[$s.cocscan]}" "${MED[$s.sslscan]}" "${MED[$s.testssl]}" \
        "$(ratio "${MED[$s.testssl]}" "${MED[$s.cocscan]}")" \
        "$(ratio "${MED[$s.sslscan]}" "${MED[$s.cocscan]}")" "$pb" \
        "${PROTO_OK[$s.cocscan]}/${PROTO_OK[$s.sslscan]}/${PROTO_OK[$s.testssl]}" \
        "${SUITE_OK[$s.cocscan]}/${SUITE_OK[$s.sslscan]}/${SUITE_OK[$s.testssl]}"
done

echo
echo "== Summary"
for s in "${SERVERS[@]}"; do
    agree=()
    disagree=()
    for t in "${TOOLS[@]}"; do
        if [ "${PROTO_OK[$s.$t]}" = yes ] && [ "${SUITE_OK[$s.$t]}" = yes ]; then
            agree+=("$t")
        elif [ "${PROTO_OK[$s.$t]}" = failed ] || [ "${SUITE_OK[$s.$t]}" = failed ]; then
            disagree+=("$t (a run failed)")
        else
            disagree+=("$t")
        fi
    done
    if [ "${#disagree[@]}" -eq 0 ]; then
        verdict="all agree with s_client"
    else
        verdict=$(IFS=,; echo "disagree with s_client: ${disagree[*]}")
        verdict=${verdict//,/, }
    fi
    probes_note="probes ${PROBES[$s]:-?} of budget ${BUDGET[$s]}"
    printf '%s: cocscan %s s, testssl/cocscan %s, sslscan/cocscan %s; %s; %s\n' "$s" \
        "${MED[$s.cocscan]}" "$(ratio "${MED[$s.testssl]}" "${MED[$s.cocscan]}")" \
        "$(ratio "${MED[$s.sslscan]}" "${MED[$s.cocscan]}")" "$probes_note" "$verdict"
done
goal() { awk -v v="$1" -v g="$2" 'BEGIN { if (v == "-" || v == "") print "n/a";
    else if (v + 0 <= g + 0) print "PASS"; else print "MISS" }'; }

echo
echo "== Full scan, one target: default profile, every check; median of $RUNS run(s), seconds"
echo "   (the other tools' times are their TLS enumeration alone, from the table above)"
printf '%-13s %10s %10s %16s %16s %14s\n' server "full scan" "peak RSS" "testssl-tls/full" \
    "sslscan-tls/full" "goal <= ${GOAL_FULL} s"
for s in "${SERVERS[@]}"; do
    printf '%-13s %10s %10s %16s %16s %14s\n' "$s" "${FULL[$s]:--}" "${FULL_RSS[$s]:--} MiB" \
        "$(ratio "${MED[$s.testssl]}" "${FULL[$s]:--}")" \
        "$(ratio "${MED[$s.sslscan]}" "${FULL[$s]:--}")" "$(goal "${FULL[$s]:--}" "$GOAL_FULL")"
done

scale_rc=0
: >"$out/scale.results"
if [ "${BENCH_SCALE:-1}" != 0 ]; then
    echo
    SCALE_RESULTS=$out/scale.results BENCH_RUNS=$RUNS COCSCAN=$COCSCAN \
        bash "$(dirname "$0")/scale.sh" || scale_rc=$?
fi
res() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$out/scale.results"; }

echo
echo "== Goals (informational, never a failure; noisy on a busy machine: test/bench/README.md)"
for s in "${SERVERS[@]}"; do
    printf '  single full scan <= %s s (median)  %-13s %8s s  %s\n' "$GOAL_FULL" "$s" \
        "${FULL[$s]:--}" "$(goal "${FULL[$s]:--}" "$GOAL_FULL")"
done
if [ -s "$out/scale.results" ]; then
    printf '  %s targets <= 15 s (median wall)                %8s s  %s\n' \
        "$(res scale_targets)" "$(res scale_wall)" "$(res scale_wall_goal)"
    printf '  peak RSS <= 64 MiB (fleet scan, worst run)     %8s MiB  %s\n' \
        "$(res scale_rss_mib)" "$(res scale_rss_goal)"
elif [ "${BENCH_SCALE:-1}" = 0 ]; then
    echo "  fleet: skipped (BENCH_SCALE=0)"
else
    echo "  fleet: no result (scale.sh exited $scale_rc)"
fi
[ "${KEEP_TMP:-0}" = 1 ] && echo "raw outputs kept in $out"
exit "$scale_rc"
