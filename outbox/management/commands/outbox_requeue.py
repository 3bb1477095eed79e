"""Enqueue delivery again for queued emails whose task was lost (a queue outside the database)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from outbox.models import OutboundEmail
from outbox.services import requeue_waiting


class Command(BaseCommand):
    help = (
        "Enqueue delivery again for emails still queued after --minutes (default 15) past their "
        "due time. Only needed with a task queue outside the database (Redis, RabbitMQ) that "
        "can lose tasks; sending stays once per email."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=15)

    def handle(self, *args, minutes: int, **options):
        cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
        waiting = OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).filter(
            Q(next_attempt_at__lt=cutoff) | Q(next_attempt_at=None, created_at__lt=cutoff)
        )
        self.stdout.write(f"Enqueued {requeue_waiting(emails=waiting)} email(s) again.")
