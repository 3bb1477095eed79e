"""The editorial content model: articles made of claims that cite references."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin
from simple_history.models import HistoricalRecords

from articles.content import ClaimKind, ReferenceKind
from articles.workflow import ArticleState, ArticleWorkflow


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
    # Normalised title + source + year: the same work entered twice meets here.
    dedup_key = models.CharField(max_length=900, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "year"]
        constraints = [
            models.UniqueConstraint(fields=["dedup_key"], name="reference_unique_work"),
            models.UniqueConstraint(
                fields=["doi"], condition=~Q(doi=""), name="reference_unique_doi"
            ),
            models.UniqueConstraint(
                fields=["pmid"], condition=~Q(pmid=""), name="reference_unique_pmid"
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


class BoardMember(models.Model):
    """A Medical Advisory Board reviewer's public profile."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_profile"
    )
    name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=100, help_text="For example: MD, PharmD")
    specialty = models.CharField(max_length=200, blank=True)
    bio = models.TextField("short bio", blank=True)
    disclosures = models.TextField("conflict-of-interest disclosure", blank=True)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.credentials}"


@dataclass(frozen=True)
class ClaimSummary:
    """What the workflow needs to know about one claim, computed once per check."""

    states_fact: bool
    lacks_citation: bool
    unresolved: bool
    verified: bool


class Article(ConcurrentTransitionMixin, ArticleWorkflow):
    """A reader's question answered by ordered, cited claims."""

    title = models.CharField("question", max_length=300)
    slug = models.SlugField(max_length=320, unique=True)
    display_heading = models.CharField(max_length=300, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Who drafted or edited the revision now in the workflow: they may not approve it.
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="contributed_articles", blank=True
    )
    assigned_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Counts revisions: 1 for the first draft, +1 at each "revise".
    revision = models.PositiveIntegerField(default=1)
    # Bumped by every content change; edits name the version they started from.
    content_version = models.PositiveIntegerField(default=1)
    # The editor's one-line account of what this revision changed (given at submit).
    change_summary = models.CharField(max_length=300, blank=True)

    # Where the workflow last moved the article, kept on the row so that the
    # desk's queues are index scans rather than a search through the audit log.
    last_transition = models.CharField(max_length=32, blank=True)
    last_transition_at = models.DateTimeField(null=True, blank=True)
    # When it last entered the review queue (submitted or imported).
    queued_at = models.DateTimeField(null=True, blank=True)

    # The public "Last updated" date of the content now in the workflow.
    last_updated = models.DateField(default=timezone.localdate)
    published_version = models.ForeignKey(
        "ArticleVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["published_version"])

    class Meta:
        ordering = ["-last_updated", "-pk"]
        indexes = [
            models.Index(fields=["state", "queued_at"], name="article_queue"),
            models.Index(fields=["state", "assigned_reviewer"], name="article_review_assignment"),
        ]
        permissions = [
            ("submit_article", "Can submit, withdraw and revise articles"),
            ("review_article", "Can review articles for the Medical Advisory Board"),
            ("retract_article", "Can retract published articles"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("public:article", kwargs={"slug": self.slug})

    @property
    def is_content_editable(self) -> bool:
        return self.state == ArticleState.DRAFT

    def is_contributor(self, user) -> bool:
        if not user or not user.is_authenticated:
            return False
        if "contributors" in getattr(self, "_prefetched_objects_cache", {}):
            return any(u.pk == user.pk for u in self.contributors.all())
        return self.contributors.filter(pk=user.pk).exists()

    def claim_summaries(self) -> list[ClaimSummary]:
        """Per-claim facts for the workflow conditions, cached on the instance."""
        cached = getattr(self, "_claim_summaries", None)
        if cached is not None:
            return cached
        claims = list(
            self.claims.prefetch_related("citations", "reviews").only(
                "id", "article", "kind", "needs_no_citation", "version"
            )
        )
        summaries = [claim.summary() for claim in claims]
        self._claim_summaries = summaries
        return summaries

    def forget_cached_content(self) -> None:
        self.__dict__.pop("_claim_summaries", None)

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.forget_cached_content()
        super().refresh_from_db(*args, **kwargs)


class Claim(models.Model):
    """One unit of an article's body: a heading, a paragraph or a list item."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    # Stable identity across revisions: an edited claim is the same claim, changed.
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=[(k.value, k.name.title()) for k in ClaimKind])
    level = models.PositiveSmallIntegerField(default=0, help_text="Nesting depth of a list item")
    text = models.TextField()
    plain_text = models.TextField(
        "plain-language version", blank=True, help_text="Shown to patients and caregivers"
    )
    needs_no_citation = models.BooleanField(
        default=False, help_text="The editor states this claim needs no reference"
    )
    # Bumped whenever the text or citations change, so a verification made on
    # older wording no longer counts.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "uid"], name="claim_unique_uid"),
            models.CheckConstraint(condition=Q(level__lte=5), name="claim_level_at_most_5"),
        ]
        indexes = [models.Index(fields=["article", "position"])]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def states_fact(self) -> bool:
        return not ClaimKind(self.kind).is_heading

    def summary(self) -> ClaimSummary:
        """Needs ``citations`` and ``reviews`` prefetched to stay at a fixed query count."""
        citations = list(self.citations.all())
        reviews = [r for r in self.reviews.all() if r.claim_version == self.version]
        latest = max(reviews, key=lambda r: (r.created_at, r.pk), default=None)
        return ClaimSummary(
            states_fact=self.states_fact,
            lacks_citation=self.states_fact and not citations and not self.needs_no_citation,
            unresolved=any(c.reference_id is None for c in citations),
            verified=latest is not None and latest.verdict == ClaimReview.Verdict.VERIFIED,
        )


class Citation(models.Model):
    """A claim's citation of a reference, or of a number nothing stands behind yet."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")
    position = models.PositiveSmallIntegerField()
    reference = models.ForeignKey(
        Reference, on_delete=models.PROTECT, null=True, blank=True, related_name="citations"
    )
    # The number as the source wrote it, kept while no reference stands behind it.
    unresolved_label = models.CharField(max_length=20, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reference__isnull=False) & Q(unresolved_label=""))
                | (Q(reference__isnull=True) & ~Q(unresolved_label="")),
                name="citation_resolved_xor_labelled",
            ),
        ]

    def __str__(self) -> str:
        return str(self.reference or f"[unresolved {self.unresolved_label}]")

    @property
    def is_resolved(self) -> bool:
        return self.reference_id is not None


