#!/usr/bin/env bash
# 34-fake-tls.t — the TLS checks against test/fixtures/fake_tls.py, a scripted server that is
# what real software here (OpenSSL 3) cannot be: legacy servers (SSLv2, SSLv3 with RC4, EXPORT
# and DES suites, a TLS 1.3 HelloRetryRequest, a terminator that drops big hellos) and hostile
# ones (alerts, truncated and oversized records, silence, HTTP, garbage). Every scan runs under
# `timeout 120`: a hang is a failure, and so is a crash or a sanitizer report. The observations
# must be exactly what the fixture was told to be, and what cocscan could not determine must be
# an `error`, never a pass.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd jq timeout
gen_certs

cat >"$tmpdir/profile.yaml" <<'YAML'
profile: fake-tls-test
title: fake TLS server test
controls:
  PROTO: { title: TLS 1.2 or newer only, check: tls.protocols, severity: high,
           expect: { min: "1.2" } }
  WEAK: { title: no RC4 or EXPORT suites, check: tls.ciphers, severity: high,
          expect: { forbid_classes: [RC4, EXPORT] } }
YAML

VERSIONS_ALL='"SSLv2","SSLv3","TLSv1.0","TLSv1.1","TLSv1.2","TLSv1.3"'

# fake_scan NAME FAKE_TLS_ARGS... — start the fixture as NAME, scan it into $tmpdir/NAME.json
# (RUN_STATUS, RUN_ERR as from run), stop the fixture; records that the scan finished cleanly
# and that its report validates.
fake_scan() {
    local name=$1 t0 t1
    shift
    if ! start_fake_tls "$name" "$@"; then
        fail "$name: the fake server starts"
        RUN_STATUS=not-run
        return 0
    fi
    t0=$(date +%s)
    run timeout 120 "$COCSCAN" scan -q -t 3 --checks tls -p "$tmpdir/profile.yaml" \
        --json "$tmpdir/$name.json" "https://127.0.0.1:$PORT/"
    t1=$(date +%s)
    bg_stop "$name"
    note "$name: cocscan exited $RUN_STATUS after $((t1 - t0)) s"
    if [ "$RUN_STATUS" -le 3 ]; then
        pass "$name: cocscan finishes (exit $RUN_STATUS)"
    else
        fail "$name: cocscan finishes"
        [ "$RUN_STATUS" -eq 124 ] && diag "$name: killed by timeout 120 (a hang)"
        diag "exit status $RUN_STATUS"
        diag_file "$RUN_ERR"
    fi
    unlike "$(cat "$RUN_ERR")" 'AddressSanitizer|LeakSanitizer|runtime error' \
        "$name: no sanitizer report"
    ok "$name: report validates" validate_report "$tmpdir/$name.json"
    unlike "$(cat "$tmpdir/$name.log")" 'internal error' "$name: the fixture did not fail"
}

