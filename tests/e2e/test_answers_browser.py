"""A reader's follow-up question answered in a real browser: in place with scripts, on a page of
its own without; every answer state (reviewed claims, none yet, an emergency) is axe-clean at
1280 and 390 px and valid HTML."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from answers.models import EmergencyTerm
from public.models import FollowUpQuestion
from tests.answers.conftest import PARACETAMOL
from tests.browser import assert_no_axe_violations, assert_valid_html_many
from tests.e2e.desk_pages import tab_to
from tests.factories import approved_article, make_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTIONS = {
    "answered": ("How many hours between doses?", "Leave at least 4 hours between doses."),
    "none yet": (
        "Can paracetamol cure migraine in pregnancy?",
        "We don't have a reviewed answer to this yet; our editors have your question.",
    ),
    "emergency": ("I took too many paracetamol tablets", "If you need help now"),
}


@pytest.fixture
def article(db):
    make_policy()
    # A browser test's database is emptied after each test, the migration's emergency list too.
    EmergencyTerm.objects.get_or_create(phrase="took too many")
    return approved_article(content=PARACETAMOL)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_answer_is_shown_in_place_and_accessible(live_server, new_page, article, width):
    cache.clear()  # the per-reader question limit is not what is tested here
    page = new_page(width=width, height=900)
    page.goto(live_server.url + article.get_absolute_url())
    for question, expected in QUESTIONS.values():
        page.fill("#id_question", question)
        page.click("text=Send question")
        answer = page.locator("#follow-up-answer")
        answer.get_by_text(expected, exact=False).first.wait_for()
        # In place: the article page stays, and the answer takes the focus for screen readers.
        assert page.url.endswith(article.get_absolute_url())
        assert page.evaluate("() => document.activeElement.id") == "follow-up-answer"
        assert_no_axe_violations(page)
    assert FollowUpQuestion.objects.count() == len(QUESTIONS)


def test_without_scripts_the_answer_is_a_page_of_its_own(live_server, new_page, article):
    cache.clear()
    pages = {}
    no_scripts = new_page(width=1280, height=900, java_script_enabled=False)
    for state, (question, expected) in QUESTIONS.items():
        no_scripts.goto(live_server.url + article.get_absolute_url())
        no_scripts.fill("#id_question", question)
        with no_scripts.expect_navigation():
            no_scripts.click("text=Send question")
        assert "/answers/asked/" in no_scripts.url
        assert expected in no_scripts.locator("#follow-up-answer").inner_text()
        pages[state] = no_scripts.content()
        # axe runs as a script: the same answer page is checked in a page that allows one.
        for width in (1280, 390):
            checked = new_page(width=width, height=900)
            checked.goto(no_scripts.url)
            assert_no_axe_violations(checked)
    assert_valid_html_many(pages)
    # The first claim's proof: the article's question and its reference, linked.
    assert f'href="{article.get_absolute_url()}#ref-1"' in pages["answered"]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_question_asked_by_keyboard_alone(live_server, new_page, article, width):
    """Tab to the question, type it, Tab to "Send question", Enter: the answer takes the focus."""
    cache.clear()
    page = new_page(width=width, height=900)
    page.goto(live_server.url + article.get_absolute_url())
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "id_question":
            break
    else:
        raise AssertionError("the question box is not reached by Tab")
    question, expected = QUESTIONS["answered"]
    page.keyboard.type(question)
    tab_to(page, "Send question")
    page.keyboard.press("Enter")
    answer = page.locator("#follow-up-answer")
    answer.get_by_text(expected, exact=False).first.wait_for()
    assert page.evaluate("() => document.activeElement.id") == "follow-up-answer"
    # The reader reads on from the answer: its first link (the article's question) is next.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('#follow-up-answer') !== null")
