#!/usr/bin/env bash
# 48-html-render.t — the HTML report of a scan of a hostile server, parsed and rendered.
#
# The server (a small python3 TLS server written below) puts markup — `<script>…</script>`,
# `"><img src=x onerror=…>` — and invalid UTF-8 (stray bytes, an overlong '<') into every header
# cocscan quotes (Server banner, X-Powered-By, HSTS, CSP, frame options, referrer policy,
# Permissions-Policy, cache control, cookies' names, values and attributes), into the page's
# <title> and content, and into its certificate (subject CN and O, a SAN). cocscan scans it with
# every check and writes --json and --html.
#   (a) html.parser: no <script>, <img> or other active or fetching element, no on* attribute,
#       no src/href/action, no external URL (link, @import, url(), refresh); every markup string
#       the JSON report holds shows up in the page as text; the page is valid UTF-8 and the
#       invalid bytes became U+FFFD.
#   (b) headless Chromium, with DNS mapped to nowhere: renders the page to a PNG that is not
#       blank (decoded here with zlib), logs no console message (no script ran, no CSP
#       violation, nothing failed to load), requests no URL (its net log), and --dump-dom shows
#       the report. A control page with a script and an image first proves both detectors see
#       what they should. Skipped when chromium is not installed; each run is bounded by
#       `timeout 60`.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd openssl jq

: >"$tmpdir/openssl.cnf"    # no site or user openssl.cnf changes what is made
export OPENSSL_CONF=$tmpdir/openssl.cnf
# Distinct markers, so each can be traced from the server into the page.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmpdir/h.key" \
    -out "$tmpdir/h.pem" -days 30 \
    -subj '/O=Org "><img src=x onerror=alert(11)>/CN=<script>alert(12)<\/script>' \
    -addext 'subjectAltName=DNS:<b>san</b>.example,DNS:localhost' 2>"$tmpdir/openssl.log" ||
    { diag_file "$tmpdir/openssl.log"; BAIL_OUT "openssl could not make the hostile certificate"; }

cat >"$tmpdir/hostile_http.py" <<'PY'
# A TLS server answering every GET and HEAD with hostile headers and a hostile page.
import socketserver, ssl, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
S, I = b"<script>alert(%d)</script>", b'"><img src=x onerror=alert(%d)>'
# stray bytes, a truncated sequence, an overlong '<' and '>', an encoded surrogate
BAD = b"\xff\xfe\xc3\x28 \xc0\xbcscript\xc0\xbe \xed\xa0\x80"
HEADERS = [
    (b"Server", b"Apache/2.4.1 (Unix) " + S % 1),
    (b"X-Powered-By", b"PHP/5.6.40 " + I % 2),
    (b"Strict-Transport-Security", b"max-age=60; " + S % 3),
    (b"Content-Security-Policy", b"default-src * " + I % 4 + b" " + BAD),
    (b"X-Frame-Options", S % 5),
    (b"Referrer-Policy", BAD + b" " + I % 6),
    (b"X-Content-Type-Options", I % 7),
    (b"Permissions-Policy", b'camera=("' + S % 8 + b'")'),
    (b"Cache-Control", b"public, max-age=3600, " + S % 9),
    (b"Set-Cookie", b"sess" + S % 21 + b"=" + S % 22 + b"; Path=/" + I % 23 + b"; SameSite=" + BAD),
    (b"Set-Cookie", I % 24 + b"=1; Domain=" + BAD + b"; " + S % 25),
    (b"Access-Control-Allow-Origin", S % 26),
]
PAGE = (b"<!DOCTYPE html><html><head><title>" + S % 31 + I % 32 + BAD + b"</title>"
        b'<meta http-equiv="refresh" content="0; url=https://evil.example/">'
        b"</head><body><h1>" + I % 33 + b"</h1>" + BAD +
        b'<form method="post" action="javascript:alert(34)"><input name="username">'
        b'<input type="password" name="password"></form>'
        b'<a href="/documents/1.pdf' + S % 35 + b'">doc</a></body></html>')