tls() { jqr "$tmpdir/$1.json" ".targets[0].observations.tls | $2"; }
protocols() { tls "$1" '.protocols | join(",")'; }
# "SSLv2=answer; SSLv3=answer; ..." for every version probed.
answers() { tls "$1" ".protocol_answers | [$VERSIONS_ALL] as \$v
    | [\$v[] as \$k | \"\(\$k)=\(.[\$k].answer)\"] | join(\"; \")"; }
# The answers() line of a server that answered every version the same way.
same_answers() {
    local v out=
    for v in SSLv2 SSLv3 TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3; do
        out+="${out:+; }$v=$1"
    done
    echo "$out"
}
# Accepted suites, one "protocol code name" per line, sorted.
suites() { tls "$1" '.ciphers[] | "\(.protocol) \(.code) \(.name)"' | sort; }
result() { jqr "$tmpdir/$1.json" ".targets[0].results[] | select(.control == \"$2\") | .$3"; }

# 1. A legacy server: SSLv3 and TLS 1.0 with RC4, EXPORT, 3DES and DES, server order enforced.
legacy_suites=0x0005,0x0004,0x0003,0x000A,0x0009
legacy_expect() { # the suites of the legacy server, for protocol $1
    printf '%s\n' "$1 0x0003 TLS_RSA_EXPORT_WITH_RC4_40_MD5" "$1 0x0004 TLS_RSA_WITH_RC4_128_MD5" \
        "$1 0x0005 TLS_RSA_WITH_RC4_128_SHA" "$1 0x0009 TLS_RSA_WITH_DES_CBC_SHA" \
        "$1 0x000A TLS_RSA_WITH_3DES_EDE_CBC_SHA"
}
fake_scan legacy --mode negotiate --versions ssl3,tls1.0 --suites "$legacy_suites" \
    --cert "$CERTDIR/good-chain.pem"
is "$RUN_STATUS" 1 "legacy: non-compliant"
is "$(protocols legacy)" "SSLv3,TLSv1.0" "legacy: exactly SSLv3 and TLS 1.0 accepted"
is "$(answers legacy)" "SSLv2=alert protocol_version; SSLv3=accepted; TLSv1.0=accepted; \
TLSv1.1=answered with TLSv1.0; TLSv1.2=answered with TLSv1.0; TLSv1.3=alert handshake_failure" \
    "legacy: what each version's probe was answered"
is "$(suites legacy)" "$(legacy_expect SSLv3; legacy_expect TLSv1.0)" \
    "legacy: exactly the five suites, for both protocols"
is "$(tls legacy '[.ciphers[] | select(.protocol == "SSLv3") | "\(.code) \(.flags | join("+"))"]
    | join(", ")')" "0x0005 rc4+sha1, 0x0004 rc4+md5, 0x0003 export+rc4+md5, \
0x000A 3des+cbc+sha1, 0x0009 des+cbc+sha1" "legacy: the suites' classes"
for p in SSLv3 TLSv1.0; do
    is "$(tls legacy ".cipher_order[\"$p\"] | \"\(.server_enforced) \(.order | join(\",\"))\"")" \
        "true $legacy_suites" "legacy: $p server order detected, in the configured order"
done
is "$(result legacy PROTO status)" fail "legacy: min 1.2 fails"
is "$(result legacy PROTO evidence)" \
    "SSLv3 accepted (below the minimum TLSv1.2); TLSv1.0 accepted (below the minimum TLSv1.2)" \
    "legacy: …and says which versions"
is "$(result legacy WEAK status)" fail "legacy: forbid_classes [RC4, EXPORT] fails"
rc4=(TLS_RSA_EXPORT_WITH_RC4_40_MD5 TLS_RSA_WITH_RC4_128_MD5 TLS_RSA_WITH_RC4_128_SHA)
is "$(result legacy WEAK 'observed | sort | join(",")')" \
    "$(printf 'SSLv3 %s,' "${rc4[@]}")$(printf 'TLSv1.0 %s,' "${rc4[@]}" | sed 's/,$//')" \
    "legacy: …for exactly the RC4 and EXPORT suites"

# 2. The same server choosing by the client's order.
fake_scan legacy-client --mode negotiate --versions ssl3,tls1.0 --suites "$legacy_suites" \
    --client-order --cert "$CERTDIR/good-chain.pem"
is "$(suites legacy-client)" "$(legacy_expect SSLv3; legacy_expect TLSv1.0)" \
    "legacy-client: the same five suites"
for p in SSLv3 TLSv1.0; do
    is "$(tls legacy-client ".cipher_order[\"$p\"].server_enforced")" false \
        "legacy-client: $p client order detected"
done

# 3. TLS 1.2 only, four suites.
fake_scan tls12 --mode negotiate --versions tls1.2 --suites 0xC02F,0x009C,0x002F,0x003D \
    --cert "$CERTDIR/good-chain.pem"
is "$RUN_STATUS" 0 "tls12: compliant"
is "$(protocols tls12)" TLSv1.2 "tls12: exactly TLS 1.2"
is "$(suites tls12)" "$(printf '%s\n' "TLSv1.2 0x002F TLS_RSA_WITH_AES_128_CBC_SHA" \
    "TLSv1.2 0x003D TLS_RSA_WITH_AES_256_CBC_SHA256" \
    "TLSv1.2 0x009C TLS_RSA_WITH_AES_128_GCM_SHA256" \
    "TLSv1.2 0xC02F TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")" "tls12: exactly the four suites"
is "$(result tls12 PROTO status) $(result tls12 WEAK status)" "pass pass" "tls12: both pass"

# 4. A TLS 1.3 server that answers with a HelloRetryRequest for secp384r1.
fake_scan hrr --mode hrr
is "$(protocols hrr)" TLSv1.3 "hrr: TLS 1.3 accepted"
like "$(tls hrr '.protocol_answers["TLSv1.3"].answer')" 'HelloRetryRequest' \
    "hrr: the answer says it was a HelloRetryRequest"
is "$(tls hrr '.protocol_answers["TLSv1.3"].group')" secp384r1 "hrr: the group asked for"
is "$(suites hrr)" "TLSv1.3 0x1301 TLS_AES_128_GCM_SHA256" "hrr: the one TLS 1.3 suite"

# 5. SSLv2 only.
fake_scan sslv2 --mode sslv2 --sslv2-ciphers 0x010080,0x020080,0x0700C0 \
    --cert "$CERTDIR/good.pem"
is "$(protocols sslv2)" SSLv2 "sslv2: exactly SSLv2 accepted"
is "$(tls sslv2 '[.ciphers[] | select(.protocol == "SSLv2") | "\(.code) \(.name)"] | sort
    | join(", ")')" "0x010080 SSL_CK_RC4_128_WITH_MD5, 0x020080 SSL_CK_RC4_128_EXPORT40_WITH_MD5, \
0x0700C0 SSL_CK_DES_192_EDE3_CBC_WITH_MD5" "sslv2: the three cipher kinds as suites"
is "$(result sslv2 PROTO status)" fail "sslv2: min 1.2 fails"

# 6. A terminator that drops hellos over 500 bytes without a word: the suites must still be found.
fake_scan bighello --mode negotiate --versions tls1.2 --suites 0xC02F,0x009C,0x002F \
    --max-hello 500 --cert "$CERTDIR/good-chain.pem"
is "$(protocols bighello)" TLSv1.2 "bighello: TLS 1.2 found with smaller hellos"
is "$(suites bighello)" "$(printf '%s\n' "TLSv1.2 0x002F TLS_RSA_WITH_AES_128_CBC_SHA" \
    "TLSv1.2 0x009C TLS_RSA_WITH_AES_128_GCM_SHA256" \
    "TLSv1.2 0xC02F TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")" "bighello: exactly the three suites"
like "$(tls bighello '.protocol_answers["TLSv1.2"].sliced_hello')" '^[1-9][0-9]*$' \
    "bighello: the sliced hello is recorded"

# 7. Servers that never accept anything: the scan finishes, nothing is accepted, both controls
#    are `error` (undetermined, never a pass), and each probe's answer says what happened.
hostile() { # NAME EXPECTED_ANSWERS FAKE_TLS_ARGS...
    local name=$1 want=$2
    shift 2
    fake_scan "$name" "$@"
    is "$RUN_STATUS" 1 "$name: incomplete"
    is "$(protocols "$name")" "" "$name: no protocol accepted"
    is "$(answers "$name")" "$want" "$name: the answers"
    is "$(result "$name" PROTO status) $(result "$name" WEAK status)" "error error" \
        "$name: both controls are errors"
}
hostile alert "$(same_answers 'alert handshake_failure')" --mode alert
unlike "$(result alert WEAK evidence)" 'meet the profile' \
    "alert: the tls.ciphers error does not read like a pass"
hostile alert-unknown "$(same_answers 'alert unknown')" --mode alert --alert 255
hostile truncated "$(same_answers 'connection closed without a ServerHello')" --mode truncated
hostile oversized "$(same_answers 'malformed answer: record too long')" --mode oversized
hostile hugemsg "$(same_answers 'malformed answer: handshake message longer than the input cap')" \
    --mode oversized --variant hugemsg
hostile silent "$(same_answers 'no answer within the deadline')" --mode silent
hostile http "$(same_answers 'the server does not speak TLS')" --mode http
hostile garbage "$(same_answers 'the server does not speak TLS')" --mode garbage --seed 2
# Seed 0's first bytes (CD 07) are an SSLv2 header claiming 19719 bytes: the SSLv2 probe waits
# for them until the server closes.
hostile garbage-v2 "SSLv2=connection closed without a ServerHello; $(same_answers \
    'the server does not speak TLS' | sed 's/^SSLv2=[^;]*; //')" --mode garbage --seed 0

# 8. The fixture itself: a hello split over records and TCP reads, an SSLv2-compatible hello,
#    RFC 7507 fallback, and the options that shape the ServerHello. hello_client PORT KIND prints
#    what came back: "alert N", or "ServerHello VERSION SUITE comp=N exts=TYPES msgs=TYPES".
cat >"$tmpdir/hello_client.py" <<'PY'
import socket, struct, sys, time
port, kind = int(sys.argv[1]), sys.argv[2]
RENEG, EMS = b"\xff\x01\x00\x01\x00", b"\x00\x17\x00\x00"
def hello(version, suites, exts):
    body = (struct.pack("!H", version) + b"\x11" * 32 + b"\x00" +
            struct.pack("!H", 2 * len(suites)) + b"".join(struct.pack("!H", c) for c in suites) +
            b"\x02\x01\x00" + struct.pack("!H", len(exts)) + exts)
    return b"\x01" + len(body).to_bytes(3, "big") + body
def records(hs, cuts):
    parts = [hs[a:b] for a, b in zip([0] + cuts, cuts + [len(hs)])]
    return b"".join(b"\x16\x03\x01" + struct.pack("!H", len(p)) + p for p in parts)
if kind == "split":        # TLS 1.2 hello in three records (one cut inside the 4-byte header)
    wire = records(hello(0x0303, [0x0035, 0x002F], RENEG + EMS), [2, 50])
elif kind == "sslv2compat":  # SSLv2-framed hello for TLS 1.0 (RFC 5246 E.2), with the SCSV
    specs = bytes.fromhex("010080" "00002F" "0000FF")
    msg = b"\x01" + struct.pack("!HHHH", 0x0301, len(specs), 0, 16) + specs + b"\x22" * 16
    wire = struct.pack("!H", 0x8000 | len(msg)) + msg
else:                        # "fallback": TLS 1.0 hello with TLS_FALLBACK_SCSV
    wire = records(hello(0x0301, [0x002F, 0x5600], RENEG), [])
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i in range(0, len(wire), 7):  # 7 bytes per segment: the server must reassemble
    s.sendall(wire[i:i + 7])
    time.sleep(0.002)
def get(n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            sys.exit("closed after %d bytes" % len(buf))
        buf += chunk
    return buf
ctype, _, length = struct.unpack("!BHH", get(5))
body = get(length)
if ctype == 21:
    print("alert %d" % body[1])
    sys.exit(0)
msgs, pos = [], 0
while pos < len(body):
    msgs.append(body[pos])
    pos += 4 + int.from_bytes(body[pos + 1:pos + 4], "big")
sh = body[4:4 + int.from_bytes(body[1:4], "big")]  # the ServerHello alone
sid = sh[34]
suite, comp = struct.unpack("!HB", sh[35 + sid:38 + sid])
exts, rest = [], sh[38 + sid:]
if rest:
    e = rest[2:2 + struct.unpack("!H", rest[:2])[0]]
    while e:
        t, n = struct.unpack("!HH", e[:4])
        exts.append("%04x" % t)
        e = e[4 + n:]
print("ServerHello 0x%04X 0x%04X comp=%d exts=%s msgs=%s" % (
    struct.unpack("!H", sh[:2])[0], suite, comp, ",".join(exts), ",".join(map(str, msgs))))
PY
hello_client() { "$COC_PYTHON" "$tmpdir/hello_client.py" "$@" 2>&1 || true; }
if start_fake_tls self --mode negotiate --versions tls1.0,tls1.2 --suites 0x002F,0x0035 \
    --ems --compression --cert "$CERTDIR/good-chain.pem"; then
    is "$(hello_client "$PORT" split)" \
        "ServerHello 0x0303 0x002F comp=1 exts=ff01,0017 msgs=2,11,14" \
        "fixture: a hello split over records and segments; reneg, EMS, DEFLATE echoed"
    is "$(hello_client "$PORT" sslv2compat)" \
        "ServerHello 0x0301 0x002F comp=0 exts=ff01 msgs=2,11,14" \
        "fixture: an SSLv2-compatible hello gets a TLS 1.0 ServerHello"
    is "$(hello_client "$PORT" fallback)" "alert 86" "fixture: inappropriate_fallback (RFC 7507)"
    bg_stop self
else
    fail "fixture: the self-test server starts"
fi
if start_fake_tls self2 --mode negotiate --versions tls1.0,tls1.2 --suites 0x002F \
    --ignore-fallback --no-reneg; then
    is "$(hello_client "$PORT" fallback)" "ServerHello 0x0301 0x002F comp=0 exts= msgs=2,14" \
        "fixture: --ignore-fallback, --no-reneg, no --cert"
    bg_stop self2
else
    fail "fixture: the second self-test server starts"
fi

done_testing
