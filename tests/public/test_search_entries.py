"""The search entries the services keep: one per public article, holding only what readers see."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.models import ArticleSearchEntry
from public.search import article_search
from tests.factories import (
    approved_article,
    declare_no_conflict,
    draft_article,
    make_reviewer,
    reference_data,
    submitted_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db


def body(title, text, plain=""):
    return ArticleContent(
        title=title,
        display_heading=f"{title} In short",
        claims=(ClaimData(kind=ClaimKind.PARAGRAPH, text=text, plain_text=plain, citations=(1,)),),
        references=(reference_data(1),),
    )


def found(query):
    return [article.pk for article in article_search(query=query)]


def approve(article, reviewer):
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    return services.article_approve(article=article, by=reviewer)


def test_entry_follows_what_readers_see_through_a_revision(policy, editor, site_admin):
    reviewer = make_reviewer("board1")
    article = draft_article(by=editor, content=body("Is baclofen safe?", "Oldwording applies."))
    assert not ArticleSearchEntry.objects.filter(article=article).exists()
    assert found("oldwording") == []

    services.article_submit(article=article, by=editor)
    assert found("oldwording") == [article.pk]  # pending, and labelled so by the page

    approve(article, reviewer)
    entry = ArticleSearchEntry.objects.get(article=article)
    assert (entry.title, entry.display_heading, entry.body) == (
        "Is baclofen safe?",
        "Is baclofen safe? In short",
        "Oldwording applies.",
    )
    assert entry.shown_updated == article.published_version.last_updated

    services.article_revise(article=article, by=editor)
    services.article_replace_content(
        article=article,
        by=editor,
        expected_version=article.content_version,
        content=body("Is baclofen risky?", "Newwording applies."),
    )
    assert found("oldwording") == [article.pk]  # readers still see the approved version
    assert found("newwording") == found("risky") == []

    services.article_submit(article=article, by=editor, summary="Reworded.")
    assert found("newwording") == []  # submitted, but readers keep the approved snapshot
    approve(article, reviewer)
    assert found("newwording") == found("risky") == [article.pk]
    assert found("oldwording") == []
    assert ArticleSearchEntry.objects.get(article=article).title == "Is baclofen risky?"

    services.article_retract(article=article, by=site_admin, comment="Outdated.")
    assert not ArticleSearchEntry.objects.filter(article=article).exists()
    assert found("newwording") == []


def test_a_pending_article_sent_back_or_withdrawn_leaves_search(policy, editor):
    reviewer = make_reviewer("board1")
    withdrawn = submitted_article(by=editor, content=body("Is tizanidine safe?", "Alpha."))
    sent_back = submitted_article(by=editor, content=body("Is dantrolene safe?", "Beta."))
    services.article_withdraw(article=withdrawn, by=editor)
    declare_no_conflict(sent_back, reviewer)
    services.article_start_review(article=sent_back, by=reviewer)
    assert found("beta") == [sent_back.pk]
    services.article_request_changes(article=sent_back, by=reviewer, comment="Cite more.")
    assert ArticleSearchEntry.objects.count() == 0
    assert found("alpha") == found("beta") == []


def test_plain_language_text_of_the_shown_version_is_searched(policy, editor):
    article = approved_article(
        by=editor, content=body("Is baclofen safe?", "Hepatic effects.", plain="Liver trouble.")
    )
    assert found("liver trouble") == [article.pk]


def test_pending_articles_are_hidden_at_read_time_when_the_site_says_so(policy, editor, settings):
    pending = submitted_article(by=editor, content=body("Is gabapentin safe?", "Gamma."))
    approved = approved_article(by=editor, content=body("Is pregabalin safe?", "Gamma."))
    assert sorted(found("gamma")) == sorted([pending.pk, approved.pk])
    settings.SHOW_PENDING_ARTICLES = False
    assert found("gamma") == [approved.pk]
    assert ArticleSearchEntry.objects.filter(article=pending).exists()  # kept for when shown


@pytest.mark.parametrize("count", [3, 30])
def test_search_costs_one_query_however_many_articles_match(
    policy, editor, count, django_assert_num_queries
):
    approved_article(by=editor, content=body("Is baclofen approved?", "Spasticity relief."))
    for n in range(count - 1):
        submitted_article(by=editor, content=body(f"Question {n} on baclofen?", "Spasticity."))
    with django_assert_num_queries(1):
        results = article_search(query="spasticity")
    assert len(results) == count
    assert {r.shown_title for r in results} >= {"Is baclofen approved?", "Question 0 on baclofen?"}


def test_the_migration_builds_the_entries_the_services_keep(policy, editor, site_admin):
    reviewer = make_reviewer("board1")
    revised = approved_article(
        by=editor, reviewer=reviewer, content=body("Is baclofen safe?", "Old.", plain="Plain.")
    )
    services.article_revise(article=revised, by=editor)
    services.article_replace_content(
        article=revised,
        by=editor,
        expected_version=revised.content_version,
        content=body("Is baclofen safe now?", "New."),
    )
    submitted_article(by=editor, content=body("Is tizanidine safe?", "Pending."))
    draft_article(by=editor, content=body("Is dantrolene safe?", "Draft."))
    retracted = approved_article(by=editor, reviewer=reviewer, content=body("Is it?", "Gone."))
    services.article_retract(article=retracted, by=site_admin, comment="Outdated.")

    fields = ("article_id", "title", "display_heading", "body", "shown_updated", "search_vector")
    kept = list(ArticleSearchEntry.objects.order_by("pk").values_list(*fields))
    assert len(kept) == 2
    ArticleSearchEntry.objects.all().delete()
    migration = importlib.import_module("articles.migrations.0004_article_search_entry")
    migration.build_entries(apps, SimpleNamespace(connection=connection))
    assert list(ArticleSearchEntry.objects.order_by("pk").values_list(*fields)) == kept
