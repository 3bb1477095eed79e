"""Per-claim discussion between the board and the editors: threads opened by "Needs change"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ClaimThread(models.Model):
    """A reviewer's "Needs change" on one claim, and the conversation until it is settled.

    Keyed by the claim's uid rather than its row, so the thread outlives edits to
    the claim (and says what it was about even once the claim is removed).
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"  # the reviewer is waiting for the editors
        ADDRESSED = "addressed", "Addressed"  # the editors say it is done; the reviewer checks
        RESOLVED = "resolved", "Resolved"  # the reviewer is satisfied

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="claim_threads"
    )
    claim_uid = models.UUIDField()
    # The claim as it read when the thread was opened, for when it is later removed.
    claim_text = models.TextField(blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The verdict that opened it; gone if the claim is deleted (the thread stays).
    opened_with = models.ForeignKey(
        "articles.ClaimReview", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    addressed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One live conversation per claim: a second "Needs change" joins it.
            models.UniqueConstraint(
                fields=["article", "claim_uid"],
                condition=~Q(status="resolved"),
                name="claim_thread_one_unresolved_per_claim",
            ),
        ]
        indexes = [models.Index(fields=["article", "status"], name="claim_thread_status")]

    def __str__(self) -> str:
        return f"Thread on {self.claim_uid} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_resolved(self) -> bool:
        return self.status == self.Status.RESOLVED


class ThreadMessage(models.Model):
    """One entry of a claim thread: something said, or a change of its status with why."""

    class Event(models.TextChoices):
        OPENED = "opened", "Needs change"
        REPLY = "reply", "Reply"
        ADDRESSED = "addressed", "Marked addressed"
        RESOLVED = "resolved", "Resolved"
        REOPENED = "reopened", "Reopened"

    thread = models.ForeignKey(ClaimThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    event = models.CharField(max_length=16, choices=Event.choices, default=Event.REPLY)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_event_display()} by {self.author}"
