#!/bin/sh
# test_cipher_table_current.sh — the committed checks/cipher_table.c is what gen_ciphers.sh makes
# from the committed CSV, and the generator classifies signalling values and rejects names it
# does not understand. TAP output; exit status 0 only if every test passed.
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
gen="$root/checks/gen_ciphers.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

ok() { echo "ok $1 - $2"; }
not_ok() { echo "not ok $1 - $2"; fails=$((fails + 1)); }

echo "1..4"

if sh "$gen" > "$tmp/cipher_table.c" &&
    diff -u "$root/checks/cipher_table.c" "$tmp/cipher_table.c"; then
    ok 1 "checks/cipher_table.c is current"
else
    not_ok 1 "checks/cipher_table.c is stale: run sh checks/gen_ciphers.sh > checks/cipher_table.c"
fi

csv_rows=$(grep -c '^0x' "$root/checks/data/tls-cipher-suites.csv")
table_rows=$(grep -c '^    { 0x' "$root/checks/cipher_table.c")
if [ "$csv_rows" -eq "$table_rows" ]; then
    ok 2 "one table row per CSV row ($csv_rows)"
else
    not_ok 2 "CSV has $csv_rows rows, table has $table_rows"
fi

printf 'code,name\r\n0x5600,TLS_FALLBACK_SCSV\r\n0x00FF,TLS_EMPTY_RENEGOTIATION_INFO_SCSV\r\n' \
    > "$tmp/scsv.csv"
if sh "$gen" "$tmp/scsv.csv" > "$tmp/scsv.c" &&
    [ "$(grep -c 'CS_SCSV },' "$tmp/scsv.c")" -eq 2 ] &&
    grep -n '0x00FF' "$tmp/scsv.c" | cut -d: -f1 > "$tmp/a" &&
    grep -n '0x5600' "$tmp/scsv.c" | cut -d: -f1 > "$tmp/b" &&
    [ "$(cat "$tmp/a")" -lt "$(cat "$tmp/b")" ]; then
    ok 3 "signalling values get CS_SCSV, rows sorted by code, CRLF accepted"
else
    not_ok 3 "signalling values"
fi

printf 'code,name\n0x0001,TLS_FOO_WITH_BAR_SHA\n' > "$tmp/bad.csv"
if sh "$gen" "$tmp/bad.csv" > /dev/null 2>&1; then
    not_ok 4 "an unknown key exchange must stop the generator"
else
    ok 4 "an unknown key exchange stops the generator"
fi

[ "$fails" -eq 0 ]
