"""The claims of an article as the desk's review screen shows them, and whose sign-offs no
longer count."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from articles.models import Article, ArticleApproval, Citation, ClaimReview
from articles.policy import sign_off_refusals
from articles.states import ArticleState
from desk.selectors import person_name


@dataclass
class ClaimRow:
    """One claim as the desk shows it: its citations, and the board's word on it as it now reads."""

    claim: object
    number: int
    citations: list
    reviews: list
    fingerprint: str  # of what readers see of the claim now (``articles.reviewed``)
    # Reviewers who may not sign off the revision now (``policy.sign_off_refusals``): a
    # contributor, a recused reviewer, an expired credential... Their verdicts do not count.
    not_counted: set = field(default_factory=set)
    # Why, for each reviewer with a verdict on the article ("" when theirs count).
    refusals: dict = field(default_factory=dict)

    @property
    def current_reviews(self) -> list:
        """Verdicts on the claim exactly as it now reads, by reviewers who may still give them."""
        return [
            r
            for r in self.reviews
            if r.content_hash == self.fingerprint and r.reviewer_id not in self.not_counted
        ]

    @property
    def latest_review(self):
        current = self.current_reviews
        return current[-1] if current else None

    @property
    def last_review(self):
        """The board's latest word on the claim, current or given on what it said before."""
        return self.reviews[-1] if self.reviews else None

    @property
    def last_review_is_current(self) -> bool:
        return self.last_review is not None and self.last_review in self.current_reviews

    @property
    def verdict(self) -> str:
        """The verdict on the claim as it now reads ("" when none, or only on what it said before)."""
        review = self.latest_review
        return review.verdict if review is not None else ""

    @property
    def changed_since_review(self) -> bool:
        """Reviewed before, but it (or a reference it cites) has changed since."""
        return bool(self.reviews) and not self.current_reviews

    @property
    def unresolved(self) -> list[str]:
        return [c.unresolved_label for c in self.citations if c.reference_id is None]


def claim_list_for_desk(*, article: Article) -> list[ClaimRow]:
    """The article's claims with citations, references and reviews (4 queries, 4 more with verdicts)."""
    claims = article.claims.prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("reference")),
        Prefetch(
            "reviews",
            queryset=ClaimReview.objects.select_related("reviewer").order_by("created_at", "pk"),
        ),
    )
    claims = list(claims)
    # Verdicts count only while their reviewer may still give them (the sign-off rule).
    refusals = sign_off_refusals(
        article, {r.reviewer_id for claim in claims for r in claim.reviews.all()}
    )
    not_counted = {uid for uid, refusal in refusals.items() if refusal}
    return [
        ClaimRow(
            claim=claim,
            number=number,
            citations=list(claim.citations.all()),
            reviews=list(claim.reviews.all()),
            fingerprint=claim.fingerprint(),
            not_counted=not_counted,
            refusals=refusals,
        )
        for number, claim in enumerate(claims, start=1)
    ]


def sign_offs_not_counted(*, article: Article, rows: list[ClaimRow], fingerprint: str) -> list[str]:
    """Why verdicts and approvals given for the content as it reads no longer count, one line
    per signer ("Dr X's approval no longer counts: credential expired on 2026-12-01.").

    Under review only; 1 query, and 4 more when an approver gave no verdict.
    """
    if article.state != ArticleState.UNDER_REVIEW:
        return []
    refusals = rows[0].refusals if rows else {}
    verifiers = {
        r.reviewer_id: r.reviewer
        for row in rows
        for r in row.reviews
        if r.content_hash == row.fingerprint and r.verdict == ClaimReview.Verdict.VERIFIED
    }
    approvers = {
        a.reviewer_id: a.reviewer
        for a in ArticleApproval.objects.filter(
            article=article, review_round=article.review_round, content_hash=fingerprint
        ).select_related("reviewer")
    }
    if unknown := approvers.keys() - refusals.keys():
        refusals = {**refusals, **sign_off_refusals(article, unknown)}
    lines = [
        f"{person_name(user)}’s approval no longer counts: {refusals[uid]}."
        for uid, user in approvers.items()
        if refusals[uid]
    ]
    lines += [
        f"{person_name(user)}’s verdicts no longer count: {refusals[uid]}."
        for uid, user in verifiers.items()
        if refusals.get(uid)
    ]
    return lines
