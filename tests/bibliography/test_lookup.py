"""Looking a reference up by DOI (Crossref) or PMID (PubMed), on recorded answers.

No test reaches the network: ``answers`` replaces ``lookup._download``, the one
function that opens a URL, and records what was asked.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError

from articles.bibliography import lookup
from articles.bibliography.lookup import Failure, ReferenceLookupError, reference_lookup
from articles.content import ReferenceKind

FIXTURES = Path(__file__).parent / "fixtures" / "lookup"
CROSSREF = (FIXTURES / "crossref_work.json").read_bytes()
PUBMED = (FIXTURES / "pubmed_efetch.xml").read_bytes()
PUBMED_EMPTY = (FIXTURES / "pubmed_not_found.xml").read_bytes()
DOI = "10.1136/bmj-2021-068123"
PMID = "34567890"


class Answers:
    """Stands in for ``lookup._download``: each call takes the next answer (bytes or an error)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls: list[tuple[str, dict, float]] = []

    def __call__(self, url, *, headers, timeout):
        self.calls.append((url, headers, timeout))
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


@pytest.fixture
def answers(monkeypatch):
    def install(*given) -> Answers:
        fake = Answers(*given)
        monkeypatch.setattr(lookup, "_download", fake)
        return fake

    return install


def failure_of(identifier: str) -> ReferenceLookupError:
    with pytest.raises(ReferenceLookupError) as caught:
        reference_lookup(identifier)
    return caught.value


# -- Found -------------------------------------------------------------------------------------


def test_a_doi_found_at_crossref_with_its_jats_abstract(answers, settings):
    settings.DEFAULT_FROM_EMAIL = "desk@answers.example.org"
    settings.SITE_URL = "https://answers.example.org"
    fetched = answers(CROSSREF)
    result = reference_lookup(f"https://doi.org/{DOI.upper()}")
    data = result.data
    assert (data.kind, data.source, data.year, data.doi, data.pmid) == (
        ReferenceKind.RESEARCH,
        "BMJ",
        2021,
        DOI,
        "",
    )
    assert data.title == (
        "Baclofen versus tizanidine for spasticity in multiple sclerosis: "
        "randomised controlled trial"
    )
    assert data.authors == "Müller JP, Ødegård A, MS Spasticity Trial Group"
    assert result.abstract == (
        "Objective: To compare baclofen with tizanidine for spasticity in adults with multiple "
        "sclerosis.\n\n"
        "Design: Randomised, double blind trial in 14 centres.\n\n"
        "Results: Spasticity scores fell by a similar amount in both groups (difference 0.3, "
        "95% CI −0.4 to 1.0); drowsiness was less common with baclofen (18% v 31%)."
    )
    assert result.service == "Crossref" and str(result.identifier) == f"DOI {DOI}"
    [(url, headers, timeout)] = fetched.calls
    assert url == f"https://api.crossref.org/works/{DOI}"
    assert headers["User-Agent"] == (
        "MedicalAnswers-References/1.0 "
        "(https://answers.example.org; mailto:desk@answers.example.org)"
    )
    assert timeout == 5


def test_a_pmid_found_at_pubmed_with_its_structured_abstract(answers, settings):
    settings.DEFAULT_FROM_EMAIL = "desk@answers.example.org"
    settings.SITE_URL = "https://answers.example.org"
    fetched = answers(PUBMED)
    result = reference_lookup(f"PMID: {PMID}")
    data = result.data
    assert data.kind == ReferenceKind.SYSTEMATIC_REVIEW  # Meta-Analysis, Systematic Review
    assert data.title == (
        "Oral antispasticity drugs for adults with multiple sclerosis: "
        "a systematic review and network meta-analysis"
    )
    assert (data.source, data.year, data.pmid) == ("Lancet", 2022, PMID)
    # The article's own DOI, not one of the works its reference list cites.
    assert data.doi == "10.1016/s0140-6736(21)02345-6"
    assert data.authors == "Nguyễn VA, Smith JA, Cochrane MS Group"
    assert result.abstract.split("\n\n") == [
        "BACKGROUND: Spasticity affects most people with multiple sclerosis and no drug is "
        "clearly best.",
        "METHODS: We searched MEDLINE, Embase and CENTRAL to June 2021 for randomised trials.",
        "FINDINGS: 38 trials (2 917 participants) were included; baclofen and tizanidine "
        "reduced spasticity to a similar degree.",
        "INTERPRETATION: Choice between drugs may rest on adverse effects.",
    ]
    [(url, headers, _)] = fetched.calls
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == lookup.PUBMED_EFETCH
    assert parse_qs(parts.query) == {
        "db": ["pubmed"],
        "id": [PMID],
        "retmode": ["xml"],
        "tool": ["answers.example.org"],
        "email": ["desk@answers.example.org"],
    }
    assert "mailto:desk@answers.example.org" in headers["User-Agent"]


