#!/usr/bin/env bash
# 21-builtin-profiles.t — the built-in profiles and the oidc.discovery check.
# Every profiles/*.yaml is compiled in, listed, validates without notes and resolves; as judged
# in a report, every control names a registered check with expect keys and values that check
# accepts, and carries a title, severity, refs and remediation (attestations: title and
# severity, and non-empty refs and remediation when given); refs cite only the requirement ids
# the project's reference data lists. nz-health-api resolves to TLS 1.3 only with the OIDC
# controls. Then oidc.discovery against nginx serving discovery documents: good, implicit,
# hybrid, implicit grant type, no S256, missing (required or not), an HTML page in its place,
# malformed, wrong types, too large, and a redirect off the origin; every report validates.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd jq nginx
cd "$tmpdir"

"$COCSCAN" checks --json >checks.json

# The report's view of a profile, checked against `cocscan checks --json`. Modes: checks (check
# exists, expect keys and value types and allowed values), fields (title, severity, refs,
# remediation; refs-optional lets a profile maintained elsewhere through), refs (framework ids).
cat >inspect.py <<'PY'
import json, re, sys

checks = {c["id"]: c for c in json.load(open(sys.argv[1]))}
report = json.load(open(sys.argv[2]))
mode = sys.argv[3]
results = report["targets"][0]["results"]

NZISM = set("""14.5.8.C.01 16.1.31.C.01 16.1.31.C.02 16.1.31.C.03 16.1.31.C.04 16.1.31.C.05
16.1.31.C.06 16.1.31.C.07 16.4.37.C.01 16.4.37.C.02 16.4.37.C.03 16.6.9.C.01 16.6.12.C.01
16.6.12.C.02 16.6.12.C.03 16.6.13.C.01 16.6.13.C.02 16.6.13.C.03 16.6.13.C.04 16.6.13.C.05
16.7.42.C.01 16.7.42.C.02 16.7.42.C.03 16.7.42.C.04 16.7.42.C.05 16.7.42.C.06 16.7.42.C.07
17.2.18.C.01 17.2.19.C.01 17.2.22.C.01 17.2.22.C.02 17.2.23.C.01 17.2.24.C.01 17.2.24.C.02
17.2.24.C.03 17.2.25.C.01 17.2.26.C.01 17.2.26.C.02 17.2.26.C.03 17.3.6.C.01 17.4.16.C.01
17.4.16.C.02""".split())
KNOWN = {
    "nzism": NZISM,
    "asvs": set("""12.1.1 12.1.2 12.1.4 12.2.1 12.2.2 3.4.1 3.4.3 3.4.4 3.4.5 3.4.6 3.3.1
        3.3.4 6.3.3 6.4.3 8.2.2 13.4.1 13.4.3 14.2.1 14.3.2 5.4.1""".split()),
    "hnzas": {"HNZAS_MUST_USE_TLS_1_3_OR_HIGHER", "HNZAS_SHOULD_DISABLE_TLS_VERSIONS_BELOW_1_3",
              "HNZAS_MUST_USE_TLS_1_3_MTLS_MEDICAL",
              "HNZAS_MUST_APPLY_STRONG_AUTHENTICATION_MEDICAL",
              "HNZAS_MUST_NOT_USE_IMPLICIT_GRANT_OIDC_MEDICAL"},
    "ism": {"ISM-1139", "ISM-1369", "ISM-1372", "ISM-1448", "ISM-1373", "ISM-1375",
            "ISM-1553", "ISM-1552", "ISM-1424", "ISM-1681"},
    "e8": {"E8 MFA ML1", "E8-MF-ML3.2"},
    "nist-800-52r2": {"3.1", "3.2", "3.3.1"},
    "mozilla-modern": {"guideline v5.x"},
    "mozilla-intermediate": {"guideline v5.x"},
}
TYPES = {
    "bool": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "string": lambda v: isinstance(v, str),
    "list of strings": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
}


def filled(v):
    return v not in (None, "", {}, []) and (not isinstance(v, str) or v.strip() != "")


