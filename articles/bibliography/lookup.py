"""A reference's details looked up by its DOI (at Crossref) or its PubMed ID (at PubMed).

``reference_lookup`` asks Crossref's REST API (``/works/<doi>``) for a DOI and
PubMed's E-utilities (``efetch``, XML) for a PMID, and reads the answer into the
same checked ``ParsedEntry`` an imported file gives, abstract included, so the
desk puts it into the library through ``references_import`` like any import.

Each request waits at most ``REFERENCE_LOOKUP_TIMEOUT`` seconds (5 by default)
and says who is asking (the site and ``DEFAULT_FROM_EMAIL``), as both services
ask of their users. A record found is kept in the cache for a day; the cache is
a speed-up only, so a cache that fails is a miss. Anything that goes wrong
raises ``ReferenceLookupError`` with a sentence for the editor and a
``failure`` saying whose it is: the identifier typed, the record found, or the
service.

``_download`` is the one place that opens a URL.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from enum import StrEnum
from http.client import HTTPException
from time import monotonic
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode, urlsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.cache import cache

from articles.bibliography.entries import (
    ParsedEntry,
    clean,
    entry,
    inline_text,
    short_name,
    year_from,
)
from articles.bibliography.kinds import CSL_TYPES, reference_kind
from articles.bibliography.medline import journal_title
from articles.content import ReferenceData, ReferenceKind
from articles.identifiers import normalise_doi, normalise_pmid
from editorial.cache import OUTAGE_ERRORS

logger = logging.getLogger("editorial.lookup")

CROSSREF_WORKS = "https://api.crossref.org/works/"
PUBMED_EFETCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"
DEFAULT_TIMEOUT = 5.0  # seconds, unless settings.REFERENCE_LOOKUP_TIMEOUT says otherwise
CACHE_SECONDS = 24 * 60 * 60
CACHE_PREFIX = "reference-lookup:v1:"
MAX_IDENTIFIER = 300  # characters an editor may type; a DOI in the library has at most 200
MAX_ANSWER_BYTES = 2_000_000  # a record is a few kilobytes; more is not a record

_PUBMED_PAGE = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)"
    r"(\d+)/?$",
    re.I,
)

# Crossref's types of work (api.crossref.org/types) where the CSL name differs; the rest,
# books, chapters, reports and the like, are "Other" unless the title says more.
_CROSSREF_TYPES = {
    **CSL_TYPES,
    "journal-article": ReferenceKind.RESEARCH,
    "proceedings-article": ReferenceKind.RESEARCH,
    "posted-content": ReferenceKind.RESEARCH,  # preprints
    "dissertation": ReferenceKind.RESEARCH,
}


class Failure(StrEnum):
    INVALID = "invalid"  # what was typed is no DOI or PubMed ID
    NOT_FOUND = "not found"  # the service has no record of it
    INCOMPLETE = "incomplete"  # the record lacks what the library needs (a title, a year...)
    UNAVAILABLE = "unavailable"  # cannot be reached, too slow, busy, or answered nonsense


class ReferenceLookupError(Exception):
    """A lookup that gave no reference; ``str()`` is the sentence for the editor."""

    def __init__(self, message: str, *, failure: Failure):
        super().__init__(message)
        self.failure = failure

    @property
    def service_fault(self) -> bool:
        """The service failed (try again later), not the identifier or its record."""
        return self.failure == Failure.UNAVAILABLE


@dataclass(frozen=True)
class Identifier:
    scheme: str  # "doi" or "pmid"
    value: str  # normalised (``articles.identifiers``)

    @property
    def label(self) -> str:
        return "DOI" if self.scheme == "doi" else "PMID"

    @property
    def service(self) -> str:
        return "Crossref" if self.scheme == "doi" else "PubMed"

    def __str__(self) -> str:
        return f"{self.label} {self.value}"


@dataclass(frozen=True)
class LookupResult:
    """A record found: its details as the library keeps them, abstract included."""

    identifier: Identifier
    entry: ParsedEntry  # always ``ok``; what ``references_import`` takes

    @property
    def data(self) -> ReferenceData:
        return self.entry.data

    @property
    def abstract(self) -> str:
        return self.entry.data.abstract

    @property
    def service(self) -> str:
        return self.identifier.service

    @property
    def notes(self) -> tuple[str, ...]:
        return self.entry.notes


def identifier_parse(text: str) -> Identifier:
    """The DOI or PubMed ID typed (a doi.org or PubMed link will do), or ReferenceLookupError."""
    text = (text or "").strip()
    if not text:
        raise ReferenceLookupError("Type a DOI or a PubMed ID.", failure=Failure.INVALID)
    if len(text) > MAX_IDENTIFIER:
        raise ReferenceLookupError(
            f"That is {len(text):,} characters; a DOI or PubMed ID is far shorter.",
            failure=Failure.INVALID,
        )
    if doi := normalise_doi(text):
        if len(doi) > 200:
            raise ReferenceLookupError(
                "The DOI is longer than 200 characters.", failure=Failure.INVALID
            )
        return Identifier("doi", doi)
    page = _PUBMED_PAGE.match(text)
    if (pmid := normalise_pmid(page.group(1) if page else text)) and len(pmid) <= 8:
        return Identifier("pmid", pmid)
    raise ReferenceLookupError(
        f"“{text[:80]}” is neither a DOI (10.1000/xyz123) nor a PubMed ID (up to 8 digits).",
        failure=Failure.INVALID,
    )


def reference_lookup(identifier: str) -> LookupResult:
    """The details of the work with this DOI or PMID, from Crossref or PubMed (cached a day)."""
    found = identifier_parse(identifier)
    key = CACHE_PREFIX + hashlib.sha256(str(found).encode()).hexdigest()
    kept = _cache_get(key)
    if isinstance(kept, dict):  # a change to what is kept changes CACHE_PREFIX
        return LookupResult(found, _entry(found, **kept))
    if found.scheme == "doi":
        details = _crossref_details(found, _get(found, CROSSREF_WORKS + quote(found.value, "/")))
    else:
        query = {"db": "pubmed", "id": found.value, "retmode": "xml"}
        query |= {"tool": _site_name(), "email": settings.DEFAULT_FROM_EMAIL}
        details = _pubmed_details(found, _get(found, f"{PUBMED_EFETCH}?{urlencode(query)}"))
    result = LookupResult(found, _entry(found, **details))
    _cache_set(key, details)
    return result


# -- Asking ----------------------------------------------------------------------------------


def _timeout() -> float:
    return float(getattr(settings, "REFERENCE_LOOKUP_TIMEOUT", DEFAULT_TIMEOUT))


def _site_name() -> str:
    return urlsplit(settings.SITE_URL).hostname or "medical-answers"


def user_agent() -> str:
    """Who is asking, as Crossref's "polite" pool and NCBI's usage policy ask to be told."""
    site = settings.SITE_URL or _site_name()
    return f"MedicalAnswers-References/1.0 ({site}; mailto:{settings.DEFAULT_FROM_EMAIL})"


def _download(url: str, *, headers: dict[str, str], timeout: float) -> bytes:
    """The body of a GET: the one place that opens a URL.

    ``timeout`` bounds the whole answer, not only each read, so a server that
    trickles its bytes is cut off too.
    """
    deadline = monotonic() + timeout
    with urlopen(Request(url, headers=headers), timeout=timeout) as response:
        body = b""
        while chunk := response.read(64 * 1024):
            body += chunk
            if len(body) > MAX_ANSWER_BYTES:
                break
            if monotonic() > deadline:
                raise TimeoutError("the answer took too long")
        return body


def _get(found: Identifier, url: str) -> bytes:
    service, timeout = found.service, _timeout()
    headers = {"User-Agent": user_agent(), "Accept": "application/json, application/xml"}
    try:
        body = _download(url, headers=headers, timeout=timeout)
    except HTTPError as error:
        if error.code in (400, 404, 410):
            raise ReferenceLookupError(
                f"No record has this {found.label} at {service}.", failure=Failure.NOT_FOUND
            ) from None
        logger.warning("%s answered HTTP %s for %s", service, error.code, found)
        busy = error.code == 429 or error.code >= 500
        raise ReferenceLookupError(
            f"{service} is busy or not answering (HTTP {error.code}); try again in a minute."
            if busy
            else f"{service} refused the request (HTTP {error.code}); try again later.",
            failure=Failure.UNAVAILABLE,
        ) from None
    except (TimeoutError, URLError, HTTPException, OSError) as error:
        timed_out = isinstance(error, TimeoutError) or isinstance(
            getattr(error, "reason", None), TimeoutError
        )
        logger.warning("%s lookup of %s failed: %r", service, found, error)
        raise ReferenceLookupError(
            f"{service} did not answer within {timeout:g} seconds; try again in a minute."
            if timed_out
            else f"{service} cannot be reached from here just now; try again later.",
            failure=Failure.UNAVAILABLE,
        ) from None
    if len(body) > MAX_ANSWER_BYTES:
        raise _unreadable(found, "an answer far larger than a record")
    return body


def _unreadable(found: Identifier, what: str) -> ReferenceLookupError:
    logger.warning("%s sent %s for %s", found.service, what, found)
    return ReferenceLookupError(
        f"{found.service} answered with something that is not a record; try again later.",
        failure=Failure.UNAVAILABLE,
    )


# -- The cache: a speed-up only --------------------------------------------------------------


def _cache_get(key: str):
    try:
        return cache.get(key)
    except OUTAGE_ERRORS as error:
        logger.warning("reference lookup cache unreadable: %r", error)
        return None


def _cache_set(key: str, details: dict) -> None:
    try:
        cache.set(key, details, CACHE_SECONDS)
    except OUTAGE_ERRORS as error:
        logger.warning("reference lookup cache unwritable: %r", error)


# -- Reading the answers ---------------------------------------------------------------------


def _entry(found: Identifier, **details) -> ParsedEntry:
    """The checked entry, or ReferenceLookupError naming what the library would miss."""
    types = details.pop("publication_types", ())
    kind = reference_kind(
        type_kind=ReferenceKind(details.pop("type_kind")),
        publication_types=types,
        title=details.get("title", ""),
    )
    checked = entry(number=1, line=None, label=str(found), kind=kind, **details)
    if not checked.ok:
        raise ReferenceLookupError(
            f"{found.service}’s record for this {found.label} cannot go into the library: "
            + "; ".join(checked.problems)
            + ".",
            failure=Failure.INCOMPLETE,
        )
    return checked


def _text_list(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [text for item in items if (text := inline_text(item))]


def _crossref_year(message: dict):
    for name in ("issued", "published", "published-print", "published-online", "created"):
        parts = message.get(name)
        parts = parts.get("date-parts") if isinstance(parts, dict) else None
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            if year_from(parts[0][0]) is not None:
                return parts[0][0]
    return ""


def _crossref_authors(value) -> list[str]:
    names = []
    for person in value if isinstance(value, list) else []:
        if not isinstance(person, dict):
            continue
        family, given = inline_text(person.get("family")), inline_text(person.get("given"))
        names.append(short_name(family, given) if family else inline_text(person.get("name")))
    return names


def _crossref_details(found: Identifier, body: bytes) -> dict:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        raise _unreadable(found, "an answer that is not JSON") from None
    message = payload.get("message") if isinstance(payload, dict) else None
    if not isinstance(message, dict):
        raise _unreadable(found, "JSON without a record")
    work_type = message.get("type") if isinstance(message.get("type"), str) else ""
    titles, containers = (
        _text_list(message.get("title")),
        _text_list(message.get("container-title")),
    )
    source = containers[0] if containers else inline_text(message.get("publisher"))
    return {
        "type_kind": _CROSSREF_TYPES.get(work_type, ReferenceKind.OTHER).value,
        "title": titles[0] if titles else "",
        "source": source,
        "year": _crossref_year(message),
        "authors": _crossref_authors(message.get("author")),
        "doi": message["DOI"] if isinstance(message.get("DOI"), str) else found.value,
        "abstract": message.get("abstract") if isinstance(message.get("abstract"), str) else "",
    }


def _xml_text(element: ET.Element | None) -> str:
    # Titles and abstracts carry inline markup (<i>, <sup>): their words, in order.
    return clean("".join(element.itertext())) if element is not None else ""


def _pubmed_abstract(abstract: ET.Element | None) -> str:
    paragraphs = []
    for part in abstract.iter("AbstractText") if abstract is not None else ():
        text, label = _xml_text(part), clean(part.get("Label") or "")
        if text:
            paragraphs.append(f"{label}: {text}" if label else text)
    return "\n\n".join(paragraphs)


def _pubmed_authors(author_list: ET.Element | None) -> list[str]:
    names = []
    for author in author_list.iter("Author") if author_list is not None else ():
        group = _xml_text(author.find("CollectiveName"))
        family = _xml_text(author.find("LastName"))
        given = _xml_text(author.find("Initials")) or _xml_text(author.find("ForeName"))
        name = group or (f"{family} {given}".strip() if family else "")
        if name:
            names.append(name)
    return names


def _pubmed_year(*dates: ET.Element | None) -> str:
    for date in dates:
        if date is not None and (text := _xml_text(date.find("Year"))):
            return text
        if date is not None and (text := _xml_text(date.find("MedlineDate"))):
            return text  # "2019 Mar-Apr"
    return ""


def _pubmed_doi(record: ET.Element, *paths: str) -> str:
    # Only the record's own identifiers: its ReferenceList names the DOIs of the works it cites.
    for element in [element for path in paths for element in record.iterfind(path)]:
        if (element.get("IdType") or element.get("EIdType") or "").lower() == "doi":
            if text := _xml_text(element):
                return text
    return ""


def _pubmed_details(found: Identifier, body: bytes) -> dict:
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise _unreadable(found, "an answer that is not XML") from None
    if root.tag not in ("PubmedArticleSet", "PubmedBookArticleSet"):
        raise _unreadable(found, f"XML that is no article set ({root.tag[:40]})")
    record = root.find("PubmedArticle")
    if record is not None:
        article = record.find("./MedlineCitation/Article")
        if article is None:
            raise _unreadable(found, "an article without its details")
        return {
            "type_kind": ReferenceKind.RESEARCH.value,
            "publication_types": [
                _xml_text(t) for t in article.iterfind("./PublicationTypeList/PublicationType")
            ],
            "title": _xml_text(article.find("ArticleTitle"))
            or _xml_text(article.find("VernacularTitle")),
            "source": journal_title(_xml_text(article.find("./Journal/Title")))
            or _xml_text(article.find("./Journal/ISOAbbreviation")),
            "year": _pubmed_year(
                article.find("./Journal/JournalIssue/PubDate"), article.find("ArticleDate")
            ),
            "authors": _pubmed_authors(article.find("AuthorList")),
            "doi": _pubmed_doi(
                record,
                "./PubmedData/ArticleIdList/ArticleId",
                "./MedlineCitation/Article/ELocationID",
            ),
            "pmid": _xml_text(record.find("./MedlineCitation/PMID")) or found.value,
            "abstract": _pubmed_abstract(article.find("Abstract")),
        }
    book = root.find("./PubmedBookArticle/BookDocument")
    if book is not None:
        return {
            "type_kind": ReferenceKind.OTHER.value,
            "publication_types": [_xml_text(t) for t in book.iterfind("PublicationType")],
            "title": _xml_text(book.find("ArticleTitle"))
            or _xml_text(book.find("./Book/BookTitle")),
            "source": _xml_text(book.find("./Book/Publisher/PublisherName")),
            "year": _pubmed_year(book.find("./Book/PubDate")),
            "authors": _pubmed_authors(book.find("AuthorList")),
            "doi": _pubmed_doi(
                root.find("PubmedBookArticle"),
                "./PubmedBookData/ArticleIdList/ArticleId",
                "./BookDocument/ELocationID",
            ),
            "pmid": _xml_text(book.find("PMID")) or found.value,
            "abstract": _pubmed_abstract(book.find("Abstract")),
        }
    # PubMed answers an unknown PMID with an empty set.
    raise ReferenceLookupError(
        f"No record has this {found.label} at {found.service}.", failure=Failure.NOT_FOUND
    )
