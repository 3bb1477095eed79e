"""Two review rounds end to end in headless Chromium, every step through the desk's own screens.

An editor creates an article, imports its references (RIS, then PubMed MEDLINE)
onto the article's shelf, builds the body in the structured editor (a heading, a
paragraph, a bullet and a nested bullet), cites from the shelf with the picker
and as "2, 3, 1" typed in a claim, and submits. A board reviewer declares no
conflict, sends two claims back; the editor answers both threads, fixes the two
claims and resubmits; the same reviewer sees only what changed, with the earlier
comments, and approves. The public page then shows the approved wording with
numbered citations linked to the reference list and the reviewer's byline.

Every desk page visited has no axe violation; at 375 px nothing scrolls sideways.
Only the users, the editorial policy and the reviewer's board profile are made
directly (tests/factories.py).
"""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, ClaimThread
from articles.states import ArticleState
from tests.browser import assert_no_axe_violations
from tests.factories import make_editor, make_policy, make_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-2026"
QUESTION = "Does magnesium ease leg cramps at night?"

TRIAL = "Oral magnesium for nocturnal leg cramps: a randomised trial"
STRETCH = "Calf stretching before sleep and nocturnal leg cramps"
QUININE = "Quinine for muscle cramps: a systematic review"
RIS_EXPORT = f"""TY  - JOUR
TI  - {TRIAL}
AU  - Roffe, Christine
T2  - Journal of Sleep Medicine
PY  - 2022
DO  - 10.5555/story.cramps.1
ER  - 

TY  - JOUR
TI  - {STRETCH}
AU  - Hallegraeff, Joannes
T2  - Journal of Physiotherapy
PY  - 2021
DO  - 10.5555/story.cramps.2
ER  - 
"""
MEDLINE_EXPORT = f"""PMID- 30000001
OWN - NLM
TI  - {QUININE}.
DP  - 2015 Apr 20
AU  - El-Tawil S
PT  - Journal Article
PT  - Systematic Review
TA  - Cochrane Database Syst Rev
JT  - The Cochrane database of systematic reviews
"""

HEADING = "What the evidence says"
PARAGRAPH = "Magnesium cures every night cramp."
BULLET = "Stretching and quinine have been studied too."
NESTED = "Quinine is the best choice for everyone."
PARAGRAPH_FIXED = "Magnesium has not been shown to prevent night cramps in older adults."
NESTED_FIXED = "Quinine helps a little but can cause serious side effects."
COMMENT_PARAGRAPH = "Overstated: the trial found no benefit."
COMMENT_NESTED = "Quinine carries a safety warning; say so."
REPLY_PARAGRAPH = "Reworded to what the trial found."
REPLY_NESTED = "Added the safety warning."


# --- helpers (small copies from the other browser tests) ---------------------


def log_in(page, base, username):
    page.goto(f"{base}/desk/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/desk/")


