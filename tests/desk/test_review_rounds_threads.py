"""Claim threads: opened by "Needs change", answered by the editors, settled by the board."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from articles import policy, services, steps
from articles.models import ClaimReview, ClaimThread, ThreadMessage
from articles.states import ArticleState
from board.models import ConflictDeclaration
from tests.desk.review_rounds_support import (
    FIRST_COMMENT,
    edit_claim,
    fact_claims,
    first_round,
    make_editor_in_chief,
    threads_of,
)
from tests.factories import declare_no_conflict, under_review_article, verify_all_claims

pytestmark = pytest.mark.django_db

Status = ClaimThread.Status


@pytest.fixture
def chief(db):
    return make_editor_in_chief()


@pytest.fixture
def returned(editor, reviewer):
    return first_round(editor=editor, reviewer=reviewer)


def test_needs_change_with_a_comment_opens_a_thread_on_the_claim(editor, reviewer, returned):
    first, second = threads_of(returned)
    claim = fact_claims(returned)[0]
    assert (first.claim_uid, first.status, first.opened_by) == (claim.uid, Status.OPEN, reviewer)
    assert first.opened_with.verdict == ClaimReview.Verdict.NEEDS_CHANGE
    assert [(m.event, m.body, m.author) for m in first.messages.all()] == [
        (ThreadMessage.Event.OPENED, FIRST_COMMENT, reviewer)
    ]
    assert second.status == Status.OPEN


def test_a_verified_verdict_opens_no_thread(editor, reviewer):
    article = under_review_article(by=editor, reviewer=reviewer)
    for claim in article.claims.all():
        services.claim_review(claim=claim, by=reviewer, verdict=ClaimReview.Verdict.VERIFIED)
    assert threads_of(article) == []


def test_saying_needs_change_again_joins_the_unresolved_thread(editor, reviewer, other_reviewer):
    article = under_review_article(by=editor, reviewer=reviewer)
    claim = fact_claims(article)[0]
    for who, comment in ((reviewer, "First."), (other_reviewer, "Agreed, and more.")):
        declare_no_conflict(article, who)
        services.claim_review(
            claim=claim, by=who, verdict=ClaimReview.Verdict.NEEDS_CHANGE, comment=comment
        )
    (thread,) = threads_of(article)
    assert [m.body for m in thread.messages.all()] == ["First.", "Agreed, and more."]


def test_the_editor_replies_and_marks_addressed_the_reviewer_resolves(editor, reviewer, returned):
    thread = threads_of(returned)[0]
    services.thread_reply(thread=thread, by=editor, body="Fixed: adults only.")
    assert thread.status == Status.OPEN
    services.thread_mark_addressed(thread=thread, by=editor)
    thread.refresh_from_db()
    assert thread.status == Status.ADDRESSED and thread.addressed_at is not None
    with pytest.raises(TransitionNotAllowed):
        services.thread_mark_addressed(thread=thread, by=editor)
    services.thread_resolve(thread=thread, by=reviewer)
    thread.refresh_from_db()
    assert thread.status == Status.RESOLVED and thread.resolved_at is not None
    assert [m.event for m in thread.messages.all()] == ["opened", "reply", "addressed", "resolved"]
    with pytest.raises(TransitionNotAllowed):
        services.thread_reply(thread=thread, by=editor, body="One more thing.")


def test_reopening_needs_a_reason_and_gives_the_thread_back_to_the_editors(
    editor, reviewer, returned
):
    thread = threads_of(returned)[0]
    services.thread_mark_addressed(thread=thread, by=editor)
    with pytest.raises(ValidationError) as error:
        services.thread_reopen(thread=thread, by=reviewer, body="  ")
    assert "body" in error.value.error_dict
    services.thread_reopen(thread=thread, by=reviewer, body="Still says children.")
    thread.refresh_from_db()
    assert thread.status == Status.OPEN
    with pytest.raises(TransitionNotAllowed):
        services.thread_reopen(thread=thread, by=reviewer, body="Again.")


def test_a_reply_says_something(editor, returned):
    with pytest.raises(ValidationError):
        services.thread_reply(thread=threads_of(returned)[0], by=editor, body="   ")


# Who may take each step on a thread, per role (the editor wrote the article; the
# reviewer requested the changes; the other reviewer declared no conflict with it; the
# site admin is a superuser who declared nothing, so may answer but not settle).
EXPECTED = {
    "anonymous": set(),
    "editor": {policy.THREAD_REPLY, policy.THREAD_ADDRESS},
    "other_editor": set(),
    "reviewer": {policy.THREAD_RESOLVE, policy.THREAD_REOPEN},
    "other_reviewer": {policy.THREAD_RESOLVE, policy.THREAD_REOPEN},
    "chief": set(),
    "admin": {policy.THREAD_REPLY, policy.THREAD_ADDRESS},
}


@pytest.mark.parametrize("role", EXPECTED)
def test_who_may_take_each_thread_step(role, roles, other_reviewer, chief, returned):
    ConflictDeclaration.objects.create(
        article=returned, reviewer=other_reviewer, has_conflict=False
    )
    user = {**roles, "other_reviewer": other_reviewer, "chief": chief}[role]
    allowed = {a for a in policy.THREAD_ACTIONS if policy.can(user, a, returned)}
    assert allowed == EXPECTED[role]


@pytest.mark.parametrize("declared", ["nothing", "a conflict"])
def test_a_reviewer_who_may_not_verify_may_not_settle_threads_either(
    other_reviewer, returned, declared
):
    if declared == "a conflict":
        ConflictDeclaration.objects.create(
            article=returned, reviewer=other_reviewer, has_conflict=True, note="Paid adviser."
        )
    assert not policy.can(other_reviewer, policy.VERIFY, returned)
    assert not policy.can(other_reviewer, policy.THREAD_RESOLVE, returned)
    with pytest.raises(PermissionDenied, match="conflict of interest"):
        services.thread_resolve(thread=threads_of(returned)[0], by=other_reviewer)
    assert threads_of(returned)[0].status == Status.OPEN


@pytest.mark.parametrize("role", ["anonymous", "other_editor", "reviewer", "chief"])
def test_only_the_articles_editors_answer(role, roles, chief, returned):
    user = {**roles, "chief": chief}[role]
    with pytest.raises(PermissionDenied):
        services.thread_reply(thread=threads_of(returned)[0], by=user, body="Hello.")


@pytest.mark.parametrize("role", ["anonymous", "editor", "other_editor", "chief"])
def test_only_board_reviewers_settle(role, roles, chief, returned):
    user = {**roles, "chief": chief}[role]
    with pytest.raises(PermissionDenied):
        services.thread_resolve(thread=threads_of(returned)[0], by=user)


def test_a_reviewer_who_wrote_the_revision_may_not_settle_its_threads(
    editor, reviewer, other_reviewer, returned
):
    returned.contributors.add(other_reviewer)
    assert not policy.can(other_reviewer, policy.THREAD_RESOLVE, returned)
    with pytest.raises(PermissionDenied, match="another board member"):
        services.thread_resolve(thread=threads_of(returned)[0], by=other_reviewer)


def test_threads_survive_claim_edits(editor, reviewer, returned):
    thread = threads_of(returned)[0]
    edit_claim(returned, by=editor, uid=thread.claim_uid, text="Rewritten claim.")
    thread.refresh_from_db()
    assert thread.status == Status.OPEN
    assert returned.claims.get(uid=thread.claim_uid).text == "Rewritten claim."


# -- Resubmitting over open threads -------------------------------------------------


def test_resubmitting_with_open_threads_needs_confirming(editor, returned):
    with pytest.raises(ValidationError) as error:
        services.article_submit(article=returned, by=editor)
    assert (
        "2 “Needs change” threads are still open"
        in error.value.message_dict["confirm_open_threads"][0]
    )
    services.article_submit(article=returned, by=editor, confirm_open_threads=True)
    assert returned.state == ArticleState.SUBMITTED


def test_addressed_threads_need_no_confirmation(editor, returned):
    for thread in threads_of(returned):
        services.thread_mark_addressed(thread=thread, by=editor, body="Done.")
    services.article_submit(article=returned, by=editor)
    assert returned.state == ArticleState.SUBMITTED


def test_every_door_takes_the_confirmation_through_the_one_rule(editor, returned):
    for door in (steps.DESK, steps.ADMIN, steps.API):
        assert steps.get("submit", door=door).takes_thread_confirmation
    from articles.admin import transition_form

    submit = steps.get("submit", door=steps.ADMIN)
    assert "confirm_open_threads" in transition_form(submit).base_fields
    with pytest.raises(ValidationError):
        submit.run(article=returned, by=editor, data={})
    submit.run(article=returned, by=editor, data={"confirm_open_threads": True})
    assert returned.state == ArticleState.SUBMITTED


def test_the_api_refuses_an_unconfirmed_resubmission_with_400(editor, returned):
    from django.urls import reverse
    from rest_framework.test import APIClient

    from api import services as api_services

    api = APIClient()
    _, key = api_services.api_token_create(user=editor, name="tests")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = reverse("api:draft-submit", args=[returned.pk])
    answer = api.post(url, {}, format="json")
    assert answer.status_code == 400, answer.content
    assert "confirm_open_threads" in answer.content.decode()
    assert api.post(url, {"confirm_open_threads": True}, format="json").status_code == 200


# -- Who the resubmission returns to ------------------------------------------------------


def test_request_changes_remembers_the_requester_until_the_round_is_over(
    editor, reviewer, returned
):
    assert returned.changes_requested_by == reviewer
    services.article_submit(article=returned, by=editor, confirm_open_threads=True)
    services.article_start_review(article=returned, by=reviewer)
    assert returned.changes_requested_by == reviewer
    for claim in returned.claims.all():
        services.claim_review(claim=claim, by=reviewer, verdict=ClaimReview.Verdict.VERIFIED)
    services.article_approve(article=returned, by=reviewer)
    returned.refresh_from_db()
    assert returned.state == ArticleState.APPROVED and returned.changes_requested_by is None


def test_the_approval_settles_the_threads_left_open(editor, reviewer, policy):
    """Every claim verified as it now reads: no thread may go on saying the board waits."""
    article = under_review_article(by=editor, reviewer=reviewer)
    claim = fact_claims(article)[0]
    services.claim_review(
        claim=claim, by=reviewer, verdict=ClaimReview.Verdict.NEEDS_CHANGE, comment="Source?"
    )
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    (thread,) = threads_of(article)
    assert thread.status == Status.RESOLVED and thread.resolved_at is not None
    last = thread.messages.last()
    assert (last.event, last.author) == ("resolved", reviewer)
    assert "approval" in last.body
