"""The outbox: emails are written to the database with the change that causes them, then delivered.

``email_enqueue`` stores the message and enqueues its delivery task in the
caller's transaction: a rolled-back change sends nothing, a committed one
cannot lose its mail. The worker (``manage.py outbox_worker``) runs the
delivery task (``outbox.tasks``). After ``OUTBOX_MAX_ATTEMPTS`` the message is
marked failed; the admin lists failed messages and can retry them here.
"""

from __future__ import annotations

import datetime
import os
import socket

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from editorial.urls_absolute import site_domain
from outbox.models import OutboundEmail, WorkerHeartbeat
from outbox.tasks import delivery_enqueue

Status = OutboundEmail.Status


@transaction.atomic
def email_enqueue(*, subject: str, body: str, to: str, kind: str) -> OutboundEmail:
    """Store one email for ``to`` and enqueue its delivery, in the caller's transaction."""
    email = OutboundEmail.objects.create(
        kind=kind,
        to=to,
        subject=" ".join(subject.split())[:998],
        body=body,
        message_id=OutboundEmail.new_message_id(site_domain().split(":")[0]),
    )
    delivery_enqueue(email.pk)
    return email


@transaction.atomic
def email_retry(*, emails) -> int:
    """Queue failed emails again with a fresh count of attempts; how many.

    An email left "sending" for over ten minutes (its worker was killed mid-way)
    counts as failed; one sending now is left alone, so nothing goes out twice.
    """
    stuck = timezone.now() - OutboundEmail.STUCK_AFTER
    ids = list(
        emails.filter(
            Q(status=Status.FAILED) | Q(status=Status.SENDING, claimed_at__lt=stuck)
        ).values_list("pk", flat=True)
    )
    OutboundEmail.objects.filter(pk__in=ids).update(
        status=Status.QUEUED, attempts=0, next_attempt_at=None
    )
    for email_id in ids:
        delivery_enqueue(email_id)
    return len(ids)


@transaction.atomic
def requeue_waiting(*, emails) -> int:
    """Enqueue delivery again for queued emails (their task was lost); how many.

    A second task for one email is harmless: whichever runs first claims it.
    """
    ids = list(emails.filter(status=Status.QUEUED).values_list("pk", flat=True))
    for email_id in ids:
        delivery_enqueue(email_id)
    return len(ids)


def heartbeat_record(*, name: str) -> None:
    """Note that the worker ``name`` (this process) went round its loop just now."""
    WorkerHeartbeat.objects.update_or_create(
        name=name,
        defaults={"seen_at": timezone.now(), "pid": os.getpid(), "host": socket.gethostname()},
    )


def heartbeat_prune(*, older_than: datetime.timedelta) -> int:
    """Forget workers not seen for ``older_than`` (each start may bring a new id); how many."""
    deleted, _ = WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - older_than).delete()
    return deleted
