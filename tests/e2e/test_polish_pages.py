"""In Chromium: the desk lines up with the header, messages, account pages, the API's pages."""

import pytest

from tests.browser import assert_no_axe_violations, assert_valid_html_many
from tests.factories import approved_article, make_editor, make_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-2026"


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/desk/")


def left_edges(page) -> tuple[float, float, float]:
    return page.evaluate(
        """() => [
            document.querySelector('.brand').getBoundingClientRect().left,
            document.querySelector('.desk-nav').getBoundingClientRect().left,
            document.querySelector('.message-list').getBoundingClientRect().left,
        ]"""
    )


@pytest.mark.parametrize("width", [1280, 1600, 375])
def test_the_desk_lines_up_with_the_header_and_confirms_in_a_message(live_server, new_page, width):
    make_editor("editor")
    make_policy()
    page = new_page(width=width, height=900)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/desk/articles/new/")
    page.get_by_label("Question").fill("Is baclofen safe in pregnancy?")
    page.get_by_role("button", name="Create draft").click()
    message = page.get_by_role("status").filter(has_text="Draft created")
    message.wait_for()
    brand, desk, messages = left_edges(page)
    assert abs(brand - desk) < 1 and abs(brand - messages) < 1, (brand, desk, messages)
    colour = message.locator("li").evaluate("li => getComputedStyle(li).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert_no_axe_violations(page)


def test_the_password_reset_pages_are_the_sites_own(live_server, new_page):
    make_editor("editor")
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_role("heading", name="Reset your password").wait_for()
    assert page.locator(".site-header .brand").is_visible()
    # The desk's button styles work outside the desk too (white on nothing before).
    send = page.get_by_role("button", name="Send the link")
    assert send.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(11, 92, 173)"
    assert_no_axe_violations(page)
    form_html = page.content()
    page.get_by_label("Email").fill("editor@example.org")
    page.get_by_role("button", name="Send the link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/accounts/reset/MQ/not-a-token/")
    page.get_by_role("heading", name="This link no longer works").wait_for()
    assert_no_axe_violations(page)
    assert_valid_html_many({"reset form": form_html, "reset done": page.content()})


def test_the_honeypot_is_out_of_reach_of_keyboard_and_screen_reader(live_server, new_page):
    make_policy()
    article = approved_article()
    page = new_page()
    page.goto(live_server.url + article.get_absolute_url())
    assert page.get_by_role("textbox", name="Leave this field empty").count() == 0
    assert page.get_by_role("textbox", name="Your question").count() == 1
    # Tabbing from the question goes to the send button, past the trap.
    page.get_by_role("textbox", name="Your question").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Send question"


def test_the_api_schema_and_docs_show_in_a_browser(live_server, new_page):
    page = new_page()
    response = page.goto(f"{live_server.url}/api/schema/")  # no download: the text is shown
    assert response.status == 200
    assert page.locator("body").inner_text().startswith("openapi: 3")
    response = page.goto(f"{live_server.url}/api/schema/?format=json")
    assert '"openapi"' in page.locator("body").inner_text()
    blocked = []
    page.on(
        "console",
        lambda message: blocked.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    page.goto(f"{live_server.url}/api/docs/")
    page.get_by_text("Editorial articles API", exact=False).first.wait_for()
    page.wait_for_timeout(500)
    assert blocked == []
