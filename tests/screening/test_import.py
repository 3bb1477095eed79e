"""import_retractions: the published layout, idempotent re-runs, and bad files named by line."""

from pathlib import Path

import pytest

from screening import services
from screening.models import NoticeNature, RetractionNotice, ScreeningRun
from tests.screening.csv_support import HEADER, csv_text, record, write_csv

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "retraction_watch_sample.csv"


def notice(record_id: int) -> RetractionNotice:
    return RetractionNotice.objects.get(record_id=record_id)


def test_the_committed_sample_loads_every_nature(import_csv):
    code, out, err = import_csv(SAMPLE)
    assert (code, err) == (0, "")
    assert "Read 6 rows" in out and "6 new notices" in out
    assert set(RetractionNotice.objects.values_list("nature", flat=True)) == set(
        NoticeNature.values
    )
    run = ScreeningRun.objects.get()
    assert (run.status, run.file_name, run.notices_created) == ("finished", SAMPLE.name, 6)


def test_fields_are_read_by_name_dates_parsed_and_identifiers_normalised(tmp_path, import_csv):
    reordered = list(reversed(HEADER))
    path = tmp_path / "rw.csv"
    path.write_text(
        csv_text(
            [
                record(
                    7,
                    RetractionDate="1/20/2023 0:00",
                    OriginalPaperDate="12/31/2019 0:00",
                    OriginalPaperDOI="https://doi.org/10.1000/ABC",
                    OriginalPaperPubMedID="0",
                    RetractionDOI="unavailable",
                    RetractionPubMedID="",
                    RetractionNature="Expression of Concern",
                )
            ],
            header=reordered,
        )
    )
    assert import_csv(path)[0] == 0
    stored = notice(7)
    assert str(stored.retraction_date) == "2023-01-20"
    assert str(stored.original_date) == "2019-12-31"
    assert (stored.original_doi, stored.original_pmid) == ("10.1000/abc", "")
    assert (stored.retraction_doi, stored.retraction_pmid, stored.link) == ("", "", "")
    assert stored.nature == NoticeNature.EXPRESSION_OF_CONCERN
    assert stored.reasons == ["Concerns/Issues About Data", "Investigation by Journal/Publisher"]


def test_reimporting_the_same_file_changes_nothing(import_csv):
    import_csv(SAMPLE)
    before = list(RetractionNotice.objects.order_by("record_id").values("pk", "updated_at"))
    code, out, _ = import_csv(SAMPLE)
    assert code == 0
    assert "0 new notices, 0 updated, 6 unchanged, 0 withdrawn" in out
    assert list(RetractionNotice.objects.order_by("record_id").values("pk", "updated_at")) == before


def test_a_newer_file_updates_in_place_and_withdraws_what_it_no_longer_holds(tmp_path, import_csv):
    write_csv(tmp_path / "old.csv", [record(1), record(2), record(3)])
    import_csv(tmp_path / "old.csv")
    first_pk = notice(1).pk
    newer = [record(1, Reason="+Error in Analyses;"), record(2), record(4)]
    code, out, _ = import_csv(write_csv(tmp_path / "new.csv", newer))
    assert code == 0
    assert "1 new notices, 1 updated, 1 unchanged, 1 withdrawn" in out
    assert RetractionNotice.objects.count() == 4
    assert (notice(1).pk, notice(1).reasons) == (first_pk, ["Error in Analyses"])
    assert notice(3).withdrawn_at is not None
    # It comes back when a later file holds it again.
    import_csv(write_csv(tmp_path / "again.csv", [*newer, record(3)]))
    assert notice(3).withdrawn_at is None


def test_a_partial_file_withdraws_nothing(tmp_path, import_csv):
    import_csv(write_csv(tmp_path / "all.csv", [record(1), record(2)]))
    import_csv(write_csv(tmp_path / "part.csv", [record(2)]), "--partial")
    assert notice(1).withdrawn_at is None


def test_a_file_far_smaller_than_the_data_withdraws_nothing_unless_told(
    tmp_path, import_csv, monkeypatch
):
    monkeypatch.setattr(services, "MASS_WITHDRAWAL_FLOOR", 1)
    import_csv(write_csv(tmp_path / "all.csv", [record(n) for n in range(1, 6)]))
    truncated = write_csv(tmp_path / "cut.csv", [record(1)])
    code, _, err = import_csv(truncated)
    assert code == 0
    assert "No record was marked withdrawn: the file lacks 4 records" in err
    assert not RetractionNotice.objects.filter(withdrawn_at__isnull=False).exists()
    import_csv(truncated, "--allow-mass-withdrawal")
    assert RetractionNotice.objects.filter(withdrawn_at__isnull=False).count() == 4


def test_a_record_reinstated_in_a_newer_file_changes_nature(tmp_path, import_csv):
    import_csv(write_csv(tmp_path / "a.csv", [record(1)]))
    import_csv(write_csv(tmp_path / "b.csv", [record(1, RetractionNature="Reinstatement")]))
    assert notice(1).nature == NoticeNature.REINSTATEMENT


def test_a_record_repeated_in_one_file_is_stored_once(tmp_path, import_csv):
    rows = [record(1), record(1, Title="Corrected title")]
    assert import_csv(write_csv(tmp_path / "rw.csv", rows))[0] == 0
    assert notice(1).title == "Corrected title"


