"""A claim's evidence level: part of what the board verifies, set and refused alike at every door.

The level (GRADE certainty, ``articles.evidence``) is in the claim's fingerprint, so
a change through the desk, the API or an import makes the claim's verdict stale;
the admin shows it but cannot change it. Headings and claims that need no reference
have none, and every door says so. Approval records who verified each claim and
when, from the verdicts that count.
"""

import dataclasses
import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from api import services as api_services
from articles import readiness, reviewed, services
from articles.content import ArticleContent, CitedPassage, ClaimData, ClaimKind
from articles.evidence import SCALE, EvidenceLevel
from articles.imports import article_import
from articles.interchange import render_json, render_markdown
from articles.interchange.markdown import parse_markdown
from articles.models import ArticleVersion, Claim
from articles.selectors import article_get_content
from tests.factories import (
    approved_article,
    declare_no_conflict,
    draft_article,
    make_reviewer,
    reference_data,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db


def graded_content(level: str = EvidenceLevel.MODERATE) -> ArticleContent:
    return ArticleContent(
        title="Does baclofen relieve spasticity in multiple sclerosis?",
        claims=(
            ClaimData(ClaimKind.HEADING, "What it is for"),
            ClaimData(
                ClaimKind.PARAGRAPH,
                "Baclofen relieves spasticity in multiple sclerosis.",
                citations=(1,),
                evidence=level,
                passages=(CitedPassage(1, "Baclofen reduced spasm frequency.", "Table 2"),),
            ),
            ClaimData(ClaimKind.BULLET, "It is a muscle relaxant.", needs_no_citation=True),
        ),
        references=(reference_data(1),),
    )


def graded_claim(article) -> Claim:
    return article.claims.get(position=1)


def verified(article) -> list[bool]:
    article.forget_cached_content()
    return [summary.verified for summary in readiness.claim_summaries(article)]


@pytest.fixture
def returned(editor, reviewer):
    """Verified by the board, then sent back: back in draft, every verdict still counting."""
    article = draft_article(by=editor, content=graded_content())
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    services.article_request_changes(article=article, by=reviewer, comment="One more source.")
    article.refresh_from_db()
    assert verified(article) == [True, True, True]
    return article


# -- The fingerprint ---------------------------------------------------------------------


def test_the_level_is_part_of_the_claim_fingerprint_and_of_the_content(editor):
    article = draft_article(by=editor, content=graded_content())
    claim = graded_claim(article)
    content = article_get_content(article=article)
    assert claim.evidence == "moderate"
    assert content.claims[1].evidence == "moderate"
    # The model and the content agree, and another level is another fingerprint.
    assert claim.fingerprint() == reviewed.claim_data_fingerprint(
        content.claims[1], content.references
    )
    regraded = dataclasses.replace(content.claims[1], evidence=EvidenceLevel.HIGH)
    assert reviewed.claim_data_fingerprint(regraded, content.references) != claim.fingerprint()
    assert reviewed.content_fingerprint(
        dataclasses.replace(content, claims=(content.claims[0], regraded, content.claims[2]))
    ) != reviewed.content_fingerprint(content)


def test_a_claim_without_a_level_keeps_the_fingerprint_it_had_before_levels():
    ungraded = ClaimData(ClaimKind.PARAGRAPH, "A fact.", citations=(1,))
    material = reviewed.claim_material(
        kind="paragraph",
        level=0,
        text="A fact.",
        plain_text="",
        needs_no_citation=False,
        cited=reviewed.cited_details(ungraded, (reference_data(1),)),
    )
    assert "evidence" not in material
    assert reviewed.claim_data_fingerprint(ungraded, (reference_data(1),)) == (
        reviewed.claim_fingerprint(**material)
    )


# -- A change through every door makes the verdict stale -----------------------------


def test_a_level_changed_at_the_desk_makes_the_verdict_stale(client, returned, editor):
    claim = graded_claim(returned)
    client.force_login(editor)
    response = client.post(
        reverse("desk:editor_save", kwargs={"pk": returned.pk, "uid": claim.uid}),
        {
            "expected_version": returned.content_version,
            "claim_version": claim.version,
            "kind": claim.kind,
            "level": claim.level,
            "text": claim.text,
            "plain_text": claim.plain_text,
            "citations": "1",
            "citations_shown": "1",
            "evidence": "low",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.evidence, claim.version) == ("low", 2)
    assert verified(returned) == [True, False, True]
    assert claim.history.first().history_change_reason == "Claim edited"


def test_a_desk_form_without_the_level_keeps_it(client, returned, editor):
    claim = graded_claim(returned)
    client.force_login(editor)
    client.post(
        reverse("desk:editor_save", kwargs={"pk": returned.pk, "uid": claim.uid}),
        {
            "expected_version": returned.content_version,
            "claim_version": claim.version,
            "kind": claim.kind,
            "level": 0,
            "text": "Baclofen relieves spasticity in MS.",
            "plain_text": "",
            "citations": "1",
            "citations_shown": "1",
        },
    )
    claim.refresh_from_db()
    assert (claim.text, claim.evidence) == ("Baclofen relieves spasticity in MS.", "moderate")


def _put_draft(client, article, content):
    return client.generic(
        "PUT",
        reverse("api:draft-detail", args=[article.pk]),
        render_json(content),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{article.content_version}"',
    )


def _api_client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    _, key = api_services.api_token_create(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.mark.parametrize(
    "change",
    [
        {"evidence": EvidenceLevel.VERY_LOW},
        {"passages": (CitedPassage(1, "Baclofen reduced spasm frequency.", "Table 3"),)},
    ],
    ids=["level", "passage"],
)
def test_a_level_or_passage_changed_through_the_api_makes_the_verdict_stale(
    returned, editor, change
):
    content = article_get_content(article=returned)
    claims = list(content.claims)
    claims[1] = dataclasses.replace(claims[1], **change)
    response = _put_draft(
        _api_client(editor), returned, dataclasses.replace(content, claims=tuple(claims))
    )
    assert response.status_code == 200, response.content
    assert verified(returned) == [True, False, True]


@pytest.mark.parametrize(
    "change",
    [
        {"evidence": EvidenceLevel.HIGH},
        {"passages": (CitedPassage(1, "Spasm frequency fell by half.", "Table 2"),)},
    ],
    ids=["level", "passage"],
)
def test_a_level_or_passage_changed_by_an_import_makes_the_verdict_stale(returned, editor, change):
    content = article_get_content(article=returned)
    claims = list(content.claims)
    claims[1] = dataclasses.replace(claims[1], **change)
    markdown = render_markdown(dataclasses.replace(content, claims=tuple(claims)))
    article_import(content=parse_markdown(markdown), by=editor, source_name="article.md")
    assert verified(returned) == [True, False, True]


def test_the_admin_shows_the_level_and_cannot_change_it(client, site_admin, returned):
    claim = graded_claim(returned)
    client.force_login(site_admin)
    url = reverse("admin:articles_claim_change", args=[claim.pk])
    assert "Moderate" in client.get(url).content.decode()
    assert client.post(url, {"evidence": "high", "text": claim.text}).status_code == 403
    claim.refresh_from_db()
    assert claim.evidence == "moderate"
    assert verified(returned) == [True, True, True]


# -- Headings and claims that need no reference have none: refused at every door -----------


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        (ClaimData(ClaimKind.HEADING, "Uses", evidence="high"), "headings state no fact"),
        (
            ClaimData(ClaimKind.PARAGRAPH, "Water is wet.", needs_no_citation=True, evidence="low"),
            "needs no reference has no evidence level",
        ),
        (ClaimData(ClaimKind.PARAGRAPH, "A fact.", citations=(1,), evidence="A"), "GRADE"),
    ],
    ids=["heading", "needs-no-reference", "unknown-level"],
)
def test_the_services_refuse_a_level_where_none_can_be(editor, claim, message):
    content = ArticleContent(
        title="Is this refused?", claims=(claim,), references=(reference_data(1),)
    )
    with pytest.raises(ValidationError) as refused:
        draft_article(by=editor, content=content)
    assert message in str(refused.value.message_dict["evidence"])


def test_the_desk_refuses_a_level_on_a_claim_marked_as_needing_no_reference(client, editor):
    article = draft_article(by=editor, content=graded_content())
    claim = article.claims.get(position=2)
    client.force_login(editor)
    response = client.post(
        reverse("desk:editor_save", kwargs={"pk": article.pk, "uid": claim.uid}),
        {
            "expected_version": article.content_version,
            "claim_version": claim.version,
            "kind": claim.kind,
            "level": 0,
            "text": claim.text,
            "plain_text": "",
            "citations": "",
            "citations_shown": "",
            "needs_no_citation": "on",
            "evidence": "high",
        },
    )
    assert response.status_code == 400
    assert "needs no reference has no evidence level" in response.content.decode()
    claim.refresh_from_db()
    assert claim.evidence == ""


def test_the_desk_refuses_turning_a_graded_claim_into_a_heading(client, editor):
    article = draft_article(by=editor, content=graded_content())
    claim = graded_claim(article)
    client.force_login(editor)
    response = client.post(
        reverse("desk:editor_save", kwargs={"pk": article.pk, "uid": claim.uid}),
        {
            "expected_version": article.content_version,
            "claim_version": claim.version,
            "kind": "heading",
            "level": 0,
            "text": "Uses",
            "plain_text": "",
            "evidence": "moderate",
        },
    )
    assert response.status_code == 400
    assert "Headings state no fact, so they have no evidence level." in response.content.decode()
    claim.refresh_from_db()
    assert (claim.kind, claim.evidence) == ("paragraph", "moderate")


def test_the_api_refuses_a_level_on_a_heading_with_its_json_path(editor):
    data = json.loads(render_json(graded_content()))
    data["claims"][0]["evidence"] = "high"
    response = _api_client(editor).generic(
        "POST", reverse("api:draft-list"), json.dumps(data), content_type="application/json"
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields == [
        {
            "path": "$.claims[0].evidence",
            "message": "headings state no fact, so they have no evidence level",
        }
    ]


def test_markdown_refuses_a_level_on_a_claim_needing_no_reference_with_its_line():
    text = "# Is this refused?\n\nWater is wet. <!-- no-citation evidence=high -->\n"
    with pytest.raises(Exception) as refused:
        parse_markdown(text)
    assert "line 3: a claim that needs no reference has no evidence level" in str(refused.value)


def test_the_database_refuses_a_level_on_a_heading(editor):
    from django.db import IntegrityError, transaction

    article = draft_article(by=editor, content=graded_content())
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(article=article, position=0).update(evidence="high")


# -- Approval records who verified each claim and when -------------------------------------


def test_approval_records_who_verified_each_claim_and_when_from_counted_verdicts(editor, reviewer):
    other = make_reviewer("reviewer2")
    article = draft_article(by=editor, content=graded_content())
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    declare_no_conflict(article, other)
    services.claim_review(claim=graded_claim(article), by=other, verdict="verified")
    # The later verdict stops counting (its reviewer loses the board role) before approval:
    # the claim is recorded as verified by the one whose verdict still counts.
    other.groups.clear()
    article.forget_cached_content()
    services.article_approve(article=article, by=reviewer)
    version = ArticleVersion.objects.get(article=article)
    uids = [str(uid) for uid in article.claims.values_list("uid", flat=True)]
    assert set(version.claim_verifications) == set(uids)
    record = version.claim_verifications[uids[1]]
    assert record["reviewer"] == "Dr. Reviewer, MD"
    assert record["reviewer_id"] == reviewer.pk
    assert datetime.datetime.fromisoformat(record["at"]) <= version.approved_at
    assert version.evidence_scale_version == SCALE.version
    assert version.written_by == [editor.get_full_name() or editor.username]


def test_an_approval_without_levels_names_no_scale(editor, reviewer):
    article = approved_article(by=editor, reviewer=reviewer)
    assert article.published_version.evidence_scale_version is None
    assert len(article.published_version.claim_verifications) == article.claims.count()


def test_the_next_round_names_a_changed_level(client, returned, editor, reviewer):
    claim = graded_claim(returned)
    client.force_login(editor)
    client.post(
        reverse("desk:editor_save", kwargs={"pk": returned.pk, "uid": claim.uid}),
        {
            "expected_version": returned.content_version,
            "claim_version": claim.version,
            "kind": claim.kind,
            "level": claim.level,
            "text": claim.text,
            "plain_text": claim.plain_text,
            "citations": "1",
            "citations_shown": "1",
            "evidence": "low",
        },
    )
    returned.refresh_from_db()
    services.article_submit(article=returned, by=editor, confirm_open_threads=True)
    services.article_start_review(article=returned, by=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("desk:review", args=[returned.pk])).content.decode()
    assert "Evidence level moderate → low." in page
