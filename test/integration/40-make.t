#!/usr/bin/env bash
# 40-make.t — the README's promises about make: `make install PREFIX=…` installs the binary,
# the built-in profiles and the man page; the demo scans its portal and writes a valid report.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd nginx make

prefix=$tmpdir/inst
ok "make install PREFIX=…" make -s -C "$top" install PREFIX="$prefix"
ok "installed binary runs" "$prefix/bin/cocscan" --version
ok "installed man page" test -s "$prefix/share/man/man1/cocscan.1"
ok "installed built-in profile" test -s "$prefix/share/cocscan/profiles/nz-health-portal.yaml"
ok "installed profile validates" "$prefix/bin/cocscan" profile validate \
    "$prefix/share/cocscan/profiles/nz-health-portal.yaml"

run env COC_DEMO_OUT="$tmpdir/out" COC_DEMO_STATE="$tmpdir/demo" bash "$top/test/fixtures/demo/demo.sh"
is "$RUN_STATUS" 0 "the demo runs"
like "$(cat "$RUN_OUT")" 'Verdict: NON-COMPLIANT' "the demo prints a summary with a verdict"
ok "the demo report validates" validate_report "$tmpdir/out/demo.json"
is "$(jqr "$tmpdir/out/demo.json" '.targets[0].results[] | select(.control == "COC-HDR-01") | .status')" \
    fail "the demo's planted one-day HSTS is found"
ok "the demo portal is stopped afterwards" sh -c "! pgrep -f '[n]ginx.*$tmpdir/demo' >/dev/null"
done_testing
