"""A board reviewer reviews a second round by keyboard only, in headless Chromium at 1280 and
390 px: j/k and the arrows move between claims, v verifies, n opens "Needs change" and
Ctrl+Enter sends it; after each verdict the next claim is in hand; a thread is resolved in
place (no page load); the status line says what was done; axe finds nothing.
"""

import pytest
from playwright.sync_api import expect

from articles.models import ClaimReview, ClaimThread
from tests.desk.review_rounds_support import second_round, threads_of
from tests.e2e.desk_pages import check_page, log_in, tab_to
from tests.factories import make_editor, make_policy, make_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Typed into the comment box: its j, k, v and n are letters, not keys for the page.
COMMENT = "Give the adult dose in mg, and adjust the plain-language version to match."


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reviewer_reviews_by_keyboard_only(live_server, new_page, width):
    editor, reviewer = make_editor("editor"), make_reviewer("reviewer")
    make_policy()
    article = second_round(editor=editor, reviewer=reviewer)
    fixed_thread, asked_thread = threads_of(article)
    claims = list(article.claims.order_by("position"))
    base = live_server.url
    page = new_page(width=width, height=900)
    log_in(page, base, reviewer.username)
    page.goto(f"{base}/desk/articles/{article.pk}/review/")
    page.evaluate("() => { window.stillTheSamePage = true; }")
    rows = page.locator("li.review-row[data-review-keys-target=claim]")
    status = page.locator("[data-desk-status]")
    expect(rows).to_have_count(4)
    # The keys are listed once the script is there to answer them.
    expect(page.locator(".review-keys-hint")).to_be_visible()
    check_page(page)

    # The heading: j takes it in hand, v verifies it, and the next claim is in hand.
    page.keyboard.press("j")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("v")
    expect(rows.nth(1)).to_be_focused()
    expect(status).to_have_text("Claim 1 verified.")

    # The reworded claim: its thread is addressed; resolve it in place, by keyboard.
    presses = tab_to(page, "Resolve thread")
    assert presses < 40
    page.keyboard.press("Enter")
    thread = page.locator(f"#thread-{fixed_thread.pk}")
    expect(thread).to_have_class("claim-thread thread-resolved just-saved")
    expect(thread).to_be_focused()
    expect(status).to_have_text("Thread resolved.")
    # Still in the claim: v verifies it.
    page.keyboard.press("v")
    expect(rows.nth(2)).to_be_focused()
    expect(rows.nth(1).locator(".claim-verdict .badge-ok")).to_have_text("Verified")

    # The claim asked about last round: n opens "Needs change" with the comment box focused.
    page.keyboard.press("n")
    comment = rows.nth(2).get_by_label("Comment on claim 3")
    expect(comment).to_be_focused()
    page.keyboard.type(COMMENT)
    expect(comment).to_have_value(COMMENT)  # no key acted while typing
    expect(comment).to_be_focused()
    check_page(page)
    page.keyboard.press("Control+Enter")
    expect(rows.nth(3)).to_be_focused()
    expect(rows.nth(2).locator(".claim-verdict .badge-warn")).to_have_text("Needs change")
    expect(status).to_have_text("Claim 3: needs change, sent to the editors in its thread.")

    # Back and forth with k, j and the arrows; the last claim verified stays in hand.
    page.keyboard.press("k")
    expect(rows.nth(2)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(rows.nth(3)).to_be_focused()
    page.keyboard.press("v")
    expect(status).to_have_text("Claim 4 verified. That was the last claim.")
    expect(rows.nth(3)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(rows.nth(2)).to_be_focused()
    check_page(page)
    assert page.evaluate("() => window.stillTheSamePage === true")  # nothing reloaded it

    # The timeline lists each verdict once, and shows one kind at a time without a script.
    page.goto(f"{base}/desk/articles/{article.pk}/timeline/?kind=verdicts")
    events = page.locator(".desk-timeline > li")
    expect(events.filter(has_text=COMMENT)).to_have_count(1)
    expect(page.locator(".timeline-kinds [aria-current=page]")).to_contain_text("Verdicts")
    check_page(page)

    latest = {c.pk: c.reviews.filter(reviewer=reviewer).latest("created_at") for c in claims}
    assert [latest[c.pk].verdict for c in claims] == [
        ClaimReview.Verdict.VERIFIED,
        ClaimReview.Verdict.VERIFIED,
        ClaimReview.Verdict.NEEDS_CHANGE,
        ClaimReview.Verdict.VERIFIED,
    ]
    assert latest[claims[2].pk].comment == COMMENT
    fixed_thread.refresh_from_db()
    asked_thread.refresh_from_db()
    assert fixed_thread.status == ClaimThread.Status.RESOLVED
    assert asked_thread.status == ClaimThread.Status.OPEN  # the new comment reopened it


def test_what_a_reviewer_types_in_the_workflow_panel_survives_its_refresh(live_server, new_page):
    # A verdict saved in place draws the workflow panel again (Approve may have become
    # available); a comment being written there meanwhile keeps its text and the focus.
    editor, reviewer = make_editor("editor"), make_reviewer("reviewer")
    make_policy()
    article = second_round(editor=editor, reviewer=reviewer)
    base = live_server.url
    page = new_page(width=1280, height=900)
    log_in(page, base, reviewer.username)
    page.goto(f"{base}/desk/articles/{article.pk}/review/")
    comment = page.locator("#comment-request_changes")
    comment.fill("")
    comment.focus()
    page.keyboard.type("The dose in claim 2 is")
    page.evaluate("() => { document.querySelector('.desk-actions').dataset.before = '1'; }")
    # The first claim's "Verified", sent as its button would, while the comment has the focus.
    page.evaluate(
        """() => {
            const form = document.querySelector("li.review-row form.review-form");
            form.requestSubmit(form.querySelector("button[name=verdict][value=verified]"));
        }"""
    )
    expect(page.locator("[data-desk-status]")).to_have_text("Claim 1 verified.")
    page.wait_for_function("() => !document.querySelector('.desk-actions').dataset.before")
    expect(comment).to_have_value("The dose in claim 2 is")
    expect(comment).to_be_focused()
    page.keyboard.type(" wrong.")
    expect(comment).to_have_value("The dose in claim 2 is wrong.")
