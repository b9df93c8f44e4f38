#!/usr/bin/env bash
# 11-manpage.t — docs/cocscan.1 against the binary: the page formats without a groff warning
# and fits 80 columns; every command the binary has (its --help, its usage lines, the dispatcher
# in scanner/main.c) has a section and a SYNOPSIS line; every option a --help defines is in that
# command's section (and every option any --help mentions is somewhere in the page); every
# option in the page is in some --help, and an option listed under a command is one that
# command's --help knows; the environment variables the help texts name are under ENVIRONMENT;
# every docs/*.md is under SEE ALSO; and .TH names the version `cocscan --version` prints.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
page=$top/docs/cocscan.1
[ -s "$page" ] || BAIL_OUT "no man page at $page"

# Every perl program below ends in ';': the perl here can misparse, at random, one that ends in
# a bareword (print, last) and reads past its end.

# ---------------------------------------------------------------------------------------------
# (a) The page formats cleanly.

if command -v groff >/dev/null 2>&1; then
    run groff -man -Tutf8 -ww -z "$page"
    is "$RUN_STATUS" 0 "groff -man -ww: exit 0"
    is "$(cat "$RUN_ERR")" "" "groff -man -ww: no warnings"
    # -P-cbou: plain text, no overstriking, so the length is the width on a terminal
    long=$(groff -man -Tutf8 -P-cbou "$page" 2>/dev/null | perl -CSD -ne 'print if length > 81;')
    is "$long" "" "no line of the formatted page is wider than 80 columns"
else
    skip "groff not installed (Debian package groff-base)" 3
fi
# man-db without a UTF-8 locale warns on any other byte (the page is plain roff)
is "$(perl -ne 'print "$.: $_" if /[^\x00-\x7f]/;' "$page")" "" "the page source is ASCII"

# (c) .TH names the version the binary reports.
th_version=$(perl -ne 'next unless /^\.TH\s/; my @a;
    push @a, defined $1 ? $1 : $2 while /\G\s*(?:"([^"]*)"|(\S+))/gc; print $a[4]; last;' "$page")
run "$COCSCAN" --version
is "$th_version" "$(cat "$RUN_OUT")" ".TH version is what cocscan --version prints"

# ---------------------------------------------------------------------------------------------
# (b) Drift between the help texts and the page.

# The page as text to search: comments dropped, \- as -, font changes and \& \% \: removed.
norm=$tmpdir/page.norm
perl -ne 'next if /^\.\\"/; s/\\-/-/g; s/\\f(\[[^]]*\]|\(..|.)//g; s/\\[&%:]//g; s/\\e/\\/g;
    print;' "$page" >"$norm"

sh_titles=$(sed -n 's/^\.SH[[:space:]]*"\{0,1\}\([^"]*\)"\{0,1\}[[:space:]]*$/\1/p' "$norm" |
    paste -sd, -)
want="NAME,SYNOPSIS,DESCRIPTION,OPTIONS,COMMANDS,EXIT STATUS,ENVIRONMENT,FILES,EXAMPLES,SEE ALSO"
is "$(tr , '\n' <<<"$sh_titles" | grep -xF "$(tr , '\n' <<<"$want")" | paste -sd, -)" "$want" \
    "the page has the usual sections, in order"

# leading_words — from each line of stdin, its leading lowercase words (a command path).
leading_words() {
    awk '{ p = ""; for (i = 1; i <= NF && $i ~ /^[a-z]+$/; i++) p = p (p == "" ? "" : " ") $i
           if (p != "") print p }'
}

# The command paths: the top-level help's list, the dispatcher's commands (a command missing
# from --help still needs its section), and each command's usage lines.
run "$COCSCAN" --help
is "$RUN_STATUS" 0 "cocscan --help: exit 0"
cp "$RUN_OUT" "$tmpdir/help.top"
{ sed -n '/^Commands:/,/^$/p' "$tmpdir/help.top" | grep -E '^  [a-z]' || true; } |
    sed -E 's/^  //; s/   .*//' | leading_words >"$tmpdir/paths.0"
