"""Articles made of claims that cite references, and the facts the workflow reads of them."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin
from simple_history.models import HistoricalRecords

from articles import reviewed
from articles.content import ClaimKind
from articles.evidence import EvidenceLevel
from articles.models.library import Reference
from articles.models.review import ClaimReview
from articles.states import PENDING_STATES, ArticleState
from articles.workflow import ArticleWorkflow


@dataclass(frozen=True)
class ClaimSummary:
    """What the workflow needs to know about one claim, computed once per check."""

    states_fact: bool
    lacks_citation: bool
    unresolved: bool
    verified: bool
    fingerprint: str
    verified_by: int | None = None  # the reviewer whose verdict counts, when verified
    verified_at: datetime.datetime | None = None  # when that verdict was given


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
    topics = models.ManyToManyField("board.Specialty", blank=True, related_name="articles")
    assigned_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The reviewer who last sent this revision back: its resubmission returns to them
    # (their "assigned to me" list) rather than to the whole board's queue.
    changes_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Counts revisions: 1 for the first draft, +1 at each "revise".
    revision = models.PositiveIntegerField(default=1)
    # Counts the article's review rounds: +1 each time it enters the review queue. An
    # approval counts only in the round it was given, whatever content it names.
    review_round = models.PositiveIntegerField(default=0)
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
            models.Index(fields=["state", "changes_requested_by"], name="article_returned_to"),
            # The desk's lists of articles in review and of drafts sent back, walked in
            # their order: the first rows of a long list are read without sorting it.
            models.Index(
                fields=["queued_at", "id"],
                condition=Q(state__in=PENDING_STATES),
                name="article_pending_queue",
            ),
            # Drafts by their last step: those sent back with changes requested are read
            # longest-waiting first. The step is a column, not the condition: the steps
            # import the models, and only the steps name a step.
            models.Index(
                fields=["last_transition", "last_transition_at", "id"],
                condition=Q(state=ArticleState.DRAFT),
                name="article_returned_drafts",
            ),
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

    def is_contributor(self, user) -> bool:
        if not user or not user.is_authenticated:
            return False
        if "contributors" in getattr(self, "_prefetched_objects_cache", {}):
            return any(u.pk == user.pk for u in self.contributors.all())
        return self.contributors.filter(pk=user.pk).exists()

    def cached_claim_summaries(self) -> list[ClaimSummary] | None:
        """The summaries ``articles.readiness.claim_summaries`` built for this instance, if any."""
        return self.__dict__.get("_claim_summaries")

    def use_claim_summaries(self, summaries: list[ClaimSummary]) -> None:
        """Keep summaries built from claims loaded with what ``summary`` needs (by the
        conditions, ``articles.readiness.claim_summaries``, or by a page that loaded them)."""
        self._claim_summaries = summaries

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
    # GRADE certainty of the evidence behind a fact the claim states (``articles.evidence``);
    # reviewed with the claim. Headings and claims needing no reference have none.
    evidence = models.CharField(
        "evidence level", max_length=16, blank=True, choices=EvidenceLevel.choices
    )
    # Bumped whenever anything readers see of the claim changes; verdicts are
    # bound to the claim's fingerprint (``articles.reviewed``), this is for people.
    version = models.PositiveIntegerField(default=1)
    # The editor said the plain-language version is still right for this wording, though
    # only one of the two changed since the board last saw them: the pair they confirmed
    # (``Claim.pairing``). Desk-only; the board sees the confirmation.
    pairing_confirmed = models.CharField(max_length=64, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "uid"], name="claim_unique_uid"),
            models.CheckConstraint(condition=Q(level__lte=5), name="claim_level_at_most_5"),
            # A heading or a claim that needs no reference has no evidence behind it to grade.
            models.CheckConstraint(
                condition=Q(evidence="")
                | (Q(kind__in=["paragraph", "bullet", "numbered"]) & Q(needs_no_citation=False)),
                name="claim_evidence_only_on_cited_facts",
            ),
        ]
        indexes = [models.Index(fields=["article", "position"])]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def states_fact(self) -> bool:
        return not ClaimKind(self.kind).is_heading

    @property
    def pairing(self) -> str:
        """The wording and its plain-language version together, as one short digest."""
        return reviewed.pairing_digest(self.text, self.plain_text)

    def fingerprint(self) -> str:
        """The fingerprint of what readers see of this claim (citations' references loaded)."""
        return reviewed.claim_fingerprint(
            kind=self.kind,
            level=self.level,
            text=self.text,
            plain_text=self.plain_text,
            needs_no_citation=self.needs_no_citation,
            evidence=self.evidence,
            cited=[
                reviewed.cited_entry(
                    reviewed.reference_details(c.reference), c.passage, c.passage_locator
                )
                if c.reference_id
                else reviewed.UNRESOLVED
                for c in self.citations.all()
            ],
        )

    def summary(self, *, exclude_reviewers: set[int] = frozenset()) -> ClaimSummary:
        """Needs ``citations__reference`` and ``reviews`` prefetched (no query of its own)."""
        citations = list(self.citations.all())
        fingerprint = self.fingerprint()
        reviews = [
            r
            for r in self.reviews.all()
            if r.content_hash == fingerprint and r.reviewer_id not in exclude_reviewers
        ]
        latest = max(reviews, key=lambda r: (r.created_at, r.pk), default=None)
        verified = latest is not None and latest.verdict == ClaimReview.Verdict.VERIFIED
        return ClaimSummary(
            states_fact=self.states_fact,
            lacks_citation=self.states_fact and not citations and not self.needs_no_citation,
            unresolved=any(c.reference_id is None for c in citations),
            verified=verified,
            fingerprint=fingerprint,
            verified_by=latest.reviewer_id if verified else None,
            verified_at=latest.created_at if verified else None,
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
    # The passage of the cited source that supports the claim, quoted by the editor, and
    # where it stands in the source. Reviewed with the claim (``articles.reviewed``).
    passage = models.TextField("quoted passage", blank=True)
    passage_locator = models.CharField(
        "where in the source", max_length=120, blank=True, help_text="Page, section or table"
    )

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
