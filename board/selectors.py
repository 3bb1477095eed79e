"""Reads for running the board: suggested reviewers, assignments, credentials to renew."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.roles import PERM_REVIEW
from articles.selectors import users_holding
from board.models import BoardMember, ConflictDeclaration, Credential, ReviewAssignment, Specialty

OPEN = ReviewAssignment.Status.OPEN


def open_workload():
    """How many open assignments a user (the outer row) has, as a database expression."""
    counted = (
        ReviewAssignment.objects.filter(reviewer=OuterRef("pk"), status=OPEN)
        .values("reviewer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def expired_q(today: datetime.date, user: str = "pk") -> Q:
    """Rows whose user (the outer field ``user``) has credential records, all expired."""
    records = Credential.objects.filter(member__user=OuterRef(user))
    current = records.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    return Q(Exists(records)) & ~Q(Exists(current))


def reviewer_suggestions(*, article) -> QuerySet:
    """Reviewers to suggest for ``article``, the least busy first (2 queries with specialties).

    Those whose specialties match one of the article's topics (every reviewer when it
    has none), leaving out its contributors, reviewers who declared a conflict with
    it, reviewers whose credentials have all expired, and those already assigned it.
    Each carries ``workload``: their open assignments.
    """
    today = timezone.localdate()
    topics = Specialty.objects.filter(articles=article)
    reviewers = (
        get_user_model()
        # Reviewers without an email address are suggested too: they may be assigned.
        .objects.filter(pk__in=users_holding(PERM_REVIEW).values("pk"), is_active=True)
        .exclude(pk__in=article.contributors.values("pk"))
        .exclude(
            pk__in=ConflictDeclaration.objects.filter(article=article, has_conflict=True).values(
                "reviewer"
            )
        )
        .exclude(
            pk__in=ReviewAssignment.objects.filter(article=article, status=OPEN).values("reviewer")
        )
        .exclude(expired_q(today))
    )
    if article.topics.exists():
        reviewers = reviewers.filter(
            Exists(
                BoardMember.specialties.through.objects.filter(
                    boardmember__user=OuterRef("pk"), specialty__in=topics
                )
            )
        )
    return (
        reviewers.annotate(workload=open_workload())
        .select_related("board_profile")
        .prefetch_related(
            Prefetch("board_profile__specialties", queryset=Specialty.objects.order_by("name"))
        )
        .order_by("workload", "last_name", "username")
    )


def assignment_list_for_article(*, article) -> list[ReviewAssignment]:
    """The article's assignments, open ones first, with ``overdue`` and ``expired`` (1 query).

    ``expired``: the reviewer's credentials have all expired since, so they cannot review.
    """
    today = timezone.localdate()
    rows = list(
        ReviewAssignment.objects.filter(article=article)
        .select_related("reviewer", "assigned_by")
        .annotate(
            expired=ExpressionWrapper(
                expired_q(today, user="reviewer_id"), output_field=BooleanField()
            )
        )
    )
    for row in rows:
        row.overdue = row.status == OPEN and row.due_on < today
    # Open first, then those waiting for a resubmission, then the closed ones.
    order = {OPEN: 0, ReviewAssignment.Status.RETURNED: 1}
    return sorted(rows, key=lambda r: (order.get(r.status, 2), r.due_on, r.pk))


def credential_list_to_renew(*, user, within_days: int = 30) -> QuerySet[Credential]:
    """The user's credentials that have expired or expire within ``within_days`` days."""
    horizon = timezone.localdate() + datetime.timedelta(days=within_days)
    return Credential.objects.filter(member__user=user, expires_on__lte=horizon).order_by(
        "expires_on"
    )
