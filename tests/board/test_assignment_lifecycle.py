"""An assignment's life: it carries across review rounds, its due date moves, it is withdrawn.

Changes requested close the round and leave a returned assignment waiting for the
editor; the resubmission opens it again for the same reviewer with a new due date.
An editor-in-chief changes a due date or withdraws an assignment with a reason; each
is recorded (who, when, why) and the reviewer is told.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from articles import services
from articles.errors import WorkflowConflict
from articles.permissions import EDITORS_IN_CHIEF
from board.models import ReviewAssignment
from board.services import assignment_create, assignment_due_change, assignment_withdraw
from desk.chief_queue import chief_queue_get
from desk.dashboard import dashboard_get
from desk.selectors import article_list_assigned_to
from notifications.models import Notification
from tests.board.conftest import credential
from tests.factories import (
    UserFactory,
    declare_no_conflict,
    make_admin,
    submitted_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db

Status = ReviewAssignment.Status


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def assigned(article, chief, *reviewers, due_in: int = 5) -> list[ReviewAssignment]:
    return assignment_create(
        article=article, reviewer_ids=[r.pk for r in reviewers], due_on=days(due_in), by=chief
    )


def sent_back(article, reviewer):
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    return services.article_request_changes(article=article, by=reviewer, comment="Cite more.")


def rows(article) -> list[tuple[str, str, int]]:
    """(reviewer, status, round) of each of the article's assignments, in order made."""
    return list(
        ReviewAssignment.objects.filter(article=article)
        .order_by("pk")
        .values_list("reviewer__username", "status", "review_round")
    )


# -- Across rounds ----------------------------------------------------------------------------


def test_changes_requested_leave_the_assignment_waiting_for_the_editor(
    chief, editor, reviewer, policy
):
    article = submitted_article(by=editor)
    [first] = assigned(article, chief, reviewer, due_in=5)
    sent_back(article, reviewer)
    # The round is done (the reports count the decision); the next one waits.
    assert rows(article) == [("reviewer", Status.DONE, 1), ("reviewer", Status.RETURNED, 2)]
    returned = ReviewAssignment.objects.get(article=article, status=Status.RETURNED)
    assert (returned.assigned_by, returned.days_allowed) == (chief, 5)
    [record] = returned.history.all()
    assert (record.history_user, record.history_change_reason) == (
        reviewer,
        "Waits for the editor's resubmission",
    )
    assert first.history.latest().history_change_reason == "Changes requested"
    # Nothing waits on the reviewer meanwhile; the chief sees it returned to the editor.
    assert list(article_list_assigned_to(reviewer)) == []
    assert [a.pk for a in chief_queue_get().returned] == [article.pk]


def test_the_resubmission_reopens_it_for_the_same_reviewer_with_a_new_due_date(
    client, chief, editor, reviewer, policy
):
    article = submitted_article(by=editor)
    assigned(article, chief, reviewer, due_in=5)
    sent_back(article, reviewer)
    ReviewAssignment.objects.filter(article=article).update(reminded_at=timezone.now())
    services.article_submit(article=article, by=editor)

    reopened = ReviewAssignment.objects.get(article=article, status=Status.OPEN)
    # As many days as the editor-in-chief gave the first round, from the resubmission.
    assert (reopened.reviewer, reopened.due_on, reopened.review_round) == (reviewer, days(5), 2)
    assert reopened.reminded_at is None and reopened.escalated_at is None
    latest = reopened.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        editor,
        f"Reopened for round 2, due {days(5):%Y-%m-%d}",
    )
    audit = article.transitions.get(name="reassign")
    assert audit.actor == editor
    assert (
        audit.comment
        == f"Returned to {reviewer.get_full_name()} for round 2, due {days(5):%Y-%m-%d}."
    )
    told = Notification.objects.filter(recipient=reviewer, kind="assigned").latest("pk")
    assert told.subject == f"Resubmitted for your review: {article.title}"
    assert f"by {days(5):%B} {days(5).day}, {days(5):%Y}" in told.body

    # The reviewer's desk lists it once, with its due date; the chief's lists it as due this week.
    [row] = article_list_assigned_to(reviewer)
    assert (row.pk, row.due_on, row.overdue) == (article.pk, days(5), False)
    assert article.pk not in {a.pk for a in dashboard_get(user=reviewer).waiting}
    queue = chief_queue_get()
    assert [a.pk for a in queue.due_soon] == [article.pk]
    assert article.pk not in {a.pk for a in queue.awaiting} | {a.pk for a in queue.returned}
    client.force_login(reviewer)
    page = client.get(reverse("desk:dashboard")).content.decode()
    mine = page.split('id="assigned"', 1)[1].split("</section>", 1)[0]
    assert article.title in mine and days(5).strftime("%b %-d, %Y") in mine


