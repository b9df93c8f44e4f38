#!/usr/bin/env bash
# 50-observatory.t — cocscan's HTTP header checks next to Mozilla's MDN HTTP Observatory
# (npm @mdn/mdn-http-observatory 1.4.8, installed by `make deps` through
# test/tools/observatory.sh), a differential test on the nginx scenarios in test/fixtures/http/.
#
# The Observatory scans only ports 80 and 443 of a host, so each scenario's nginx listens on
# 127.0.0.1:80 and :443 inside a network namespace this script creates (coc-obs-PID) and deletes
# at exit; nginx, the Observatory and cocscan all run in it (ip netns exec), and nothing leaves
# it. Needs root. The Observatory trusts the test CA through NODE_EXTRA_CA_CERTS.
#
# For each scenario and each Observatory test mapped to a cocscan check below, the verdicts must
# agree: Observatory pass <=> cocscan pass, where cocscan's warn and skipped (nothing to fault)
# count as pass, and fail and error as fail. A mapped check cocscan does not have yet
# (`cocscan checks --json`) is a TAP skip naming it. The profile has one control per existing
# mapped check, with the check's default expect except where noted in EXPECT. Before comparing,
# each scenario asserts that the Observatory saw it as designed (OBS_WANT), so a broken fixture
# or an untrusted certificate is not mistaken for agreement. The Observatory's result string for
# every test is printed (diag).
#
# Deliberate differences (DIFF below) — asserted as they are, so that either side changing shows:
#
# | scenario  | Observatory test              | Observatory | cocscan | why                        |
# | --------- | ----------------------------- | ----------- | ------- | -------------------------- |
# | malformed | strict-transport-security     | pass        | fail    | Observatory bug [1]        |
# | cors      | cross-origin-resource-sharing | pass        | fail    | Observatory bug [2]        |
# | malformed | cookies                       | fail        | pass    | judged by effect [3]       |
# | malformed | x-frame-options               | fail        | pass    | judged by effect [4]       |
#
# [1] HSTS "max-age=abc": the Observatory reads max-age with parseInt and never checks for NaN;
#     NaN is not below six months, so: hsts-implemented-max-age-at-least-six-months. Browsers
#     (RFC 6797 6.1.1, 8.1) ignore an STS header without a valid max-age; cocscan calls it invalid.
# [2] Access-Control-Allow-Origin echoing the request's Origin, with Allow-Credentials true: any
#     site can read a signed-in user's pages. The Observatory compares the echo with the Origin it
#     sent, read from response.request.headers, which Node's ClientRequest does not have (it has
#     getHeader()); so it never sees the echo, says ...-implemented-with-restricted-access (pass),
#     and its universal-access result cannot occur in 1.4.8.
# [3] "SameSite=Sideways" on an otherwise Secure HttpOnly session cookie: the Observatory says
#     cookies-samesite-flag-invalid (fail). Browsers ignore an unknown SameSite value, as if it
#     were absent, and neither tool requires SameSite by default, so cocscan's cookies.attributes
#     judges it by that effect: it fails only under require_samesite (checks/cookies.c).
# [4] X-Frame-Options sent twice, "DENY" and "SAMEORIGIN": the Observatory calls the joined
#     value invalid (fail). The HTML standard (7.1.1, followed by Chrome and Firefox) blocks all
#     framing when several values include deny or sameorigin, so the page is protected; cocscan's
#     headers.frame_options says "warn" (protected, but misconfigured), which counts as pass.
#
# Thresholds: the Observatory's "six months" is 15552000 s (180 days; its source calls 15768000
# the real six months and 15552000 "a white lie" for the many sites that use it), so headers.hsts
# gets min_max_age 15552000 here instead of cocscan's default of one year.
# shellcheck disable=SC2016  # $t in the jq programs is jq's (--arg)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx jq ip timeout
obs=$top/test/tools/observatory.sh
fixtures=$top/test/fixtures/http

[ "$(id -u)" -eq 0 ] ||
    skip_all "needs root (ip netns): the Observatory scans only ports 80 and 443 of a host"
why=$(bash "$obs" check) || skip_all "MDN HTTP Observatory not usable: $why"
# Namespaces left by a run that was killed outright (no cleanup): its pid is gone, nothing runs.
for n in $(ip netns list 2>/dev/null | awk '$1 ~ /^coc-obs-[0-9]+$/ { print $1 }'); do
    if ! kill -0 "${n#coc-obs-}" 2>/dev/null && [ -z "$(ip netns pids "$n" 2>/dev/null)" ]; then
        ip netns delete "$n" 2>/dev/null || true
    fi
