"""The approval covers exactly what readers see, through every door.

A change after verification, made through the desk, the API, the admin, the
importer or an edit to another article citing the same reference, makes the
verdict stale and blocks approval until it is verified again; nothing a reader
sees changes without a new approval.
"""

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from api import services as api_services
from articles import readiness, services
from articles.content import ArticleContent, ClaimData, ClaimKind, ReferenceData, ReferenceKind
from articles.errors import ConditionsNotMet, EditConflict
from articles.imports import article_import
from articles.interchange.jsonformat import content_from_document
from articles.models import Article, ClaimReview, Reference
from articles.reviewed import claim_data_fingerprint, content_fingerprint
from articles.selectors import article_get_content
from articles.workflow import ArticleState
from tests.factories import (
    approved_article,
    declare_no_conflict,
    make_reviewer,
    reference_data,
    sample_content,
    under_review_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db


def fact_claims(article):
    return [c for c in article.claims.order_by("position") if c.states_fact]


def stale(article) -> list[bool]:
    article.forget_cached_content()
    return [not s.verified for s in readiness.claim_summaries(article)]


def back_to_draft(article, reviewer):
    services.article_request_changes(article=article, by=reviewer, comment="One more look.")


def resubmit(article, editor, reviewer):
    services.article_submit(article=article, by=editor, summary="Plain-language wording")
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)


def with_plain_text(content: ArticleContent, index: int, plain: str) -> ArticleContent:
    claims = list(content.claims)
    claims[index] = dataclasses.replace(claims[index], plain_text=plain)
    return dataclasses.replace(content, claims=tuple(claims))


def test_the_found_case_plain_text_and_heading_changed_in_a_new_revision(
    client, editor, reviewer, policy
):
    """Only the patients' wording and the display heading change: nothing may look verified."""
    content = sample_content()
    content = with_plain_text(content, 1, "Do not take drug Q if you are pregnant.")
    article = approved_article(by=editor, reviewer=reviewer, content=content)
    published = article.published_version
    services.article_revise(article=article, by=editor)
    current = article_get_content(article=article)
    changed = dataclasses.replace(
        with_plain_text(current, 1, "Drug Q is safe to take while pregnant."),
        display_heading="Drug Q in pregnancy",
    )
    services.article_replace_content(
        article=article, by=editor, expected_version=article.content_version, content=changed
    )
    resubmit(article, editor, reviewer)

    assert stale(article) == [False, True, False, False]
    client.force_login(reviewer)
    page = client.get(reverse("desk:review", kwargs={"pk": article.pk})).content.decode()
    assert "Changed since it was reviewed" in page
    assert ">Approve</button>" not in page
    diff = client.get(reverse("desk:diff", kwargs={"pk": article.pk})).content.decode()
    assert "Plain language:" in diff and "<ins>Drug Q is safe to take while</ins>" in diff
    assert "Display heading:" in diff and "<ins>Drug Q in pregnancy</ins>" in diff
    with pytest.raises(ConditionsNotMet):
        services.article_approve(article=article, by=reviewer)
    # Readers still get the approved wording.
    article.refresh_from_db()
    assert article.published_version == published
    shown = content_from_document(article.published_version.content)
    assert shown.claims[1].plain_text == "Do not take drug Q if you are pregnant."


