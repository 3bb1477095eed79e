"""Every claim shows its evidence: how strong, from which passage, checked by whom and when.

Only an approved version's claims carry a disclosure, and everything in it comes
from that version (its content document and the verifications recorded at
approval), rendered once per audience and stored; a pending page claims no
verification. Retraction notices change after approval, so they are filled into
the stored text at each render. Machines read the same in the JSON-LD.
"""

import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles import services
from articles.content import ArticleContent, CitedPassage, ClaimData, ClaimKind
from articles.evidence import SCALE
from articles.selectors import article_get_content
from public.models import RenderedBody
from tests.factories import approved_article, draft_article, reference_data, submitted_article
from tests.public import schema_org
from tests.public.test_article_queries import prepare
from tests.screening.conftest import import_csv  # noqa: F401 - a fixture
from tests.screening.csv_support import record, write_csv

pytestmark = pytest.mark.django_db

PASSAGE = "Baclofen reduced the frequency of flexor spasms in 78% of patients."
DOI = "10.1000/spast.2019.001"


def graded_content() -> ArticleContent:
    return ArticleContent(
        title="Does baclofen relieve spasticity in multiple sclerosis?",
        claims=(
            ClaimData(ClaimKind.HEADING, "What it is for"),
            ClaimData(
                ClaimKind.PARAGRAPH,
                "Baclofen relieves spasticity in multiple sclerosis.",
                citations=(1, 2),
                plain_text="Baclofen eases stiff muscles in MS.",
                evidence="moderate",
                passages=(CitedPassage(1, PASSAGE, "Table 2"),),
            ),
            ClaimData(ClaimKind.BULLET, "It is taken by mouth.", citations=(2,), evidence="high"),
            ClaimData(ClaimKind.BULLET, "It is a muscle relaxant.", needs_no_citation=True),
        ),
        references=(reference_data(1), reference_data(2, doi=f"doi:{DOI}")),
    )


@pytest.fixture
def approved(editor, reviewer, policy):
    article = approved_article(by=editor, reviewer=reviewer, content=graded_content())
    prepare(article)
    return article


