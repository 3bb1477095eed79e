"""The public site in a real browser: accessible (axe), valid HTML (vnu), and usable.

Screenshots of the article pages are written to $PUBLIC_SCREENSHOT_DIR when it
is set (docs/screenshots holds the committed ones), else to a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind, ReferenceKind
from public.models import FollowUpQuestion
from tests.browser import assert_no_axe_violations, assert_valid_html_many
from tests.factories import (
    approved_article,
    declare_no_conflict,
    draft_article,
    make_admin,
    make_editor,
    make_policy,
    make_reviewer,
    reference_data,
    submitted_article,
    under_review_article,
    verify_all_claims,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def approved_content() -> ArticleContent:
    """A realistic approved article: nested lists, plain-language text, identified references."""
    P, H, B, N = ClaimKind.PARAGRAPH, ClaimKind.HEADING, ClaimKind.BULLET, ClaimKind.NUMBERED
    claims = (
        ClaimData(
            kind=P,
            text="Baclofen is approved for spasticity from multiple sclerosis and spinal cord "
            "injury or disease, especially flexor spasms, pain, clonus and rigidity.",
            citations=(1,),
            plain_text="Baclofen relaxes muscles that are stiff or cramping because of multiple "
            "sclerosis or a spinal cord injury.",
        ),
        ClaimData(kind=H, text="How it is given"),
        ClaimData(
            kind=B,
            text="Oral baclofen, usually 30-80 mg a day in 3-4 doses.",
            citations=(2,),
            plain_text="Tablets, taken three or four times a day.",
        ),
        ClaimData(
            kind=B, text="Start at 5-10 mg a day and increase slowly.", level=1, citations=(2,)
        ),
        ClaimData(
            kind=B,
            text="Intrathecal baclofen for severe spasticity unresponsive to oral doses.",
            citations=(2, 3),
        ),
        ClaimData(kind=H, text="Treatment steps"),
        ClaimData(kind=N, text="Stretching, positioning and splinting first.", citations=(3,)),
        ClaimData(kind=N, text="Botulinum toxin for focal spasticity.", citations=(3,)),
        ClaimData(kind=N, text="Oral agents for generalized spasticity.", citations=(1, 3)),
        ClaimData(kind=ClaimKind.SUBHEADING, text="Stopping safely"),
        ClaimData(
            kind=P,
            text="Abrupt discontinuation can cause seizures and hallucinations; taper over weeks.",
            citations=(2,),
            plain_text="Never stop suddenly: your doctor will lower the dose slowly.",
        ),
    )
    references = (
        reference_data(
            1,
            kind=ReferenceKind.DRUG_LABEL,
            title="Baclofen tablets: prescribing information",
            source="DailyMed, US National Library of Medicine",
            year=2024,
        ),
        reference_data(
            2,
            kind=ReferenceKind.RESEARCH,
            title="Intrathecal baclofen therapy for spinal origin spasticity",
            source="Neuromodulation",
            year=1999,
            doi="10.1046/j.1525-1403.1999.00012.x",
            pmid="22151180",
        ),
        reference_data(
            3,
            title="Adult stroke rehabilitation and recovery",
            source="American Heart Association",
            year=2016,
        ),
    )
    return ArticleContent(
        title="How is baclofen used to treat spasticity?",
        display_heading="Baclofen for Spasticity",
        claims=claims,
        references=references,
    )


@pytest.fixture
def site(transactional_db):
    """One article in each public state, the policy, the board; seeds when the parser is there."""
    cache.clear()
    make_policy()
    editor = make_editor("e2e-editor")
    reviewer = make_reviewer("e2e-reviewer")
    member = reviewer.board_profile
    member.name, member.credentials = "Dr. Amara Okafor", "MD, PhD"
    member.specialty, member.disclosures = "Neurology", "No relevant financial relationships."
    member.save()
    approved = approved_article(by=editor, reviewer=reviewer, content=approved_content())
    services.article_revise(article=approved, by=editor)
    services.article_submit(article=approved, by=editor, summary="Clarified the oral dosing range.")
    declare_no_conflict(approved, reviewer)
    services.article_start_review(article=approved, by=reviewer)
    verify_all_claims(approved, reviewer)
    services.article_approve(article=approved, by=reviewer)
    pages = {
        "approved": approved,
        "submitted": submitted_article(by=editor, title="Is tizanidine sedating?"),
        "under-review": under_review_article(
            by=editor, reviewer=reviewer, title="When is dantrolene used?"
        ),
    }
    try:
        from tests.public.conftest import import_seed

        for index in (0, 1):
            seed = import_seed(index, by=editor)
            pages[seed.slug] = seed
    except ImportError:
        pass
    return pages


def urls_of(site: dict) -> dict[str, tuple[str, int]]:
    """Every public page to check: {name: (path, expected status)}."""
    urls = {f"article {name}": (a.get_absolute_url(), 200) for name, a in site.items()}
    # Readers were shown it approved: its address answers 410 with the notice (one never
    # approved answers 404).
    retracted = approved_article(title="Is carisoprodol still used?", reviewer=make_reviewer("r-x"))
    services.article_retract(
        article=retracted, by=make_admin("e2e-admin"), comment="Superseded by newer guidance."
    )
    urls.update(
        {
            "article retracted": (retracted.get_absolute_url(), 410),
            "home": ("/", 200),
            "policy": ("/editorial-policy/", 200),
            "board": ("/board/", 200),
            "search": ("/search/?q=baclofen", 200),
        }
    )
    return urls


def server_rendered_pages(site: dict) -> dict[str, str]:
    """Pages a browser only reaches by acting: a refused question, the thanks page, a preview."""
    article = site["approved"]
    client = Client()
    refused = client.post(
        f"{article.get_absolute_url()}follow-up/",
        {"question": " "},
        HTTP_ORIGIN="http://testserver",
    )
    assert refused.status_code == 400
    thanks = client.get(f"{article.get_absolute_url()}follow-up/thanks/")
    desk = Client()
    desk.force_login(make_editor("e2e-editor"))
    draft = draft_article(by=make_editor("e2e-editor"), title="Is methocarbamol sedating?")
    preview = desk.get(draft.get_absolute_url())
    assert preview.status_code == 200 and thanks.status_code == 200
    return {
        "follow-up refused": refused.content.decode(),
        "follow-up thanks": thanks.content.decode(),
        "desk preview of a draft": preview.content.decode(),
    }


def test_public_pages_are_accessible_and_valid(live_server, site, new_page):
    documents = server_rendered_pages(site)
    # axe is evaluated through the DevTools protocol, so the site's CSP stays enforced.
    page, narrow_page = new_page(width=1280, height=900), new_page(width=360, height=800)
    for name, (path, status) in urls_of(site).items():
        for label, tab in (("1280", page), ("360", narrow_page)):
            response = tab.goto(live_server.url + path)
            assert response.status == status, f"{name}: {response.status}"
            if label == "1280":
                documents[name] = response.text()
            assert_no_axe_violations(tab)
            # Nothing may stick out sideways on a small phone.
            overflow = tab.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{name} at {label}px is {overflow}px too wide"
    assert_valid_html_many(documents)


def test_a_reader_follows_a_citation_switches_audience_and_asks(live_server, site, page):
    article = site["approved"]
    page.goto(live_server.url + article.get_absolute_url())
    page.click("sup.cites a[href='#ref-2']")
    assert page.url.endswith("#ref-2")
    assert page.locator("#ref-2").is_visible()
    assert page.evaluate("() => document.querySelector(':target').id") == "ref-2"
    page.click("#ref-2 .backlinks a >> nth=0")
    assert page.url.endswith("#cite-2-1")

    assert page.locator("text=Abrupt discontinuation can cause seizures").count() == 1
    page.check("input[name=audience][value=patient]")
    page.click("text=Apply")
    page.wait_for_url("**/?audience=patient#personalize")
    assert page.locator("text=Never stop suddenly").count() == 1
    assert page.locator("text=Abrupt discontinuation can cause seizures").count() == 0
    assert page.locator("input[type=radio][value=patient]").is_checked()

    # Printed, the article keeps its sources and loses the site's furniture.
    page.emulate_media(media="print")
    assert (
        not page.locator(".personalize").is_visible()
        and not page.locator(".follow-up").is_visible()
    )
    assert page.locator("#references").is_visible() and page.locator(".site-header").is_hidden()
    page.emulate_media(media="screen")

    page.fill("#id_question", "Can baclofen be taken with gabapentin?")
    page.click("text=Send question")
    # The answer is shown in place, under the form (answers/, tests/e2e/test_answers_browser.py).
    page.locator("#follow-up-answer").wait_for()
    assert "Answer to your question" in page.locator(".follow-up").inner_text()
    stored = FollowUpQuestion.objects.get()
    assert (
        stored.question == "Can baclofen be taken with gabapentin?" and stored.audience == "patient"
    )
    # Reading, choosing an audience and asking left nothing in the browser.
    assert page.context.cookies() == []


def test_the_follow_up_form_posted_from_another_site_is_refused(live_server, site, page):
    """A copy of the form on a foreign page: Chromium names that page's origin, and we refuse."""
    action = live_server.url + site["approved"].get_absolute_url() + "follow-up/"
    foreign = (
        f'<form method="post" action="{action}"><textarea name="question">Spam?</textarea>'
        '<button type="submit">Send</button></form>'
    )
    page.route(
        "http://elsewhere.example/**",
        lambda route: route.fulfill(body=foreign, content_type="text/html"),
    )
    page.goto("http://elsewhere.example/form")
    with page.expect_navigation() as navigation:
        page.click("text=Send")
    assert navigation.value.status == 403
    assert FollowUpQuestion.objects.count() == 0


