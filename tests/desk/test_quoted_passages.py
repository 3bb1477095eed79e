"""The passage of a cited source that supports a claim: quoted by the editor, reviewed with it.

A passage is part of what a verdict vouches for (the claim's fingerprint covers
it), so changing it makes the verdict stale; doors that know nothing of
passages (edit as text, a claim's own form) never drop one; the board reads it
beside the claim, with the reference's abstract.
"""

import dataclasses
import json

import pytest
from django.urls import reverse

from articles import reviewed, services
from articles.content import (
    ArticleContent,
    CitedPassage,
    ClaimData,
    ClaimKind,
    ContentParseError,
)
from articles.interchange.jsonformat import parse_json, render_json
from articles.models import ArticleVersion, Claim, ClaimReview, Reference
from articles.selectors import article_get_content
from desk.services import claims as claim_services
from tests.factories import declare_no_conflict, draft_article, reference_data

pytestmark = pytest.mark.django_db

QUOTE = "Baclofen absorption was not affected by a high-fat meal (AUC ratio 0.98)."


def two_reference_article(editor):
    content = ArticleContent(
        title="Can I take baclofen with food?",
        claims=(
            ClaimData(
                ClaimKind.PARAGRAPH, "Food does not change how baclofen works.", citations=(1, 2)
            ),
            ClaimData(ClaimKind.PARAGRAPH, "It is taken by mouth.", citations=(2,)),
        ),
        references=(
            reference_data(1, abstract="We studied 24 healthy adults after a meal."),
            reference_data(2),
        ),
    )
    return draft_article(by=editor, content=content)


def first_claim(article) -> Claim:
    return article.claims.get(position=0)


def quote(article, editor, *, reference_number=1, text=QUOTE, locator="Table 2"):
    claim = first_claim(article)
    reference = claim.citations.order_by("position")[reference_number - 1].reference
    article.refresh_from_db()
    return claim_services.claim_quote_source(
        article=article,
        by=editor,
        uid=str(claim.uid),
        reference_id=reference.pk,
        quote=text,
        locator=locator,
        expected_claim_version=claim.version,
    )


def test_a_passage_is_kept_and_bumps_the_claim_and_content_versions(editor):
    article = two_reference_article(editor)
    before_claim, before_content = first_claim(article).version, article.content_version
    quote(article, editor)
    article.refresh_from_db()
    citation = first_claim(article).citations.order_by("position").first()
    assert (citation.passage, citation.passage_locator) == (QUOTE, "Table 2")
    assert first_claim(article).version == before_claim + 1
    assert article.content_version == before_content + 1
    content = article_get_content(article=article)
    assert content.claims[0].passages == (CitedPassage(1, QUOTE, "Table 2"),)


def test_saving_the_same_passage_again_changes_nothing(editor):
    article = two_reference_article(editor)
    quote(article, editor)
    article.refresh_from_db()
    version = article.content_version
    quote(article, editor)
    article.refresh_from_db()
    assert article.content_version == version


def test_a_changed_passage_makes_the_verdict_stale(editor, reviewer):
    article = two_reference_article(editor)
    quote(article, editor)
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    claim = first_claim(article)
    services.claim_review(claim=claim, by=reviewer, verdict=ClaimReview.Verdict.VERIFIED)
    services.article_request_changes(article=article, by=reviewer, comment="Check table 3.")
    article.refresh_from_db()
    verified = first_claim(article).fingerprint()
    quote(article, editor, text=QUOTE.replace("0.98", "0.97"), locator="Table 3")
    changed = first_claim(article).fingerprint()
    assert changed != verified
    review = ClaimReview.objects.get(claim=claim)
    assert review.content_hash == verified != changed  # the verdict names the old passage


def test_a_claim_without_passages_keeps_the_fingerprint_it_had(editor):
    """Fingerprints given before passages existed still name the same content."""
    article = two_reference_article(editor)
    claim = first_claim(article)
    cited = [reviewed.reference_details(c.reference) for c in claim.citations.all()]
    assert claim.fingerprint() == reviewed.claim_fingerprint(
        kind=claim.kind,
        level=claim.level,
        text=claim.text,
        plain_text=claim.plain_text,
        needs_no_citation=claim.needs_no_citation,
        cited=cited,
    )