class H(BaseHTTPRequestHandler):
    def answer(self, body):
        status = b"200 OK" if self.path.split("?")[0] == "/" else b"404 " + S % 40
        head = [b"HTTP/1.1 " + status, b"Content-Type: text/html; charset=utf-8",
                b"Content-Length: %d" % len(PAGE), b"Connection: close"]
        head += [k + b": " + v for k, v in HEADERS]
        self.wfile.write(b"\r\n".join(head) + b"\r\n\r\n" + (PAGE if body else b""))
    def do_GET(self):
        self.answer(True)
    def do_HEAD(self):
        self.answer(False)
    def log_message(self, *a):
        pass

class Server(ThreadingHTTPServer):
    daemon_threads = True
    def finish_request(self, request, address):
        request.settimeout(10)
        try:
            tls = CTX.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return  # TLS probes: hellos cut short, old versions refused
        H(tls, address, self)
    def handle_error(self, request, address):
        pass

CTX = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
CTX.load_cert_chain(cert, key)
Server(("127.0.0.1", port), H).serve_forever()
PY

_coc_start_simple hostile "$COC_PYTHON" "$tmpdir/hostile_http.py" @PORT@ "$tmpdir/h.pem" \
    "$tmpdir/h.key" || BAIL_OUT "the hostile server did not start"

# Every check, as a PHO would run it (no --checks).
run "$COCSCAN" scan -q -t 5 --ca-file "$tmpdir/h.pem" --json "$tmpdir/r.json" \
    --html "$tmpdir/r.html" "https://127.0.0.1:$PORT/"
is "$RUN_STATUS" 1 "the hostile server is non-compliant (exit 1)"
[ "$TAP_LAST_OK" = 1 ] || diag_file "$RUN_ERR"
ok "the JSON report validates" validate_report "$tmpdir/r.json"
ok "the HTML report was written" test -s "$tmpdir/r.html"

# The markers the results quote (some checks quote a header, some only judge it): what the
# HTML page shows. Observations (where the certificate's subject is) are in the JSON only.
markers_re='<script>alert\([0-9]+\)</script>|"><img src=x onerror=alert\([0-9]+\)>|<b>san</b>'
jq -r --arg re "$markers_re" '[.targets[].results[] | (.expected, .observed, .evidence)
    | .. | strings | scan($re)] | unique | .[]' "$tmpdir/r.json" >"$tmpdir/markers"
note "markers in the results: $(paste -sd ' ' "$tmpdir/markers")"
for want in 'alert(1)' 'alert(2)' '<b>san</b>'; do
    ok "a result quotes marker $want (Server, X-Powered-By, certificate SAN)" \
        grep -qF "$want" "$tmpdir/markers"
done
like "$(jqr "$tmpdir/r.json" '.targets[0].observations.cert.leaf.subject')" \
    'alert\(12\).*alert\(11\)' "the certificate's markup subject is observed (CN and O)"

# (a) The page's structure.
cat >"$tmpdir/html_check.py" <<'PY'
import json, re, sys
from html.parser import HTMLParser
raw = open(sys.argv[1], "rb").read()
problems = []
try:
    page = raw.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("not valid UTF-8: %s" % e)
ACTIVE = {"script", "img", "iframe", "frame", "object", "embed", "link", "base", "form", "input",
          "button", "svg", "math", "video", "audio", "source", "picture", "applet", "a", "area",
          "template", "noscript", "portal"}
