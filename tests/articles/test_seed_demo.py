"""`seed_demo` gives a newcomer the demo users, board, policy and seed articles, once."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.utils import timezone

from articles.management.commands.seed_demo import DEMO_PASSWORD
from articles.models import Article, EditorialPolicy, Reference
from articles.workflow import ArticleState
from board.models import BoardMember
from tests.factories import declare_no_conflict

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_is_idempotent_and_prints_the_logins():
    first = seed()
    counts = (
        get_user_model().objects.count(),
        BoardMember.objects.count(),
        Article.objects.count(),
        Reference.objects.count(),
    )
    second = seed()
    assert counts == (
        get_user_model().objects.count(),
        BoardMember.objects.count(),
        Article.objects.count(),
        Reference.objects.count(),
    )
    assert counts[2:] == (7, 9)  # the 2 seed pages and 5 demo articles; 6 + 3 references
    for output in (first, second):
        assert f"password for all: {DEMO_PASSWORD}" in output
        for username in ("editor", "editor2", "reviewer", "reviewer2", "admin"):
            assert username in output
    assert "Imported" in first and "Imported" not in second


@pytest.mark.parametrize(
    ("username", "group", "superuser"),
    [
        ("editor", "Editors", False),
        ("editor2", "Editors", False),
        ("reviewer", "Board reviewers", False),
        ("reviewer2", "Board reviewers", False),
        ("admin", "Site admins", True),
    ],
)
def test_each_demo_user_logs_in_with_the_documented_password(username, group, superuser):
    seed()
    user = authenticate(username=username, password=DEMO_PASSWORD)
    assert user is not None and user.groups.filter(name=group).exists()
    assert user.is_superuser is superuser


def test_demo_board_policy_and_seed_articles():
    seed()
    assert set(BoardMember.objects.values_list("credentials", flat=True)) == {"MD", "PharmD"}
    assert EditorialPolicy.objects.get().version == 1
    assert set(
        Article.objects.filter(slug__contains="baclofen").values_list("state", flat=True)
    ) == {ArticleState.SUBMITTED}


def test_seed_demo_leaves_articles_as_the_demo_users_left_them(reviewer):
    from articles import services

    seed()
    article = Article.objects.get(slug="what-is-baclofen-used-for")
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    seed()
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW


def test_the_demo_shows_every_state_and_an_approved_article_with_its_record():
    seed()
    states = set(Article.objects.values_list("state", flat=True))
    assert states == {s.value for s in ArticleState}
    approved = Article.objects.get(state=ArticleState.APPROVED)
    assert approved.versions.count() == 2  # a review history of two approvals
    # Each version credits the reviewer who verified it and the one who approved it.
    for version in approved.versions.all():
        credited = set(version.reviewers.values_list("username", flat=True))
        assert credited == {"reviewer", "reviewer2"}
    assert Article.objects.filter(last_transition="request_changes").exists()


def test_the_demo_runs_the_board():
    from board.models import Credential, ReviewAssignment, Specialty

    output = seed()
    assert "chief" in output and "Editors-in-chief" in output
    chief = authenticate(username="chief", password=DEMO_PASSWORD)
    assert chief is not None and chief.has_perm("board.assign_reviewers")
    assert not chief.has_perm("articles.review_article")
    assert (
        Specialty.objects.filter(slug__in=["neurology", "pharmacology", "paediatrics"]).count() == 3
    )
    soon = Credential.objects.get(member__user__username="reviewer", name__startswith="Board")
    assert 0 < (soon.expires_on - timezone.localdate()).days <= 30  # expiring soon
    assignment = ReviewAssignment.objects.get()
    assert assignment.assigned_by == chief and assignment.due_on > timezone.localdate()
    assert Article.objects.filter(topics__isnull=False).distinct().count() >= 3
    approved = Article.objects.get(state=ArticleState.APPROVED)
    version = approved.published_version
    assert version.approval_rule == "1 approval: site default"
    assert {d["reviewer"] for d in version.declarations} == {"Dr. Priya Raman", "Daniel Weiss"}
    # Running it again changes nothing.
    seed()
    assert ReviewAssignment.objects.count() == 1
    assert Credential.objects.count() == 3
