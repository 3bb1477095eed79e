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

from articles import roles
from board.models import ConflictDeclaration, Credential


def _all_expired(records, today) -> bool:
    return bool(records) and all(record.is_expired(today) for record in records)


def expired_credentials(user, *, today=None) -> list[Credential]:
    """The user's credentials, when every one has expired; empty when the user may review."""
    if user is None or not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    records = list(Credential.objects.filter(member__user=user))
    return records if _all_expired(records, today) else []


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


# What stands in the way of a reviewer, by the board's rule (``_board_standing``).
EXPIRED, NOT_DECLARED, CONFLICTED = "expired", "not declared", "conflicted"


def _board_standing(records: list[Credential], has_conflict: bool | None, today) -> str:
    """The board's rule: expired credentials bar every review; then the declaration must
    exist (``has_conflict`` None: not declared) and declare no conflict. "" when clear."""
    if _all_expired(records, today):
        return EXPIRED
    if has_conflict is None:
        return NOT_DECLARED
    return CONFLICTED if has_conflict else ""


def review_refusal(article, user) -> str:
    """Why a board reviewer may not review this article, told to them; "" when nothing stands
    in the way."""
    today = timezone.localdate()
    records = expired_credentials(user, today=today)
    declaration = declaration_of(article, user)
    standing = _board_standing(
        records, None if declaration is None else declaration.has_conflict, today
    )
    if standing == EXPIRED:
        return expired_message(records)
    return {NOT_DECLARED: NOT_DECLARED_MESSAGE, CONFLICTED: CONFLICTED_MESSAGE}.get(standing, "")


def standings(article, user_ids, *, today=None) -> dict[int, str]:
    """The board's rule for several reviewers at once, said of them (2 queries).

    For each user id, what stands in the way of their reviewing ``article``
    ("credential expired on 2026-12-01"); "" when nothing does.
    """
    today = today or timezone.localdate()
    user_ids = set(user_ids)
    records: dict[int, list[Credential]] = {uid: [] for uid in user_ids}
    for record in Credential.objects.filter(member__user_id__in=user_ids).select_related("member"):
        records[record.member.user_id].append(record)
    declared = dict(
        ConflictDeclaration.objects.filter(article=article, reviewer_id__in=user_ids).values_list(
            "reviewer_id", "has_conflict"
        )
    )
    found = {}
    for uid in user_ids:
        standing = _board_standing(records[uid], declared.get(uid), today)
        if standing == EXPIRED:
            found[uid] = f"credential expired on {max(r.expires_on for r in records[uid]):%Y-%m-%d}"
        elif standing == NOT_DECLARED:
            found[uid] = "no conflict-of-interest declaration on this article"
        elif standing == CONFLICTED:
            found[uid] = "declared a conflict of interest with this article"
        else:
            found[uid] = ""
    return found


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
    name = reviewer.get_full_name() or reviewer.username
    if not roles.is_reviewer(reviewer):
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