def test_every_reviewer_of_the_round_is_asked_again(
    chief, editor, reviewer, other_reviewer, settings, policy
):
    """Those still reviewing, and one who approved but was not enough, come back too."""
    settings.REQUIRED_APPROVALS = 2
    third = UserFactory(username="third")
    third.groups.add(*reviewer.groups.all())
    article = submitted_article(by=editor)
    assigned(article, chief, reviewer, other_reviewer, third, due_in=8)
    declare_no_conflict(article, third)
    services.article_start_review(article=article, by=third)
    verify_all_claims(article, third)
    services.article_approve(article=article, by=third)  # one of two
    declare_no_conflict(article, reviewer)
    services.article_request_changes(article=article, by=reviewer, comment="Cite more.")
    statuses = {(name, status) for name, status, _round in rows(article)}
    assert statuses == {
        ("third", Status.DONE),
        ("reviewer", Status.DONE),
        ("reviewer2", Status.CANCELLED),
        ("reviewer", Status.RETURNED),
        ("reviewer2", Status.RETURNED),
        ("third", Status.RETURNED),
    }
    services.article_submit(article=article, by=editor)
    reopened = ReviewAssignment.objects.filter(article=article, status=Status.OPEN)
    assert sorted(reopened.values_list("reviewer__username", flat=True)) == [
        "reviewer",
        "reviewer2",
        "third",
    ]


def test_a_reviewer_who_may_no_longer_review_it_is_not_asked_again(
    chief, editor, reviewer, other_reviewer, policy
):
    article = submitted_article(by=editor)
    assigned(article, chief, reviewer, other_reviewer)
    sent_back(article, reviewer)
    credential(other_reviewer, days=-1)  # every credential of theirs has expired since
    services.article_submit(article=article, by=editor)
    current = {name: status for name, status, _round in rows(article)[-2:]}
    assert current == {"reviewer": Status.OPEN, "reviewer2": Status.CANCELLED}
    cancelled = ReviewAssignment.objects.get(
        article=article, reviewer=other_reviewer, status=Status.CANCELLED, review_round=2
    )
    assert cancelled.history.latest().history_change_reason.startswith("Not reopened:")
    comment = article.transitions.get(name="reassign").comment
    assert f"Not returned to {other_reviewer.get_full_name()}" in comment
    assert "credential has expired" in comment


def test_one_open_assignment_per_reviewer_holds_across_rounds(chief, editor, reviewer, policy):
    article = submitted_article(by=editor)
    assigned(article, chief, reviewer)
    sent_back(article, reviewer)
    # A second row waiting, or open, for the same reviewer is refused by the database.
    for status in (Status.OPEN, Status.RETURNED):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReviewAssignment.objects.create(
                article=article, reviewer=reviewer, due_on=days(3), status=status
            )
    services.article_submit(article=article, by=editor)
    sent_back(article, reviewer)
    services.article_submit(article=article, by=editor)
    assert [(s, r) for _name, s, r in rows(article)] == [
        (Status.DONE, 1),
        (Status.DONE, 2),
        (Status.OPEN, 3),
    ]


@pytest.mark.parametrize("leaves_by", ["withdraw", "retract_draft", "approve"])
def test_leaving_review_cancels_open_and_returned_assignments(
    chief, editor, reviewer, other_reviewer, policy, leaves_by
):
    article = submitted_article(by=editor)
    assigned(article, chief, reviewer, other_reviewer)
    sent_back(article, reviewer)
    if leaves_by == "retract_draft":
        services.article_retract(article=article, by=make_admin("root"), comment="Duplicate.")
        reason = "Cancelled: the article was retracted"
    else:
        services.article_submit(article=article, by=editor)
        if leaves_by == "withdraw":
            services.article_withdraw(article=article, by=editor)
            reason = "Cancelled: the editor withdrew it"
        else:
            services.article_start_review(article=article, by=reviewer)
            verify_all_claims(article, reviewer)
            services.article_approve(article=article, by=reviewer)
            reason = "Cancelled: the article was approved"
    assert not ReviewAssignment.objects.filter(
        article=article, status__in=[Status.OPEN, Status.RETURNED]
    ).exists()
    waiting_for_other = ReviewAssignment.objects.filter(
        article=article, reviewer=other_reviewer
    ).latest("pk")
    assert waiting_for_other.status == Status.CANCELLED
    assert waiting_for_other.history.latest().history_change_reason == reason


