"""Fixtures for browser tests: headless Chromium driven by Playwright.

    browser       session-wide Chromium (skips/fails loudly when it is missing)
    new_page      factory: new_page(width=1280, height=900, **context_options) -> Page
    page          a 1280x900 page in a fresh browser context
    narrow_page   a 360px-wide page (small phones) in a fresh browser context

Mark browser tests with @pytest.mark.browser; use pytest-django's live_server
for the site under test. Checks for accessibility and HTML validity are in
tests/browser.py.
"""

import os
import sys
import threading
from pathlib import Path

# Playwright's sync API runs an asyncio loop in the test thread, which makes
# Django refuse ORM calls ("you cannot call this from an async context") in
# the same test; `make test` sets this too, this makes plain `pytest` work.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# pytest-django puts the directory of manage.py on sys.path; this keeps
# `tests.browser` importable when that discovery is switched off.
_REPO_ROOT = str(Path(__file__).resolve().parents[2])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

import pytest  # noqa: E402

from tests.browser import launch_chromium  # noqa: E402

DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
NARROW_VIEWPORT = {"width": 360, "height": 800}


def one_request_at_a_time(handler_class):
    """``handler_class`` answering one request at a time.

    With SQLite the test database lives in memory, so the live server's request threads all
    use the test's one connection. Two requests at once (a page's background refresh while a
    form is sent, say) would interleave their transactions on it: an atomic block of one
    could end the other's, and the next request fails at random. A browser's requests are
    taken in turn instead, as Django's documentation advises for this set-up.
    """
    lock = threading.Lock()

    class OneAtATime(handler_class):
        def __call__(self, environ, start_response):
            # No view streams its response: all its database work is done inside the call.
            with lock:
                return super().__call__(environ, start_response)

    return OneAtATime


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, taking one request at a time on an in-memory database."""
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    if server.thread.connections_override:
        server.thread.static_handler = one_request_at_a_time(server.thread.static_handler)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    # Imported here so that collecting the rest of the suite never needs Playwright.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser):
    """Factory for pages, each in its own context (no cookies/storage shared)."""
    contexts = []

    def make(
        width: int = DESKTOP_VIEWPORT["width"],
        height: int = DESKTOP_VIEWPORT["height"],
        **context_options,
    ):
        context = browser.new_context(
            viewport={"width": width, "height": height}, **context_options
        )
        # A hung page should fail the test quickly, not stall the run.
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page(**DESKTOP_VIEWPORT)


@pytest.fixture
def narrow_page(new_page):
    return new_page(**NARROW_VIEWPORT)