URL_ATTRS = {"src", "href", "srcset", "action", "formaction", "xlink:href", "background",
             "poster", "data", "ping", "manifest", "codebase", "cite", "longdesc", "usemap"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.styles, self.stack = [], 0, []
    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        if tag in ACTIVE:
            problems.append("element <%s>" % tag)
        if tag == "style":
            self.styles += 1
        for k, v in attrs:
            if k.startswith("on"):
                problems.append("event handler %s on <%s>" % (k, tag))
            if k in URL_ATTRS:
                problems.append("URL attribute %s=%r on <%s>" % (k, v, tag))
            if k == "style" and v and re.search(r"url\(|@import|expression\(", v, re.I):
                problems.append("fetching inline style on <%s>" % tag)
            if tag == "meta" and k == "http-equiv" and v and v.lower() in ("refresh", "set-cookie"):
                problems.append("<meta http-equiv=%s>" % v)
    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
    def handle_data(self, d):
        if self.stack and self.stack[-1] == "style":
            if re.search(r"url\(|@import|expression\(|https?:|//", d, re.I):
                problems.append("the stylesheet fetches or names a URL")
        else:
            self.text.append(d)
    def handle_comment(self, d):
        problems.append("a comment (%r): server text must never be able to open one" % d[:40])
p = P()
p.feed(page)
p.close()
if p.styles != 1:
    problems.append("%d <style> elements, expected the one inline stylesheet" % p.styles)
text = "".join(p.text)
for m in open(sys.argv[2], encoding="utf-8").read().splitlines():
    # as text, or inside the page's raw-JSON view of an observed value
    if m and m not in text and json.dumps(m)[1:-1] not in text:
        problems.append("marker not shown as text: %r" % m)
if "\ufffd" not in text:
    problems.append("no U+FFFD: the invalid UTF-8 from the server did not reach the page")
if re.search("\u00bc|\u00c0", text):
    problems.append("invalid bytes decoded as Latin-1")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
ok "HTML: valid UTF-8; no active element, handler, URL attribute or fetch; markers as text" \
    "$COC_PYTHON" "$tmpdir/html_check.py" "$tmpdir/r.html" "$tmpdir/markers"
raw_bad=$(grep -o -i -E '<(script|img|link|iframe)[ />]|@import|url\(' "$tmpdir/r.html" || true)
unlike "$raw_bad" '.' "HTML: no raw <script, <img, <link, @import or url( anywhere in the bytes"

# (b) Headless Chromium.
chromium_bin=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium_bin" ]; then
    skip "chromium not installed (headless render checks)" 7
    done_testing
    exit 0
fi

# chrome NAME FILE [EXTRA_ARGS...] — one headless run on FILE; stdout, stderr (logging) and
# the net log under $tmpdir/NAME.*; its exit status is returned.
chrome() {
    local name=$1 file=$2 rc=0
    shift 2
    timeout --kill-after=5 60 "$chromium_bin" --headless=new --no-sandbox --disable-gpu \
        --user-data-dir="$tmpdir/chr-$name" --host-resolver-rules="MAP * ~NOTFOUND" \
        --no-first-run --no-default-browser-check --disable-extensions \
        --enable-logging=stderr --v=0 --log-net-log="$tmpdir/$name.netlog.json" \
        "$@" "file://$file" >"$tmpdir/$name.out" 2>"$tmpdir/$name.err" </dev/null || rc=$?
    return "$rc"
}
# console_lines NAME — console messages chromium logged for a file:// page.
console_lines() { grep -E 'CONSOLE|Uncaught' "$tmpdir/$1.err" | grep -F 'file://' || true; }

cat >"$tmpdir/netlog.py" <<'PY'
# The URLs a page loaded from file:// asked the network for (chromium's own background
# requests have no file:// site).
import json, sys
try:
    j = json.load(open(sys.argv[1]))
except ValueError:  # cut short: close the event list
    t = open(sys.argv[1]).read().rstrip().rstrip(",")
    j = json.loads(t + ("]}" if not t.endswith("}") or t.count("[") > t.count("]") else ""))
names = {v: k for k, v in j["constants"]["logEventTypes"].items()}
seen = set()
for e in j.get("events", []):
    p = e.get("params") or {}
    if names.get(e.get("type")) == "URL_REQUEST_START_JOB" and "file://" in (
            str(p.get("site_for_cookies", "")) + str(p.get("network_isolation_key", ""))):
        seen.add(p.get("url", "?"))
print("\n".join(sorted(seen)))
PY

# A control page: a script that logs, and an image from the network. If this chromium's
# logging or net log does not show them, those two checks would prove nothing: skip them.
printf '%s' '<!DOCTYPE html><html><head><title>control</title></head><body>control' \
    '<img src="https://fetch-probe.example/x.png">' \
    '<script>console.error("cocscan-console-probe")</script></body></html>' \
    >"$tmpdir/control.html"
chrome control "$tmpdir/control.html" --screenshot="$tmpdir/control.png" \
    --window-size=400,300 || true
console_ok=0 net_ok=0
if console_lines control | grep -q cocscan-console-probe; then console_ok=1; fi
if "$COC_PYTHON" "$tmpdir/netlog.py" "$tmpdir/control.netlog.json" 2>/dev/null |
    grep -q fetch-probe.example; then net_ok=1; fi
note "control page: console capture $console_ok, net log capture $net_ok"

rc=0
chrome report "$tmpdir/r.html" --screenshot="$tmpdir/shot.png" --window-size=1280,2000 || rc=$?
is "$rc" 0 "chromium renders the report and exits 0"
[ "$TAP_LAST_OK" = 1 ] || diag_file "$tmpdir/report.err"

cat >"$tmpdir/png_colours.py" <<'PY'
# Distinct colours of an 8-bit RGB/RGBA PNG, decoded with zlib (no imaging library needed).
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, ihdr = 8, [], None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat.append(body)
    pos += 12 + n
w, h, depth, ctype, _, _, interlace = ihdr
assert depth == 8 and ctype in (2, 6) and interlace == 0, "unexpected PNG format %r" % (ihdr,)
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(b"".join(idat)), w * bpp
prev, colours, off = bytearray(stride), set(), 0
for y in range(h):
    f, line = raw[off], bytearray(raw[off + 1:off + 1 + stride])
    off += 1 + stride
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1:
            line[i] = (line[i] + a) & 255
        elif f == 2:
            line[i] = (line[i] + b) & 255
        elif f == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        colours.update(bytes(line[i:i + bpp]) for i in range(0, stride, bpp * 2))
    prev = line
print(len(colours))
PY
colours=$("$COC_PYTHON" "$tmpdir/png_colours.py" "$tmpdir/shot.png" 2>"$tmpdir/png.err" || echo 0)
note "screenshot: $colours distinct colours (sampled)"
like "$colours" '^([2-9][0-9]|[1-9][0-9]{2,})$' "the screenshot is not blank (>= 20 colours)"
[ "$TAP_LAST_OK" = 1 ] || diag_file "$tmpdir/png.err"

if [ "$console_ok" = 1 ]; then
    is "$(console_lines report)" "" "chromium logs no console message for the report page"
else
    skip "this chromium does not log a control page's console message"
fi
if [ "$net_ok" = 1 ]; then
    is "$("$COC_PYTHON" "$tmpdir/netlog.py" "$tmpdir/report.netlog.json" | paste -sd ' ')" "" \
        "the report page requests no URL (chromium's net log)"
else
    skip "this chromium's net log does not show a control page's request"
fi

rc=0
chrome dom "$tmpdir/r.html" --dump-dom || rc=$?
is "$rc" 0 "chromium --dump-dom exits 0"
like "$(cat "$tmpdir/dom.out")" 'CODE OF CONNECTION|[Cc]ode of connection' \
    "the rendered DOM holds the report"
unlike "$(grep -o -i -E '<(script|img)[ >]' "$tmpdir/dom.out" | head -2)" '.' \
    "the rendered DOM has no script or img element"
done_testing
