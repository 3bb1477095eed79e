"""A reviewer gets at most one reminder mail a day: overdue, due soon and the board's queue together.

Before, an overdue reviewer got the reviewers' queue (``remind_reviews``) and a separate
overdue mail (``board_reminders``) on the same day.
"""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from board.models import ReviewAssignment
from board.reminders import board_reminders_send
from board.services import assignment_create
from notifications.models import Notification, Reminder
from notifications.services import preferences_set
from tests.factories import submitted_article

pytestmark = pytest.mark.django_db


def command(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def day(n: int):
    """``n`` days from now, at nine in the morning, the clock standing still."""
    moment = timezone.now().replace(hour=9) + datetime.timedelta(days=n)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def assigned(chief, editor, reviewer, policy, deliver_mail):
    """The reviewer is assigned an article due in five days; the assignment mail is out."""
    article = submitted_article(by=editor)
    due_on = timezone.localdate() + datetime.timedelta(days=5)
    assignment_create(article=article, reviewer_ids=[reviewer.pk], due_on=due_on, by=chief)
    deliver_mail().clear()
    return ReviewAssignment.objects.get(article=article, reviewer=reviewer)


def to(sent, user) -> list:
    return [m for m in sent if m.to == [user.email]]


@pytest.mark.parametrize(
    "order",
    [
        ("board_reminders", "remind_reviews", "notifications_digest"),
        ("board_reminders", "notifications_digest", "remind_reviews"),
        ("remind_reviews", "board_reminders", "notifications_digest"),
    ],
)
def test_an_overdue_reviewer_gets_one_mail_a_day(assigned, reviewer, deliver_mail, order):
    with day(7):  # two days overdue
        for name in order:
            command(name)
            command(name)  # a second run the same day sends nothing more
        sent = to(deliver_mail(), reviewer)
    assert len(sent) == 1
    (mail,) = sent
    if order[0] == "board_reminders":
        # Everything in one mail: the overdue reminder, then the board's queue.
        assert mail.subject.startswith(f"Overdue review: {assigned.article.title}")
        assert "Reminders:\n\n- Overdue review" in mail.body
        assert "(2 days ago)" in mail.body
    else:
        # The queue went first; the overdue reminder waits for the next day's mail.
        assert "for the board to review" in mail.subject and "Overdue" not in mail.subject
        with day(8):
            command("board_reminders")
            command("notifications_digest")
            later = to(deliver_mail(), reviewer)
        assert [m.subject.startswith("Overdue review") for m in later[1:]] == [True]
        # Yesterday's reminder is not said again beside today's.
        assert "(3 days ago)" in later[1].body and "(2 days ago)" not in later[1].body
    if order[1:] != ("notifications_digest", "remind_reviews"):
        assert "Assigned to you" in mail.body  # the reviewers' queue came along
    assert Notification.objects.filter(recipient=reviewer, kind="overdue").exists()


def test_due_soon_is_said_once_two_days_before_and_again_if_the_date_moves(
    assigned, reviewer, deliver_mail
):
    with day(2):  # three days before: not yet
        assert board_reminders_send().due_soon == 0
    with day(3):
        assert board_reminders_send().due_soon == 1
        assert board_reminders_send().due_soon == 0  # once
    with day(4):
        assert board_reminders_send().due_soon == 0  # still once
        command("notifications_digest")
        (mail,) = to(deliver_mail(), reviewer)
    assert mail.subject == f"Review due soon: {assigned.article.title}"
    assert "(in 2 days)" in mail.body or "(tomorrow)" in mail.body
    ReviewAssignment.objects.filter(pk=assigned.pk).update(
        due_on=assigned.due_on + datetime.timedelta(days=7)
    )
    with day(10):
        assert board_reminders_send().due_soon == 1  # the new date is reminded too
    assert Reminder.objects.filter(assignment=assigned).count() == 2


def test_a_reviewer_who_wants_no_mail_is_reminded_at_the_desk_only(
    assigned, reviewer, deliver_mail
):
    preferences_set(user=reviewer, choices={"": "none"})
    with day(7):
        board_reminders_send()
        command("remind_reviews")
        command("notifications_digest")
        assert to(deliver_mail(), reviewer) == []
    assert Notification.objects.get(recipient=reviewer, kind="overdue").mail == "none"


def test_the_reminders_and_their_marks_are_one_transaction(assigned, reviewer, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("board.reminders.notify", broken)
    with day(7), pytest.raises(RuntimeError):
        board_reminders_send()
    assigned.refresh_from_db()
    assert assigned.reminded_at is None and not Reminder.objects.exists()
    monkeypatch.undo()
    with day(7):
        sent = board_reminders_send()
    assert (sent.due_soon, sent.overdue) == (0, 1)  # overdue now: no longer "due soon"


def test_an_escalation_is_a_notification_for_the_editors_in_chief(
    assigned, chief, reviewer, settings, deliver_mail
):
    settings.BOARD_ESCALATE_AFTER_DAYS = 3
    with day(10):
        assert board_reminders_send().escalated == 1
    row = Notification.objects.get(kind="escalated")
    assert row.recipient == chief and row.article == assigned.article
    assert [m.subject for m in to(deliver_mail(), chief)] == [
        f"Review overdue past grace period: {assigned.article.title}"
    ]
