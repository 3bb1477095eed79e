"""The shared library and the site's editorial furniture: references and policy versions."""

from __future__ import annotations

import re

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from articles.content import ReferenceKind


def normalise_text(value: str) -> str:
    """Case-folded words only: the key under which two spellings of one title meet."""
    return " ".join(re.findall(r"\w+", value.casefold()))


class Reference(models.Model):
    """An entry of the shared reference library, cited by any number of articles."""

    kind = models.CharField(
        "type", max_length=32, choices=[(k.value, k.value) for k in ReferenceKind]
    )
    title = models.CharField(max_length=500)
    source = models.CharField("source or journal", max_length=300)
    year = models.PositiveSmallIntegerField()
    authors = models.CharField(max_length=500, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PMID", max_length=12, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    # For the desk and the board only: readers never see it and no fingerprint includes it
    # (``articles.reviewed.REFERENCE_FIELDS``); a change still follows copy-on-write below.
    abstract = models.TextField(blank=True)
    # Normalised title + source + year: the same work entered twice meets here.
    dedup_key = models.CharField(max_length=900, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Copy-on-write: a reference cited by an article in review, approved or
    # retracted never changes under it. A change makes a new current version
    # that ``replaces`` this one; this row stays, exactly as it was reviewed.
    is_current = models.BooleanField(default=True, editable=False)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="replaced_by",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key"], condition=Q(is_current=True), name="reference_unique_work"
            ),
            models.UniqueConstraint(
                fields=["doi"],
                condition=~Q(doi="") & Q(is_current=True),
                name="reference_unique_doi",
            ),
            models.UniqueConstraint(
                fields=["pmid"],
                condition=~Q(pmid="") & Q(is_current=True),
                name="reference_unique_pmid",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1800) & Q(year__lte=2100), name="reference_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.source}, {self.year})"

    def save(self, *args, **kwargs):
        # Derived, never typed: keeping it in step is the model's own business.
        self.dedup_key = self.make_dedup_key(title=self.title, source=self.source, year=self.year)
        super().save(*args, **kwargs)

    @staticmethod
    def make_dedup_key(*, title: str, source: str, year: int) -> str:
        return f"{normalise_text(title)}|{normalise_text(source)}|{year}"


class EditorialPolicy(models.Model):
    """One version of the editorial policy; the latest already effective is in force."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200, default="Editorial policy")
    body = models.TextField(help_text="Plain text; blank lines separate paragraphs.")
    effective_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "editorial policies"

    def __str__(self) -> str:
        return f"{self.title} v{self.version} (effective {self.effective_date:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("public:policy_version", kwargs={"version": self.version})