@pytest.mark.parametrize(
    "typed",
    [PMID, f"pmid {PMID}", f"https://pubmed.ncbi.nlm.nih.gov/{PMID}/", f"  00{PMID} "],
)
def test_a_pmid_may_be_typed_many_ways(answers, typed):
    answers(PUBMED)
    assert reference_lookup(typed).data.pmid == PMID


def test_an_abstract_without_labels_and_a_record_without_one(answers):
    plain = re.sub(
        rb"<Abstract>.*</Abstract>",
        b"<Abstract><AbstractText>One <b>plain</b> paragraph.</AbstractText></Abstract>",
        PUBMED,
        flags=re.S,
    )
    answers(plain)
    assert reference_lookup(PMID).abstract == "One plain paragraph."
    answers(CROSSREF.replace(b'"abstract"', b'"no-abstract"'))
    assert reference_lookup(DOI).abstract == ""


def test_the_timeout_comes_from_the_settings(answers, settings):
    settings.REFERENCE_LOOKUP_TIMEOUT = 2
    fetched = answers(CROSSREF)
    reference_lookup(DOI)
    assert fetched.calls[0][2] == 2


# -- Not found, unreachable, too slow, nonsense ------------------------------------------------


def not_found(url: str) -> HTTPError:
    return HTTPError(url, 404, "Not Found", None, None)


def test_a_doi_crossref_does_not_know(answers):
    answers(not_found("https://api.crossref.org/works/10.1/none"))
    error = failure_of("10.1/none")
    assert str(error) == "No record has this DOI at Crossref."
    assert error.failure == Failure.NOT_FOUND and not error.service_fault


def test_a_pmid_pubmed_does_not_know(answers):
    answers(PUBMED_EMPTY)
    error = failure_of("99999999")
    assert str(error) == "No record has this PMID at PubMed."
    assert error.failure == Failure.NOT_FOUND


@pytest.mark.parametrize(
    "raised",
    [TimeoutError("timed out"), URLError(TimeoutError("timed out"))],
    ids=["reading", "connecting"],
)
def test_a_service_too_slow(answers, raised):
    answers(raised)
    error = failure_of(DOI)
    assert str(error) == "Crossref did not answer within 5 seconds; try again in a minute."
    assert error.service_fault


@pytest.mark.parametrize(
    ("raised", "message"),
    [
        (
            URLError("[Errno -2] Name or service not known"),
            "PubMed cannot be reached from here just now; try again later.",
        ),
        (ConnectionResetError(104, "reset"), "PubMed cannot be reached from here just now"),
        (
            HTTPError(lookup.PUBMED_EFETCH, 503, "Unavailable", None, None),
            "PubMed is busy or not answering (HTTP 503); try again in a minute.",
        ),
        (
            HTTPError(lookup.PUBMED_EFETCH, 429, "Too Many Requests", None, None),
            "PubMed is busy or not answering (HTTP 429)",
        ),
        (
            HTTPError(lookup.PUBMED_EFETCH, 403, "Forbidden", None, None),
            "PubMed refused the request (HTTP 403); try again later.",
        ),
    ],
)
def test_a_service_that_cannot_be_reached(answers, raised, message):
    answers(raised)
    error = failure_of(PMID)
    assert str(error).startswith(message)
    assert error.failure == Failure.UNAVAILABLE


