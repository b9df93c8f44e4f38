#!/usr/bin/env bash
# 44-documents-exposed.t — documents.exposed_paths and documents.listing against the test portal
# (test/fixtures/portal.py) and real servers. Exposed files count only by their real content:
# .git/HEAD, .env, a backup archive and server-status each fail with what matched, while a
# portal answering 200 "Page not found" for every path, and an SPA answering index.html for
# every path, pass. Directory listings (nginx, Apache and IIS styles, a real nginx autoindex, a
# real Apache mod_autoindex) and an S3 bucket listing fail. Object stores linked from the start
# page on another origin are recorded, never contacted — unless listed under storage:. A server
# that answers no request is an error, never a pass.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
need_cocscan
need_cmd jq nginx
gen_certs

cat >"$tmpdir/p.yaml" <<'YAML'
profile: documents-exposed-test
title: exposed files and listings
controls:
  EXP: { title: exposed paths, check: documents.exposed_paths, severity: high }
  EXP-IGN: { title: exposed paths (some ignored), check: documents.exposed_paths,
             severity: high, expect: { ignore: [/server-status, env, /.git/HEAD, backup] } }
  LIST: { title: listings, check: documents.listing, severity: high }
  LIST-IGN: { title: listings (uploads ignored), check: documents.listing, severity: high,
              expect: { ignore: [/uploads/, /documents/] } }
YAML

# targets NAME [STORAGE_URL] — a targets file for https://127.0.0.1:$PORT/ with one document.
targets() {
    cat >"$tmpdir/$1.targets.yaml" <<YAML
targets:
  - url: https://127.0.0.1:$PORT/
    name: Test target ($1)
    documents: [/documents/1043]
${2:+    storage: [$2]}
YAML
}

scan() { # NAME [STORAGE_URL] — scan the target on $PORT into $tmpdir/NAME.json
    targets "$1" "${2:-}"
    run "$COCSCAN" scan -q -t 5 --ca-file "$CERTDIR/ca.pem" -p "$tmpdir/p.yaml" \
        --checks documents --json "$tmpdir/$1.json" --targets "$tmpdir/$1.targets.yaml"
    ok "$1: report validates" validate_report "$tmpdir/$1.json"
}
obs() { jqr "$tmpdir/$1.json" ".targets[0].observations.documents.$2"; }
observed() { # NAME CONTROL FILTER — FILTER applied to the control's observed value
    jqr "$tmpdir/$1.json" ".targets[0].results[] | select(.control == \"$2\") | .observed | $3"
}

# 1. The safe portal: nothing exposed, listings forbidden (403), the bucket private.
start_portal safe
scan safe
is "$RUN_STATUS" 0 "safe: compliant"
for c in EXP EXP-IGN LIST LIST-IGN; do
    is "$(status_of safe "$c")" pass "safe: $c passes"
done
is "$(obs safe 'exposed_paths.baseline | map(.status) | join(",")')" 404,404,404 \
    "safe: three random paths make the baseline"
is "$(obs safe 'exposed_paths.paths | length')" 20 "safe: every well-known path was asked"
is "$(obs safe 'listing.directories | map(.url | sub("https://[^/]*"; "")) | .[0:3] | join(" ")')" \
    "/ /documents/ /uploads/" "safe: the start page, the document's parent, then common paths"
is "$(obs safe 'listing.directories[] | select(.url | endswith("/documents/")) | .status')" 403 \
    "safe: the document directory refuses a listing"
is "$(jq -r 'select(.method != "GET") | .method' "$PORTAL_LOG" | sort -u)" "" \
    "safe: nothing but GET was sent"
bg_stop safe

# 2. Soft 404: every unknown path answers 200 "Page not found". Nothing is exposed.
start_portal soft --soft404 on
scan soft
is "$(status_of soft EXP)" pass "soft404: a 200 \"Page not found\" is not an exposed file"
like "$(evidence_of soft EXP)" 'answered 200 \(a soft 404\)' "soft404: the evidence says why"
is "$(obs soft 'exposed_paths.paths[] | select(.path == "/.env")
    | [.status, .matched, .like_baseline, .exposed] | map(tostring) | join(" ")')" \
    "200 false true false" "soft404: /.env answered 200 like a random path, not matched"
