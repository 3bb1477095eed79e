"""Two review rounds with the editor-in-chief, in headless Chromium at 1280 and 390 px.

The chief finds the submitted article in "Awaiting assignment", assigns a reviewer and
moves the due date. The reviewer, by keyboard only, reads each cited abstract and the
passage the editor quoted beside the claim, sends one claim back with a comment and
requests changes. The editor rewords that claim but not its plain-language version and
resubmits: the chief finds the resubmission still assigned to the same reviewer, with
a due date; the reviewer is shown the paired-text flag, verifies by keyboard and
approves. axe finds nothing on any of these pages.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.models import Article, ClaimThread
from articles.states import ArticleState
from board.models import ReviewAssignment
from desk.services import claims as claim_services
from tests.desk.review_rounds_support import make_editor_in_chief
from tests.e2e.desk_pages import check_page, log_in, tab_to
from tests.factories import declare_no_conflict, make_editor, make_policy, make_reviewer
from tests.factories import reference_data as reference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Can I take baclofen with food?"
FOOD = "Baclofen is usually fine with food."
FOOD_PLAIN = "You can usually take it with food."
FOOD_FIXED = "Baclofen can be taken with or without food."
DOSE = "Adults usually start on 5 mg three times a day."
ABSTRACT_FOOD = (
    "Background: 120 adults took baclofen with or without food; absorption did not differ."
)
ABSTRACT_DOSE = "We reviewed 14 trials of oral baclofen dosing in adults with spasticity."
PASSAGE_FOOD = "Mean AUC was 98% of the fasting value after a high-fat meal."
PASSAGE_DOSE = "Treatment began at 5 mg three times daily in all trials."
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
COMMENT = "The trial was of a single dose; say what it found, not usually fine."


def log_out(page):
    page.context.clear_cookies()


def shoot(page, name: str, width: int) -> None:
    """With DESK_SCREENSHOTS set, the page as it stands, for docs/desk.md."""
    if os.environ.get("DESK_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def submitted(editor) -> Article:
    content = ArticleContent(
        title=QUESTION,
        claims=(
            ClaimData(ClaimKind.PARAGRAPH, FOOD, citations=(1,), plain_text=FOOD_PLAIN),
            ClaimData(ClaimKind.PARAGRAPH, DOSE, citations=(2,)),
        ),
        references=(
            reference(1, title="Food and baclofen absorption", abstract=ABSTRACT_FOOD),
            reference(2, title="Oral baclofen dosing: a review", abstract=ABSTRACT_DOSE),
        ),
    )
    article = services.article_create(by=editor, title=QUESTION, content=content)
    for claim, passage, where in zip(
        article.claims.order_by("position"),
        (PASSAGE_FOOD, PASSAGE_DOSE),
        ("Table 2", "p. 4"),
        strict=True,
    ):
        article.refresh_from_db()
        claim_services.claim_quote_source(
            article=article,
            by=editor,
            uid=str(claim.uid),
            reference_id=claim.citations.get().reference_id,
            quote=passage,
            locator=where,
            expected_claim_version=claim.version,
        )
    article.refresh_from_db()
    return services.article_submit(article=article, by=editor)


def resubmitted(article, editor) -> None:
    """The editor rewords the claim sent back, not its plain-language version, and resubmits."""
    article.refresh_from_db()
    claim = article.claims.get(position=0)
    claim_services.claim_edit(
        article=article,
        by=editor,
        expected_version=article.content_version,
        expected_claim_version=claim.version,
        uid=str(claim.uid),
        text=FOOD_FIXED,
        plain_text=claim.plain_text,
        citations=(1,),
    )
    thread = ClaimThread.objects.get(article=article)
    services.thread_reply(thread=thread, by=editor, body="Reworded to the trial.", addressed=True)
    article.refresh_from_db()
    services.article_submit(article=article, by=editor, summary="Reworded claim 1.")


@pytest.mark.parametrize("width", [1280, 390])
def test_two_rounds_with_the_chief_and_a_keyboard_review(live_server, new_page, width):
    make_policy()
    editor, reviewer = make_editor("e-story"), make_reviewer("r-story")
    chief = make_editor_in_chief("c-story")
    article = submitted(editor)
    base = live_server.url
    page = new_page(width=width, height=900)

    # The chief: the article waits for assignment; assign, then move the due date.
    log_in(page, base, chief.username)
    awaiting = page.locator("#awaiting")
    expect(awaiting.get_by_role("link", name=QUESTION)).to_have_count(1)
    check_page(page)
    shoot(page, "desk-chief-queue", width)
    page.goto(f"{base}/desk/articles/{article.pk}/")
    first_due = timezone.localdate() + datetime.timedelta(days=7)
    page.get_by_label(reviewer.get_full_name() or reviewer.username, exact=False).check()
    page.locator("form.desk-assign input[name=due_on]").fill(first_due.isoformat())
    page.locator("form.desk-assign").get_by_role("button", name="Assign").click()
    expect(page.locator(".desk-assignments")).to_contain_text(f"{first_due:%b} {first_due.day}")
    assignment = ReviewAssignment.objects.get(article=article, reviewer=reviewer)
    later = first_due + datetime.timedelta(days=3)
    page.locator(".desk-assignment-change > summary").click()
    due_form = page.locator("form.desk-assignment-due")
    due_form.locator("input[name=due_on]").fill(later.isoformat())
    due_form.locator("[name=reason]").fill("The reviewer is away next week.")
    due_form.get_by_role("button", name="Change the due date").click()
    expect(page.locator(".desk-assignments")).to_contain_text(f"{later:%b} {later.day}")
    assignment.refresh_from_db()
    assert assignment.due_on == later
    check_page(page)
    log_out(page)

    # The reviewer, by keyboard: the source beside each claim; one claim sent back.
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    log_in(page, base, reviewer.username)
    page.goto(f"{base}/desk/articles/{article.pk}/review/")
    rows = page.locator("li.review-row[data-review-keys-target=claim]")
    expect(rows).to_have_count(2)
    for row, abstract, passage in (
        (rows.nth(0), ABSTRACT_FOOD, PASSAGE_FOOD),
        (rows.nth(1), ABSTRACT_DOSE, PASSAGE_DOSE),
    ):
        expect(row.get_by_text(abstract)).to_be_visible()
        expect(row.get_by_text(passage)).to_be_visible()
    expect(rows.nth(0).get_by_text("Quoted by the editor, Table 2")).to_be_visible()
    check_page(page)
    shoot(page, "desk-review-source", width)
    page.keyboard.press("j")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("n")
    comment = rows.nth(0).get_by_label("Comment on claim 1")
    expect(comment).to_be_focused()
    page.keyboard.type(COMMENT)
    page.keyboard.press("Control+Enter")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("v")
    expect(page.locator("[data-desk-status]")).to_have_text(
        "Claim 2 verified. That was the last claim."
    )
    # The workflow panel is drawn again after each verdict; it is aria-busy until then.
    expect(page.locator(".desk-actions[aria-busy]")).to_have_count(0)
    page.locator("#comment-request_changes").focus()
    page.keyboard.type("Claim 1 needs changing: see its thread.")
    tab_to(page, "Request changes")
    page.keyboard.press("Enter")
    # As for Approve below: wait for the article's page, not for "the next navigation".
    page.wait_for_url(f"{base}/desk/articles/{article.pk}/", timeout=30_000)
    expect(page.get_by_text("Changes requested. The editors have been told.")).to_be_visible()
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT
    log_out(page)

    # The editor rewords the claim, not its plain-language version, and resubmits.
    resubmitted(article, editor)
    reopened = ReviewAssignment.objects.get(
        article=article, reviewer=reviewer, status=ReviewAssignment.Status.OPEN
    )
    assert reopened.review_round == 2
    assert reopened.due_on >= timezone.localdate() + datetime.timedelta(days=1)

    # The chief: the resubmission is still assigned to the same reviewer, with its due date.
    log_in(page, base, chief.username)
    expect(page.locator("#awaiting").get_by_role("link", name=QUESTION)).to_have_count(0)
    page.goto(f"{base}/desk/articles/{article.pk}/")
    assignments = page.locator(".desk-assignments")
    expect(assignments).to_contain_text(reviewer.get_full_name() or reviewer.username)
    expect(assignments).to_contain_text("round 2")
    check_page(page)
    log_out(page)

    # The reviewer: the paired-text flag; verified by keyboard, and approved.
    services.article_start_review(article=article, by=reviewer)
    log_in(page, base, reviewer.username)
    page.goto(f"{base}/desk/articles/{article.pk}/review/")
    expect(
        page.get_by_text("The claim changed and its plain-language version did not.")
    ).to_be_visible()
    expect(rows.nth(0).get_by_text(FOOD_PLAIN).first).to_be_visible()
    check_page(page)
    page.keyboard.press("j")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("v")
    expect(page.locator("[data-desk-status]")).to_have_text("Claim 1 verified.")
    page.keyboard.press("j")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("v")
    expect(page.locator("[data-desk-status]")).to_have_text(
        "Claim 2 verified. That was the last claim."
    )
    # The workflow panel is drawn again after each verdict; it is aria-busy until then.
    expect(page.locator(".desk-actions[aria-busy]")).to_have_count(0)
    page.locator("#comment-approve").focus()
    tab_to(page, "Approve")
    page.keyboard.press("Enter")
    # The approval answers with the article's page (a wait on "the next navigation" could
    # latch onto the verdict row's own request still finishing).
    page.wait_for_url(f"{base}/desk/articles/{article.pk}/", timeout=30_000)
    expect(page.get_by_text("Approval recorded.")).to_be_visible()
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED
    check_page(page)
