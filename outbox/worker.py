"""The mail worker: django-tasks-db's worker, made to ride out a database outage and to say it is alive.

``manage.py outbox_worker`` runs it with ``db_worker``'s options. It differs in three ways:

- A lost database (``OperationalError``, ``InterfaceError``) does not end the
  process: the worker closes its connections, logs one line, waits (0.5 s
  doubling to 30 s, with jitter so that workers do not all knock at once) and
  tries again; one more line says when the database is back. A task cut off by
  the outage is put back in the queue: delivering an email is safe to run twice,
  because ``email_deliver`` claims its email before sending it.
- Each round of the loop writes the worker's heartbeat (``WorkerHeartbeat``), at
  most every ``HEARTBEAT_EVERY`` seconds. A worker that cannot reach the
  database cannot write it, so readiness and the metrics see a worker that is
  stuck, stopped or cut off alike.
- Anything else that stops it is logged with its traceback (JSON in production)
  before the process exits, for the supervisor to start it again.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import random
from time import monotonic, sleep

from django.conf import settings
from django.db import DatabaseError, OperationalError, close_old_connections
from django.db import connections as databases
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from editorial.errors import OUTAGE_ERRORS
from outbox.services import heartbeat_prune, heartbeat_record

logger = logging.getLogger("editorial.worker")

# What an unreachable database raises (refused, dropped, restarting, failed over): the
# same errors the site answers with its 503.
DATABASE_LOST = OUTAGE_ERRORS
# The heartbeat is written at most this often (seconds): a few writes a minute per worker.
HEARTBEAT_EVERY = 5.0
# Heartbeats of workers gone this long are deleted when a worker starts.
HEARTBEAT_FORGET_AFTER = datetime.timedelta(days=7)

RAN, EMPTY, BUSY = "ran", "empty", "busy"


def reconnect_delay(failures: int) -> float:
    """Seconds to wait after ``failures`` failed attempts in a row: doubling, capped, jittered."""
    base = settings.OUTBOX_WORKER_RECONNECT_SECONDS
    delay = min(base * 2 ** max(0, failures - 1), settings.OUTBOX_WORKER_RECONNECT_MAX_SECONDS)
    return delay * random.uniform(0.5, 1.0)


def close_database_connections() -> None:
    """Drop every connection, so the next query opens a fresh one."""
    for connection in databases.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):  # closing a broken connection may fail too
            connection.close()


class MailWorker(Worker):
    """``db_worker``'s loop, one task per round, with a heartbeat and patience for the database."""

    def __init__(self, **options):
        super().__init__(**options)
        self.heartbeat_due: float | None = None  # monotonic() of the next write; None: none yet
        self.task_in_hand: DBTaskResult | None = None
        self.cut_off: DBTaskResult | None = None  # the task an outage interrupted

    def run(self) -> None:
        logger.info(
            "Mail worker %s started (queues %s)",
            self.worker_id,
            ",".join(self.queue_names),
            extra={"event": "worker_start", "worker_id": self.worker_id},
        )
        if self.startup_delay and self.interval:
            sleep(random.random())  # workers started together spread out
        failures, lost_at = 0, 0.0
        while self.running:
            try:
                self.beat()
                outcome = self.run_next()
                if failures:  # a whole round went through: the database is back
                    self.recover(failures=failures, seconds=monotonic() - lost_at)
                    failures = 0
            except DATABASE_LOST as error:
                if not self.running:
                    return  # stopping anyway: nothing to wait for
                failures += 1
                if failures == 1:
                    lost_at = monotonic()
                self.wait_for_database(error, failures)
                continue
            if self.batch and outcome == EMPTY:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.running and outcome != RAN:
                sleep(self.interval)

    def beat(self, *, now: bool = False) -> None:
        """Write the heartbeat if it is due (or ``now``); the first one forgets long-gone workers."""
        moment = monotonic()
        if not now and self.heartbeat_due is not None and moment < self.heartbeat_due:
            return
        if self.heartbeat_due is None:
            heartbeat_prune(older_than=HEARTBEAT_FORGET_AFTER)
        heartbeat_record(name=self.worker_id)
        self.heartbeat_due = moment + HEARTBEAT_EVERY

    def run_next(self) -> str:
        """Claim the next due task and run it: RAN, EMPTY (nothing due) or BUSY (SQLite locked)."""
        close_old_connections()  # as a request does: drop a connection that has gone bad
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task = tasks.get_locked()
                if task is not None:
                    task.claim(self.worker_id)  # so no other worker runs it
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                return BUSY
        if task is None:
            return EMPTY
        self.task_in_hand = task
        self.run_task(task)  # records success or failure on the task, unless the database is lost
        self.task_in_hand = None
        return RAN

    def wait_for_database(self, error: Exception, failures: int) -> None:
        """Close the lost connections, log one line, and wait before the next attempt."""
        if self.task_in_hand is not None:
            self.cut_off, self.task_in_hand = self.task_in_hand, None
        close_database_connections()
        delay = reconnect_delay(failures)
        first_line = (str(error).strip().splitlines() or [""])[0]
        logger.warning(
            "Mail worker %s: database unreachable (%s: %s); trying again in %.1f s",
            self.worker_id,
            type(error).__name__,
            first_line,
            delay,
            extra={
                "event": "worker_database_lost",
                "worker_id": self.worker_id,
                "attempt": failures,
                "retry_in_seconds": round(delay, 2),
            },
        )
        sleep(delay)

    def recover(self, *, failures: int, seconds: float) -> None:
        """Once the database answers again: say so, and queue again the task the outage cut
        off if its result was never recorded."""
        self.beat(now=True)  # readiness need not wait for the next one to see the worker back
        if self.cut_off is not None:
            requeued = DBTaskResult.objects.filter(
                pk=self.cut_off.pk, status=TaskResultStatus.RUNNING
            ).update(status=TaskResultStatus.READY)
            if requeued:
                logger.warning(
                    "Mail worker %s: task %s was cut off by the outage and is queued again",
                    self.worker_id,
                    self.cut_off.pk,
                    extra={"event": "worker_task_requeued", "task_id": str(self.cut_off.pk)},
                )
            self.cut_off = None
        logger.warning(
            "Mail worker %s: database reachable again after %.1f s (%s attempts)",
            self.worker_id,
            seconds,
            failures,
            extra={
                "event": "worker_database_back",
                "worker_id": self.worker_id,
                "outage_seconds": round(seconds, 1),
            },
        )
