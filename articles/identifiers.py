"""DOIs and PubMed IDs in the one spelling under which two records of a paper meet.

Every comparison of identifiers (reference library, retraction notices, imports)
goes through these two functions, so a DOI typed as ``https://doi.org/10.1/X``
and one written ``doi:10.1/x`` are the same paper everywhere.
"""

from __future__ import annotations

import re

# Prefixes that name a DOI without being part of it, longest first.
_DOI_PREFIXES = (
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "https://doi.org/",
    "http://doi.org/",
    "dx.doi.org/",
    "doi.org/",
    "doi:",
)
_PMID_PREFIX = re.compile(r"^pmid\s*:?\s*", re.IGNORECASE)


def normalise_doi(value: str | None) -> str:
    """``10.xxxx/suffix`` lower-cased with resolver prefixes and spaces removed, or "".

    DOIs are case-insensitive by definition. Anything that is not a DOI
    (blank, ``unavailable``, ``0``) gives "", which never matches.
    """
    doi = "".join((value or "").split()).lower()
    for prefix in _DOI_PREFIXES:
        if doi.startswith(prefix):
            doi = doi[len(prefix) :]
            break
    return doi if doi.startswith("10.") and "/" in doi else ""


def normalise_pmid(value: str | int | None) -> str:
    """The PubMed ID as plain digits without leading zeros, or "" when there is none."""
    pmid = _PMID_PREFIX.sub("", str(value or "").strip())
    if pmid.endswith(".0"):  # spreadsheets write whole numbers as floats
        pmid = pmid[:-2]
    if not pmid.isascii() or not pmid.isdigit():
        return ""
    pmid = pmid.lstrip("0")
    return pmid
