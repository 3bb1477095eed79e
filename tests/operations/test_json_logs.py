"""With LOG_FORMAT=json every line a server or a worker writes is one JSON object: gunicorn's
own lines and its access log, Django's, and the mail worker's tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.operations.conftest import run_in_app
from tests.operations.processes import (
    ROOT,
    app_environment,
    free_port,
    http,
    start_gunicorn,
    stop,
)


def json_lines(text: str) -> list[dict]:
    """Every non-empty line parsed; a line that is not JSON fails the test, named."""
    entries = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not a JSON line: {line!r}")
    return entries


def test_every_line_of_a_gunicorn_server_is_json(process_database, tmp_path):
    pytest.importorskip("gunicorn", reason="gunicorn is in requirements.txt: run make install")
    port = free_port()
    log = tmp_path / "gunicorn.log"
    # Started in the project directory, gunicorn reads gunicorn.conf.py (the JSON logger).
    server = start_gunicorn(
        app_environment(process_database, GUNICORN_CMD_ARGS="--access-logfile -"),
        port=port,
        workers=2,
        log=log,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        status, headers, _ = http(base + "/healthz")
        assert status == 200
        request_id = headers["X-Request-ID"]
        assert http(base + "/no-such-page/")[0] == 404
    finally:
        stop(server)  # gunicorn logs its shutdown too
    entries = json_lines(log.read_text())
    loggers = {entry["logger"] for entry in entries}
    assert {"gunicorn.error", "gunicorn.access", "django.request"} <= loggers
    assert any(entry["message"] == "Shutting down: Master" for entry in entries)
    [access] = [e for e in entries if e["logger"] == "gunicorn.access" and e["path"] == "/healthz"]
    assert (access["method"], access["status"], access["event"]) == ("GET", 200, "access")
    assert access["request_id"] == request_id  # the app's own id: one request, one id
    assert all({"time", "level", "logger", "message", "process"} <= set(e) for e in entries)


def test_a_failed_task_logs_its_traceback_inside_one_json_record(process_database):
    run_in_app(
        process_database,
        "from outbox.tasks import deliver_email\n"
        "result['id'] = str(deliver_email.enqueue('not-an-email-id').id)\n",
    )
    finished = subprocess.run(
        [sys.executable, "manage.py", "outbox_worker", "--batch", "--no-reload",
         "--no-startup-delay", "--worker-id", "traceback-test"],
        cwd=ROOT,
        env=app_environment(
            process_database, EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
        ),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr[-3000:]
    entries = json_lines(finished.stderr)
    [failure] = [e for e in entries if e.get("exception") and "not-an-email-id" in e["exception"]]
    assert failure["level"] == "ERROR" and failure["logger"] == "django_tasks"
    assert failure["exception"].startswith("Traceback (most recent call last):")
    assert "ValueError" in failure["exception"]


CRASHING_WORKER = """
import django
django.setup()
from django.core.management import call_command
from outbox.worker import MailWorker

def broken(self):
    raise RuntimeError("a bug in the loop")

MailWorker.run = broken
call_command("outbox_worker", "--no-reload", "--no-startup-delay", "--worker-id", "crash-test")
"""


def test_a_worker_stopped_by_a_bug_logs_its_traceback_as_json_and_exits_1(process_database):
    finished = subprocess.run(
        [sys.executable, "-c", CRASHING_WORKER],
        cwd=ROOT,
        env=app_environment(process_database),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 1  # for the supervisor to start it again
    [crash] = [e for e in json_lines(finished.stderr) if e.get("event") == "worker_crash"]
    assert crash["message"] == "Mail worker crash-test stopped by an unexpected error"
    assert "RuntimeError: a bug in the loop" in crash["exception"]