def check_page(page):
    """No accessibility violation, and nothing wider than the window (no sideways scrolling)."""
    assert_no_axe_violations(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def claims(page):
    return page.locator("li.editor-claim[data-uid]")


def type_claim(page, text, count):
    """Type into the focused new claim and press Enter: it is saved as claim ``count``."""
    new = page.locator("#new-claim textarea[name=text]")
    expect(new).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(claims(page)).to_have_count(count)
    expect(claims(page).nth(count - 1).locator("textarea[name=text]")).to_have_value(text)


def import_pasted(page, text, added_titles):
    page.get_by_label("Paste references").fill(text)
    page.get_by_label("Add them to this article’s shelf").check()
    page.get_by_role("button", name="Import").click()
    added = page.locator(".desk-import-list li.import-added")
    expect(added).to_have_count(len(added_titles))
    for title in added_titles:
        expect(added.filter(has_text=title)).to_have_count(1)


def review_row(page, text):
    return page.locator("li.review-row", has_text=text)


def give_verdict(page, text, verdict, comment=""):
    row = review_row(page, text)
    folded = row.locator("details.round-fold:not([open]) > summary")
    if folded.count():  # verified and unchanged since the last round: folded away
        folded.click()
    if comment:
        row.get_by_label("Comment on claim").fill(comment)
    row.get_by_role("button", name=verdict, exact=True).click()
    badge = "badge-ok" if verdict == "Verified" else "badge-warn"
    # This verdict's own answer (the row is swapped in and marked), not an earlier badge.
    page.locator("li.review-row.just-saved", has_text=text).locator(
        f".claim-verdict .{badge}"
    ).wait_for()


def reply_and_mark_addressed(page, claim_text, reply):
    claim = page.locator("li.desk-claim", has_text=claim_text)
    claim.get_by_label("Reply on claim").fill(reply)
    claim.get_by_role("button", name="Reply", exact=True).click()
    claim = page.locator("li.desk-claim", has_text=claim_text)
    expect(claim.get_by_text(reply)).to_be_visible()
    claim.get_by_role("button", name="Mark addressed").click()
    expect(
        page.locator("li.desk-claim", has_text=claim_text).get_by_role(
            "button", name="Mark addressed"
        )
    ).to_have_count(0)


# --- the story -----------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 375])
def test_two_review_rounds_from_a_blank_article_to_the_public_page(live_server, new_page, width):
    editor, reviewer = make_editor("editor"), make_reviewer("reviewer")
    make_policy()
    base = live_server.url
    ed, rv = new_page(width=width), new_page(width=width)

    # 1. The editor creates the article; it opens in the structured editor.
    log_in(ed, base, editor.username)
    check_page(ed)
    ed.get_by_role("link", name="New article").click()
    ed.wait_for_url("**/desk/articles/new/")
    check_page(ed)
    ed.get_by_label("Question").fill(QUESTION)
    ed.get_by_role("button", name="Create draft").click()
    expect(ed.get_by_role("heading", name="Claims")).to_be_visible()
    assert re.search(r"/desk/articles/\d+/editor/$", ed.url), ed.url
    check_page(ed)
    article = Article.objects.get(title=QUESTION)

    # 2. References exported as RIS, then as PubMed MEDLINE, pasted onto the shelf.
    ed.get_by_role("link", name="References", exact=True).click()
    ed.wait_for_url(f"**/desk/articles/{article.pk}/references/")
    check_page(ed)
    import_pasted(ed, RIS_EXPORT, [TRIAL, STRETCH])
    check_page(ed)
    import_pasted(ed, MEDLINE_EXPORT, [QUININE])
    shelf = ed.locator("section[aria-labelledby=h-shelf]")
    for title in (TRIAL, STRETCH, QUININE):
        expect(shelf.get_by_text(title)).to_be_visible()
    check_page(ed)

    # 3. The body from nothing: heading, paragraph, bullet, nested bullet (Tab indents).
    ed.get_by_role("link", name="Edit", exact=True).click()
    ed.get_by_label("Kind of new claim").select_option("Heading")
    ed.get_by_label("New claim", exact=True).click()
    type_claim(ed, HEADING, 1)
    type_claim(ed, PARAGRAPH, 2)
    ed.keyboard.press("Tab")  # a new paragraph indented becomes a bullet
    type_claim(ed, BULLET, 3)
    ed.keyboard.press("Tab")  # one level under the bullet above
    type_claim(ed, NESTED, 4)
    ed.keyboard.press("Escape")
    expect(claims(ed).nth(2)).to_have_class(re.compile(r"\bkind-bullet\b"))
    expect(claims(ed).nth(3)).to_have_class(re.compile(r"\blevel-1\b"))

    # The picker offers the shelf without a search; three ticked at once, cited in that order.
    paragraph = claims(ed).nth(1)
    paragraph.get_by_role("link", name="Find references for claim 2").click()
    picker = paragraph.locator(".editor-picker")
    for title in (TRIAL, STRETCH, QUININE):
        expect(picker.locator("label", has_text=title).locator(".badge")).to_have_text("Shelf")
    check_page(ed)
    for title in (TRIAL, STRETCH, QUININE):
        picker.get_by_label(re.compile(re.escape(title))).check()
    paragraph.get_by_role("button", name="Cite the ticked references").click()
    expect(ed.locator("#editor-body .desk-refs li")).to_have_count(3)
    expect(claims(ed).nth(1).locator(".editor-cited li")).to_have_text(
        [f"[1] {TRIAL}", f"[2] {STRETCH}", f"[3] {QUININE}"]
    )

    # "2, 3, 1" typed in the bullet keeps its order; the nested bullet cites [3].
    bullet = claims(ed).nth(2)
    bullet.get_by_label("Cited references").fill("2, 3, 1")
    bullet.get_by_label("Cited references").press("Enter")  # saved at once
    expect(claims(ed).nth(2).locator(".editor-cited li")).to_have_text(
        [f"[2] {STRETCH}", f"[3] {QUININE}", f"[1] {TRIAL}"]
    )
    nested = claims(ed).nth(3)
    nested.get_by_label("Cited references").fill("3")
    nested.get_by_label("Cited references").press("Enter")
    expect(claims(ed).nth(3).locator(".editor-cited li")).to_have_text([f"[3] {QUININE}"])
    check_page(ed)

    # 4. Submitted from the overview.
    ed.get_by_role("link", name="Overview").click()
    ed.wait_for_url(f"**/desk/articles/{article.pk}/")
    check_page(ed)
    ed.get_by_role("button", name="Submit for review").click()
    expect(ed.locator(".desk-state").first).to_have_text(re.compile(r"^submitted", re.I))
    check_page(ed)

    # 5. Round 1: the reviewer declares no conflict, sends two claims back, verifies the rest.
    log_in(rv, base, reviewer.username)
    check_page(rv)
    rv.locator("#waiting").get_by_role("link", name=QUESTION).click()
    expect(rv.get_by_label("No conflict of interest")).to_be_visible()
    assert rv.get_by_role("button", name="Start review").count() == 0  # declaration first
    check_page(rv)
    rv.get_by_label("No conflict of interest").check()
    rv.get_by_role("button", name="Record my declaration").click()
    expect(rv.locator(".desk-declaration")).to_contain_text("no conflict of interest")
    check_page(rv)
    rv.get_by_role("button", name="Start review").click()
    rv.wait_for_url(f"**/desk/articles/{article.pk}/review/")
    assert rv.locator("li.review-row").count() == 4
    give_verdict(rv, HEADING, "Verified")
    give_verdict(rv, PARAGRAPH, "Needs change", COMMENT_PARAGRAPH)
    give_verdict(rv, BULLET, "Verified")
    give_verdict(rv, NESTED, "Needs change", COMMENT_NESTED)
    check_page(rv)
    rv.get_by_label("Comment (required)").fill("Two claims need work; see the threads.")
    rv.get_by_role("button", name="Request changes").click()
    expect(rv.locator(".desk-state").first).to_have_text(re.compile(r"^draft", re.I))
    check_page(rv)

    # 6. The editor finds it returned, answers both threads, fixes both claims, resubmits.
    ed.goto(f"{base}/desk/")
    check_page(ed)
    ed.locator("#changes").get_by_role("link", name=QUESTION).click()
    expect(ed.get_by_role("heading", name="Threads with the board")).to_be_visible()
    assert COMMENT_PARAGRAPH in ed.locator("li.desk-claim", has_text=PARAGRAPH).inner_text()
    check_page(ed)
    reply_and_mark_addressed(ed, PARAGRAPH, REPLY_PARAGRAPH)
    reply_and_mark_addressed(ed, NESTED, REPLY_NESTED)
    check_page(ed)
    uids = {}
    for text in (PARAGRAPH, NESTED):
        link = ed.locator("li.desk-claim", has_text=text).get_by_role("link", name="Edit claim")
        uids[text] = link.get_attribute("href").split("#claim-")[1]
    ed.get_by_role("link", name="Edit", exact=True).click()
    ed.wait_for_url(f"**/desk/articles/{article.pk}/editor/")
    check_page(ed)
    for text, fixed in ((PARAGRAPH, PARAGRAPH_FIXED), (NESTED, NESTED_FIXED)):
        item = ed.locator(f"#claim-{uids[text]}")
        item.locator("textarea[name=text]").fill(fixed)
        # Saved in place: wait for the server's answer, not for the (already shown) status.
        with ed.expect_response(lambda r: r.request.method == "POST") as saved:
            item.locator("textarea[name=text]").press("Enter")
        assert saved.value.ok
        ed.get_by_role("status").get_by_text("Claim saved.").wait_for()
    ed.reload()
    expect(ed.locator(f"#claim-{uids[PARAGRAPH]} textarea[name=text]")).to_have_value(
        PARAGRAPH_FIXED
    )
    expect(ed.locator(f"#claim-{uids[NESTED]} textarea[name=text]")).to_have_value(NESTED_FIXED)
    expect(claims(ed).nth(3)).to_have_class(re.compile(r"\blevel-1\b"))
    ed.get_by_role("link", name="Overview").click()
    ed.wait_for_url(f"**/desk/articles/{article.pk}/")
    check_page(ed)
    assert ed.get_by_label(re.compile("^Resubmit with")).count() == 0  # no thread left open
    ed.get_by_role("button", name="Submit for review").click()
    expect(ed.locator(".desk-state").first).to_have_text(re.compile(r"^submitted", re.I))
    check_page(ed)

    # 7. Round 2: back to the same reviewer, who sees only what changed.
    rv.goto(f"{base}/desk/")
    assert rv.locator("#waiting").get_by_role("link", name=QUESTION).count() == 0
    check_page(rv)
    rv.locator("#assigned").get_by_role("link", name=QUESTION).click()
    rv.wait_for_url(f"**/desk/articles/{article.pk}/")
    check_page(rv)
    rv.get_by_role("button", name="Start review").click()
    rv.wait_for_url(f"**/desk/articles/{article.pk}/review/")
    for fixed, comment, reply, removed in (
        (PARAGRAPH_FIXED, COMMENT_PARAGRAPH, REPLY_PARAGRAPH, "cures"),
        (NESTED_FIXED, COMMENT_NESTED, REPLY_NESTED, "best"),
    ):
        row = review_row(rv, fixed)
        assert row.locator(".round-status").inner_text().strip() == "Changed since the last round"
        assert row.locator(".round-memory ins").first.inner_text().strip() != ""
        assert removed in " ".join(row.locator(".round-memory del").all_inner_texts())
        assert "comment in the thread" in row.locator(".round-earlier").inner_text()
        assert comment in row.locator(".claim-thread").inner_text()  # shown once, there
        assert reply in row.locator(".claim-thread").inner_text()
    assert rv.get_by_text("Changed since the last round", exact=True).count() == 2
    for text in (HEADING, BULLET):  # verified and unchanged: folded, a click from being read
        row = review_row(rv, text)
        assert "unchanged since the last round, verified" in row.locator("summary").inner_text()
        expect(row.locator(".review-claim")).to_be_hidden()
    heading_row = review_row(rv, HEADING)
    heading_row.locator("summary").click()
    expect(heading_row.locator(".review-claim")).to_be_visible()
    check_page(rv)
    for text in (PARAGRAPH_FIXED, NESTED_FIXED):
        review_row(rv, text).get_by_role("button", name="Resolve thread").click()
        review_row(rv, text).locator(".claim-thread.thread-resolved").wait_for()
        give_verdict(rv, text, "Verified")
    check_page(rv)
    rv.get_by_role("button", name="Approve").click()
    expect(rv.locator(".desk-state").first).to_have_text(re.compile(r"^approved", re.I))
    check_page(rv)
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED
    assert set(ClaimThread.objects.filter(article=article).values_list("status", flat=True)) == {
        ClaimThread.Status.RESOLVED
    }

    # 8. The public page: the fixed wording, numbered linked citations, the byline.
    reader = new_page(width=width)
    reader.goto(f"{base}/articles/{article.slug}/")
    assert reader.locator(".caution-banner").count() == 0
    assert "Dr. Reviewer" in reader.locator(".byline:not(.byline-writers)").inner_text()
    body = reader.locator("main").inner_text()
    assert PARAGRAPH_FIXED in body and NESTED_FIXED in body
    assert PARAGRAPH not in body and NESTED not in body
    references = reader.locator("li.reference")
    expect(references).to_have_count(3)
    for number, title in enumerate((TRIAL, STRETCH, QUININE), start=1):
        expect(reader.locator(f"li.reference#ref-{number} .ref-title")).to_have_text(title)
    bullet_cites = reader.locator("li", has_text=BULLET).locator("a.cite")
    expect(bullet_cites.first).to_be_visible()
    assert [a.get_attribute("href") for a in bullet_cites.all()][:3] == [
        "#ref-2",
        "#ref-3",
        "#ref-1",
    ]
    assert [a.inner_text() for a in bullet_cites.all()][:3] == ["2", "3", "1"]
    paragraph_cites = reader.locator("p", has_text=PARAGRAPH_FIXED).locator("a.cite")
    assert [a.get_attribute("href") for a in paragraph_cites.all()] == [
        "#ref-1",
        "#ref-2",
        "#ref-3",
    ]
    reader.locator("li", has_text=BULLET).locator("a.cite").first.click()
    assert reader.url.endswith("#ref-2")
    overflow = reader.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the public page scrolls sideways by {overflow}px"