def test_the_content_fingerprint_covers_the_passage(editor):
    article = two_reference_article(editor)
    before = reviewed.content_fingerprint(article_get_content(article=article))
    quote(article, editor)
    after = reviewed.content_fingerprint(article_get_content(article=article))
    assert before != after


def test_the_claim_and_content_fingerprints_agree_on_passages(editor):
    article = two_reference_article(editor)
    quote(article, editor)
    content = article_get_content(article=article)
    claim = first_claim(article)
    assert claim.fingerprint() == reviewed.claim_data_fingerprint(
        content.claims[0], content.references
    )


def test_edit_as_text_and_reordered_citations_keep_the_passage(editor):
    article = two_reference_article(editor)
    quote(article, editor)
    article.refresh_from_db()
    content = article_get_content(article=article)
    # The text formats carry no passages; the citations are reversed as well.
    first = dataclasses.replace(content.claims[0], passages=(), citations=(2, 1))
    changed = dataclasses.replace(content, claims=(first, *content.claims[1:]))
    services.article_replace_content(
        article=article, by=editor, expected_version=article.content_version, content=changed
    )
    citations = list(first_claim(article).citations.order_by("position"))
    assert [c.passage for c in citations] == ["", QUOTE]
    assert citations[1].passage_locator == "Table 2"


def test_dropping_the_citation_drops_its_passage_and_keeps_it_in_history(editor):
    article = two_reference_article(editor)
    quote(article, editor)
    article.refresh_from_db()
    content = article_get_content(article=article)
    first = dataclasses.replace(content.claims[0], passages=(), citations=(2,))
    services.article_replace_content(
        article=article,
        by=editor,
        expected_version=article.content_version,
        content=dataclasses.replace(content, claims=(first, *content.claims[1:])),
    )
    assert not first_claim(article).citations.exclude(passage="").exists()
    assert Claim.citations.rel.related_model.history.filter(passage=QUOTE).exists()


def test_the_published_version_keeps_the_passage(editor, reviewer):
    from tests.factories import verify_all_claims

    article = two_reference_article(editor)
    quote(article, editor)
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    version = ArticleVersion.objects.get(article=article)
    assert version.content["claims"][0]["passages"] == [
        {"number": 1, "quote": QUOTE, "locator": "Table 2"}
    ]


def test_json_round_trips_passages_and_refuses_one_for_a_number_not_cited(editor):
    article = two_reference_article(editor)
    quote(article, editor)
    content = article_get_content(article=article)
    assert parse_json(render_json(content)).claims[0].passages == content.claims[0].passages
    document = json.loads(render_json(content))
    document["claims"][0]["passages"][0]["number"] = 2
    document["claims"][0]["passages"].append({"number": 2, "quote": "Twice."})
    document["claims"][1]["passages"] = [{"number": 1, "quote": "Not cited here."}]
    with pytest.raises(ContentParseError) as refused:
        parse_json(json.dumps(document))
    assert [str(e) for e in refused.value.errors] == [
        "$.claims[0].passages[1].number: one passage per cited reference",
        "$.claims[1].passages[0].number: the claim does not cite this reference number",
    ]


