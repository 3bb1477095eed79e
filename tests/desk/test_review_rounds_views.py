"""The desk's review rounds: threads, the round memory, the resubmission and the queues."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, ClaimReview, ClaimThread
from articles.states import ArticleState
from desk.selectors import DASHBOARD_ROWS
from tests.desk.review_rounds_support import (
    FIRST_COMMENT,
    SECOND_COMMENT,
    declared_no_conflict,
    fact_claims,
    first_round,
    make_editor_in_chief,
    second_round,
    threads_of,
)
from tests.factories import approved_article, declare_no_conflict, submitted_article

pytestmark = pytest.mark.django_db

Status = ClaimThread.Status


@pytest.fixture
def people(roles, other_reviewer):
    return {**roles, "other_reviewer": other_reviewer, "chief": make_editor_in_chief()}


def as_user(client, user):
    if user.is_authenticated:
        client.force_login(user)
    return client


def thread_url(article, thread, step):
    return reverse("desk:thread", kwargs={"pk": article.pk, "thread_pk": thread.pk, "step": step})


# -- Every role on every new URL --------------------------------------------------------

# Status per role: 302 = done (back to the screen), 403 = refused.
REPLY = {
    "anonymous": 302,  # to the log-in page
    "editor": 302,
    "other_editor": 403,
    "reviewer": 403,
    "other_reviewer": 403,
    "chief": 403,
    "admin": 302,
}
# Settling is for those who may verify: the superuser admin has declared nothing, so may not.
RESOLVE = {**REPLY, "editor": 403, "reviewer": 302, "other_reviewer": 302, "admin": 403}


@pytest.mark.parametrize("role", REPLY)
def test_who_may_reply_in_a_thread(client, people, editor, reviewer, role):
    article = first_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    answer = as_user(client, people[role]).post(
        thread_url(article, thread, "reply"), {"body": "Fixed."}
    )
    assert answer.status_code == REPLY[role]
    if role == "anonymous":
        assert "/accounts/login/" in answer["Location"]
    replied = thread.messages.filter(body="Fixed.").exists()
    assert replied == (REPLY[role] == 302 and role != "anonymous")
    if answer.status_code == 403:
        assert "Fixed." in answer.content.decode()  # what they typed is kept


@pytest.mark.parametrize("role", REPLY)
def test_who_may_mark_a_thread_addressed(client, people, editor, reviewer, role):
    article = first_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    answer = as_user(client, people[role]).post(thread_url(article, thread, "address"), {})
    assert answer.status_code == REPLY[role]
    thread.refresh_from_db()
    assert (thread.status == Status.ADDRESSED) == (REPLY[role] == 302 and role != "anonymous")


@pytest.mark.parametrize("role", RESOLVE)
def test_who_may_resolve_a_thread(client, people, editor, reviewer, role):
    article = first_round(editor=editor, reviewer=reviewer)
    declared_no_conflict(article, people["other_reviewer"])
    thread = threads_of(article)[0]
    answer = as_user(client, people[role]).post(
        thread_url(article, thread, "resolve"), {"back": "review"}
    )
    assert answer.status_code == RESOLVE[role]
    thread.refresh_from_db()
    assert (thread.status == Status.RESOLVED) == (RESOLVE[role] == 302 and role != "anonymous")


@pytest.mark.parametrize("role", RESOLVE)
def test_who_may_reopen_a_thread(client, people, editor, reviewer, role):
    article = first_round(editor=editor, reviewer=reviewer)
    declared_no_conflict(article, people["other_reviewer"])
    thread = threads_of(article)[0]
    services.thread_mark_addressed(thread=thread, by=editor)
    answer = as_user(client, people[role]).post(
        thread_url(article, thread, "reopen"), {"body": "Not yet."}
    )
    assert answer.status_code == RESOLVE[role]
    thread.refresh_from_db()
    assert (thread.status == Status.OPEN) == (RESOLVE[role] == 302 and role != "anonymous")


def test_thread_steps_take_posts_only_and_known_steps(client, editor, reviewer):
    article = first_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    client.force_login(editor)
    assert client.get(thread_url(article, thread, "reply")).status_code == 405
    assert client.post(thread_url(article, thread, "delete"), {}).status_code == 404
    other = first_round(editor=editor, reviewer=reviewer)
    # A thread is found only under its own article.
    assert client.post(thread_url(other, thread, "reply"), {"body": "x"}).status_code == 404


def test_a_refused_message_keeps_the_text_beside_the_reason(client, editor, reviewer):
    article = first_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    services.thread_mark_addressed(thread=thread, by=editor)
    client.force_login(reviewer)
    answer = client.post(thread_url(article, thread, "reopen"), {"body": "", "back": "review"})
    assert answer.status_code == 400
    assert "Write something to say why it is reopened." in answer.content.decode()
    client.force_login(editor)
    long_text = "word " * 1200
    answer = client.post(thread_url(article, thread, "reply"), {"body": long_text})
    assert answer.status_code == 400
    assert "Keep it to 5000 characters." in answer.content.decode()
    assert long_text.strip() in answer.content.decode()


def test_a_resolved_thread_refuses_replies_with_409(client, editor, reviewer):
    article = first_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    services.thread_resolve(thread=thread, by=reviewer)
    client.force_login(editor)
    answer = client.post(thread_url(article, thread, "reply"), {"body": "But..."})
    assert answer.status_code == 409
    assert "But..." in answer.content.decode()


REVIEW_SCREEN = {
    "anonymous": 302,
    "editor": 403,
    "other_editor": 403,
    "reviewer": 200,
    "other_reviewer": 200,
    "chief": 403,
    "admin": 200,
}


@pytest.mark.parametrize("role", REVIEW_SCREEN)
def test_who_sees_the_second_round_review_screen(client, people, editor, reviewer, role):
    article = second_round(editor=editor, reviewer=reviewer)
    answer = as_user(client, people[role]).get(reverse("desk:review", kwargs={"pk": article.pk}))
    assert answer.status_code == REVIEW_SCREEN[role]


@pytest.mark.parametrize("role", [*REVIEW_SCREEN])
def test_every_desk_user_sees_the_threads_on_the_overview(client, people, editor, reviewer, role):
    article = first_round(editor=editor, reviewer=reviewer)
    declared_no_conflict(article, people["other_reviewer"])
    answer = as_user(client, people[role]).get(reverse("desk:article", kwargs={"pk": article.pk}))
    if role == "anonymous":
        assert answer.status_code == 302
        return
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Threads with the board" in page
    assert FIRST_COMMENT in page and SECOND_COMMENT in page
    assert ("Mark addressed" in page) == (role in ("editor", "admin"))
    assert ("Resolve thread" in page) == (role in ("reviewer", "other_reviewer"))


# -- The round memory --------------------------------------------------------------------


def test_the_second_round_shows_only_what_changed_with_the_earlier_word(client, editor, reviewer):
    article = second_round(editor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    answer = client.get(reverse("desk:review", kwargs={"pk": article.pk}))
    rows = answer.context["rows"]
    fixed, asked, *others = [r for r in rows if r.claim.states_fact]
    assert fixed.memory.status == "changed"
    segments = fixed.memory.change.segments
    assert "adults" in "".join(s.text for s in segments if s.op == "ins")
    assert "Claim" in "".join(s.text for s in segments if s.op == "del")
    assert "states a fact." in "".join(s.text for s in segments if s.op == "same")
    assert any(s.op == "ins" and "grown-ups" in s.text for s in fixed.memory.plain_segments)
    assert fixed.memory.earlier_review.comment == FIRST_COMMENT
    assert fixed.memory.earlier_review.verdict == ClaimReview.Verdict.NEEDS_CHANGE
    # Untouched claims read as they did: marked unchanged, with the verdict they had.
    assert asked.memory.status == "same" and asked.memory.earlier_review.comment == SECOND_COMMENT
    assert all(r.memory.status == "same" for r in others)
    assert [r.memory.status for r in rows].count("changed") == 1
    page = answer.content.decode()
    # Both threads are addressed: nothing to prefill the request for changes with.
    assert "need changing" not in page
    assert page.count("Changed since the last round") == 1
    assert "Now limited to adults." in page  # the editor's reply in the thread
    assert "Dose added." in page
    assert FIRST_COMMENT in page


def test_the_round_memory_shows_changed_citations_and_removed_claims(client, editor, reviewer):
    import dataclasses

    from articles.selectors import article_get_content

    article = first_round(editor=editor, reviewer=reviewer, claims=4)
    content = article_get_content(article=article)
    claims = list(content.claims)
    removed = claims.pop(4)  # the third fact claim
    claims[2] = dataclasses.replace(claims[2], citations=(1,))  # the second one cited 2 before
    services.article_replace_content(
        article=article,
        by=editor,
        expected_version=article.content_version,
        content=dataclasses.replace(content, claims=tuple(claims)),
    )
    services.article_submit(article=article, by=editor, confirm_open_threads=True)
    services.article_start_review(article=article, by=reviewer)
    client.force_login(reviewer)
    answer = client.get(reverse("desk:review", kwargs={"pk": article.pk}))
    cited = next(
        r for r in answer.context["rows"] if r.claim.uid.hex == claims[2].uid.replace("-", "")
    )
    assert cited.memory.cited_before == ("Guideline number 2",)
    assert cited.memory.cited_after == ("Guideline number 1",)
    assert [m.change.segments[0].text for m in answer.context["removed_claims"]] == [removed.text]
    assert "Removed since the last round" in answer.content.decode()


def test_request_changes_is_one_click_with_needs_change_threads_open(client, editor, reviewer):
    from tests.factories import under_review_article

    article = under_review_article(by=editor, reviewer=reviewer)
    claim = fact_claims(article)[0]
    services.claim_review(
        claim=claim, by=reviewer, verdict=ClaimReview.Verdict.NEEDS_CHANGE, comment="Too strong."
    )
    client.force_login(reviewer)
    page = client.get(reverse("desk:review", kwargs={"pk": article.pk})).content.decode()
    assert "1 claim needs changing: see the thread on it." in page


def test_the_first_round_has_no_memory(client, editor, reviewer):
    from tests.factories import under_review_article

    article = under_review_article(by=editor, reviewer=reviewer)
    client.force_login(reviewer)
    answer = client.get(reverse("desk:review", kwargs={"pk": article.pk}))
    assert answer.context["round"] is None
    assert "Since the last round" not in answer.content.decode()


def test_a_revision_of_an_approved_article_is_compared_with_the_approval(client, editor, reviewer):
    article = approved_article(by=editor, reviewer=reviewer)
    services.article_revise(article=article, by=editor)
    claim = fact_claims(article)[0]
    from tests.desk.review_rounds_support import edit_claim

    article = edit_claim(article, by=editor, uid=claim.uid, text="A revised claim.")
    services.article_submit(article=article, by=editor, summary="Claim 1 revised.")
    services.article_start_review(article=article, by=reviewer)
    client.force_login(reviewer)
    answer = client.get(reverse("desk:review", kwargs={"pk": article.pk}))
    assert answer.context["round"].ended.name == "approve"
    statuses = {str(r.claim.uid): r.memory.status for r in answer.context["rows"]}
    assert statuses.pop(str(claim.uid)) == "changed"
    assert set(statuses.values()) == {"same"}


def test_a_verdict_given_on_the_review_screen_keeps_its_memory_and_thread(client, editor, reviewer):
    article = second_round(editor=editor, reviewer=reviewer)
    claim = fact_claims(article)[0]
    client.force_login(reviewer)
    answer = client.post(
        reverse("desk:claim_review", kwargs={"pk": article.pk, "uid": claim.uid}),
        {"verdict": "verified"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Changed since the last round" in page and "Now limited to adults." in page


# -- Resubmitting with open threads -----------------------------------------------------


def test_resubmitting_at_the_desk_lists_open_threads_and_asks_to_confirm(client, editor, reviewer):
    article = first_round(editor=editor, reviewer=reviewer)
    client.force_login(editor)
    overview = client.get(reverse("desk:article", kwargs={"pk": article.pk})).content.decode()
    assert "2 “Needs change” threads still open" in overview
    assert 'name="confirm_open_threads"' in overview
    url = reverse("desk:transition", kwargs={"pk": article.pk, "name": "submit"})
    answer = client.post(url, {"expected_version": article.content_version, "note": "Fixed."})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "are still open" in page and "Fixed." in page  # the note is kept
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT
    answer = client.post(
        url,
        {
            "expected_version": article.content_version,
            "note": "Fixed.",
            "confirm_open_threads": "on",
        },
    )
    assert answer.status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.SUBMITTED


def test_with_every_thread_addressed_submit_asks_nothing(client, editor, reviewer):
    article = first_round(editor=editor, reviewer=reviewer)
    for thread in threads_of(article):
        services.thread_mark_addressed(thread=thread, by=editor)
    client.force_login(editor)
    overview = client.get(reverse("desk:article", kwargs={"pk": article.pk})).content.decode()
    assert 'name="confirm_open_threads"' not in overview
    url = reverse("desk:transition", kwargs={"pk": article.pk, "name": "submit"})
    assert client.post(url, {"expected_version": article.content_version}).status_code == 302


# -- Queues --------------------------------------------------------------------------------


def dashboard(client, user):
    client.force_login(user)
    return client.get(reverse("desk:dashboard")).context["board"]


def test_a_resubmission_returns_to_the_reviewer_who_asked_for_changes(
    client, editor, reviewer, other_reviewer
):
    article = first_round(editor=editor, reviewer=reviewer)
    services.article_submit(article=article, by=editor, confirm_open_threads=True)
    fresh = submitted_article(by=editor, title="A fresh question?")
    mine = dashboard(client, reviewer)
    assert [a.pk for a in mine.assigned] == [article.pk]
    assert [a.pk for a in mine.waiting] == [fresh.pk]
    theirs = dashboard(client, other_reviewer)
    assert [a.pk for a in theirs.waiting] == [fresh.pk]
    assert list(theirs.assigned) == []
    page = client.get(reverse("desk:articles") + "?state=submitted").content.decode()
    assert "Returned to" in page
    # Another reviewer may still take it, from the article page (once they have declared).
    declare_no_conflict(article, other_reviewer)
    answer = client.post(
        reverse("desk:transition", kwargs={"pk": article.pk, "name": "start_review"})
    )
    assert answer.status_code == 302
    article.refresh_from_db()
    assert article.assigned_reviewer == other_reviewer


def test_a_resubmission_goes_back_to_everyone_when_its_reviewer_has_left(
    client, editor, reviewer, other_reviewer
):
    article = first_round(editor=editor, reviewer=reviewer)
    services.article_submit(article=article, by=editor, confirm_open_threads=True)
    reviewer.is_active = False
    reviewer.save()
    assert [a.pk for a in dashboard(client, other_reviewer).waiting] == [article.pk]


def test_the_editors_lists_and_their_order(client, editor, other_editor, reviewer):
    now = timezone.now()
    returned = [first_round(editor=editor, reviewer=reviewer) for _ in range(2)]
    # The one sent back earlier waits longer: it comes first.
    Article.objects.filter(pk=returned[1].pk).update(
        last_transition_at=now - datetime.timedelta(days=3)
    )
    in_review = [submitted_article(by=editor, title=f"Submitted {i}?") for i in range(2)]
    Article.objects.filter(pk=in_review[1].pk).update(queued_at=now - datetime.timedelta(days=2))
    due = [approved_article(by=editor, reviewer=reviewer, title=f"Old {i}?") for i in range(2)]
    for days, article in ((400, due[0]), (500, due[1])):
        article.published_version.approved_at = now - datetime.timedelta(days=days)
        article.published_version.save()
    fresh = approved_article(by=editor, reviewer=reviewer, title="Fresh?")
    board = dashboard(client, editor)
    assert [a.pk for a in board.changes_requested] == [returned[1].pk, returned[0].pk]
    assert [a.pk for a in board.in_review] == [in_review[1].pk, in_review[0].pk]
    assert [a.pk for a in board.my_due] == [due[1].pk, due[0].pk]
    assert fresh.pk not in {a.pk for a in board.my_due}
    # Another editor's lists hold none of them.
    theirs = dashboard(client, other_editor)
    assert (theirs.changes_requested.total, theirs.in_review.total, theirs.my_due.total) == (
        0,
        0,
        0,
    )
    page = client.get(reverse("desk:dashboard"))
    assert page.status_code == 200


# -- Query budgets ---------------------------------------------------------------------


@pytest.mark.parametrize("claims", [3, 12])
def test_review_screen_queries_do_not_grow_with_claims(
    client, editor, reviewer, claims, django_assert_num_queries
):
    article = second_round(editor=editor, reviewer=reviewer, claims=claims)
    client.force_login(reviewer)
    url = reverse("desk:review", kwargs={"pk": article.pk})
    # session, user, user perms, group perms, article + its contributors; the rows (claims,
    # citations+references, reviews+reviewers; the sign-off rule asked of their reviewers:
    # board permission, credentials, declarations); the approvals given this round; the policy's
    # questions (the screening of cited retractions twice, the board's refusal); transitions
    # (last comment, submission); threads + messages; the round's end; the content then
    # (article as of then and now, claims, citations, references); the board panel; the
    # page's retraction screening; the desk nav's count of unread notifications.
    with django_assert_num_queries(32):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("claims", [3, 12])
def test_overview_queries_do_not_grow_with_claims_or_threads(
    client, editor, reviewer, claims, django_assert_num_queries
):
    article = first_round(editor=editor, reviewer=reviewer, claims=claims)
    client.force_login(editor)
    url = reverse("desk:article", kwargs={"pk": article.pk})
    # As the review screen without the round memory (6) and the review-only checks, with
    # the thread steps asked once for the page, not per claim or thread; the unread
    # notifications in the desk nav.
    with django_assert_num_queries(21):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [2, 6])
def test_dashboard_queries_do_not_grow_with_returned_articles(
    client, editor, reviewer, count, django_assert_num_queries
):
    for _ in range(count):
        article = first_round(editor=editor, reviewer=reviewer, claims=2)
        services.article_submit(article=article, by=editor, confirm_open_threads=True)
    client.force_login(reviewer)
    # session, user, user perms, group perms; flagged, waiting, assigned, due (ids with their
    # count, then the rows shown: 1 for an empty list, so 1 + 1 + 2 + 1); the re-review
    # periods the topics set; the reviewer's credentials to renew; the unread notifications
    # in the desk nav
    with django_assert_num_queries(12):
        board = client.get(reverse("desk:dashboard")).context["board"]
    assert board.assigned.total == count and len(board.assigned) == min(count, DASHBOARD_ROWS)


def test_the_reminder_mail_follows_the_returning_queue(
    editor, reviewer, other_reviewer, deliver_mail
):
    from django.core.management import call_command

    article = first_round(editor=editor, reviewer=reviewer)
    services.article_submit(article=article, by=editor, confirm_open_threads=True)
    call_command("remind_reviews")
    mail = {m.to[0]: m.body for m in deliver_mail() if "for the board to review" in m.subject}
    assert "resubmitted after your changes" in mail[reviewer.email]
    assert article.title in mail[reviewer.email]
    # Nothing else waits, so the other reviewer is not reminded of it at all.
    assert other_reviewer.email not in mail
