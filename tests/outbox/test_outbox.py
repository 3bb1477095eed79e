"""The outbox in one process: queued with the change, retried with back-off, failures visible."""

from __future__ import annotations

import smtplib

import pytest
from django.db import transaction
from django.test import Client
from django_tasks_db.models import DBTaskResult

from articles import services
from outbox.models import OutboundEmail
from outbox.services import email_enqueue, email_retry
from outbox.tasks import email_deliver, retry_delay
from tests.factories import draft_article


@pytest.fixture
def smtp_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPConnectError(421, "mail server unavailable")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)


def test_a_notice_is_queued_with_the_change_and_only_if_it_commits(editor, reviewer, policy):
    article = draft_article(by=editor)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.article_submit(article=article, by=editor)
        raise RuntimeError("the request failed after the submission")
    assert not OutboundEmail.objects.exists() and not DBTaskResult.objects.exists()
    article.refresh_from_db()
    services.article_submit(article=article, by=editor)
    (email,) = OutboundEmail.objects.all()
    assert (email.to, email.kind, email.status) == (reviewer.email, "submitted", "queued")
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "outbox.tasks.deliver_email" and task.args_kwargs["args"] == [email.pk]


def test_a_failed_delivery_is_kept_and_retried_later(db, smtp_down, settings, mailoutbox):
    settings.OUTBOX_RETRY_SECONDS = 30
    email = email_enqueue(subject="Hello", body="Body", to="a@example.org", kind="test")
    assert email_deliver(email_id=email.pk) == "retry"
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("queued", 1)
    assert "mail server unavailable" in email.last_error
    retry = DBTaskResult.objects.order_by("enqueued_at").last()
    assert retry.run_after == email.next_attempt_at and retry.run_after is not None
    assert mailoutbox == []


def test_the_back_off_doubles_up_to_its_cap(settings):
    settings.OUTBOX_RETRY_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    assert [retry_delay(n) for n in (1, 2, 3, 8)] == [30, 60, 120, 3600]


def test_after_the_last_attempt_it_is_failed_then_retried_from_the_admin(
    db, smtp_down, settings, site_admin, mailoutbox, monkeypatch
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    email = email_enqueue(subject="Hello", body="Body", to="a@example.org", kind="test")
    assert email_deliver(email_id=email.pk) == "retry"
    assert email_deliver(email_id=email.pk) == "failed"
    email.refresh_from_db()
    assert email.status == "failed"
    admin = Client()
    admin.force_login(site_admin)
    listing = admin.get("/admin/outbox/outboundemail/?status__exact=failed")
    assert listing.status_code == 200 and "a@example.org" in listing.content.decode()
    monkeypatch.undo()  # the mail server is back
    response = admin.post(
        "/admin/outbox/outboundemail/",
        {"action": "retry_delivery", "_selected_action": [email.pk]},
    )
    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("queued", 0)
    assert email_deliver(email_id=email.pk) == "sent"
    assert [m.to for m in mailoutbox] == [["a@example.org"]]
    assert mailoutbox[0].extra_headers["Message-ID"] == email.message_id


def test_a_message_is_sent_once_however_often_its_task_runs(db, mailoutbox):
    email = email_enqueue(subject="Hello", body="Body", to="a@example.org", kind="test")
    assert email_deliver(email_id=email.pk) == "sent"
    assert email_deliver(email_id=email.pk) == "skipped"
    assert email_retry(emails=OutboundEmail.objects.all()) == 0  # a sent one is never resent
    assert len(mailoutbox) == 1


def test_requeue_enqueues_long_waiting_mail_again_and_it_still_goes_once(db, mailoutbox):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    email = email_enqueue(subject="Hello", body="Body", to="a@example.org", kind="test")
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    call_command("outbox_requeue", "--minutes", "15")
    assert DBTaskResult.objects.count() == 2
    results = [email_deliver(email_id=email.pk) for _ in range(2)]
    assert results == ["sent", "skipped"] and len(mailoutbox) == 1
