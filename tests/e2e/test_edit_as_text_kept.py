"""'Edit as text' loses nothing: leaving asks first, and typed text comes back after a reload."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_no_axe_violations
from tests.factories import draft_article, make_editor, make_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-2026"
ADDED = "\n\nA claim typed and not saved yet."


@pytest.mark.parametrize("width", [1280, 390])
def test_typed_body_is_kept_on_the_device_and_offered_back(live_server, new_page, width):
    editor = make_editor("text-writer")
    make_policy()
    article = draft_article(by=editor)
    page = new_page(width=width, height=900)
    page.goto(f"{live_server.url}/accounts/login/?next=/desk/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/desk/")
    url = f"{live_server.url}/desk/articles/{article.pk}/edit/"
    page.goto(url)
    body = page.get_by_label("Body")
    saved = body.input_value()
    body.press("Control+End")
    page.keyboard.type(ADDED)

    asked = []

    def leave(dialog):
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave)
    page.reload()
    assert asked == ["beforeunload"]  # leaving with unsaved text asked first
    expect(page.get_by_text("was kept on this device")).to_be_visible()
    expect(page.get_by_label("Body")).to_have_value(saved)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_label("Body")).to_have_value(saved + ADDED)
    page.get_by_role("button", name="Save body").click()
    page.wait_for_load_state()
    page.goto(url)
    expect(page.get_by_text("was kept on this device")).to_have_count(0)
    assert "A claim typed and not saved yet." in page.get_by_label("Body").input_value()
