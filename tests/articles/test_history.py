"""Every change is kept with who made it and why; old content can come back as a draft."""

import dataclasses
import datetime

import pytest
import time_machine

from articles import services
from articles.history import article_content_as_of
from articles.models import Claim
from articles.selectors import article_get_content
from articles.workflow import ArticleState
from desk.timeline import timeline_list_for_article
from tests.factories import declare_no_conflict, draft_article, make_policy, verify_all_claims

pytestmark = pytest.mark.django_db

T1 = datetime.datetime(2026, 1, 5, 10, 0, tzinfo=datetime.UTC)
T2 = datetime.datetime(2026, 1, 6, 10, 0, tzinfo=datetime.UTC)
T3 = datetime.datetime(2026, 1, 7, 10, 0, tzinfo=datetime.UTC)


def test_create_records_the_editor(editor):
    article = draft_article(by=editor)
    first = article.history.earliest()
    assert (first.history_type, first.history_user, first.history_change_reason) == (
        "+",
        editor,
        "Created",
    )
    claim_rows = Claim.history.filter(article_id=article.pk)
    assert claim_rows.count() == article.claims.count()
    assert {row.history_user for row in claim_rows} == {editor}


def test_edit_records_the_other_editor(editor, other_editor):
    article = draft_article(by=editor)
    services.article_update(
        article=article, by=other_editor, expected_version=article.content_version, title="Edited?"
    )
    latest = article.history.latest()
    assert (latest.history_type, latest.history_user, latest.title) == (
        "~",
        other_editor,
        "Edited?",
    )
    assert article.is_contributor(other_editor)


def test_transitions_record_actor_states_and_comment(editor, reviewer):
    article = draft_article(by=editor)
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    services.article_request_changes(
        article=article, by=reviewer, comment="Cite the label for claim 2."
    )
    rows = list(
        article.history.order_by("history_date").values_list(
            "state", "history_user__username", "history_change_reason"
        )
    )
    assert rows[-3:] == [
        (ArticleState.SUBMITTED, "editor", "Submitted for review"),
        (ArticleState.UNDER_REVIEW, "reviewer", "Review started"),
        (ArticleState.DRAFT, "reviewer", "Changes requested: Cite the label for claim 2."),
    ]
    log = list(
        article.transitions.values_list("name", "source", "target", "actor__username", "comment")
    )
    assert log == [
        ("submit", "draft", "submitted", "editor", ""),
        ("start_review", "submitted", "under_review", "reviewer", ""),
        ("request_changes", "under_review", "draft", "reviewer", "Cite the label for claim 2."),
    ]
    timeline = timeline_list_for_article(article=article)
    assert [e.who for e in timeline if "Cite the label for claim 2." in e.detail] == [
        reviewer.get_full_name()
    ]


def test_claims_keep_their_identity_when_edited(editor):
    article = draft_article(by=editor)
    content = article_get_content(article=article)
    uids = [c.uid for c in content.claims]
    claims = list(content.claims)
    claims[1] = dataclasses.replace(claims[1], text="Reworded.")
    services.article_replace_content(
        article=article,
        by=editor,
        expected_version=article.content_version,
        content=dataclasses.replace(content, claims=tuple(claims)),
    )
    after = article_get_content(article=article)
    assert [c.uid for c in after.claims] == uids
    edited = Claim.objects.get(uid=uids[1])
    assert (edited.text, edited.version) == ("Reworded.", 2)
    assert Claim.objects.get(uid=uids[2]).version == 1


def test_content_as_of_rebuilds_the_past(editor):
    with time_machine.travel(T1, tick=False):
        article = draft_article(by=editor)
        original = article_get_content(article=article)
    with time_machine.travel(T2, tick=False):
        claims = list(original.claims)
        claims[1] = dataclasses.replace(claims[1], text="Changed later.", citations=(2,))
        services.article_replace_content(
            article=article,
            by=editor,
            expected_version=article.content_version,
            content=dataclasses.replace(original, claims=tuple(claims[:-1])),
        )
    past = article_content_as_of(article=article, when=T1 + datetime.timedelta(hours=1))
    assert past.claims == original.claims
    assert past.references == original.references


def test_revert_restores_old_content_as_a_new_draft_with_history(editor, other_editor, reviewer):
    make_policy(1)
    with time_machine.travel(T1, tick=False):
        article = draft_article(by=editor)
        original = article_get_content(article=article)
        services.article_submit(article=article, by=editor)
        declare_no_conflict(article, reviewer)
        services.article_start_review(article=article, by=reviewer)
        verify_all_claims(article, reviewer)
        services.article_approve(article=article, by=reviewer)
    with time_machine.travel(T2, tick=False):
        services.article_revise(article=article, by=editor)
        services.article_replace_content(
            article=article,
            by=editor,
            expected_version=article.content_version,
            content=dataclasses.replace(original, claims=original.claims[:2]),
        )
    with time_machine.travel(T3, tick=False):
        services.article_revert(
            article=article, by=other_editor, to=T1 + datetime.timedelta(minutes=1)
        )
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT  # never bypasses review
    restored = article_get_content(article=article)
    assert [c.text for c in restored.claims] == [c.text for c in original.claims]
    latest = article.history.latest()
    assert latest.history_user == other_editor
    assert latest.history_change_reason.startswith("Reverted to")


def test_revert_of_an_approved_article_starts_a_revision(editor, reviewer):
    make_policy(1)
    with time_machine.travel(T1, tick=False):
        article = draft_article(by=editor)
        services.article_submit(article=article, by=editor)
        declare_no_conflict(article, reviewer)
        services.article_start_review(article=article, by=reviewer)
        verify_all_claims(article, reviewer)
        services.article_approve(article=article, by=reviewer)
    with time_machine.travel(T2, tick=False):
        services.article_revert(article=article, by=editor, to=T1)
    article.refresh_from_db()
    assert (article.state, article.revision) == (ArticleState.DRAFT, 2)
    assert article.published_version.revision == 1


def test_the_article_row_knows_its_latest_step_and_when_it_entered_the_queue(editor, reviewer):
    with time_machine.travel(T1, tick=False):
        article = draft_article(by=editor)
        assert (article.last_transition, article.queued_at) == ("", None)
        services.article_submit(article=article, by=editor)
    with time_machine.travel(T2, tick=False):
        declare_no_conflict(article, reviewer)
        services.article_start_review(article=article, by=reviewer)
    article.refresh_from_db()
    assert (article.last_transition, article.last_transition_at, article.queued_at) == (
        "start_review",
        T2,
        T1,
    )


def test_content_as_of_finds_references_whose_history_rows_are_numbered_apart(editor):
    """A reference edited once has two history rows, so later history ids run ahead of ids."""
    from django.utils import timezone

    from tests.factories import reference_data, sample_content

    spare = services.reference_get_or_create(data=reference_data(99), by=editor)
    spare.title = "Guideline number 99, renamed"
    spare.save()
    article = services.article_create(by=editor, title="Q?", content=sample_content(references=2))
    past = article_content_as_of(article=article, when=timezone.now())
    assert [r.title for r in past.references] == ["Guideline number 1", "Guideline number 2"]
