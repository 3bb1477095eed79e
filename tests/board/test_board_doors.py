"""The desk and the admin agree with the policy on conflicts of interest (the API takes no review step)."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import steps
from articles.models import Article
from board.services import conflict_declare
from tests.articles import test_doors_agree as doors
from tests.factories import (
    make_admin,
    make_reviewer,
    submitted_article,
    under_review_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db


def desk(user, article, step):
    doors.through_desk(user, step, article)


def admin(user, article, step):
    doors.through_admin(user, step, article)


@pytest.mark.parametrize("door", [desk, admin], ids=["desk", "admin"])
@pytest.mark.parametrize("declared", ["none", "conflict", "no_conflict"])
@pytest.mark.parametrize("step", ["start_review", "approve"])
def test_doors_agree_on_declarations(door, declared, step, editor, reviewer, policy):
    # A superuser site admin is a board reviewer too, and the admin is open to them.
    member = make_admin("member") if door is admin else make_reviewer("member")
    if step == "start_review":
        article = submitted_article(by=editor)
    else:
        article = under_review_article(by=editor, reviewer=reviewer)
        verify_all_claims(article, reviewer)
    if declared != "none":
        conflict_declare(
            article=article, by=member, has_conflict=declared == "conflict", note="Paid adviser."
        )
    expected = steps.named(step).can(member, article)
    assert expected == (declared == "no_conflict")
    before = article.state
    door(member, article, step)
    moved = Article.objects.get(pk=article.pk).state != before
    assert moved == expected


def test_the_desk_says_why_a_conflicted_reviewer_cannot_approve(editor, reviewer, policy):
    member = make_reviewer("member")
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    conflict_declare(article=article, by=member, has_conflict=True, note="Paid adviser.")
    client = Client()
    client.force_login(member)
    response = client.post(
        reverse("desk:transition", kwargs={"pk": article.pk, "name": "approve"}),
        {"expected_version": article.content_version, "expected_hash": "0" * 64},
    )
    assert response.status_code == 403
    assert "recused" in response.content.decode()
