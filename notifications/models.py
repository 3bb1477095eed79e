"""Notifications at the desk, each person's choice of what is mailed, and the marks that
keep daily mail and reminders to once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from notifications.kinds import Delivery, Kind


class Notification(models.Model):
    """Something that happened which concerns one desk user, shown in their list until read."""

    class Mail(models.TextChoices):
        SENT = "sent", "Mailed"
        PENDING = "pending", "Waits for the day's mail"
        NONE = "none", "Not mailed"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # One of ``notifications.kinds.Kind``; no choices here, so a new kind needs no migration.
    kind = models.CharField(max_length=40)
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True, help_text="A path on this site.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    mail = models.CharField(max_length=10, choices=Mail.choices)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_newest"),
            # The day's mail looks only at what waits for it.
            models.Index(
                fields=["recipient"],
                condition=Q(mail="pending"),
                name="notification_mail_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"

    @property
    def kind_label(self) -> str:
        try:
            return Kind(self.kind).label
        except ValueError:
            return self.kind

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """How one user wants to be mailed about one kind, or (kind "") about every other kind."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(max_length=40, blank=True, help_text="Blank: every kind not set apart.")
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_user_kind"),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="preference_delivery_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind or 'every kind'} by {self.get_delivery_display()}"


class DailyMail(models.Model):
    """The one daily mail a user was sent on a day, so nothing sends them a second."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_mails"
    )
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    notifications = models.PositiveIntegerField(default=0)
    email = models.ForeignKey(
        "outbox.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_daily_mail_per_user_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.day:%Y-%m-%d}"


class Reminder(models.Model):
    """A reminder about a review assignment that goes out once (per due date, for due soon)."""

    assignment = models.ForeignKey(
        "board.ReviewAssignment", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "due_on"], name="one_reminder_per_due_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.assignment_id} due {self.due_on:%Y-%m-%d}"
