"""Each person's choice decides the mail: now, in the day's digest, or none; the desk list has all."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from editorial.urls_absolute import absolute_url
from notifications.kinds import Delivery, delivery_for
from notifications.models import DailyMail, Notification
from notifications.services import daily_mail_send, notify, preferences_set
from outbox.models import OutboundEmail

pytestmark = pytest.mark.django_db
Mail = Notification.Mail


def tell(user, kind="approved", subject="Approved: Baclofen", body="It is approved."):
    (row,) = notify(recipients=[user], kind=kind, subject=subject, body=body, link="/desk/")
    return row


def mails_to(user) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(to=user.email).order_by("pk"))


def digest() -> str:
    out = StringIO()
    call_command("notifications_digest", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "choices", "expected"),
    [
        ("approved", {}, Delivery.NOW),  # nothing chosen: mail now
        ("approved", {"": "daily"}, Delivery.DAILY),
        ("approved", {"": "daily", "approved": "now"}, Delivery.NOW),  # a kind set apart
        ("approved", {"": "now", "approved": "none"}, Delivery.NONE),
        ("overdue", {}, Delivery.DAILY),  # reminders: at most one mail a day
        ("due_soon", {"due_soon": "now"}, Delivery.DAILY),
        ("overdue", {"": "none"}, Delivery.NONE),
    ],
)
def test_the_delivery_rule(kind, choices, expected):
    assert delivery_for(kind, choices) == expected


def test_mail_now_is_queued_with_the_notification(editor):
    row = tell(editor)
    (mail,) = mails_to(editor)
    assert (mail.subject, mail.kind) == ("Approved: Baclofen", "approved")
    assert mail.body == f"It is approved.\n\n{absolute_url('/desk/')}"
    assert row.mail == Mail.SENT and row.mailed_at is not None


def test_no_mail_leaves_it_in_the_desk_list_only(editor):
    preferences_set(user=editor, choices={"": "none"})
    row = tell(editor)
    assert row.mail == Mail.NONE and mails_to(editor) == []
    assert "Sent 0 daily mail(s)." in digest()
    assert mails_to(editor) == []
    assert Notification.objects.filter(recipient=editor).count() == 1


def test_the_daily_digest_sends_one_mail_with_what_waited_and_never_twice(editor):
    preferences_set(user=editor, choices={"": "daily"})
    tell(editor, subject="Approved: Baclofen")
    tell(editor, kind="changes_requested", subject="Changes requested: Aspirin")
    assert mails_to(editor) == []  # nothing until the day's mail
    assert "Sent 1 daily mail(s)." in digest()
    (mail,) = mails_to(editor)
    assert mail.kind == "daily" and mail.subject == "2 notifications"
    assert "- Approved: Baclofen\n  It is approved." in mail.body
    assert "- Changes requested: Aspirin" in mail.body
    assert absolute_url(reverse("desk:notification_settings")) in mail.body
    assert set(Notification.objects.values_list("mail", flat=True)) == {Mail.SENT}
    assert "Sent 0 daily mail(s)." in digest()  # idempotent
    assert len(mails_to(editor)) == 1


def test_what_comes_after_the_days_mail_waits_for_the_next_day(editor):
    preferences_set(user=editor, choices={"": "daily"})
    tell(editor, subject="First")
    digest()
    tell(editor, subject="Second")
    assert "Sent 0 daily mail(s)." in digest()  # one mail a day at most
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert "Sent 1 daily mail(s)." in digest()
    first, second = mails_to(editor)
    assert "First" in first.body and "Second" not in first.body
    assert "Second" in second.body and "First" not in second.body
    assert DailyMail.objects.filter(user=editor).count() == 2


def test_a_kind_set_apart_from_the_digest_is_mailed_now(editor):
    preferences_set(user=editor, choices={"": "daily", "thread_replied": "now"})
    tell(editor, kind="thread_replied", subject="Reply in a claim thread: Aspirin")
    tell(editor, kind="approved")
    assert [m.kind for m in mails_to(editor)] == ["thread_replied"]


def test_a_kind_turned_off_after_it_waited_is_not_mailed(editor):
    preferences_set(user=editor, choices={"": "daily"})
    row = tell(editor)
    preferences_set(user=editor, choices={"": "daily", "approved": "none"})
    assert daily_mail_send() == 0
    row.refresh_from_db()
    assert row.mail == Mail.NONE and mails_to(editor) == []


def test_each_digest_user_gets_their_own_mail_only(editor, other_editor, reviewer):
    for user in (editor, other_editor):
        preferences_set(user=user, choices={"": "daily"})
    tell(editor, subject="For the first editor")
    tell(other_editor, subject="For the second editor")
    tell(reviewer, subject="Mailed at once")
    assert daily_mail_send() == 2
    assert "For the second editor" not in mails_to(editor)[0].body
    assert "For the first editor" not in mails_to(other_editor)[0].body
    assert len(mails_to(reviewer)) == 1


def test_a_failed_daily_mail_marks_nothing(editor, other_editor, monkeypatch):
    for user in (editor, other_editor):
        preferences_set(user=user, choices={"": "daily"})
        tell(user)
    from notifications import services

    real = services.email_enqueue
    calls = []

    def fail_on_the_second(**kwargs):
        calls.append(kwargs["to"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "email_enqueue", fail_on_the_second)
    with pytest.raises(RuntimeError):
        daily_mail_send()
    # The mark and the mail are one transaction: both users' notifications still wait.
    assert set(Notification.objects.values_list("mail", flat=True)) == {Mail.PENDING}
    assert not DailyMail.objects.exists() and not OutboundEmail.objects.filter(kind="daily")
    monkeypatch.undo()
    assert daily_mail_send() == 2


def test_an_unknown_choice_is_refused_with_the_reason(editor):
    with pytest.raises(ValidationError) as error:
        preferences_set(user=editor, choices={"": "hourly"})
    assert "'hourly' is not a choice" in error.value.messages[0]
    with pytest.raises(ValidationError):
        preferences_set(user=editor, choices={"gossip": "now"})
    with pytest.raises(ValidationError):
        preferences_set(user=editor, choices={"": ""})  # everything needs a choice
