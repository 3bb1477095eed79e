"""An import writes the same rows, history and conditions as reading them back would give."""

import pytest
from django.forms.models import model_to_dict

from articles import readiness
from articles.content import ArticleContent, CitedPassage, ClaimData, ClaimKind
from articles.imports import article_import, importer_user
from articles.models import Article, Citation, Claim, Reference
from articles.services import reference_get_or_create
from articles.services.history_rows import bulk_create_recorded
from tests.factories import make_editor, reference_data

pytestmark = pytest.mark.django_db


def mixed_content(title: str = "What is baclofen used for?") -> ArticleContent:
    """Every kind of claim and citation the conditions tell apart."""
    return ArticleContent(
        title=title,
        display_heading="Baclofen",
        references=(reference_data(1), reference_data(2, authors="A. Author")),
        claims=(
            ClaimData(kind=ClaimKind.HEADING, text="Primary indications"),
            ClaimData(
                kind=ClaimKind.PARAGRAPH,
                text="Baclofen relieves spasticity.",
                citations=(1, 2),
                passages=(CitedPassage(number=2, quote="relieves spasticity", locator="p. 3"),),
                evidence="moderate",
            ),
            ClaimData(
                kind=ClaimKind.BULLET, text="Cites a number with nothing behind it.", citations=(7,)
            ),
            ClaimData(kind=ClaimKind.BULLET, text="States a fact, cites nothing.", level=1),
            ClaimData(
                kind=ClaimKind.PARAGRAPH,
                text="Talk to your doctor.",
                plain_text="Ask your doctor.",
                needs_no_citation=True,
            ),
        ),
    )


def test_the_conditions_read_the_claims_as_the_database_holds_them():
    # Reference 1 is already in the library with details the file does not give:
    # the article cites the library's record, and its fingerprints name that record.
    reference_get_or_create(data=reference_data(1, authors="Library Authors"), by=make_editor())
    result = article_import(content=mixed_content(), by=importer_user(), source_name="mixed.txt")

    held = result.article.cached_claim_summaries()
    read_back = readiness.claim_summaries(Article.objects.get(pk=result.article.pk))
    assert held == read_back
    assert [s.unresolved for s in held] == [False, False, True, False, False]
    assert [s.lacks_citation for s in held] == [False, False, False, True, False]


def tracked(row, model) -> dict:
    """The values a history row copies of its row (its own ``id`` included)."""
    fields = model.history.model.tracked_fields
    return {field.attname: getattr(row, field.attname) for field in fields}


def test_each_written_row_has_one_created_history_row_with_its_values():
    by = importer_user()
    result = article_import(content=mixed_content(), by=by, source_name="mixed.txt")
    claims = list(Claim.objects.filter(article=result.article))
    citations = list(Citation.objects.filter(claim__in=claims))
    references = list(Reference.objects.all())
    assert len(claims) == 5 and len(citations) == 3 and len(references) == 2
    for rows, reason in (
        (claims, "Imported from mixed.txt"),
        (citations, "Imported from mixed.txt"),
        (references, None),  # as the library records references found in a file
    ):
        for row in rows:
            (record,) = row.history.all()
            assert record.history_type == "+"
            assert record.history_user == by
            assert record.history_change_reason == reason
            assert tracked(record, type(row)) == tracked(row, type(row))


def test_recorded_rows_match_what_simple_history_writes():
    """The copy by the database and simple_history's own bulk history agree, field for field."""
    from simple_history.utils import bulk_create_with_history

    by = make_editor()

    def reference(n: int) -> Reference:
        return Reference(
            kind="Guideline", title=f"Work {n}", source="Journal", year=2020, dedup_key=f"w{n}"
        )

    ours = bulk_create_recorded([reference(1), reference(2)], Reference, by=by, reason="x" * 150)
    theirs = bulk_create_with_history(
        [reference(3), reference(4)], Reference, default_user=by, default_change_reason="x" * 100
    )
    ignored = {"id", "history_id", "history_date", "title", "dedup_key", "created_at"}

    def record(row) -> dict:
        return {k: v for k, v in model_to_dict(row.history.get()).items() if k not in ignored}

    assert [record(r) for r in ours] == [record(r) for r in theirs]
    assert [r.history.get().title for r in ours] == ["Work 1", "Work 2"]


def test_a_row_carrying_its_own_reason_keeps_it():
    by = make_editor()
    row = Reference(kind="Guideline", title="Own", source="Journal", year=2020, dedup_key="own")
    row._change_reason = "Its own reason"
    (created,) = bulk_create_recorded([row], Reference, by=by, reason="The batch's reason")
    assert created.history.get().history_change_reason == "Its own reason"
