"""One spelling per DOI and PubMed ID, so every written form of a paper meets."""

import pytest

from articles.identifiers import normalise_doi, normalise_pmid


@pytest.mark.parametrize(
    "written",
    [
        "10.1000/ABC.123",
        "10.1000/abc.123",
        " 10.1000/abc.123\n",
        "doi:10.1000/abc.123",
        "DOI: 10.1000/abc.123",
        "https://doi.org/10.1000/ABC.123",
        "http://dx.doi.org/10.1000/abc.123",
        "doi.org/10.1000/abc.123",
        "10.1000/ abc.123",
    ],
)
def test_every_written_form_of_a_doi_is_the_same_doi(written):
    assert normalise_doi(written) == "10.1000/abc.123"


@pytest.mark.parametrize("blank", ["", None, "unavailable", "0", "Unavailable", "n/a", "10.1000"])
def test_what_is_not_a_doi_matches_nothing(blank):
    assert normalise_doi(blank) == ""


@pytest.mark.parametrize(
    "written", ["31000001", " 31000001 ", "PMID: 31000001", "031000001", 31000001, "31000001.0"]
)
def test_every_written_form_of_a_pmid_is_the_same_pmid(written):
    assert normalise_pmid(written) == "31000001"


@pytest.mark.parametrize("blank", ["", None, "0", "000", "unavailable", "12a", "١٢٣"])
def test_what_is_not_a_pmid_matches_nothing(blank):
    assert normalise_pmid(blank) == ""
