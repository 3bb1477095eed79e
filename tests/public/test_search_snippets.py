"""Search results show a passage of each article around the words found, and on PostgreSQL a
misspelt word still finds the article whose question holds it."""

import pytest
from django.conf import settings

from public.search import article_search, snippet
from tests.factories import approved_article, paragraphs_content, submitted_article

pytestmark = pytest.mark.django_db

LONG_TEXT = (
    "Intrathecal pumps deliver the drug into the spinal fluid. "
    "Most patients need a test dose before the pump is fitted. "
    "Stopping baclofen abruptly can cause withdrawal with fever and confusion. "
    "The pump must be refilled every few months by a trained nurse."
)


# -- The snippet on its own ---------------------------------------------------------------


def test_a_snippet_marks_every_word_found_and_begins_near_the_first():
    shown = snippet(LONG_TEXT, ["baclofen"], length=120)
    assert shown.startswith("…") and shown.endswith("…")
    assert "<mark>baclofen</mark>" in shown
    assert "Intrathecal" not in shown  # the opening is cut: the match is far into the text


def test_a_snippet_marks_other_forms_of_a_word():
    shown = snippet("Withdrawal reduces tone; tone reduced further.", ["withdrawals", "reduces"])
    assert shown == (
        "<mark>Withdrawal</mark> <mark>reduces</mark> tone; tone <mark>reduced</mark> further."
    )


def test_a_snippet_escapes_the_text_and_the_words_asked():
    shown = snippet('Doses <script>alert("x")</script> & more', ["<script>", "doses"])
    # The word asked is matched without its angle brackets, and marked inside the escaped text.
    assert shown == (
        "<mark>Doses</mark> &lt;<mark>script</mark>&gt;alert(&quot;x&quot;)"
        "&lt;/<mark>script</mark>&gt; &amp; more"
    )


def test_a_snippet_without_a_match_is_the_opening_of_the_text():
    shown = snippet(LONG_TEXT, ["baclofin"], length=60)
    assert shown == "Intrathecal pumps deliver the drug into the spinal fluid.…"
    assert snippet("", ["baclofen"]) == ""
    assert snippet("Short text.", ["*", "()"]) == "Short text."


# -- On the results page ------------------------------------------------------------------


def test_results_show_the_passage_found_escaped_with_the_words_marked(client, policy, editor):
    approved_article(
        by=editor,
        content=paragraphs_content("Is baclofen safe?", LONG_TEXT, "Doses <b>exceeding</b> 80 mg."),
    )
    html = client.get("/search/", {"q": "withdrawal"}).content.decode()
    assert '<p class="article-item-snippet">' in html
    assert "can cause <mark>withdrawal</mark> with fever" in html
    html = client.get("/search/", {"q": "exceeding"}).content.decode()
    assert "Doses &lt;b&gt;<mark>exceeding</mark>&lt;/b&gt; 80 mg." in html


def test_the_home_page_lists_articles_without_snippets(client, policy, editor):
    submitted_article(by=editor, content=paragraphs_content("Is baclofen safe?", LONG_TEXT))
    html = client.get("/").content.decode()
    assert "Is baclofen safe?" in html and "article-item-snippet" not in html


def test_every_word_must_be_found_and_one_query_finds_them(
    policy, editor, django_assert_num_queries
):
    article = submitted_article(
        by=editor, content=paragraphs_content("Is baclofen safe?", LONG_TEXT)
    )
    with django_assert_num_queries(1):
        assert [a.pk for a in article_search(query="baclofen nurse")] == [article.pk]
    # PostgreSQL then asks for titles alike, and finds none: no title has a word like "zebrafish".
    with django_assert_num_queries(2 if settings.IS_POSTGRES else 1):
        assert article_search(query="baclofen zebrafish") == []


@pytest.mark.skipif(settings.IS_POSTGRES, reason="SQLite: no trigram matching")
def test_on_sqlite_a_misspelling_finds_nothing(policy, editor, django_assert_num_queries):
    submitted_article(by=editor, content=paragraphs_content("Is baclofen safe?", LONG_TEXT))
    with django_assert_num_queries(1):
        assert article_search(query="baclofin") == []


# -- Typo tolerance (PostgreSQL, pg_trgm) ---------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL (set DATABASE_URL)")
def test_a_misspelt_word_finds_the_question_that_holds_it(
    client, policy, editor, django_assert_num_queries
):
    wanted = submitted_article(
        by=editor, content=paragraphs_content("Is baclofen safe?", LONG_TEXT)
    )
    submitted_article(
        by=editor, content=paragraphs_content("Is tizanidine sedating?", "Drowsiness is common.")
    )
    # The full-text search finds nothing, then the titles alike are asked.
    with django_assert_num_queries(2):
        results = article_search(query="baclofin")
    assert [a.pk for a in results] == [wanted.pk]
    # Nothing readers should see of the text is marked: the word asked is not in it.
    assert "<mark>" not in results[0].snippet
    assert results[0].snippet.startswith("Intrathecal pumps")
    html = client.get("/search/", {"q": "tizanidin sedatng"}).content.decode()
    assert "Is tizanidine sedating?" in html and "Is baclofen safe?" not in html


@pytest.mark.postgres
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL (set DATABASE_URL)")
def test_words_alike_are_asked_only_when_nothing_matches_exactly(
    policy, editor, django_assert_num_queries
):
    exact = submitted_article(by=editor, content=paragraphs_content("Is baclofen safe?", "Pumps."))
    submitted_article(
        by=editor, content=paragraphs_content("Is baclofan a drug?", "Not a real one.")
    )
    with django_assert_num_queries(1):
        assert [a.pk for a in article_search(query="baclofen")] == [exact.pk]
    with django_assert_num_queries(2):
        assert article_search(query="zebrafish") == []


@pytest.mark.postgres
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL (set DATABASE_URL)")
def test_the_title_trigram_index_exists(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_title_trgm'"
        )
        assert "gin_trgm_ops" in cursor.fetchone()[0]
