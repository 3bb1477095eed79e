"""Deliver the outbox's mail: ``db_worker`` that rides out database outages (``outbox.worker``)."""

from __future__ import annotations

import logging
import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from outbox.worker import MailWorker

logger = logging.getLogger("editorial.worker")


class Command(db_worker.Command):
    help = (
        "Run the mail worker: db_worker's options, but a database outage is waited out "
        "(reconnecting with back-off) instead of ending the process, and a heartbeat "
        "tells /readyz and /metrics that it runs. Run one or more per site under a "
        "supervisor that restarts it (systemd Restart=always)."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = MailWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child runs the loop
            run_with_reloader(lambda: self.run(worker))
        else:
            worker.configure_signals()
            self.run(worker)

    @staticmethod
    def run(worker: MailWorker) -> None:
        try:
            worker.run()
        except Exception:
            # Logged rather than printed, so the traceback is one JSON record in production.
            logger.exception(
                "Mail worker %s stopped by an unexpected error",
                worker.worker_id,
                extra={"event": "worker_crash", "worker_id": worker.worker_id},
            )
            raise SystemExit(1) from None
