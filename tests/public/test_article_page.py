"""What the article page shows, in the order the seed pages show it."""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.utils import timezone

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind
from public.models import SiteText
from tests.factories import (
    approved_article,
    declare_no_conflict,
    make_reviewer,
    reference_data,
    submitted_article,
    under_review_article,
)
from tests.public import schema_org

pytestmark = pytest.mark.django_db


def html_of(client, article, **params):
    response = client.get(article.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def in_order(html: str, *needles: str) -> bool:
    """Each needle appears after the previous one (searching from the previous match on)."""
    position = 0
    for needle in needles:
        found = html.find(needle, position)
        assert found >= 0, f"{needle!r} missing after position {position}"
        position = found + len(needle)
    return True


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_pending_article_shows_every_element_in_the_seed_order(client, policy):
    article = submitted_article(claims=4, references=2)
    html = html_of(client, article)
    assert in_order(
        html,
        "<h1",
        "What is baclofen used for?</h1>",
        "Medical Advisory Board",
        "All articles are reviewed for accuracy by our Medical Advisory Board",
        "Educational purpose only • Exercise caution as content is pending human review",
        "Article Review Status",
        "Submitted",
        "Under Review",
        "Approved",
        "Last updated:",
        "View editorial policy",
        "Personalize",
        "Which best describes you?",
        "Healthcare professional",
        "Patient or caregiver",
        'class="display-heading"',
        "Primary indications",
        "Claim 1 states a fact.",
        ">References</h2>",
        "Guideline number 1",
        "Professional Medical Disclaimer",
        "Have a follow-up question?",
    )
    assert '<meta name="robots" content="noindex">' in html
    assert "Medically reviewed by" not in html  # no byline before approval
    assert 'href="/editorial-policy/v1/"' in html


@pytest.mark.parametrize(
    ("make", "current"),
    [
        (lambda: submitted_article(), "Submitted"),
        (lambda: under_review_article(reviewer=make_reviewer("r9")), "Under Review"),
        (lambda: approved_article(), "Approved"),
    ],
)
def test_the_stepper_marks_the_current_step_for_eyes_and_screen_readers(
    client, policy, make, current
):
    html = html_of(client, make())
    steps = re.findall(
        r'<li class="step([^"]*)"( aria-current="step")?>\s*<span[^>]*>[^<]*</span>\s*'
        r'<span class="step-label">([^<]+)</span>',
        html,
    )
    assert [label for _, _, label in steps] == ["Submitted", "Under Review", "Approved"]
    marked = [label for _, aria, label in steps if aria]
    assert marked == [current]
    assert "(current step)" in html


def test_approved_article_has_no_banner_and_a_byline_linking_to_the_board(client, policy, reviewer):
    article = approved_article(reviewer=reviewer)
    html = html_of(client, article)
    assert "pending human review" not in html
    assert "noindex" not in html
    member = reviewer.board_profile
    today = timezone.localdate()
    assert f'<a href="/board/#member-{member.pk}">Dr. Reviewer, MD</a>' in html
    assert f"{today:%B} {today.day}, {today.year}" in html


def test_last_updated_reads_like_the_seed(client, policy, editor):
    content = ArticleContent(
        title="Q?",
        last_updated=datetime.date(2026, 2, 6),
        claims=(ClaimData(kind=ClaimKind.PARAGRAPH, text="A fact.", citations=(1,)),),
        references=(reference_data(1),),
    )
    article = services.article_create(by=editor, title="Q?", content=content)
    services.article_submit(article=article, by=editor)
    assert 'Last updated: <time datetime="2026-02-06">February 6, 2026</time>' in html_of(
        client, article
    )


def test_body_nests_lists_and_links_each_citation_to_its_reference_and_back(client, policy, editor):
    content = ArticleContent(
        title="How is it dosed?",
        display_heading="Dosing",
        claims=(
            ClaimData(kind=ClaimKind.HEADING, text="Steps"),
            ClaimData(kind=ClaimKind.NUMBERED, text="Start low.", citations=(1,)),
            ClaimData(kind=ClaimKind.BULLET, text="5 mg a day.", level=1, citations=(1, 2)),
            ClaimData(kind=ClaimKind.NUMBERED, text="Titrate.", citations=(2,)),
            ClaimData(kind=ClaimKind.SUBHEADING, text="Notes"),
            ClaimData(kind=ClaimKind.PARAGRAPH, text="Taper slowly.", citations=(2,)),
        ),
        references=(reference_data(1, doi="10.1000/xyz", pmid="123456"), reference_data(2)),
    )
    article = services.article_create(by=editor, title=content.title, content=content)
    services.article_submit(article=article, by=editor)
    html = html_of(client, article)
    body = html[html.index('class="article-body"') : html.index('id="references"')]
    flat = re.sub(r"\s+", "", body)
    assert "<ol><li>Startlow." in flat
    assert "</sup><ul><li>5mgaday." in flat  # nested under its numbered item
    assert "</ul></li><li>Titrate." in flat
    assert "<h3>Steps" in flat and "<h4>Notes" in flat
    assert (
        '<sup class="cites"><a href="#ref-1" id="cite-1-2" class="cite">1</a>, '
        '<a href="#ref-2" id="cite-2-1" class="cite">2</a></sup>' in body
    )
    refs = html[html.index('id="references"') :]
    assert 'id="ref-1"' in refs and 'href="#cite-1-1"' in refs and 'href="#cite-1-2"' in refs
    assert '<a href="https://doi.org/10.1000/xyz" rel="noopener">DOI: 10.1000/xyz</a>' in refs
    assert (
        '<a href="https://pubmed.ncbi.nlm.nih.gov/123456/" rel="noopener">PMID: 123456</a>' in refs
    )
    assert "Praxis Medical Insights, 2021" in refs


def test_unresolved_citations_are_marked_never_linked(client, policy, editor):
    content = ArticleContent(
        title="Q?",
        claims=(ClaimData(kind=ClaimKind.PARAGRAPH, text="Cited twice.", citations=(1, 3)),),
        references=(reference_data(1),),
    )
    article = services.article_create(by=editor, title="Q?", content=content)
    services.article_receive_import(article=article, by=editor, note="Imported")
    html = html_of(client, article)
    assert 'href="#ref-2"' not in html and 'href="#ref-3"' not in html and 'id="ref-2"' not in html
    assert '2<span class="visually-hidden"> (unresolved citation)</span>' in html
    assert "Unresolved citations" in html


def test_the_disclaimer_is_the_site_text_admins_edit(client, policy):
    article = submitted_article()
    html = html_of(client, article)
    assert "Medical Answers assumes no liability for clinical decisions" in html
    assert "Dr.Oracle" not in html
    SiteText.objects.filter(key=SiteText.DISCLAIMER).update(
        text="First paragraph.\n\nSecond paragraph."
    )
    text = SiteText.objects.get(key=SiteText.DISCLAIMER)
    text.save()  # a save through the admin moves updated_at, and with it the page's cache key
    html = html_of(client, article)
    assert "<p>First paragraph.</p><p>Second paragraph.</p>" in html


def plain_content():
    return ArticleContent(
        title="What is it for?",
        claims=(
            ClaimData(
                kind=ClaimKind.PARAGRAPH,
                text="Indicated for spasticity.",
                citations=(1,),
                plain_text="It eases stiff, tight muscles.",
            ),
            ClaimData(kind=ClaimKind.BULLET, text="Not for stroke.", citations=(1,)),
        ),
        references=(reference_data(1),),
    )


def test_patients_see_plain_language_where_the_article_has_it(client, policy, editor):
    article = services.article_create(by=editor, title="What is it for?", content=plain_content())
    services.article_submit(article=article, by=editor)
    professional = html_of(client, article)
    assert "Indicated for spasticity." in professional and "stiff, tight" not in professional
    patient = client.get(article.get_absolute_url(), {"audience": "patient"}).content.decode()
    assert (
        "It eases stiff, tight muscles." in patient and "Indicated for spasticity." not in patient
    )
    assert "Not for stroke." in patient  # no plain version: the original stays
    assert 'value="patient" checked' in patient
    assert json_ld(patient)["audience"]["audienceType"] == "Patient"


def test_the_audience_is_chosen_in_the_url_without_javascript(client, policy):
    """The form submits ?audience=...; the page for that audience is its own URL, no cookie."""
    article = submitted_article()
    url = article.get_absolute_url()
    page = client.get(url).content.decode()
    assert f'<form method="get" action="{url}#personalize" class="audience-form">' in page
    response = client.get(url, {"audience": "patient"})
    assert response.status_code == 200 and not response.cookies
    assert 'value="patient" checked' in response.content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}{url}">' in response.content.decode()
    # Nothing about the choice follows the reader to the plain URL: a CDN keys on the URL.
    assert 'value="professional" checked' in client.get(url).content.decode()
    assert client.get(url, {"audience": "astronaut"}).status_code == 400


