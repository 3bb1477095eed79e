#!/bin/sh
# Varnish in front of one app server, with the shipped configuration (deploy/varnish.vcl),
# in the foreground: for the edge tests (tests/operations/test_varnish_edge.py), the
# benchmark (bench/edge.py) and local use. Stop it with Ctrl-C or SIGTERM.
#
#   sh scripts/run_varnish.sh BACKEND_HOST:PORT LISTEN_PORT
#
# The origin then purges it with CDN_PURGE_URLS=http://127.0.0.1:LISTEN_PORT/ and a task
# worker running. Environment: VARNISH_HOST (the Host of the health probe; default
# BACKEND_HOST), VARNISH_WORKDIR (its working directory; default a new temporary one),
# VARNISH_MEMORY (default 256m).
set -eu

usage() {
    echo "usage: $0 BACKEND_HOST:PORT LISTEN_PORT" >&2
    exit 2
}
[ "$#" -eq 2 ] || usage
backend=$1
listen=$2
host=${backend%:*}
port=${backend##*:}
[ -n "$host" ] && [ "$host" != "$backend" ] || usage
case "$port$listen" in *[!0-9]*) usage ;; esac

varnishd=$(command -v varnishd || echo /usr/sbin/varnishd)
if [ ! -x "$varnishd" ]; then
    echo "run_varnish.sh: varnishd is not installed: run scripts/install_operations_tools.sh" >&2
    exit 1
fi

here=$(cd "$(dirname "$0")/.." && pwd)
workdir=${VARNISH_WORKDIR:-$(mktemp -d "${TMPDIR:-/tmp}/varnish.XXXXXX")}
mkdir -p "$workdir"
probe_host=${VARNISH_HOST:-$host}
sed -e "s|^\(    .host = \)\"[^\"]*\";\(  # site: backend host\)|\1\"$host\";\2|" \
    -e "s|^\(    .port = \)\"[^\"]*\";\(  # site: backend port\)|\1\"$port\";\2|" \
    -e "s|^\(        \"Host: \)[^\"]*\"\(  # site: probe host\)|\1$probe_host\"\2|" \
    "$here/deploy/varnish.vcl" >"$workdir/varnish.vcl"
for marker in "backend host" "backend port" "probe host"; do
    if ! grep -q "site: $marker" "$workdir/varnish.vcl"; then
        echo "run_varnish.sh: deploy/varnish.vcl lost its 'site: $marker' line" >&2
        exit 1
    fi
done

# -j none: run as the calling user, so a test's temporary directory needs no sharing.
exec "$varnishd" -F -j none -n "$workdir/state" -f "$workdir/varnish.vcl" \
    -a "127.0.0.1:$listen" -s "malloc,${VARNISH_MEMORY:-256m}" \
    -p default_ttl=0 -p default_grace=0
