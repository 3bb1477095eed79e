"""Running the Medical Advisory Board: members, specialties, credentials, conflicts, assignments.

A member's profile (``BoardMember``) is what the public board page shows; articles
carry their topics as ``Article.topics``, drawn from the same specialty list.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Specialty(models.Model):
    """A medical specialty: what a board member knows, and what an article is about."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    # Per-topic rules; blank means the site-wide setting applies.
    required_approvals = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Approvals an article on this topic needs when more than REQUIRED_APPROVALS "
        "(a topic never asks for fewer)",
    )
    rereview_after_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Days after approval an article on this topic is due for re-review "
        "(blank: REREVIEW_AFTER_DAYS)",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name


class BoardMember(models.Model):
    """A Medical Advisory Board reviewer's public profile."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_profile"
    )
    name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=100, help_text="For example: MD, PharmD")
    specialty = models.CharField(max_length=200, blank=True)
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="members")
    bio = models.TextField("short bio", blank=True)
    disclosures = models.TextField("conflict-of-interest disclosure", blank=True)
    is_active = models.BooleanField(default=True)

    # The tables keep the names they had when members were part of the articles app.
    history = HistoricalRecords(table_name="articles_historicalboardmember")

    class Meta:
        db_table = "articles_boardmember"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.credentials}"


class Credential(models.Model):
    """A board member's licence or certification, with who issued it and until when."""

    member = models.ForeignKey(
        BoardMember, on_delete=models.CASCADE, related_name="credential_records"
    )
    name = models.CharField(max_length=200, help_text="For example: Board certification, Neurology")
    issued_by = models.CharField(
        max_length=200, help_text="For example: American Board of Psychiatry and Neurology"
    )
    identifier = models.CharField("licence or certificate number", max_length=100, blank=True)
    expires_on = models.DateField(null=True, blank=True, help_text="Blank: does not expire")
    # When the 30-day expiry reminder went out, so it goes out once.
    reminded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "expires_on", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.issued_by})"

    def is_expired(self, today=None) -> bool:
        return self.expires_on is not None and self.expires_on < (today or timezone.localdate())


class ConflictDeclaration(models.Model):
    """A reviewer's declaration, per article, of no conflict or of a conflict (recusal)."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflict_declarations"
    )
    has_conflict = models.BooleanField()
    note = models.TextField(blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["declared_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reviewer"], name="one_declaration_per_reviewer"
            ),
            models.CheckConstraint(
                condition=Q(has_conflict=False) | ~Q(note=""), name="conflict_has_note"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {'conflict' if self.has_conflict else 'no conflict'}"


class ReviewAssignment(models.Model):
    """An editor-in-chief's request that one reviewer review one round of an article by a date.

    A round ends with the board's decision. When changes are requested the
    assignments of the round close (the requester's as done) and each is carried
    to the next round as a ``RETURNED`` row: it waits for the editor and opens
    again, for the same reviewer with a new due date, when the article is
    resubmitted (``board.assignments.assignments_return`` and ``assignments_reopen``).
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        # Sent back to the editor: waits for the resubmission, then opens again.
        RETURNED = "returned", "Waiting for the resubmission"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The article's review round this assignment is for (``Article.review_round``).
    review_round = models.PositiveIntegerField(default=1)
    # The days the editor-in-chief gave for one round; a resubmission is due this many days
    # after it arrives, whatever the due date of the round before was changed to.
    days_allowed = models.PositiveIntegerField(default=14)
    # The last daily overdue reminder, and the escalation to the editor-in-chief.
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        permissions = [("assign_reviewers", "Can assign reviewers and see board reports")]
        constraints = [
            # A returned assignment is the same reviewer's work, waiting: it counts as open here,
            # so reopening it can never meet a second open row for the same reviewer.
            models.UniqueConstraint(
                fields=["article", "reviewer"],
                condition=Q(status__in=["open", "returned"]),
                name="one_open_assignment_per_reviewer",
            )
        ]
        indexes = [
            models.Index(fields=["reviewer", "status", "due_on"]),
            # The editor-in-chief's queue: open assignments by due date, then by article.
            models.Index(fields=["status", "due_on", "article"]),
            models.Index(fields=["article", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} to review {self.article} by {self.due_on:%Y-%m-%d}"
