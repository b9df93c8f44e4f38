#!/usr/bin/env bash
# 33-gnutls.t — tls.protocols and tls.ciphers against a legacy gnutls-serv: TLS 1.0-1.2 with 3DES,
# RC4 (ARCFOUR-128), NULL, MD5, Camellia CBC and GCM, static RSA, DHE-RSA and anonymous DH/ECDH.
#
# This is the test OpenSSL cannot do here: Debian 12's OpenSSL 3 has no 3DES, RC4 or Camellia-GCM
# suites at all (`openssl ciphers DES-CBC3-SHA:@SECLEVEL=0` is "no cipher match", with or without
# the legacy provider), so neither nginx nor s_server can serve them and s_client cannot check
# them. GnuTLS still has them, so gnutls-serv serves them and gnutls-cli is the ground truth: for
# every protocol version and every (key exchange, cipher, MAC) triple GnuTLS knows, a priority that
# enables exactly that triple offers exactly one suite, and the suite is accepted when gnutls-cli
# completes a handshake with it. cocscan's accepted protocols and suites must equal that truth.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd gnutls-serv gnutls-cli jq timeout
gen_certs

# What the server enables: every legacy piece this GnuTLS (3.7) still has, for an RSA certificate.
# (SSL 3.0, DES-CBC, RC2-40, ARCFOUR-40 and RSA-EXPORT are accepted as keywords but yield no suite:
# GnuTLS no longer implements them.)
SERVER_PRIO='NONE:+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0:+AES-256-GCM:+AES-128-GCM:+AES-256-CCM'
SERVER_PRIO+=':+AES-128-CCM:+CHACHA20-POLY1305:+AES-256-CBC:+AES-128-CBC:+3DES-CBC:+ARCFOUR-128'
SERVER_PRIO+=':+CAMELLIA-128-CBC:+CAMELLIA-256-CBC:+CAMELLIA-128-GCM:+CAMELLIA-256-GCM:+NULL'
SERVER_PRIO+=':+AEAD:+SHA1:+SHA256:+SHA384:+MD5:+RSA:+DHE-RSA:+ECDHE-RSA:+ANON-DH:+ANON-ECDH'
SERVER_PRIO+=':+COMP-NULL:+SIGN-ALL:+GROUP-ALL'

# What the ground truth tries: everything this GnuTLS has (a superset of the server's: ECDSA and
# DSS key exchange, TLS 1.3), so a suite cocscan wrongly reports would show up as a difference.
CLIENT_PRIO='NONE:+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0:+CIPHER-ALL:+3DES-CBC:+ARCFOUR-128'
CLIENT_PRIO+=':+CAMELLIA-128-CBC:+CAMELLIA-256-CBC:+CAMELLIA-128-GCM:+CAMELLIA-256-GCM:+NULL'
CLIENT_PRIO+=':+MAC-ALL:+MD5:+SHA1:+SHA256:+SHA384:+KX-ALL:+RSA:+DHE-RSA:+DHE-DSS:+ECDHE-RSA'
CLIENT_PRIO+=':+ECDHE-ECDSA:+ANON-DH:+ANON-ECDH:+COMP-NULL:+SIGN-ALL:+GROUP-ALL'
TAIL=':+COMP-NULL:+SIGN-ALL:+GROUP-ALL'

# list_tokens PRIO FIELD — the comma-separated tokens of a `gnutls-cli --list` summary line
# ("Ciphers", "MACs", "Key Exchange Algorithms"), one a line.
list_tokens() {
    gnutls-cli --list --priority "$1" 2>/dev/null |
        sed -n "s/^$2: //p" | tr ',' '\n' | tr -d ' ' | grep -v '^$' || true
}

# list_suites PRIO — "0xCODE GNUTLS_NAME" for each suite `gnutls-cli --list` gives for PRIO.
list_suites() {
    gnutls-cli --list --priority "$1" 2>/dev/null |
        awk '$1 ~ /^TLS_/ && $2 ~ /^0x/ { c = $2 $3; gsub(/0x|,/, "", c);
                                            printf "0x%s %s\n", toupper(c), $1 }' || true
}

# gnutls_connects PORT VERSION PRIO — gnutls-cli completes a handshake at VERSION (e.g. 1.2).
gnutls_connects() {
    timeout 10 gnutls-cli --insecure --port "$1" --priority "$3" 127.0.0.1 </dev/null 2>&1 |
        grep -q "^- Description: (TLS${2//./\\.}-"
}