# -- A new due date ---------------------------------------------------------------------------


def test_a_chief_changes_a_due_date_recorded_and_told(
    chief, editor, reviewer, policy, deliver_mail
):
    article = submitted_article(by=editor)
    [assignment] = assigned(article, chief, reviewer, due_in=3)
    ReviewAssignment.objects.filter(pk=assignment.pk).update(
        reminded_at=timezone.now(), escalated_at=timezone.now()
    )
    changed = assignment_due_change(
        assignment=assignment, due_on=days(10), by=chief, reason="The reviewer is at a congress."
    )
    changed.refresh_from_db()
    assert (changed.due_on, changed.reminded_at, changed.escalated_at) == (days(10), None, None)
    latest = changed.history.latest()
    assert latest.history_user == chief
    assert latest.history_change_reason == (
        f"Due date {days(3):%Y-%m-%d} -> {days(10):%Y-%m-%d}: The reviewer is at a congress."
    )
    audit = article.transitions.get(name="due_change")
    assert audit.actor == chief
    assert audit.comment == (
        f"{reviewer.get_full_name()}'s review now due {days(10):%Y-%m-%d} "
        f"(was {days(3):%Y-%m-%d}): The reviewer is at a congress."
    )
    [mail] = [m for m in deliver_mail() if m.subject.startswith("New due date")]
    assert mail.to == [reviewer.email]
    assert "The reviewer is at a congress." in mail.body
    assert Notification.objects.filter(recipient=reviewer, kind="due_changed").exists()


def test_a_bad_due_date_is_refused_with_the_reason(chief, editor, reviewer, policy):
    article = submitted_article(by=editor)
    [assignment] = assigned(article, chief, reviewer, due_in=3)

    def refused(due_on, reason=""):
        with pytest.raises(ValidationError) as error:
            assignment_due_change(assignment=assignment, due_on=due_on, by=chief, reason=reason)
        return " ".join(error.value.messages)

    assert "in the past" in refused(days(-1))
    assert "Give a due date" in refused(None)
    assert "already due on" in refused(days(3))
    assert "2,000 characters" in refused(days(4), "x" * 2001)
    assert ReviewAssignment.objects.get(pk=assignment.pk).due_on == days(3)
    assert not article.transitions.filter(name="due_change").exists()


# -- Withdrawal -------------------------------------------------------------------------------


def test_a_chief_withdraws_an_assignment_recorded_and_told(
    chief, editor, reviewer, policy, deliver_mail
):
    article = submitted_article(by=editor)
    [assignment] = assigned(article, chief, reviewer)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    withdrawn = assignment_withdraw(
        assignment=assignment, by=chief, reason="Two months without a word."
    )
    assert withdrawn.status == Status.CANCELLED and withdrawn.completed_at is not None
    latest = withdrawn.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        chief,
        "Withdrawn: Two months without a word.",
    )
    audit = article.transitions.get(name="unassign")
    assert (audit.actor, audit.comment) == (
        chief,
        f"Withdrew {reviewer.get_full_name()}'s assignment: Two months without a word.",
    )
    # The review is no longer theirs: it waits for someone the chief assigns.
    article.refresh_from_db()
    assert article.assigned_reviewer is None
    assert article.history.latest().history_user == chief
    assert list(article_list_assigned_to(reviewer)) == []
    assert [a.pk for a in chief_queue_get().awaiting] == [article.pk]
    [mail] = [m for m in deliver_mail() if m.subject.startswith("Assignment withdrawn")]
    assert mail.to == [reviewer.email] and "Two months without a word." in mail.body
    assert Notification.objects.filter(recipient=reviewer, kind="withdrawn").exists()


