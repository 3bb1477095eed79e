"""Importing reference lists into the library, and the article's shelf (``articles.services.shelf``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import roles, services
from articles.bibliography import ParsedEntry, parse_references
from articles.content import ReferenceData, ReferenceKind
from articles.errors import ContentLocked
from articles.models import ArticleReference, Reference
from articles.permissions import EDITORS_IN_CHIEF
from articles.reviewed import content_fingerprint
from articles.selectors import article_get_content
from articles.services.shelf import ImportStatus
from tests.factories import UserFactory, draft_article, under_review_article

FIXTURES = Path(__file__).parent / "fixtures"


def entries_of(name: str):
    return parse_references((FIXTURES / name).read_text(encoding="utf-8"))[1]


def medline(*records: tuple[str, str, str]) -> list[ParsedEntry]:
    """MEDLINE records of (pmid, title, doi), all in BMJ 2020."""
    text = "\n".join(
        f"PMID- {pmid}\nTI  - {title}\nTA  - BMJ\nDP  - 2020\n"
        + (f"LID - {doi} [doi]\n" if doi else "")
        for pmid, title, doi in records
    )
    return parse_references(text, "medline")[1]


def statuses(outcome):
    return [e.status for e in outcome.entries]


def test_new_entries_are_added_with_every_detail_and_who_added_them(editor):
    outcome = services.references_import(entries=entries_of("pubmed.nbib"), by=editor)
    assert statuses(outcome) == [
        ImportStatus.ADDED,
        ImportStatus.ADDED,
        ImportStatus.REFUSED,
        ImportStatus.ADDED,
    ]
    review = Reference.objects.get(pmid="31234567")
    assert review.kind == ReferenceKind.SYSTEMATIC_REVIEW
    assert review.authors == "Müller J, Ødegård ÅM, Nguyễn VA"
    assert review.doi == "10.1016/s0140-6736(19)31234-5"
    assert review.history.get().history_user == editor
    assert outcome.entries[2].reasons == ("it has no title",)
    assert outcome.headline() == ("4 entries read: 3 added to the library, 1 refused.")


def test_the_same_work_by_doi_or_pmid_is_found_already_in_the_library(editor):
    services.references_import(
        entries=medline(("111", "First title", "10.1/one"), ("222", "Second title", "")),
        by=editor,
    )
    # Other titles and spellings: the identifiers decide.
    again = medline(
        ("", "First title as another database writes it", "https://doi.org/10.1/ONE"),
        ("0222", "The second, retitled", ""),
    )
    outcome = services.references_import(entries=again, by=editor)
    assert statuses(outcome) == [ImportStatus.EXISTING, ImportStatus.EXISTING]
    assert [e.reference.title for e in outcome.entries] == ["First title", "Second title"]
    assert Reference.objects.count() == 2
    assert "2 already in the library" in outcome.headline()


def test_an_existing_reference_gets_the_identifier_it_lacked(editor):
    services.references_import(entries=medline(("", "A trial", "10.1/a")), by=editor)
    outcome = services.references_import(entries=medline(("333", "A trial", "10.1/a")), by=editor)
    assert statuses(outcome) == [ImportStatus.EXISTING]
    assert Reference.objects.get().pmid == "333"


def test_a_work_given_twice_in_one_list_is_added_once(editor):
    outcome = services.references_import(
        entries=medline(("1", "Same", "10.1/s"), ("", "Same work again", "10.1/S")), by=editor
    )
    assert statuses(outcome) == [ImportStatus.ADDED, ImportStatus.REPEATED]
    assert outcome.entries[1].reasons == ("the same work as entry 1",)
    assert outcome.entries[0].reference == outcome.entries[1].reference
    assert Reference.objects.count() == 1


def test_entries_the_library_refuses_are_refused_alone(editor):
    good = medline(("5", "Good one", ""))[0]
    bad = ParsedEntry(
        number=2,
        line=None,
        label="Too old",
        data=ReferenceData(kind=ReferenceKind.RESEARCH, title="Too old", source="X", year=1700),
    )
    outcome = services.references_import(entries=[good, bad], by=editor)
    assert statuses(outcome) == [ImportStatus.ADDED, ImportStatus.REFUSED]
    assert "1800" in " ".join(outcome.entries[1].reasons)
    assert list(Reference.objects.values_list("title", flat=True)) == ["Good one"]


def test_every_format_adds_its_good_entries(editor):
    for name, added in (("zotero.ris", 3), ("library.bib", 3), ("zotero.json", 3)):
        outcome = services.references_import(entries=entries_of(name), by=editor)
        assert outcome.count(ImportStatus.ADDED) + outcome.count(ImportStatus.EXISTING) == added


@pytest.mark.parametrize("role", ["reviewer", "chief", "reader"])
def test_only_editors_import(role, reviewer, db):
    user = {
        "reviewer": reviewer,
        "chief": UserFactory(username="chief", group=EDITORS_IN_CHIEF),
        "reader": UserFactory(username="reader"),
    }[role]
    with pytest.raises(PermissionDenied):
        services.references_import(entries=medline(("1", "T", "")), by=user)
    assert not Reference.objects.exists()


# -- The shelf --------------------------------------------------------------------------------


def test_imported_references_go_on_the_article_shelf_once(editor):
    article = draft_article(by=editor)
    outcome = services.references_import(
        entries=medline(("1", "One", ""), ("2", "Two", "")), by=editor, article=article
    )
    assert outcome.shelved == 2
    assert "2 put on this article's shelf" in outcome.headline()
    again = services.references_import(
        entries=medline(("1", "One", "")), by=editor, article=article
    )
    assert again.shelved == 0
    shelf = ArticleReference.objects.filter(article=article)
    assert [(s.reference.title, s.added_by) for s in shelf] == [("One", editor), ("Two", editor)]


def test_the_shelf_changes_nothing_readers_see_or_the_board_reviewed(editor):
    article = draft_article(by=editor)
    before = content_fingerprint(article_get_content(article=article))
    version = article.content_version
    services.references_import(entries=medline(("1", "One", "")), by=editor, article=article)
    article.refresh_from_db()
    assert article.content_version == version
    assert content_fingerprint(article_get_content(article=article)) == before
    assert "One" not in str(article_get_content(article=article))


def test_the_shelf_takes_nothing_once_the_article_is_not_editable(editor, reviewer):
    article = under_review_article(by=editor, reviewer=reviewer)
    with pytest.raises(ContentLocked):
        services.references_import(entries=medline(("1", "One", "")), by=editor, article=article)
    assert not Reference.objects.filter(title="One").exists()  # the whole import is undone
    reference = Reference.objects.first()
    with pytest.raises(ContentLocked):
        services.article_shelve_references(article=article, references=[reference], by=editor)
    with pytest.raises(PermissionDenied):
        services.article_shelve_references(
            article=draft_article(by=editor), references=[reference], by=reviewer
        )


def test_a_reference_taken_off_the_shelf(editor):
    article = draft_article(by=editor)
    outcome = services.references_import(
        entries=medline(("1", "One", "")), by=editor, article=article
    )
    reference = outcome.entries[0].reference
    assert services.article_unshelve_reference(article=article, reference=reference, by=editor)
    assert not ArticleReference.objects.exists()
    assert Reference.objects.filter(pk=reference.pk).exists()  # the library keeps it


def test_a_reviewed_reference_completed_by_an_import_gets_a_new_version(editor, reviewer):
    article = under_review_article(by=editor, reviewer=reviewer)
    cited = article.claims.exclude(citations=None).first().citations.first().reference
    assert not cited.doi
    entry = ParsedEntry(
        number=1,
        line=None,
        label=cited.title,
        data=ReferenceData(
            kind=ReferenceKind(cited.kind),
            title=cited.title,
            source=cited.source,
            year=cited.year,
            doi="10.9/new",
        ),
    )
    outcome = services.references_import(entries=[entry], by=editor)
    cited.refresh_from_db()
    assert (cited.doi, cited.is_current) == ("", False)  # what the board reviewed stays
    successor = outcome.entries[0].reference
    assert (successor.doi, successor.replaces) == ("10.9/new", cited)
    assert outcome.entries[0].status == ImportStatus.EXISTING


# -- Query counts -------------------------------------------------------------------------------


def _import_queries(editor, article, count: int, offset: int) -> int:
    entries = medline(
        *((str(offset + n), f"Title {offset + n}", f"10.5/{offset + n}") for n in range(count))
    )
    with CaptureQueriesContext(connection) as captured:
        outcome = services.references_import(entries=entries, by=editor, article=article)
    assert outcome.count(ImportStatus.ADDED) == count
    return len(captured)


def test_import_queries_do_not_grow_with_the_entries(editor, django_assert_num_queries):
    article = draft_article(by=editor)
    assert roles.is_editor(editor)  # the user's permissions are read once per request
    few = _import_queries(editor, article, 3, offset=1000)
    # SQLite takes at most 999 values per statement, so Django writes the history rows in
    # batches of ~55; within one batch the count is flat (PostgreSQL takes 300 in one).
    many = _import_queries(editor, article, 45, offset=2000)
    assert few == many
    # 3 savepoints and their 3 releases (import, bulk lookup, shelf), the library lookup, the
    # references and their history rows in bulk, the shelf lookup and its bulk insert = 11
    with django_assert_num_queries(11):
        _import_queries(editor, article, 10, offset=3000)
