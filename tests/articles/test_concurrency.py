"""Two people acting on one article at once: exactly one wins, the other is told why.

These run on PostgreSQL with two real connections (one per thread), where row
locks decide the race; on SQLite, writers are serialised by the IMMEDIATE
transaction mode and there is no race to test.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django_fsm import ConcurrentTransition

from articles import services
from articles.errors import EditConflict, WorkflowConflict
from articles.models import Article, ArticleTransition
from articles.workflow import ArticleState
from tests.factories import (
    declare_no_conflict,
    draft_article,
    make_editor,
    make_reviewer,
    submitted_article,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL (set DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def race(*actions):
    """Run the actions at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = ("ok", action())
        except Exception as error:  # recorded and asserted on by the test
            outcomes[i] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_two_reviewers_starting_one_review_leave_exactly_one_winner():
    article = submitted_article(by=make_editor("author"))
    first, second = make_reviewer("first"), make_reviewer("second")
    declare_no_conflict(article, first)
    declare_no_conflict(article, second)
    # Each reviewer loaded the page while the article was still submitted.
    seen_by_first = Article.objects.get(pk=article.pk)
    seen_by_second = Article.objects.get(pk=article.pk)

    outcomes = race(
        lambda: services.article_start_review(article=seen_by_first, by=first),
        lambda: services.article_start_review(article=seen_by_second, by=second),
    )

    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, (WorkflowConflict, ConcurrentTransition))
    assert "someone else" in str(error) or "changed" in str(error)
    article.refresh_from_db()
    winner = first if outcomes[0][0] == "ok" else second
    assert (article.state, article.assigned_reviewer) == (ArticleState.UNDER_REVIEW, winner)
    assert ArticleTransition.objects.filter(article=article, name="start_review").count() == 1


def test_two_editors_saving_at_once_lose_no_update_silently():
    author, colleague = make_editor("author"), make_editor("colleague")
    article = draft_article(by=author)
    version = article.content_version
    a, b = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)

    outcomes = race(
        lambda: services.article_update(
            article=a, by=author, expected_version=version, title="Author's question?"
        ),
        lambda: services.article_update(
            article=b, by=colleague, expected_version=version, title="Colleague's question?"
        ),
    )

    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"], outcomes
    assert isinstance(next(v for k, v in outcomes if k == "error"), EditConflict)
    article.refresh_from_db()
    winner_title = "Author's question?" if outcomes[0][0] == "ok" else "Colleague's question?"
    assert (article.title, article.content_version) == (winner_title, version + 1)


def test_the_state_field_itself_refuses_a_stale_save():
    """ConcurrentTransitionMixin: a save from an instance loaded before a transition fails."""
    article = submitted_article(by=make_editor("author"))
    stale = Article.objects.get(pk=article.pk)
    first = make_reviewer("first")
    declare_no_conflict(article, first)
    services.article_start_review(article=article, by=first)
    stale.withdraw()
    with pytest.raises(ConcurrentTransition):
        stale.save()
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW
