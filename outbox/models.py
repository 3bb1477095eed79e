"""Every email the site sends, kept until it is delivered or given up on."""

import datetime
import uuid

from django.db import models


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=40, help_text="What caused it, such as 'submitted'.")
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    # The same Message-ID on every attempt, so a mail server that got a message
    # twice (an answer lost after delivery) can tell it is one message.
    message_id = models.CharField(max_length=200, unique=True, editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    # A message "sending" for longer than this lost its worker mid-way: whether the mail
    # server got it is unknown, so only an operator sends it again (the admin's "Retry").
    STUCK_AFTER = datetime.timedelta(minutes=10)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outgoing email"

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} ({self.status})"

    @staticmethod
    def new_message_id(domain: str) -> str:
        return f"<{uuid.uuid4().hex}@{domain or 'localhost'}>"


class WorkerHeartbeat(models.Model):
    """When each mail worker last went round its loop; a worker that cannot reach the database
    cannot write here, which is what readiness and the metrics read from its age."""

    name = models.CharField(max_length=64, unique=True, help_text="The worker's --worker-id.")
    seen_at = models.DateTimeField()
    pid = models.PositiveIntegerField()
    host = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.name} (pid {self.pid} on {self.host or '?'}), seen {self.seen_at:%H:%M:%S}"
