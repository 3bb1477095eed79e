"""Saving one claim at a time, as the editor's autosave does.

A save names the version of the claim it started from: other claims changing
meanwhile (by anyone) do not refuse it, a concurrent change of the same claim
does, with both texts kept. A burst of saves of one claim by one editor leaves
one history entry, however many saves it took.
"""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import readiness
from articles.errors import EditConflict
from articles.models import Claim
from desk.services import claims as claim_services
from tests.factories import draft_article

pytestmark = pytest.mark.django_db


def facts(article):
    return list(article.claims.exclude(kind__in=["heading", "subheading"]).order_by("position"))


def save(article, claim, by, text, *, claim_version=None, expected_version=None):
    return claim_services.claim_edit(
        article=article,
        by=by,
        expected_version=expected_version or article.content_version,
        expected_claim_version=claim.version if claim_version is None else claim_version,
        uid=str(claim.uid),
        text=text,
        plain_text=claim.plain_text,
        citations=(1,),
    )


def test_a_save_goes_through_while_another_claim_changed_meanwhile(editor, other_editor):
    article = draft_article(by=editor)
    first, second = facts(article)[:2]
    opened = article.content_version
    save(article, second, other_editor, "Someone else's change.")
    # This editor's page still names the article version it opened, but its claim is unchanged.
    save(article, first, editor, "My change.", expected_version=opened)
    assert Claim.objects.get(pk=first.pk).text == "My change."
    assert Claim.objects.get(pk=second.pk).text == "Someone else's change."


def test_a_concurrent_change_of_the_same_claim_is_refused(editor, other_editor):
    article = draft_article(by=editor)
    claim = facts(article)[0]
    started = claim.version
    save(article, claim, other_editor, "Theirs.")
    with pytest.raises(EditConflict):
        save(article, claim, editor, "Mine.", claim_version=started)
    assert Claim.objects.get(pk=claim.pk).text == "Theirs."


def test_the_desk_answers_a_conflict_with_both_texts(client, editor, other_editor):
    article = draft_article(by=editor)
    claim = facts(article)[0]
    form = {
        "expected_version": article.content_version,
        "claim_version": claim.version,
        "kind": claim.kind,
        "level": claim.level,
        "text": "Mine, typed while they saved.",
        "plain_text": "",
        "citations": "1",
    }
    save(article, claim, other_editor, "Theirs, saved first.")
    client.force_login(editor)
    url = reverse("desk:editor_save", kwargs={"pk": article.pk, "uid": claim.uid})
    response = client.post(url, form, HTTP_X_REQUESTED_WITH="fetch", HTTP_X_AUTOSAVE="1")
    assert response.status_code == 409
    answer = json.loads(response.content)
    assert answer["conflict"]["text"] == "Theirs, saved first."
    assert answer["conflict"]["claim_version"] == Claim.objects.get(pk=claim.pk).version
    # Without the script: the page keeps what this editor typed and shows theirs beside it.
    page = client.post(url, form)
    assert page.status_code == 409
    html = page.content.decode()
    assert "Mine, typed while they saved." in html and "Theirs, saved first." in html
    # Saving again after reading both is deliberate: it names the claim's current version.
    again = {**form, "claim_version": answer["conflict"]["claim_version"]}
    response = client.post(url, again, HTTP_X_REQUESTED_WITH="fetch", HTTP_X_AUTOSAVE="1")
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).text == "Mine, typed while they saved."


def test_an_autosave_answers_with_versions_and_no_body(client, editor):
    article = draft_article(by=editor)
    claim = facts(article)[0]
    client.force_login(editor)
    response = client.post(
        reverse("desk:editor_save", kwargs={"pk": article.pk, "uid": claim.uid}),
        {
            "expected_version": article.content_version,
            "claim_version": claim.version,
            "kind": claim.kind,
            "level": claim.level,
            "text": "Typed and saved by itself.",
            "plain_text": "",
            "citations": "1",
        },
        HTTP_X_REQUESTED_WITH="fetch",
        HTTP_X_AUTOSAVE="1",
    )
    assert response.status_code == 200
    answer = json.loads(response.content)
    article.refresh_from_db()
    assert answer == {
        "version": article.content_version,
        "uid": str(claim.uid),
        "claim_version": claim.version + 1,
        "message": "Saved",
        "citations": "1",  # typed numbers: the claim's numbers as they now stand
    }


