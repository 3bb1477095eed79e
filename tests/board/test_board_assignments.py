"""Assignments: only editors-in-chief assign; refusals name their reason; suggestions; mail; lists."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from articles import services
from board.models import ReviewAssignment
from board.selectors import reviewer_suggestions
from board.services import assignment_create, conflict_declare
from desk.selectors import article_list_assigned_to
from tests.factories import (
    approved_article,
    declare_no_conflict,
    draft_article,
    make_admin,
    make_editor,
    make_reviewer,
    submitted_article,
    under_review_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db

NEXT_WEEK = datetime.timedelta(days=7)


def due() -> datetime.date:
    return timezone.localdate() + NEXT_WEEK


def test_an_editor_in_chief_assigns_and_the_reviewer_is_told(
    chief, editor, reviewer, policy, deliver_mail
):
    article = submitted_article(by=editor)
    [assignment] = assignment_create(
        article=article, reviewer_ids=[reviewer.pk], due_on=due(), by=chief
    )
    assert (assignment.status, assignment.assigned_by, assignment.due_on) == (
        ReviewAssignment.Status.OPEN,
        chief,
        due(),
    )
    sent = [m for m in deliver_mail() if m.subject.startswith("Assigned to you")]
    assert [m.to for m in sent] == [[reviewer.email]]
    assert article.transitions.filter(name="assign", actor=chief).exists()
    # It shows in "Reviews assigned to me", still submitted, with its due date.
    [row] = article_list_assigned_to(reviewer)
    assert row.pk == article.pk and row.due_on == due() and not row.overdue


@pytest.mark.parametrize("role", ["editor", "other_editor", "reviewer", "admin_without_rights"])
def test_only_editors_in_chief_assign(roles, role, policy):
    from tests.factories import UserFactory

    article = submitted_article(by=roles["editor"])
    user = UserFactory(username="plain") if role == "admin_without_rights" else roles[role]
    with pytest.raises(PermissionDenied, match="Only editors-in-chief"):
        assignment_create(
            article=article, reviewer_ids=[roles["reviewer"].pk], due_on=due(), by=user
        )


def test_refusals_name_the_reason(chief, editor, reviewer, policy, expired_reviewer):
    both = make_reviewer("both")
    both.groups.add(*make_editor("helper").groups.all())
    article = draft_article(by=both)
    services.article_submit(article=article, by=both)
    conflicted = make_reviewer("conflicted")
    conflict_declare(article=article, by=conflicted, has_conflict=True, note="Shares.")

    def refused(ids, due_on=None):
        with pytest.raises(ValidationError) as error:
            assignment_create(article=article, reviewer_ids=ids, due_on=due_on or due(), by=chief)
        return " ".join(error.value.messages)

    assert "no reviewer with id '99999'" in refused(["99999"])
    assert "not an active board reviewer" in refused([editor.pk])
    assert "credential has expired" in refused([expired_reviewer.pk])
    assert "declared a conflict of interest" in refused([conflicted.pk])
    assert "drafted or edited this revision" in refused([both.pk])
    assert "in the past" in refused([reviewer.pk], timezone.localdate() - datetime.timedelta(1))
    assert "at least one reviewer" in refused([])
    # One bad reviewer refuses the whole request: nothing is assigned.
    refused([reviewer.pk, expired_reviewer.pk])
    assert not ReviewAssignment.objects.exists()
    assignment_create(article=article, reviewer_ids=[reviewer.pk], due_on=due(), by=chief)
    assert "already assigned" in refused([reviewer.pk])


def test_only_submitted_or_under_review_articles_are_assigned(chief, editor, reviewer, policy):
    for article in (draft_article(by=editor), approved_article(by=editor, reviewer=reviewer)):
        with pytest.raises(TransitionNotAllowed):
            assignment_create(article=article, reviewer_ids=[reviewer.pk], due_on=due(), by=chief)


def test_suggestions_match_topics_by_workload_and_leave_out_the_ineligible(
    chief, editor, neurology, oncology, expired_reviewer, policy, django_assert_num_queries
):
    busy, idle, off_topic, conflicted = (make_reviewer(n) for n in ("busy", "idle", "off", "cf"))
    for user in (busy, idle, conflicted, expired_reviewer):
        user.board_profile.specialties.add(neurology)
    off_topic.board_profile.specialties.add(oncology)
    article = submitted_article(by=editor)
    article.topics.set([neurology])
    conflict_declare(article=article, by=conflicted, has_conflict=True, note="Adviser.")
    for n in range(2):
        other = submitted_article(by=editor, title=f"Other question {n}?")
        assignment_create(article=other, reviewer_ids=[busy.pk], due_on=due(), by=chief)
    # whether the article has topics, the users, then the specialties of those suggested
    with django_assert_num_queries(3):
        suggested = list(reviewer_suggestions(article=article))
    assert [(u.username, u.workload) for u in suggested] == [("idle", 0), ("busy", 2)]
    assert [s.name for s in suggested[0].board_profile.specialties.all()] == ["Neurology"]
    # Without topics every eligible reviewer is suggested.
    article.topics.clear()
    assert {u.username for u in reviewer_suggestions(article=article)} == {
        "idle",
        "busy",
        "off",
    }


def test_an_assignment_is_done_when_the_reviewer_approves_or_requests_changes(
    chief, editor, reviewer, other_reviewer, policy
):
    article = submitted_article(by=editor)
    assignment_create(
        article=article, reviewer_ids=[reviewer.pk, other_reviewer.pk], due_on=due(), by=chief
    )
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    mine = ReviewAssignment.objects.get(reviewer=reviewer)
    assert mine.status == ReviewAssignment.Status.DONE and mine.completed_at is not None
    # The article is approved: the other reviewer's assignment waits for nothing any more.
    assert ReviewAssignment.objects.get(reviewer=other_reviewer).status == "cancelled"

    second = submitted_article(by=editor, title="Second question?")
    assignment_create(article=second, reviewer_ids=[reviewer.pk], due_on=due(), by=chief)
    declare_no_conflict(second, reviewer)
    services.article_start_review(article=second, by=reviewer)
    services.article_request_changes(article=second, by=reviewer, comment="Cite more.")
    # Their round is done; the next one waits for the resubmission (test_assignment_lifecycle).
    assert sorted(
        ReviewAssignment.objects.filter(article=second).values_list("status", flat=True)
    ) == [ReviewAssignment.Status.DONE, ReviewAssignment.Status.RETURNED]


def test_editors_in_chief_cannot_approve_unless_also_reviewers(chief, editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    with pytest.raises(PermissionDenied):
        services.article_approve(article=article, by=chief)
    with pytest.raises(PermissionDenied):
        conflict_declare(article=article, by=chief, has_conflict=False)


# -- The desk's "Assign reviewers" section ------------------------------------------------


def test_the_desk_shows_the_section_to_editors_in_chief_only(client, roles, chief, policy):
    article = submitted_article(by=roles["editor"])
    url = reverse("desk:article", kwargs={"pk": article.pk})
    client.force_login(chief)
    page = client.get(url).content.decode()
    assert "Assign reviewers" in page and 'name="reviewers"' in page
    assert roles["reviewer"].get_full_name() in page and "0 open assignments" in page
    for role in ("editor", "other_editor", "reviewer"):
        client.force_login(roles[role])
        assert "Assign reviewers" not in client.get(url).content.decode(), role


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("editor", 403), ("other_editor", 403), ("reviewer", 403), ("chief", 302)],
)
def test_assigning_at_the_desk_by_role(client, roles, chief, policy, role, status):
    everyone = {**roles, "chief": chief}
    article = submitted_article(by=roles["editor"])
    if role != "anonymous":
        client.force_login(everyone[role])
    response = client.post(
        reverse("desk:assign", kwargs={"pk": article.pk}),
        {"reviewers": [roles["reviewer"].pk], "due_on": due().isoformat()},
    )
    assert response.status_code == status
    assert ReviewAssignment.objects.exists() == (role == "chief")


def test_bad_assignments_at_the_desk_are_400_with_the_reason_and_the_choice_kept(
    client, chief, editor, reviewer, policy
):
    article = submitted_article(by=editor)
    client.force_login(chief)
    url = reverse("desk:assign", kwargs={"pk": article.pk})
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"reviewers": [reviewer.pk], "due_on": past})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The due date is in the past" in page
    assert f'value="{reviewer.pk}" id="assign-{reviewer.pk}" checked' in page
    assert client.post(url, {"reviewers": [reviewer.pk], "due_on": "soon"}).status_code == 400
    response = client.post(url, {"reviewers": ["abc"], "due_on": due().isoformat()})
    assert response.status_code == 400 and "no reviewer with id" in response.content.decode()
    assert not ReviewAssignment.objects.exists()


def test_the_assigned_list_is_the_union_and_marks_overdue(chief, editor, reviewer, policy):
    started = under_review_article(by=editor, reviewer=reviewer, title="Started question?")
    assigned = submitted_article(by=editor, title="Assigned question?")
    assignment_create(article=assigned, reviewer_ids=[reviewer.pk], due_on=due(), by=chief)
    ReviewAssignment.objects.filter(article=assigned).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    rows = {a.pk: a for a in article_list_assigned_to(reviewer)}
    assert set(rows) == {started.pk, assigned.pk}
    assert rows[assigned.pk].overdue and not rows[started.pk].overdue


@pytest.mark.parametrize("reviewers", [2, 12])
def test_the_article_page_for_a_chief_does_not_grow_with_reviewers(
    client, chief, editor, neurology, policy, reviewers, django_assert_num_queries
):
    for n in range(reviewers):
        make_reviewer(f"neuro{n}").board_profile.specialties.add(neurology)
    article = submitted_article(by=editor)
    article.topics.set([neurology])
    client.force_login(chief)
    url = reverse("desk:article", kwargs={"pk": article.pk})
    # session, user, user and group permissions; the article, its contributors, claims,
    # citations, verdicts (none yet: no sign-off rule to ask); the last comment and the
    # submission note;
    # the board panel: topics, assignments, whether it has topics, the suggested reviewers and
    # their specialties; the desk nav's count of unread notifications, and the chief's queue
    # (the re-review periods in use, then one count of every list).
    with django_assert_num_queries(20):
        page = client.get(url).content.decode()
    assert page.count('name="reviewers"') == reviewers


def statuses(article):
    return dict(
        ReviewAssignment.objects.filter(article=article).values_list("reviewer__username", "status")
    )


@pytest.mark.parametrize("leaves_by", ["approve", "withdraw", "retract"])
def test_assignments_still_open_are_cancelled_when_the_article_leaves_review(
    chief, editor, reviewer, other_reviewer, policy, leaves_by
):
    """No reviewer is reminded of, or counted busy with, an article no longer in review.

    Changes requested do not close them: they wait for the resubmission
    (tests/board/test_assignment_lifecycle.py).
    """
    admin = make_admin("site-admin")
    article = submitted_article(by=editor)
    assignment_create(
        article=article, reviewer_ids=[reviewer.pk, other_reviewer.pk], due_on=due(), by=chief
    )
    if leaves_by == "withdraw":
        services.article_withdraw(article=article, by=editor)
    elif leaves_by == "retract":
        services.article_retract(article=article, by=admin, comment="Duplicate of another answer.")
    else:
        declare_no_conflict(article, reviewer)
        services.article_start_review(article=article, by=reviewer)
        verify_all_claims(article, reviewer)
        services.article_approve(article=article, by=reviewer)
    done = ReviewAssignment.Status.DONE
    cancelled = ReviewAssignment.Status.CANCELLED
    decided = leaves_by == "approve"
    assert statuses(article) == {
        reviewer.username: done if decided else cancelled,
        other_reviewer.username: cancelled,
    }
    assert list(article_list_assigned_to(other_reviewer)) == []


def test_a_partial_approval_leaves_the_other_assignments_open(
    chief, editor, reviewer, other_reviewer, policy, settings
):
    settings.REQUIRED_APPROVALS = 2
    article = under_review_article(by=editor, reviewer=reviewer)
    assignment_create(article=article, reviewer_ids=[other_reviewer.pk], due_on=due(), by=chief)
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    assert statuses(article) == {other_reviewer.username: ReviewAssignment.Status.OPEN}


def test_a_reviewer_without_an_email_address_is_suggested_as_they_may_be_assigned(
    chief, editor, policy
):
    quiet = make_reviewer("quiet")
    type(quiet).objects.filter(pk=quiet.pk).update(email="")
    article = submitted_article(by=editor)
    assert quiet.pk in {r.pk for r in reviewer_suggestions(article=article)}
    [assignment] = assignment_create(
        article=article, reviewer_ids=[quiet.pk], due_on=due(), by=chief
    )
    assert assignment.reviewer == quiet
