"""The whole desk story in headless Chromium: draft, review, changes, approval, publication."""

import os
from pathlib import Path

import pytest
from django.utils import dateformat, timezone

from articles.models import Article
from tests.browser import assert_no_axe_violations
from tests.factories import make_editor, make_policy, make_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-2026"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

QUESTION = "Can baclofen help muscle cramps at night?"
BODY = f"""# {QUESTION}

## Baclofen and night cramps

Baclofen is approved for spasticity from multiple sclerosis and spinal cord disease.[^1]

Baclofen cures every kind of muscle cramp.[^1]
"""


def log_in(page, base, username):
    page.goto(f"{base}/desk/")
    assert "/accounts/login/" in page.url  # anonymous users are sent to log in
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/desk/")


def review_row(page, text):
    return page.locator("li.review-row", has_text=text)


def mark(page, text, verdict, comment=""):
    row = review_row(page, text)
    folded = row.locator("details.round-fold:not([open]) > summary")
    if folded.count():  # verified and unchanged since the last round: folded away
        folded.click()
    if comment:
        row.get_by_label("Comment on claim").fill(comment)
    row.get_by_role("button", name=verdict).click()
    badge = "badge-ok" if verdict == "Verified" else "badge-warn"
    # Wait for this verdict's own answer (the row is swapped in and marked), not
    # for a badge the row may already show from an earlier round.
    page.locator("li.review-row.just-saved", has_text=text).locator(f".{badge}").wait_for()


def test_editor_and_reviewer_publish_an_article(live_server, new_page):
    editor, reviewer = make_editor("editor"), make_reviewer("reviewer")
    make_policy()
    base = live_server.url
    ed, rv = new_page(), new_page()

    # The editor drafts an article with two claims and one new reference, and submits it.
    log_in(ed, base, editor.username)
    ed.get_by_role("link", name="New article").click()
    ed.get_by_label("Question").fill(QUESTION)
    ed.get_by_role("button", name="Create draft").click()
    ed.get_by_role("link", name="Edit as text", exact=True).click()
    ed.get_by_label("Body").fill(BODY)
    ed.get_by_role("button", name="Save body").click()
    assert ed.get_by_text("Unresolved citation: 1").first.is_visible()
    ed.get_by_role("link", name="References").click()
    ed.get_by_label("Type", exact=True).select_option("Drug label")
    ed.get_by_label("Title", exact=True).fill("Baclofen tablets: prescribing information")
    ed.get_by_label("Source or journal").fill("US Food and Drug Administration")
    ed.get_by_label("Year").fill("2023")
    ed.get_by_label("DOI", exact=True).fill("10.5555/baclofen.label")
    ed.get_by_label("Cite it").select_option(label="Resolve citation [1]")
    ed.get_by_role("button", name="Add reference").click()
    ed.get_by_role("link", name="Overview").click()
    ed.get_by_role("button", name="Submit for review").click()
    assert ed.locator(".desk-state").first.inner_text().lower() == "submitted"

    # The reviewer declares no conflict of interest, starts the review, sends one claim
    # back and requests changes.
    log_in(rv, base, reviewer.username)
    rv.locator("#waiting").get_by_role("link", name=QUESTION).click()
    rv.get_by_label("No conflict of interest").check()
    rv.get_by_role("button", name="Record my declaration").click()
    rv.get_by_role("button", name="Start review").click()
    mark(rv, "approved for spasticity", "Verified")
    mark(
        rv,
        "cures every kind",
        "Needs change",
        "Overstated: the label says nothing about ordinary cramps.",
    )
    if os.environ.get("DESK_SCREENSHOTS"):
        rv.screenshot(path=str(SCREENSHOTS / "desk-review.png"), full_page=True)
    assert_no_axe_violations(rv)
    rv.get_by_label("Comment (required)").fill("Please correct the second claim.")
    rv.get_by_role("button", name="Request changes").click()
    assert rv.locator(".desk-state").first.inner_text().lower() == "draft"

    # The editor sees the comment on the claim, fixes it and resubmits.
    ed.reload()
    claim = ed.locator("li.desk-claim", has_text="cures every kind")
    assert "Overstated: the label says nothing about ordinary cramps." in claim.inner_text()
    assert ed.get_by_text("Please correct the second claim.").is_visible()
    link = claim.get_by_role("link", name="Edit claim")
    uid = link.get_attribute("href").split("#claim-")[1]
    link.click()
    item = ed.locator(f"#claim-{uid}")
    item.locator("textarea[name=text]").fill("Baclofen is not approved for ordinary muscle cramps.")
    item.locator("textarea[name=text]").press("Enter")  # saved at once (no Save button)
    ed.get_by_role("status").get_by_text("Claim saved.").wait_for()
    ed.get_by_role("link", name="Overview").click()
    ed.locator("li.desk-claim", has_text="not approved for ordinary").get_by_role(
        "button", name="Mark addressed"
    ).click()
    ed.get_by_role("button", name="Submit for review").click()
    assert ed.locator(".desk-state").first.inner_text().lower() == "submitted"

    # The resubmission returns to the reviewer who asked for the changes, who verifies
    # every claim and approves.
    rv.goto(f"{base}/desk/")
    rv.locator("#assigned").get_by_role("link", name=QUESTION).click()
    rv.get_by_role("button", name="Start review").click()
    mark(rv, "approved for spasticity", "Verified")
    mark(rv, "not approved for ordinary", "Verified")
    rv.get_by_role("button", name="Approve").click()
    assert rv.locator(".desk-state").first.inner_text().lower() == "approved"

    # An anonymous reader sees the approved article.
    article = Article.objects.get(title=QUESTION)
    reader = new_page()
    reader.goto(f"{base}/articles/{article.slug}/")
    assert reader.locator(".caution-banner").count() == 0
    assert reader.locator('[aria-current="step"] .step-label').inner_text().strip() == "Approved"
    assert "Dr. Reviewer, MD" in reader.locator(".byline:not(.byline-writers)").inner_text()
    today = dateformat.format(timezone.localdate(), "F j, Y")
    assert f"Last updated: {today}" in reader.locator(".last-updated").inner_text()
    assert "not approved for ordinary muscle cramps" in reader.content()


