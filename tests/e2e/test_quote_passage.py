"""The editor quotes a cited source's passage for a claim by keyboard, at 1280 and 390 px: the
"Quoted passages" disclosure opens with Enter, the passage and where it is are typed and
saved in place, and the page keeps them; axe finds nothing."""

import pytest
from playwright.sync_api import expect

from articles.content import ArticleContent, ClaimData, ClaimKind
from tests.e2e.desk_pages import check_page, log_in, tab_to
from tests.factories import draft_article, make_editor, make_policy, reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSAGE = "Absorption did not differ with food (AUC ratio 0.98)."


@pytest.mark.parametrize("width", [1280, 390])
def test_the_editor_quotes_a_passage_by_keyboard(live_server, new_page, width):
    make_policy()
    editor = make_editor("e-quote")
    content = ArticleContent(
        title="Can I take baclofen with food?",
        claims=(ClaimData(ClaimKind.PARAGRAPH, "Food does not change it.", citations=(1,)),),
        references=(reference_data(1, title="Food and baclofen absorption"),),
    )
    article = draft_article(by=editor, content=content)
    claim = article.claims.get()
    page = new_page(width=width, height=900)
    log_in(page, live_server.url, editor.username)
    page.goto(f"{live_server.url}/desk/articles/{article.pk}/editor/")
    summary = page.locator(".editor-passages > summary")
    summary.focus()
    page.keyboard.press("Enter")
    quote = page.get_by_label("Passage from reference 1")
    expect(quote).to_be_visible()
    quote.focus()
    page.keyboard.type(PASSAGE)
    page.keyboard.press("Tab")
    page.keyboard.type("Table 2")
    tab_to(page, "Save passage 1")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Passage saved: the board reviews it with the claim.")).to_be_visible()
    expect(page.get_by_label("Passage from reference 1")).to_have_value(PASSAGE)
    expect(page.get_by_label("Where it is")).to_have_value("Table 2")
    citation = claim.citations.get()
    assert (citation.passage, citation.passage_locator) == (PASSAGE, "Table 2")
    check_page(page)
