#!/usr/bin/env bash
# 35-testssl.t — tls.protocols and tls.ciphers next to testssl.sh, a widely used peer, on three
# OpenSSL servers (nginx "intermediate", nginx legacy TLS 1.0-1.2 with every suite, s_server
# TLS 1.3 only). The ground truth is `openssl s_client`, which shares the servers' library and so
# can offer every suite they have: one handshake per (protocol, suite).
#
# cocscan must equal the truth. testssl is compared with the same truth, but it is not the thing
# under test: where it differs, the differences are printed (diag) and the test still passes.
# It fails only when testssl cannot be run or its JSON cannot be read. Suites are compared by
# their two-byte code, as "PROTOCOL 0xCODE".
#
# testssl talks to nothing beyond loopback (checked with strace -f): --nodns none stops its DNS
# lookups of the target, no --phone-out means no CRL/OCSP fetches, and NXCONNECT=127.0.0.1:0 stops
# the DNS queries for "invalid." its start-up probes of the local openssl would otherwise send
# (`s_client -curves X -connect invalid.`). What is left outside the target is those probes'
# failing connects to 127.0.0.1:0 and `s_client -tls1_3` without -connect (localhost:4433).
# It is slow (15-45 s per server), so the servers are few.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx openssl jq timeout
command -v testssl >/dev/null 2>&1 || skip_all "testssl not installed (Debian package testssl.sh)"
gen_certs


# testssl's JSON protocol ids -> the names the truth and cocscan use.
declare -A TS_PROTO=([SSLv2]=SSLv2 [SSLv3]=SSLv3 [TLS1]=TLSv1.0 [TLS1_1]=TLSv1.1 [TLS1_2]=TLSv1.2
    [TLS1_3]=TLSv1.3)

# testssl_read FILE — parse testssl's flat JSON: sets TS_PROTOS (offered protocols, one a line),
# TS_SUITES ("PROTOCOL 0xCODE NAME" lines) and TS_ODD (protocol findings that are neither
# "offered" nor "not offered"); returns 1 when FILE is no testssl output (not JSON, a fatal scan
# problem, or a protocol missing).
testssl_read() {
    local f=$1 id finding
    TS_PROTOS='' TS_SUITES='' TS_ODD=''
    if ! jq -e 'type == "array"' "$f" >/dev/null 2>&1; then
        echo "testssl_read: $f is missing or not a JSON array" >&2
        return 1
    fi
    if jq -e 'any(.[]; .id == "scanProblem" and .severity == "FATAL")' "$f" >/dev/null; then
        jqr "$f" '.[] | select(.id == "scanProblem") | .finding' >&2
        return 1
    fi
    for id in SSLv2 SSLv3 TLS1 TLS1_1 TLS1_2 TLS1_3; do
        # shellcheck disable=SC2016  # $id is jq's
        finding=$(jqr "$f" 'first(.[] | select(.id == $id) | .finding) // "(none)"' --arg id "$id")
        case $finding in
            "(none)")
                echo "testssl_read: no $id finding in $f" >&2
                return 1
                ;;
            offered*) TS_PROTOS+="${TS_PROTO[$id]}"$'\n' ;;
            "not offered"*) ;;
            *) TS_ODD+="${TS_PROTO[$id]}: $finding"$'\n' ;;
        esac
    done
    TS_PROTOS=$(sort <<<"$TS_PROTOS" | grep . || true)
    # Suites: "cipher-tls1_2_xc02f", finding "TLS 1.2  xc02f  ECDHE-RSA-AES128-GCM-SHA256 ...".
    # shellcheck disable=SC2016  # $p and $m are jq's
    TS_SUITES=$(jqr "$f" '
        { ssl2: "SSLv2", ssl3: "SSLv3", tls1: "TLSv1.0", tls1_1: "TLSv1.1", tls1_2: "TLSv1.2",
          tls1_3: "TLSv1.3" } as $p
        | .[] | select(.id | test("^cipher-(ssl2|ssl3|tls1|tls1_1|tls1_2|tls1_3)_x[0-9a-fA-F]+$"))
        | (.id | capture("^cipher-(?<p>.*)_x(?<h>[0-9a-fA-F]+)$")) as $m
        | $p[$m.p] + " 0x" + (if ($m.h | length) <= 4 then ("0000" + $m.h)[-4:] else $m.h end
                               | ascii_upcase)
          + " " + ((.finding | split(" ") | map(select(. != ""))) | last)' | sort -u)
    return 0
}

# peer_diff PEER WHERE GOT WANT — diag every entry of WANT (the truth) missing from GOT and every
# entry of GOT not in WANT, as PEER's mistakes; entries are "PROTOCOL [0xCODE [NAME]]" lines,
# compared without the name.
peer_diff() {
    local peer=$1 where=$2 line
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        diag "$peer is wrong on $where: misses $(full_line "$line" "$4") (s_client negotiates it)"
    done < <(comm -13 <(codes "$3") <(codes "$4"))
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        diag "$peer is wrong on $where: reports $(full_line "$line" "$3")," \
            "which s_client cannot negotiate"
    done < <(comm -23 <(codes "$3") <(codes "$4"))
    return 0
}

