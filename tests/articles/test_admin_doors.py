"""The admin is no side door: content, state and audit records change only through the rules."""

import re

import pytest
from django.urls import reverse

from articles import services
from articles.models import (
    Article,
    ArticleApproval,
    ArticleTransition,
    ArticleVersion,
    Claim,
    ClaimReview,
    Reference,
)
from articles.reviewed import content_fingerprint
from articles.selectors import article_get_content
from articles.workflow import ArticleState
from tests.factories import (
    approved_article,
    declare_no_conflict,
    draft_article,
    submitted_article,
    under_review_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db


def admin_url(name, *args):
    return reverse(f"admin:articles_{name}", args=args)


def test_a_claim_of_an_article_under_review_cannot_be_deleted_or_changed(
    client, site_admin, editor, reviewer
):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    claim = article.claims.filter(kind="paragraph").first()
    client.force_login(site_admin)
    assert client.get(admin_url("claim_delete", claim.pk)).status_code == 403
    assert client.post(admin_url("claim_delete", claim.pk), {"post": "yes"}).status_code == 403
    bulk = client.post(
        admin_url("claim_changelist"),
        {"action": "delete_selected", "_selected_action": [claim.pk], "post": "yes"},
    )
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert bulk.status_code in (200, 302)
    changed = client.post(admin_url("claim_change", claim.pk), {"text": "Changed."})
    assert changed.status_code == 403
    claim.refresh_from_db()
    assert claim.text != "Changed."


def test_articles_are_never_deleted_in_the_admin(client, site_admin, editor):
    article = draft_article(by=editor)
    client.force_login(site_admin)
    assert client.post(admin_url("article_delete", article.pk), {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_the_title_of_an_article_in_review_is_not_editable_in_the_admin(client, site_admin, editor):
    article = submitted_article(by=editor)
    client.force_login(site_admin)
    client.post(
        admin_url("article_change", article.pk),
        {
            "title": "A different question?",
            "display_heading": "Other",
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
        },
    )
    article.refresh_from_db()
    assert article.title == "What is baclofen used for?"


@pytest.mark.parametrize(
    "model", ["articletransition", "claimreview", "articleapproval", "articleversion"]
)
def test_audit_records_are_read_only(client, site_admin, editor, reviewer, model):
    approved_article(by=editor, reviewer=reviewer)
    record = {
        "articletransition": ArticleTransition,
        "claimreview": ClaimReview,
        "articleapproval": ArticleApproval,
        "articleversion": ArticleVersion,
    }[model].objects.first()
    client.force_login(site_admin)
    assert client.get(admin_url(f"{model}_change", record.pk)).status_code == 200
    assert client.post(admin_url(f"{model}_delete", record.pk), {"post": "yes"}).status_code == 403
    client.post(
        admin_url(f"{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert type(record).objects.filter(pk=record.pk).exists()
    assert client.get(admin_url(f"{model}_add")).status_code == 403


def test_history_pages_show_but_never_revert(client, site_admin, editor, reviewer):
    article = approved_article(by=editor, reviewer=reviewer)
    services.article_revise(article=article, by=editor)
    client.force_login(site_admin)
    history = client.get(admin_url("article_history", article.pk)).content.decode()
    assert "Deleted user (pk=None)" not in history
    record = article.history.earliest()
    url = admin_url("article_simple_history", article.pk, record.history_id)
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Reverted?"}).status_code == 403
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT and article.title == "What is baclofen used for?"


def test_the_admin_offers_only_the_steps_of_its_door(client, site_admin, editor):
    article = draft_article(by=editor)
    client.force_login(site_admin)
    page = client.get(admin_url("article_change", article.pk)).content.decode()
    assert "Import as submitted" not in page and "receive_import" not in page
    submit = client.get(
        reverse("admin:articles_article_transition", args=[article.pk, "submit"])
    ).content.decode()
    assert "<p>None</p>" not in submit
    assert "Public change summary" in submit and "Note to the board (private)" in submit


def test_the_admin_approval_names_the_content_it_showed(client, site_admin, editor, reviewer):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    declare_no_conflict(article, site_admin)
    url = reverse("admin:articles_article_transition", args=[article.pk, "approve"])
    client.force_login(site_admin)
    form = client.get(url).content.decode()
    shown = re.search(r'name="expected_hash" value="([0-9a-f]{64})"', form).group(1)
    assert shown == content_fingerprint(article_get_content(article=article))
    # The content changes after the page was shown (a cited reference's details).
    Reference.objects.filter(title="Guideline number 1").update(authors="Late Change")
    verify_all_claims(article, reviewer)
    client.post(url, {"comment": "", "expected_hash": shown})
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW
    # Without naming any content the approval is refused as well.
    client.post(url, {"comment": ""})
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW
    fresh = re.search(
        r'name="expected_hash" value="([0-9a-f]{64})"', client.get(url).content.decode()
    )
    assert client.post(url, {"comment": "", "expected_hash": fresh.group(1)}).status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED


def test_a_refused_concurrent_step_at_the_desk_is_a_409(client, editor, reviewer, monkeypatch):
    """Another reviewer moved the article between the page and the click."""
    from articles.errors import WorkflowConflict
    from articles.services import transitions

    article = submitted_article(by=editor)
    declare_no_conflict(article, reviewer)

    def moved_meanwhile(article, *, expected_version=None):
        raise WorkflowConflict("The article was moved to under review by someone else meanwhile.")

    monkeypatch.setattr(transitions, "lock_article", moved_meanwhile)
    client.force_login(reviewer)
    url = reverse("desk:transition", kwargs={"pk": article.pk, "name": "start_review"})
    response = client.post(url, {})
    assert response.status_code == 409
    assert "someone else meanwhile" in response.content.decode()


def test_changes_and_version_pages_survive_a_reference_with_a_second_history_row(
    client, editor, reviewer
):
    article = approved_article(by=editor, reviewer=reviewer)
    services.article_revise(article=article, by=editor)
    reference = Reference.objects.get(title="Guideline number 1")
    services.reference_update(reference=reference, by=editor, changes={"authors": "B. Author"})
    assert reference.history.count() == 2
    client.force_login(editor)
    assert client.get(reverse("desk:diff", kwargs={"pk": article.pk})).status_code == 200
    when = article.published_version.approved_at.isoformat()
    version = client.get(reverse("desk:version", kwargs={"pk": article.pk}), {"at": when})
    assert version.status_code == 200