def test_reviewer_reads_the_diff_of_a_revision(live_server, new_page):
    import dataclasses

    from articles import services
    from articles.content import ClaimData, ClaimKind
    from articles.selectors import article_get_content
    from tests.factories import approved_article, reference_data

    editor, reviewer = make_editor("editor"), make_reviewer("reviewer")
    make_policy()
    article = approved_article(by=editor, reviewer=reviewer)
    services.article_revise(article=article, by=editor)
    content = article_get_content(article=article)
    claims = list(content.claims)
    claims[1] = dataclasses.replace(
        claims[1], text="Claim 1 states a fact, now with the dose: 5 mg three times daily."
    )
    claims[3] = ClaimData(
        kind=ClaimKind.BULLET, text="A new claim cites a new trial.", citations=(3,)
    )
    article = services.article_replace_content(
        article=article,
        by=editor,
        expected_version=article.content_version,
        content=dataclasses.replace(
            content, claims=tuple(claims), references=(*content.references, reference_data(7))
        ),
    )
    services.article_submit(article=article, by=editor, summary="Dose added; claim 3 replaced.")

    page = new_page()
    log_in(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/desk/articles/{article.pk}/diff/")
    assert page.locator(".diff-changed ins").first.inner_text().strip() != ""
    assert page.locator(".diff-removed", has_text="Claim 3 states a fact.").count() == 1
    assert page.locator(".diff-refs .diff-added", has_text="Guideline number 7").count() == 1
    if os.environ.get("DESK_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / "desk-diff.png"), full_page=True)
    assert_no_axe_violations(page)