is "$(observed soft EXP .soft_404)" true "soft404: observed.soft_404"
is "$(status_of soft LIST)" pass "soft404: no listing either"
bg_stop soft

# 3. Each exposed file alone fails, with its path and what its content showed.
declare -A exposed_path=([git]=/.git/HEAD [env]=/.env [backup]=/backup.zip
    [server-status]=/server-status)
declare -A exposed_sig=([git]='Git repository metadata \(HEAD\): ref: refs/heads/main'
    [env]='environment file .*values not recorded.*APP_KEY'
    [backup]='ZIP backup archive: starts with PK\\x03\\x04'
    [server-status]='web server status page .*"Apache Status"')
for x in git env backup server-status; do
    start_portal "exp-$x" --exposed "$x" --soft404 on
    scan "exp-$x"
    is "$(status_of "exp-$x" EXP)" fail "exposed $x: fails (behind a soft 404 too)"
    is "$(observed "exp-$x" EXP '.exposed | join(",")')" "${exposed_path[$x]}" \
        "exposed $x: only ${exposed_path[$x]} is exposed"
    like "$(evidence_of "exp-$x" EXP)" "${exposed_path[$x]} \(${exposed_sig[$x]}" \
        "exposed $x: the evidence names the path and what matched"
    is "$(status_of "exp-$x" EXP-IGN)" pass "exposed $x: passes when the profile ignores it"
    is "$RUN_STATUS" 1 "exposed $x: exit 1"
    bg_stop "exp-$x"
done
unlike "$(cat "$tmpdir/exp-env.json")" 'ZGVtby1wb3J0YWwtZml4dHVyZS1ub3QtYS1rZXk|notreal' \
    "exposed env: no secret value reaches the report"

# 4. All four at once: one failure naming each.
start_portal exp-all --exposed git,env,backup,server-status
scan exp-all
is "$(observed exp-all EXP '.exposed | sort | join(",")')" \
    "/.env,/.git/HEAD,/backup.zip,/server-status" "exposed all: the four are listed"
like "$(evidence_of exp-all EXP-IGN)" \
    'ignored by the profile: /.git/HEAD, /.env, /server-status, /backup.zip' \
    "exposed all: the ignored ones are still named"
bg_stop exp-all

# 5. Directory listings in each server's style.
declare -A style_name=([nginx]='nginx autoindex' [apache]='Apache mod_autoindex'
    [iis]='IIS directory browsing')
for style in nginx apache iis; do
    start_portal "list-$style" --listing "$style"
    u=https://127.0.0.1:$PORT
    scan "list-$style"
    is "$(status_of "list-$style" LIST)" fail "listing $style: fails"
    like "$(evidence_of "list-$style" LIST)" \
        "listing at $u/documents/ \(${style_name[$style]}, 11 entries, e.g. $u/documents/doc-1040" \
        "listing $style: the evidence names the URL, the server style and a sample"
    is "$(observed "list-$style" LIST '.listings | map(sub("https://[^/]*"; "")) | join(" ")')" \
        "/documents/ /uploads/" "listing $style: both listed directories are found"
    is "$(status_of "list-$style" LIST-IGN)" pass "listing $style: ignored directories pass"
    is "$(status_of "list-$style" EXP)" pass "listing $style: no exposed file"
    bg_stop "list-$style"
done

# 6. A public bucket linked from the start page (same origin): listed as an S3 bucket.
start_portal bucket --bucket on
BUCKET_LOG=$PORTAL_LOG
u=https://127.0.0.1:$PORT
bucket_url=$u/storage/portal-docs/
scan bucket
is "$(status_of bucket LIST)" fail "bucket on: fails"
like "$(evidence_of bucket LIST)" \
    "listing at $u/storage/portal-docs/ \(s3 bucket portal-docs, 11 keys, e.g. doc-1040" \
    "bucket on: the evidence names the bucket, the key count and a sample"