@pytest.mark.parametrize(
    ("text", "locator", "message"),
    [
        ("x" * 2001, "", "Keep the passage to 2,000 characters"),
        ("", "page 4", "Quote the passage, or clear where it is as well."),
        (QUOTE, "p" * 121, "Keep where it is to 120 characters."),
    ],
)
def test_bad_passages_are_refused_with_a_message(client, editor, text, locator, message):
    article = two_reference_article(editor)
    claim = first_claim(article)
    reference = claim.citations.first().reference
    client.force_login(editor)
    response = client.post(
        reverse("desk:editor_quote", args=[article.pk, claim.uid, reference.pk]),
        {"quote": text, "locator": locator, "claim_version": claim.version},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not first_claim(article).citations.exclude(passage="").exists()


def test_a_reference_the_claim_does_not_cite_is_refused(client, editor):
    article = two_reference_article(editor)
    claim = article.claims.get(position=1)  # cites reference 2 only
    other = first_claim(article).citations.first().reference
    client.force_login(editor)
    response = client.post(
        reverse("desk:editor_quote", args=[article.pk, claim.uid, other.pk]),
        {"quote": QUOTE, "claim_version": claim.version},
    )
    assert response.status_code == 400
    assert "no longer cites this reference" in response.content.decode()


def test_a_passage_for_a_claim_changed_meanwhile_is_refused(client, editor):
    article = two_reference_article(editor)
    claim = first_claim(article)
    reference = claim.citations.first().reference
    client.force_login(editor)
    response = client.post(
        reverse("desk:editor_quote", args=[article.pk, claim.uid, reference.pk]),
        {"quote": QUOTE, "claim_version": claim.version - 1},
    )
    assert response.status_code == 409
    assert not first_claim(article).citations.exclude(passage="").exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("editor", 302), ("other_editor", 302), ("reviewer", 403)],
)
def test_who_may_quote(client, roles, role, status):
    article = two_reference_article(roles["editor"])
    claim = first_claim(article)
    reference = claim.citations.first().reference
    if roles[role].is_authenticated:
        client.force_login(roles[role])
    response = client.post(
        reverse("desk:editor_quote", args=[article.pk, claim.uid, reference.pk]),
        {"quote": QUOTE, "claim_version": claim.version},
    )
    assert response.status_code == status
    saved = first_claim(article).citations.exclude(passage="").exists()
    assert saved == (role in ("editor", "other_editor"))
    if role == "anonymous":
        assert "/login" in response["Location"] or "login" in response["Location"]


def test_quoting_is_a_post(client, editor):
    article = two_reference_article(editor)
    claim = first_claim(article)
    client.force_login(editor)
    url = reverse("desk:editor_quote", args=[article.pk, claim.uid, Reference.objects.first().pk])
    assert client.get(url).status_code == 405


def test_the_editor_offers_a_passage_form_per_cited_reference(client, editor):
    article = two_reference_article(editor)
    quote(article, editor)
    client.force_login(editor)
    page = client.get(reverse("desk:editor", args=[article.pk])).content.decode()
    assert page.count('class="editor-passage"') == 3  # two for claim 1, one for claim 2
    assert QUOTE in page and 'value="Table 2"' in page
    assert "Quoted passages for claim 1" in page


def test_the_reviewer_sees_the_passage_and_the_abstract_beside_the_claim(client, editor, reviewer):
    article = two_reference_article(editor)
    quote(article, editor)
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("desk:review", args=[article.pk])).content.decode()
    assert QUOTE in page and "Quoted by the editor, Table 2" in page
    assert "We studied 24 healthy adults after a meal." in page
    assert "No passage quoted from this source." in page  # reference 2 of claim 1


def test_the_next_round_names_a_changed_passage_and_keeps_the_claim_unfolded(
    client, editor, reviewer
):
    article = two_reference_article(editor)
    quote(article, editor)
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    for claim in article.claims.all():
        services.claim_review(claim=claim, by=reviewer, verdict=ClaimReview.Verdict.VERIFIED)
    services.article_request_changes(article=article, by=reviewer, comment="One more look.")
    article.refresh_from_db()
    quote(article, editor, text="Absorption fell by 2% with food.", locator="Table 3")
    article.refresh_from_db()
    services.article_submit(article=article, by=editor, confirm_open_threads=True)
    services.article_start_review(article=article, by=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("desk:review", args=[article.pk])).content.decode()
    title = first_claim(article).citations.first().reference.title
    assert f"The passage quoted from “{title}” changed; it read: “{QUOTE}”" in page
    assert page.count("round-fold") == 1  # claim 2 alone is unchanged and folded


def test_no_passage_changes_once_the_article_is_with_the_board(client, editor, reviewer):
    article = two_reference_article(editor)
    services.article_submit(article=article, by=editor)
    claim = first_claim(article)
    client.force_login(editor)
    response = client.post(
        reverse(
            "desk:editor_quote", args=[article.pk, claim.uid, claim.citations.first().reference_id]
        ),
        {"quote": QUOTE, "claim_version": claim.version},
    )
    assert response.status_code in (403, 409)
    assert not first_claim(article).citations.exclude(passage="").exists()