sed -nE 's/^[[:space:]]*(else )?if \(strcmp\(cmd, "([a-z]+)"\) == 0\)$/\2/p' \
    "$top/scanner/main.c" >"$tmpdir/dispatch"
isnt "$(cat "$tmpdir/dispatch")" "" "the commands of scanner/main.c's dispatcher were found"
isnt "$(cat "$tmpdir/paths.0")" "" "the Commands list of cocscan --help was found"

# help_file PATH — where the --help of a command path is kept.
help_file() { echo "$tmpdir/help.${1// /_}"; }

sort -u "$tmpdir/paths.0" "$tmpdir/dispatch" >"$tmpdir/paths.1"
: >"$tmpdir/paths.2"
while read -r p; do
    [ "${p% *}" = "$p" ] || continue # first-level commands here
    # shellcheck disable=SC2086 # a path is words
    run "$COCSCAN" $p --help
    cp "$RUN_OUT" "$(help_file "$p")"
    sed -n -e 's/^Usage: cocscan //p' -e 's/^       cocscan //p' "$RUN_OUT" |
        leading_words >>"$tmpdir/paths.2"
done <"$tmpdir/paths.1"
sort -u "$tmpdir/paths.1" "$tmpdir/paths.2" >"$tmpdir/paths"
note "command paths: $(paste -sd, - <"$tmpdir/paths")"

while read -r p; do
    # shellcheck disable=SC2086
    run "$COCSCAN" $p --help
    is "$RUN_STATUS/$(head -c 14 "$RUN_OUT")" "0/Usage: cocscan" \
        "cocscan $p --help: a usage, exit 0"
    cp "$RUN_OUT" "$(help_file "$p")"
done <"$tmpdir/paths"

# The page split by owner: a .SS whose title is a command path (or starts with one and a space)
# belongs to the longest such path; a ".SH CMD OPTIONS" section, with its .SS, to CMD; the
# rest to "." (the top level). One line per source line, tab-separated: owner, kind (H .SH,
# S .SS, T the tag of a .TP, L any other line), text.
perl -e '
    open my $f, "<", shift or die; my %path = map { chomp; ($_ => 1) } <$f>;
    my ($owner, $inopt, $tag) = ("", 0, 0);
    sub out { print join("\t", $owner eq "" ? "." : $owner, @_), "\n" }
    while (<>) {
        chomp;
        if (/^\.SH\s+"?(.*?)"?\s*$/) {
            my $t = $1; ($owner, $inopt) = ("", 0);
            ($owner, $inopt) = (lc $1, 1) if $t =~ /^(.+) OPTIONS$/ && $path{lc $1};
            out("H", $t); next;
        }
        if (/^\.SS\s+"?(.*?)"?\s*$/) {
            my $t = $1;
            if (!$inopt) {
                $owner = "";
                for my $p (keys %path) {
                    $owner = $p if ($t eq $p || index($t, "$p ") == 0) && length $p > length $owner;
                }
            }
            out("S", $t); next;
        }
        if (/^\.TP\b/) { $tag = 1; next }
        out($tag ? "T" : "L", $_);
        $tag = 0;
    }' "$tmpdir/paths" "$norm" >"$tmpdir/sections"

# region PATH — the page's lines owned by PATH or a longer path under it ("" = the whole page).
region() {
    awk -F'\t' -v p="$1" 'p == "" || $1 == p || index($1, p " ") == 1 { print $3 }' \
        "$tmpdir/sections"
}
# has_opt OPT — stdin holds OPT as a whole option (not a prefix of a longer one).
has_opt() { grep -qE -- "(^|[^A-Za-z0-9-])$1(\$|[^A-Za-z0-9-])"; }
# long_opts — every long option on stdin, one a line, sorted.
long_opts() { grep -oE -- '--[a-z][a-z0-9-]*' | sort -u || true; }

# Every command path: a section of its own and a SYNOPSIS line.
missing=
while read -r p; do
    awk -F'\t' -v p="$p" '$2 == "S" && ($3 == p || index($3, p " ") == 1) { f = 1 }
        END { exit !f }' "$tmpdir/sections" || missing+=" '$p'"
