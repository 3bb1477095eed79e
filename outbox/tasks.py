"""Delivering one queued email: the task the worker runs (``manage.py outbox_worker``).

``email_deliver`` claims the message with one conditional update (so two
workers, or a task enqueued twice, never send it twice), sends it, and on an
error enqueues the task again with a growing delay (``run_after``), until
``OUTBOX_MAX_ATTEMPTS``. The services (``outbox.services``) store messages and
enqueue this task; it imports nothing of theirs.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from outbox.models import OutboundEmail

logger = logging.getLogger("editorial.outbox")
Status = OutboundEmail.Status


@task()
def deliver_email(email_id: int) -> str:
    """The worker's task: deliver one email (``email_deliver``)."""
    return email_deliver(email_id=email_id)


def delivery_enqueue(email_id: int, *, run_after: datetime.datetime | None = None) -> None:
    """Enqueue the delivery of one stored email, in the caller's transaction."""
    queued = deliver_email.using(run_after=run_after) if run_after else deliver_email
    if isinstance(deliver_email.get_backend(), DatabaseBackend):
        queued.enqueue(email_id)  # the task row commits or rolls back with the caller's change
    else:
        # A queue outside the database (Redis, RabbitMQ) must not see the task before the
        # row it names is committed.
        transaction.on_commit(lambda: queued.enqueue(email_id))


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
    delivery_enqueue(email.pk, run_after=when)
    logger.warning(
        "Email %s to %s not sent (attempt %s), retrying at %s: %s",
        email.pk,
        email.to,
        email.attempts,
        when.isoformat(),
        text,
    )
    return "retry"