is "$(obs bucket 'listing.stores[0] | [.source, .kind, .probed] | map(tostring) | join(" ")')" \
    "start page storage true" "bucket on: found on the start page and probed"

# 7. The same bucket private, asked for explicitly under storage:: as given, then list-type=2.
start_portal private
PRIVATE_LOG=$PORTAL_LOG
scan private "https://127.0.0.1:$PORT/storage/portal-docs/"
is "$(status_of private LIST)" pass "bucket off: AccessDenied is no listing"
is "$(jq -r 'select(.path == "/storage/portal-docs/") | .query' "$PRIVATE_LOG" | paste -sd' ')" \
    " list-type=2" "bucket off: asked as given, then with list-type=2"
bg_stop private

# 8. A real nginx serving an SPA: index.html for every path. It links to the public bucket of
#    the portal above (another origin) and to an S3 object: recorded, never contacted.
mkdir -p "$tmpdir/spa/html"
cat >"$tmpdir/spa/html/index.html" <<HTML
<!DOCTYPE html><html><head><title>Portal</title></head><body><div id="app"></div>
<a href="$bucket_url">Shared documents</a>
<a href="https://demo-docs.s3.amazonaws.com/letters/1043.pdf?X-Amz-Signature=abc">Letter</a>
</body></html>
HTML
start_nginx spa - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
root @ROOT@;
location / { try_files $uri /index.html; }
NGINX
bucket_requests=$(wc -l <"$BUCKET_LOG")
scan spa
is "$(status_of spa EXP)" pass "nginx SPA: index.html for /.git/HEAD and /.env is not exposure"
is "$(obs spa 'exposed_paths.paths | map(select(.like_baseline)) | length')" 20 \
    "nginx SPA: every well-known path answered like a random one"
is "$(status_of spa LIST)" pass "nginx SPA: no listing"
is "$(obs spa 'listing.stores | map("\(.url) \(.probed)") | join(", ")')" \
    "$bucket_url false, https://demo-docs.s3.amazonaws.com/ false" \
    "nginx SPA: both stores recorded, at their bucket root, not probed"
like "$(obs spa 'listing.stores[1].note')" "outside the target's scope; list it under storage:" \
    "nginx SPA: the note says how to have it probed"
like "$(evidence_of spa LIST)" 'not probed .*demo-docs.s3.amazonaws.com' \
    "nginx SPA: the evidence names the stores not probed"
is "$(wc -l <"$BUCKET_LOG")" "$bucket_requests" "nginx SPA: the other origin got no request"
unlike "$(cat "$tmpdir/spa.json")" 'X-Amz-Signature' "nginx SPA: no signature in the report"
scan spa-storage "$bucket_url"
is "$(status_of spa-storage LIST)" fail "nginx SPA: the bucket listed under storage: is probed"
like "$(evidence_of spa-storage LIST)" "bucket listing at $bucket_url" \
    "nginx SPA: and its listing found"
bg_stop spa
bg_stop bucket

# 9. A real nginx: autoindex on the documents directory, and a real .git/HEAD.
mkdir -p "$tmpdir/real/html/documents" "$tmpdir/real/html/.git"
for n in 1043 1044 1045; do printf '%%PDF-1.4\n' >"$tmpdir/real/html/documents/letter-$n.pdf"; done
printf 'ref: refs/heads/master\n' >"$tmpdir/real/html/.git/HEAD"
start_nginx real - <<'NGINX'
listen 127.0.0.1:@PORT@ ssl;
ssl_certificate @CERTDIR@/good-chain.pem;
ssl_certificate_key @CERTDIR@/good.key;
root @ROOT@;
location /documents/ { autoindex on; }
NGINX
scan real
is "$(status_of real LIST)" fail "nginx autoindex: fails"
like "$(evidence_of real LIST)" \
    "directory listing at https://127.0.0.1:$PORT/documents/ \(nginx autoindex, 3 entries" \
    "nginx autoindex: recognised as nginx's"
is "$(status_of real EXP)" fail "nginx .git/HEAD: fails"
like "$(evidence_of real EXP)" \
    '/.git/HEAD \(Git repository metadata \(HEAD\): ref: refs/heads/master\)' \
    "nginx .git/HEAD: the ref is the evidence"
