"""The import's query count is the same however many claims and references an article has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.imports import article_import, importer_user
from tests.factories import sample_content

pytestmark = pytest.mark.django_db


def count_import_queries(claims: int, title: str) -> int:
    by = importer_user()
    content = sample_content(claims=claims, references=3, title=title)
    with CaptureQueriesContext(connection) as captured:
        article_import(content=content, by=by, source_name="bench.txt")
    return len(captured)


def test_import_queries_do_not_grow_with_claims():
    count_import_queries(2, "Warm-up question?")  # permissions and groups are cached after this
    small = count_import_queries(5, "Small article?")
    # A seed page has about 40 claims. (Past ~70 claims SQLite's limit of 999
    # parameters per statement splits the bulk inserts into batches.)
    large = count_import_queries(60, "Large article?")
    assert small == large
    # The import's savepoint and its slug check; article (savepoint): the importer's
    # permissions (2, a user object fresh from ``importer_user``), slug pick, unique check
    # (user, slug), insert + history, contributors; references, however many, inside the
    # article's savepoint: one lookup (all known here; new ones add one bulk insert +
    # history); claims and citations, none to read on a new article: bulk insert + history
    # each; receive (savepoint): lock, unique check (user, slug), save + history, audit row
    # (the conditions read the claims just written: no query); public search entry:
    # claims' text, then one insert-or-update; public pages: the site generation raised, and the keys
    # it changed stamped with it (one bulk insert).
    assert small == 30


def test_import_queries_do_not_grow_with_references():
    """Known and new references alike are looked up at once and the new ones written at once."""

    def count(references: int, title: str) -> int:
        content = sample_content(claims=references, references=references, title=title)
        with CaptureQueriesContext(connection) as captured:
            article_import(content=content, by=importer_user(), source_name="bench.txt")
        return len(captured)

    count(2, "Warm-up question?")  # references 1 and 2 are in the library from here on
    assert count(8, "Some references?") == count(16, "More references?")
