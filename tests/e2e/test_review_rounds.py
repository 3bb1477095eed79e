"""A second review round in headless Chromium: threads, the round memory, the returning queue."""

import os
from pathlib import Path

import pytest

from articles.content import ArticleContent, ClaimData, ClaimKind, ReferenceData, ReferenceKind
from articles.models import ClaimThread
from articles.states import ArticleState
from tests.browser import assert_no_axe_violations
from tests.factories import make_editor, make_policy, make_reviewer, under_review_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-2026"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
QUESTION = "Does magnesium help leg cramps at night?"
HEADING = "What the evidence says"
OVERSTATED = "Magnesium stops every leg cramp."
VAGUE = "Magnesium can be taken in the evening."
STEADY = "Night cramps are common in older adults."
FIXED = "Magnesium has not been shown to prevent night leg cramps in older adults."
COMMENT_1 = "Overstated: the review found no benefit for older adults."
COMMENT_2 = "Say which dose, or drop the claim."


def content() -> ArticleContent:
    review = ReferenceData(
        kind=ReferenceKind.SYSTEMATIC_REVIEW,
        title="Magnesium for skeletal muscle cramps",
        source="Cochrane Database of Systematic Reviews",
        year=2020,
        doi="10.1002/14651858.CD009402.pub3",
    )
    return ArticleContent(
        title=QUESTION,
        display_heading=QUESTION,
        claims=(
            ClaimData(kind=ClaimKind.HEADING, text=HEADING),
            ClaimData(kind=ClaimKind.PARAGRAPH, text=STEADY, citations=(1,)),
            ClaimData(kind=ClaimKind.PARAGRAPH, text=OVERSTATED, citations=(1,)),
            ClaimData(kind=ClaimKind.PARAGRAPH, text=VAGUE, citations=(1,)),
        ),
        references=(review,),
    )


def log_in(page, base, username):
    page.goto(f"{base}/desk/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/desk/")


def check_page(page):
    """No accessibility violation, and nothing wider than the window (no sideways scrolling)."""
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def review_row(page, text):
    return page.locator("li.review-row", has_text=text)


def give_verdict(page, text, verdict, comment=""):
    row = review_row(page, text)
    if comment:
        row.get_by_label("Comment on claim").fill(comment)
    row.get_by_role("button", name=verdict, exact=True).click()
    badge = "badge-ok" if verdict == "Verified" else "badge-warn"
    page.locator("li.review-row.just-saved", has_text=text).locator(
        f".claim-verdict .{badge}"
    ).wait_for()