def test_desk_edit_of_the_needs_no_citation_mark_makes_the_verdict_stale(
    client, editor, reviewer, policy
):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    back_to_draft(article, reviewer)
    claim = fact_claims(article)[0]
    client.force_login(editor)
    response = client.post(
        reverse("desk:claim", kwargs={"pk": article.pk, "uid": claim.uid}),
        {
            "expected_version": article.content_version,
            "text": claim.text,
            "plain_text": "",
            "citations": "1",
            "needs_no_citation": "on",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    resubmit(article, editor, reviewer)
    assert stale(article) == [False, True, False, False]


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        _, key = api_services.api_token_create(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_api_change_of_plain_text_makes_the_verdict_stale(editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    back_to_draft(article, reviewer)
    api = client_for(editor)
    draft = api.get(f"/api/drafts/{article.pk}/").json()
    document = draft["document"]
    document["claims"][2]["plain_text"] = "A friendlier wording."
    response = api.put(
        f"/api/drafts/{article.pk}/",
        document,
        format="json",
        HTTP_IF_MATCH=draft["etag"],
    )
    assert response.status_code == 200, response.content
    article.refresh_from_db()
    resubmit(article, editor, reviewer)
    assert stale(article) == [False, False, True, False]
    with pytest.raises(ConditionsNotMet):
        services.article_approve(article=article, by=reviewer)
    services.claim_review(
        claim=fact_claims(article)[1], by=reviewer, verdict=ClaimReview.Verdict.VERIFIED
    )
    services.article_approve(article=article, by=reviewer)
    shown = client_for(None).get(f"/api/articles/{article.slug}/").json()
    assert shown["claims"][2]["plain_text"] == "A friendlier wording."


def test_importer_change_of_plain_text_makes_the_verdict_stale(editor, reviewer, policy):
    content = sample_content()
    article = approved_article(by=editor, reviewer=reviewer, content=content)
    incoming = with_plain_text(content, 3, "Said more simply.")
    result = article_import(content=incoming, by=editor, source_name="update.md")
    article.refresh_from_db()
    assert result.article == article and article.state == ArticleState.DRAFT
    resubmit(article, editor, reviewer)
    assert stale(article) == [False, False, False, True]
    with pytest.raises(ConditionsNotMet):
        services.article_approve(article=article, by=reviewer)


def test_another_articles_edit_never_changes_a_reference_under_review(
    editor, other_editor, reviewer, policy
):
    """Completing a shared reference's DOI from another draft makes a new library version."""
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    cited = Reference.objects.get(title="Guideline number 1")
    other = services.article_create(
        by=other_editor,
        title="Another question?",
        content=ArticleContent(
            title="Another question?",
            claims=(ClaimData(kind=ClaimKind.PARAGRAPH, text="A fact.", citations=(1,)),),
            references=(reference_data(1, doi="10.1000/XYZ", authors="A. Author"),),
        ),
    )
    cited.refresh_from_db()
    assert (cited.doi, cited.is_current) == ("", False)  # kept exactly as reviewed
    successor = Reference.objects.get(replaces=cited)
    assert (successor.doi, successor.authors, successor.is_current) == (
        "10.1000/xyz",
        "A. Author",
        True,
    )
    assert other.claims.get().citations.get().reference == successor
    assert successor.history.latest().history_user == other_editor
    assert stale(article) == [False, False, False, False]
    services.article_approve(article=article, by=reviewer)
    snapshot = content_from_document(article.published_version.content)
    assert [r.doi for r in snapshot.references] == ["", ""]


def test_a_reference_changed_behind_every_door_still_stales_the_verdict(editor, reviewer, policy):
    """Defence in depth: the fingerprint is read from the rows, whoever wrote them."""
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    Reference.objects.filter(title="Guideline number 2").update(url="https://example.org/x")
    assert stale(article) == [False, False, True, False]
    with pytest.raises(ConditionsNotMet):
        services.article_approve(article=article, by=reviewer)


def test_admin_edit_of_a_cited_reference_is_copy_on_write(client, site_admin, editor, reviewer):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    cited = Reference.objects.get(title="Guideline number 1")
    client.force_login(site_admin)
    url = reverse("admin:articles_reference_change", args=[cited.pk])
    response = client.post(
        url,
        {
            "kind": cited.kind,
            "title": cited.title,
            "source": cited.source,
            "year": cited.year,
            "authors": "Changed Authors",
            "doi": "",
            "pmid": "",
            "url": "",
        },
    )
    assert response.status_code == 302
    cited.refresh_from_db()
    assert cited.authors == "" and not cited.is_current
    assert Reference.objects.get(replaces=cited).authors == "Changed Authors"
    assert stale(article) == [False, False, False, False]
    # The retired row is not edited again in the admin.
    assert client.post(url, {"title": "x"}).status_code == 403


def test_a_verdict_names_the_claim_it_was_shown(editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    claim = fact_claims(article)[0]
    with pytest.raises(EditConflict):
        services.claim_review(
            claim=claim, by=reviewer, verdict=ClaimReview.Verdict.VERIFIED, expected_hash="0" * 64
        )
    assert not ClaimReview.objects.exists()


def test_an_approval_names_the_reviewed_content_it_was_shown(client, editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    shown = content_fingerprint(article_get_content(article=article))
    Reference.objects.filter(title="Guideline number 1").update(authors="Someone Else")
    verify_all_claims(article, reviewer)  # the board looked again at the changed reference
    with pytest.raises(EditConflict):
        services.article_approve(article=article, by=reviewer, expected_hash=shown)
    client.force_login(reviewer)
    url = reverse("desk:transition", kwargs={"pk": article.pk, "name": "approve"})
    assert client.post(url, {"expected_version": article.content_version}).status_code == 400
    assert client.post(url, {"expected_hash": shown}).status_code == 409
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW


def test_the_published_version_is_exactly_what_the_approvals_and_verdicts_name(
    client, editor, reviewer, other_reviewer, policy
):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, other_reviewer)
    services.article_approve(article=article, by=reviewer)
    version = article.published_version
    shown = content_from_document(version.content)
    assert content_fingerprint(shown) == version.content_hash
    assert set(article.approvals.values_list("content_hash", flat=True)) == {version.content_hash}
    verified = set(ClaimReview.objects.values_list("content_hash", flat=True))
    assert {claim_data_fingerprint(c, shown.references) for c in shown.claims} <= verified
    # Credit: the verifier and the approver are both named, the approver first.
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Dr. Reviewer, MD</a> and" in page and "Dr. Reviewer2, MD</a>" in page
    assert f"editorial policy v{policy.version}" in page


def test_references_of_unchanged_content_do_not_stale_any_verdict(editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    before = [s.fingerprint for s in readiness.claim_summaries(article)]
    services.reference_get_or_create(
        data=ReferenceData(
            kind=ReferenceKind.GUIDELINE, title="Unrelated", source="Elsewhere", year=2020
        ),
        by=editor,
    )
    article.forget_cached_content()
    assert [s.fingerprint for s in readiness.claim_summaries(article)] == before
    assert not any(stale(article))


def test_an_author_who_is_also_a_reviewer_may_not_verify_their_own_revision(editor, policy):
    both = make_reviewer("dual")
    both.groups.add(editor.groups.first())
    article = under_review_article(by=both, reviewer=make_reviewer("other"))
    with pytest.raises(PermissionDenied):
        services.claim_review(
            claim=article.claims.first(), by=both, verdict=ClaimReview.Verdict.VERIFIED
        )
    assert Article.objects.get(pk=article.pk).state == ArticleState.UNDER_REVIEW
