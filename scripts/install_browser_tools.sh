#!/usr/bin/env bash
# Installs what the browser tests (tests/e2e, marker "browser") need on a
# fresh Debian machine:
#   - Chromium at /usr/bin/chromium (Playwright drives the distro build; its own
#     browser download is not used),
#   - a Java runtime for the Nu HTML Checker (vnu.jar),
#   - the npm packages pinned in package-lock.json (axe-core, vnu-jar).
#
# Idempotent and quiet when everything is already in place; prints what it
# installs, and exits non-zero with a clear message when something fails.
#
# Usage: bash scripts/install_browser_tools.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHROMIUM=/usr/bin/chromium
STAMP="$ROOT/node_modules/.browser-tools-stamp"

die() {
    echo "install_browser_tools: ERROR: $*" >&2
    exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

apt_updated=0
apt_install() {
    # One `apt-get update` per run at most: package lists may be absent or old
    # on a fresh machine, and apt-get install fails without them.
    if ! is_root; then
        die "missing system package(s): $*. Run as root, or: sudo apt-get update && sudo apt-get install -y $*"
    fi
    if [ "$apt_updated" -eq 0 ]; then
        echo "install_browser_tools: apt-get update" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
            || die "apt-get update failed"
        apt_updated=1
    fi
    echo "install_browser_tools: apt-get install $*" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
        || die "apt-get install $* failed"
}

# --- Chromium -------------------------------------------------------------
if [ ! -x "$CHROMIUM" ]; then
    # Fonts are needed for text to render (and for axe's colour-contrast
    # checks to measure anything); the chromium package only recommends them.
    apt_install chromium fonts-dejavu-core
    [ -x "$CHROMIUM" ] || die "chromium was installed but $CHROMIUM does not exist"
fi

# --- Java (for vnu.jar) ---------------------------------------------------
if ! command -v java >/dev/null 2>&1; then
    apt_install default-jre-headless
    command -v java >/dev/null 2>&1 || die "default-jre-headless was installed but 'java' is not on PATH"
fi

# --- npm packages ---------------------------------------------------------
if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
fi
[ -f "$ROOT/package-lock.json" ] || die "$ROOT/package-lock.json is missing"

lock_hash="$(sha256sum "$ROOT/package-lock.json" "$ROOT/package.json" | sha256sum | cut -d' ' -f1)"
needs_npm=0
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$lock_hash" ]; then
    needs_npm=1  # never installed, or package(-lock).json changed since
elif [ ! -f "$ROOT/node_modules/axe-core/axe.min.js" ] \
    || [ ! -f "$ROOT/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
    needs_npm=1  # stamp is there but files were removed by hand
fi

if [ "$needs_npm" -eq 1 ]; then
    echo "install_browser_tools: npm ci" >&2
    # --ignore-scripts: vnu-jar's postinstall downloads a private Java runtime
    # from outside the npm registry; the system java above is used instead.
    log="$(mktemp)"
    if ! (cd "$ROOT" && npm ci --ignore-scripts --no-audit --no-fund >"$log" 2>&1); then
        cat "$log" >&2
        rm -f "$log"
        die "npm ci failed (see output above)"
    fi
    rm -f "$log"
    [ -f "$ROOT/node_modules/axe-core/axe.min.js" ] || die "npm ci did not install node_modules/axe-core/axe.min.js"
    [ -f "$ROOT/node_modules/vnu-jar/build/dist/vnu.jar" ] || die "npm ci did not install node_modules/vnu-jar/build/dist/vnu.jar"
    echo "$lock_hash" >"$STAMP"
fi