problems = []
for r in results:
    cid, chk = r["control"], r["check"]
    disabled = r["status"] == "skipped" and str(r["evidence"]).startswith("disabled by")
    if mode == "checks" and chk is not None:
        c = checks.get(chk)
        if c is None:
            problems.append(f"{cid}: unknown check {chk}")
            continue
        keys = {k["name"]: k for k in c["expect"]}
        for k, v in (r["expected"] or {}).items():
            if k not in keys:
                problems.append(f"{cid}: {chk} has no expect key {k}")
            elif not TYPES[keys[k]["type"]](v):
                problems.append(f"{cid}: expect.{k} is not a {keys[k]['type']}")
            elif keys[k].get("values"):
                bad = [x for x in (v if isinstance(v, list) else [v])
                       if x not in keys[k]["values"]]
                if bad:
                    problems.append(f"{cid}: expect.{k} values {bad} not accepted")
    elif mode.startswith("fields"):
        need = ["title", "severity"]
        if chk is not None and not disabled:
            need += ["remediation"] + ([] if mode == "fields-refs-optional" else ["refs"])
        for f in need:
            if not filled(r.get(f)):
                problems.append(f"{cid}: no {f}")
        if r.get("remediation") is not None and not filled(r["remediation"]):
            problems.append(f"{cid}: empty remediation")
    elif mode == "no-refs":
        if chk is not None and not disabled and not filled(r.get("refs")):
            problems.append(cid)
    elif mode.startswith("refs"):
        only = mode.split(":")[1] if ":" in mode else None
        for fw, ids in (r.get("refs") or {}).items():
            if only and fw != only:
                continue
            for i in ids if isinstance(ids, list) else [ids]:
                if fw not in KNOWN or i not in KNOWN[fw]:
                    problems.append(f"{cid}: {fw} {i}")
print("\n".join(problems))
PY
inspect() { "$COC_PYTHON" inspect.py checks.json "$@"; }

# --- Every built-in profile -------------------------------------------------------------------

run "$COCSCAN" profile list
is "$RUN_STATUS" 0 "profile list exits 0"
listed=" $(awk 'NR > 1 { printf "%s ", $1 }' "$RUN_OUT")"
for f in "$top"/profiles/*.yaml; do
    p=$(basename "$f" .yaml)
    like "$listed" " $p " "profile list names $p (from profiles/$p.yaml)"
done
for p in nz-health-portal nz-health-api mozilla-modern mozilla-intermediate nist-800-52r2 \
    asvs5-l1 asvs5-l2; do
    like "$listed" " $p " "$p is built in"
done

# refs in these profiles come only from the reference data's requirement ids; nz-health-portal
# (and what nz-health-api inherits from it) is checked for its own framework only.
own_refs=" mozilla-modern mozilla-intermediate nist-800-52r2 asvs5-l1 asvs5-l2 "
down=$(free_port)
for p in $listed; do
    run "$COCSCAN" profile validate "$p"
    is "$RUN_STATUS" 0 "$p: validates"
    unlike "$(cat "$RUN_OUT" "$RUN_ERR")" 'withdrawn' "$p: no control relaxes its parent"
    run "$COCSCAN" profile show --resolved "$p"
    is "$RUN_STATUS" 0 "$p: show --resolved exits 0"
    sha=$(sed -n '1s/.*sha256 \([0-9a-f]\{64\}\).*/\1/p' "$RUN_OUT")
    like "$sha" '^[0-9a-f]{64}$' "$p: show --resolved prints the sha256"
    ok "$p: show --resolved names it" grep -qx "profile: $p" "$RUN_OUT"

    # The profile as judged: an unreachable target still gets every control in its report.
    run "$COCSCAN" scan -q -t 2 -p "$p" --json "$p.json" "https://127.0.0.1:$down/"
    is "$RUN_STATUS" 3 "$p: unreachable target, exit 3"
    ok "$p: report validates" validate_report "$p.json"
    is "$(jqr "$p.json" '.profile.id')" "$p" "$p: report names the profile"
    is "$(jqr "$p.json" '.profile.sha256')" "$sha" "$p: report sha256 is show --resolved's"
    isnt "$(jqr "$p.json" '[.targets[0].results[] | select(.check != null)] | length')" 0 \
        "$p: has controls"
    is "$(inspect "$p.json" checks)" "" "$p: checks registered, expect keys and values accepted"
    if [ "$p" = nz-health-portal ]; then
        is "$(inspect "$p.json" fields-refs-optional)" "" \
            "$p: title, severity, remediation; attestations complete"
        missing=$(inspect "$p.json" no-refs | paste -sd, -)
        if [ -n "$missing" ]; then
            skip "$p: controls without refs: $missing (the baseline is maintained elsewhere)"
        else
            pass "$p: every enabled control has refs"
        fi
        is "$(inspect "$p.json" refs:hnzas)" "" "$p: hnzas refs known"
    else
        is "$(inspect "$p.json" fields)" "" \
            "$p: title, severity, refs, remediation; attestations complete"
        if [[ $own_refs == *" $p "* ]]; then
            is "$(inspect "$p.json" refs)" "" "$p: refs cite only known requirement ids"
        else
            is "$(inspect "$p.json" refs:hnzas)" "" "$p: hnzas refs cite known requirement ids"
        fi
    fi
