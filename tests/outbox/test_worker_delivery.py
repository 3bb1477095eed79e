"""The real worker process against a real SMTP server that is down, then up."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.processes import (
    ROOT,
    free_port,
    manage,
    migrated_database,
    process_env,
    stop,
    wait_for_port,
)

MESSAGES = 6
SINK = Path(__file__).with_name("smtp_sink.py")


QUEUE = f"""
from django.db import transaction
from outbox.services import email_enqueue
with transaction.atomic():
    for n in range({MESSAGES}):
        email_enqueue(subject=f"Notice {{n}}", body="Body", to=f"person{{n}}@example.org", kind="test")
with transaction.atomic():
    email_enqueue(subject="Rolled back", body="Body", to="nobody@example.org", kind="test")
    transaction.set_rollback(True)
"""


def query(database: Path, sql: str):
    with sqlite3.connect(database, timeout=10) as connection:
        return connection.execute(sql).fetchone()[0]


def wait_until(condition, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_nothing_is_lost_while_the_mail_server_is_down_and_nothing_is_sent_twice(tmp_path):
    database = migrated_database(tmp_path)
    port = free_port()
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "OUTBOX_RETRY_SECONDS": "0.3",
        "OUTBOX_RETRY_MAX_SECONDS": "0.5",
        "OUTBOX_MAX_ATTEMPTS": "1000",
    }
    manage(database, "shell", "-c", QUEUE, **env)
    # Two workers, as on two machines, both polling the same queue.
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.1",
                "--no-reload",
                "--no-startup-delay",
                "--worker-id",
                f"worker-{n}",
            ],
            cwd=ROOT,
            env=process_env(database, **env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(2)
    ]
    received = tmp_path / "received.txt"
    received.touch()
    sink = None
    try:
        # The mail server is down: every message fails, is kept, and is tried again later.
        wait_until(lambda: query(database, "SELECT min(attempts) FROM outbox_outboundemail") >= 2)
        assert received.read_text() == ""
        sink = subprocess.Popen([sys.executable, str(SINK), str(port), str(received)], cwd=tmp_path)
        wait_for_port(port, sink)
        sent = "SELECT count(*) FROM outbox_outboundemail WHERE status = 'sent'"
        wait_until(lambda: query(database, sent) == MESSAGES)
        time.sleep(1)  # anything sent twice would arrive now
    finally:
        for worker in workers:
            stop(worker)
        if sink is not None:
            stop(sink)
    lines = [line.split("\t") for line in received.read_text().splitlines()]
    recipients = sorted(recipient for recipient, _ in lines)
    assert recipients == sorted(f"person{n}@example.org" for n in range(MESSAGES))
    assert len({message_id for _, message_id in lines}) == MESSAGES
    assert query(database, "SELECT count(*) FROM outbox_outboundemail") == MESSAGES  # no rollback
    assert query(database, "SELECT count(*) FROM outbox_outboundemail WHERE status = 'sent'") == (
        MESSAGES
    )