def test_withdrawing_a_resubmissions_reviewer_returns_it_to_the_board(
    chief, editor, reviewer, policy
):
    article = submitted_article(by=editor)
    assigned(article, chief, reviewer)
    sent_back(article, reviewer)
    services.article_submit(article=article, by=editor)
    reopened = ReviewAssignment.objects.get(article=article, status=Status.OPEN)
    assignment_withdraw(assignment=reopened, by=chief, reason="On leave.")
    article.refresh_from_db()
    assert article.changes_requested_by is None
    assert article.pk in {a.pk for a in dashboard_get(user=reviewer).waiting}
    assert list(article_list_assigned_to(reviewer)) == []


def test_a_withdrawal_needs_a_reason_and_an_open_assignment(chief, editor, reviewer, policy):
    article = submitted_article(by=editor)
    [assignment] = assigned(article, chief, reviewer)
    with pytest.raises(ValidationError, match="Say why you withdraw"):
        assignment_withdraw(assignment=assignment, by=chief, reason="   ")
    assignment_withdraw(assignment=assignment, by=chief, reason="Wrong specialty.")
    with pytest.raises(WorkflowConflict, match="closed: it was cancelled on"):
        assignment_withdraw(assignment=assignment, by=chief, reason="Again.")
    with pytest.raises(WorkflowConflict, match="closed"):
        assignment_due_change(assignment=assignment, due_on=days(9), by=chief)


def test_a_done_assignment_is_not_changed(chief, editor, reviewer, policy):
    article = submitted_article(by=editor)
    [assignment] = assigned(article, chief, reviewer)
    sent_back(article, reviewer)
    # The article is a draft again: nothing of it is assigned until it is resubmitted.
    with pytest.raises(TransitionNotAllowed):
        assignment_due_change(assignment=assignment, due_on=days(9), by=chief)
    services.article_submit(article=article, by=editor)
    article.refresh_from_db()
    assignment.article = article
    with pytest.raises(WorkflowConflict, match="gave the board's decision"):
        assignment_withdraw(assignment=assignment, by=chief, reason="Done already?")


@pytest.mark.parametrize("who", ["editor", "reviewer", "reader", "former_chief"])
def test_only_editors_in_chief_change_or_withdraw(chief, editor, reviewer, policy, who):
    article = submitted_article(by=editor)
    [assignment] = assigned(article, chief, reviewer)
    user = {"editor": editor, "reviewer": reviewer, "reader": UserFactory(username="reader")}.get(
        who
    )
    if who == "former_chief":
        chief.groups.remove(Group.objects.get(name=EDITORS_IN_CHIEF))
        user = type(chief).objects.get(pk=chief.pk)  # no permissions cached
    with pytest.raises(PermissionDenied, match="Only editors-in-chief"):
        assignment_due_change(assignment=assignment, due_on=days(9), by=user)
    with pytest.raises(PermissionDenied, match="Only editors-in-chief"):
        assignment_withdraw(assignment=assignment, by=user, reason="Because.")
    assert ReviewAssignment.objects.get(pk=assignment.pk).status == Status.OPEN


# -- At the desk ------------------------------------------------------------------------------

ROLES = ["anonymous", "reader", "editor", "reviewer", "chief", "superuser", "former_chief"]
# A reader, and a chief who lost the right and holds no other, have no desk at all (403);
# an editor or a reviewer is refused the action (403).
STATUS = {
    "anonymous": 302,
    "reader": 403,
    "editor": 403,
    "reviewer": 403,
    "chief": 302,
    "superuser": 302,
    "former_chief": 403,
}


@pytest.fixture
def people(chief, editor, reviewer):
    former = UserFactory(username="former", group=EDITORS_IN_CHIEF)
    former.groups.remove(Group.objects.get(name=EDITORS_IN_CHIEF))
    return {
        "reader": UserFactory(username="reader"),
        "editor": editor,
        "reviewer": reviewer,
        "chief": chief,
        "superuser": make_admin("root"),
        "former_chief": former,
    }


def url(name: str, assignment: ReviewAssignment) -> str:
    return reverse(
        f"desk:{name}", kwargs={"pk": assignment.article_id, "assignment_pk": assignment.pk}
    )


