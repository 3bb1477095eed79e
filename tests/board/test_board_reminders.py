"""The daily board command: credential reminders once, due soon once, overdue daily, escalation once.

Due-soon and overdue reminders are notifications mailed in the reviewer's one mail of the
day (``notifications_digest``); tests/notifications covers that mail.
"""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from board.models import Credential, ReviewAssignment
from board.services import assignment_create
from tests.board.conftest import credential
from tests.factories import make_reviewer, submitted_article

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("board_reminders", stdout=out)
    return out.getvalue()


def run_day() -> str:
    """The day's cron: the board's reminders, then everyone's mail of the day."""
    said = run()
    call_command("notifications_digest", stdout=StringIO())
    return said


def mails(deliver_mail, kind_subject: str) -> list:
    return [m for m in deliver_mail() if m.subject.startswith(kind_subject)]


def test_a_credential_is_reminded_once_within_30_days_of_expiry(reviewer, deliver_mail):
    soon = credential(reviewer, days=40, name="Medical licence")
    credential(reviewer, days=None, name="Lifetime fellowship")
    assert "Sent 0 credential reminder(s)" in run()  # 40 days away: not yet
    with time_machine.travel(timezone.now() + datetime.timedelta(days=11)):
        assert "Sent 1 credential reminder(s)" in run()
        assert "Sent 0 credential reminder(s)" in run()  # once
    with time_machine.travel(timezone.now() + datetime.timedelta(days=20)):
        assert "Sent 0 credential reminder(s)" in run()  # still once, days later
    [mail] = mails(deliver_mail, "Your credential expires")
    assert mail.to == [reviewer.email] and "Medical licence" in mail.body
    assert Credential.objects.get(pk=soon.pk).reminded_at is not None


def test_a_renewed_credential_is_reminded_again_before_its_new_date(reviewer, deliver_mail):
    licence = credential(reviewer, days=10, name="Medical licence")
    assert "Sent 1 credential reminder(s)" in run()
    Credential.objects.filter(pk=licence.pk).update(
        expires_on=licence.expires_on + datetime.timedelta(days=365)
    )
    assert "Sent 0 credential reminder(s)" in run()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=350)):
        assert "Sent 1 credential reminder(s)" in run()
        assert "Sent 0 credential reminder(s)" in run()


def test_an_expired_credential_is_not_reminded(reviewer, deliver_mail):
    credential(reviewer, days=-5)
    assert "Sent 0 credential reminder(s)" in run()


def test_overdue_reviews_are_reminded_daily_and_escalated_once(
    chief, editor, reviewer, policy, settings, deliver_mail
):
    settings.BOARD_ESCALATE_AFTER_DAYS = 3
    article = submitted_article(by=editor)
    due_on = timezone.localdate() + datetime.timedelta(days=2)
    assignment_create(article=article, reviewer_ids=[reviewer.pk], due_on=due_on, by=chief)
    deliver_mail()  # the assignment mail
    start = timezone.now()

    def on(day: int, hour: int = 9):
        moment = start.replace(hour=hour) + datetime.timedelta(days=day)
        return time_machine.travel(moment, tick=False)

    with on(2):  # the due day itself: due soon, not overdue
        assert "1 due-soon reminder(s), 0 overdue reminder(s), 0 escalation(s)" in run_day()
    with on(3):
        assert "0 due-soon reminder(s), 1 overdue reminder(s), 0 escalation(s)" in run_day()
    with on(3, hour=15):
        assert "0 overdue reminder(s)" in run_day()  # once per day
    with on(4):
        assert "1 overdue reminder(s), 0 escalation(s)" in run_day()
    with on(6):  # 4 days overdue, past the 3-day grace period
        assert "1 overdue reminder(s), 1 escalation(s)" in run_day()
    with on(7):
        assert "1 overdue reminder(s), 0 escalation(s)" in run_day()  # escalated once
    sent = deliver_mail()
    reminders = [m for m in sent if m.subject.startswith("Overdue review")]
    escalations = [m for m in sent if m.subject.startswith("Review overdue past grace")]
    # One mail of the day each day it is overdue, never a second on the same day.
    assert len(reminders) == 4 and all(m.to == [reviewer.email] for m in reminders)
    assert [m.to for m in sent if m.subject.startswith("Review due soon")] == [[reviewer.email]]
    assert [m.to for m in escalations] == [[chief.email]]
    assert reviewer.get_full_name() in escalations[0].body


def test_done_and_cancelled_assignments_are_not_chased(chief, editor, policy, deliver_mail):
    done, cancelled = make_reviewer("done"), make_reviewer("cancelled")
    article = submitted_article(by=editor)
    today = timezone.localdate()
    assignment_create(article=article, reviewer_ids=[done.pk, cancelled.pk], due_on=today, by=chief)
    ReviewAssignment.objects.filter(reviewer=done).update(status=ReviewAssignment.Status.DONE)
    ReviewAssignment.objects.filter(reviewer=cancelled).update(
        status=ReviewAssignment.Status.CANCELLED
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30)):
        assert "0 overdue reminder(s), 0 escalation(s)" in run()
