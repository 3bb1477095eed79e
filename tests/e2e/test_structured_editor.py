"""An article built from nothing in the structured editor, by keyboard, in headless Chromium.

Enter adds the next claim, Tab nests a list item, the picker cites several
library references at once, and "2, 4, 3" typed in a claim keeps its order;
the page has no accessibility violations and fits 375 px without sideways
scrolling. With DESK_SCREENSHOTS set, the editor is saved to
docs/screenshots/desk-structured-editor.png.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles import services
from articles.models import Article
from tests.browser import assert_no_axe_violations, assert_valid_html_many
from tests.factories import make_editor, make_policy, reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-2026"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
QUESTION = "What is baclofen used for?"
WORKS = ["Spasticity guideline", "Multiple sclerosis trial", "Spinal cord review", "Tablet label"]


def log_in(page, base, username):
    page.goto(f"{base}/desk/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/desk/")


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


def fits_without_sideways_scroll(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_an_article_built_by_keyboard_in_the_structured_editor(live_server, new_page):
    editor = make_editor("editor")
    make_policy()
    for n, title in enumerate(WORKS, start=1):
        services.reference_get_or_create(
            data=reference_data(n, title=f"Baclofen: {title}"), by=editor
        )
    base = live_server.url
    page = new_page(width=1280, height=900)
    log_in(page, base, editor.username)
    page.get_by_role("link", name="New article").click()
    page.get_by_label("Question").fill(QUESTION)
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", name="Claims")).to_be_visible()

    # A heading, then a paragraph, then a bullet with a nested bullet: Enter after each.
    page.get_by_label("Kind of new claim").select_option("Heading")
    page.get_by_label("New claim", exact=True).click()
    type_claim(page, "Primary uses", 1)
    type_claim(page, "Baclofen relaxes muscle stiffness.", 2)
    page.keyboard.press("Tab")  # a new paragraph indented becomes a bullet
    type_claim(page, "Spasticity from multiple sclerosis.", 3)
    page.keyboard.press("Tab")  # one level under the bullet above
    type_claim(page, "Including painful flexor spasms.", 4)
    page.keyboard.press("Escape")
    expect(claims(page).nth(3)).to_have_class(re.compile(r"\blevel-1\b"))
    # In a saved claim, Shift+Tab and Tab move it out and back in, in place.
    claims(page).nth(3).locator("textarea[name=text]").focus()
    page.keyboard.press("Shift+Tab")
    expect(claims(page).nth(3)).to_have_class(re.compile(r"\blevel-0\b"))
    expect(claims(page).nth(3).locator("textarea[name=text]")).to_be_focused()
    page.keyboard.press("Tab")
    expect(claims(page).nth(3)).to_have_class(re.compile(r"\blevel-1\b"))
    expect(claims(page).nth(2)).to_have_class(re.compile(r"\bkind-bullet\b"))

    # The picker cites four library references at once, in the order ticked.
    paragraph = claims(page).nth(1)
    paragraph.get_by_role("link", name="Find references for claim 2").click()
    paragraph.get_by_label("Search the article's references, its shelf and the library").fill(
        "baclofen"
    )
    paragraph.get_by_role("button", name="Search").click()
    for title in WORKS:
        paragraph.get_by_label(re.compile(re.escape(title))).check()
    paragraph.get_by_role("button", name="Cite the ticked references").click()
    expect(page.locator("#editor-body .desk-refs li")).to_have_count(4)

    # "2, 4, 3" typed in a bullet keeps its order; what is typed, unsaved, in another claim stays.
    claims(page).nth(3).locator("textarea[name=text]").fill("Including painful spasms at night.")
    bullet = claims(page).nth(2)
    bullet.get_by_label("Cited references").fill("2, 4, 3")
    bullet.get_by_label("Cited references").press("Enter")  # saved at once (no Save button)
    expect(claims(page).nth(2).locator(".editor-cited li")).to_have_text(
        [f"[2] Baclofen: {WORKS[1]}", f"[4] Baclofen: {WORKS[3]}", f"[3] Baclofen: {WORKS[2]}"]
    )

    unsaved = claims(page).nth(3)
    expect(unsaved.locator("textarea[name=text]")).to_have_value(
        "Including painful spasms at night."
    )
    unsaved.locator("textarea[name=text]").press("Enter")
    expect(page.get_by_role("status").filter(has_text="Claim saved.")).to_be_visible()

    article = Article.objects.get(title=QUESTION)
    rows = list(article.claims.order_by("position"))
    assert [(c.kind, c.level) for c in rows] == [
        ("heading", 0),
        ("paragraph", 0),
        ("bullet", 0),
        ("bullet", 1),
    ]
    cited = [c.reference.title for c in rows[2].citations.order_by("position")]
    assert cited == [f"Baclofen: {WORKS[i]}" for i in (1, 3, 2)]
    assert rows[3].text == "Including painful spasms at night."

    # The pages as the server sends them (with and without the script) are valid HTML.
    editor_url = f"{base}/desk/articles/{article.pk}/editor/"
    documents = {
        "editor": editor_url,
        "editor, adding after a claim": f"{editor_url}?after={rows[2].uid}",
        "picker page": f"{editor_url}{rows[1].uid}/cite/?q=baclofen",
        "edit as text": f"{base}/desk/articles/{article.pk}/edit/?format=text",
    }
    assert_valid_html_many({name: page.request.get(url).text() for name, url in documents.items()})

    page.reload()
    assert fits_without_sideways_scroll(page)
    assert_no_axe_violations(page)
    if os.environ.get("DESK_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / "desk-structured-editor.png"), full_page=True)

    # Small phones: the same page, no sideways scrolling, no violations.
    narrow = new_page(width=375, height=800)
    log_in(narrow, base, editor.username)
    narrow.goto(f"{base}/desk/articles/{article.pk}/editor/")
    narrow.locator(f"#claim-{rows[1].uid}").get_by_role("link", name="Find references").click()
    expect(narrow.locator(".editor-picker")).to_be_visible()
    assert fits_without_sideways_scroll(narrow)
    assert_no_axe_violations(narrow)
    for url in (documents["editor, adding after a claim"], documents["picker page"]):
        narrow.goto(url)
        assert fits_without_sideways_scroll(narrow), url
        assert_no_axe_violations(narrow)
