"""The outbox: emails are written to the database with the change that causes them, then delivered.

``email_enqueue`` stores the message and enqueues its delivery task in the
caller's transaction: a rolled-back change sends nothing, a committed one
cannot lose its mail. The worker (``manage.py outbox_worker``) runs
``email_deliver``, which claims the message with one conditional update (so two
workers, or a task enqueued twice, never send it twice), sends it, and on an
error re-enqueues itself with a growing delay (``run_after``). After
``OUTBOX_MAX_ATTEMPTS`` the message is marked failed; the admin lists failed
messages and can retry them.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from editorial.urls_absolute import site_domain
from outbox.models import OutboundEmail, WorkerHeartbeat

logger = logging.getLogger("editorial.outbox")
Status = OutboundEmail.Status


def _enqueue_delivery(email_id: int, *, run_after: datetime.datetime | None = None) -> None:
    from django_tasks_db import DatabaseBackend

    from outbox.tasks import deliver_email

    task = deliver_email.using(run_after=run_after) if run_after else deliver_email
    if isinstance(deliver_email.get_backend(), DatabaseBackend):
        task.enqueue(email_id)  # the task row commits or rolls back with the caller's change
    else:
        # A queue outside the database (Redis, RabbitMQ) must not see the task before the
        # row it names is committed.
        transaction.on_commit(lambda: task.enqueue(email_id))


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
    _enqueue_delivery(email.pk)
    return email


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt after ``attempts`` failed ones: doubling, capped."""
    base = settings.OUTBOX_RETRY_SECONDS
    return min(base * 2 ** max(0, attempts - 1), settings.OUTBOX_RETRY_MAX_SECONDS)


def email_deliver(*, email_id: int) -> str:
    """Send one queued email; "sent", "retry", "failed" or "skipped" (not queued any more)."""
    claimed = OutboundEmail.objects.filter(pk=email_id, status=Status.QUEUED).update(
        status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": email.message_id},
    )
    try:
        message.send(fail_silently=False)
    except Exception as error:  # any failure of the mail server or the network
        return _failed(email, error)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.SENT, sent_at=timezone.now(), next_attempt_at=None
    )
    return "sent"


@transaction.atomic
def _failed(email: OutboundEmail, error: Exception) -> str:
    text = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=Status.FAILED, last_error=text, next_attempt_at=None
        )
        logger.error(
            "Gave up on email %s to %s after %s attempts: %s",
            email.pk,
            email.to,
            email.attempts,
            text,
        )
        return "failed"
    when = timezone.now() + datetime.timedelta(seconds=retry_delay(email.attempts))
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.QUEUED, last_error=text, next_attempt_at=when
    )
    _enqueue_delivery(email.pk, run_after=when)
    logger.warning(
        "Email %s to %s not sent (attempt %s), retrying at %s: %s",
        email.pk,
        email.to,
        email.attempts,
        when.isoformat(),
        text,
    )
    return "retry"


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
        _enqueue_delivery(email_id)
    return len(ids)


@transaction.atomic
def requeue_waiting(*, emails) -> int:
    """Enqueue delivery again for queued emails (their task was lost); how many.

    A second task for one email is harmless: whichever runs first claims it.
    """
    ids = list(emails.filter(status=Status.QUEUED).values_list("pk", flat=True))
    for email_id in ids:
        _enqueue_delivery(email_id)
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