def test_review_history_lists_each_approved_version_with_its_summary(
    client, policy, editor, reviewer
):
    from tests.factories import verify_all_claims

    article = approved_article(by=editor, reviewer=reviewer)
    services.article_revise(article=article, by=editor)
    services.article_submit(article=article, by=editor, summary="Corrected the dosing range.")
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    html = html_of(client, article)
    history = html[
        html.index('id="review-history"') : html.index("Professional Medical Disclaimer")
    ]
    assert in_order(history, "(this version)", "Corrected the dosing range.", "First publication")
    assert history.count("(this version)") == 1
    assert history.count("Reviewed by <a href=") == 2
    assert html.index('id="references"') < html.index('id="review-history"')


def test_json_ld_describes_the_reviewed_medical_page(client, policy, reviewer):
    article = approved_article(reviewer=reviewer, references=2)
    html = html_of(client, article)
    data = json_ld(html)
    assert schema_org.problems(data) == []  # every type and property as schema.org defines it
    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == article.title
    assert data["url"] == settings.SITE_URL + article.get_absolute_url()
    assert data["dateModified"] == article.last_updated.isoformat()
    assert data["lastReviewed"] == article.published_version.approved_at.date().isoformat()
    assert [person["name"] for person in data["reviewedBy"]] == ["Dr. Reviewer"]
    assert data["audience"]["audienceType"] == "Clinician"
    assert [c["name"] for c in data["citation"]] == ["Guideline number 1", "Guideline number 2"]
    assert f'<link rel="canonical" href="{settings.SITE_URL}{article.get_absolute_url()}">' in html
    assert '<meta property="og:title" content="What is baclofen used for?">' in html