@pytest.mark.parametrize("claims", [10, 60])
def test_an_autosave_of_words_alone_keeps_the_citations_and_reads_no_body(
    client, editor, django_assert_num_queries, claims
):
    article = draft_article(by=editor, claims=claims, references=4)
    claim = facts(article)[5]
    cited = list(claim.citations.values_list("reference_id", flat=True))
    client.force_login(editor)
    url = reverse("desk:editor_save", kwargs={"pk": article.pk, "uid": claim.uid})
    form = {
        "expected_version": article.content_version,
        "claim_version": claim.version,
        "kind": claim.kind,
        "level": claim.level,
        "text": "Only the words changed.",
        "plain_text": "",
        # Stale numbers, as shown before someone renumbered: untouched, so not resolved again.
        "citations": "9",
        "citations_shown": "9",
    }
    client.get(reverse("desk:editor", kwargs={"pk": article.pk}))  # warm the session
    # The same whatever the article's size: session, user, permissions (2); the article with
    # its contributors, the claim; the words-only check, the row lock, the claim's version,
    # the content version; the service's own lock and claim; the claim's update and history
    # row; the article's checks, update and history row, the contributor; the burst merge
    # (claim, its history, the article's history); the answer (claim, versions) = 31, in
    # savepoints (4).
    with django_assert_num_queries(31) as captured:
        response = client.post(url, form, HTTP_X_REQUESTED_WITH="fetch", HTTP_X_AUTOSAVE="1")
    assert response.status_code == 200
    assert "citations" not in json.loads(response.content)
    claim.refresh_from_db()
    assert claim.text == "Only the words changed."
    assert list(claim.citations.values_list("reference_id", flat=True)) == cited
    # No query reads the body's citations: it is not rebuilt.
    assert not [q for q in captured.captured_queries if '"articles_citation"' in q["sql"]]


def test_a_burst_of_saves_leaves_one_history_entry(editor):
    article = draft_article(by=editor)
    claim = facts(article)[0]
    claim_rows = claim.history.count()
    article_rows = article.history.count()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for n in range(8):  # one save a second while typing
            claim.refresh_from_db()
            save(article, claim, editor, f"Typing, version {n}.")
            clock.shift(datetime.timedelta(seconds=1))
    assert claim.history.count() == claim_rows + 1
    assert article.history.count() == article_rows + 1
    latest = claim.history.first()
    assert (latest.text, latest.history_user, latest.history_change_reason) == (
        "Typing, version 7.",
        editor,
        "Claim edited",
    )


def test_saves_apart_or_by_someone_else_stay_separate_entries(editor, other_editor):
    article = draft_article(by=editor)
    claim = facts(article)[0]
    rows = claim.history.count()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        save(article, claim, editor, "First burst.")
        clock.shift(datetime.timedelta(minutes=6))  # a pause longer than a burst
        claim.refresh_from_db()
        save(article, claim, editor, "Second burst.")
        clock.shift(datetime.timedelta(seconds=2))
        claim.refresh_from_db()
        save(article, claim, other_editor, "Another editor's word.")
        clock.shift(datetime.timedelta(seconds=2))
        claim.refresh_from_db()
        save(article, claim, editor, "Back to me.")
    texts = [row.text for row in claim.history.all()[:4]]
    assert claim.history.count() == rows + 4
    assert texts == ["Back to me.", "Another editor's word.", "Second burst.", "First burst."]


def test_a_reworded_claim_is_recorded_as_any_edit(editor, other_editor, reviewer, policy):
    """The one-row write keeps the record: versions, history, contributors, stale verdicts."""
    from articles import services
    from tests.factories import declare_no_conflict, verify_all_claims

    article = draft_article(by=editor)
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    services.article_request_changes(article=article, by=reviewer, comment="One more look.")
    article.refresh_from_db()
    claim = facts(article)[0]
    version, claim_version = article.content_version, claim.version
    save(article, claim, other_editor, "Reworded by another editor.")
    article.refresh_from_db()
    claim.refresh_from_db()
    assert (article.content_version, claim.version) == (version + 1, claim_version + 1)
    assert article.is_contributor(other_editor)
    assert claim.history.first().history_user == other_editor
    assert article.history.first().history_change_reason == "Claim edited"
    summaries = {s.fingerprint: s.verified for s in readiness.claim_summaries(article)}
    assert summaries[claim.fingerprint()] is False  # the verdict named the old wording


def test_a_burst_never_folds_across_a_workflow_step(editor, reviewer, policy):
    """The content as the board last saw it stays in the history for the round's memory."""
    from articles import services
    from articles.history import article_content_as_of
    from tests.factories import declare_no_conflict

    article = draft_article(by=editor)
    claim = facts(article)[0]
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        save(article, claim, editor, "As the board will see it.")
        clock.shift(datetime.timedelta(seconds=20))
        article.refresh_from_db()
        services.article_submit(article=article, by=editor)
        declare_no_conflict(article, reviewer)
        services.article_start_review(article=article, by=reviewer)
        clock.shift(datetime.timedelta(seconds=20))
        services.article_request_changes(article=article, by=reviewer, comment="Again.")
        sent_back = timezone.now()
        clock.shift(datetime.timedelta(seconds=20))
        article.refresh_from_db()
        claim.refresh_from_db()
        save(article, claim, editor, "Changed after the round.")
    then = article_content_as_of(article=article, when=sent_back)
    assert then.claims[1].text == "As the board will see it."
