"""Conflict-of-interest declarations: asked first, recusal, and the review record."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from articles import readiness, services, steps
from articles.models import Article, ArticleTransition
from articles.states import ArticleState
from board.models import ConflictDeclaration, ReviewAssignment
from board.services import assignment_create, conflict_declare
from tests.factories import (
    approved_article,
    declare_no_conflict,
    draft_article,
    make_reviewer,
    submitted_article,
    under_review_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db


def test_no_review_step_before_the_declaration(editor, reviewer, other_reviewer, policy):
    article = submitted_article(by=editor)
    with pytest.raises(PermissionDenied, match="Declare first"):
        services.article_start_review(article=article, by=reviewer)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    claim = article.claims.first()
    with pytest.raises(PermissionDenied, match="Declare first"):
        services.claim_review(claim=claim, by=other_reviewer, verdict="verified")
    with pytest.raises(PermissionDenied, match="Declare first"):
        services.article_approve(article=article, by=other_reviewer)
    with pytest.raises(PermissionDenied, match="Declare first"):
        services.article_request_changes(article=article, by=other_reviewer, comment="No.")


def test_a_declared_conflict_recuses_the_reviewer(editor, reviewer, chief, policy, settings):
    article = under_review_article(by=editor, reviewer=reviewer)
    other = make_reviewer("other")
    assignment_create(
        article=article,
        reviewer_ids=[other.pk],
        due_on=timezone.localdate(),
        by=chief,
    )
    conflict_declare(article=article, by=other, has_conflict=True, note="I consult for the maker.")
    assignment = ReviewAssignment.objects.get(article=article, reviewer=other)
    assert assignment.status == ReviewAssignment.Status.CANCELLED
    log = ArticleTransition.objects.filter(article=article, name="recuse").get()
    assert (log.actor, log.source, log.target) == (other, "under_review", "under_review")
    assert "I consult for the maker." in log.comment
    client = Client()
    client.force_login(editor)
    timeline = client.get(reverse("desk:timeline", kwargs={"pk": article.pk}))
    assert timeline.status_code == 200 and "I consult for the maker." in timeline.content.decode()
    with pytest.raises(PermissionDenied, match="recused"):
        services.claim_review(claim=article.claims.first(), by=other, verdict="verified")
    with pytest.raises(PermissionDenied, match="recused"):
        services.article_approve(article=article, by=other)
    # A conflict is final; "no conflict" cannot undo it.
    with pytest.raises(ValidationError, match="already declared a conflict"):
        conflict_declare(article=article, by=other, has_conflict=False)


def test_the_reviewer_under_review_recusing_frees_the_article(editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    conflict_declare(article=article, by=reviewer, has_conflict=True, note="My spouse wrote it.")
    article = Article.objects.get(pk=article.pk)
    assert article.assigned_reviewer is None and article.state == ArticleState.UNDER_REVIEW
    assert not steps.APPROVE.can(reviewer, article)


def test_a_conflict_needs_a_note_and_declarations_have_their_states(editor, reviewer, policy):
    article = submitted_article(by=editor)
    with pytest.raises(ValidationError, match="Say what the conflict"):
        conflict_declare(article=article, by=reviewer, has_conflict=True, note="  ")
    with pytest.raises(TransitionNotAllowed):
        conflict_declare(article=draft_article(by=editor), by=reviewer, has_conflict=False)
    with pytest.raises(PermissionDenied):
        conflict_declare(article=article, by=editor, has_conflict=False)
    first = conflict_declare(article=article, by=reviewer, has_conflict=False)
    again = conflict_declare(article=article, by=reviewer, has_conflict=False)
    assert first.pk == again.pk and ConflictDeclaration.objects.count() == 1


def test_declarations_are_in_the_published_record(client, editor, reviewer, other_reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, other_reviewer)
    services.article_approve(article=article, by=reviewer)
    version = Article.objects.get(pk=article.pk).published_version
    assert {d["reviewer"] for d in version.declarations} == {"Dr. Reviewer", "Dr. Reviewer2"}
    assert not any(d["has_conflict"] for d in version.declarations)
    assert version.approval_rule == "1 approval: site default"
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Dr. Reviewer: declared no conflict of interest" in page
    assert "Approval rule" not in page  # the rule is the desk's word, not the readers'
    staff = Client()
    staff.force_login(editor)
    desk = staff.get(reverse("desk:article", kwargs={"pk": article.pk})).content.decode()
    assert "Dr. Reviewer2: declared no conflict of interest" in desk


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("editor", 403), ("other_editor", 403), ("reviewer", 302), ("admin", 302)],
)
def test_declaring_at_the_desk_by_role(client, roles, policy, role, status):
    article = submitted_article(by=roles["editor"])
    if role != "anonymous":
        client.force_login(roles[role])
    response = client.post(reverse("desk:declare", kwargs={"pk": article.pk}), {"conflict": "no"})
    assert response.status_code == status
    declared = ConflictDeclaration.objects.filter(article=article).exists()
    assert declared == (role in ("reviewer", "admin"))


def test_declaring_at_the_desk_by_the_editor_in_chief_is_refused(client, chief, editor, policy):
    article = submitted_article(by=editor)
    client.force_login(chief)
    response = client.post(reverse("desk:declare", kwargs={"pk": article.pk}), {"conflict": "no"})
    assert response.status_code == 403


def test_a_conflict_without_a_note_is_400_with_the_form_kept(client, editor, reviewer, policy):
    article = submitted_article(by=editor)
    client.force_login(reviewer)
    url = reverse("desk:declare", kwargs={"pk": article.pk})
    response = client.post(url, {"conflict": "yes", "note": ""})
    assert response.status_code == 400
    assert "Say what the conflict of interest is." in response.content.decode()
    assert client.post(url, {}).status_code == 400  # no choice at all
    assert not ConflictDeclaration.objects.exists()


def test_the_review_screen_asks_for_the_declaration_first(client, editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=make_reviewer("starter"))
    client.force_login(reviewer)
    page = client.get(reverse("desk:review", kwargs={"pk": article.pk})).content.decode()
    assert "Declare first" in page and ">Verified</button>" not in page
    response = client.post(
        reverse("desk:declare", kwargs={"pk": article.pk}), {"conflict": "no", "next": "review"}
    )
    assert response["Location"] == reverse("desk:review", kwargs={"pk": article.pk})
    page = client.get(response["Location"]).content.decode()
    assert ">Verified</button>" in page


def test_approved_article_needs_no_declaration_to_be_shown(client, editor, reviewer, policy):
    article = approved_article(by=editor, reviewer=reviewer)
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_reviewer_who_recuses_after_vouching_no_longer_counts(
    editor, reviewer, other_reviewer, policy, settings
):
    """Verdicts and a sign-off given before declaring a conflict are withdrawn with it."""
    from articles.errors import ConditionsNotMet

    settings.REQUIRED_APPROVALS = 2
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    conflict_declare(article=article, by=reviewer, has_conflict=True, note="Paid adviser.")

    article = Article.objects.get(pk=article.pk)
    assert not any(s.verified for s in readiness.claim_summaries(article) if s.states_fact)
    declare_no_conflict(article, other_reviewer)
    with pytest.raises(ConditionsNotMet):
        services.article_approve(article=article, by=other_reviewer)
    verify_all_claims(article, other_reviewer)
    article = Article.objects.get(pk=article.pk)
    services.article_approve(article=article, by=other_reviewer)
    article = Article.objects.get(pk=article.pk)
    # One reviewer standing by it of the two needed: not published.
    assert article.state == ArticleState.UNDER_REVIEW
    assert article.published_version is None
