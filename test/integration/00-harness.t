#!/usr/bin/env bash
# 00-harness.t — self-test of the integration harness: lib.sh's TAP helpers, certs.sh's PKI,
# the nginx / openssl s_server / gnutls-serv start helpers (incl. retry on a taken port),
# validate_json.py, and that cleanup leaves no process behind even when a script fails.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd nginx openssl gnutls-serv curl jq perl

# --- lib.sh basics -----------------------------------------------------------------------------
is "$(basename "$(dirname "$tmpdir")")" itest "tmpdir is under \$COC_BUILD/itest"
ok "tmpdir exists" test -d "$tmpdir"
like "$(free_port)" '^[0-9]+$' "free_port prints a number"
p=$(free_port)
fails "wait_port gives up on a closed port" wait_port "$p" 1
echo '{"a": {"b": [1, "x"]}}' >"$tmpdir/j.json"
is "$(jqr "$tmpdir/j.json" '.a.b[1]')" x "jqr"
run sh -c 'echo out; echo err >&2; exit 3'
is "$RUN_STATUS:$(cat "$RUN_OUT"):$(cat "$RUN_ERR")" "3:out:err" "run captures status and output"

# --- certs.sh ----------------------------------------------------------------------------------
c=$tmpdir/certs
start=$SECONDS
ok "certs.sh generates the PKI" gen_certs "$c"
diag "certs.sh took $((SECONDS - start)) s"
is "$CERTDIR" "$c" "gen_certs sets CERTDIR"
missing=
for f in ca.pem ca.key int.pem int.key dh1024.pem dh2048.pem \
    missingint.pem missingint.key selfsigned.pem selfsigned.key \
    good-chain.pem good-fullchain.pem; do
    [ -s "$c/$f" ] || missing+=" $f"
done
for n in good expired expiring5 sha1 rsa1024 wronghost ec256; do
    for f in "$n.pem" "$n.key" "$n-chain.pem" "$n-fullchain.pem"; do
        [ -s "$c/$f" ] || missing+=" $f"
    done
done
is "$missing" "" "certs.sh produced every file"
before=$(md5sum <"$c/good.pem")
ok "certs.sh is idempotent (second run succeeds)" "$top/test/fixtures/certs.sh" "$c"
is "$(md5sum <"$c/good.pem")" "$before" "second run keeps the certificates"

x509() { openssl x509 -noout -in "$c/$1" "${@:2}"; }
verify() { openssl verify -CAfile "$c/ca.pem" "$@"; }
ok "good.pem verifies through int.pem" verify -untrusted "$c/int.pem" "$c/good.pem"
ok "good-chain.pem = leaf + intermediate" \
    test "$(grep -c 'BEGIN CERTIFICATE' "$c/good-chain.pem")" -eq 2
ok "good.pem is valid for a month" x509 good.pem -checkend $((30 * 86400))
like "$(x509 good.pem -ext subjectAltName)" 'DNS:localhost, IP Address:127.0.0.1' "good SAN"
like "$(x509 good.pem -text)" 'Signature Algorithm: sha256WithRSAEncryption' "good is SHA-256"
fails "expired.pem is expired" x509 expired.pem -checkend 0
fails "expiring5.pem expires within 6 days" x509 expiring5.pem -checkend $((6 * 86400))
ok "expiring5.pem is valid for 4 more days" x509 expiring5.pem -checkend $((4 * 86400))
like "$(x509 sha1.pem -text)" 'Signature Algorithm: sha1WithRSAEncryption' "sha1.pem is SHA-1"
like "$(x509 rsa1024.pem -text)" 'Public-Key: \(1024 bit\)' "rsa1024.pem has a 1024-bit key"
like "$(x509 ec256.pem -text)" 'NIST CURVE: P-256' "ec256.pem is P-256"
is "$(x509 wronghost.pem -ext subjectAltName | tail -n 1 | tr -d ' ')" DNS:wrong.example \
    "wronghost SAN is wrong.example only"
is "$(x509 selfsigned.pem -subject)" "$(x509 selfsigned.pem -issuer | sed 's/^issuer/subject/')" \
    "selfsigned.pem is self-issued"
fails "missingint.pem alone does not verify" verify "$c/missingint.pem"
like "$(openssl pkeyparam -noout -text -in "$c/dh1024.pem")" '\(1024 bit\)' "dh1024.pem"
like "$(openssl pkeyparam -noout -text -in "$c/dh2048.pem")" '\(2048 bit\)' "dh2048.pem"

# --- nginx -------------------------------------------------------------------------------------
ok "start_nginx" start_nginx web - <<'EOF'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
ssl_protocols TLSv1.2 TLSv1.3;
ssl_ciphers HIGH:!aNULL;
ssl_prefer_server_ciphers on;
add_header X-Harness "yes" always;
root @ROOT@;
EOF
nginx_port=$PORT
nginx_pid=$SERVER_PID
curl_ca() { curl -sS --max-time 10 --cacert "$c/ca.pem" "$@"; }
like "$(curl_ca "https://127.0.0.1:$nginx_port/" 2>&1)" 'cocscan test page' \
    "nginx serves the index over verified TLS"
