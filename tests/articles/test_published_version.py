"""Readers see exactly what was approved, whatever happens to later revisions."""

import dataclasses
import datetime

import pytest
import time_machine

from articles import services
from articles.errors import ArticleGone, ArticleNotShown
from articles.selectors import article_get_content, article_get_for_reader
from articles.workflow import ArticleState
from tests.factories import declare_no_conflict, draft_article, make_policy, verify_all_claims

pytestmark = pytest.mark.django_db

DAY1 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
DAY2 = datetime.datetime(2026, 5, 10, 9, 0, tzinfo=datetime.UTC)
DAY3 = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=datetime.UTC)


def review_and_approve(article, reviewer, *, summary=""):
    services.article_submit(article=article, by=article.created_by, summary=summary)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    return services.article_approve(article=article, by=reviewer)


def reword_first_fact(article, editor, text):
    content = article_get_content(article=article)
    claims = list(content.claims)
    claims[1] = dataclasses.replace(claims[1], text=text)
    services.article_replace_content(
        article=article,
        by=editor,
        expected_version=article.content_version,
        content=dataclasses.replace(content, claims=tuple(claims)),
    )


def public_texts(article):
    article.refresh_from_db()
    try:
        shown = article_get_for_reader(article=article)
    except ArticleNotShown:
        shown = None
    return shown, [c.text for c in shown.content.claims] if shown else None


def test_a_revision_changes_nothing_public_until_approved(editor, reviewer):
    make_policy(1)
    with time_machine.travel(DAY1, tick=False):
        article = draft_article(by=editor)
        with pytest.raises(ArticleNotShown):  # drafts are never public
            article_get_for_reader(article=article)
        review_and_approve(article, reviewer)
    shown, approved_texts = public_texts(article)
    assert shown.is_approved and shown.version.last_updated == DAY1.date()

    with time_machine.travel(DAY2, tick=False):
        services.article_revise(article=article, by=editor)
        reword_first_fact(article, editor, "Claim 1 now says something else.")
        for step in ("draft", "submitted", "under_review"):
            shown, texts = public_texts(article)
            assert texts == approved_texts, f"public content changed while {step}"
            assert shown.is_approved
            if step == "draft":
                services.article_submit(article=article, by=editor, summary="Reworded claim 1.")
            elif step == "submitted":
                declare_no_conflict(article, reviewer)
                services.article_start_review(article=article, by=reviewer)

        verify_all_claims(article, reviewer)
        services.article_approve(article=article, by=reviewer)
    shown, texts = public_texts(article)
    assert "Claim 1 now says something else." in texts
    assert shown.version.revision == 2
    assert shown.version.change_summary == "Reworded claim 1."
    assert shown.content.last_updated == DAY2.date()
    assert article.last_updated == DAY2.date()
    assert [v.revision for v in article.versions.order_by("approved_at")] == [1, 2]


def test_a_re_review_that_changes_nothing_moves_only_the_review_date(editor, reviewer):
    make_policy(1)
    with time_machine.travel(DAY1, tick=False):
        article = draft_article(by=editor)
        review_and_approve(article, reviewer)
    with time_machine.travel(DAY3, tick=False):
        services.article_revise(article=article, by=editor)
        review_and_approve(article, reviewer, summary="Re-reviewed, no change.")
    article.refresh_from_db()
    latest = article.published_version
    assert latest.approved_at == DAY3
    assert latest.last_updated == DAY1.date()
    assert article.last_updated == DAY1.date()


def test_approval_records_reviewer_date_and_policy_in_force(editor, reviewer):
    make_policy(1, effective=datetime.date(2025, 1, 1))
    make_policy(2, effective=datetime.date(2026, 6, 1))  # not yet in force on DAY2
    with time_machine.travel(DAY2, tick=False):
        article = draft_article(by=editor)
        review_and_approve(article, reviewer)
    version = article.published_version
    assert (version.approved_by, version.approved_at, version.policy.version) == (reviewer, DAY2, 1)
    assert list(version.reviewers.all()) == [reviewer]


def test_pending_articles_show_live_content_and_say_so(editor, reviewer):
    article = draft_article(by=editor)
    services.article_submit(article=article, by=editor)
    shown = article_get_for_reader(article=article)
    assert not shown.is_approved and len(shown.content.claims) == len(
        article_get_content(article=article).claims
    )


def test_a_retracted_article_has_nothing_public(editor, reviewer, site_admin):
    make_policy(1)
    article = draft_article(by=editor)
    review_and_approve(article, reviewer)
    services.article_retract(
        article=article, by=site_admin, comment="Withdrawn: outdated guidance."
    )
    assert article.state == ArticleState.RETRACTED
    with pytest.raises(ArticleGone):  # its address answers with the retraction notice
        article_get_for_reader(article=article)