done <"$tmpdir/paths"
is "${missing# }" "" "every command has a .SS section in the page"
awk '/^\.SH/ { s = ($0 ~ /SYNOPSIS/) } s' "$norm" >"$tmpdir/synopsis"
missing=
while read -r p; do
    grep -qE "cocscan $p(\$|[^a-z])" "$tmpdir/synopsis" || missing+=" '$p'"
done <"$tmpdir/paths"
is "${missing# }" "" "every command has a SYNOPSIS line"

# Every option a --help defines (its options list: "  -x, --long" or "      --long"), short and
# long, is in that command's section; a help that is its parent's (profile show, waivers
# lint) is checked once, as the parent's.
for key in "" $(tr ' ' '_' <"$tmpdir/paths"); do
    p=${key//_/ }
    h=$(help_file "${p:-top}")
    parent=${p% *}
    if [ "$parent" != "$p" ] && cmp -s "$h" "$(help_file "$parent")"; then
        continue
    fi
    region "$p" >"$tmpdir/region"
    missing=
    for o in $(grep -oE -- '^ {2,6}(-[A-Za-z0-9], )?--[a-z][a-z0-9-]*' "$h" | tr -d ',' || true) \
        $(grep -oE -- '^ {2,6}-[A-Za-z0-9]([ ,]|$)' "$h" | tr -d ', ' || true); do
        has_opt "$o" <"$tmpdir/region" || missing+=" $o"
    done
    is "${missing# }" "" \
        "cocscan ${p:+$p }--help: every option it defines is in ${p:+the $p section of }the page"
done

# Every long option any --help mentions is somewhere in the page, and the converse.
cat "$tmpdir"/help.* | long_opts >"$tmpdir/opts.help"
missing=
while read -r o; do
    has_opt "$o" <"$norm" || missing+=" $o"
done <"$tmpdir/opts.help"
is "${missing# }" "" "every long option of every --help is in the page"
extra=$(long_opts <"$norm" | comm -23 - "$tmpdir/opts.help" | paste -sd' ' -)
is "$extra" "" "every long option in the page is in some --help"

# An option listed (as a .TP tag) under a command is one that command's --help mentions;
# --help itself is known to work for every command (checked above).
wrong=
while IFS=$'\t' read -r owner _ text; do
    for o in $(long_opts <<<"$text"); do
        [ "$o" != --help ] || continue
        [ "$owner" != . ] || owner=top
        long_opts <"$(help_file "$owner")" | grep -qx -- "$o" || wrong+=" $o($owner)"
    done
done < <(awk -F'\t' '$2 == "T"' "$tmpdir/sections")
is "${wrong# }" "" "each option listed under a command is in that command's --help"

# The report formats `report --help` lists are named in the report section.
formats=$(sed -n '/^FORMAT is one of:/,/^$/p' "$(help_file report)" |
    sed -nE 's/^  ([a-z]+) .*/\1/p')
isnt "$formats" "" "report --help lists its formats"
missing=
for f in $formats; do
    region report | grep -qE "^\.BR? $f( |\$)" || missing+=" $f"
done
is "${missing# }" "" "every report format is named in the report section"

# Environment variables the help texts name are under ENVIRONMENT.
awk '/^\.SH/ { s = ($0 ~ /ENVIRONMENT/) } s' "$norm" >"$tmpdir/environment"
missing=
for v in $(cat "$tmpdir"/help.* | grep -oE '\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b' | sort -u || true); do
    grep -qw -- "$v" "$tmpdir/environment" || missing+=" $v"
done
is "${missing# }" "" "every environment variable the help texts name is under ENVIRONMENT"

# Every document in docs/ is under SEE ALSO.
awk '/^\.SH/ { s = ($0 ~ /SEE ALSO/) } s' "$norm" >"$tmpdir/seealso"
missing=
for d in "$top"/docs/*.md; do
    grep -qF "docs/$(basename "$d")" "$tmpdir/seealso" || missing+=" docs/$(basename "$d")"
done
is "${missing# }" "" "every docs/*.md is under SEE ALSO"

done_testing
