"""Smoke tests for the browser-test tooling itself: Chromium, axe-core, vnu.jar.

They prove each tool runs and reports what it should, so that a page test that
passes does so because the page is fine, not because a checker silently did
nothing.
"""

from pathlib import Path

import pytest

from tests.browser import (
    assert_no_axe_violations,
    assert_valid_html,
    assert_valid_html_many,
    run_axe,
    validate_html_many,
)

pytestmark = pytest.mark.browser

URLS_MODULE = Path(__file__).resolve().parents[2] / "editorial" / "urls.py"

VALID_DOCUMENT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Smoke test page</title>
</head>
<body>
<header><a href="#main">Skip to content</a></header>
<main id="main">
<h1>Smoke test page</h1>
<p>A small, valid and accessible document.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="" width="1" height="1">
</main>
</body>
</html>
"""

# Each line carries one error the checker must report: an unclosed <span>
# closed by </div>, and an <img> without alt. No <title> in <head> either.
INVALID_DOCUMENT = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"></head>
<body>
<div><span>unclosed</div>
<img src="x.png">
</body>
</html>
"""


def test_chromium_renders_and_axe_passes_a_clean_page(page):
    page.set_content(VALID_DOCUMENT)
    assert page.title() == "Smoke test page"
    results = assert_no_axe_violations(page)
    # axe really ran its rules: some passed, and it reports the engine it used.
    assert results["passes"], "axe reported no passing rules: did it run at all?"
    assert results["testEngine"]["name"] == "axe-core"


def test_axe_reports_violations(page):
    # An image without alt text and a form field without a label: both WCAG A.
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>Bad</title></head>'
        '<body><main><h1>Bad</h1><img src="x.png"><input type="text"></main></body></html>'
    )
    results = run_axe(page)
    found = {violation["id"] for violation in results["violations"]}
    assert {"image-alt", "label"} <= found
    with pytest.raises(pytest.fail.Exception, match=r"image-alt: .*\n.*img"):
        assert_no_axe_violations(page)


def test_narrow_page_is_360px_wide(narrow_page):
    narrow_page.set_content(VALID_DOCUMENT)
    assert narrow_page.evaluate("() => window.innerWidth") == 360


def test_nu_checker_accepts_valid_and_reports_invalid_html():
    # One JVM start for both documents; the assert_* wrappers are checked against
    # the same result shape below without starting java again where possible.
    errors = validate_html_many({"valid": VALID_DOCUMENT, "invalid": INVALID_DOCUMENT})
    assert errors["valid"] == []
    messages = " | ".join(error["message"] for error in errors["invalid"])
    assert "span" in messages, messages
    assert "alt" in messages, messages
    assert all(isinstance(error.get("lastLine"), int) for error in errors["invalid"])


def test_assert_valid_html_fails_with_a_readable_report():
    assert_valid_html(VALID_DOCUMENT, name="valid")
    with pytest.raises(pytest.fail.Exception) as excinfo:
        assert_valid_html_many({"ok": VALID_DOCUMENT, "broken page": INVALID_DOCUMENT})
    report = str(excinfo.value)
    assert "broken page:" in report
    assert "ok:" not in report
    assert "line 5:" in report


@pytest.mark.skipif(
    not URLS_MODULE.exists(),
    reason=f"{URLS_MODULE.name} does not exist yet: no site to serve /admin/login/ from",
)
def test_admin_login_page_loads_in_chromium(live_server, page):
    response = page.goto(f"{live_server.url}/admin/login/")
    assert response is not None and response.status == 200
    assert "Log in" in page.title()
    # The admin is Django's own markup; this only proves axe runs against a
    # page served by the live server, not that the admin is violation-free.
    results = run_axe(page)
    assert results["testEngine"]["name"] == "axe-core"
    assert isinstance(results["violations"], list)
    assert results["passes"]
