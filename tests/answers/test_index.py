"""The answer index holds exactly what readers are shown as approved: never drafts, pending
submissions, working revisions or retracted articles."""

import dataclasses

import pytest

from answers.models import ClaimEntry, IndexWord
from answers.selectors import answer_get
from answers.services import claim_index_rebuild
from articles import events, services
from articles.selectors import article_get_content
from tests.answers.conftest import PARACETAMOL
from tests.factories import (
    make_admin,
    make_editor,
    make_reviewer,
    submitted_article,
    under_review_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db


def test_approval_indexes_every_verified_claim_in_each_wording(paracetamol):
    entries = ClaimEntry.objects.filter(article=paracetamol).order_by("audience", "number")
    assert [(e.audience, e.number) for e in entries] == [
        ("patient", 2),
        ("patient", 3),
        ("patient", 4),
        ("professional", 2),
        ("professional", 3),
        ("professional", 4),
    ]
    dose = entries.get(audience="patient", number=2)
    assert dose.text == "Take 1 or 2 tablets at a time, no more than 4 times a day."
    assert dose.section == "How much to take" and dose.question == PARACETAMOL.title
    assert [c["number"] for c in dose.citations] == [1, 2]
    assert dose.citations[0]["title"] == "Paracetamol for adults"
    assert dose.reviewer and dose.reviewed_on == paracetamol.published_version.approved_at.date()
    # A claim with no plain-language version reads the same for patients.
    assert entries.get(audience="patient", number=3).text == "Leave at least 4 hours between doses."
    assert IndexWord.objects.filter(word="paracetamol").exists()


def test_pending_and_draft_articles_are_never_indexed(policy, settings):
    settings.SHOW_PENDING_ARTICLES = True  # shown with the banner, yet never an answer
    submitted_article(content=PARACETAMOL)
    article = under_review_article(content=dataclasses.replace(PARACETAMOL, title="Other?"))
    verify_all_claims(article, make_reviewer("second"))
    assert not ClaimEntry.objects.exists()
    assert not answer_get(question="paracetamol dose", audience="professional").answered


def test_a_revision_in_progress_is_never_used(paracetamol, django_capture_on_commit_callbacks):
    editor = paracetamol.contributors.first() or make_editor("reviser")
    with django_capture_on_commit_callbacks(execute=True):
        services.article_revise(article=paracetamol, by=editor)
        current = article_get_content(article=paracetamol)
        claims = list(current.claims)
        claims[2] = dataclasses.replace(claims[2], text="Leave 1 hour between zebra doses.")
        services.article_replace_content(
            article=paracetamol,
            by=editor,
            expected_version=paracetamol.content_version,
            content=dataclasses.replace(current, claims=tuple(claims)),
        )
        services.article_submit(article=paracetamol, by=editor, summary="Shorter interval.")
    answer = answer_get(question="How many hours between zebra doses?", audience="professional")
    texts = [m.entry.text for m in answer.shown]
    assert "Leave 1 hour between zebra doses." not in texts
    assert "Leave at least 4 hours between doses." in texts
    assert not ClaimEntry.objects.filter(text__contains="zebra").exists()


def test_retraction_removes_the_article_from_answers(paracetamol):
    question = "How many hours between doses of paracetamol?"
    assert answer_get(question=question, audience="professional").answered
    services.article_retract(article=paracetamol, by=make_admin("admin"), comment="Wrong.")
    assert not answer_get(question=question, audience="professional").answered
    # Once the retraction commits (articles.events delivers its keys), the entries go.
    events.committed.send(sender=None, keys=frozenset({events.article_key(paracetamol.pk)}))
    assert not ClaimEntry.objects.exists()


def test_a_retracted_article_is_never_quoted_even_before_the_index_is_pruned(paracetamol):
    # The retraction's commit has not been delivered: the read-time rule still hides it.
    services.article_retract(article=paracetamol, by=make_admin("admin"), comment="Wrong.")
    assert ClaimEntry.objects.exists()
    assert not answer_get(question="paracetamol doses", audience="professional").answered


def test_the_index_can_be_rebuilt_from_the_approved_versions(paracetamol, policy):
    submitted_article(content=dataclasses.replace(PARACETAMOL, title="A pending one?"))
    ClaimEntry.objects.all().delete()
    assert claim_index_rebuild() == 6
    assert set(ClaimEntry.objects.values_list("article_id", flat=True)) == {paracetamol.pk}
