"""Search over many articles: the bench's bulk copies are distinct articles, readable and
found by their own words; PostgreSQL ranks a bounded set of candidates and cuts each snippet
from a window of the text, and still lists an old article whose question holds the words
before newer ones that only mention them."""

import datetime

import pytest
from django.conf import settings

from articles.models import Article, ArticleSearchEntry
from articles.services.search import search_entry_refresh
from bench.bulk_seed import articles_copy, templates_load
from bench.vocabulary import REPLACED, copy_words, vary, vary_content
from public import search
from public.search import article_search, snippet
from tests.factories import paragraphs_content, submitted_article

pytestmark = pytest.mark.django_db


# -- The words copies are given ------------------------------------------------------------


def test_copies_words_are_drawn_zipf_distributed_from_a_large_vocabulary():
    drugs = [copy_words(n)[0] for n in range(5000)]
    assert copy_words(7) == copy_words(7)  # the same on every run, so a database can grow
    counts = sorted((drugs.count(word) for word in set(drugs)), reverse=True)
    assert drugs.count("baclofen") == counts[0]  # the templates' own drug is the commonest
    assert 0.05 < counts[0] / len(drugs) < 0.25  # common, yet far from every article
    assert len(set(drugs)) > 1000  # and most drugs are in a few articles only


def test_every_form_of_a_replaced_word_is_replaced_once():
    words = ("tizanidine", "Zanvance", "baclofen", "dystonia", "oral")
    text = "Baclofen (Lioresal) or tizanidine for spasticity; Intrathecal baclofen."
    assert vary(text, words) == ("Tizanidine (Zanvance) or baclofen for dystonia; Oral tizanidine.")
    assert vary_content({"claims": [{"text": text}]}, words)["claims"][0]["text"] == vary(
        text, words
    )
    assert [word for word, _kind in REPLACED][0] == "baclofen"


# -- Bulk copies -----------------------------------------------------------------------------


def test_bulk_copies_are_readable_articles_found_by_their_own_words(client, policy):
    templates = templates_load(count=4)
    assert articles_copy(templates, start=0, stop=60) == 60
    copies = {
        int(a.slug.split("-")[1]): a for a in Article.objects.filter(slug__startswith="copy-")
    }
    assert len({copy_words(n)[0] for n in copies}) > 5  # not one drug for all

    approved = [(n, a) for n, a in sorted(copies.items()) if a.published_version_id is not None]
    assert approved
    for n, article in approved[:3]:
        drug = copy_words(n)[0]
        assert drug in article.title.lower()
        page = client.get(article.get_absolute_url())
        assert page.status_code == 200 and drug in page.content.decode().lower()
        # The entry written in bulk is the one the services would write for the copy.
        fields = ("title", "display_heading", "body", "search_vector")
        bulk = ArticleSearchEntry.objects.filter(article=article).values_list(*fields).get()
        search_entry_refresh(Article.objects.select_related("published_version").get(pk=article.pk))
        assert ArticleSearchEntry.objects.filter(article=article).values_list(*fields).get() == bulk

    # A drug few copies have (and no template names) finds those copies and no other.
    templates_text = " ".join(
        e.title + e.body for e in ArticleSearchEntry.objects.exclude(article__in=copies.values())
    ).lower()
    n, article = next((n, a) for n, a in approved if copy_words(n)[0] not in templates_text)
    drug = copy_words(n)[0]
    found = {a.pk for a in article_search(query=drug)}
    holders = {a.pk for m, a in copies.items() if any(drug in w for w in copy_words(m))}
    assert article.pk in found and found <= holders
    assert len(holders) < len(copies) // 4


# -- Snippets from a window of the text ------------------------------------------------------


def test_a_snippet_from_a_window_marks_the_cut_and_begins_at_a_whole_word():
    window = "ochondral pain. Stopping baclofen abruptly can cause withdrawal."
    assert snippet(window, ["zebrafish"], cut=True) == (
        "…pain. Stopping baclofen abruptly can cause withdrawal."
    )
    assert snippet(window, ["baclofen"], cut=True) == (
        "…pain. Stopping <mark>baclofen</mark> abruptly can cause withdrawal."
    )


def test_a_word_found_far_into_a_long_text_is_shown_in_its_snippet(policy, editor):
    filler = ["The pump is refilled by a trained nurse every few months. " * 20] * 4
    submitted_article(
        by=editor, content=paragraphs_content("Is it safe?", *filler, "Stopping baclofen is risky.")
    )
    (result,) = article_search(query="baclofen")
    assert "Stopping <mark>baclofen</mark> is risky." in result.snippet
    assert result.snippet.startswith("…")


# -- PostgreSQL: a bounded set of candidates -------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL (set DATABASE_URL)")
def test_an_old_question_holding_the_words_still_comes_first(
    policy, editor, monkeypatch, django_assert_num_queries
):
    asked = submitted_article(
        by=editor, content=paragraphs_content("Is baclofen safe?", "Yes, mostly.")
    )
    newer = [
        submitted_article(
            by=editor, content=paragraphs_content(f"Question {n}?", "It mentions baclofen.")
        )
        for n in range(4)
    ]
    # Shown as last updated years ago: the oldest of the matches.
    ArticleSearchEntry.objects.filter(article=asked).update(shown_updated=datetime.date(2020, 1, 1))
    monkeypatch.setattr(search, "CANDIDATES", 2)  # only the two newest are ranked
    with django_assert_num_queries(1):
        results = article_search(query="baclofen")
    assert [a.pk for a in results][:1] == [asked.pk]
    assert len(results) == 3  # the question, and the two newest that only mention it
    assert {a.pk for a in results[1:]} == {a.pk for a in newer[2:]}


@pytest.mark.postgres
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL (set DATABASE_URL)")
def test_the_search_indexes_are_there_and_the_vectors_have_no_pending_list(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'articles_articlesearchentry'"
        )
        indexes = dict(cursor.fetchall())
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'article_search_vector_gin'"
        )
        options = cursor.fetchone()[0]
    assert "gist_trgm_ops" in indexes["article_search_title_gist"]
    assert "gin_trgm_ops" in indexes["article_search_title_trgm"]
    assert "gin (search_vector)" in indexes["article_search_vector_gin"]
    assert "fastupdate=off" in options
