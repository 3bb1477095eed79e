"""Each workflow event tells the right people, at the desk and by mail, and never who did it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import ClaimReview, ClaimThread, ThreadMessage
from articles.notifications import notify_thread_step
from articles.permissions import EDITORS, EDITORS_IN_CHIEF
from board.services import assignment_create
from editorial.urls_absolute import absolute_url
from notifications.models import Notification
from notifications.services import notify
from outbox.models import OutboundEmail
from tests.factories import (
    UserFactory,
    approved_article,
    declare_no_conflict,
    draft_article,
    submitted_article,
    under_review_article,
)

pytestmark = pytest.mark.django_db


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def mailed(kind: str) -> set[str]:
    return set(OutboundEmail.objects.filter(kind=kind).values_list("to", flat=True))


def emails(*users) -> set[str]:
    return {u.email for u in users}


def test_a_submission_tells_the_board_and_the_editors_in_chief_not_its_editor(
    editor, reviewer, other_reviewer, chief, site_admin, policy
):
    article = submitted_article(by=editor)
    # Board reviewers, the editor-in-chief, and the superuser (who holds every right).
    assert told("submitted") == {"reviewer", "reviewer2", "chief", "admin"}
    assert mailed("submitted") == emails(reviewer, other_reviewer, chief, site_admin)
    row = Notification.objects.get(kind="submitted", recipient=chief)
    assert (row.article, row.actor, row.link) == (
        article,
        editor,
        reverse("desk:article", args=[article.pk]),
    )
    assert row.subject == f"Submitted for review: {article.title}"
    assert row.read_at is None and row.mail == Notification.Mail.SENT


def test_an_editor_in_chief_who_submits_is_not_told_of_their_own_submission(reviewer, policy):
    both = UserFactory(username="both", group=EDITORS)
    UserFactory(username="both", group=EDITORS_IN_CHIEF)  # the same user, in both groups
    submitted_article(by=both)
    assert told("submitted") == {"reviewer"}
    assert both.email not in mailed("submitted")


def test_an_assignment_tells_each_reviewer_in_the_words_it_always_had(
    chief, editor, reviewer, other_reviewer, policy
):
    article = submitted_article(by=editor)
    due_on = timezone.localdate() + datetime.timedelta(days=10)
    assignment_create(
        article=article, reviewer_ids=[reviewer.pk, other_reviewer.pk], due_on=due_on, by=chief
    )
    assert told("assigned") == {"reviewer", "reviewer2"}
    mail = OutboundEmail.objects.filter(kind="assigned", to=reviewer.email).get()
    assert mail.subject == f"Assigned to you for review: {article.title}"
    assert mail.body == (
        f'You have been asked to review "{article.title}" by '
        f"{due_on:%B} {due_on.day}, {due_on:%Y}.\n\n"
        "Declare first whether you have a conflict of interest with it.\n\n"
        f"{absolute_url(reverse('desk:article', args=[article.pk]))}"
    )
    assert Notification.objects.get(kind="assigned", recipient=reviewer).actor == chief


def test_the_boards_decisions_tell_the_editors_not_the_reviewer(editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    services.article_request_changes(article=article, by=reviewer, comment="Cite the trial.")
    assert told("changes_requested") == {"editor"}
    row = Notification.objects.get(kind="changes_requested")
    assert "Comment from the board:\nCite the trial." in row.body and row.actor == reviewer
    approved_article(by=editor, reviewer=reviewer, title="Another question?")
    assert told("approved") == {"editor"}


@pytest.fixture
def thread(editor, reviewer, policy):
    """A "Needs change" thread the reviewer opened, on an article sent back to the editor."""
    article = submitted_article(by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    claim = article.claims.exclude(kind="heading").first()
    services.claim_review(
        claim=claim, by=reviewer, verdict=ClaimReview.Verdict.NEEDS_CHANGE, comment="Which dose?"
    )
    services.article_request_changes(article=article, by=reviewer, comment="See the thread.")
    return ClaimThread.objects.get(article=article)


def test_the_editors_reply_tells_the_reviewer_who_opened_the_thread(editor, reviewer, thread):
    services.thread_reply(thread=thread, by=editor, body="Adults only, 5 mg.")
    assert told("thread_replied") == {"reviewer"}
    row = Notification.objects.get(kind="thread_replied")
    assert row.link == reverse("desk:article", args=[thread.article_id]) + f"#thread-{thread.pk}"
    assert "Adults only, 5 mg." in row.body and row.actor == editor
    assert mailed("thread_replied") == {reviewer.email}


def test_marked_addressed_tells_the_reviewer_and_reopened_tells_the_editors(
    editor, other_editor, reviewer, thread
):
    thread.article.contributors.add(other_editor)
    services.thread_mark_addressed(thread=thread, by=editor)
    assert told("thread_addressed") == {"reviewer"}
    services.thread_reopen(thread=thread, by=reviewer, body="Still says children.")
    assert told("thread_reopened") == {"editor", "editor2"}
    assert "Still says children." in Notification.objects.filter(kind="thread_reopened")[0].body


def test_a_reply_from_the_board_tells_the_editors(editor, reviewer, thread):
    message = ThreadMessage(thread=thread, author=reviewer, event="reply", body="Any news?")
    assert notify_thread_step(thread=thread, message=message) == 1
    assert told("thread_replied") == {"editor"}


def test_resolving_a_thread_tells_nobody(editor, reviewer, thread):
    services.thread_mark_addressed(thread=thread, by=editor)
    before = Notification.objects.count()
    services.thread_resolve(thread=thread, by=reviewer)
    assert Notification.objects.count() == before


def test_notify_never_tells_the_actor_nor_an_inactive_user_and_tells_each_once(
    editor, reviewer, other_reviewer
):
    other_reviewer.is_active = False
    other_reviewer.save()
    rows = notify(
        recipients=[editor, reviewer, reviewer, other_reviewer],
        kind="withdrawn",
        subject="Assignment withdrawn",
        body="You no longer need to review it.",
        actor=editor,
    )
    assert [r.recipient for r in rows] == [reviewer]
    assert told("withdrawn") == {"reviewer"}
    assert rows[0].link == ""  # no article, no link


def test_notify_refuses_a_kind_not_in_the_list(reviewer):
    with pytest.raises(ValueError):
        notify(recipients=[reviewer], kind="gossip", subject="Hm", body="")
    assert not Notification.objects.exists()


def test_a_user_without_an_email_address_is_told_at_the_desk_only(editor, policy):
    quiet = UserFactory(username="quiet", email="")
    notify(recipients=[quiet], kind="due_changed", subject="New date", body="", actor=editor)
    row = Notification.objects.get(recipient=quiet)
    assert row.mail == Notification.Mail.NONE and not OutboundEmail.objects.exists()


def test_a_draft_tells_nobody(editor, reviewer, policy):
    draft_article(by=editor)
    assert not Notification.objects.exists()
