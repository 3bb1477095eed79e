"""The editors-in-chief's reports in a real browser: accessible (axe), valid HTML, 375 px wide.

With DESK_SCREENSHOTS=1 it writes docs/screenshots/desk-reports.png.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.states import ArticleState
from board.models import ReviewAssignment
from tests.board.factories_reports import (
    APPROVE,
    CHANGES,
    REVISE,
    START,
    SUBMIT,
    AssignmentFactory,
    approved_at,
    article_with_history,
    make_editor_in_chief,
)
from tests.browser import assert_no_axe_violations, assert_valid_html_many
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-2026"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
QUESTIONS = [
    "What is baclofen used for?",
    "Can baclofen help muscle cramps at night?",
    "How is baclofen used to treat spasticity?",
    "Is baclofen safe in pregnancy?",
    "What are the side effects of tizanidine?",
    "How long does it take for baclofen to work?",
]


@pytest.fixture
def history():
    """Two months of board work on a handful of articles, as the reports show it."""
    now = timezone.now()
    reviewers = [
        UserFactory(username=name, first_name=first, last_name=last)
        for name, first, last in (
            ("amara", "Amara", "Okafor"),
            ("lin", "Lin", "Wei"),
            ("jo", "Jo", "Berg"),
        )
    ]
    for n, question in enumerate(QUESTIONS):
        created = now - datetime.timedelta(days=70 - 9 * n)
        steps = [(SUBMIT, 20 + 7 * n), (START, 40 + 11 * n)]
        if n % 3 == 0:
            steps += [(CHANGES, 90 + 5 * n), (SUBMIT, 120 + 5 * n), (START, 130 + 5 * n)]
        if n % 2 == 0:
            steps += [(APPROVE, 170 + 13 * n)]
        article = article_with_history(steps, created_at=created, title=question)
        if article.state == ArticleState.APPROVED:
            approved_at(article, created + datetime.timedelta(hours=170 + 13 * n))
        reviewer = reviewers[n % 3]
        AssignmentFactory(
            article=article,
            reviewer=reviewer,
            assigned_at=created + datetime.timedelta(hours=30),
            due_on=(created + datetime.timedelta(days=14)).date(),
            status=ReviewAssignment.Status.DONE if n % 2 == 0 else ReviewAssignment.Status.OPEN,
            completed_at=created + datetime.timedelta(hours=160 + 9 * n) if n % 2 == 0 else None,
        )
    article_with_history(
        [(SUBMIT, 5), (START, 8), (APPROVE, 30), (REVISE, 400)],
        created_at=now - datetime.timedelta(days=80),
        title="Does baclofen interact with alcohol?",
    )
    return make_editor_in_chief("chief")


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}{reverse('desk:reports')}")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}{reverse('desk:reports')}")


def test_reports_page_is_accessible_and_valid_at_1280_and_375(live_server, history, new_page):
    client = Client()
    client.force_login(history)
    documents = {
        "reports": client.get(reverse("desk:reports")).content.decode(),
        "reports, bad dates": client.get(
            reverse("desk:reports"), {"from": "soon"}
        ).content.decode(),
    }
    assert_valid_html_many(documents)

    for width in (1280, 375):
        tab = new_page(width=width, height=900)
        log_in(tab, live_server.url, history.username)
        assert tab.get_by_role("heading", name="Reports", level=1).is_visible()
        # The charts' bars are links: each chart is a group of them.
        assert tab.get_by_role("group", name="Time spent in each state").is_visible()
        assert_no_axe_violations(tab)
        # Desk pages fit a small phone without sideways scrolling.
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        if width == 1280 and os.environ.get("DESK_SCREENSHOTS"):
            tab.screenshot(path=str(SCREENSHOTS / "desk-reports.png"), full_page=True)

    # The period form: a bad date is answered with the reason, the text kept.
    tab.get_by_label("From", exact=True).fill("2026-05-01")
    tab.get_by_label("To", exact=True).fill("2026-04-01")
    tab.get_by_role("button", name="Show").click()
    assert tab.get_by_text("The period starts after it ends").is_visible()
    assert_no_axe_violations(tab)


def test_a_bar_opens_the_articles_it_counts_by_keyboard(live_server, history, new_page):
    client = Client()
    client.force_login(history)
    drill = reverse("desk:report_articles", args=["states"])
    assert_valid_html_many(
        {
            "articles behind a bar": client.get(drill, {"state": "approved"}).content.decode(),
            "a bar's link edited by hand": client.get(drill, {"state": "x"}).content.decode(),
        }
    )
    tab = new_page(width=1280, height=900)
    log_in(tab, live_server.url, history.username)
    chart = tab.get_by_role("group", name="Articles in each state now")
    chart.get_by_role("link", name=re.compile(r"^Approved, Articles: \d+$")).focus()
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"/desk/reports/states/articles/\?from=.*&state=approved"))
    assert tab.get_by_role("heading", name="Articles in “Approved” now", level=1).is_visible()
    assert tab.get_by_role("link", name="What is baclofen used for?").is_visible()
    assert_no_axe_violations(tab)
    tab.get_by_role("link", name="Back to the reports").click()
    assert tab.get_by_role("heading", name="Reports", level=1).is_visible()
