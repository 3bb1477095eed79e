"""Each claim's provenance in a real browser: opened without scripts, accessible at 1280 and 390 px.

With every disclosure open (the evidence level, the quoted passages, who verified
the claim and when, a retraction notice beside a cited paper), axe finds nothing
and the page is valid HTML, for both audiences. Screenshots of an open disclosure
at both widths are written to docs/screenshots/ (referenced from the README).
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

from articles.content import ArticleContent, CitedPassage, ClaimData, ClaimKind
from public.rendered import rendered_body_prepare
from tests.browser import assert_no_axe_violations, assert_valid_html_many
from tests.factories import (
    approved_article,
    make_editor,
    make_policy,
    make_reviewer,
    reference_data,
)
from tests.screening.csv_support import record, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
RETRACTED_DOI = "10.1000/spast.2019.001"


def provenance_content() -> ArticleContent:
    P, H, B = ClaimKind.PARAGRAPH, ClaimKind.HEADING, ClaimKind.BULLET
    return ArticleContent(
        title="Does baclofen relieve spasticity in multiple sclerosis?",
        claims=(
            ClaimData(
                P,
                "Baclofen relieves spasticity from multiple sclerosis, particularly flexor "
                "spasms, clonus and muscular rigidity.",
                citations=(1, 2),
                plain_text="Baclofen eases stiff, cramping muscles caused by MS.",
                evidence="high",
                passages=(
                    CitedPassage(
                        1,
                        "Baclofen is indicated for the alleviation of signs and symptoms of "
                        "spasticity resulting from multiple sclerosis, particularly for the "
                        "relief of flexor spasms and concomitant pain, clonus, and muscular "
                        "rigidity.",
                        "Section 1, Indications and Usage",
                    ),
                ),
            ),
            ClaimData(H, "How it is given"),
            ClaimData(
                B,
                "Oral doses usually total 30-80 mg a day, in 3-4 doses.",
                citations=(2,),
                evidence="moderate",
                passages=(CitedPassage(2, "Most patients respond to 30-80 mg daily.", "p. 4"),),
            ),
            ClaimData(
                B,
                "Intrathecal baclofen is for severe spasticity that oral doses do not relieve.",
                citations=(3,),
                evidence="low",
            ),
            ClaimData(B, "Tablets are swallowed with water.", needs_no_citation=True),
        ),
        references=(
            reference_data(1, title="Baclofen tablets: prescribing information"),
            reference_data(2, title="Oral baclofen dosing in MS", doi=f"doi:{RETRACTED_DOI}"),
            reference_data(3, title="Intrathecal baclofen for severe spasticity"),
        ),
    )


@pytest.fixture
def article(tmp_path):
    make_policy()
    article = approved_article(
        by=make_editor("e2e-writer"),
        reviewer=make_reviewer("e2e-verifier"),
        content=provenance_content(),
    )
    rendered_body_prepare(version_id=article.published_version_id)
    # Reference 2 is retracted after approval: its notice shows in the claims citing it.
    notices = write_csv(
        tmp_path / "rw.csv",
        [record(1, OriginalPaperDOI=RETRACTED_DOI, RetractionDate="3/14/2024 0:00")],
    )
    call_command("import_retractions", str(notices), "--no-progress", stdout=StringIO())
    cache.clear()
    return article


def open_every_disclosure(tab) -> int:
    """Open each disclosure as a reader would, by its summary; how many there are."""
    summaries = tab.locator("details[id^=claim-] > summary")
    for index in range(summaries.count()):
        summaries.nth(index).click()
    return summaries.count()


def test_a_reader_opens_a_claims_provenance_without_scripts(live_server, article, new_page):
    tab = new_page(width=1280, height=900, java_script_enabled=False)
    tab.goto(live_server.url + article.get_absolute_url())
    disclosure = tab.locator("details#claim-1")
    assert disclosure.get_attribute("open") is None
    assert not tab.get_by_text("Verified by").first.is_visible()
    disclosure.locator("summary").click()
    assert disclosure.get_attribute("open") == ""
    body = disclosure.inner_text()
    assert "High certainty (GRADE)" in body and "Section 1, Indications and Usage" in body
    assert "Verified by Dr. E2E-Verifier, MD on" in body
    assert "Reference 2 has since been retracted (March 2024)" in body
    # Keyboard: the summary is reachable and toggles with Enter.
    summary = tab.locator("details#claim-3 > summary")
    summary.focus()
    tab.keyboard.press("Enter")
    assert tab.locator("details#claim-3").get_attribute("open") == ""


@pytest.mark.parametrize("audience", ["professional", "patient"])
def test_every_disclosure_open_is_accessible_and_valid_at_both_widths(
    live_server, article, new_page, audience
):
    url = f"{live_server.url}{article.get_absolute_url()}?audience={audience}"
    documents = {}
    for width, height in ((1280, 900), (390, 844)):
        tab = new_page(width=width, height=height)
        tab.goto(url)
        assert open_every_disclosure(tab) == 4  # the facts, not the heading
        assert tab.locator("details[id^=claim-][open]").count() == 4
        assert_no_axe_violations(tab)
        overflow = tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{width}px: {overflow}px too wide"
        documents[f"{audience} {width}"] = tab.content()
        if audience == "professional":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            tab.locator("details#claim-1").scroll_into_view_if_needed()
            tab.locator(".article-body").screenshot(
                path=str(SCREENSHOTS / f"article-provenance-{width}.png")
            )
    assert_valid_html_many(documents)
