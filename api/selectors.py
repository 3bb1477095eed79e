"""Reads of the API app: token lookup and what the public API lists."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Coalesce

from api.models import ApiToken
from api.services import hash_key
from articles.models import Article
from articles.visibility import gone_q, visible_q

MAX_ID = 2**63 - 1


def api_token_get_active(*, key: str) -> ApiToken | None:
    """The unrevoked token with this secret, with its user (1 query)."""
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True)
        .first()
    )


def _with_review_record(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.select_related(
        "published_version__policy", "published_version__approved_by__board_profile"
    ).prefetch_related(
        Prefetch(
            "published_version__reviewers",
            queryset=get_user_model().objects.select_related("board_profile").order_by("pk"),
        )
    )


def article_list_public(*, updated_since: datetime.datetime | None = None) -> QuerySet[Article]:
    """Public articles, most recently updated first, with their review record (2 queries).

    ``updated_at`` is when the public content last changed: the approval of the
    version shown, or for a pending article its latest workflow step.
    """
    queryset = (
        Article.objects.filter(visible_q())
        .annotate(updated_at=Coalesce("published_version__approved_at", "last_transition_at"))
        .order_by("-updated_at", "-pk")
    )
    if updated_since is not None:
        queryset = queryset.filter(updated_at__gte=updated_since)
    return _with_review_record(queryset)


def article_get_public_by_slug(*, slug: str) -> Article | None:
    """The article with this slug if readers see it or its address answers "gone", with its
    review record (``articles.visibility``; drafts are left out so their existence is not
    revealed)."""
    return _with_review_record(
        Article.objects.filter(slug=slug).filter(visible_q() | gone_q())
    ).first()


def article_get_for_editing(*, pk: int) -> Article | None:
    """Any article by id, for editors working through the API (1 query)."""
    if not 0 < pk <= MAX_ID:
        return None  # beyond what the database can hold: certainly not an article
    return Article.objects.filter(pk=pk).first()