done

# --- nz-health-api: TLS 1.3 only, and the OIDC controls ----------------------------------------

api=nz-health-api.json
control() { jqr "$api" ".targets[0].results[] | select(.control == \"$1\") | $2" -c; }
is "$(control COC-TLS-01 .expected)" '{"min":"1.3","require":["1.3"]}' \
    "api: COC-TLS-01 requires TLS 1.3 and sets the minimum to 1.3 (TLS 1.2 refused)"
is "$(jqr "$api" '[.targets[0].results[] | select(.check == "tls.protocols")
    | .expected.min // "1.2"] | unique | join(",")' )" 1.3 "api: no protocol control allows 1.2"
is "$(control COC-TLS-01 '.refs.hnzas | join(",")')" \
    HNZAS_MUST_USE_TLS_1_3_OR_HIGHER,HNZAS_SHOULD_DISABLE_TLS_VERSIONS_BELOW_1_3 \
    "api: COC-TLS-01 cites the HNZAS TLS requirements"
is "$(control COC-TLS-01 '.refs.nzism | length')" 3 "api: and keeps the baseline's NZISM refs"
run "$COCSCAN" profile show --resolved nz-health-api
like "$(cat "$RUN_OUT")" 'min: "1\.3"' "api: show --resolved has min 1.3"
is "$(control COC-OIDC-01 .check)" oidc.discovery "api: COC-OIDC-01 uses oidc.discovery"
is "$(control COC-OIDC-01 .expected)" '{"implicit_grant":"forbid"}' "api: implicit forbidden"
is "$(control COC-OIDC-02 .check)" oidc.discovery "api: COC-OIDC-02 uses oidc.discovery"
is "$(control COC-OIDC-02 '.expected.pkce_methods')" '["S256"]' "api: PKCE S256 required"
is "$(control COC-OIDC-01 .refs.hnzas)" HNZAS_MUST_NOT_USE_IMPLICIT_GRANT_OIDC_MEDICAL \
    "api: COC-OIDC-01 cites HNZAS"
like "$(control COC-MFA-02 .evidence)" 'disabled by the profile: Superseded by COC-OIDC' \
    "api: the warning-only mfa.advertised control is disabled, with the reason"
is "$(control COC-API-MTLS-01 .refs.hnzas)" HNZAS_MUST_USE_TLS_1_3_MTLS_MEDICAL \
    "api: mutual TLS is an attestation citing HNZAS"
is "$(control COC-MFA-01 .refs.hnzas)" HNZAS_MUST_APPLY_STRONG_AUTHENTICATION_MEDICAL \
    "api: MFA cites strong authentication"

# --- oidc.discovery against nginx ----------------------------------------------------------------

gen_certs
cat >oidc.yaml <<'YAML'
profile: oidc-test
title: oidc.discovery test
controls:
  IMPLICIT: { title: no implicit, check: oidc.discovery, severity: high }
  PKCE: { title: pkce s256, check: oidc.discovery, severity: high,
          expect: { implicit_grant: allow, pkce_methods: [S256] } }
  PLAIN: { title: no plain, check: oidc.discovery, severity: low,
           expect: { implicit_grant: allow, forbid_pkce_plain: true } }
  REQ: { title: required, check: oidc.discovery, severity: medium,
         expect: { implicit_grant: allow, required: true } }
  ISS: { title: issuer, check: oidc.discovery, severity: low,
         expect: { implicit_grant: allow, require_issuer_match: true } }
YAML
ok "oidc test profile validates" "$COCSCAN" profile validate oidc.yaml