def test_pending_json_ld_claims_no_review(client, policy):
    data = json_ld(html_of(client, submitted_article()))
    assert "reviewedBy" not in data and "lastReviewed" not in data


def test_the_page_escapes_article_text(client, policy, editor):
    content = ArticleContent(
        title="Is <b>bold</b> safe?",
        claims=(
            ClaimData(
                kind=ClaimKind.PARAGRAPH, text="</script><script>alert(1)</script>", citations=(1,)
            ),
        ),
        references=(reference_data(1),),
    )
    article = services.article_create(by=editor, title=content.title, content=content)
    services.article_submit(article=article, by=editor)
    html = html_of(client, article)
    assert "<script>alert(1)" not in html and "<b>bold</b>" not in html
    assert json_ld(html)["name"] == "Is <b>bold</b> safe?"


def test_the_default_disclaimer_shows_when_no_text_is_stored(client, policy):
    SiteText.objects.all().delete()
    assert "Medical Answers assumes no liability" in html_of(client, submitted_article())


def test_choosing_an_audience_in_a_desk_preview_stays_in_the_preview(client, policy, editor):
    from tests.factories import draft_article

    article = draft_article(by=editor)
    client.force_login(editor)
    response = client.get(article.get_absolute_url(), {"audience": "patient", "preview": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and 'value="patient" checked' in html
    assert '<input type="hidden" name="preview" value="1">' in html
    assert "no-store" in response["Cache-Control"]
