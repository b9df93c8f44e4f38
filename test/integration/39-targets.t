#!/usr/bin/env bash
# 39-targets.t — `cocscan scan --targets FILE`: every target of a valid file is scanned, in
# order, with its name, organisation and own http_port in the report; command-line URLs come
# first; a broken file stops the run before any probe with exit 2 and one file:line:col line per
# problem on stderr (nothing on stdout); a missing file or '-' is one clear line, exit 2.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx openssl jq
gen_certs
ca=$CERTDIR/ca.pem
closed=$(free_port)

# Two https listeners (two targets) and a plain-http one that redirects to the first.
start_nginx portal - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl;
listen 127.0.0.1:@PORT2@ ssl;
listen 127.0.0.1:@PORT3@;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
ssl_protocols TLSv1.2 TLSv1.3;
if ($scheme = http) { return 301 https://127.0.0.1:@PORT@$request_uri; }
root @ROOT@;
NGINX
# shellcheck disable=SC2153  # start_nginx sets PORT2 and PORT3
p1=$PORT p2=$PORT2 p3=$PORT3

# The credentials' variables are set: their values must never reach any output.
export COC_USER=alice-in-the-env COC_PASS=topsecret-in-the-env
cat >"$tmpdir/targets.yaml" <<EOF
# Two portals of one PHO.
targets:
  - url: https://127.0.0.1:$p1/
    name: Portal one
    organisation: Demo PHO
    http_port: $p3
    login:
      form: /login
      username_env: COC_USER
      password_env: COC_PASS
      protected: /records
    documents: [/documents/1043]
    sensitive: [/login, /records]
  - url: https://127.0.0.1:$p2/
    name: Portal two
EOF

scan() { # name [args...]: scan into $tmpdir/NAME.json; exit status in RUN_STATUS
    local name=$1
    shift
    run "$COCSCAN" scan -q -t 5 --ca-file "$ca" --http-port "$closed" \
        --checks tls.protocols,http.redirect --json "$tmpdir/$name.json" "$@"
}

# 1. A valid file: each target scanned, in order.
scan file --targets "$tmpdir/targets.yaml"
like "$RUN_STATUS" '^[01]$' "valid targets file: scanned (exit 0 or 1)"
ok "valid targets file: report matches the schema" validate_report "$tmpdir/file.json"
r=$tmpdir/file.json
is "$(jqr "$r" '.targets | length')" 2 "both targets are in the report"
is "$(jqr "$r" '[.targets[].url] | join(" ")')" "https://127.0.0.1:$p1/ https://127.0.0.1:$p2/" \
    "targets in file order"
is "$(jqr "$r" '[.targets[].name] | join(",")')" "Portal one,Portal two" "names are reported"
is "$(jqr "$r" '.targets[0].organisation')" "Demo PHO" "organisation is reported"
is "$(jqr "$r" '.targets[1] | has("organisation")')" false "no organisation when not given"
is "$(jqr "$r" '[.targets[].observations.tls.protocols | join(",")] | join(" ")')" \
    "TLSv1.2,TLSv1.3 TLSv1.2,TLSv1.3" "each target was probed"
is "$(jqr "$r" '.targets[0].observations.http.plain_http.url')" "http://127.0.0.1:$p3/" \
    "a target's http_port overrides --http-port"
is "$(jqr "$r" '.targets[1].observations.http.plain_http.url')" "http://127.0.0.1:$closed/" \
    "--http-port applies to a target without http_port"
is "$(jqr "$r" '.targets[0].observations.http.plain_http.chain[0].status')" 301 \
    "the plain-http listener named by http_port was asked"
secrets=$(grep -l -e 'alice-in-the-env' -e 'topsecret-in-the-env' "$r" "$RUN_OUT" "$RUN_ERR" \
    || true)
is "$secrets" "" "the credentials' values appear in no output"

# 2. A URL on the command line and a file together: the command line's first.
cat >"$tmpdir/one.yaml" <<EOF
targets:
  - {url: "https://127.0.0.1:$p1", name: From the file}
EOF
scan both "https://127.0.0.1:$p2/" --targets "$tmpdir/one.yaml"
like "$RUN_STATUS" '^[01]$' "URL + targets file: scanned"
ok "URL + targets file: report matches the schema" validate_report "$tmpdir/both.json"
is "$(jqr "$tmpdir/both.json" '[.targets[].url] | join(" ")')" \
    "https://127.0.0.1:$p2/ https://127.0.0.1:$p1/" "command-line URLs first, then the file's"
is "$(jqr "$tmpdir/both.json" '[.targets[] | .name // "-"] | join(",")')" "-,From the file" \
    "only the file's target has a name"

# 3. A broken file: every problem, one line each, exit 2, nothing on stdout, nothing probed.
cat >"$tmpdir/broken.yaml" <<EOF
targets:
  - url: https://127.0.0.1:$p1/
    nmae: Typo
    documents: [documents/1]
    login: {form: /login, username_env: COC_USER, password_env: "s3cret pass"}
  - url: https://127.0.0.1:$p1
    second_account: {username_env: U2, password_env: P2}
  - url: http://127.0.0.1:$p2/
EOF
: >"$SERVER_DIR/logs/access.log"
run "$COCSCAN" scan --targets "$tmpdir/broken.yaml" --json "$tmpdir/broken.json"
is "$RUN_STATUS" 2 "broken targets file: exit 2"
is "$(wc -c <"$RUN_OUT" | tr -d ' ')" 0 "broken targets file: nothing on stdout"
f=$tmpdir/broken.yaml
path_msg="must be a path starting with '/' (on the target's origin)"
env_msg="must be the name of an environment variable (letters, digits and '_', not starting"
env_msg+=" with a digit), not a credential itself"
http_msg="only https:// targets can be scanned (the http:// redirect is checked from the"
http_msg+=" https:// target)"
want=(
    "$f:3:5: unknown key 'nmae' in a target (did you mean 'name'?)"
    "$f:4:17: documents[0] $path_msg, not 'documents/1'"
    "$f:5:65: login.password_env $env_msg"
    "$f:5:5: login has no 'protected'"
    "$f:6:10: duplicate target https://127.0.0.1:$p1/ (first at line 2)"
    "$f:7:5: second_account needs 'login' (the first account) in the same target"
    "$f:8:10: url: http://127.0.0.1:$p2/: $http_msg"
)
is "$(cat "$RUN_ERR")" "$(printf '%s\n' "${want[@]}")" \
    "broken targets file: one file:line:col line per problem"
unlike "$(cat "$RUN_ERR")" 's3cret' "a secret written as a variable name is not echoed"
ok "broken targets file: no report written" test ! -e "$tmpdir/broken.json"
is "$(wc -c <"$SERVER_DIR/logs/access.log" | tr -d ' ')" 0 "broken targets file: no request sent"

# 4. A missing file, and '-'.
run "$COCSCAN" scan --targets "$tmpdir/nope.yaml"
is "$RUN_STATUS" 2 "missing targets file: exit 2"
is "$(cat "$RUN_ERR")" \
    "$tmpdir/nope.yaml: cannot read the targets file: No such file or directory" \
    "missing targets file: one clear line"
is "$(wc -c <"$RUN_OUT" | tr -d ' ')" 0 "missing targets file: nothing on stdout"
run "$COCSCAN" scan --targets -
is "$RUN_STATUS" 2 "--targets -: exit 2"
like "$(cat "$RUN_ERR")" "standard input\) is not supported" "--targets -: says why"
run "$COCSCAN" scan --targets "$tmpdir/one.yaml" --targets "$tmpdir/one.yaml"
is "$RUN_STATUS" 2 "--targets twice: exit 2"

# 5. Help and man page.
run "$COCSCAN" scan --help
like "$(cat "$RUN_OUT")" '--targets FILE' "scan --help mentions --targets"
ok "the man page documents --targets" grep -q -e '-\\-targets' "$top/docs/cocscan.1"
done_testing
