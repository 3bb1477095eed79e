#!/bin/sh
# The mail worker for `make run`, started again whenever it stops, as systemd's
# Restart=always does in production (docs/deploy.md, "Mail workers"). SIGTERM or
# SIGINT stops the worker (it finishes the email in hand) and this loop.
#
#   sh scripts/run_worker.sh .venv/bin/python [outbox_worker options]
set -u
python=$1
shift
child=

stop() {
    if [ -n "$child" ]; then
        kill "$child" 2>/dev/null
        wait "$child" 2>/dev/null
    fi
    exit 0
}
trap stop INT TERM

while :; do
    "$python" manage.py outbox_worker --no-reload "$@" &
    child=$!
    wait "$child"
    status=$?
    child=
    echo "run_worker.sh: the mail worker exited with status $status; starting it again in 2 s" >&2
    sleep 2 &
    wait $!
done