@pytest.mark.parametrize("role", ROLES)
def test_changing_a_due_date_at_the_desk_by_role(client, people, chief, editor, reviewer, role):
    article = submitted_article(by=editor)
    [assignment] = assigned(article, chief, reviewer, due_in=3)
    if role != "anonymous":
        client.force_login(people[role])
    response = client.post(
        url("assignment_due", assignment), {"due_on": days(9).isoformat(), "reason": "Later."}
    )
    assert response.status_code == STATUS[role]
    changed = ReviewAssignment.objects.get(pk=assignment.pk).due_on == days(9)
    assert changed == (STATUS[role] == 302 and role != "anonymous")
    if changed:
        assert response["Location"].endswith(f"/desk/articles/{article.pk}/#assignments")


@pytest.mark.parametrize("role", ROLES)
def test_withdrawing_at_the_desk_by_role(client, people, chief, editor, reviewer, role):
    article = submitted_article(by=editor)
    [assignment] = assigned(article, chief, reviewer)
    if role != "anonymous":
        client.force_login(people[role])
    response = client.post(url("assignment_withdraw", assignment), {"reason": "Not needed."})
    assert response.status_code == STATUS[role]
    withdrawn = ReviewAssignment.objects.get(pk=assignment.pk).status == Status.CANCELLED
    assert withdrawn == (role in ("chief", "superuser"))


def test_the_panel_offers_the_forms_to_chiefs_only(client, people, chief, editor, reviewer):
    article = submitted_article(by=editor)
    [assignment] = assigned(article, chief, reviewer)
    page_url = reverse("desk:article", kwargs={"pk": article.pk})
    for role in ("chief", "superuser"):
        client.force_login(people[role])
        page = client.get(page_url).content.decode()
        assert f'action="{url("assignment_due", assignment)}"' in page
        assert f'action="{url("assignment_withdraw", assignment)}"' in page
    for role in ("editor", "reviewer"):
        client.force_login(people[role])
        page = client.get(page_url).content.decode()
        assert "assignments/" not in page, role


def test_bad_input_at_the_desk_is_a_4xx_with_the_reason_and_the_text_kept(
    client, chief, editor, reviewer, policy
):
    article = submitted_article(by=editor)
    [assignment] = assigned(article, chief, reviewer, due_in=3)
    client.force_login(chief)
    due, withdraw = url("assignment_due", assignment), url("assignment_withdraw", assignment)

    past = client.post(due, {"due_on": days(-1).isoformat(), "reason": "Keep this text."})
    assert past.status_code == 400
    page = past.content.decode()
    assert "The due date is in the past" in page and "Keep this text." in page
    assert '<details class="desk-assignment-change" open>' in page
    assert client.post(due, {"due_on": "next week"}).status_code == 400
    assert client.post(due, {}).status_code == 400
    empty = client.post(withdraw, {"reason": "  "})
    assert empty.status_code == 400 and "Say why you withdraw" in empty.content.decode()
    assert client.get(due).status_code == 405
    assert ReviewAssignment.objects.get(pk=assignment.pk).status == Status.OPEN

    # Another article's assignment, or none: not found.
    other = submitted_article(by=editor, title="Another question?")
    wrong = reverse("desk:assignment_due", kwargs={"pk": other.pk, "assignment_pk": assignment.pk})
    assert client.post(wrong, {"due_on": days(9).isoformat()}).status_code == 404
    missing = reverse("desk:assignment_withdraw", kwargs={"pk": article.pk, "assignment_pk": 999})
    assert client.post(missing, {"reason": "x"}).status_code == 404

    # Closed: a conflict, said in words.
    assert client.post(withdraw, {"reason": "Wrong reviewer."}).status_code == 302
    again = client.post(withdraw, {"reason": "Wrong reviewer."})
    assert again.status_code == 409 and "This assignment is closed" in again.content.decode()
    moved = client.post(due, {"due_on": days(9).isoformat()})
    assert moved.status_code == 409


def test_acting_on_a_returned_assignment_while_the_article_is_a_draft_is_a_409(
    client, chief, editor, reviewer, policy
):
    article = submitted_article(by=editor)
    assigned(article, chief, reviewer)
    sent_back(article, reviewer)
    returned = ReviewAssignment.objects.get(article=article, status=Status.RETURNED)
    client.force_login(chief)
    response = client.post(url("assignment_withdraw", returned), {"reason": "Someone else."})
    assert response.status_code == 409
    assert "Only a submitted article or one under review" in response.content.decode()
    assert ReviewAssignment.objects.get(pk=returned.pk).status == Status.RETURNED
