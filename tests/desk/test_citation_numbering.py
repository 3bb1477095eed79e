"""One numbering rule: by first citation, as readers see them; the shelf follows until cited.

A reference has a number as soon as it is put on the article's shelf, so the
editor can cite it by typing that number; citing it may move it earlier, and
every number follows. The review screen and the public page number the same
cited references the same way.
"""

import pytest
from django.urls import reverse

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.selectors import article_get_content
from desk.editor import editor_get_body
from desk.services import citing as citing_services
from desk.services import claims as claim_services
from tests.factories import draft_article, reference_data

pytestmark = pytest.mark.django_db


def library(n: int):
    return [
        services.reference_get_or_create(data=reference_data(i), by=None) for i in range(1, n + 1)
    ]


def uncited_article(editor, claims=3):
    content = ArticleContent(
        title="Is it safe to take with food?",
        claims=tuple(ClaimData(ClaimKind.PARAGRAPH, f"Fact {i}.") for i in range(1, claims + 1)),
    )
    return draft_article(by=editor, content=content)


def claim(article, text):
    return article.claims.get(text=text)


def type_numbers(article, editor, text, citations):
    target = claim(article, text)
    article.refresh_from_db()
    return claim_services.claim_edit(
        article=article,
        by=editor,
        expected_version=article.content_version,
        expected_claim_version=target.version,
        uid=str(target.uid),
        text=target.text,
        plain_text="",
        citations=citations,
    )


def cited_titles(article):
    article.refresh_from_db()
    content = article_get_content(article=article)
    return [
        [
            content.references[n - 1].title if n <= len(content.references) else None
            for n in c.citations
        ]
        for c in content.claims
    ]


def test_shelved_references_are_numbered_at_once_and_typed_numbers_find_them(editor):
    article = uncited_article(editor)
    a, b, c, d = library(4)
    services.article_shelve_references(article=article, references=[a, b, c, d], by=editor)
    body = editor_get_body(article=article)
    assert [(r.number, r.reference.title, r.on_shelf) for r in body.references] == [
        (1, a.title, True),
        (2, b.title, True),
        (3, c.title, True),
        (4, d.title, True),
    ]
    type_numbers(article, editor, "Fact 1.", (1, 2))
    assert cited_titles(article)[0] == [a.title, b.title]  # resolved, not "unresolved 1, 2"
    # The picker cites the other two in another claim: they take the next numbers.
    article.refresh_from_db()
    citing_services.claim_cite(
        article=article,
        by=editor,
        expected_version=article.content_version,
        uid=str(claim(article, "Fact 2.").uid),
        references=[d, c],  # in the order ticked
    )
    body = editor_get_body(article=article)
    assert [row.citation_numbers for row in body.rows] == ["1, 2", "3, 4", ""]
    assert [r.reference.title for r in body.references] == [a.title, b.title, d.title, c.title]
    assert not any(r.on_shelf for r in body.references)


def test_citing_a_shelved_reference_earlier_renumbers_everywhere(editor):
    article = uncited_article(editor)
    a, b, c = library(3)
    services.article_shelve_references(article=article, references=[a, b, c], by=editor)
    type_numbers(article, editor, "Fact 2.", (1,))  # A is cited first, in the second claim
    type_numbers(article, editor, "Fact 1.", (3,))  # C (number 3: B and C on the shelf)
    body = editor_get_body(article=article)
    # By first citation: C (claim 1) is now 1, A is 2; B, still on the shelf, is 3.
    assert [row.citation_numbers for row in body.rows] == ["1", "2", ""]
    assert [(r.reference.title, r.on_shelf) for r in body.references] == [
        (c.title, False),
        (a.title, False),
        (b.title, True),
    ]


def test_a_number_nothing_stands_behind_stays_unresolved_after_the_shelf(editor):
    article = uncited_article(editor)
    (a,) = library(1)
    services.article_shelve_references(article=article, references=[a], by=editor)
    type_numbers(article, editor, "Fact 1.", (2,))
    body = editor_get_body(article=article)
    assert body.rows[0].citations[0].reference is None  # unresolved
    assert body.rows[0].citation_numbers == "2"  # after the shelf's one reference
    type_numbers(article, editor, "Fact 2.", (1,))
    body = editor_get_body(article=article)
    assert [row.citation_numbers for row in body.rows[:2]] == ["2", "1"]
    assert body.rows[0].citations[0].reference is None


def test_the_review_screen_and_the_public_numbers_agree_with_the_editor(client, editor, policy):
    article = uncited_article(editor, claims=2)
    a, b = library(2)
    services.article_shelve_references(article=article, references=[a, b], by=editor)
    type_numbers(article, editor, "Fact 1.", (2,))
    # B, first cited, is now 1 and A, still on the shelf, 2: the editor types what they see.
    type_numbers(article, editor, "Fact 2.", (2, 1))
    body = editor_get_body(article=article)
    assert [row.citation_numbers for row in body.rows] == ["1", "2, 1"]
    assert [r.reference.title for r in body.references] == [b.title, a.title]
    client.force_login(editor)
    preview = client.get(article.get_absolute_url(), {"preview": "1"}).content.decode()
    assert preview.index(b.title) < preview.index(a.title)  # readers' list: B is 1, A is 2
    page = client.get(reverse("desk:article", kwargs={"pk": article.pk})).content.decode()
    assert page.index(b.title) < page.index(a.title)


def test_the_picker_numbers_the_shelf_and_finds_by_author_and_year(editor):
    from desk.editor import reference_search

    article = uncited_article(editor)
    shelved = services.reference_get_or_create(
        data=reference_data(7, authors="Okafor N, Lindqvist A", year=2019), by=None
    )
    other = services.reference_get_or_create(data=reference_data(8, year=2011), by=None)
    services.article_shelve_references(article=article, references=[shelved], by=editor)
    by_author = reference_search(article=article, query="Okafor")
    assert [(c.reference, c.number, c.on_shelf) for c in by_author] == [(shelved, 1, True)]
    by_year = reference_search(article=article, query="2011")
    assert [c.reference for c in by_year] == [other]  # from the library, by its year
