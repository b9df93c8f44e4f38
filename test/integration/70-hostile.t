#!/usr/bin/env bash
# 70-hostile.t — the real binary against test/fixtures/hostile.py, a server that misbehaves on
# cue: at the TLS level (a truncated record, a record claiming 0xFFFF bytes, a 2^16+1-byte
# handshake message, endless alerts, silence, one byte per second) and at the HTTP level over
# real TLS (a 1 GiB body, a gzip bomb, a redirect loop, a redirect to another host name, 10,000
# headers, an endless head, a 14 KiB header value, a 1 MiB header line, invalid UTF-8 and markup
# in every field, a trickled body). For every mode the scan must:
#   - finish, within a budget derived from --timeout (see BUDGETS below); `timeout 120` is the
#     backstop, so a hang fails the test instead of stalling it;
#   - keep its peak RSS (GNU time's %M) under RSS_MAX_KB, 256 MiB — a body or bomb held in
#     memory would be 1 GiB. Under SANITIZE=1, ASan's quarantine of freed memory (256 MiB by
#     default) is the sanitizer's, not cocscan's: it is cut to 16 MiB for these runs;
#   - judge what the server broke as `error` with the reason in the evidence (or as the fail
#     that the headers it really sent deserve) — never `pass` on a hostile answer;
#   - write a JSON report valid against the schema, and an HTML report in which Python's
#     html.parser finds no element, attribute or <meta> that the server's bytes put there (the
#     report's own page has no script at all and exactly one <style>);
#   - print no sanitizer report (lib.sh's run counts them too).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd jq timeout openssl
[ -x /usr/bin/time ] || skip_all "GNU time (/usr/bin/time) not installed"
gen_certs

T=2                         # --timeout of every scan but http-trickle's
RSS_MAX_KB=$((256 * 1024))
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16
NO_HTTP=$(free_port)        # nobody listens: http.redirect's plain-http probe is refused at once

# BUDGETS. Every network step is bounded by --timeout t: a connect, a raw hello's answer, an
# OpenSSL handshake, a stalled HTTP transfer (below 1 KiB/s for t); an HTTP request in all by 2t.
#   TLS modes (--checks tls,cert,headers.hsts): reachability connect (t), six protocol probes
#   (connect + answer, 2t each) of which at most 4 run at once per host (two rounds, 4t), the
#   certificate handshake (2t), the start page (2t): 9t, plus 10 s for start-up and sanitizers.
#   HTTP modes answer at once; caps, not deadlines, end them. A budget of 30 s is far below the
#   2t-per-request worst case (about 40 requests with mfa and documents) and far above what they
#   take (under 3 s with ASan): going past it means something waited on the server instead of
#   stopping at a cap.
#   http-trickle (-t 4, --checks headers): one request, stalled from its first body byte, must
#   end at t (the low-speed limit), not at the 2t total: budget 1.5t + 1 s.
TLS_BUDGET=$((9 * T + 10))
HTTP_BUDGET=30

cat >"$tmpdir/html_check.py" <<'PY'
"""html_check.py REPORT [TEXT...]: the HTML report holds no element, attribute or <meta> that
hostile input could have put there, decodes as UTF-8, and shows every TEXT as text."""
import sys
from html.parser import HTMLParser
BAD = {"script", "img", "iframe", "frame", "object", "embed", "link", "base", "form", "input",
       "button", "svg", "math", "audio", "video", "source", "a", "template", "noscript"}
META_OK = {("charset", None), ("http-equiv", "content-security-policy"), ("name", "referrer"),
           ("name", "viewport"), ("name", "generator")}
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.text, self.styles = [], [], 0
    def handle_starttag(self, tag, attrs):
        if tag in BAD:
            self.problems.append("element <%s>" % tag)
        if tag == "style":
            self.styles += 1
        if tag == "meta":
            key = [(k, (v or "").lower() if k == "http-equiv" else v if k == "name" else None)
                   for k, v in attrs if k in ("charset", "http-equiv", "name")]
            if len(key) != 1 or key[0] not in META_OK:
                self.problems.append("meta %r" % attrs)
        for k, v in attrs:
            if k.startswith("on") or k in ("href", "src", "srcset", "action", "formaction",
                                           "xlink:href", "srcdoc"):
                self.problems.append("attribute %s on <%s>" % (k, tag))
    handle_startendtag = handle_starttag
    def handle_data(self, d):
        self.text.append(d)
p = P()
try:
    p.feed(open(sys.argv[1], encoding="utf-8", errors="strict").read())
    p.close()
except UnicodeDecodeError as e:
    sys.exit("not UTF-8: %s" % e)
