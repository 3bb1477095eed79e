"""Whatever text or bytes come in, the readers answer with entries or ReferenceParseError only."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.bibliography import (
    ParsedEntry,
    ReferenceParseError,
    parse_reference_bytes,
    parse_references,
)
from articles.bibliography.bibtex import parse_bibtex
from articles.bibliography.csljson import parse_csl_json
from articles.bibliography.medline import parse_medline
from articles.bibliography.ris import parse_ris

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
READERS = [parse_medline, parse_ris, parse_bibtex, parse_csl_json]
FORMATS = ["auto", "medline", "ris", "bibtex", "csl-json"]

# Pieces of every format, so the text often gets past the first line of a reader.
pieces = st.sampled_from(
    [
        "PMID- 123\n",
        "TI  - ",
        "AU  - ",
        "FAU - ",
        "DP  - 2020 Mar\n",
        "LID - 10.1/x [doi]\n",
        "PT  - Review\n",
        "      continued\n",
        "TY  - JOUR\n",
        "TY  - ",
        "ER  - \n",
        "UR  - http://x; internal-pdf://y\n",
        "PY  - 2020///\n",
        "@article{",
        '@string{a = "b"}',
        "title = {",
        "author = {",
        " and ",
        '{\\"u}',
        "\\",
        "}",
        "{",
        ",",
        "=",
        '"',
        "[",
        "]",
        '{"title": ',
        '"issued": {"date-parts": [[',
        '"author": [{"family": ',
        "null",
        "2020",
        "\n",
        "\n\n",
        "\r\n",
        "\x00",
        "\ufeff",
        "Ø",
        "👩‍⚕️",
    ]
)
format_like = st.lists(st.one_of(pieces, st.text(max_size=15)), max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=400), format_like)


def _entries_are_sound(entries) -> None:
    for number, entry in enumerate(entries, start=1):
        assert isinstance(entry, ParsedEntry)
        assert entry.number == number
        assert entry.ok != bool(entry.problems)


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
@PROPERTY
@given(text=any_text)
def test_each_reader_raises_only_its_own_error(reader, text):
    try:
        entries = reader(text)
    except ReferenceParseError:
        return
    _entries_are_sound(entries)


@PROPERTY
@given(text=any_text, fmt=st.sampled_from(FORMATS))
def test_parse_references_raises_only_its_own_error(text, fmt):
    try:
        _, entries = parse_references(text, fmt)
    except ReferenceParseError:
        return
    assert entries
    _entries_are_sound(entries)


@PROPERTY
@given(
    data=st.one_of(
        st.binary(max_size=400), format_like.map(lambda t: t.encode("utf-8", "surrogatepass"))
    ),
    fmt=st.sampled_from(FORMATS),
)
def test_uploaded_bytes_raise_only_its_own_error(data, fmt):
    try:
        parse_reference_bytes(data, fmt)
    except ReferenceParseError:
        pass