done
NS=coc-obs-$$
if ! err=$(ip netns add "$NS" 2>&1); then
    skip_all "cannot create a network namespace (ip netns add $NS): $err"
fi

# ns_cleanup — stop whatever still runs in the namespace (only this script's servers and scans
# run there), then delete it.
ns_cleanup() {
    local pids i
    pids=$(ip netns pids "$NS" 2>/dev/null || true)
    if [ -n "$pids" ]; then
        # shellcheck disable=SC2086  # one pid per word
        kill -TERM $pids 2>/dev/null || true
        for ((i = 0; i < 40; i++)); do
            pids=$(ip netns pids "$NS" 2>/dev/null || true)
            [ -z "$pids" ] && break
            sleep 0.05
        done
        # shellcheck disable=SC2086
        [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    fi
    ip netns delete "$NS" 2>/dev/null || true
}
at_exit ns_cleanup
ip netns exec "$NS" ip link set lo up
gen_certs

# ---------------------------------------------------------------------------------------------
# What is compared

OBS_TESTS=(strict-transport-security content-security-policy x-frame-options
    x-content-type-options referrer-policy cookies redirection cross-origin-resource-sharing)
declare -A CHECK=(
    [strict-transport-security]=headers.hsts
    [content-security-policy]=headers.csp
    [x-frame-options]=headers.frame_options
    [x-content-type-options]=headers.content_type_options
    [referrer-policy]=headers.referrer_policy
    [cookies]=cookies.attributes
    [redirection]=http.redirect
    [cross-origin-resource-sharing]=http.cors
)
# expect values set to the Observatory's thresholds (see above); other checks use their defaults.
declare -A EXPECT=(
    [headers.hsts]='{ min_max_age: 15552000 }'
)
# Deliberate differences: "SCENARIO/TEST" -> "OBSERVATORY_VERDICT COCSCAN_VERDICT".
declare -A DIFF=(
    [malformed/strict-transport-security]="pass fail"
    [cors/cross-origin-resource-sharing]="pass fail"
    [malformed/cookies]="fail pass"
    [malformed/x-frame-options]="fail pass"
)

SCENARIOS=(good missing weak malformed cors edge)
# What the Observatory says of each scenario, for the tests above, in OBS_TESTS order
# (result string, then pass/fail). Pinned so that a scenario not doing what it claims (or a
# scan without the test CA: hsts-invalid-cert) stops the comparison from meaning anything.
declare -A OBS_WANT=(
    [good]="hsts-implemented-max-age-at-least-six-months pass
csp-implemented-with-no-unsafe-default-src-none pass
x-frame-options-implemented-via-csp pass
x-content-type-options-nosniff pass
referrer-policy-private pass
cookies-secure-with-httponly-sessions-and-samesite pass
redirection-to-https pass
cross-origin-resource-sharing-not-implemented pass"
    [missing]="hsts-not-implemented fail
csp-not-implemented fail
x-frame-options-not-implemented fail
x-content-type-options-not-implemented fail
referrer-policy-not-implemented pass
cookies-session-without-secure-flag fail
redirection-missing fail
cross-origin-resource-sharing-not-implemented pass"
    [weak]="hsts-implemented-max-age-less-than-six-months fail
csp-implemented-with-unsafe-inline fail
x-frame-options-header-invalid fail
x-content-type-options-nosniff pass
referrer-policy-unsafe fail
cookies-session-without-httponly-flag fail
redirection-off-host-from-http fail
cross-origin-resource-sharing-not-implemented pass"
    [malformed]="hsts-implemented-max-age-at-least-six-months pass
csp-implemented-with-unsafe-inline fail
x-frame-options-header-invalid fail
x-content-type-options-header-invalid fail
referrer-policy-unsafe fail
cookies-samesite-flag-invalid fail
redirection-to-https pass
cross-origin-resource-sharing-not-implemented pass"
    [cors]="hsts-implemented-max-age-at-least-six-months pass
csp-implemented-with-no-unsafe-default-src-none pass
x-frame-options-implemented-via-csp pass
x-content-type-options-nosniff pass
referrer-policy-private pass
cookies-secure-with-httponly-sessions-and-samesite pass
redirection-to-https pass
cross-origin-resource-sharing-implemented-with-restricted-access pass"
    [edge]="hsts-implemented-max-age-at-least-six-months pass
csp-implemented-with-no-unsafe pass
x-frame-options-implemented-via-csp pass
x-content-type-options-nosniff pass
referrer-policy-private pass
cookies-secure-with-httponly-sessions-and-samesite pass
redirection-to-https pass
cross-origin-resource-sharing-implemented-with-public-access pass"
)

# The profile: one control per mapped check cocscan has (a profile naming an unknown check is
# refused with exit 2). Control ids are the Observatory's test names.
run "$COCSCAN" checks --json
if [ "$RUN_STATUS" -ne 0 ] || ! jq -e 'type == "array"' "$RUN_OUT" >/dev/null 2>&1; then
    BAIL_OUT "cocscan checks --json failed (exit $RUN_STATUS)"
fi
declare -A HAVE=()
while read -r id; do
    HAVE[$id]=1
done < <(jq -r '.[].id' "$RUN_OUT")
profile=$tmpdir/observatory.yaml
{
    echo "profile: observatory-diff"
    echo "title: The checks 50-observatory.t compares with the MDN HTTP Observatory"
    echo 'version: "1"'
    echo "controls:"
    for t in "${OBS_TESTS[@]}"; do
        c=${CHECK[$t]}
        [ -n "${HAVE[$c]:-}" ] || continue
        echo "  $t:"
        echo "    title: Observatory $t"
        echo "    check: $c"
        echo "    severity: medium"
        [ -z "${EXPECT[$c]:-}" ] || echo "    expect: ${EXPECT[$c]}"
    done
} >"$profile"
ok "the comparison profile is valid" "$COCSCAN" profile validate "$profile"

# ---------------------------------------------------------------------------------------------
# Helpers

# ns_port_open PORT — 127.0.0.1:PORT accepts TCP inside the namespace.
ns_port_open() {
    ip netns exec "$NS" bash -c ": <>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# ns_nginx NAME SNIPPET — start nginx in the namespace with the server blocks of SNIPPET
# (@CERTDIR@ and @ROOT@ substituted) and wait until ports 80 and 443 accept connections.
# lib.sh's start_nginx picks free ports on the host, so this is its in-namespace twin; the
# process is registered with lib.sh (bg_start) and stopped at exit, or by bg_stop NAME.
ns_nginx() {
    local name=$1 dir=$tmpdir/$1 body i
    body=$(<"$2") || return 1
    nginx_prepare_dir "$dir" || return 1
    body=${body//@CERTDIR@/$CERTDIR}
    body=${body//@ROOT@/$dir/html}
    nginx_write_conf "$dir" "test/integration/50-observatory.t from test/fixtures/http/$name.conf" \
        "$body"
    if ! ip netns exec "$NS" nginx -t -q -p "$dir/" -c "$dir/nginx.conf" \
        -e "$dir/logs/error.log" >"$dir/logs/config-test.log" 2>&1; then
        echo "ns_nginx: invalid configuration ($dir/nginx.conf):" >&2
        cat "$dir/logs/config-test.log" >&2
        return 1
    fi
    bg_start "$name" ip netns exec "$NS" nginx -p "$dir/" -c "$dir/nginx.conf" \
        -e "$dir/logs/error.log"
    for ((i = 0; i < 200; i++)); do
        if ns_port_open 80 && ns_port_open 443; then
            return 0
        fi
        _coc_alive "$BG_PID" || break
        sleep 0.05
    done
    echo "ns_nginx: nginx '$name' did not start:" >&2
    tail -n 30 "$dir/logs/error.log" "$tmpdir/$name.log" >&2
    return 1
}

# verdict STATUS — a cocscan result status as the Observatory's pass/fail.
verdict() {
    case $1 in
        pass | warn | skipped) echo pass ;;
        fail | error) echo fail ;;
        *) echo "?$1" ;;
    esac
}

# ---------------------------------------------------------------------------------------------
# The scenarios

for s in "${SCENARIOS[@]}"; do
    if ! ns_nginx "$s" "$fixtures/$s.conf" 2>"$tmpdir/$s.start.err"; then
        fail "$s: nginx starts on 127.0.0.1:80 and :443 in the namespace"
        diag_file "$tmpdir/$s.start.err"
        skip "$s: no server" $((${#OBS_TESTS[@]} + 3 + ${HAVE[headers.csp]:-0}))
        continue
    fi
    pass "$s: nginx starts on 127.0.0.1:80 and :443 in the namespace"

    # The Observatory.
    oj=$tmpdir/$s.observatory.json
    run timeout 120 ip netns exec "$NS" env NODE_EXTRA_CA_CERTS="$CERTDIR/ca.pem" \
        bash "$obs" scan 127.0.0.1
    cp "$RUN_OUT" "$oj"
    if [ "$RUN_STATUS" -ne 0 ] || ! jq -e '.tests | type == "object"' "$oj" >/dev/null 2>&1; then
        fail "$s: the Observatory scanned it"
        diag "observatory.sh scan exited $RUN_STATUS"
        diag_file "$oj"
        diag_file "$RUN_ERR"
    else
        pass "$s: the Observatory scanned it"
    fi
    diag "$s: Observatory grade $(jqr "$oj" '.scan.grade // "?"'), per test:"
    diag "$(jqr "$oj" '.tests // {} | to_entries[]
        | "  \(.key): \(.value.result) (\(if .value.pass then "pass" else "fail" end))"')"
    got=$(for t in "${OBS_TESTS[@]}"; do
        jqr "$oj" '.tests[$t] | "\(.result) \(if .pass then "pass" else "fail" end)"' --arg t "$t"
    done)
    is "$got" "${OBS_WANT[$s]}" "$s: the Observatory sees the scenario as designed"

    # cocscan, with the same trust anchor, in the same namespace.
    cj=$tmpdir/$s.cocscan.json
    run timeout 120 ip netns exec "$NS" "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" \
        -p "$profile" --json "$cj" https://127.0.0.1/
    if [ "$RUN_STATUS" -gt 1 ] || [ ! -s "$cj" ] ||
        ! validate_report "$cj" 2>"$tmpdir/$s.schema.err"; then
        fail "$s: cocscan judged it (exit 0 or 1, report valid)"
        diag "cocscan exited $RUN_STATUS"
        diag_file "$RUN_ERR"
        diag_file "$tmpdir/$s.schema.err"
    else
        pass "$s: cocscan judged it (exit 0 or 1, report valid)"
    fi

    for t in "${OBS_TESTS[@]}"; do
        c=${CHECK[$t]}
        ores=$(jqr "$oj" '.tests[$t].result // "(none)"' --arg t "$t" 2>/dev/null || echo '(none)')
        opass=$(jqr "$oj" 'if .tests[$t].pass then "pass" else "fail" end' --arg t "$t" \
            2>/dev/null || echo '?')
        if [ -z "${HAVE[$c]:-}" ]; then
            skip "$s: cocscan has no check $c yet (Observatory $t: $ores, $opass)"
            continue
        fi
        cstatus=$(jqr "$cj" '.targets[0].results[] | select(.control == $t) | .status' \
            --arg t "$t" 2>/dev/null || true)
        cverdict=$(verdict "${cstatus:-none}")
        desc="$s: $t ($ores) vs $c ($cstatus)"
        if [ -n "${DIFF[$s/$t]:-}" ]; then
            is "$opass $cverdict" "${DIFF[$s/$t]}" "$desc: the documented difference"
        else
            is "$cverdict" "$opass" "$desc: same verdict"
        fi
        if [ "$TAP_LAST_OK" -eq 0 ]; then
            diag "cocscan evidence: $(jqr "$cj" '.targets[0].results[]
                | select(.control == $t) | .evidence // "" | tostring' --arg t "$t" 2>/dev/null)"
        fi
        # headers.csp re-implements the Observatory's CSP reading and records the result it
        # would give (observations: …csp.observatory.result): that must be the same string.
        if [ "$t" = content-security-policy ]; then
            cres=$(jqr "$cj" 'first(.targets[0].observations | .. | objects | .csp? | objects
                | .observatory? | objects | .result) // ""' 2>/dev/null || true)
            if [ -n "$cres" ]; then
                is "$cres" "$ores" "$s: headers.csp names the Observatory's own CSP result"
            else
                skip "$s: no Observatory CSP result in cocscan's observations"
            fi
        fi
    done
    bg_stop "$s"
done
done_testing
