"""Each thing listed once: a reviewer's comment in its thread, threads titled by the claim as
it reads now, and each event once on the timeline, which filters by kind."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import ClaimReview
from board.services import assignment_create
from desk import timeline
from tests.desk.review_rounds_support import (
    FIRST_COMMENT,
    SECOND_COMMENT,
    edit_claim,
    fact_claims,
    first_round,
    make_editor_in_chief,
    second_round,
    threads_of,
)
from tests.factories import submitted_article, under_review_article

pytestmark = pytest.mark.django_db


def page_of(client, user, name, article, **params) -> str:
    client.force_login(user)
    return client.get(reverse(f"desk:{name}", kwargs={"pk": article.pk}), params).content.decode()


# -- A comment once ---------------------------------------------------------------------------


def test_each_comment_appears_once_on_the_review_screen(client, editor, reviewer):
    article = second_round(editor=editor, reviewer=reviewer)
    page = page_of(client, reviewer, "review", article)
    assert page.count(FIRST_COMMENT) == 1 and page.count(SECOND_COMMENT) == 1
    # Once, in its thread; the round memory points there.
    first_thread = threads_of(article)[0]
    section = page[page.index(f'<section id="thread-{first_thread.pk}"') :]
    assert FIRST_COMMENT in section[: section.index("</section>")]
    assert page.count(f'href="#thread-{first_thread.pk}"') >= 1
    assert "comment in the thread" in page


def test_a_needs_change_comment_is_in_the_thread_not_on_the_verdict(client, editor, reviewer):
    article = under_review_article(by=editor, reviewer=reviewer)
    claim = fact_claims(article)[0]
    services.claim_review(
        claim=claim, by=reviewer, verdict=ClaimReview.Verdict.NEEDS_CHANGE, comment="Too strong."
    )
    page = page_of(client, reviewer, "review", article)
    assert page.count("Too strong.") == 1
    assert "Comment in the thread" in page
    overview = page_of(client, editor, "article", article)
    assert overview.count("Too strong.") == 1


def test_a_comment_given_with_verified_opens_no_thread_and_shows_once(client, editor, reviewer):
    article = under_review_article(by=editor, reviewer=reviewer)
    claim = fact_claims(article)[0]
    services.claim_review(
        claim=claim, by=reviewer, verdict=ClaimReview.Verdict.VERIFIED, comment="Checked page 4."
    )
    services.article_request_changes(article=article, by=reviewer, comment="Other claims.")
    services.article_submit(article=article, by=editor)
    services.article_start_review(article=article, by=reviewer)
    # Second round: the claim is unchanged, so that verdict still stands and the round memory
    # would repeat it.
    page = page_of(client, reviewer, "review", article)
    assert page.count("Checked page 4.") == 1


# -- Threads titled by the claim now ------------------------------------------------------------


def test_threads_are_titled_by_the_claim_as_it_reads_now(client, editor, reviewer):
    article = first_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    edit_claim(article, by=editor, uid=thread.claim_uid, text="In adults, the first fact holds.")
    overview = page_of(client, editor, "article", article)
    listed = re.search(r'<h2 id="h-open-threads">.*?</ul>', overview, re.S).group(0)
    assert "In adults, the first fact holds." in listed
    assert thread.claim_text not in listed  # the wording it was opened on


def test_a_removed_claims_thread_keeps_the_wording_it_had(editor, reviewer):
    import dataclasses

    from articles.selectors import article_get_content
    from desk.rounds import thread_list_for_article

    article = first_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    content = article_get_content(article=article)
    kept = tuple(c for c in content.claims if c.uid != str(thread.claim_uid))
    services.article_replace_content(
        article=article,
        by=editor,
        expected_version=article.content_version,
        content=dataclasses.replace(content, claims=kept),
    )
    titles = {t.pk: t.title for t in thread_list_for_article(article=article)}
    assert titles[thread.pk] == thread.claim_text


# -- Each event once on the timeline --------------------------------------------------------------


def events_of(article, kind=timeline.ALL):
    return timeline.timeline_filter(timeline.timeline_list_for_article(article=article), kind=kind)


def test_each_submit_is_on_the_timeline_once(client, editor, reviewer):
    article = submitted_article(by=editor)
    submissions = [e for e in events_of(article) if e.what == "Submitted for review"]
    assert len(submissions) == 1
    page = page_of(client, editor, "timeline", article)
    assert page.count("Submitted for review") == 1


def test_a_step_with_a_comment_is_one_event_with_the_whole_comment(client, editor, reviewer):
    article = second_round(editor=editor, reviewer=reviewer)
    steps = [(e.what, e.detail) for e in events_of(article, timeline.WORKFLOW)]
    assert steps == [
        ("Review started", "Now under review."),
        ("Submitted for review", "Now submitted."),
        ("Changes requested", "Two claims to fix."),
        ("Review started", "Now under review."),
        ("Submitted for review", "Now submitted."),
    ]
    page = page_of(client, reviewer, "timeline", article)
    assert page.count("Two claims to fix.") == 1
    long_note = "Why: " + "the dose is now given in milligrams per kilogram. " * 4
    article = first_round(editor=editor, reviewer=reviewer)
    services.article_submit(article=article, by=editor, note=long_note, confirm_open_threads=True)
    page = page_of(client, reviewer, "timeline", article)
    assert page.count("the dose is now given") == 4  # the whole note, once
    assert page.count("Submitted for review") == 2


def test_a_needs_change_that_opened_a_thread_is_one_event_of_both_kinds(editor, reviewer):
    article = first_round(editor=editor, reviewer=reviewer)
    verdicts = events_of(article, timeline.VERDICTS)
    threads = events_of(article, timeline.THREADS)
    opened = [e for e in verdicts if e.detail == FIRST_COMMENT]
    assert len(opened) == 1 and opened[0] in threads
    assert opened[0].what.endswith("thread opened")
    assert [e.detail for e in events_of(article)].count(FIRST_COMMENT) == 1
    services.thread_reply(thread=threads_of(article)[0], by=editor, body="Limited to adults.")
    replies = [e for e in events_of(article, timeline.THREADS) if e.detail == "Limited to adults."]
    assert [e.what for e in replies] == ["Thread on claim 2: reply"]


def test_edits_and_assignments_have_their_kinds(editor, reviewer):
    chief = make_editor_in_chief()
    article = submitted_article(by=editor)
    due = timezone.localdate() + datetime.timedelta(days=7)
    assignment_create(article=article, reviewer_ids=[reviewer.pk], due_on=due, by=chief)
    [assigned] = events_of(article, timeline.ASSIGNMENTS)
    assert assigned.what == "Reviewers assigned" and assigned.who == chief.get_full_name()
    assert [e.what for e in events_of(article, timeline.EDITS)] == ["Created"]
    kinds = {e.kind for e in events_of(article)}
    assert kinds == {timeline.WORKFLOW, timeline.EDITS, timeline.ASSIGNMENTS}


@pytest.mark.parametrize("kind", list(timeline.KINDS))
def test_the_timeline_filters_by_kind_without_a_script(client, editor, reviewer, kind):
    article = second_round(editor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    answer = client.get(reverse("desk:timeline", kwargs={"pk": article.pk}), {"kind": kind})
    assert answer.status_code == 200
    shown = answer.context["events"]
    assert shown == events_of(article, kind)
    assert all(kind == timeline.ALL or kind in e.kinds for e in shown)
    page = answer.content.decode()
    assert f'href="?kind={kind}" aria-current="page"' in page


@pytest.mark.parametrize("bad", ["bogus", "ALL", "verdicts ", "<script>", "x" * 500, "é"])
def test_an_unknown_kind_shows_everything_with_a_400_and_why(client, editor, reviewer, bad):
    article = second_round(editor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    answer = client.get(reverse("desk:timeline", kwargs={"pk": article.pk}), {"kind": bad})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "There is no kind of event called" in page and "everything is shown" in page
    if bad == "<script>":
        assert "“&lt;script&gt;”" in page  # said back, never run
    assert answer.context["events"] == events_of(article)


def test_the_timeline_reads_a_fixed_number_of_queries(editor, reviewer, django_assert_num_queries):
    article = second_round(editor=editor, reviewer=reviewer, claims=8)
    # history, audit rows, verdicts (with reviewers and claims), thread messages (with
    # authors and threads), the claims' order: 5, however long the article's life.
    with django_assert_num_queries(5):
        timeline.timeline_list_for_article(article=article)