@pytest.mark.parametrize(
    ("identifier", "answer"),
    [
        (DOI, b"<html><body>Service temporarily unavailable</body></html>"),
        (DOI, b'{"status": "ok", "message": ["not", "a", "work"]}'),
        (DOI, b"[1, 2"),
        (PMID, b"<html><body>Service temporarily unavailable</body></html>"),
        (PMID, b"\x89PNG\r\n\x1a\n\x00\x00"),
        (PMID, b"<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>"),
        (PMID, b"<PubmedArticleSet><PubmedArticle><MedlineCitation/></PubmedArticle>"),
        (PMID, b"<" * (lookup.MAX_ANSWER_BYTES + 1)),
    ],
)
def test_an_answer_that_is_no_record(answers, identifier, answer):
    answers(answer)
    error = failure_of(identifier)
    assert "answered with something that is not a record; try again later." in str(error)
    assert error.service_fault


def test_a_record_the_library_cannot_take(answers):
    answers(
        CROSSREF.replace(b'"container-title": ["BMJ"]', b'"container-title": []').replace(
            b'"publisher": "BMJ"', b'"publisher": ""'
        )
    )
    error = failure_of(DOI)
    assert str(error) == (
        "Crossref’s record for this DOI cannot go into the library: "
        "it names no journal, publisher or other source."
    )
    assert error.failure == Failure.INCOMPLETE and not error.service_fault


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "baclofen", "10.1136", "0", "123456789", "doi:" + "9" * 400, "https://example.org"],
)
def test_what_is_no_identifier_asks_nothing(answers, typed):
    fetched = answers()
    error = failure_of(typed)
    assert error.failure == Failure.INVALID
    assert fetched.calls == []


# -- The cache ---------------------------------------------------------------------------------


def test_a_record_found_is_kept_for_a_day(answers, monkeypatch):
    fetched = answers(CROSSREF)
    first = reference_lookup(DOI)
    again = reference_lookup(f"doi:{DOI.upper()}")  # the same DOI, spelt otherwise
    assert len(fetched.calls) == 1
    assert again == first
    kept = []
    monkeypatch.setattr(cache, "set", lambda key, value, timeout: kept.append(timeout))
    cache.clear()
    answers(CROSSREF)
    reference_lookup(DOI)
    assert kept == [24 * 60 * 60]


def test_a_failure_is_not_kept(answers):
    fetched = answers(
        HTTPError(lookup.CROSSREF_WORKS, 503, "Unavailable", None, None), CROSSREF, CROSSREF
    )
    with pytest.raises(ReferenceLookupError):
        reference_lookup(DOI)
    assert reference_lookup(DOI).data.doi == DOI
    reference_lookup(DOI)
    assert len(fetched.calls) == 2  # the failure, then the record (kept from then on)


def test_a_cache_that_fails_is_a_miss_not_a_failed_lookup(answers, monkeypatch):
    def down(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    fetched = answers(CROSSREF, CROSSREF)
    assert reference_lookup(DOI).data.doi == DOI
    assert reference_lookup(DOI).data.doi == DOI
    assert len(fetched.calls) == 2


# -- The one function that opens a URL ---------------------------------------------------------


class Response:
    def __init__(self, chunks):
        self.chunks = list(chunks)

    def read(self, size):
        return self.chunks.pop(0) if self.chunks else b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_download_says_who_asks_and_stops_reading_past_the_size_limit(monkeypatch):
    seen = {}

    def urlopen(request, timeout):
        seen.update(url=request.full_url, agent=request.get_header("User-agent"), timeout=timeout)
        return Response([b"x" * 65536] * 100)

    monkeypatch.setattr(lookup, "urlopen", urlopen)
    body = lookup._download(
        "https://api.crossref.org/works/10.1/x", headers={"User-Agent": "Us"}, timeout=3
    )
    assert seen == {"url": "https://api.crossref.org/works/10.1/x", "agent": "Us", "timeout": 3}
    assert lookup.MAX_ANSWER_BYTES < len(body) <= lookup.MAX_ANSWER_BYTES + 65536


def test_download_gives_up_on_an_answer_that_trickles_past_the_timeout(monkeypatch):
    clock = iter(range(0, 100, 2))  # two seconds pass between reads
    monkeypatch.setattr(lookup, "monotonic", lambda: next(clock))
    monkeypatch.setattr(lookup, "urlopen", lambda request, timeout: Response([b"{"] * 10))
    with pytest.raises(TimeoutError):
        lookup._download("https://api.crossref.org/works/10.1/x", headers={}, timeout=5)
