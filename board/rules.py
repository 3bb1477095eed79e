"""The board's rules that the policy and the services ask: credentials, declarations, approvals.

What counts as an expired reviewer: a board member whose profile lists credential
records, none of them current (every one has passed its expiry date). A member with
no credential records falls back to the free-text ``BoardMember.credentials`` and is
not blocked; a member with one expired and one current credential is not blocked
either (the expired one is still flagged). A reviewer without a board profile is
treated like one without records.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from board.models import ConflictDeclaration, Credential


def expired_credentials(user, *, today=None) -> list[Credential]:
    """The user's credentials, when every one has expired; empty when the user may review."""
    if user is None or not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    records = list(Credential.objects.filter(member__user=user))
    if records and all(record.is_expired(today) for record in records):
        return records
    return []


def expired_message(records: list[Credential]) -> str:
    names = "; ".join(
        f"{r} expired {r.expires_on:%B} {r.expires_on.day}, {r.expires_on:%Y}" for r in records
    )
    return (
        f"Your credential has expired ({names}). Renew it and have the board profile updated "
        "before you review."
    )


def declaration_of(article, user) -> ConflictDeclaration | None:
    """The user's conflict-of-interest declaration on the article, if they made one."""
    if user is None or not user.is_authenticated or article is None or article.pk is None:
        return None
    return ConflictDeclaration.objects.filter(article=article, reviewer=user).first()


NOT_DECLARED_MESSAGE = (
    "Declare first whether you have a conflict of interest with this article "
    "(on the article page at the desk)."
)
CONFLICTED_MESSAGE = (
    "You declared a conflict of interest with this article, so you are recused from reviewing it."
)


def review_refusal(article, user) -> str:
    """Why a board reviewer may not review this article, in words; "" when nothing stands in the way.

    Expired credentials come first (they bar every review), then the declaration:
    none yet, or a declared conflict.
    """
    records = expired_credentials(user)
    if records:
        return expired_message(records)
    declaration = declaration_of(article, user)
    if declaration is None:
        return NOT_DECLARED_MESSAGE
    if declaration.has_conflict:
        return CONFLICTED_MESSAGE
    return ""


@dataclass(frozen=True)
class ApprovalRule:
    """How many approvals an article needs, and which rule says so."""

    count: int
    source: str

    def __str__(self) -> str:
        noun = "approval" if self.count == 1 else "approvals"
        return f"{self.count} {noun}: {self.source}"


def approval_rule_for(article) -> ApprovalRule:
    """The approvals ``article`` needs: the most any of its topics asks, else REQUIRED_APPROVALS.

    A topic may ask for more approvals than the site default, never for fewer: the
    default is the board's floor for every medical article.
    """
    default = ApprovalRule(settings.REQUIRED_APPROVALS, "site default")
    topics = [t for t in article.topics.all() if t.required_approvals]
    if not topics:
        return default
    strictest = max(topics, key=lambda t: (t.required_approvals, t.name))
    if strictest.required_approvals <= default.count:
        return default
    return ApprovalRule(strictest.required_approvals, f"{strictest.name} topic rule")


def assignment_refusal(article, reviewer) -> str:
    """Why ``reviewer`` cannot be assigned ``article``, in words; "" when they can."""
    from articles import policy

    name = reviewer.get_full_name() or reviewer.username
    if not policy.is_reviewer(reviewer):
        return f"{name} is not an active board reviewer."
    if article.is_contributor(reviewer):
        return f"{name} drafted or edited this revision, so cannot review it."
    if records := expired_credentials(reviewer):
        listed = "; ".join(f"{r} expired {r.expires_on:%Y-%m-%d}" for r in records)
        return f"{name}'s credential has expired ({listed})."
    declaration = declaration_of(article, reviewer)
    if declaration is not None and declaration.has_conflict:
        return f"{name} declared a conflict of interest with this article."
    return ""


def declarations_of(article, reviewer_ids) -> list[dict]:
    """The declarations of these reviewers on the article, for the published version's record."""
    from board.models import ConflictDeclaration

    rows = (
        ConflictDeclaration.objects.filter(article=article, reviewer_id__in=reviewer_ids)
        .select_related("reviewer", "reviewer__board_profile")
        .order_by("declared_at", "pk")
    )
    return [
        {
            "reviewer": _public_name(row.reviewer),
            "has_conflict": row.has_conflict,
            "note": row.note,
            "declared_at": row.declared_at.isoformat(),
        }
        for row in rows
    ]


def _public_name(user) -> str:
    profile = getattr(user, "board_profile", None)
    if profile is not None:
        return profile.name
    return user.get_full_name() or user.username
