#!/usr/bin/env bash
# Installs what the fault tests (tests/operations) run as real processes on a
# fresh Debian machine: redis-server (the shared cache, stopped and frozen
# mid-test), HAProxy (the load balancer in front of two gunicorn servers) and
# Varnish with the xkey module from varnish-modules (the edge, purged by key:
# tests/operations/test_varnish_edge.py, bench/edge.py). gunicorn itself comes
# from requirements.txt.
#
# Idempotent and quiet when both are in place; exits non-zero with a clear
# message when something cannot be installed.
#
# Usage: bash scripts/install_operations_tools.sh
set -euo pipefail

die() {
    echo "install_operations_tools: ERROR: $*" >&2
    exit 1
}

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v varnishd >/dev/null 2>&1 || [ -x /usr/sbin/varnishd ] || missing+=(varnish)
# The xkey module (purges by key) lives in varnish-modules, under Varnish's own vmod directory.
ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 || missing+=(varnish-modules)
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    die "missing: ${missing[*]}. Run as root, or: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
fi
echo "install_operations_tools: apt-get install ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || die "apt-get update failed"
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
# Only the binaries are needed: the tests start their own servers on free ports.
for service in redis-server haproxy varnish varnishncsa; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled "$service" >/dev/null 2>&1; then
        systemctl disable --now "$service" >/dev/null 2>&1 || true
    fi
done
