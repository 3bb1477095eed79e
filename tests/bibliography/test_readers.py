"""The four readers on real-shaped exports: what each entry becomes, and why a bad one is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from articles import limits
from articles.bibliography import (
    ReferenceParseError,
    detect_format,
    parse_reference_bytes,
    parse_references,
)
from articles.content import ReferenceKind

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str, fmt: str = "auto"):
    return parse_references((FIXTURES / name).read_text(encoding="utf-8"), fmt)


def by_number(entries):
    return {e.number: e for e in entries}


# -- PubMed (MEDLINE / .nbib) --------------------------------------------------------------


def test_pubmed_entries_with_their_types_identifiers_and_unicode_authors():
    fmt, entries = read("pubmed.nbib")
    assert fmt == "medline"
    assert [e.number for e in entries] == [1, 2, 3, 4]
    review = entries[0].data
    assert review.title == (
        "Baclofen for spasticity in adults with multiple sclerosis: a systematic review "
        "and meta-analysis"
    )  # the continuation line joined, the closing full stop dropped
    assert review.kind == ReferenceKind.SYSTEMATIC_REVIEW  # PT Systematic Review beats Review
    assert review.source == "Lancet"  # JT without NLM's "(London, England)"
    assert (review.year, review.pmid) == (2019, "31234567")
    assert review.doi == "10.1016/s0140-6736(19)31234-5"  # the [doi] one, not the [pii]
    assert review.authors == "Müller J, Ødegård ÅM, Nguyễn VA"
    guideline = entries[1].data
    assert guideline.kind == ReferenceKind.GUIDELINE
    assert guideline.authors == "Spasticity Guideline Group, Smith JA"
    assert guideline.year == 2018  # "2018 Winter"
    assert entries[3].data.kind == ReferenceKind.REVIEW
    assert entries[3].data.authors == "Garcia M"  # from FAU when there is no AU


def test_pubmed_record_without_a_title_is_refused_with_its_line_and_the_others_kept():
    _, entries = read("pubmed.nbib")
    untitled = entries[2]
    assert not untitled.ok
    assert untitled.line == 37
    assert untitled.label == "PMID 27000001"
    assert untitled.problems == ("it has no title",)
    assert [e.ok for e in entries] == [True, True, False, True]


def test_pubmed_line_that_is_no_tag_refuses_its_record_only():
    text = "PMID- 1\nTI  - One\nTA  - BMJ\nDP  - 2020\nthis line is junk\n\nPMID- 2\nTI  - Two\nTA  - BMJ\nDP  - 2021\n"
    _, entries = parse_references(text)
    assert not entries[0].ok and "line 5" in entries[0].problems[0]
    assert entries[1].data.title == "Two"


# -- RIS --------------------------------------------------------------------------------------


def test_ris_entries_from_a_zotero_export():
    fmt, entries = read("zotero.ris")
    assert fmt == "ris"
    trial = entries[0].data
    assert trial.kind == ReferenceKind.RESEARCH
    assert trial.source == "The New England Journal of Medicine"
    assert trial.authors == "Łukasiewicz Z, O'Brien S, 王 芳"
    assert trial.doi == "10.1056/nejmoa2034567"  # the resolver prefix removed
    assert trial.pmid == "33000111"  # from "N1  - PMID: ..."
    assert trial.url.startswith("https://www.nejm.org/")
    guideline = entries[1]
    assert guideline.data.kind == ReferenceKind.GUIDELINE  # M3 Clinical guideline
    assert guideline.data.url == "https://www.rcplondon.ac.uk/guidelines/spasticity"
    assert guideline.notes == (
        "the link “internal-pdf://0123/guideline.pdf” is left out: not a web address",
    )
    assert entries[3].data.kind == ReferenceKind.OTHER  # a book
    assert entries[3].data.authors == "Aminoff MJ"


def test_ris_entry_without_a_year_and_a_truncated_last_entry_are_refused_by_line():
    _, entries = read("zotero.ris")
    assert [e.ok for e in entries] == [True, True, False, True, False]
    assert (entries[2].line, entries[2].problems) == (27, ("it has no year of publication",))
    truncated = entries[4]
    assert truncated.line == 39
    assert truncated.label == "This export was cut short"
    assert "no “ER  -” line" in truncated.problems[0]


def test_ris_entry_that_runs_into_the_next_one_is_refused_and_the_next_read():
    text = "TY  - JOUR\nTI  - First\nJO  - BMJ\nPY  - 2020\nTY  - JOUR\nTI  - Second\nJO  - BMJ\nPY  - 2021\nER  - \n"
    _, entries = parse_references(text)
    assert not entries[0].ok
    assert entries[1].data.title == "Second" and entries[1].line == 5


def test_ris_pmid_from_a_pubmed_accession_number():
    text = "TY  - JOUR\nTI  - T\nJO  - BMJ\nPY  - 2020\nAN  - 12345\nDB  - PubMed\nER  - \n"
    assert parse_references(text)[1][0].data.pmid == "12345"


# -- BibTeX -----------------------------------------------------------------------------------


def test_bibtex_entries_decoded_from_latex():
    fmt, entries = read("library.bib")
    assert fmt == "bibtex"
    trial = entries[0].data
    assert trial.title == "Effect of Early Mobilisation after Stroke: a Randomised Trial"
    assert trial.source == "The New England Journal of Medicine"  # the @string resolved
    assert trial.authors == "Łukasiewicz Z, O'Brien S, Müller J, et al."  # "and others"
    assert (trial.doi, trial.pmid, trial.year) == ("10.1056/nejmoa2034567", "33000111", 2021)
    who = entries[1].data
    assert who.kind == ReferenceKind.GUIDELINE  # its title says so
    assert who.authors == "World Health Organization"  # a body in braces is one name
    book = entries[3].data
    assert (book.kind, book.source) == (ReferenceKind.OTHER, "McGraw-Hill")
    assert book.authors == "Aminoff MJ, Simon RP, Greenberg DA"


def test_bibtex_unbalanced_braces_and_missing_source_refuse_those_entries_only():
    _, entries = read("library.bib")
    assert [e.ok for e in entries] == [True, True, False, True, False]
    assert entries[2].line == 22
    assert "brace" in entries[2].problems[0]
    assert entries[4].problems == ("it names no journal, publisher or other source",)


def test_bibtex_duplicate_key_is_refused():
    text = "@article{a, title={One}, journal={BMJ}, year=2020}\n@article{a, title={Two}, journal={BMJ}, year=2021}\n"
    _, entries = parse_references(text)
    assert entries[0].ok
    assert entries[1].problems == ("its key “a” is used by an earlier entry too",)


# -- CSL-JSON ---------------------------------------------------------------------------------


def test_csl_json_items():
    fmt, entries = read("zotero.json")
    assert fmt == "csl-json"
    review = entries[0].data
    assert review.kind == ReferenceKind.SYSTEMATIC_REVIEW
    assert review.authors == "Ødegård ÅM, Nguyễn VA, Spasticity Study Group"
    assert (review.year, review.pmid) == (2022, "35500001")
    assert entries[1].data.year == 2016  # {"raw": "2016"}
    assert entries[4].data.kind == ReferenceKind.DRUG_LABEL  # genre


def test_csl_json_items_of_the_wrong_shape_are_refused_field_by_field():
    _, entries = read("zotero.json")
    assert [e.ok for e in entries] == [True, True, False, False, True]
    assert entries[2].problems == (
        "“title” should be text, not a number",
        "“container-title” should be text, not a list",
        "“issued” has “date-parts” that are not a list like [[2021, 3, 5]]",
        "“author” should be a list of names, not text",
    )
    assert entries[3].problems == ("it should be an object, not text",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "book", "title": "One"}', "CSL-JSON is a list of items"),
        ("[1, 2", "not valid JSON"),
    ],
)
def test_csl_json_that_is_not_a_list_is_refused_whole(text, message):
    with pytest.raises(ReferenceParseError, match=message):
        parse_references(text)


# -- Every format -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("pubmed.nbib", "medline"),
        ("zotero.ris", "ris"),
        ("library.bib", "bibtex"),
        ("zotero.json", "csl-json"),
    ],
)
def test_format_is_recognised_from_the_text_and_may_be_named(name, fmt):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert detect_format(text) == fmt
    assert detect_format(text, fmt) == fmt
    assert parse_references(text, fmt)[0] == fmt


def test_text_in_no_known_format_asks_to_choose_one():
    with pytest.raises(ReferenceParseError, match="cannot tell the format"):
        parse_references("Smith J. A paper. BMJ 2020.")
    with pytest.raises(ReferenceParseError, match="unknown format"):
        parse_references("TY  - JOUR\n", "endnote-xml")


def test_named_format_that_finds_nothing_says_so():
    with pytest.raises(ReferenceParseError, match="no reference found"):
        parse_references("Smith J. A paper. BMJ 2020.", "ris")


def test_empty_binary_oversized_and_non_utf8_files_are_refused():
    with pytest.raises(ReferenceParseError, match="nothing to import"):
        parse_reference_bytes(b"  \n")
    with pytest.raises(ReferenceParseError, match="binary"):
        parse_reference_bytes(b"TY  - JOUR\x00")
    with pytest.raises(ReferenceParseError, match="not UTF-8"):
        parse_reference_bytes("TY  - JOUR\nTI  - Café\nER  - \n".encode("latin-1"))
    with pytest.raises(ReferenceParseError, match="limit is"):
        parse_reference_bytes(b"x" * 1_000_001)


def test_a_list_longer_than_the_import_limit_is_refused_whole():
    one = "PMID- {n}\nTI  - Title {n}\nTA  - BMJ\nDP  - 2020\n\n"
    text = "".join(one.format(n=n) for n in range(1, limits.MAX_REFERENCES_PER_IMPORT + 2))
    with pytest.raises(ReferenceParseError, match="at most 300"):
        parse_references(text)


def test_bad_identifiers_and_overlong_fields_are_named():
    text = "TY  - JOUR\nTI  - " + "x" * 501 + "\nJO  - BMJ\nPY  - 2020\nDO  - not-a-doi\nER  - \n"
    problems = parse_references(text)[1][0].problems
    assert problems == (
        "the title is 501 characters; the library keeps 500",
        "“not-a-doi” is not a DOI (a DOI looks like 10.1000/xyz123)",
    )


def test_a_long_author_list_is_shortened_with_et_al_and_a_note():
    authors = "".join(f"AU  - Surname{n:03d}, Given\n" for n in range(60))
    text = f"TY  - JOUR\nTI  - Big trial\nJO  - BMJ\nPY  - 2020\n{authors}ER  - \n"
    entry = parse_references(text)[1][0]
    assert len(entry.data.authors) <= 500
    assert entry.data.authors.endswith(", et al.")
    assert "shortened to its first" in entry.notes[0]