def test_rows_are_written_in_batches(
    tmp_path, import_csv, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    path = write_csv(tmp_path / "rw.csv", [record(n) for n in range(1, 8)])
    assert import_csv(path)[0] == 0
    assert RetractionNotice.objects.count() == 7
    assert ScreeningRun.objects.get().rows_read == 7


# -- Bad files ----------------------------------------------------------------------


def test_a_wrong_header_loads_nothing_and_says_what_is_missing(tmp_path, import_csv):
    path = tmp_path / "other.csv"
    path.write_text("id,title,doi\n1,Something,10.1/x\n")
    code, out, err = import_csv(path)
    assert code == 1
    assert "line 1: this is not the Retraction Watch layout" in err
    assert "Record ID" in err and "RetractionNature" in err
    assert "nothing was loaded" in err
    assert not RetractionNotice.objects.exists()
    assert ScreeningRun.objects.get().status == ScreeningRun.Status.FAILED


def test_an_empty_file_is_refused(tmp_path, import_csv):
    (tmp_path / "empty.csv").write_bytes(b"")
    code, _, err = import_csv(tmp_path / "empty.csv")
    assert (code, "line 1: the file is empty" in err) == (1, True)


def test_a_utf16_file_is_named_as_such(tmp_path, import_csv):
    path = tmp_path / "rw.csv"
    path.write_bytes(csv_text([record(1)]).encode("utf-16"))
    code, _, err = import_csv(path)
    assert code == 1 and "UTF-16" in err


def test_malformed_rows_are_named_by_line_and_the_good_ones_load(tmp_path, import_csv):
    rows = [
        record(1),
        record(0),  # line 3
        record(3, RetractionNature="Erratum"),  # line 4
        record(4, RetractionDate="2023/20/01"),  # line 5
        record(5, OriginalPaperDOI="see notes"),  # line 6
        record(6, Notes="two\nlines"),  # lines 7-8
        record(7),  # line 9
    ]
    text = csv_text(rows) + "8,too few fields\r\n"  # line 10
    path = tmp_path / "rw.csv"
    path.write_text(text)
    code, out, err = import_csv(path)
    assert code == 2
    assert "line 3: Record ID '0' is not a positive whole number" in err
    assert "line 4: RetractionNature 'Erratum' is not one of" in err
    assert "line 5: RetractionDate '2023/20/01' is not a date like 1/20/2023 0:00" in err
    assert "line 6: OriginalPaperDOI 'see notes' is neither blank nor a valid identifier" in err
    assert "line 10: 2 fields where the header has at least" in err
    assert "5 rows were skipped; the others were loaded" in err
    assert sorted(RetractionNotice.objects.values_list("record_id", flat=True)) == [1, 6, 7]
    run = ScreeningRun.objects.get()
    assert (run.status, run.rows_skipped, run.rows_read) == ("skipped", 5, 8)


def test_bytes_not_in_the_encoding_skip_their_row_only(tmp_path, import_csv):
    good = csv_text([record(1), record(2, Title="Caf\u00e9 study"), record(3)])
    path = tmp_path / "rw.csv"
    path.write_bytes(good.encode("cp1252"))
    code, _, err = import_csv(path)
    assert code == 2
    assert "line 3: byte 0xe9 at column" in err and "is not utf-8" in err
    assert sorted(RetractionNotice.objects.values_list("record_id", flat=True)) == [1, 3]
    # Named correctly, the same file loads whole.
    assert import_csv(path, "--encoding", "cp1252")[0] == 0
    assert notice(2).title == "Caf\u00e9 study"


def test_bytes_not_in_the_encoding_in_a_column_not_read_do_not_matter(tmp_path, import_csv):
    text = csv_text([record(1, Author="J Mu\u00f1oz;B Author")])
    path = tmp_path / "rw.csv"
    path.write_bytes(text.encode("cp1252"))
    assert import_csv(path)[0] == 0
    assert notice(1).title == "A study of baclofen, part 1"


def test_an_unknown_encoding_is_refused(tmp_path, import_csv):
    code, _, err = import_csv(write_csv(tmp_path / "rw.csv", [record(1)]), "--encoding", "nope")
    assert code == 1 and "nope" in err


def test_a_broken_quote_stops_the_reading_and_withdraws_nothing(tmp_path, import_csv):
    import_csv(write_csv(tmp_path / "all.csv", [record(1), record(2)]))
    text = csv_text([record(1)]) + '2,"A title with a "stray" quote,x\r\n'
    (tmp_path / "broken.csv").write_text(text)
    code, _, err = import_csv(tmp_path / "broken.csv")
    assert code == 2
    assert "line 3: not valid CSV" in err
    assert "No record was marked withdrawn" in err
    assert notice(2).withdrawn_at is None


def test_skipped_rows_with_a_readable_record_id_are_not_withdrawn(tmp_path, import_csv):
    import_csv(write_csv(tmp_path / "a.csv", [record(1), record(2)]))
    import_csv(write_csv(tmp_path / "b.csv", [record(1), record(2, RetractionDate="soon")]))
    assert notice(2).withdrawn_at is None


def test_a_missing_file_is_a_clear_error(import_csv):
    code, _, err = import_csv("/no/such/file.csv")
    assert code == 1 and "no such file" in err