@pytest.mark.parametrize("width", [1280, 375])
def test_second_round_returns_to_the_reviewer_with_what_changed(live_server, new_page, width):
    editor, reviewer = make_editor("editor"), make_reviewer("reviewer")
    make_policy()
    article = under_review_article(by=editor, reviewer=reviewer, content=content())
    base = live_server.url
    ed, rv = new_page(width=width), new_page(width=width)

    # Round 1: the reviewer finds it under "assigned to me", sends two claims back.
    log_in(rv, base, reviewer.username)
    check_page(rv)
    rv.locator("#assigned").get_by_role("link", name=QUESTION).click()
    check_page(rv)
    rv.get_by_role("link", name="Review", exact=True).click()
    give_verdict(rv, HEADING, "Verified")
    give_verdict(rv, STEADY, "Verified")
    give_verdict(rv, OVERSTATED, "Needs change", COMMENT_1)
    give_verdict(rv, VAGUE, "Needs change", COMMENT_2)
    assert review_row(rv, OVERSTATED).locator(".claim-thread", has_text=COMMENT_1).is_visible()
    check_page(rv)
    rv.get_by_label("Comment (required)").fill("Two claims need work; see the threads.")
    rv.get_by_role("button", name="Request changes").click()
    assert rv.locator(".desk-state").first.inner_text().lower() == "draft"
    check_page(rv)

    # The editor finds it returned, answers both threads and fixes the overstated claim.
    log_in(ed, base, editor.username)
    check_page(ed)
    ed.locator("#changes").get_by_role("link", name=QUESTION).click()
    assert ed.get_by_role("heading", name="Threads with the board").is_visible()
    check_page(ed)
    claim = ed.locator("li.desk-claim", has_text=OVERSTATED)
    claim.get_by_label("Reply on claim").fill("Reworded to what the review found.")
    claim.get_by_role("button", name="Mark addressed").click()
    check_page(ed)
    vague = ed.locator("li.desk-claim", has_text=VAGUE)
    vague.get_by_label("Reply on claim").fill("The dose is in the next claim of the draft.")
    vague.get_by_role("button", name="Reply", exact=True).click()
    vague = ed.locator("li.desk-claim", has_text=VAGUE)
    assert vague.get_by_text("The dose is in the next claim of the draft.").is_visible()
    vague.get_by_role("button", name="Mark addressed").click()
    link = ed.locator("li.desk-claim", has_text=OVERSTATED).get_by_role("link", name="Edit claim")
    uid = link.get_attribute("href").split("#claim-")[1]
    link.click()
    check_page(ed)
    item = ed.locator(f"#claim-{uid}")
    item.locator("textarea[name=text]").fill(FIXED)
    item.locator("textarea[name=text]").press("Enter")  # saved at once (no Save button)
    ed.get_by_role("status").get_by_text("Claim saved.").wait_for()
    ed.get_by_role("link", name="Overview").click()
    check_page(ed)
    confirm = ed.get_by_label("Resubmit with")
    if confirm.count():  # only while a thread is still open
        confirm.check()
    ed.get_by_role("button", name="Submit for review").click()
    assert ed.locator(".desk-state").first.inner_text().lower() == "submitted"
    check_page(ed)

    # Round 2: back under the same reviewer's "assigned to me", not in the general queue.
    rv.goto(f"{base}/desk/")
    assert rv.locator("#waiting").get_by_role("link", name=QUESTION).count() == 0
    check_page(rv)
    rv.locator("#assigned").get_by_role("link", name=QUESTION).click()
    check_page(rv)
    rv.get_by_role("button", name="Start review").click()
    rv.wait_for_url(f"**/desk/articles/{article.pk}/review/")
    fixed_row = review_row(rv, FIXED)
    assert fixed_row.locator(".round-status").inner_text().strip() == "Changed since the last round"
    assert fixed_row.locator(".round-memory ins").first.inner_text().strip() != ""
    assert "every" in " ".join(fixed_row.locator(".round-memory del").all_inner_texts())
    # The comment of that round is shown once, in the claim's thread; the round memory links there.
    assert "comment in the thread" in fixed_row.locator(".round-earlier").inner_text()
    assert COMMENT_1 in fixed_row.locator(".claim-thread").inner_text()
    assert "Reworded to what the review found." in fixed_row.locator(".claim-thread").inner_text()
    assert rv.get_by_text("Changed since the last round", exact=True).count() == 1
    assert "Unchanged since the last round" in review_row(rv, VAGUE).inner_text()
    assert "comment in the thread" in review_row(rv, VAGUE).locator(".round-earlier").inner_text()
    assert COMMENT_2 in review_row(rv, VAGUE).locator(".claim-thread").inner_text()
    if os.environ.get("DESK_SCREENSHOTS") and width == 1280:
        rv.screenshot(path=str(SCREENSHOTS / "desk-review-round-2.png"), full_page=True)
    # What was verified and has not changed is folded away, a click from being read again.
    steady = review_row(rv, STEADY)
    assert not steady.locator(".review-claim").is_visible()
    steady.locator("summary").click()
    assert steady.locator(".review-claim").is_visible()
    check_page(rv)

    # The reviewer resolves both threads, verifies what is left and approves.
    for text in (FIXED, VAGUE):
        review_row(rv, text).get_by_role("button", name="Resolve thread").click()
        review_row(rv, text).locator(".claim-thread.thread-resolved").wait_for()
    give_verdict(rv, FIXED, "Verified")
    give_verdict(rv, VAGUE, "Verified")
    check_page(rv)
    rv.get_by_role("button", name="Approve").click()
    assert rv.locator(".desk-state").first.inner_text().lower() == "approved"
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED
    assert set(ClaimThread.objects.filter(article=article).values_list("status", flat=True)) == {
        ClaimThread.Status.RESOLVED
    }
    check_page(rv)