def page(client, article, **params) -> str:
    response = client.get(article.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def disclosures(html: str) -> dict[str, str]:
    """Each claim's disclosure by its id ("claim-2")."""
    return dict(re.findall(r'<details id="(claim-\d+)">(.*?)</details>', html, re.S))


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


# -- What each audience reads ---------------------------------------------------------------


def test_professionals_read_the_grade_its_definition_the_passage_and_the_verifier(client, approved):
    html = page(client, approved)
    shown = disclosures(html)
    assert set(shown) == {"claim-2", "claim-3", "claim-4"}  # the facts, never the heading
    graded = shown["claim-2"]
    words = SCALE.words("moderate")
    assert "<summary>Evidence</summary>" in graded
    assert f"<b>{words.grade}</b> (GRADE): {words.definition}" in graded
    assert f"<blockquote>{PASSAGE}</blockquote>" in graded
    assert '<figcaption><a href="#ref-1">Reference 1</a>, Table 2</figcaption>' in graded
    verified_on = approved.published_version.approved_at
    assert f"Verified by Dr. Reviewer, MD on {verified_on:%B} {verified_on.day}, " in graded
    assert "General knowledge: no reference needed." in shown["claim-4"]
    # Inside the list item or after the paragraph, never inside a <p>.
    assert "</p><details" in html and "<p><details" not in html


def test_patients_read_the_level_in_plain_words(client, approved):
    shown = disclosures(page(client, approved, audience="patient"))
    assert SCALE.words("moderate").patient in shown["claim-2"]
    assert SCALE.words("high").patient in shown["claim-3"]
    assert "GRADE" not in shown["claim-2"] and "certainty" not in shown["claim-2"]
    assert "Verified by Dr. Reviewer, MD" in shown["claim-2"]


def test_the_disclosures_are_stored_with_the_approved_text_for_each_audience(approved):
    stored = dict(
        RenderedBody.objects.filter(version=approved.published_version).values_list(
            "audience", "html"
        )
    )
    assert "(GRADE)" in stored["professional"] and "(GRADE)" not in stored["patient"]
    assert all(PASSAGE in html for html in stored.values())


# -- Only the approved version ----------------------------------------------------------------


def test_an_edit_of_the_working_draft_after_approval_does_not_show(
    client, approved, editor, reviewer
):
    services.article_revise(article=approved, by=editor)
    content = article_get_content(article=approved)
    claims = list(content.claims)
    claims[1] = ClaimData(
        ClaimKind.PARAGRAPH,
        claims[1].text,
        citations=(1, 2),
        uid=claims[1].uid,
        evidence="very_low",
        passages=(CitedPassage(1, "An unverified passage.", "p. 9"),),
    )
    services.article_replace_content(
        article=approved,
        by=editor,
        expected_version=approved.content_version,
        content=ArticleContent(
            title=content.title, claims=tuple(claims), references=content.references
        ),
    )
    cache.clear()
    graded = disclosures(page(client, approved))["claim-2"]
    assert "Moderate certainty" in graded and PASSAGE in graded
    assert "Very low" not in graded and "An unverified passage." not in graded


def test_a_verifier_renamed_after_approval_is_shown_as_they_were_credited(
    client, approved, reviewer
):
    profile = reviewer.board_profile
    profile.name = "Dr. Someone Else"
    profile.save()
    cache.clear()
    html = page(client, approved)
    assert "Verified by Dr. Reviewer, MD" in disclosures(html)["claim-2"]


def test_a_pending_article_shows_no_provenance(client, editor, policy):
    article = submitted_article(by=editor, content=graded_content())
    html = page(client, article)
    assert "<details" not in html and "Verified by" not in html
    assert "Moderate certainty" not in html and PASSAGE not in html
    assert "hasPart" not in json_ld(html)


def test_a_desk_preview_of_a_draft_shows_no_provenance_and_claims_no_review(client, editor, policy):
    article = draft_article(by=editor, content=graded_content())
    client.force_login(editor)
    html = page(client, article, preview=1)
    assert "<details" not in html and "Verified by" not in html
    assert "All articles are reviewed" not in html
    assert "has not been submitted to our Medical Advisory Board yet" in html


# -- Retraction notices: changed after approval, filled in at each render -------------------------


def test_a_paper_retracted_after_approval_is_named_in_the_claims_citing_it(
    client,
    approved,
    tmp_path,
    import_csv,  # noqa: F811
):
    cache.clear()
    before = page(client, approved)  # kept for the next readers
    assert "has since been" not in "".join(disclosures(before).values())
    csv = write_csv(
        tmp_path / "rw.csv",
        [record(1, OriginalPaperDOI=DOI, RetractionDate="3/14/2024 0:00", RetractionDOI="10.9/n")],
    )
    assert import_csv(csv)[0] == 0
    shown = disclosures(page(client, approved))
    for claim in ("claim-2", "claim-3"):  # both cite reference 2
        assert "has since been <strong>retracted (March 2024)</strong>" in shown[claim]
        assert 'href="#ref-2">Reference 2</a>' in shown[claim]
        assert 'href="https://doi.org/10.9/n"' in shown[claim]
    assert "has since been" not in shown["claim-4"]
    # The stored text is as approved: the notice is not in it.
    assert all(
        "has since been" not in html for html in RenderedBody.objects.values_list("html", flat=True)
    )


# -- Machines --------------------------------------------------------------------------------


def test_json_ld_maps_levels_passages_and_verifiers_to_schema_org(client, approved):
    html = page(client, approved)
    data = json_ld(html)
    assert schema_org.problems(data) == []
    parts = {part["@id"]: part for part in data["hasPart"]}
    assert set(parts) == {"#claim-2", "#claim-3", "#claim-4"}
    for ident in parts:  # each names the disclosure on the page
        assert f'<details id="{ident[1:]}">' in html
    graded = parts["#claim-2"]
    assert graded["@type"] == ["Claim", "MedicalGuideline"]
    assert graded["evidenceLevel"] == {
        "@id": "/editorial-policy/#evidence-moderate",
        "@type": "MedicalEvidenceLevel",
        "name": "Moderate certainty (GRADE)",
    }
    assert graded["citation"] == [
        {"@id": "#ref-2"},
        {
            "@type": "Quotation",
            "text": PASSAGE,
            "isPartOf": {"@type": "CreativeWork", "name": "Table 2", "isPartOf": {"@id": "#ref-1"}},
        },
    ]
    assert parts["#claim-4"]["@type"] == "Claim"
    [review] = data["review"]
    member = approved.published_version.reviewers.get().board_profile.pk
    assert review["author"] == {"@id": f"/board/#member-{member}"}
    assert review["datePublished"] == approved.published_version.approved_at.date().isoformat()
    assert review["itemReviewed"] == [{"@id": i} for i in ("#claim-2", "#claim-3", "#claim-4")]
    assert data["reviewedBy"][0]["@id"] == f"/board/#member-{member}"
    assert [c["@id"] for c in data["citation"]] == ["#ref-1", "#ref-2"]


def test_the_vocabulary_check_finds_what_schema_org_does_not_define():
    page_ld = {
        "@type": "MedicalWebPage",
        "evidenceLevel": {"@type": "MedicalEvidenceLevel"},
        "hasPart": [{"@type": "Claim", "citation": [{"@type": "Person"}]}],
        "review": {"@type": "Rating"},
    }
    assert schema_org.problems(page_ld) == [
        "$: 'evidenceLevel' is not a property of ['MedicalWebPage']",
        "$.hasPart[0].citation: ['Person'] is not one of {'CreativeWork'}",
        "$.review: unknown type ['Rating']",
    ]


def test_the_api_gives_each_claim_its_level_passages_and_verifier(client, approved):
    body = client.get(reverse("api:article-detail", args=[approved.slug])).json()
    claim = body["claims"][1]
    assert claim["evidence"] == "moderate"
    assert claim["passages"] == [{"number": 1, "quote": PASSAGE, "locator": "Table 2"}]
    assert claim["verification"]["verified_by"] == "Dr. Reviewer, MD"
    assert body["review"]["evidence_scale_version"] == SCALE.version
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    fields = schema["components"]["schemas"]["Claim"]["properties"]
    assert {"evidence", "passages", "verification"} <= set(fields)


def test_the_api_claims_no_verification_while_pending(client, editor, policy):
    article = submitted_article(by=editor, content=graded_content())
    body = client.get(reverse("api:article-detail", args=[article.slug])).json()
    assert [c["verification"] for c in body["claims"]] == [None] * 4
    assert body["claims"][1]["evidence"] == "moderate"


# -- The policy page and the page around the article --------------------------------------------


def test_the_policy_page_explains_the_scale_with_its_version_and_date(client, policy):
    html = client.get(reverse("public:policy")).content.decode()
    assert f"Evidence scale version {SCALE.version}, effective" in html
    assert f'datetime="{SCALE.effective:%Y-%m-%d}"' in html
    assert "We use GRADE because" in html
    for level, words in SCALE.levels.items():
        assert f'<dt id="evidence-{level}">{words.grade}</dt>' in html
        assert words.definition in html


def test_the_article_page_credits_its_writers_and_hides_internal_words(client, approved, editor):
    html = page(client, approved)
    writer = editor.get_full_name() or editor.username
    assert f'<p class="byline byline-writers">Written by {writer}</p>' in html
    assert html.index("Written by") < html.index("Medically reviewed by")
    assert "Approval rule" not in html and "site default" not in html


def test_patients_get_a_disclaimer_written_for_them(client, approved):
    professional = page(client, approved)
    patient = page(client, approved, audience="patient")
    assert "intended for healthcare professionals" in professional
    assert "intended for healthcare professionals" not in patient
    assert "does not replace advice from your own doctor" in patient


def test_the_home_page_has_a_description(client, policy):
    html = client.get(reverse("public:home")).content.decode()
    assert re.search(r'<meta name="description" content="[^"]{50,160}">', html)
