"""Script and markup typed into any text field comes out inert on every page that shows it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.models import ClaimReview
from public import services as public_services
from tests.factories import reference_data, under_review_article, verify_all_claims

SCRIPT = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{ATTR}"
# What must never appear in a page: the markup the payload would become if unescaped.
LIVE = ("<script>alert(1)", "<img src=x", "onerror=alert(1)>")


def hostile_content() -> ArticleContent:
    refs = (
        reference_data(
            1, title=f"Trial {PAYLOAD}", source=f"Journal {PAYLOAD}", authors=f"Smith {PAYLOAD}"
        ),
        reference_data(2, title="Plain guideline", url="https://example.org/guide?a=1&b=<x>"),
    )
    claims = (
        ClaimData(kind=ClaimKind.HEADING, text=f"Heading {PAYLOAD}"),
        ClaimData(
            kind=ClaimKind.PARAGRAPH,
            text=f"Claim {PAYLOAD}",
            citations=(1,),
            plain_text=f"Plainly {PAYLOAD}",
        ),
        ClaimData(kind=ClaimKind.BULLET, text=f"Bullet {ATTR}", citations=(2,)),
    )
    title = f"Is {SCRIPT} safe{ATTR}?"
    return ArticleContent(title=title, display_heading=title, claims=claims, references=refs)


@pytest.fixture
def hostile(editor, reviewer, other_reviewer, site_admin, policy):
    """A published article, one sent back with comments, and a reader's question, all hostile."""
    published = under_review_article(by=editor, reviewer=reviewer, content=hostile_content())
    verify_all_claims(published, reviewer)
    published = services.article_approve(article=published, by=reviewer, comment=f"Fine {PAYLOAD}")
    public_services.followup_question_create(
        article=published, question=f"And {PAYLOAD}?", client="c"
    )

    returned = under_review_article(by=editor, reviewer=other_reviewer, content=hostile_content())
    claim = returned.claims.filter(kind=ClaimKind.PARAGRAPH).first()
    services.claim_review(
        claim=claim,
        by=other_reviewer,
        verdict=ClaimReview.Verdict.NEEDS_CHANGE,
        comment=f"Fix {PAYLOAD}",
    )
    services.article_request_changes(article=returned, by=other_reviewer, comment=f"Redo {PAYLOAD}")
    return published, returned


def _assert_inert(pages: dict[str, object]) -> None:
    problems = []
    for name, response in pages.items():
        assert response.status_code == 200, f"{name}: {response.status_code}"
        html = response.content.decode()
        problems += [f"{name}: {live!r}" for live in LIVE if live in html]
        if "Trial" in html or "Claim" in html or "Redo" in html:
            assert "&lt;script&gt;" in html or "\\u003cscript" in html, (
                f"{name}: payload not shown escaped"
            )
    assert not problems, "Live markup on a page:\n  " + "\n  ".join(problems)


def test_public_pages_show_hostile_text_inert(hostile):
    published, _ = hostile
    client = Client()
    article = published.get_absolute_url()
    _assert_inert(
        {
            "article": client.get(article),
            "article (cached)": client.get(article),
            "article (plain language)": Client(HTTP_COOKIE="audience=patient").get(article),
            "home": client.get("/"),
            "search": client.get("/search/", {"q": "safe"}),
            "feed": client.get("/feeds/approvals.atom"),
            "sitemap": client.get("/sitemap-articles.xml"),
        }
    )


def test_desk_and_admin_pages_show_hostile_text_inert(hostile, editor, reviewer, site_admin):
    published, returned = hostile
    desk = Client()
    desk.force_login(editor)
    board = Client()
    board.force_login(reviewer)
    admin = Client()
    admin.force_login(site_admin)
    _assert_inert(
        {
            "dashboard": desk.get("/desk/"),
            "article list": desk.get("/desk/articles/"),
            "returned article": desk.get(f"/desk/articles/{returned.pk}/"),
            "edit": desk.get(f"/desk/articles/{returned.pk}/edit/"),
            "references": desk.get(f"/desk/articles/{returned.pk}/references/"),
            "timeline": desk.get(f"/desk/articles/{returned.pk}/timeline/"),
            "preview": desk.get(f"/desk/articles/{returned.pk}/preview/"),
            "published at the desk": board.get(f"/desk/articles/{published.pk}/"),
            "diff": board.get(f"/desk/articles/{published.pk}/diff/"),
            "admin list": admin.get("/admin/articles/article/"),
            "admin change": admin.get(f"/admin/articles/article/{published.pk}/change/"),
        }
    )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>"]
)
def test_a_script_url_is_refused_as_a_reference_link(url, editor):
    with pytest.raises(ValidationError):
        services.reference_get_or_create(data=reference_data(9, url=url), by=editor)
