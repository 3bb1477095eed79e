"""Reads for operators: how much mail waits, how old the oldest is, and when a worker last ran."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from outbox.models import OutboundEmail, WorkerHeartbeat

Status = OutboundEmail.Status


@dataclasses.dataclass(frozen=True)
class MailQueueSummary:
    waiting: int  # queued and not sent: due now, or waiting for a retry after a failure
    retrying: int  # of those waiting, the ones that failed at least once
    failed: int  # given up after OUTBOX_MAX_ATTEMPTS, until retried from the admin
    stuck: int  # "sending" for longer than OutboundEmail.STUCK_AFTER: their worker died
    oldest_waiting_seconds: float | None  # since the oldest waiting email was written
    workers_seen: int  # workers whose heartbeat is more recent than ``seen_within``
    last_heartbeat_seconds: float | None  # since any worker was last seen; None: never


def mail_queue_summary(*, seen_within: datetime.timedelta) -> MailQueueSummary:
    """The outbox as it stands, whatever the task queue says (2 queries).

    Counted from the emails themselves rather than from the task table: a retry
    is a task that is not due yet, and the task queue does not call that waiting.
    """
    now = timezone.now()
    mail = OutboundEmail.objects.aggregate(
        waiting=Count("pk", filter=Q(status=Status.QUEUED)),
        retrying=Count("pk", filter=Q(status=Status.QUEUED, attempts__gt=0)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        stuck=Count(
            "pk",
            filter=Q(status=Status.SENDING, claimed_at__lt=now - OutboundEmail.STUCK_AFTER),
        ),
        oldest=Min("created_at", filter=Q(status=Status.QUEUED)),
    )
    workers = WorkerHeartbeat.objects.aggregate(
        last=Max("seen_at"), seen=Count("pk", filter=Q(seen_at__gte=now - seen_within))
    )
    return MailQueueSummary(
        waiting=mail["waiting"],
        retrying=mail["retrying"],
        failed=mail["failed"],
        stuck=mail["stuck"],
        oldest_waiting_seconds=_seconds_since(mail["oldest"], now),
        workers_seen=workers["seen"],
        last_heartbeat_seconds=_seconds_since(workers["last"], now),
    )


def _seconds_since(moment: datetime.datetime | None, now: datetime.datetime) -> float | None:
    return max(0.0, (now - moment).total_seconds()) if moment else None