is "$(observed real EXP '.exposed | join(",")')" /.git/HEAD "nginx .git/HEAD: nothing else"
bg_stop real

# 10. A real Apache: mod_autoindex (FancyIndexing, HTMLTable) and mod_status.
if ! command -v apache2 >/dev/null 2>&1 || [ ! -f /usr/lib/apache2/modules/mod_autoindex.so ] ||
    ! id www-data >/dev/null 2>&1; then
    skip "apache2 not installed (make deps)" 5
else
    ad=$tmpdir/apache
    mods=/usr/lib/apache2/modules
    mkdir -p "$ad/html/documents" "$ad/logs"
    for n in 1043 1044; do printf '%%PDF-1.4\n' >"$ad/html/documents/letter-$n.pdf"; done
    echo '<html><body>Apache test</body></html>' >"$ad/html/index.html"
    # Apache serves as www-data: it must be able to reach the document root.
    chmod 711 "$tmpdir"
    chmod -R a+rX "$ad"
    PORT=
    for attempt in 1 2 3; do
        port=$(free_port)
        cat >"$ad/httpd.conf" <<CONF
# Generated by test/integration/44-documents-exposed.t (attempt $attempt).
ServerRoot $ad
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile $ad/apache.pid
DefaultRuntimeDir $ad
ErrorLog $ad/logs/error.log
User www-data
Group www-data
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule dir_module $mods/mod_dir.so
LoadModule mime_module $mods/mod_mime.so
LoadModule autoindex_module $mods/mod_autoindex.so
LoadModule status_module $mods/mod_status.so
LoadModule socache_shmcb_module $mods/mod_socache_shmcb.so
LoadModule ssl_module $mods/mod_ssl.so
TypesConfig /etc/mime.types
SSLEngine on
SSLCertificateFile $CERTDIR/good-chain.pem
SSLCertificateKeyFile $CERTDIR/good.key
SSLSessionCache shmcb:$ad/ssl_scache(512000)
DocumentRoot $ad/html
DirectoryIndex index.html
IndexOptions FancyIndexing HTMLTable VersionSort
<Directory />
    Require all denied
</Directory>
<Directory $ad/html>
    Options +Indexes
    Require all granted
</Directory>
<Location /server-status>
    SetHandler server-status
    Require all granted
</Location>
CONF
        bg_start apache apache2 -X -f "$ad/httpd.conf"
        if wait_port "$port" 10 "$BG_PID"; then
            PORT=$port
            break
        fi
        bg_stop apache
    done
    if [ -z "$PORT" ]; then
        diag_file "$ad/logs/error.log"
        diag_file "$tmpdir/apache.log"
        skip "apache2 did not start" 5
    else
        scan apache
        is "$(status_of apache LIST)" fail "Apache mod_autoindex: fails"
        like "$(evidence_of apache LIST)" \
            "listing at https://127.0.0.1:$PORT/documents/ \(Apache mod_autoindex, 2 entries" \
            "Apache mod_autoindex: recognised as Apache's"
        is "$(status_of apache EXP)" fail "Apache mod_status: fails"
        like "$(evidence_of apache EXP)" \
            '/server-status \(web server status page .*"Apache Status"' \
            "Apache mod_status: the page title is the evidence"
        bg_stop apache
    fi
fi

# 11. A target that cannot be asked: plain http where https is expected, so every request fails
#     (the TCP reachability check passes). An error, never a pass.
start_nginx plain - <<'NGINX'
listen 127.0.0.1:@PORT@;
root @ROOT@;
NGINX
scan plain
is "$(status_of plain EXP)" error "no answers: exposed_paths is an error, not a pass"
like "$(evidence_of plain EXP)" 'no answer for a random path' "no answers: and says why"
is "$(status_of plain LIST)" error "no answers: listing is an error, not a pass"
like "$(evidence_of plain LIST)" '^[0-9]+ of [0-9]+ requests failed' "no answers: and says why"
bg_stop plain

done_testing
