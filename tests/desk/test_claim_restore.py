"""A deleted claim comes back in one click, as it read, with its citations, where it stood."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import services
from articles.models import Claim
from articles.selectors import article_get_content
from desk.editor import deleted_claim_list
from desk.services import claims as claim_services
from tests.factories import draft_article

pytestmark = pytest.mark.django_db


def delete(article, text, by):
    claim = article.claims.get(text=text)
    article.refresh_from_db()
    claim_services.claim_delete(
        article=article, by=by, expected_version=article.content_version, uid=str(claim.uid)
    )
    return str(claim.uid)


def test_a_deleted_claim_is_restored_as_it_read_with_its_citations(editor):
    article = draft_article(by=editor, claims=4, references=2)
    before = article_get_content(article=article)
    uid = delete(article, "Claim 2 states a fact.", editor)
    assert [row.text for row in deleted_claim_list(article=article)] == ["Claim 2 states a fact."]
    article.refresh_from_db()
    claim_services.claim_restore(
        article=article, by=editor, expected_version=article.content_version, uid=uid
    )
    article.refresh_from_db()
    after = article_get_content(article=article)
    assert after.claims == before.claims  # same place, text, citations and uid
    assert after.references == before.references
    assert deleted_claim_list(article=article) == []
    restored = article.claims.get(uid=uid)
    assert restored.history.first().history_change_reason == "Claim restored"


def test_a_restored_claim_keeps_its_evidence_level_and_quoted_passage(editor):
    article = draft_article(by=editor, claims=4, references=2)
    claim = article.claims.get(text="Claim 2 states a fact.")
    Claim.objects.filter(pk=claim.pk).update(evidence="moderate")
    claim.refresh_from_db()
    claim_services.claim_quote_source(
        article=article,
        by=editor,
        uid=str(claim.uid),
        reference_id=claim.citations.get().reference_id,
        quote="Spasm frequency fell by half.",
        locator="Table 2",
        expected_claim_version=claim.version,
    )
    article.refresh_from_db()
    before = article_get_content(article=article)
    uid = delete(article, "Claim 2 states a fact.", editor)
    article.refresh_from_db()
    claim_services.claim_restore(
        article=article, by=editor, expected_version=article.content_version, uid=uid
    )
    after = article_get_content(article=article)
    restored = next(c for c in after.claims if c.uid == uid)
    assert restored.evidence == "moderate"
    assert [(p.quote, p.locator) for p in restored.passages] == [
        ("Spasm frequency fell by half.", "Table 2")
    ]
    assert after.claims == before.claims


def test_a_claim_still_present_or_unknown_is_not_restored(editor, other_editor):
    article = draft_article(by=editor)
    present = str(article.claims.first().uid)
    for uid in (present, "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(ValidationError):
            claim_services.claim_restore(
                article=article, by=editor, expected_version=article.content_version, uid=uid
            )
    other = draft_article(by=other_editor, title="Another question?")
    uid = delete(other, "Claim 1 states a fact.", other_editor)
    with pytest.raises(ValidationError):  # a claim of another article
        claim_services.claim_restore(
            article=article, by=editor, expected_version=article.content_version, uid=uid
        )


@pytest.mark.parametrize(
    ("role", "status"),
    [("editor", 302), ("other_editor", 302), ("reviewer", 403), ("admin", 302)],
)
def test_restore_from_the_editor_page_per_role(client, roles, role, status):
    article = draft_article(by=roles["editor"])
    uid = delete(article, "Claim 1 states a fact.", roles["editor"])
    article.refresh_from_db()
    client.force_login(roles["editor"])
    page = client.get(reverse("desk:editor", kwargs={"pk": article.pk})).content.decode()
    url = reverse("desk:editor_change", kwargs={"pk": article.pk, "uid": uid, "action": "restore"})
    assert (
        url in page
        and "Deleted claims (1)" in page
        and '<details class="editor-deleted" open>' in page
    )
    client.force_login(roles[role])
    response = client.post(url, {"expected_version": article.content_version})
    assert response.status_code == status
    assert article.claims.filter(uid=uid).exists() == (status == 302)


def test_nothing_is_restored_outside_draft(client, editor):
    article = draft_article(by=editor, claims=4)
    uid = delete(article, "Claim 2 states a fact.", editor)
    article.refresh_from_db()
    services.article_submit(article=article, by=editor)
    client.force_login(editor)
    url = reverse("desk:editor_change", kwargs={"pk": article.pk, "uid": uid, "action": "restore"})
    assert client.post(url, {"expected_version": article.content_version}).status_code == 409
    assert not article.claims.filter(uid=uid).exists()
