"""Histories for the reports, written row by row with the times a test names.

The workflow services stamp every row with the present moment; the reports are
about lengths of time, so these factories write the audit rows (and assignments)
directly, at chosen times. ``tests/board/test_reports_queries.py`` also checks one
history made through the real services.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from articles.models import Article, ArticleTransition, ArticleVersion
from articles.states import ArticleState
from board.models import ReviewAssignment
from tests.factories import UserFactory

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)

# (transition name, from, to) for the usual steps.
SUBMIT = ("submit", ArticleState.DRAFT, ArticleState.SUBMITTED)
START = ("start_review", ArticleState.SUBMITTED, ArticleState.UNDER_REVIEW)
APPROVE = ("approve", ArticleState.UNDER_REVIEW, ArticleState.APPROVED)
PARTIAL = ("approve_partial", ArticleState.UNDER_REVIEW, ArticleState.UNDER_REVIEW)
CHANGES = ("request_changes", ArticleState.UNDER_REVIEW, ArticleState.DRAFT)
REVISE = ("revise", ArticleState.APPROVED, ArticleState.DRAFT)
IMPORT = ("receive_import", ArticleState.DRAFT, ArticleState.SUBMITTED)


class ReportArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Report article {n}?")
    slug = factory.Sequence(lambda n: f"report-article-{n}")
    created_by = factory.SubFactory(UserFactory)
    created_at = T0


class TransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleTransition

    article = factory.SubFactory(ReportArticleFactory)
    name, source, target = SUBMIT
    revision = 1
    created_at = T0


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    article = factory.SubFactory(ReportArticleFactory)
    reviewer = factory.SubFactory(UserFactory)
    assigned_at = T0
    due_on = factory.LazyAttribute(lambda a: a.assigned_at.date() + datetime.timedelta(days=14))


def article_with_history(
    steps: list[tuple[tuple[str, str, str], float]], *, created_at=T0, **fields
) -> Article:
    """An article created at ``created_at`` that took each step ``hours`` after creation.

    Its state is where the last step left it, as the workflow would have it.
    """
    state = steps[-1][0][2] if steps else ArticleState.DRAFT
    article = ReportArticleFactory(created_at=created_at, state=state, **fields)
    for (name, source, target), hours in steps:
        TransitionFactory(
            article=article,
            name=name,
            source=source,
            target=target,
            created_at=created_at + datetime.timedelta(hours=hours),
        )
    return article


def approved_at(article: Article, when: datetime.datetime, *, by=None) -> ArticleVersion:
    """Give ``article`` a published version approved at ``when``."""
    version = ArticleVersion.objects.create(
        article=article,
        revision=1,
        content={},
        content_hash="0" * 64,
        last_updated=timezone.localdate(when),
        approved_at=when,
        approved_by=by or article.created_by,
    )
    Article.objects.filter(pk=article.pk).update(published_version=version)
    return version


def make_editor_in_chief(username: str = "chief"):
    from articles.permissions import EDITORS_IN_CHIEF

    return UserFactory(username=username, group=EDITORS_IN_CHIEF)


def make_site_admin_only(username: str = "siteadmin"):
    """A site admin by group alone, not a superuser (who holds every permission)."""
    from articles.permissions import SITE_ADMINS

    return UserFactory(username=username, group=SITE_ADMINS)


def busy_desk(articles: int) -> None:
    """``articles`` articles with a full history each, assignments and approvals: for query counts."""
    reviewer = UserFactory(username="counted-reviewer")
    for n in range(articles):
        article = article_with_history(
            [(SUBMIT, 10 + n), (START, 20 + n), (CHANGES, 30 + n), (SUBMIT, 40), (START, 50)]
            + ([(APPROVE, 60 + n)] if n % 2 else [])
        )
        if n % 2:
            approved_at(article, T0 + datetime.timedelta(hours=60 + n))
        AssignmentFactory(article=article, reviewer=reviewer if n % 3 else UserFactory())
        AssignmentFactory(
            article=article,
            reviewer=reviewer,
            status=ReviewAssignment.Status.DONE,
            completed_at=T0 + datetime.timedelta(hours=n + 1),
        )


def desk_page_queries(client) -> int:
    """The queries of a desk page that reads nothing of its own, for the signed-in user.

    The session, the user and their permissions, and whatever the desk's header counts
    for them (its owners pin that). Measured on the reports page refusing a bad date,
    which renders the desk's frame around a form and reads nothing else, so the report
    tests can pin their own queries on top of it exactly.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("desk:reports"), {"from": "not a date"}).status_code == 400
    return len(queries)
