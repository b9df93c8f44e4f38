#!/usr/bin/env bash
# observatory.sh — install and run Mozilla's MDN HTTP Observatory (npm @mdn/mdn-http-observatory),
# the peer that test/integration/50-observatory.t compares cocscan's header checks with.
#
#   observatory.sh install     install it into $COC_OBSERVATORY (default <repo>/build/observatory)
#                              unless already there; never fails: on any problem (no npm, the
#                              registry unreachable) it prints a warning and exits 0, and the
#                              test then skips. Quick and silent when already installed.
#   observatory.sh check       exit 0 when installed and runnable (Node.js >= 20), else print why
#                              and exit 1
#   observatory.sh scan HOST   scan http://HOST/ and https://HOST/ (ports 80 and 443 only: the
#                              Observatory has no port option) and print its JSON: {scan, tests}
#                              with tests.<name>.result and .pass. Certificates are verified
#                              against the system store plus NODE_EXTRA_CA_CERTS from the
#                              environment (a test CA). Exit 1 when the scan failed.
#
# Why not `npm install` and its bin: the package's postinstall downloads the HSTS preload list and
# the IANA TLD list (unreachable here), so it is installed with --ignore-scripts and given an empty
# preload list (conf/hsts-preload.json = {}: no host is preloaded, which is right for 127.0.0.1);
# and its bin (bin/wrapper.js) overwrites NODE_EXTRA_CA_CERTS with Mozilla's bundle, so the scan
# runs src/scan.js directly. The Observatory itself talks only to HOST.
set -euo pipefail

VERSION=1.4.8
PKG=@mdn/mdn-http-observatory
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
prefix=${COC_OBSERVATORY:-$top/build/observatory}
case $prefix in
    /*) ;;
    *) prefix=$PWD/$prefix ;;
esac
pkgdir=$prefix/node_modules/$PKG
stamp=$prefix/.installed-$VERSION

warn() { echo "observatory.sh: warning: $*" >&2; }

# installed — the stamp written after a complete install is there, and so is the package.
installed() {
    [ -e "$stamp" ] && [ -f "$pkgdir/src/scan.js" ] && [ -f "$pkgdir/conf/hsts-preload.json" ]
}

node_ok() {
    local major
    command -v node >/dev/null 2>&1 || { echo "node not installed"; return 1; }
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || major=0
    if [ "$major" -lt 20 ]; then
        echo "Node.js $(node --version 2>/dev/null) is too old ($PKG $VERSION needs >= 20)"
        return 1
    fi
}

cmd_install() {
    local log why
    installed && return 0
    if ! command -v npm >/dev/null 2>&1; then
        # Debian's nodejs comes without npm; a Node.js that bundles npm (NodeSource's) conflicts
        # with Debian's npm package, so npm is installed only when the command is missing.
        if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
            echo "observatory.sh: installing Debian's npm"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm \
                >/dev/null 2>&1 || true
        fi
        if ! command -v npm >/dev/null 2>&1; then
            warn "npm not installed; the Observatory differential test will skip"
            return 0
        fi
    fi
    if ! why=$(node_ok); then
        warn "$why; the Observatory differential test will skip"
        return 0
    fi
    mkdir -p "$prefix"
    # Concurrent `make deps` runs: one installs, the others wait and then see the stamp.
    exec 9>"$prefix/.lock"
    flock 9
    installed && return 0
    echo "observatory.sh: installing $PKG@$VERSION into ${prefix#"$top"/}"
    log=$prefix/npm-install.log
    if ! timeout 600 npm install --ignore-scripts --no-audit --no-fund --fetch-retries=2 \
        --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=10000 \
        --prefix "$prefix" "$PKG@$VERSION" >"$log" 2>&1; then
        warn "npm install $PKG@$VERSION failed (registry unreachable?); the Observatory" \
            "differential test will skip. Last lines of ${log#"$top"/}:"
        tail -n 5 "$log" >&2
        return 0
    fi
    if [ ! -f "$pkgdir/src/scan.js" ]; then
        warn "npm install left no $pkgdir/src/scan.js; the Observatory differential test will skip"
        return 0
    fi
    # What the skipped postinstall would have downloaded: the HSTS preload list (read by every
    # scan). An empty one: nothing is preloaded.
    [ -s "$pkgdir/conf/hsts-preload.json" ] || echo '{}' >"$pkgdir/conf/hsts-preload.json"
    : >"$stamp"
}

cmd_check() {
    local why
    if ! installed; then
        echo "$PKG $VERSION not installed in $prefix (run: make deps, or $0 install)"
        return 1
    fi
    if ! why=$(node_ok); then
        echo "$why"
        return 1
    fi
}

cmd_scan() {
    local why
    [ $# -eq 1 ] || { echo "usage: $0 scan HOST" >&2; return 2; }
    if ! why=$(cmd_check); then
        echo "observatory.sh: $why" >&2
        return 1
    fi
    # The CLI prints {"error": "..."} and exits 1 when the site is down or answers 4xx/5xx.
    node "$pkgdir/src/scan.js" "$1"
}

case ${1:-} in
    install) cmd_install ;;
    check) cmd_check ;;
    scan) shift; cmd_scan "$@" ;;
    *)
        echo "usage: $0 install | check | scan HOST" >&2
        exit 2
        ;;
esac