class ClaimReview(models.Model):
    """A board reviewer's verdict on one claim as it read at the time."""

    class Verdict(models.TextChoices):
        VERIFIED = "verified", "Verified"
        NEEDS_CHANGE = "needs_change", "Needs change"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="reviews")
    claim_version = models.PositiveIntegerField()
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

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="approvals")
    revision = models.PositiveIntegerField()
    content_version = models.PositiveIntegerField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "content_version", "reviewer"], name="approval_once_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"r{self.revision} approved by {self.reviewer}"


class ArticleTransition(models.Model):
    """The audit row of one workflow transition: who moved the article, when and why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
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

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    revision = models.PositiveIntegerField()
    # ArticleContent as the interchange JSON format writes it.
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    last_updated = models.DateField()
    approved_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    policy = models.ForeignKey(
        EditorialPolicy, on_delete=models.PROTECT, null=True, related_name="+"
    )
    change_summary = models.CharField(max_length=300, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-approved_at", "-pk"]
        get_latest_by = "approved_at"

    def __str__(self) -> str:
        return f"{self.article} r{self.revision} approved {self.approved_at:%Y-%m-%d}"

    @staticmethod
    def hash_content(content: dict) -> str:
        # "Last updated" is a consequence of the content, not part of it.
        material = {k: v for k, v in content.items() if k != "last_updated"}
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


class ArticleSearchEntry(models.Model):
    """What readers may find of one article: the text of the version they are shown.

    Kept in step by ``articles.services`` whenever an article's public face
    changes, so public search reads one row per article instead of decoding
    snapshots. There is a row only for articles readers may see: approved
    ones (searched in their approved snapshot, whatever revision is in
    progress) and pending ones (which the site may still hide at read time).
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    title = models.TextField()
    display_heading = models.TextField(blank=True)
    # Every claim's text, each followed by its plain-language version.
    body = models.TextField(blank=True)
    shown_updated = models.DateField()
    # PostgreSQL only: title, heading and body as one weighted document (see
    # ``document``), GIN-indexed by migration 0004; on SQLite it stays empty.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name_plural = "article search entries"
        # The home page lists entries newest first (public.selectors.article_list_public).
        indexes = [models.Index(fields=["-shown_updated", "-article"], name="search_entry_recent")]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def document(*, title: str, display_heading: str, body: str):
        """The weighted full-text document of these texts: the question counts most."""
        from django.contrib.postgres.search import SearchVector

        return (
            SearchVector(models.Value(title), weight="A", config="english")
            + SearchVector(models.Value(display_heading), weight="B", config="english")
            + SearchVector(models.Value(body), weight="C", config="english")
        )
