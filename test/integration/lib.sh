# shellcheck shell=bash
# shellcheck disable=SC2034  # PORT, SERVER_PID, RUN_STATUS... are read by the sourcing scripts
# lib.sh — shared code for cocscan's integration tests (TAP scripts run by `prove`).
#
# Source it first from every test/integration/*.t script:
#     . "$(dirname "$0")/lib.sh"
# It provides TAP output helpers, a per-script temp dir under $COC_BUILD/itest, free-port picking,
# and helpers that start real TLS servers (nginx, openssl s_server, gnutls-serv) on 127.0.0.1.
# Every process started through it is stopped when the script exits, fails or is interrupted.
#
# The assertion helpers always return 0 (so `set -e` in a test does not stop at the first failed
# assertion); the outcome of the last one is in TAP_LAST_OK (1 pass, 0 fail). The script exits
# nonzero when any assertion failed or the plan was not met.
#
# Environment: COCSCAN (binary, default <repo>/cocscan), COC_BUILD (default <repo>/build),
# KEEP_TMP=1 (keep the temp dir), COC_SCHEMA (report schema, default reports/report.schema.json).

if [ -z "${BASH_VERSION:-}" ]; then
    echo "lib.sh must be sourced from bash" >&2
    exit 2
fi

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
COCSCAN=${COCSCAN:-$top/cocscan}
COC_BUILD=${COC_BUILD:-$top/build}
case $COC_BUILD in
    /*) ;;
    *) COC_BUILD=$PWD/$COC_BUILD ;;
esac
COC_SCHEMA=${COC_SCHEMA:-$top/reports/report.schema.json}
COC_PYTHON=/usr/bin/python3    # has jsonschema; the python3 on PATH may not
CERTDIR=${CERTDIR:-}
PORT=
SERVER_PID=
SERVER_DIR=
SERVER_LOG=
BG_PID=
TAP_LAST_OK=1
export COCSCAN COC_BUILD

_tap_n=0
_tap_failed=0
_tap_plan=
_tap_done=0
_coc_pids=()                     # registered process (group leader) pids, in start order
declare -A _coc_pid_name=()      # pid -> name
declare -A _coc_pidfile=()       # name -> pid file written by the server itself (nginx)
_coc_at_exit=()
_coc_cleaned=0
_coc_script=$(basename "$0" .t)

mkdir -p "$COC_BUILD/itest" || exit 2
tmpdir=$(mktemp -d "$COC_BUILD/itest/$_coc_script.XXXX") || exit 2

# ---------------------------------------------------------------------------------------------
# TAP

# _tap_result STATUS(0 pass) DESC
_tap_result() {
    local desc=${2//#/\\#}
    _tap_n=$((_tap_n + 1))
    if [ "$1" -eq 0 ]; then
        TAP_LAST_OK=1
        echo "ok $_tap_n${desc:+ - $desc}"
    else
        TAP_LAST_OK=0
        _tap_failed=$((_tap_failed + 1))
        echo "not ok $_tap_n${desc:+ - $desc}"
    fi
}

# plan N — declare the number of tests (before the first one).
plan() {
    _tap_plan=$1
    echo "1..$1"
}

# diag MSG... — print a diagnostic ("# " prefixed, to stderr, shown by prove).
diag() {
    local line
    while IFS= read -r line; do
        echo "# $line" >&2
    done <<<"$*"
}

# note MSG... — like diag, but to stdout (shown only by prove -v).
note() {
    local line
    while IFS= read -r line; do
        echo "# $line"
    done <<<"$*"
}

# diag_file FILE [LINES] — diag the last LINES (default 30) lines of FILE.
diag_file() {
    [ -s "$1" ] || return 0
    diag "--- ${1#"$tmpdir"/} (tail):"
    diag "$(tail -n "${2:-30}" "$1")"
}

# pass DESC / fail DESC — record a result decided by the caller.
pass() { _tap_result 0 "${1:-}"; }
fail() { _tap_result 1 "${1:-}"; }

# ok DESC CMD [ARGS...] — pass if CMD exits 0; on failure, diag its exit status and output.
ok() {
    local desc=$1 out rc=0
    shift
    out=$tmpdir/.ok.$_tap_n.out
    "$@" >"$out" 2>&1 || rc=$?
    _coc_san_check "$out"
    _tap_result "$rc" "$desc"
    if [ "$rc" -ne 0 ]; then
        diag "command exited $rc: $*"
        diag_file "$out"
    fi
    rm -f "$out"
    return 0
}

# fails DESC CMD [ARGS...] — pass if CMD exits nonzero.
fails() {
    local desc=$1 out rc=0
    shift
    out=$tmpdir/.ok.$_tap_n.out
    "$@" >"$out" 2>&1 || rc=$?
    _coc_san_check "$out"
    if [ "$rc" -ne 0 ]; then
        _tap_result 0 "$desc"
    else
        _tap_result 1 "$desc"
        diag "command unexpectedly succeeded: $*"
        diag_file "$out"
    fi
    rm -f "$out"
    return 0
}

# is GOT WANT DESC — string equality.
is() {
    if [ "$1" == "$2" ]; then
        _tap_result 0 "${3:-}"
    else
        _tap_result 1 "${3:-}"
        diag "     got: '$1'"
        diag "expected: '$2'"
    fi
    return 0
}

# isnt GOT UNWANTED DESC — string inequality.
isnt() {
    if [ "$1" != "$2" ]; then
        _tap_result 0 "${3:-}"
    else
        _tap_result 1 "${3:-}"
        diag "     got: '$1'"
        diag "expected anything else"
    fi
    return 0
}

# like GOT REGEX DESC — GOT matches the bash ERE REGEX (=~).
like() {
    if [[ $1 =~ $2 ]]; then
        _tap_result 0 "${3:-}"
    else
        _tap_result 1 "${3:-}"
        diag "                  '$1'"
        diag "    doesn't match '$2'"
    fi
    return 0
}

# unlike GOT REGEX DESC — GOT does not match REGEX.
unlike() {
    if [[ $1 =~ $2 ]]; then
        _tap_result 1 "${3:-}"
        diag "                  '$1'"
        diag "          matches '$2'"
    else
        _tap_result 0 "${3:-}"
    fi
    return 0
}

# skip REASON [COUNT] — record COUNT (default 1) skipped tests.
skip() {
    local i
    for ((i = 0; i < ${2:-1}; i++)); do
        _tap_n=$((_tap_n + 1))
        echo "ok $_tap_n # skip ${1//#/\\#}"
    done
}

# skip_all REASON — skip the whole script (must come before any test); exits 0.
skip_all() {
    echo "1..0 # SKIP $1"
    _tap_plan=0
    exit 0
}

# done_testing — end of tests when no plan was declared up front.
done_testing() {
    if [ -z "$_tap_plan" ]; then
        _tap_plan=$_tap_n
        echo "1..$_tap_plan"
    fi
    _tap_done=1
}

# BAIL_OUT REASON — stop the whole prove run.
BAIL_OUT() {
    echo "Bail out! $*"
    exit 255
}

# ---------------------------------------------------------------------------------------------
# Preconditions and small tools

# need_cmd CMD... — skip_all unless every CMD is on PATH.
need_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || skip_all "$c not installed"
    done
}

# need_cocscan — skip_all unless $COCSCAN is an executable.
need_cocscan() {
    [ -x "$COCSCAN" ] || skip_all "cocscan binary not built: $COCSCAN"
}

# run CMD [ARGS...] — run CMD, never failing: sets RUN_STATUS, RUN_OUT/RUN_ERR (files holding
# stdout/stderr). Example: run "$COCSCAN" scan "$url"; is "$RUN_STATUS" 1 "non-compliant"
RUN_STATUS=
RUN_OUT=
RUN_ERR=
_coc_run_n=0
run() {
    _coc_run_n=$((_coc_run_n + 1))
    RUN_OUT=$tmpdir/run.$_coc_run_n.out
    RUN_ERR=$tmpdir/run.$_coc_run_n.err
    RUN_STATUS=0
    "$@" >"$RUN_OUT" 2>"$RUN_ERR" </dev/null || RUN_STATUS=$?
    _coc_san_check "$RUN_ERR"
    _coc_schema_check "$@"
    return 0
}

# _coc_schema_check CMD [ARGS...] — after `run` of $COCSCAN with --json FILE (--json=FILE,
# -j FILE; "-" is the run's stdout) that exited 0, 1 or 3: the report is validated against
# $COC_SCHEMA, so every JSON report a test makes is checked, whether or not the test asserts
# it. An invalid one is shown now and fails the script at exit (like _coc_san_check).
_coc_schema_reports=0
_coc_schema_check() {
    local a prev='' seen=0 f
    local -a files=()
    case $RUN_STATUS in 0 | 1 | 3) ;; *) return 0 ;; esac
    for a in "$@"; do
        if [ "$seen" = 1 ]; then
            case $prev in --json | -j) files+=("$a") ;; esac
            case $a in --json=*) files+=("${a#--json=}") ;; esac
        fi
        [ "$a" != "$COCSCAN" ] || seen=1
        prev=$a
    done
    local schema=$COC_SCHEMA
    case " $* " in # `report diff --json` writes a diff document, which has a schema of its own
        *" report diff "*) schema=$top/reports/diff.schema.json ;;
    esac
    for f in "${files[@]}"; do
        [ "$f" != - ] || f=$RUN_OUT
        [ -s "$f" ] || continue
        if ! COC_SCHEMA=$schema validate_report "$f" 2>"$tmpdir/.schema.err"; then
            _coc_schema_reports=$((_coc_schema_reports + 1))
            diag "a JSON report cocscan wrote does not match the schema: $f"
            diag "$(head -n 20 "$tmpdir/.schema.err")"
        fi
    done
}

# _coc_san_check FILE — under SANITIZE=1 a sanitizer report (a leak, a bad read, undefined
# behaviour) in a command's stderr fails the script, even when the command's output looked
# right: shown now, counted at exit.
_coc_san_reports=0
_coc_san_check() {
    if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$1" 2>/dev/null; then
        _coc_san_reports=$((_coc_san_reports + 1))
        diag "sanitizer report from a command run by this script:"
        diag "$(grep -E -A25 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$1" | head -40)"
    fi
}

# jqr FILE FILTER [JQ_ARGS...] — jq -r FILTER FILE.
jqr() {
    jq -r "${@:3}" "$2" "$1"
}

# status_of NAME CONTROL / evidence_of NAME CONTROL — the status (or evidence) of CONTROL for the
# first target of the report $tmpdir/NAME.json.
status_of() { jqr "$tmpdir/$1.json" ".targets[0].results[] | select(.control == \"$2\") | .status"; }
evidence_of() {
    jqr "$tmpdir/$1.json" ".targets[0].results[] | select(.control == \"$2\") | .evidence"
}

# validate_report FILE — validate a cocscan JSON report against $COC_SCHEMA; errors (with JSON
# paths) go to stderr; nonzero when invalid (1) or unreadable / no schema (2).
validate_report() {
    if [ ! -f "$COC_SCHEMA" ]; then
        echo "validate_report: report schema not found: $COC_SCHEMA" >&2
        return 2
    fi
    "$COC_PYTHON" "$top/test/tools/validate_json.py" "$COC_SCHEMA" "$1" 1>&2
}

# gen_certs [DIR] — generate the test PKI (test/fixtures/certs.sh) into DIR, default a cache
# shared by all scripts ($COC_BUILD/itest/certs); sets CERTDIR.
gen_certs() {
    local dir=${1:-$COC_BUILD/itest/certs}
    "$top/test/fixtures/certs.sh" "$dir" || return 1
    CERTDIR=$(cd "$dir" && pwd)
}

# ---------------------------------------------------------------------------------------------
# Ports

# free_port and port_open come from test/fixtures/ports.sh, shared with the demo portal.
# shellcheck source=../fixtures/ports.sh
. "$top/test/fixtures/ports.sh"

# wait_port PORT [TIMEOUT_S [PID]] — wait until 127.0.0.1:PORT accepts TCP (default 10 s);
# gives up early when PID is given and that process is gone.
wait_port() {
    local port=$1 timeout=${2:-10} pid=${3:-} i
    for ((i = 0; i < timeout * 20; i++)); do
        port_open "$port" && return 0
        if [ -n "$pid" ] && ! _coc_alive "$pid"; then
            return 1
        fi
        sleep 0.05
    done
    return 1
}

# ---------------------------------------------------------------------------------------------
# Processes

# _coc_alive PID — the process exists and is not a zombie.
_coc_alive() {
    local stat
    stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [[ $stat != Z* ]]
}

# _coc_group_alive PGID — some non-zombie process is in process group PGID.
_coc_group_alive() {
    ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'
}

# _coc_stop PID... — TERM each process group (and pid), KILL what is left after 2 s, reap.
_coc_stop() {
    local pid i left
    [ $# -gt 0 ] || return 0
    for pid in "$@"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
        kill -TERM "$pid" 2>/dev/null || true
    done
    for ((i = 0; i < 40; i++)); do
        left=0
        for pid in "$@"; do
            if _coc_alive "$pid" || _coc_group_alive "$pid"; then
                left=1
                break
            fi
        done
        [ "$left" -eq 0 ] && break
        sleep 0.05
    done
    for pid in "$@"; do
        if _coc_alive "$pid" || _coc_group_alive "$pid"; then
            diag "process $pid (${_coc_pid_name[$pid]:-?}) ignored TERM; killing"
            kill -KILL -- "-$pid" 2>/dev/null || true
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    return 0
}

# bg_start NAME CMD [ARGS...] — start CMD in the background in its own process group, output to
# $tmpdir/NAME.log, registered for cleanup; sets BG_PID.
bg_start() {
    local name=$1
    shift
    perl -e 'setpgrp(0, 0) or die "setpgrp: $!\n"; exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\n"' \
        -- "$@" </dev/null >"$tmpdir/$name.log" 2>&1 &
    BG_PID=$!
    _coc_pids+=("$BG_PID")
    _coc_pid_name[$BG_PID]=$name
    echo "$BG_PID $name" >>"$tmpdir/.pids"
}

# bg_stop NAME|PID — stop one registered process (and its process group) now.
bg_stop() {
    local pid keep=() p pf
    for p in "${_coc_pids[@]}"; do
        if [ "$p" = "$1" ] || [ "${_coc_pid_name[$p]}" = "$1" ]; then
            pid=$p
        else
            keep+=("$p")
        fi
    done
    if [ -z "${pid:-}" ]; then
        echo "bg_stop: no process '$1'" >&2
        return 1
    fi
    pf=${_coc_pidfile[${_coc_pid_name[$pid]}]:-}
    _coc_stop "$pid"
    if [ -n "$pf" ]; then
        _coc_stop_pidfile "$pf"
    fi
    _coc_pids=("${keep[@]}")
    return 0
}

# _coc_stop_pidfile FILE — stop a pid named in a server's pid file, if still running.
_coc_stop_pidfile() {
    local pid
    [ -s "$1" ] || return 0
    pid=$(tr -dc 0-9 <"$1")
    [ -n "$pid" ] && _coc_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    sleep 0.5
    if _coc_alive "$pid"; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    return 0
}

# stop_all — stop every process this script started (also done automatically at exit).
stop_all() {
    local pf p stray
    _coc_stop "${_coc_pids[@]}"
    for pf in "${_coc_pidfile[@]}"; do
        _coc_stop_pidfile "$pf"
    done
    _coc_pids=()
    # Safety net: anything still running with our private temp dir on its command line.
    stray=$(pgrep -f -- "$tmpdir/" 2>/dev/null | grep -vx -e "$$" -e "${BASHPID:-$$}" || true)
    for p in $stray; do
        diag "stray process $p: $(ps -o args= -p "$p" 2>/dev/null); killing"
        kill -KILL "$p" 2>/dev/null || true
    done
    return 0
}

# at_exit CMD [ARGS...] — run CMD at exit, before processes are stopped (last added runs first).
# Do not set your own EXIT trap: it would replace lib.sh's cleanup.
at_exit() {
    local q
    printf -v q '%q ' "$@"
    _coc_at_exit=("$q" "${_coc_at_exit[@]}")
}

_coc_cleanup() {
    local c
    [ "$_coc_cleaned" -eq 1 ] && return 0
    _coc_cleaned=1
    for c in "${_coc_at_exit[@]}"; do
        eval "$c" || true
    done
    stop_all
    if [ "${KEEP_TMP:-0}" = 1 ]; then
        diag "KEEP_TMP=1: keeping $tmpdir"
    else
        rm -rf "$tmpdir"
    fi
}

_coc_on_exit() {
    local rc=$?
    set +e
    trap - INT TERM HUP
    _coc_cleanup
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 255 ] && [ "$_tap_plan" != 0 ]; then
        diag "Looks like your test exited with $rc just after $_tap_n."
    elif [ -z "$_tap_plan" ] && [ "$_tap_n" -gt 0 ]; then
        diag "Tests were run but no plan was declared and done_testing was not seen."
        rc=254
    elif [ -n "$_tap_plan" ] && [ "$_tap_plan" -ne "$_tap_n" ]; then
        diag "Looks like you planned $_tap_plan tests but ran $_tap_n."
        rc=255
    fi
    if [ "$_tap_failed" -gt 0 ]; then
        diag "Looks like you failed $_tap_failed test(s) of $_tap_n."
        [ "$rc" -eq 0 ] && rc=$((_tap_failed > 254 ? 254 : _tap_failed))
    fi
    if [ "$_coc_san_reports" -gt 0 ]; then
        diag "Commands run by this script printed $_coc_san_reports sanitizer report(s) (above)."
        [ "$rc" -eq 0 ] && rc=1
    fi
    if [ "$_coc_schema_reports" -gt 0 ]; then
        diag "$_coc_schema_reports JSON report(s) written through run did not validate (above)."
        [ "$rc" -eq 0 ] && rc=1
    fi
    exit "$rc"
}

_coc_on_signal() {
    diag "caught SIG$1; cleaning up"
    exit "$2"
}

trap _coc_on_exit EXIT
trap '_coc_on_signal INT 130' INT
trap '_coc_on_signal TERM 143' TERM
trap '_coc_on_signal HUP 129' HUP

# ---------------------------------------------------------------------------------------------
# Servers. Each start_* helper picks a free port, retries (up to 5 times) when the server cannot
# bind it, waits until it accepts connections and sets PORT, SERVER_PID (process group leader),
# SERVER_LOG and SERVER_DIR (nginx). On failure it returns 1 after printing the server's log.

# _coc_in_use LOGFILE — the log says a bind failed because the address was taken.
_coc_in_use() {
    grep -qi 'address already in use' "$1" 2>/dev/null
}

# _coc_owns_port PID PORT — the listening socket on 127.0.0.1:PORT belongs to process PID (or,
# without ss, PID is still alive a moment later).
_coc_owns_port() {
    if command -v ss >/dev/null 2>&1; then
        ss -ltnpH "sport = :$2" 2>/dev/null | grep -q "pid=$1,"
    else
        sleep 0.2
        _coc_alive "$1"
    fi
}

# _coc_wait_own PORT PID — wait until PID listens on PORT: 0 yes, 1 it died or timed out,
# 2 someone else is listening there (the port was taken between free_port and bind).
_coc_wait_own() {
    wait_port "$1" 10 "$2" || return 1
    _coc_owns_port "$2" "$1" && return 0
    # The port is open, but not (yet?) ours: give a slow server a moment before concluding.
    sleep 0.2
    _coc_owns_port "$2" "$1" && return 0
    return 2
}

# nginx_prepare_dir DIR — the directories an nginx of the tests runs in (logs, tmp) and a
# document root DIR/html holding index.html "cocscan test page".
nginx_prepare_dir() {
    local dir=$1
    mkdir -p "$dir/logs" "$dir/tmp" "$dir/html" || return 1
    [ -e "$dir/html/index.html" ] || printf '%s\n' '<!DOCTYPE html>' \
        '<html><head><title>cocscan test page</title></head>' \
        '<body><h1>cocscan test page</h1></body></html>' >"$dir/html/index.html"
}

# nginx_write_conf DIR ORIGIN HTTP_BODY — DIR/nginx.conf: a foreground nginx with one worker,
# everything (pid, logs, temp files) under DIR, and HTTP_BODY (server blocks) inside http { }.
nginx_write_conf() {
    local dir=$1 origin=$2 http_body=$3 user_line=''
    if [ "$(id -u)" -eq 0 ]; then
        user_line='user root;'
    fi
    cat >"$dir/nginx.conf" <<EOF
# Generated by $origin.
$user_line
daemon off;
master_process on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log info;
events { worker_connections 256; }
http {
    access_log $dir/logs/access.log;
    client_body_temp_path $dir/tmp/client_body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    types {
        text/html html htm; text/css css; text/plain txt; application/javascript js;
        application/json json; application/pdf pdf; image/png png; image/svg+xml svg;
    }
    default_type application/octet-stream;
$http_body
}
EOF
}

# start_nginx NAME SNIPPET_FILE|- — start nginx configured by a snippet (a file, or - for stdin).
# Placeholders in the snippet: @PORT@ (and @PORT2@.. @PORT9@ for more listeners; each becomes a
# free port, exported as PORT, PORT2, ...), @CERTDIR@ ($CERTDIR; generated if unset), @ROOT@ (a
# document root holding index.html "cocscan test page"), @DIR@ (this server's directory).
# A snippet without a line starting with `server {` is the body of one server block; otherwise it
# is pasted verbatim inside http { } (for several server blocks). Listen on 127.0.0.1 only:
#     listen 127.0.0.1:@PORT@ ssl;
start_nginx() {
    local name=$1 src=${2:--} body conf dir attempt ph p http_body taken
    local -a phs
    local -A _coc_ports=()
    if [ "$src" = - ]; then
        body=$(cat)
    else
        body=$(<"$src") || return 1
    fi
    dir=$tmpdir/$name
    nginx_prepare_dir "$dir" || return 1
    if [[ $body == *@CERTDIR@* ]] && [ -z "$CERTDIR" ]; then
        gen_certs "$COC_BUILD/itest/certs" || return 1
    fi
    mapfile -t phs < <(grep -o '@PORT[2-9]\{0,1\}@' <<<"$body" | sort -u)
    if [ "${#phs[@]}" -eq 0 ]; then
        echo "start_nginx: snippet has no @PORT@ placeholder" >&2
        return 1
    fi
    SERVER_DIR=$dir
    SERVER_LOG=$dir/logs/error.log
    for attempt in 1 2 3 4 5; do
        conf=$body
        _coc_ports=()
        for ph in "${phs[@]}"; do
            p=$(free_port) || return 1
            _coc_ports[$ph]=$p
            conf=${conf//$ph/$p}
        done
        conf=${conf//@CERTDIR@/$CERTDIR}
        conf=${conf//@ROOT@/$dir/html}
        conf=${conf//@DIR@/$dir}
        if grep -qE '^[[:space:]]*server[[:space:]]*\{' <<<"$conf"; then
            http_body=$conf
        else
            http_body=$(printf 'server {\n%s\n}' "$conf")
        fi
        nginx_write_conf "$dir" "test/integration/lib.sh start_nginx ($name, attempt $attempt)" \
            "$http_body"
        if [ "$attempt" -eq 1 ] &&
            ! nginx -t -q -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log" \
                >"$dir/logs/config-test.log" 2>&1; then
            echo "start_nginx: invalid configuration ($dir/nginx.conf):" >&2
            cat "$dir/logs/config-test.log" >&2
            return 1
        fi
        : >"$dir/logs/error.log"
        bg_start "$name" nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log"
        _coc_pidfile[$name]=$dir/nginx.pid
        taken=0
        for ph in "${phs[@]}"; do
            _coc_wait_own "${_coc_ports[$ph]}" "$BG_PID" || { taken=$?; break; }
        done
        if [ "$taken" -eq 0 ]; then
            SERVER_PID=$BG_PID
            for ph in "${phs[@]}"; do
                p=${ph//@/}
                printf -v "$p" '%s' "${_coc_ports[$ph]}"
            done
            return 0
        fi
        bg_stop "$BG_PID"
        if [ "$taken" -ne 2 ] && ! _coc_in_use "$dir/logs/error.log" &&
            ! _coc_in_use "$tmpdir/$name.log"; then
            echo "start_nginx: nginx '$name' did not start:" >&2
            tail -n 30 "$dir/logs/error.log" "$tmpdir/$name.log" >&2
            return 1
        fi
        echo "start_nginx: port taken, retrying ($attempt)" >&2
    done
    echo "start_nginx: giving up after 5 attempts" >&2
    return 1
}

# _coc_start_simple NAME PORT_SETUP_FN CMD... — common start/retry loop for single-port servers:
# @PORT@ in CMD's arguments is replaced by the chosen port.
_coc_start_simple() {
    local name=$1 attempt port a taken
    local -a argv
    shift
    SERVER_DIR=
    SERVER_LOG=$tmpdir/$name.log
    for attempt in 1 2 3 4 5; do
        port=$(free_port) || return 1
        argv=()
        for a in "$@"; do
            argv+=("${a//@PORT@/$port}")
        done
        bg_start "$name" "${argv[@]}"
        taken=0
        _coc_wait_own "$port" "$BG_PID" || taken=$?
        if [ "$taken" -eq 0 ]; then
            PORT=$port
            SERVER_PID=$BG_PID
            return 0
        fi
        bg_stop "$BG_PID"
        if [ "$taken" -ne 2 ] && ! _coc_in_use "$SERVER_LOG"; then
            echo "$name did not start: ${argv[*]}" >&2
            tail -n 30 "$SERVER_LOG" >&2
            return 1
        fi
        echo "$name: port $port taken, retrying ($attempt)" >&2
    done
    echo "$name: giving up after 5 attempts" >&2
    return 1
}

# start_s_server NAME [S_SERVER_ARGS...] — openssl s_server -accept 127.0.0.1:PORT; adds -www
# unless one of -www -WWW -HTTP -rev is given. Example:
#     start_s_server old -cert "$CERTDIR/good.pem" -key "$CERTDIR/good.key" -tls1_2
start_s_server() {
    local name=$1 a mode=-www
    shift
    for a in "$@"; do
        case $a in -www | -WWW | -HTTP | -rev) mode= ;; esac
    done
    _coc_start_simple "$name" openssl s_server -accept 127.0.0.1:@PORT@ ${mode:+"$mode"} "$@"
}

# _coc_bind_lo_so — print the path of a tiny LD_PRELOAD library that turns bind() to the
# wildcard address into a bind to loopback (gnutls-serv has no listen-address option). Built
# once into $COC_BUILD/itest; fails when no C compiler is available.
_coc_bind_lo_so() {
    local so=$COC_BUILD/itest/bind_lo.so src tmp
    [ -f "$so" ] && { echo "$so"; return 0; }
    command -v cc >/dev/null 2>&1 || return 1
    src=$(mktemp "$COC_BUILD/itest/bind_lo.XXXX.c") || return 1
    tmp=${src%.c}.so
    cat >"$src" <<'EOF'
/* Test helper (generated by test/integration/lib.sh): LD_PRELOAD shim rewriting bind() to
 * INADDR_ANY / in6addr_any into loopback, so servers without a listen-address option stay local. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
    static int (*real_bind)(int, const struct sockaddr *, socklen_t);
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;

    if (!real_bind)
        real_bind = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
    if (sa && sa->sa_family == AF_INET && len >= (socklen_t)sizeof in4) {
        memcpy(&in4, sa, sizeof in4);
        if (in4.sin_addr.s_addr == htonl(INADDR_ANY)) {
            in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            return real_bind(fd, (const struct sockaddr *)&in4, sizeof in4);
        }
    } else if (sa && sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof in6) {
        memcpy(&in6, sa, sizeof in6);
        if (memcmp(&in6.sin6_addr, &in6addr_any, sizeof in6.sin6_addr) == 0) {
            in6.sin6_addr = in6addr_loopback;
            return real_bind(fd, (const struct sockaddr *)&in6, sizeof in6);
        }
    }
    return real_bind(fd, sa, len);
}
EOF
    if ! cc -shared -fPIC -O2 -o "$tmp" "$src" -ldl 2>"$src.log"; then
        cat "$src.log" >&2
        rm -f "$src" "$src.log" "$tmp"
        return 1
    fi
    mv -f "$tmp" "$so"
    rm -f "$src" "$src.log"
    echo "$so"
}

# start_gnutls_serv NAME [GNUTLS_SERV_ARGS...] — gnutls-serv --port PORT on loopback (via an
# LD_PRELOAD bind shim); adds --http unless --http or --echo is given. Example:
#     start_gnutls_serv g --x509certfile "$CERTDIR/good-chain.pem" \
#         --x509keyfile "$CERTDIR/good.key" --priority 'NORMAL:-VERS-TLS1.3'
start_gnutls_serv() {
    local name=$1 a mode=--http so
    shift
    for a in "$@"; do
        case $a in --http | --echo) mode= ;; esac
    done
    if ! so=$(_coc_bind_lo_so); then
        echo "start_gnutls_serv: cannot build the loopback bind shim (no cc?)" >&2
        return 1
    fi
    _coc_start_simple "$name" env "LD_PRELOAD=$so" gnutls-serv --port @PORT@ ${mode:+"$mode"} "$@"
}

# start_fake_tls NAME [FAKE_TLS_ARGS...] — test/fixtures/fake_tls.py, a scripted TLS server for
# legacy and hostile behaviour (SSLv2/SSLv3, RC4, HelloRetryRequest, alerts, truncated or
# oversized records, silence, HTTP, garbage; see its --help), on 127.0.0.1:PORT. Example:
#     start_fake_tls legacy --mode negotiate --versions ssl3,tls1.0 --suites 0x0005,0x0004 \
#         --cert "$CERTDIR/good.pem"
start_fake_tls() {
    local name=$1
    shift
    _coc_start_simple "$name" "$COC_PYTHON" "$top/test/fixtures/fake_tls.py" --port @PORT@ "$@"
}

# ossl_truth PORT — the ground truth of TLS enumeration tests: "TLSv1.x 0xCODE IANA_NAME" for
# every suite `openssl s_client` negotiates with 127.0.0.1:PORT, one handshake per protocol and
# suite (every suite the local OpenSSL can offer at that protocol at security level 0, and all
# five TLS 1.3 suites). It shares the servers' library, so it can offer every suite they have.
TLS13_SUITES=TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256
TLS13_SUITES+=:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256
ossl_truth() {
    local port=$1 v opt hex iana ossl
    for v in 1.0 1.1 1.2 1.3; do
        case $v in
            1.0) opt=-tls1 ;;
            1.1) opt=-tls1_1 ;;
            1.2) opt=-tls1_2 ;;
            1.3) opt=-tls1_3 ;;
        esac
        # -V lines: "0xC0,0x2F - IANA_NAME - OPENSSL_NAME VERSION Kx=..."
        while read -r hex _ iana _ ossl _; do
            hex=${hex//0x/}
            hex=0x${hex//,/}
            if [ "$v" = 1.3 ]; then
                openssl s_client -connect "127.0.0.1:$port" -tls1_3 -ciphersuites "$ossl" \
                    </dev/null 2>/dev/null | grep -Eq '^New, .*Cipher is [^(]' &&
                    echo "TLSv$v $hex $iana"
            else
                openssl s_client -connect "127.0.0.1:$port" "$opt" -cipher "$ossl:@SECLEVEL=0" \
                    </dev/null 2>/dev/null | grep -Eq '^New, .*Cipher is [^(]' &&
                    echo "TLSv$v $hex $iana"
            fi
        done < <(if [ "$v" = 1.3 ]; then
                     openssl ciphers -s -V -stdname -tls1_3 -ciphersuites "$TLS13_SUITES" |
                         grep ' TLSv1\.3 '
                 else
                     openssl ciphers -s -V -stdname "$opt" 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' |
                         grep -v ' TLSv1\.3 '
                 fi)
    done | sort -u
    return 0
}

# start_portal NAME [PORTAL_ARGS...] — test/fixtures/portal.py, the test portal (sign-in form,
# second factor, records, PDF documents, with switchable weaknesses; see its --help), on
# 127.0.0.1:PORT with the test PKI's good certificate (generated when CERTDIR is unset).
# Accounts come from PORTAL_USERS; when it is unset, alice and bob get random passwords, exported
# as PORTAL_USERS, PORTAL_ALICE_PASSWORD and PORTAL_BOB_PASSWORD (never on a command line). The
# request log (JSON lines) is $tmpdir/NAME.requests.jsonl unless --log is given; PORTAL_LOG names
# it. Example:
#     start_portal weak --mfa optional --documents idor --listing nginx
start_portal() {
    local name=$1 a prev='' log
    shift
    if [ -z "$CERTDIR" ]; then
        gen_certs || return 1
    fi
    if [ -z "${PORTAL_USERS:-}" ]; then
        PORTAL_ALICE_PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
        PORTAL_BOB_PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
        PORTAL_USERS="alice:$PORTAL_ALICE_PASSWORD,bob:$PORTAL_BOB_PASSWORD"
        export PORTAL_USERS PORTAL_ALICE_PASSWORD PORTAL_BOB_PASSWORD
    fi
    log=$tmpdir/$name.requests.jsonl
    for a in "$@"; do
        case $prev/$a in
            --log/*) log=$a ;;
            */--log=*) log=${a#--log=} ;;
        esac
        prev=$a
    done
    PORTAL_LOG=$log
    _coc_start_simple "$name" "$COC_PYTHON" "$top/test/fixtures/portal.py" --port @PORT@ \
        --cert "$CERTDIR/good-chain.pem" --key "$CERTDIR/good.key" --log "$log" "$@"
}

# start_hostile NAME --mode MODE [HOSTILE_ARGS...] — test/fixtures/hostile.py, a server that
# misbehaves on cue (TLS: truncated, oversized, endless alerts, silent, trickling; HTTP over TLS:
# 1 GiB body, gzip bomb, redirect loop or off-site, 10,000 headers, a 1 MiB header, invalid
# UTF-8, markup; see its --help), on 127.0.0.1:PORT with the test PKI's good certificate (a
# later --cert/--key wins). One JSON line per connection goes to $tmpdir/NAME.requests.jsonl,
# named by HOSTILE_LOG. Example:
#     start_hostile bomb --mode http-gzip-bomb
start_hostile() {
    local name=$1
    shift
    if [ -z "$CERTDIR" ]; then
        gen_certs || return 1
    fi
    HOSTILE_LOG=$tmpdir/$name.requests.jsonl
    _coc_start_simple "$name" "$COC_PYTHON" "$top/test/fixtures/hostile.py" --port @PORT@ \
        --cert "$CERTDIR/good-chain.pem" --key "$CERTDIR/good.key" --log "$HOSTILE_LOG" "$@"
}