# full_line KEY LINES — the first of LINES that is KEY or starts with "KEY ".
full_line() {
    awk -v k="$1" '$0 == k || index($0, k " ") == 1 { print; exit }' <<<"$2"
}

# codes LINES — "PROTOCOL 0xCODE" of each line, sorted.
codes() { cut -d' ' -f1,2 <<<"$1" | sort -u; }

# compare NAME — scan 127.0.0.1:$PORT with cocscan and testssl and compare both with the truth.
compare() {
    local name=$1 truth truth_protos cj tj n got
    truth=$(ossl_truth "$PORT")
    n=$(grep -c . <<<"$truth" || true)
    ok "$name: s_client negotiates suites ($n)" test "$n" -gt 0
    truth_protos=$(cut -d' ' -f1 <<<"$truth" | sort -u)
    note "$name: ground truth (s_client):"$'\n'"$truth"

    cj=$tmpdir/$name.cocscan.json
    run timeout 120 "$COCSCAN" scan -q -t 5 --checks tls.protocols,tls.ciphers --json "$cj" \
        "https://127.0.0.1:$PORT/"
    ok "$name: cocscan wrote a report (exit $RUN_STATUS)" test -s "$cj"
    [ "$TAP_LAST_OK" = 1 ] || diag_file "$RUN_ERR"
    ok "$name: cocscan report validates" validate_report "$cj"
    got=$(jqr "$cj" '.targets[0].observations.tls.protocols // [] | .[]' 2>/dev/null | sort -u)
    if [ "$got" = "$truth_protos" ]; then
        pass "$name: cocscan's protocols equal s_client's"
    else
        fail "$name: cocscan's protocols equal s_client's"
        peer_diff cocscan "$name" "$got" "$truth_protos"
    fi
    got=$(jqr "$cj" '.targets[0].observations.tls.ciphers // [] | .[]
        | .protocol + " " + .code + " " + .name' 2>/dev/null | sort -u)
    if [ "$(codes "$got")" = "$(codes "$truth")" ]; then
        pass "$name: cocscan's suites equal s_client's"
    else
        fail "$name: cocscan's suites equal s_client's"
        peer_diff cocscan "$name" "$got" "$truth"
    fi

    tj=$tmpdir/$name.testssl.json
    # TMPDIR: testssl's temporary files go into this script's temp dir (removed at exit);
    # NXCONNECT: see the top of this file.
    run timeout 600 env TMPDIR="$tmpdir" NXCONNECT=127.0.0.1:0 testssl -p -E --nodns none --quiet --warnings off \
        --color 0 --connect-timeout 5 --openssl-timeout 5 --jsonfile "$tj" "127.0.0.1:$PORT"
    if ! testssl_read "$tj" 2>"$tmpdir/$name.testssl_read.err"; then
        fail "$name: testssl ran (exit $RUN_STATUS) and its JSON was read"
        diag_file "$tmpdir/$name.testssl_read.err"
        diag_file "$RUN_OUT"
        diag_file "$RUN_ERR"
        skip "$name: no testssl output to compare" 2
        return 0
    fi
    pass "$name: testssl ran (exit $RUN_STATUS) and its JSON was read"
    note "$name: testssl's suites:"$'\n'"$TS_SUITES"
    [ -z "$TS_ODD" ] || diag "$name: testssl protocol findings neither offered nor not:"$'\n'"$TS_ODD"
    if [ "$TS_PROTOS" = "$truth_protos" ]; then
        pass "$name: testssl's protocols equal s_client's"
    else
        pass "$name: testssl's protocols differ from s_client's (testssl's error, see diag)"
        peer_diff testssl "$name" "$TS_PROTOS" "$truth_protos"
    fi
    if [ "$(codes "$TS_SUITES")" = "$(codes "$truth")" ]; then
        pass "$name: testssl's suites equal s_client's"
    else
        pass "$name: testssl's suites differ from s_client's (testssl's error, see diag)"
        peer_diff testssl "$name" "$TS_SUITES" "$truth"
    fi
    return 0
}

# 1. Mozilla "intermediate" (as in 31-ciphers.t): TLS 1.2 + 1.3, ECDHE/DHE with AEAD suites.
start_nginx intermediate "$top/test/fixtures/tls/intermediate.conf" ||
    BAIL_OUT "nginx did not start"
compare intermediate
bg_stop intermediate

# 2. Legacy: TLS 1.0-1.2 and every suite in this OpenSSL's ALL at security level 0 (CBC, static
# RSA, anonymous DH/ECDH, Camellia, ARIA; ALL leaves out NULL), server order.
start_nginx legacy "$top/test/fixtures/tls/legacy.conf" || BAIL_OUT "nginx did not start"
compare legacy
bg_stop legacy

# 3. openssl s_server, TLS 1.3 only, all five TLS 1.3 suites (CCM ones are off by default).
start_s_server tls13 -cert "$CERTDIR/good.pem" -key "$CERTDIR/good.key" -tls1_3 \
    -ciphersuites "$TLS13_SUITES" || BAIL_OUT "s_server did not start"
compare tls13
bg_stop tls13
done_testing
