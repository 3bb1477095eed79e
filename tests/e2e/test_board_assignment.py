"""The board in Chromium: an editor-in-chief assigns, the reviewer declares, verifies and approves.

The clock is moved with time-machine: pytest-django's live server is a thread of the test's
process, so the travelled clock is the one the site stamps its transitions with, and the
reports can be asked for known lengths of time.
"""

import datetime

import pytest
import time_machine
from django.utils import timezone

from articles import services
from articles.models import Article
from articles.permissions import EDITORS_IN_CHIEF
from articles.services import article_topics_set
from articles.states import ArticleState
from board.models import ReviewAssignment, Specialty
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


# The article waits this long to be picked up, then this long under review.
WAITS_SUBMITTED = datetime.timedelta(days=2)
UNDER_REVIEW = datetime.timedelta(days=3)


def test_chief_assigns_and_the_reviewer_approves_before_the_due_date(live_server, new_page):
    # Ticking: the site sees time pass as it does, moved on by whole days where the story waits.
    with time_machine.travel(timezone.now(), tick=True) as clock:
        _assign_declare_approve_then_read_the_reports(live_server, new_page, clock)


def _assign_declare_approve_then_read_the_reports(live_server, new_page, clock):
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
    clock.shift(WAITS_SUBMITTED)
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
    clock.shift(UNDER_REVIEW)
    rv.get_by_role("button", name="Approve").click()
    assert rv.locator(".desk-state").first.inner_text().lower() == "approved"
    assert "declared no conflict of interest" in rv.locator("body").inner_text()

    article = Article.objects.get(pk=article.pk)
    assert article.state == ArticleState.APPROVED
    assignment = ReviewAssignment.objects.get(article=article)
    assert assignment.status == ReviewAssignment.Status.DONE
    assert timezone.localdate(assignment.completed_at) <= assignment.due_on

    # The editor-in-chief's reports show how long this article stayed in each state.
    ch.goto(f"{base}/desk/reports/")
    times = ch.locator("#times")
    assert times.get_by_role("group", name="Time spent in each state").is_visible()
    table = times.get_by_role("table", name="Time spent in each state")
    stays = {
        row.get_by_role("rowheader").inner_text(): [
            # A count links to its articles, naming them for screen readers: its first line.
            cell.inner_text().split("\n")[0]
            for cell in row.get_by_role("cell").all()
        ]
        for row in table.locator("tbody tr").all()
    }
    # One stay each; its median and 90th percentile are that stay, in hours.
    assert stays["Submitted"] == ["1", "48.0", "48.0"]
    assert stays["Under review"] == ["1", "72.0", "72.0"]
    assert stays["Draft"][0] == "1"  # drafted and submitted within the first minutes
    assert stays["Approved"] == ["0", "—", "—"]  # still approved: no length yet
    # The chart draws the same numbers as the table.
    chart_values = times.locator(".chart-value").all_text_contents()  # SVG: no innerText
    assert "48.0 h" in chart_values and "72.0 h" in chart_values
    reviewer_row = ch.locator("#reviewers").get_by_role("table").locator("tbody tr")
    assert reviewer_row.locator("td").last.inner_text() == "72.0"  # median turnaround, hours
    assert_no_axe_violations(ch)
