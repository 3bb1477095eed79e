"""A database connection lost in the middle of a transition leaves the article as it was.

The transition's audit row is written last inside the service's transaction;
failing exactly that INSERT, as a dropped connection would, must roll the state
change back, and the editor must get a clear "nothing was changed" page (503).
"""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client

from articles.models import ArticleTransition
from articles.workflow import ArticleState


class DropOnInsert:
    """An execute wrapper that fails the first INSERT into ``table`` like a lost server."""

    def __init__(self, table: str):
        self.table = table
        self.fired = False

    def __call__(self, execute, sql, params, many, context):
        if not self.fired and sql.lstrip().upper().startswith("INSERT") and self.table in sql:
            self.fired = True
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


@pytest.mark.django_db(transaction=True)
def test_submit_interrupted_by_a_dropped_connection(editor):
    from tests.factories import draft_article

    article = draft_article(by=editor)
    transitions = ArticleTransition.objects.filter(article=article).count()
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    drop = DropOnInsert(ArticleTransition._meta.db_table)
    with connection.execute_wrapper(drop):
        response = client.post(
            f"/desk/articles/{article.pk}/submit/", {"expected_version": article.content_version}
        )
    assert drop.fired
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Nothing was changed" in response.content.decode()
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT
    assert ArticleTransition.objects.filter(article=article).count() == transitions
    assert article.history.filter(history_change_reason__startswith="Submit").count() == 0


@pytest.mark.django_db(transaction=True)
def test_api_write_interrupted_answers_json(editor):
    client = Client(raise_request_exception=False)

    def always_fail(execute, sql, params, many, context):
        raise OperationalError("could not connect to server")

    with connection.execute_wrapper(always_fail):
        response = client.get("/api/articles/")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