if p.styles != 1:
    p.problems.append("%d <style> elements (the report has one)" % p.styles)
text = "".join(p.text)
for want in sys.argv[2:]:
    if want not in text:
        p.problems.append("text missing: %r" % want)
print("\n".join(p.problems))
sys.exit(1 if p.problems else 0)
PY
html_ok() { "$COC_PYTHON" "$tmpdir/html_check.py" "$@"; }

# hostile_scan NAME BUDGET_S CHECKS TIMEOUT_S HOSTILE_ARGS... — start the fixture as NAME, scan
# it with `cocscan scan -v -q -t TIMEOUT_S --checks CHECKS --json NAME.json --html NAME.html`
# under GNU time and `timeout 120`, stop the fixture, and record the checks every mode shares.
# Sets RUN_STATUS, RUN_ERR (as run does), ELAPSED (s) and URL; NAME.log is the fixture's stderr,
# NAME.requests.jsonl (HOSTILE_LOG) its one line per connection.
hostile_scan() {
    local name=$1 budget=$2 checks=$3 t=$4 tf rss
    shift 4
    if ! start_hostile "$name" "$@"; then
        fail "$name: the fixture starts"
        RUN_STATUS=not-run
        return 0
    fi
    URL=https://127.0.0.1:$PORT/
    tf=$tmpdir/$name.time
    run /usr/bin/time -f '%e %M' -o "$tf" timeout -k 5 120 "$COCSCAN" scan -v -q -t "$t" \
        --http-port "$NO_HTTP" --checks "$checks" --json "$tmpdir/$name.json" \
        --html "$tmpdir/$name.html" "$URL"
    bg_stop "$name"
    ELAPSED=999 rss=999999999
    [ -s "$tf" ] && read -r ELAPSED rss < <(tail -n 1 "$tf")
    note "$name: exit $RUN_STATUS after $ELAPSED s (budget $budget s), peak RSS $rss KiB"
    if [ "$RUN_STATUS" = 1 ]; then
        pass "$name: the scan finishes, non-compliant or incomplete (exit 1)"
    else
        fail "$name: the scan finishes, non-compliant or incomplete (exit 1)"
        [ "$RUN_STATUS" = 124 ] && diag "$name: killed by timeout 120 (a hang)"
        diag "exit status $RUN_STATUS"
        diag_file "$RUN_ERR"
    fi
    ok "$name: within its budget ($ELAPSED s < $budget s)" \
        "$COC_PYTHON" -c 'import sys; sys.exit(float(sys.argv[1]) >= float(sys.argv[2]))' \
        "$ELAPSED" "$budget"
    ok "$name: peak RSS $rss KiB < $RSS_MAX_KB KiB" test "$rss" -lt "$RSS_MAX_KB"
    unlike "$(cat "$RUN_ERR")" 'AddressSanitizer|LeakSanitizer|runtime error' \
        "$name: no sanitizer report"
    ok "$name: the JSON report validates against the schema" \
        validate_report "$tmpdir/$name.json"
    ok "$name: the HTML report is UTF-8 and nothing in it became markup" \
        html_ok "$tmpdir/$name.html"
    unlike "$(cat "$tmpdir/$name.log")" 'internal error' "$name: the fixture did not fail"
}

# results NAME CHECK_REGEX FIELD — "control status" (or FIELD) of every result whose check
# matches CHECK_REGEX and that was not skipped, sorted.
results() {
    jqr "$tmpdir/$1.json" "[.targets[0].results[] | select((.check // \"\") | test(\"$2\"))
        | select(.status != \"skipped\")] | .[] | \"\(.control) \(.$3)\"" | sort
}
# statuses NAME CHECK_REGEX — the distinct statuses of those results, comma-separated.
statuses() { results "$1" "$2" status | awk '{print $2}' | sort -u | paste -sd, -; }
# passes NAME CHECK_REGEX — the controls among them that passed, comma-separated.
passes() { results "$1" "$2" status | awk '$2 == "pass" {print $1}' | paste -sd, -; }
# evidences NAME CHECK_REGEX — the distinct evidence of those results, one per line.
evidences() {
    jqr "$tmpdir/$1.json" "[.targets[0].results[] | select((.check // \"\") | test(\"$2\"))
        | select(.status != \"skipped\") | .evidence // \"\"] | unique | .[]"
}
obs() { jqr "$tmpdir/$1.json" ".targets[0].observations.$2"; }
# served NAME FILTER — FILTER over the fixture's connection log as one JSON array.
served() { jq -rs "$2" "$tmpdir/$1.requests.jsonl"; }

# ---------------------------------------------------------------------------------------------
# TLS level: nothing is accepted, every tls, cert and headers.hsts result is an error, and each
# probe says what the server did.

# tls_mode MODE ANSWER CERT_REASON — ANSWER: what every protocol probe must have recorded
# (ERE); CERT_REASON: what the certificate handshake's failure must say (ERE).
tls_mode() {
    local name=$1 answer=$2 cert=$3
    hostile_scan "$name" "$TLS_BUDGET" tls,cert,headers.hsts "$T" --mode "$name" --hold 30
    is "$(statuses "$name" '^(tls|cert|headers)[.]')" error \
        "$name: every tls, cert and headers.hsts result is error"
    is "$(evidences "$name" '^(tls|cert|headers)[.]' | grep -c '^$' || true)" 0 \
        "$name: …each with its reason in the evidence"
    like "$(obs "$name" 'tls.protocol_answers | [.[].answer] | unique | join(" | ")')" \
        "^($answer)\$" "$name: every protocol probe's answer says what happened"
    like "$(evidences "$name" '^cert[.]' | sort -u | paste -sd' ' -)" "$cert" \
        "$name: the certificate handshake's error says why"
}
tls_mode tls-truncated 'connection closed without a ServerHello' 'unexpected eof'
tls_mode tls-oversized 'malformed answer: record too long' 'packet length too long'
tls_mode tls-hugemsg 'malformed answer: .+' 'TLS handshake with .* failed: .+'
tls_mode tls-alerts 'malformed answer: input exceeds cap' 'too many warn alerts'
tls_mode tls-silent 'no answer within the deadline' 'timed out'
tls_mode tls-trickle 'no answer within the deadline' 'timed out'

# ---------------------------------------------------------------------------------------------
# HTTP level, over real TLS with the test PKI's certificate.

HDRS='^(headers|cookies|http)[.]'   # the checks judging the start page's headers
ORIGIN_RE='https://127[.]0[.]0[.]1:[0-9]+'

# 1 GiB body and a gzip bomb: read up to the 2 MiB body cap (decoded bytes, for the bomb) and
# no further, with every family that fetches pages (each has its own smaller cap). The pages
# send no security header: those checks fail, correctly, and pass nothing.
for mode in http-body-1g http-gzip-bomb; do
    hostile_scan "$mode" "$HTTP_BUDGET" headers,http,cookies,mfa,documents "$T" --mode "$mode"
    like "$(cat "$RUN_ERR")" "GET ${URL//./[.]} -> 200 \\(2097152 bytes, truncated\\)" \
        "$mode: the start page is cut at the 2 MiB body cap"
    is "$(statuses "$mode" '^headers[.]')" fail "$mode: the headers it did not send fail"
    is "$(served "$mode" '[.[] | .summary | select(test("body bytes"))
        | capture("sent (?<n>[0-9]+)").n | tonumber | select(. > 64 * 1048576)] | length')" 0 \
        "$mode: no request read past 64 MiB of the stream (the client hung up)"
done
is "$(served http-gzip-bomb '[.[].summary | select(test("body bytes"))] | length > 5')" true \
    "http-gzip-bomb: several fetches met the bomb"

# A redirect loop: at most 5 redirects followed, then judged as it stands.
hostile_scan http-redirect-loop "$HTTP_BUDGET" headers,http,cookies "$T" --mode http-redirect-loop
is "$(obs http-redirect-loop 'http.redirect_not_followed')" "too many redirects" \
    "http-redirect-loop: recorded as too many redirects"
is "$(obs http-redirect-loop 'http.chain | length')" 6 "http-redirect-loop: 6 responses kept"
like "$(served http-redirect-loop '[.[] | select(.path)] | length')" '^([0-9]|1[0-2])$' \
    "http-redirect-loop: a bounded number of requests (at most 12)"
is "$(passes http-redirect-loop '^headers[.]')" "" "http-redirect-loop: no headers control passes"

# A redirect to another host name (localhost: this same server, so a visit would be logged).
hostile_scan http-redirect-offsite "$HTTP_BUDGET" headers,http,cookies,mfa,documents "$T" \
    --mode http-redirect-offsite
is "$(obs http-redirect-offsite 'http.redirect_not_followed')" "leaves the target's origin" \
    "http-redirect-offsite: recorded, not followed"
is "$(served http-redirect-offsite '[.[] | select(.host // "" | startswith("localhost"))]
    | length')" 0 "http-redirect-offsite: no request ever reached the other host name"
like "$(obs http-redirect-offsite 'http.chain[0].location')" "<script>alert\\('loc'\\)</script>" \
    "http-redirect-offsite: the Location is recorded verbatim (as data)"
is "$(passes http-redirect-offsite '^headers[.]')" "" \
    "http-redirect-offsite: no headers control passes"

# Headers not read whole: 10,000 lines (the first 200 kept), an endless head (cut at 256 KiB),
# a 14 KiB policy (values cut at 8 KiB: what follows allows inline script), a 1 MiB line
# (curl refuses lines over 100 KiB). Each page sends good security headers after the trouble,
# so judging what was read would be a false verdict either way: all must be error.
headers_unread() { # MODE EVIDENCE_ERE
    hostile_scan "$1" "$HTTP_BUDGET" headers,http,cookies "$T" --mode "$1"
    is "$(statuses "$1" "$HDRS")" error "$1: every header-judging result is error"
    is "$(evidences "$1" "$HDRS" | grep -Ev "^($2)\$" || true)" "" "$1: …each saying why"
}
headers_unread http-many-headers \
    'the start page sent more than 200 header lines or a header value over 8192 bytes; .*'
is "$(obs http-many-headers 'http.headers_truncated')" true \
    "http-many-headers: headers_truncated is observed"
headers_unread http-header-flood "GET $ORIGIN_RE/: the response head is larger than 256 KiB"
headers_unread http-long-value \
    'the start page sent more than 200 header lines or a header value over 8192 bytes; .*'
headers_unread http-huge-header \
    "GET $ORIGIN_RE/: a response header line is over curl's 100 KiB limit .*"

# Invalid UTF-8 in the banner, the other headers, cookie names and values, title and body:
# replaced (U+FFFD) in the JSON, which stays valid UTF-8; nothing passes on it.
hostile_scan http-bad-utf8 "$HTTP_BUDGET" headers,http,cookies,mfa,documents "$T" \
    --mode http-bad-utf8
is "$(obs http-bad-utf8 'http.headers.server[0] | startswith("nginx/1.2\ufffd")')" true \
    "http-bad-utf8: the Server banner is kept with U+FFFD for the bad bytes"
ok "http-bad-utf8: the JSON report is strict UTF-8 JSON" "$COC_PYTHON" -c \
    'import json, sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))' \
    "$tmpdir/http-bad-utf8.json"
is "$(passes http-bad-utf8 '^(headers[.]|cookies|http[.]info_leak)')" "" \
    "http-bad-utf8: no header, cookie or banner control passes"

# Markup and quotes everywhere, certificate subject included: shown as text, never as markup.
mk=$tmpdir/markup-cert
if OPENSSL_CONF=/dev/null openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -nodes -keyout "$mk.key" -out "$mk.pem" -days 30 \
    -subj "/CN=<script>alert('cn')<\\/script>/O=\"><img src=x onerror=alert(\"o\")>" \
    -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:<b>san</b>.example' \
    >"$mk.log" 2>&1; then
    cert_args=(--cert "$mk.pem" --key "$mk.key")
else
    diag_file "$mk.log"
    cert_args=()
fi
hostile_scan http-markup "$HTTP_BUDGET" cert,headers,http,cookies,mfa,documents "$T" \
    --mode http-markup "${cert_args[@]}"
ok "http-markup: the banners, header values and cookie names are shown as text" \
    html_ok "$tmpdir/http-markup.html" "nginx/1.0 <script>alert('server')</script>" \
    "PHP/7.0 <script>alert('powered')</script>\"><img src=x onerror=alert(\"powered\")>" \
    "<script>alert('cookiename')</script>" "<script>alert('xcto')</script>"
if [ "${#cert_args[@]}" -gt 0 ]; then
    like "$(obs http-markup 'cert.leaf.subject')" "alert\\('cn'\\)" \
        "http-markup: the certificate subject's markup is kept as data"
    like "$(obs http-markup 'cert.leaf.san_dns | join(",")')" '<b>san</b>[.]example' \
        "http-markup: …and the SAN's"
else
    skip "openssl cannot make the markup certificate" 2
fi
is "$(passes http-markup '^(headers[.](hsts|content|referrer|csp|frame)|cookies|http[.]info)')" \
    "" "http-markup: no control passes on a marked-up value"

# A body trickled at one byte a second: the request is stalled, so it ends at t, not 2t.
hostile_scan http-trickle 7 headers 4 --mode http-trickle --hold 30
is "$(statuses http-trickle '^headers[.]')" error "http-trickle: the headers results are error"
like "$(evidences http-trickle '^headers[.]' | paste -sd'|' -)" "^GET ${URL//./[.]}: Timeout" \
    "http-trickle: …because the transfer stalled"

done_testing
