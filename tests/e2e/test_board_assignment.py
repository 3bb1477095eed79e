"""The board in Chromium: an editor-in-chief assigns, the reviewer declares, verifies and approves."""

import datetime

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article
from articles.permissions import EDITORS_IN_CHIEF
from articles.states import ArticleState
from board.models import ReviewAssignment, Specialty
from board.services import article_topics_set
from tests.browser import assert_no_axe_violations
from tests.factories import UserFactory, draft_article, make_editor, make_policy, make_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-2026"


def log_in(page, base, username):
    page.goto(f"{base}/desk/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/desk/")


def fits(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_chief_assigns_and_the_reviewer_approves_before_the_due_date(live_server, new_page):
    make_policy()
    editor = make_editor("editor")
    neurologist = make_reviewer("neuro")
    neurologist.first_name, neurologist.last_name = "Nadia", "Neuro"
    neurologist.save()
    make_reviewer("pharma")  # no matching specialty: not suggested
    chief = UserFactory(username="chief", group=EDITORS_IN_CHIEF)
    neurology = Specialty.objects.create(name="Neurology", slug="neurology")
    neurologist.board_profile.specialties.add(neurology)
    article = draft_article(by=editor)
    article_topics_set(article=article, by=editor, topic_ids=[neurology.pk])
    services.article_submit(article=article, by=editor)
    due = timezone.localdate() + datetime.timedelta(days=7)
    base = live_server.url

    # The editor-in-chief picks the suggested neurologist and a due date.
    ch = new_page()
    log_in(ch, base, chief.username)
    ch.goto(f"{base}/desk/articles/{article.pk}/")
    suggestions = ch.locator(".desk-suggestion")
    assert suggestions.count() == 1
    assert "Neurology; 0 open assignments" in suggestions.first.inner_text()
    assert_no_axe_violations(ch)
    ch.get_by_label("Nadia Neuro").check()
    ch.get_by_label("Due date").fill(due.isoformat())
    ch.get_by_role("button", name="Assign").click()
    assert "Assigned to Nadia Neuro" in ch.locator("body").inner_text()
    assert "Nadia Neuro: open, due" in ch.locator(".desk-assignments").inner_text()
    assert_no_axe_violations(ch)
    narrow = new_page(width=375, height=800)
    log_in(narrow, base, chief.username)
    narrow.goto(f"{base}/desk/articles/{article.pk}/")
    fits(narrow)

    # The reviewer finds it among the reviews assigned to them, declares and reviews.
    rv = new_page()
    log_in(rv, base, neurologist.username)
    assigned = rv.locator("#assigned")
    assert due.strftime("%b") in assigned.inner_text()
    assert_no_axe_violations(rv)
    assigned.get_by_role("link", name=article.title).click()
    assert rv.get_by_role("button", name="Start review").count() == 0  # declaration first
    rv.get_by_label("No conflict of interest").check()
    rv.get_by_role("button", name="Record my declaration").click()
    assert_no_axe_violations(rv)
    rv.get_by_role("button", name="Start review").click()
    rows = rv.locator("li.review-row")
    for index in range(rows.count()):
        row = rv.locator("li.review-row").nth(index)
        row.get_by_role("button", name="Verified").click()
        rv.locator("li.review-row").nth(index).locator(".badge-ok").wait_for()
    assert_no_axe_violations(rv)
    rv.get_by_role("button", name="Approve").click()
    assert rv.locator(".desk-state").first.inner_text().lower() == "approved"
    assert "declared no conflict of interest" in rv.locator("body").inner_text()

    article = Article.objects.get(pk=article.pk)
    assert article.state == ArticleState.APPROVED
    assignment = ReviewAssignment.objects.get(article=article)
    assert assignment.status == ReviewAssignment.Status.DONE
    assert timezone.localdate(assignment.completed_at) <= assignment.due_on