# gnutls_truth PORT — "TLSv1.x 0xCODE GNUTLS_NAME" for every suite gnutls-cli negotiates with
# 127.0.0.1:PORT, one handshake per suite. A priority that offers more than one suite cannot say
# which one was accepted: it is listed in $tmpdir/ambiguous instead.
gnutls_truth() {
    local port=$1 v k c m p line
    local -a kxs ciphers macs suites
    local -A seen=()
    mapfile -t kxs < <(list_tokens "$CLIENT_PRIO" 'Key Exchange Algorithms')
    mapfile -t ciphers < <(list_tokens "$CLIENT_PRIO" Ciphers)
    mapfile -t macs < <(list_tokens "$CLIENT_PRIO" MACs)
    for v in 1.0 1.1 1.2 1.3; do
        for k in "${kxs[@]}"; do
            for c in "${ciphers[@]}"; do
                for m in "${macs[@]}"; do
                    p="NONE:+VERS-TLS$v:+$k:+$c:+$m$TAIL"
                    mapfile -t suites < <(list_suites "$p")
                    case ${#suites[@]} in
                        0) continue ;;
                        1) ;;
                        *) echo "$p: ${suites[*]}" >>"$tmpdir/ambiguous"; continue ;;
                    esac
                    line="TLSv$v ${suites[0]}"
                    # TLS 1.3 suites do not depend on the key exchange: try each one once.
                    [ -z "${seen[$line]:-}" ] || continue
                    seen[$line]=1
                    if gnutls_connects "$port" "$v" "$p"; then
                        echo "$line"
                    fi
                done
            done
        done
    done | sort -u
    return 0
}

# same_lines GOT WANT DESC — GOT and WANT (sorted line sets) are equal; on failure, diag the lines
# each one lacks.
same_lines() {
    if [ "$1" == "$2" ]; then
        pass "$3"
        return 0
    fi
    fail "$3"
    diag "in the ground truth but not reported by cocscan:"
    diag "$(comm -13 <(printf '%s\n' "$1") <(printf '%s\n' "$2"))"
    diag "reported by cocscan but not in the ground truth:"
    diag "$(comm -23 <(printf '%s\n' "$1") <(printf '%s\n' "$2"))"
    return 0
}

cat >"$tmpdir/legacy.yaml" <<'YAML'
profile: gnutls-legacy-test
title: legacy GnuTLS server test
controls:
  MIN12: { title: TLS 1.2 or newer, check: tls.protocols, severity: high, expect: { min: "1.2" } }
  RANGE: { title: TLS 1.0 to 1.2, check: tls.protocols, severity: info,
           expect: { min: "1.0", max: "1.2", forbid: [SSLv3] } }
  NO-3DES: { title: no 3DES, check: tls.ciphers, severity: high,
             expect: { forbid_classes: [3DES] } }
  NO-RC4: { title: no RC4, check: tls.ciphers, severity: high, expect: { forbid_classes: [RC4] } }
  NO-NULL: { title: no NULL, check: tls.ciphers, severity: high,
             expect: { forbid_classes: ["NULL"] } }
  NO-ANON: { title: no anon, check: tls.ciphers, severity: high, expect: { forbid_classes: [anon] } }
  NO-MD5: { title: no MD5, check: tls.ciphers, severity: high, expect: { forbid_classes: [MD5] } }
  NO-EXPORT: { title: no EXPORT, check: tls.ciphers, severity: high,
               expect: { forbid_classes: [EXPORT] } }
  NO-DES: { title: no single DES, check: tls.ciphers, severity: high,
            expect: { forbid_classes: [DES] } }
YAML
status_of() { jqr "$tmpdir/legacy.json" ".targets[0].results[] | select(.control == \"$1\") | .status"; }

if ! start_gnutls_serv legacy --x509certfile "$CERTDIR/good-chain.pem" \
    --x509keyfile "$CERTDIR/good.key" --priority "$SERVER_PRIO"; then
    BAIL_OUT "gnutls-serv did not start"
fi
note "gnutls-serv on port $PORT, priority $SERVER_PRIO"

# The ground truth.
truth_full=$(gnutls_truth "$PORT")
truth=$(cut -d' ' -f1,2 <<<"$truth_full")
n_truth=$(grep -c . <<<"$truth" || true)
ok "ground truth: every single-triple priority offers at most one suite" \
    test ! -s "$tmpdir/ambiguous"
