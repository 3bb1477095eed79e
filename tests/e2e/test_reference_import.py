"""Importing a reference list at the desk in headless Chromium: the result, axe, a phone's width."""

from pathlib import Path

import pytest

from articles.models import ArticleReference
from tests.browser import assert_no_axe_violations
from tests.factories import draft_article, make_editor, make_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-2026"
FIXTURES = Path(__file__).resolve().parents[1] / "bibliography" / "fixtures"


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/**")


@pytest.mark.parametrize("width", [1280, 375])
def test_editor_uploads_a_ris_file_and_reads_the_outcome(live_server, new_page, width):
    editor = make_editor("editor")
    make_policy()
    article = draft_article(by=editor)
    page = new_page(width=width, height=900)
    log_in(page, live_server.url, editor.username)
    page.goto(f"{live_server.url}/desk/articles/{article.pk}/references/")

    page.get_by_label("Or choose a file").set_input_files(str(FIXTURES / "zotero.ris"))
    page.get_by_role("button", name="Import").click()
    page.locator(".desk-import-list").wait_for()

    assert "5 entries read: 3 added to the library, 2 refused" in page.inner_text(".messages")
    assert page.locator(".desk-import-list li.import-added").count() == 3
    refused = page.locator(".desk-import-list li.import-refused")
    assert refused.count() == 2
    assert "It has no year of publication." in refused.first.inner_text()
    assert ArticleReference.objects.filter(article=article).count() == 3
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px too wide at {width}px"
    assert_no_axe_violations(page)
    if width == 375 and (shots := Path("/tmp/refs-shots")).exists():
        page.screenshot(path=str(shots / "import-375.png"), full_page=True)
