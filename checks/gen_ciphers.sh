#!/bin/sh
# gen_ciphers.sh — generate checks/cipher_table.c from the IANA cipher-suite registry copy.
#
# Usage: sh checks/gen_ciphers.sh [CSV] > checks/cipher_table.c
# CSV defaults to checks/data/tls-cipher-suites.csv (columns: code,name). Every property in the
# table is derived from the suite name (TLS_<kx>_<au>_WITH_<enc>_<mac>, TLS 1.3: TLS_<enc>_<hash>);
# a name the rules below do not understand stops the generator, so a new registry entry cannot
# slip into the table with made-up properties. POSIX sh and awk only.
set -eu

here=$(dirname "$0")
csv=${1:-"$here/data/tls-cipher-suites.csv"}
if [ ! -r "$csv" ]; then
    echo "gen_ciphers.sh: cannot read $csv" >&2
    exit 1
fi
src=$(basename "$csv")

awk -v src="$src" '
function die(msg) {
    printf "gen_ciphers.sh: %s:%d: %s\n", FILENAME, FNR, msg | "cat 1>&2"
    failed = 1
    exit 1
}

function hexval(s,    i, v) {
    v = 0
    s = toupper(s)
    for (i = 3; i <= length(s); i++)
        v = v * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1
    return v
}

function addflag(f) {
    FLAGS = (FLAGS == "") ? f : FLAGS " | " f
}

# Key exchange and authentication from the part before _WITH_.
function kxau(s) {
    if (s == "NULL" || s == "RSA" || s == "KRB5" || s == "PSK" || s == "ECCPWD") {
        KX = s; AU = s
        if (s == "ECCPWD") AU = "ECCPWD"
    } else if (s ~ /^(DH|DHE|ECDH|ECDHE)_(RSA|DSS|ECDSA|anon)$/) {
        KX = substr(s, 1, index(s, "_") - 1)
        AU = substr(s, index(s, "_") + 1)
    } else if (s == "DHE_PSK" || s == "PSK_DHE") {
        KX = "DHE_PSK"; AU = "PSK"
    } else if (s == "ECDHE_PSK") {
        KX = "ECDHE_PSK"; AU = "PSK"
    } else if (s == "RSA_PSK") {
        KX = "RSA_PSK"; AU = "RSA"
    } else if (s == "SRP_SHA") {
        KX = "SRP"; AU = "SRP"
    } else if (s == "SRP_SHA_RSA" || s == "SRP_SHA_DSS") {
        KX = "SRP"; AU = substr(s, 9)
    } else if (s ~ /^GOSTR341112_/) {
        KX = s; AU = "GOSTR341012"
    } else {
        die("unknown key exchange/authentication \"" s "\"")
    }
}

function strength(enc) {
    if (enc == "NULL") return 0
    if (enc ~ /^(DES40_CBC|DES_CBC_40|RC4_40|RC2_CBC_40)$/) return 40
    if (enc ~ /^(DES_CBC|RC4_56)$/) return 56
    if (enc == "3DES_EDE_CBC") return 112
    if (enc ~ /^(IDEA_CBC|SEED_CBC)$/) return 128
    if (enc ~ /_128(_|$)/) return 128
    if (enc ~ /_256(_|$)/) return 256
    if (enc == "CHACHA20_POLY1305") return 256
    if (enc ~ /^(KUZNYECHIK_CTR|MAGMA_CTR|28147_CNT)$/) return 256
    die("unknown cipher \"" enc "\"")
}

