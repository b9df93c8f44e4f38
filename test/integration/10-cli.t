#!/usr/bin/env bash
# 10-cli.t — the command line: help and version, one-line errors with exit code 2 for bad
# options, URLs and files, exit 3 for an unreachable target, the checks listing, and no colour
# when stdout is not a terminal or NO_COLOR is set.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan

# One line on stderr, a given exit code, nothing on stdout.
one_line_error() { # desc want_status regex cmd...
    local desc=$1 want=$2 re=$3
    shift 3
    run "$@"
    is "$RUN_STATUS" "$want" "$desc: exit $want"
    is "$(wc -l <"$RUN_ERR" | tr -d ' ')" 1 "$desc: one line on stderr"
    like "$(cat "$RUN_ERR")" "$re" "$desc: says why"
}

run "$COCSCAN" --version
is "$RUN_STATUS" 0 "--version exits 0"
like "$(cat "$RUN_OUT")" '^cocscan [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"
run "$COCSCAN" --help
like "$(cat "$RUN_OUT")" 'Exit codes: 0 compliant' "--help documents the exit codes"
like "$(cat "$RUN_OUT")" 'portal\.example\.nz' "--help has an example"
for sub in scan profile checks; do
    run "$COCSCAN" "$sub" --help
    is "$RUN_STATUS" 0 "$sub --help exits 0"
    like "$(cat "$RUN_OUT")" "Usage: cocscan $sub" "$sub --help shows its usage"
done
run "$COCSCAN"
is "$RUN_STATUS" 2 "no command: exit 2"

one_line_error "unknown command" 2 "unknown command 'scna'" "$COCSCAN" scna
one_line_error "unknown option" 2 "unknown option '--bogus'" "$COCSCAN" scan --bogus https://x
one_line_error "missing option value" 2 "needs a value" "$COCSCAN" scan https://x --profile
one_line_error "no target" 2 "no target URL" "$COCSCAN" scan
one_line_error "http:// target" 2 "only https://" "$COCSCAN" scan http://127.0.0.1/
one_line_error "bad port" 2 "invalid port" "$COCSCAN" scan https://127.0.0.1:99999/
one_line_error "credentials in URL" 2 "credentials in the URL" \
    "$COCSCAN" scan https://alice:s3cret@127.0.0.1/
unlike "$(cat "$RUN_ERR")" 's3cret' "a password in a URL is not echoed"
one_line_error "bad --fail-on" 2 "not a severity" "$COCSCAN" scan --fail-on severe https://x
one_line_error "bad --timeout" 2 "not a number of seconds" "$COCSCAN" scan -t 0 https://x
one_line_error "unknown --checks entry" 2 "did you mean 'tls.protocols'" \
    "$COCSCAN" scan --checks tls.protocol https://x
one_line_error "unreadable --ca-file" 2 "cannot read --ca-file" \
    "$COCSCAN" scan --ca-file "$tmpdir/none.pem" https://x
one_line_error "unknown profile" 2 "unknown profile 'nope'" "$COCSCAN" scan -p nope https://x
one_line_error "unwritable --json" 2 "cannot write --json" \
    "$COCSCAN" scan --json "$tmpdir/no/such/dir/r.json" https://x

# An unreachable target: one line, exit 3, and still a valid report saying why.
port=$(free_port)
run "$COCSCAN" scan -q -t 2 --json "$tmpdir/unreach.json" "https://127.0.0.1:$port/"
is "$RUN_STATUS" 3 "unreachable target: exit 3"
is "$(wc -l <"$RUN_ERR" | tr -d ' ')" 1 "unreachable target: one line on stderr"
like "$(cat "$RUN_ERR")" "127\.0\.0\.1.*refused" "unreachable target: says connection refused"
is "$(wc -c <"$RUN_OUT" | tr -d ' ')" 0 "--quiet: nothing on stdout"
ok "unreachable report validates" validate_report "$tmpdir/unreach.json"
is "$(jqr "$tmpdir/unreach.json" '.targets[0].verdict')" unreachable "target verdict unreachable"
is "$(jqr "$tmpdir/unreach.json" '[.targets[0].results[] | select(.check != null) | .status]
    | unique | join(",")')" error "probed controls are error, never pass"

# checks: every registered check with family and expect keys, also as JSON.
run "$COCSCAN" checks
like "$(cat "$RUN_OUT")" 'tls\.protocols +tls' "checks lists tls.protocols"
like "$(cat "$RUN_OUT")" 'min_max_age +integer' "checks lists expect keys with types"
run "$COCSCAN" checks --json
ids=tls.protocols,tls.ciphers,tls.groups,tls.features
ids+=,cert.chain,cert.hostname,cert.expiry,cert.key,cert.signature,cert.ocsp
ids+=,headers.hsts,cookies.attributes,headers.content_type_options,headers.referrer_policy
ids+=,headers.csp,headers.frame_options,headers.cross_origin,headers.cache_control
ids+=,http.redirect,http.cors,http.info_leak,mfa.enforced,mfa.advertised,oidc.discovery
ids+=,documents.crawl,documents.unauthenticated,documents.cross_account
ids+=,documents.enumeration,documents.headers,documents.exposed_paths,documents.listing
is "$(jq -r '[.[].id] | join(",")' "$RUN_OUT")" "$ids" "checks --json ids"
is "$(jq -r '.[] | select(.id == "headers.hsts") | [.expect[].name] | join(",")' "$RUN_OUT")" \
    "min_max_age,include_subdomains,preload" "checks --json expect keys"

# Colour: never into a pipe, never with NO_COLOR, and on a terminal otherwise.
esc=$'\033'
run "$COCSCAN" scan -t 2 "https://127.0.0.1:$port/"
unlike "$(cat "$RUN_OUT")" "$esc" "no colour when stdout is not a terminal"
if command -v script >/dev/null; then
    tty_out=$(TERM=xterm script -qec "$COCSCAN scan -t 2 https://127.0.0.1:$port/" /dev/null || true)
    like "$tty_out" "$esc\[" "colour on a terminal"
    tty_out=$(NO_COLOR=1 TERM=xterm script -qec "$COCSCAN scan -t 2 https://127.0.0.1:$port/" \
        /dev/null || true)
    unlike "$tty_out" "$esc\[" "no colour on a terminal with NO_COLOR"
else
    skip "script(1) not installed" 2
fi
done_testing