[ "$TAP_LAST_OK" = 1 ] || diag_file "$tmpdir/ambiguous"
ok "ground truth: gnutls-cli negotiated suites ($n_truth)" test "$n_truth" -gt 0
note "ground truth (gnutls-cli):"$'\n'"$truth_full"
# The point of this server: suites the local OpenSSL cannot offer are accepted.
like "$truth" 'TLSv1\.0 0x000A' "ground truth: TLS 1.0 with TLS_RSA_WITH_3DES_EDE_CBC_SHA"
like "$truth" 'TLSv1\.2 0x0005' "ground truth: TLS 1.2 with TLS_RSA_WITH_RC4_128_SHA"
like "$truth" 'TLSv1\.2 0xC07A' "ground truth: TLS 1.2 with TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256"
if ! openssl ciphers 'DES-CBC3-SHA:@SECLEVEL=0' >/dev/null 2>&1; then
    note "as expected, the local OpenSSL has no 3DES: s_client could not be the ground truth here"
fi

# Versions: those with an accepted suite, plus TLS 1.3 if a plain TLS 1.3 handshake works. This
# GnuTLS is built without SSL 3.0 (and SSLv2), so the server cannot speak them either.
proto_truth=$(cut -d' ' -f1 <<<"$truth" | sort -u)
if gnutls_connects "$PORT" 1.3 "NORMAL:-VERS-ALL:+VERS-TLS1.3"; then
    proto_truth=$(printf '%s\nTLSv1.3\n' "$proto_truth" | sort -u)
fi
is "$(tr '\n' ' ' <<<"$proto_truth")" "TLSv1.0 TLSv1.1 TLSv1.2 " \
    "ground truth: TLS 1.0, 1.1 and 1.2 accepted, TLS 1.3 not"

run timeout 120 "$COCSCAN" scan -q -t 5 --checks tls -p "$tmpdir/legacy.yaml" \
    --json "$tmpdir/legacy.json" "https://127.0.0.1:$PORT/"
is "$RUN_STATUS" 1 "cocscan: non-compliant (exit 1)"
[ "$TAP_LAST_OK" = 1 ] || diag_file "$RUN_ERR"
ok "cocscan: report validates" validate_report "$tmpdir/legacy.json"

is "$(jqr "$tmpdir/legacy.json" '.targets[0].observations.tls.protocols | sort | .[]')" \
    "$proto_truth" "cocscan: accepted protocols equal gnutls-cli's"
observed=$(jqr "$tmpdir/legacy.json" \
    '.targets[0].observations.tls.ciphers[] | .protocol + " " + .code' | sort -u)
same_lines "$observed" "$truth" "cocscan: accepted suites (protocol, code) equal gnutls-cli's"
is "$(jqr "$tmpdir/legacy.json" '.targets[0].observations.tls.ciphers | length')" \
    "$(grep -c . <<<"$observed" || true)" "cocscan: no suite reported twice"
is "$(jqr "$tmpdir/legacy.json" '.targets[0].observations.tls.ciphers[]
    | select(.protocol == "TLSv1.0" and .code == "0x000A") | .name')" \
    TLS_RSA_WITH_3DES_EDE_CBC_SHA "cocscan: 0x000A is named TLS_RSA_WITH_3DES_EDE_CBC_SHA"

# The judgement: the protocol controls, and each class control failing exactly when the ground
# truth (by GnuTLS's own suite names) has a suite of that class.
is "$(status_of MIN12)" fail "MIN12: TLS 1.0 accepted, min 1.2 fails"
like "$(jqr "$tmpdir/legacy.json" '.targets[0].results[] | select(.control == "MIN12")
    | .evidence')" 'TLSv1\.0' "MIN12: the evidence names TLS 1.0"
is "$(status_of RANGE)" pass "RANGE: min 1.0, max 1.2 (min defaults to 1.2) passes"
is "$(status_of NO-3DES)" fail "NO-3DES: 3DES accepted, forbid_classes [3DES] fails"
like "$(jqr "$tmpdir/legacy.json" '.targets[0].results[] | select(.control == "NO-3DES")
    | .evidence')" 'TLS_RSA_WITH_3DES_EDE_CBC_SHA' "NO-3DES: the evidence names a 3DES suite"
for cls in RC4:ARCFOUR NULL:_NULL_ ANON:_ANON_ MD5:_MD5$ EXPORT:EXPORT DES:_DES_CBC; do
    want=pass
    grep -Eq -- "${cls#*:}" <<<"$truth_full" && want=fail
    is "$(status_of "NO-${cls%%:*}")" "$want" "NO-${cls%%:*}: $want, as the ground truth says"
done
done_testing
