"""What the desk's browser tests do on every page: log in by keyboard, check a page, Tab to a
button. Kept here once so that each test says only its own story."""

from tests.browser import assert_no_axe_violations

PASSWORD = "pw-for-tests-2026"  # tests/factories.py gives every user this password


def log_in(page, base: str, username: str) -> None:
    """Log in through the site's own form, sent with Enter; lands on the desk."""
    page.goto(f"{base}/accounts/login/?next=/desk/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/desk/")


def check_page(page) -> None:
    """No accessibility violation, and nothing wider than the window (no sideways scrolling)."""
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def tab_to(page, name: str, *, most: int = 60) -> int:
    """Press Tab until the element named ``name`` has the focus; how many presses it took."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == name:
            return presses
    raise AssertionError(f"{name!r} not reached in {most} presses of Tab")