like "$(curl_ca -I "https://127.0.0.1:$nginx_port/" 2>&1)" 'X-Harness: yes' "extra directives"
ok "nginx speaks TLS 1.2" curl_ca -o /dev/null --tlsv1.2 --tls-max 1.2 "https://127.0.0.1:$nginx_port/"
# listen_addrs PORT — local addresses of the TCP listeners on PORT.
listen_addrs() { ss -ltnH "sport = :$1" | awk '{ print $4 }' | sort | tr '\n' ' '; }
is "$(listen_addrs "$nginx_port")" "127.0.0.1:$nginx_port " "nginx listens on 127.0.0.1 only"

ok "start_nginx with two server blocks" start_nginx multi - <<'EOF'
server {
    listen 127.0.0.1:@PORT@ ssl;
    ssl_certificate @CERTDIR@/ec256-chain.pem;
    ssl_certificate_key @CERTDIR@/ec256.key;
    root @ROOT@;
}
server {
    listen 127.0.0.1:@PORT2@;
    return 301 https://127.0.0.1:@PORT@$request_uri;
}
EOF
# shellcheck disable=SC2153  # PORT2 is set by start_nginx
is "$(curl -sS -o /dev/null -w '%{redirect_url}' "http://127.0.0.1:$PORT2/x")" \
    "https://127.0.0.1:$PORT/x" "@PORT2@ listener redirects to @PORT@"
fails "start_nginx rejects a bad config" start_nginx broken - <<'EOF'
listen 127.0.0.1:@PORT@ ssl;
no_such_directive on;
EOF

# --- openssl s_server / gnutls-serv ------------------------------------------------------------
ok "start_s_server" start_s_server ossl -cert "$c/good.pem" -key "$c/good.key" \
    -cert_chain "$c/int.pem"
sport=$PORT
ok "s_client verifies the s_server chain" sh -c \
    "openssl s_client -connect 127.0.0.1:$sport -CAfile '$c/ca.pem' -verify_return_error \
        -verify_hostname localhost </dev/null"
like "$(curl_ca "https://127.0.0.1:$sport/" 2>&1)" 's_server' "s_server -www answers HTTP"

ok "start_gnutls_serv" start_gnutls_serv gnu --x509certfile "$c/good-chain.pem" \
    --x509keyfile "$c/good.key"
gport=$PORT
like "$(curl_ca "https://127.0.0.1:$gport/" 2>&1)" 'GnuTLS' "gnutls-serv --http answers"
like "$(listen_addrs "$gport")" "^127\\.0\\.0\\.1:$gport (\\[::1\\]:$gport )?\$" \
    "gnutls-serv listens on loopback only"

# Retry: make the first free_port answer a port that is already taken.
eval "$(declare -f free_port | sed '1s/^free_port/_real_free_port/')"
free_port() {
    if [ ! -e "$tmpdir/.taken-used" ]; then
        : >"$tmpdir/.taken-used"
        echo "$nginx_port"
    else
        _real_free_port
    fi
}
ok "start_s_server retries when its port is taken" start_s_server retry -cert "$c/good.pem" \
    -key "$c/good.key"
isnt "$PORT" "$nginx_port" "retried on another port"
rm -f "$tmpdir/.taken-used"
ok "start_nginx retries when its port is taken" start_nginx retry-nginx - <<'EOF'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
root @ROOT@;
EOF
isnt "$PORT" "$nginx_port" "nginx retried on another port"
like "$(curl_ca "https://127.0.0.1:$PORT/" 2>&1)" 'cocscan test page' "retried nginx serves"
eval "$(declare -f _real_free_port | sed '1s/^_real_free_port/free_port/')"

ok "bg_stop stops nginx" bg_stop web
fails "nginx's port is closed after bg_stop" port_open "$nginx_port"
fails "nginx master is gone" kill -0 "$nginx_pid"

# --- validate_json.py / validate_report ----------------------------------------------------------
cat >"$tmpdir/schema.json" <<'EOF'
{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
 "required": ["schema", "targets"],
 "properties": {"schema": {"const": "cocscan/1"},
                "targets": {"type": "array", "items": {"$ref": "target.json"}}}}