start_nginx idp - <<'NGINX' || BAIL_OUT "nginx did not start"
server {
    listen 127.0.0.1:@PORT@ ssl;
    ssl_certificate @CERTDIR@/good-chain.pem;
    ssl_certificate_key @CERTDIR@/good.key;
    root @ROOT@;
    location = /.well-known/openid-configuration { default_type application/json; }
}
server {
    listen 127.0.0.1:@PORT2@ ssl;
    ssl_certificate @CERTDIR@/good-chain.pem;
    ssl_certificate_key @CERTDIR@/good.key;
    location = /.well-known/openid-configuration {
        return 302 https://idp.invalid/.well-known/openid-configuration;
    }
    location / { return 200 "ok\n"; }
}
NGINX
docdir=$SERVER_DIR/html/.well-known
mkdir -p "$docdir"
issuer="https://127.0.0.1:$PORT"

# serve JSON — the discovery document for the next scan (stdin); serve - removes it.
serve() {
    if [ "${1:-}" = - ]; then
        rm -f "$docdir/openid-configuration"
    else
        cat >"$docdir/openid-configuration"
    fi
}
# oscan NAME [PORT] [PROFILE] — scan into NAME.json and validate the report.
oscan() {
    run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" -p "${3:-oidc.yaml}" \
        --json "$1.json" "https://127.0.0.1:${2:-$PORT}/"
    ok "$1: report validates" validate_report "$1.json"
}
statuses() { # NAME — "CONTROL=status ..." of the test profile
    jqr "$1.json" '[.targets[0].results[] | "\(.control)=\(.status)"] | join(" ")'
}
api_status() { status_of "$1" "$2"; }

serve <<JSON
{"issuer": "$issuer", "authorization_endpoint": "$issuer/authorize",
 "token_endpoint": "$issuer/token", "jwks_uri": "$issuer/jwks",
 "response_types_supported": ["code"], "subject_types_supported": ["public"],
 "id_token_signing_alg_values_supported": ["ES256"],
 "grant_types_supported": ["authorization_code", "refresh_token"],
 "code_challenge_methods_supported": ["S256"],
 "token_endpoint_auth_methods_supported": ["private_key_jwt"]}
JSON
oscan good
is "$RUN_STATUS" 0 "good: compliant"
is "$(statuses good)" "IMPLICIT=pass PKCE=pass PLAIN=pass REQ=pass ISS=pass" "good: all pass"
d='.targets[0].observations.oidc.discovery'
is "$(jqr good.json "$d.present")" true "good: document recorded as present"
is "$(jqr good.json "$d.issuer")" "$issuer" "good: issuer recorded"
is "$(jqr good.json "$d.token_endpoint_auth_methods_supported | join(\",\")")" private_key_jwt \
    "good: token endpoint auth methods recorded"
is "$(jqr good.json "$d | has(\"jwks_uri\")")" false "good: members not judged are not recorded"
is "$(jqr good.json '.targets[0].observations.oidc.checks_run | join(",")')" oidc.discovery \
    "good: observed once for five controls"
like "$(evidence_of good PKCE)" 'PKCE methods \[S256\]' "good: evidence names the PKCE methods"
oscan good-api "$PORT" nz-health-api
is "$(api_status good-api COC-OIDC-01)/$(api_status good-api COC-OIDC-02)" pass/pass \
    "good: nz-health-api's OIDC controls pass"

serve <<JSON
{"issuer": "$issuer", "response_types_supported": ["code", "token", "id_token token"],
 "code_challenge_methods_supported": ["S256"]}
JSON
oscan implicit
is "$(statuses implicit)" "IMPLICIT=fail PKCE=pass PLAIN=pass REQ=pass ISS=pass" \
    "implicit: only the implicit control fails"
like "$(evidence_of implicit IMPLICIT)" 'implicit or hybrid flow\): \[token, id_token token\]' \
    "implicit: evidence names the response types"
isnt "$RUN_STATUS" 0 "implicit: not compliant"
oscan implicit-api "$PORT" nz-health-api
is "$(api_status implicit-api COC-OIDC-01)/$(api_status implicit-api COC-OIDC-02)" fail/pass \
    "implicit: nz-health-api's COC-OIDC-01 fails"

serve <<JSON
{"issuer": "$issuer", "response_types_supported": ["code", "code id_token"],
 "code_challenge_methods_supported": ["S256"]}
JSON
oscan hybrid
is "$(status_of hybrid IMPLICIT)" fail \
    "hybrid: code id_token fails (an ID token in the front channel)"

serve <<JSON
{"issuer": "$issuer", "response_types_supported": ["code"],
 "grant_types_supported": ["authorization_code", "implicit"],
 "code_challenge_methods_supported": ["S256"]}
JSON
oscan grant
is "$(status_of grant IMPLICIT)" fail "grant: the implicit grant type fails"
like "$(evidence_of grant IMPLICIT)" 'grant type implicit' "grant: evidence names it"