def test_invalid_follow_up_is_accessible_and_keeps_the_text(live_server, site, new_page):
    page = new_page(width=1280, height=900)
    page.goto(live_server.url + site["submitted"].get_absolute_url())
    page.fill("#id_question", "x" * 10)
    page.evaluate("() => document.querySelector('#id_question').removeAttribute('required')")
    page.fill("#id_question", "   ")
    page.click("text=Send question")
    # Refused in place: the form comes back with its error, the question kept.
    page.locator("#question-errors").wait_for()
    assert "Write your question." in page.content()
    assert_no_axe_violations(page)
    assert FollowUpQuestion.objects.count() == 0


def test_article_screenshots(live_server, site, new_page):
    """Full-page screenshots of the approved example and the seeds, at 1280 and 360 px."""
    target = os.environ.get("PUBLIC_SCREENSHOT_DIR")
    if not target:
        pytest.skip(
            "set PUBLIC_SCREENSHOT_DIR (e.g. docs/screenshots) to write the article screenshots"
        )
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    for name, article in site.items():
        if name in ("submitted", "under-review"):
            continue
        for width in (1280, 360):
            tab = new_page(width=width, height=900)
            tab.goto(live_server.url + article.get_absolute_url())
            path = out / f"article-{article.slug}-{width}.png"
            tab.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