EOF
echo '{"type": "object", "required": ["url"]}' >"$tmpdir/target.json"
echo '{"schema": "cocscan/1", "targets": [{"url": "https://x/"}]}' >"$tmpdir/good.json"
echo '{"schema": "cocscan/1", "targets": [{"url": "https://x/"}, {}]}' >"$tmpdir/bad.json"
echo '{' >"$tmpdir/broken.json"
vj() { /usr/bin/python3 "$top/test/tools/validate_json.py" "$@"; }
ok "validate_json: valid document" vj "$tmpdir/schema.json" "$tmpdir/good.json"
run vj "$tmpdir/schema.json" "$tmpdir/bad.json"
is "$RUN_STATUS" 1 "validate_json: invalid document exits 1"
like "$(cat "$RUN_OUT")" "\\\$\\.targets\\[1\\]: 'url' is a required property" \
    "validate_json: error names the JSON path"
run vj "$tmpdir/schema.json" "$tmpdir/broken.json"
is "$RUN_STATUS" 2 "validate_json: unreadable document exits 2"
# shellcheck disable=SC2016  # expanded by the inner bash
ok "validate_report with COC_SCHEMA" env COC_SCHEMA="$tmpdir/schema.json" bash -c \
    '. "$1/test/integration/lib.sh"; validate_report "$2"' _ "$top" "$tmpdir/good.json"
# shellcheck disable=SC2016
run env COC_SCHEMA="$tmpdir/nope.json" bash -c \
    '. "$1/test/integration/lib.sh"; validate_report "$2"' _ "$top" "$tmpdir/good.json"
is "$RUN_STATUS" 2 "validate_report fails clearly without a schema"
like "$(cat "$RUN_ERR")" 'schema not found' "validate_report names the missing schema"

# --- cleanup leaves nothing behind -------------------------------------------------------------
cat >"$tmpdir/child.t" <<'EOF'
#!/usr/bin/env bash
# A test that starts servers and then dies (set -e) or waits to be killed.
set -euo pipefail
. "$LIB"
start_nginx web - <<'CONF'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
root @ROOT@;
CONF
start_s_server ossl -cert "$CERTDIR/good.pem" -key "$CERTDIR/good.key"
start_gnutls_serv gnu --x509certfile "$CERTDIR/good-chain.pem" --x509keyfile "$CERTDIR/good.key"
bg_start sleeper sleep 300
ps -e -o pid=,pgid= | awk -v p="$(cut -d' ' -f1 "$tmpdir/.pids" | tr '\n' ' ')" \
    'BEGIN { n = split(p, a, " "); for (i = 1; i <= n; i++) g[a[i]] = 1 } $2 in g { print $1 }' \
    >"$HANDOFF.pids"
echo "$tmpdir" >"$HANDOFF.tmpdir"
ok "child test passes" true
if [ "$MODE" = wait ]; then
    while :; do sleep 0.1; done
fi
is "a" "b" "child test fails"
false
echo "not reached"
EOF
child() {
    env LIB="$top/test/integration/lib.sh" CERTDIR="$c" HANDOFF="$tmpdir/h.$1" MODE="$1" \
        bash "$tmpdir/child.t" >"$tmpdir/child.$1.out" 2>&1
}
# gone HANDOFF — none of the child's processes (incl. nginx workers) or its temp dir remain.
gone() {
    local pids left=0 p
    pids=$(cat "$1.pids")
    [ "$(wc -w <<<"$pids")" -ge 5 ] || { echo "too few pids recorded: $pids"; return 1; }
    for p in $pids; do
        if kill -0 "$p" 2>/dev/null; then
            echo "still running: $(ps -o pid=,args= -p "$p")"
            left=1
        fi
    done
    if pgrep -af -- "$(cat "$1.tmpdir")"; then left=1; fi
    return "$left"
}
run child fail
is "$RUN_STATUS" 1 "a child dying midway exits nonzero"
like "$(cat "$tmpdir/child.fail.out")" 'not ok 2 - child test fails' "child TAP output"
ok "dying child left no process behind" gone "$tmpdir/h.fail"
fails "dying child removed its temp dir" test -e "$(cat "$tmpdir/h.fail.tmpdir")"

env LIB="$top/test/integration/lib.sh" CERTDIR="$c" HANDOFF="$tmpdir/h.wait" MODE=wait KEEP_TMP=1 \
    bash "$tmpdir/child.t" >"$tmpdir/child.wait.out" 2>&1 &
child_pid=$!
for _ in $(seq 100); do
    [ -s "$tmpdir/h.wait.tmpdir" ] && break
    sleep 0.1
done
sleep 0.3
kill -TERM "$child_pid"
rc=0
wait "$child_pid" || rc=$?
is "$rc" 143 "a child killed by TERM exits 143"
ok "killed child left no process behind" gone "$tmpdir/h.wait"
ok "KEEP_TMP=1 keeps the temp dir" test -d "$(cat "$tmpdir/h.wait.tmpdir")"
rm -rf "$(cat "$tmpdir/h.wait.tmpdir")"

stop_all
is "$(pgrep -af -- "$tmpdir/" || true)" "" "stop_all leaves no process of this script"
done_testing
