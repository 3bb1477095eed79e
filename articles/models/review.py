"""The record of review: verdicts, approvals, transitions and the published versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.states import ArticleState


class ClaimReview(models.Model):
    """A board reviewer's verdict on one claim as it read at the time."""

    class Verdict(models.TextChoices):
        VERIFIED = "verified", "Verified"
        NEEDS_CHANGE = "needs_change", "Needs change"

    claim = models.ForeignKey("articles.Claim", on_delete=models.CASCADE, related_name="reviews")
    claim_version = models.PositiveIntegerField()
    # The fingerprint of everything the reviewer saw of the claim (``articles.reviewed``):
    # the verdict counts only while the claim still reads exactly so.
    content_hash = models.CharField(max_length=64, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} by {self.reviewer}"


class ArticleApproval(models.Model):
    """One reviewer's sign-off of a revision; REQUIRED_APPROVALS of them publish it."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="approvals"
    )
    revision = models.PositiveIntegerField()
    # The review round (``Article.review_round``) it was given in: only that round counts it.
    review_round = models.PositiveIntegerField(default=0)
    content_version = models.PositiveIntegerField()
    # The fingerprint of the whole reviewed content the reviewer signed off.
    content_hash = models.CharField(max_length=64)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(blank=True)
    # Which rule set the number of approvals, e.g. "2 approvals: Oncology topic rule".
    approval_rule = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "review_round", "content_hash", "reviewer"],
                name="approval_once_per_reviewer_and_round",
            )
        ]

    def __str__(self) -> str:
        return f"r{self.revision} approved by {self.reviewer}"


class ArticleTransition(models.Model):
    """The audit row of one workflow transition: who moved the article, when and why."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="transitions"
    )
    name = models.CharField(max_length=32)
    source = models.CharField(max_length=16, choices=ArticleState.choices)
    target = models.CharField(max_length=16, choices=ArticleState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    comment = models.TextField(blank=True)
    revision = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.source} -> {self.target}"


class ArticleVersion(models.Model):
    """The content of one approved revision exactly as the board approved it.

    Readers are shown this snapshot, never the live rows, so a revision in
    progress changes nothing public until it is approved in turn.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="versions"
    )
    revision = models.PositiveIntegerField()
    # ArticleContent as the interchange JSON format writes it.
    content = models.JSONField()
    # The fingerprint of the reviewed content (``articles.reviewed``): the same as
    # every approval of this version names.
    content_hash = models.CharField(max_length=64)
    last_updated = models.DateField()
    approved_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    policy = models.ForeignKey(
        "articles.EditorialPolicy", on_delete=models.PROTECT, null=True, related_name="+"
    )
    change_summary = models.CharField(max_length=300, blank=True)
    comment = models.TextField(blank=True)
    # Which rule set the number of approvals, e.g. "1 approval: site default".
    approval_rule = models.CharField(max_length=200, blank=True)
    # The conflict-of-interest declarations of everyone who vouched for this version, as
    # they stood at approval: [{"reviewer": name, "has_conflict": bool, "note": str}].
    declarations = models.JSONField(default=list, blank=True)
    # Who verified each claim and when, as the verdicts that counted stood at approval, by
    # claim uid: {"<uid>": {"reviewer_id": 7, "reviewer": "Dr. A B, MD", "at": "<ISO>"}}.
    # Readers are shown this, never the verdicts as they stand later.
    claim_verifications = models.JSONField(default=dict, blank=True)
    # The editors who wrote this revision, by name, as credited at approval ("Written by").
    written_by = models.JSONField(default=list, blank=True)
    # The version of the evidence scale (``articles.evidence``) the levels were verified
    # under; None when no claim had a level.
    evidence_scale_version = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-approved_at", "-pk"]
        get_latest_by = "approved_at"
        # The desk's "Due for re-review" lists the oldest approvals first: walked in this
        # order, its first rows are read without sorting every approved version.
        indexes = [models.Index(fields=["approved_at"], name="articleversion_approved_at")]

    def __str__(self) -> str:
        return f"{self.article} r{self.revision} approved {self.approved_at:%Y-%m-%d}"

    @property
    def declaration_lines(self) -> list[str]:
        """The declarations in words, for the review record."""
        return [
            f"{d['reviewer']}: declared a conflict of interest ({d['note']})"
            if d.get("has_conflict")
            else f"{d['reviewer']}: declared no conflict of interest"
            for d in self.declarations
        ]