# Sets KX AU ENC BITS MAC FLAGS from a suite name.
function classify(name,    n, w, s, rest, isexp, tls13) {
    n = name
    FLAGS = ""
    isexp = 0
    tls13 = 0
    if (n ~ /^OLD_/)
        n = substr(n, 5)        # pre-standard ChaCha20 codes: same properties as the RFC ones
    if (n !~ /^(TLS|SSL)_/)
        die("name does not start with TLS_: \"" name "\"")
    n = substr(n, 5)
    if (n ~ /_SCSV$/) {
        KX = "NULL"; AU = "NULL"; ENC = "NULL"; BITS = 0; MAC = "NULL"; FLAGS = "CS_SCSV"
        return
    }
    w = index(n, "_WITH_")
    if (w) {
        s = substr(n, 1, w - 1)
        rest = substr(n, w + 6)
        if (s ~ /_EXPORT1024$/) { isexp = 1; sub(/_EXPORT1024$/, "", s) }
        else if (s ~ /_EXPORT$/) { isexp = 1; sub(/_EXPORT$/, "", s) }
        kxau(s)
    } else {
        tls13 = 1
        KX = "any"; AU = "any"
        rest = n
    }

    if (tls13 && rest ~ /^SHA(256|384)_SHA(256|384)$/) {
        ENC = "NULL"; MAC = substr(rest, 1, 6)       # integrity-only (RFC 9150)
    } else if (rest ~ /_(OMAC|IMIT)$/) {
        MAC = substr(rest, length(rest) - 3)
        ENC = substr(rest, 1, length(rest) - 5)
    } else if (match(rest, /_(SHA|SHA256|SHA384|MD5|NULL)$/)) {
        MAC = substr(rest, RSTART + 1)
        ENC = substr(rest, 1, RSTART - 1)
    } else {
        MAC = ""
        ENC = rest
    }
    if (ENC ~ /_(GCM|CCM|CCM_8)$/ || ENC == "CHACHA20_POLY1305")
        MAC = "AEAD"                                  # the trailing hash is the PRF, not a MAC
    else if (MAC == "")
        die("no MAC in \"" name "\"")
    BITS = strength(ENC)

    if (ENC == "NULL") addflag("CS_NULL")
    if (AU == "anon" || AU == "NULL") addflag("CS_ANON")
    if (isexp) addflag("CS_EXPORT")
    if (ENC ~ /^RC4_/) addflag("CS_RC4")
    if (ENC ~ /^(DES_CBC|DES40_CBC|DES_CBC_40)$/) addflag("CS_DES")
    if (ENC == "3DES_EDE_CBC") addflag("CS_3DES")
    if (ENC ~ /CBC/) addflag("CS_CBC")
    if (MAC == "MD5") addflag("CS_MD5")
    if (MAC == "SHA") addflag("CS_SHA1")
    if (MAC == "AEAD") addflag("CS_AEAD")
    if (tls13 || KX ~ /^(DHE|ECDHE|DHE_PSK|ECDHE_PSK)$/) addflag("CS_FS")
    if (tls13) addflag("CS_TLS13")
    if (FLAGS == "") FLAGS = "0"
}

BEGIN { FS = ","; failed = 0; rows = 0 }

{ sub(/\r$/, "") }
FNR == 1 && $1 == "code" { next }
/^[ \t]*$/ { next }

{
    if (NF != 2)
        die("expected 2 fields, got " NF)
    code = $1; name = $2
    gsub(/[" \t]/, "", code)
    gsub(/[" \t]/, "", name)
    if (code !~ /^0[xX][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]$/)
        die("bad code \"" code "\"")
    v = hexval(code)
    if (v in row)
        die("duplicate code " code)
    classify(name)
    line1 = sprintf("    { 0x%04X, \"%s\",", v, name)
    line2 = sprintf("      \"%s\", \"%s\", \"%s\", %d, \"%s\", %s },", \
                    KX, AU, ENC, BITS, MAC, FLAGS)
    if (length(line2) > 100)
        line2 = sprintf("      \"%s\", \"%s\", \"%s\", %d, \"%s\",\n      %s },", \
                        KX, AU, ENC, BITS, MAC, FLAGS)
    row[v] = line1 "\n" line2
    rows++
}

END {
    if (failed)
        exit 1
    if (rows == 0) {
        print "gen_ciphers.sh: no rows" | "cat 1>&2"
        exit 1
    }
    print "/*"
    print " * cipher_table.c — GENERATED by checks/gen_ciphers.sh from checks/data/" src "."
    print " * Do not edit: change the CSV or the generator and regenerate."
    print " */"
    print "#include \"cipher_table.h\""
    print ""
    print "const struct cipher_suite cipher_suites[] = {"
    for (v = 0; v < 65536; v++)
        if (v in row)
            print row[v]
    print "};"
    print ""
    print "const size_t cipher_suites_count = sizeof(cipher_suites) / sizeof(cipher_suites[0]);"
    print ""
    print "/* Binary search: the generator emits the rows sorted by code. */"
    print "const struct cipher_suite *cipher_suite_find(uint16_t code)"
    print "{"
    print "    size_t lo = 0, hi = cipher_suites_count;"
    print ""
    print "    while (lo < hi) {"
    print "        size_t mid = lo + (hi - lo) / 2;"
    print ""
    print "        if (cipher_suites[mid].code == code)"
    print "            return &cipher_suites[mid];"
    print "        if (cipher_suites[mid].code < code)"
    print "            lo = mid + 1;"
    print "        else"
    print "            hi = mid;"
    print "    }"
    print "    return NULL;"
    print "}"
    print ""
    print "const char *cipher_flag_name(unsigned bit)"
    print "{"
    print "    static const char *const names[CS_FLAG_COUNT] = {"
    print "        \"null\", \"anon\", \"export\", \"rc4\", \"des\", \"3des\", \"cbc\","
    print "        \"md5\", \"sha1\", \"aead\", \"fs\", \"tls13\", \"scsv\","
    print "    };"
    print ""
    print "    for (unsigned i = 0; i < CS_FLAG_COUNT; i++)"
    print "        if (bit == 1u << i)"
    print "            return names[i];"
    print "    return NULL;"
    print "}"
}
' "$csv"