serve <<JSON
{"issuer": "$issuer", "response_types_supported": ["code"],
 "code_challenge_methods_supported": ["plain"]}
JSON
oscan nos256
is "$(statuses nos256)" "IMPLICIT=pass PKCE=fail PLAIN=fail REQ=pass ISS=pass" \
    "no S256: PKCE fails, plain fails"
like "$(evidence_of nos256 PKCE)" \
    'S256 is not advertised \(code_challenge_methods_supported: \[plain\]\)' "no S256: evidence"
oscan nos256-api "$PORT" nz-health-api
is "$(api_status nos256-api COC-OIDC-01)/$(api_status nos256-api COC-OIDC-02)" pass/fail \
    "no S256: nz-health-api's COC-OIDC-02 fails"

serve <<JSON
{"issuer": "$issuer/realms/portal", "response_types_supported": ["code"],
 "code_challenge_methods_supported": ["S256"]}
JSON
oscan issuer
is "$(status_of issuer ISS)" fail "issuer: an issuer with a path is not this document's"

serve -
oscan missing
is "$(statuses missing)" "IMPLICIT=skipped PKCE=skipped PLAIN=skipped REQ=fail ISS=skipped" \
    "missing: skipped, except where required"
like "$(evidence_of missing IMPLICIT)" 'answered 404\); not required' "missing: the reason"
like "$(evidence_of missing REQ)" 'the profile requires one' "missing + required: says why"
is "$(jqr missing.json "$d.present")" false "missing: recorded as absent"

serve <<'HTML'
<!DOCTYPE html>
<html><head><title>Portal</title></head><body><div id="app"></div></body></html>
HTML
oscan spa
is "$(status_of spa IMPLICIT)/$(status_of spa REQ)" skipped/fail \
    "spa: an HTML page in place of the document is no document"
like "$(evidence_of spa IMPLICIT)" 'HTML page' "spa: the reason"

serve <<JSON
{"issuer": "$issuer", "response_types_supported": ["code"
JSON
oscan malformed
is "$(statuses malformed)" "IMPLICIT=error PKCE=error PLAIN=error REQ=error ISS=error" \
    "malformed: every control is an error, never a pass or a skip"
like "$(evidence_of malformed IMPLICIT)" 'unusable: not valid JSON' "malformed: the reason"
like "$(jqr malformed.json '.targets[0].observations.oidc.errors["oidc.discovery"]')" \
    'not valid JSON' "malformed: the reason is in the observations"
is "$(jqr malformed.json '.targets[0].verdict')" incomplete "malformed: target incomplete"

serve <<JSON
{"issuer": "$issuer", "response_types_supported": "code token"}
JSON
oscan wrongtype
is "$(status_of wrongtype IMPLICIT)" error "wrong type: error"
like "$(evidence_of wrongtype IMPLICIT)" 'response_types_supported is a string, not a list' \
    "wrong type: the reason"

{
    printf '{"issuer": "%s", "response_types_supported": ["code"], "padding": "' "$issuer"
    head -c 200000 /dev/zero | tr '\0' a
    printf '"}\n'
} | serve
oscan huge
is "$(status_of huge IMPLICIT)" error "huge: a 200 KB document is an error"
like "$(evidence_of huge IMPLICIT)" 'larger than 131072 bytes' "huge: the reason"

# A redirect off the origin is recorded, not followed.
# shellcheck disable=SC2153  # PORT2 is set by start_nginx
oscan offorigin "$PORT2"
is "$(status_of offorigin IMPLICIT)/$(status_of offorigin REQ)" skipped/fail \
    "off-origin redirect: no document"
like "$(evidence_of offorigin IMPLICIT)" 'redirects to https://idp\.invalid/.*not followed' \
    "off-origin redirect: the reason names the target"

# Re-judged from the stored observations: a profile without the PKCE requirement passes.
bg_stop idp
cat >lax.yaml <<'YAML'
profile: oidc-lax
title: oidc.discovery without PKCE
controls:
  IMPLICIT: { title: no implicit, check: oidc.discovery, severity: high }
YAML
run "$COCSCAN" evaluate nos256.json --profile lax.yaml --json nos256-lax.json -q
is "$RUN_STATUS" 0 "evaluate: compliant under a profile without PKCE, without the network"
ok "evaluate: report validates" validate_report nos256-lax.json
done_testing
