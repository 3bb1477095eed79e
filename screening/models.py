"""Retraction screening: the Retraction Watch notices, each screening run, and what it found."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class NoticeNature(models.TextChoices):
    RETRACTION = "retraction", "Retraction"
    CORRECTION = "correction", "Correction"
    EXPRESSION_OF_CONCERN = "expression_of_concern", "Expression of concern"
    REINSTATEMENT = "reinstatement", "Reinstatement"


class RetractionNotice(models.Model):
    """One Retraction Watch record: a notice about one original paper.

    Identifiers are stored normalised (``articles.identifiers``) so that
    matching is an indexed equality. A record missing from the latest full
    file is kept, marked withdrawn, and no longer counts.
    """

    record_id = models.PositiveIntegerField("Retraction Watch record ID", unique=True)
    nature = models.CharField(max_length=32, choices=NoticeNature.choices)
    title = models.TextField(blank=True)
    journal = models.TextField(blank=True)
    publisher = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    urls = models.TextField("URLs", blank=True)
    notes = models.TextField(blank=True)
    retraction_date = models.DateField("notice date", null=True, blank=True)
    retraction_doi = models.CharField("notice DOI", max_length=200, blank=True)
    retraction_pmid = models.CharField("notice PMID", max_length=12, blank=True)
    original_date = models.DateField("original paper date", null=True, blank=True)
    original_doi = models.CharField("original paper DOI", max_length=200, blank=True)
    original_pmid = models.CharField("original paper PMID", max_length=12, blank=True)
    # A digest of the record's fields: an unchanged row in a newer file costs no write.
    row_hash = models.CharField(max_length=40)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="When the record disappeared from the published data"
    )
    first_run = models.ForeignKey(
        "ScreeningRun", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_seen_run = models.ForeignKey(
        "ScreeningRun", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-retraction_date", "-record_id"]
        indexes = [
            models.Index(
                fields=["original_doi"], condition=~Q(original_doi=""), name="notice_original_doi"
            ),
            models.Index(
                fields=["original_pmid"],
                condition=~Q(original_pmid=""),
                name="notice_original_pmid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} #{self.record_id}: {self.title[:80]}"

    @property
    def link(self) -> str:
        """Where a reader finds the notice itself: its DOI, else its PubMed entry."""
        if self.retraction_doi:
            return f"https://doi.org/{self.retraction_doi}"
        if self.retraction_pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.retraction_pmid}/"
        return ""

    @property
    def reasons(self) -> list[str]:
        """Retraction Watch writes reasons as ``+Reason one;+Reason two;``."""
        return [r.strip().lstrip("+") for r in self.reason.split(";") if r.strip().lstrip("+")]


class ScreeningRun(models.Model):
    """One import of the notices, or one re-screen of the library: the record of what it did."""

    class Kind(models.TextChoices):
        IMPORT = "import", "Import and screen"
        RESCREEN = "rescreen", "Re-screen"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FINISHED_WITH_SKIPS = "skipped", "Finished, rows skipped"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    file_name = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rows_read = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    notices_created = models.PositiveIntegerField(default=0)
    notices_updated = models.PositiveIntegerField(default=0)
    notices_unchanged = models.PositiveIntegerField(default=0)
    notices_withdrawn = models.PositiveIntegerField(default=0)
    notices_in_force = models.PositiveIntegerField("notices screened against", default=0)
    references_screened = models.PositiveIntegerField(default=0)
    references_matched = models.PositiveIntegerField(
        default=0, help_text="Library references with at least one notice"
    )
    references_retracted = models.PositiveIntegerField(default=0)
    articles_flagged = models.PositiveIntegerField(default=0)
    flags_cleared = models.PositiveIntegerField(default=0)
    # One problem a line ("line 12: ..."); the first ones only, the count is rows_skipped.
    problems = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M} ({self.file_name or '-'})"
        )

    @property
    def problem_lines(self) -> list[str]:
        return [line for line in self.problems.splitlines() if line]


class RetractionFlag(models.Model):
    """An approved version found citing a retracted paper after its approval.

    Open while the flagged version is the one readers see and the notice still
    counts; a new approval supersedes it, and a withdrawn or reinstated notice
    clears it. Flags are never deleted: they are the article's public record.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="retraction_flags"
    )
    version = models.ForeignKey(
        "articles.ArticleVersion", on_delete=models.CASCADE, related_name="retraction_flags"
    )
    notice = models.ForeignKey(RetractionNotice, on_delete=models.PROTECT, related_name="flags")
    # The reference's number in the flagged version, and its title as shown there.
    reference_number = models.PositiveSmallIntegerField()
    reference_title = models.TextField()
    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="flags")
    created_at = models.DateTimeField()
    # Moves with every change readers could see (raised, cleared, notice edited):
    # the public page's cache key includes the article's latest value.
    updated_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_run = models.ForeignKey(
        ScreeningRun, on_delete=models.PROTECT, null=True, blank=True, related_name="cleared_flags"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "notice", "reference_number"],
                condition=Q(cleared_at__isnull=True),
                name="flag_open_once",
            )
        ]
        indexes = [models.Index(fields=["article", "updated_at"], name="flag_article_updated")]

    def __str__(self) -> str:
        return f"{self.article} ref {self.reference_number}: {self.notice}"


class CitationJustification(models.Model):
    """A board reviewer's reason for a claim to keep citing a retracted paper.

    Given on the claim as it reads (``claim_version``), like a verification: a
    reworded claim needs a new one.
    """

    claim = models.ForeignKey(
        "articles.Claim", on_delete=models.CASCADE, related_name="retraction_justifications"
    )
    reference = models.ForeignKey(
        "articles.Reference", on_delete=models.CASCADE, related_name="retraction_justifications"
    )
    claim_version = models.PositiveIntegerField()
    notice = models.ForeignKey(
        RetractionNotice, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("justification")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["claim", "reference"], name="justification_citation")]

    def __str__(self) -> str:
        return f"Justified by {self.reviewer}: {self.text[:60]}"
