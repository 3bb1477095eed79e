"""Claim-by-claim review: a board reviewer's verdict on one claim as it reads now."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch

from articles import policy
from articles.content import ArticleContent
from articles.errors import ConditionsNotMet, EditConflict
from articles.models import Citation, Claim, ClaimReview, ClaimSummary
from articles.services.threads import thread_open_for_review
from board.models import BoardMember
from screening.rules import verification_blockers


@transaction.atomic
def claim_review(
    *, claim: Claim, by, verdict: str, comment: str = "", expected_hash: str | None = None
) -> ClaimReview:
    """A board reviewer marks one item of an article under review Verified or Needs change.

    The verdict is bound to the claim's fingerprint: everything readers see of
    it, down to the details of the references it cites, so any later change
    makes it stale. ``expected_hash`` is the fingerprint of the claim as the
    reviewer was shown it; a claim that changed meanwhile is refused. Nobody who
    drafted or edited the revision may give a verdict.
    """
    article = claim.article
    policy.ensure(by, policy.VERIFY, article)
    if verdict not in ClaimReview.Verdict.values:
        raise ValidationError({"verdict": "Choose Verified or Needs change."})
    comment = (comment or "").strip()
    if verdict == ClaimReview.Verdict.NEEDS_CHANGE and not comment:
        raise ValidationError({"comment": "Say what needs to change."})
    if verdict == ClaimReview.Verdict.VERIFIED and (
        reasons := verification_blockers(claim=claim)  # retraction screening
    ):
        raise ConditionsNotMet("Cannot verify this claim yet", reasons=reasons)
    current = Claim.objects.prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("reference"))
    ).get(pk=claim.pk)
    fingerprint = current.fingerprint()
    if expected_hash and expected_hash != fingerprint:
        raise EditConflict(
            "This claim or a reference it cites changed since you opened it. "
            "Read it again before giving your verdict.",
            current_version=article.content_version,
        )
    review = ClaimReview.objects.create(
        claim=current,
        claim_version=current.version,
        content_hash=fingerprint,
        reviewer=by,
        verdict=verdict,
        comment=comment,
    )
    if verdict == ClaimReview.Verdict.NEEDS_CHANGE:
        # The comment becomes a conversation with the editors, kept across rounds.
        thread_open_for_review(review=review)
    article.forget_cached_content()
    return review


def claim_verifications_at_approval(
    *, content: ArticleContent, summaries: Sequence[ClaimSummary]
) -> dict[str, dict]:
    """Who verified each claim of the approved content and when, for readers (1 query).

    Read from the verdicts that count (``readiness.claim_summaries`` asks the sign-off
    rule), with the reviewer as credited today, and stored with the version: a later
    change of name, role or verdict changes nothing readers were told. By claim uid:
    {"reviewer_id": 7, "reviewer": "Dr. A B, MD", "member_id": 3, "at": "<ISO time>"}.
    """
    ids = {s.verified_by for s in summaries if s.verified_by}
    users = get_user_model().objects.filter(pk__in=ids).select_related("board_profile")
    credited = {user.pk: _credited(user) for user in users}
    return {
        claim.uid: {
            "reviewer_id": summary.verified_by,
            **credited.get(summary.verified_by, {"reviewer": ""}),
            "at": summary.verified_at.isoformat(),
        }
        for claim, summary in zip(content.claims, summaries, strict=True)
        if summary.verified_by and claim.uid
    }


def _credited(user) -> dict:
    """The reviewer as the public page credits them: their name, and their board profile."""
    try:
        profile = user.board_profile
    except BoardMember.DoesNotExist:
        return {"reviewer": user.get_full_name() or user.get_username()}
    return {"reviewer": f"{profile.name}, {profile.credentials}", "member_id": profile.pk}
