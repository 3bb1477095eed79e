"""Screening the library: every written form of an identifier meets its notice, in fixed queries."""

import pytest

from articles import services as article_services
from articles.models import Reference
from screening.library import library_rescreen
from screening.models import RetractionNotice, ScreeningRun
from tests.factories import reference_data
from tests.screening.csv_support import record, write_csv

pytestmark = pytest.mark.django_db


def library(*identifiers):
    """Library references with these (doi, pmid) written as an editor might."""
    for n, (doi, pmid) in enumerate(identifiers, start=1):
        reference = Reference(
            kind="Research", title=f"Paper {n}", source="Journal", year=2020, doi=doi, pmid=pmid
        )
        reference.save()


def test_dois_in_every_written_form_and_pmid_only_papers_match(tmp_path, import_csv):
    import_csv(
        write_csv(
            tmp_path / "rw.csv",
            [
                record(1, OriginalPaperDOI="10.1000/ABC", OriginalPaperPubMedID="0"),
                record(2, OriginalPaperDOI="", OriginalPaperPubMedID="31000002"),
                record(3, OriginalPaperDOI="unavailable", OriginalPaperPubMedID="0"),
                record(4, OriginalPaperDOI="10.1000/corrected", RetractionNature="Correction"),
            ],
        )
    )
    library(
        ("https://doi.org/10.1000/abc", ""),
        ("", "31000002"),
        ("", " 031000002"),
        ("doi:10.1000/Corrected", ""),
        ("10.1000/unrelated", "99"),
        ("", ""),
    )
    run = library_rescreen()
    assert run.notices_in_force == 3  # record 3 names no paper
    assert (run.references_screened, run.references_matched, run.references_retracted) == (5, 4, 3)
    assert (run.kind, run.status) == ("rescreen", "finished")


def test_the_library_service_keeps_dois_matchable(tmp_path, import_csv):
    import_csv(write_csv(tmp_path / "rw.csv", [record(1, OriginalPaperDOI="10.1000/MIXED.Case")]))
    article_services.reference_get_or_create(data=reference_data(1, doi=" 10.1000/Mixed.CASE "))
    assert library_rescreen().references_retracted == 1


def test_a_withdrawn_notice_no_longer_matches(tmp_path, import_csv):
    import_csv(write_csv(tmp_path / "a.csv", [record(1), record(2)]))
    import_csv(write_csv(tmp_path / "b.csv", [record(2)]))
    library(("10.1000/paper.1", ""), ("10.1000/paper.2", ""))
    assert library_rescreen().references_matched == 1


def test_a_reinstatement_ends_the_retraction(tmp_path, import_csv):
    rows = [
        record(1, OriginalPaperDOI="10.1000/x", RetractionDate="1/1/2020 0:00"),
        record(
            2,
            OriginalPaperDOI="10.1000/x",
            RetractionNature="Reinstatement",
            RetractionDate="1/1/2021 0:00",
        ),
    ]
    import_csv(write_csv(tmp_path / "rw.csv", rows))
    library(("10.1000/x", ""))
    run = library_rescreen()
    assert (run.references_matched, run.references_retracted) == (1, 0)
    # A retraction after the reinstatement counts again.
    rows.append(record(3, OriginalPaperDOI="10.1000/x", RetractionDate="1/1/2022 0:00"))
    import_csv(write_csv(tmp_path / "rw2.csv", rows))
    assert library_rescreen().references_retracted == 1


@pytest.mark.parametrize("size", [3, 60])
def test_screening_queries_do_not_grow_with_the_library(
    tmp_path, import_csv, size, django_assert_num_queries
):
    import_csv(write_csv(tmp_path / "rw.csv", [record(n) for n in range(1, 40)]))
    library(*[(f"10.1000/paper.{n}", str(1000 + n)) for n in range(1, size + 1)])
    # run row; notices; references; approved versions; justifications; open flags; run saved
    # run row; savepoint; notices; references; approved versions; justifications;
    # open flags; run saved; savepoint released
    with django_assert_num_queries(9):
        run = library_rescreen()
    assert run.references_retracted == min(size, 39)
    assert RetractionNotice.objects.count() == 39
    assert ScreeningRun.objects.filter(kind="rescreen").count() == 1
