"""Writing as in a document, by keyboard only, in headless Chromium at 1280 and 390 px.

Four references are imported (pasted as RIS) onto a blank draft's shelf; an
11-claim article is written without the mouse (the keystrokes are counted and
printed); typed numbers cite the imported references; a deleted claim comes back with Undo (button and
Ctrl+Z); Alt+Down moves a claim; Shift+Tab walks back to a claim's Kind box;
axe finds nothing in each state.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles import services
from articles.content import ArticleContent
from articles.models import Article
from tests.browser import assert_no_axe_violations
from tests.factories import make_editor, make_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-2026"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
QUESTION = "Can I take baclofen with food?"
WORKS = ["Spasticity guideline", "Multiple sclerosis trial", "Spinal cord review", "Tablet label"]
# (kind change by Tab from a paragraph: 0 none, 1 bullet, 2 nested bullet), text, citations
ARTICLE = [
    (0, "Yes, baclofen can be taken with or without food.", "1"),
    (0, "Food does not change how much of it the body absorbs.", "2"),
    (1, "Take it at the same times each day.", "1"),
    (1, "Swallow the tablet with a glass of water.", "4"),
    (2, "The liquid form is measured with the syringe provided.", "4"),
    (1, "If it upsets your stomach, take it with a meal.", "1, 3"),
    (0, "Alcohol adds to its drowsiness.", "3"),
    (0, "Do not stop taking it suddenly.", "1"),
    (1, "Stopping at once can cause seizures or hallucinations.", "2, 3"),
    (1, "Your doctor lowers the dose over one to two weeks.", "1"),
    (0, "Ask your pharmacist if you are unsure.", ""),
]


class Keys:
    """The page's keyboard, counting every key pressed (a character typed is one key)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/?next=/desk/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/desk/")


def claims(page):
    return page.locator("li.editor-claim[data-uid]")


RIS = "".join(
    f"TY  - JOUR\nTI  - Baclofen: {title}\nT2  - Praxis Medical Insights\nPY  - {2020 + n}\n"
    f"AU  - Okafor, N\nER  - \n"
    for n, title in enumerate(WORKS, start=1)
)


def blank_draft_with_imported_references(page, base, editor):
    """A blank draft, and four references pasted on its References page (onto its shelf)."""
    article = services.article_create(
        by=editor, title=QUESTION, content=ArticleContent(title=QUESTION)
    )
    page.goto(f"{base}/desk/articles/{article.pk}/references/")
    page.get_by_label("Paste references").fill(RIS)
    page.get_by_role("button", name="Import").click()
    page.locator(".desk-import-list").wait_for()
    expect(page.locator(".desk-import-list li.import-added")).to_have_count(4)
    return article


def write_claim(page, keys, nesting, text, cited, count):
    new = page.locator("#new-claim textarea[name=text]")
    expect(new).to_be_focused()
    for _ in range(nesting):
        keys.press("Tab")  # a paragraph becomes a bullet, a bullet nests under the one above
    keys.type(text)
    if cited:
        keys.press("Escape")  # then Tab moves on: to the plain-language toggle, the numbers
        keys.press("Tab")
        keys.press("Tab")
        expect(page.locator("#new-claim input[name=citations]")).to_be_focused()
        keys.type(cited)
    keys.press("Enter")  # saved; the next claim opens after it, continuing its kind and level
    expect(claims(page)).to_have_count(count)


@pytest.mark.parametrize("width", [1280, 390])
def test_an_article_written_as_a_document_by_keyboard(live_server, new_page, width, capsys):
    editor = make_editor("writer")
    make_policy()
    base = live_server.url
    page = new_page(width=width, height=900)
    log_in(page, base, editor.username)
    article = blank_draft_with_imported_references(page, base, editor)
    page.goto(f"{base}/desk/articles/{article.pk}/editor/")
    # A new draft opens with the caret in its first claim; the shelf is numbered already.
    expect(page.locator("#new-claim textarea[name=text]")).to_be_focused()
    expect(page.locator("#editor-body .desk-refs li")).to_have_count(4)
    assert_no_axe_violations(page)

    keys = Keys(page)
    level = 0
    for count, (nesting, text, cited) in enumerate(ARTICLE, start=1):
        # The new claim continues the one before it: out to the level wanted first.
        while level > nesting:
            keys.press("Shift+Tab")
            level -= 1
        write_claim(page, keys, nesting - level, text, cited, count)
        level = nesting
    height = page.evaluate("() => document.documentElement.scrollHeight")
    if os.environ.get("DESK_SCREENSHOTS"):
        page.locator("#editor-body").screenshot(path=str(SCREENSHOTS / f"desk-editor-{width}.png"))
    with capsys.disabled():
        print(
            f"\n{width}px: 11 claims, 4 references cited, {keys.count} keystrokes, {height}px tall"
        )

    rows = list(Article.objects.get(pk=article.pk).claims.order_by("position"))
    assert [r.text for r in rows] == [text for _, text, _ in ARTICLE]
    assert [(r.kind, r.level) for r in rows][:5] == [
        ("paragraph", 0),
        ("paragraph", 0),
        ("bullet", 0),
        ("bullet", 0),
        ("bullet", 1),
    ]
    # Typed numbers found the shelf's references: nothing is unresolved.
    assert not any(c.reference_id is None for r in rows for c in r.citations.all())
    assert [c.reference.title for c in rows[0].citations.all()] == [f"Baclofen: {WORKS[0]}"]
    expect(page.locator(".editor-cited .unresolved")).to_have_count(0)
    assert_no_axe_violations(page)

    # Shift+Tab from a paragraph's text walks back to its Kind box (nothing to outdent).
    first = claims(page).nth(0)
    first.locator("textarea[name=text]").focus()
    page.keyboard.press("Shift+Tab")
    expect(first.locator("select[name=kind]")).to_be_focused()

    # Arrowing past a claim's end goes on into the next one, and back.
    first.locator("textarea[name=text]").focus()
    page.keyboard.press("Control+End")  # the end of the text, however it wraps
    page.keyboard.press("ArrowDown")
    expect(claims(page).nth(1).locator("textarea[name=text]")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(first.locator("textarea[name=text]")).to_be_focused()

    # Alt+Down moves the claim below its neighbour; the caret stays in it.
    first.locator("textarea[name=text]").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(claims(page).nth(1).locator("textarea[name=text]")).to_have_value(ARTICLE[0][1])
    expect(claims(page).nth(1).locator("textarea[name=text]")).to_be_focused()

    # Delete, then Undo from the notice (focus is on it): the claim is back where it was.
    last = claims(page).nth(10)
    last.get_by_role("button", name=re.compile("^Delete claim")).click()
    expect(claims(page)).to_have_count(10)
    undo = page.get_by_role("button", name="Undo delete")
    expect(undo).to_be_focused()
    assert_no_axe_violations(page)
    page.keyboard.press("Enter")
    expect(claims(page)).to_have_count(11)
    expect(claims(page).nth(10).locator("textarea[name=text]")).to_have_value(ARTICLE[10][1])
    # Delete again, and Ctrl+Z while the notice shows.
    claims(page).nth(10).get_by_role("button", name=re.compile("^Delete claim")).click()
    expect(claims(page)).to_have_count(10)
    expect(page.get_by_role("button", name="Undo delete")).to_be_visible()
    page.keyboard.press("Control+z")
    expect(claims(page)).to_have_count(11)
    assert_no_axe_violations(page)
