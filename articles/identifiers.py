"""DOI and PubMed ID normalisation: the one spelling under which the same work meets itself."""

from __future__ import annotations

import re

_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")


def normalise_doi(value: str | None) -> str:
    """``10.1000/ABC`` whatever way it was written: lower case, no resolver or ``doi:`` prefix."""
    doi = re.sub(r"\s+", "", value or "").lower()
    for prefix in _DOI_PREFIXES:
        if doi.startswith(prefix):
            doi = doi[len(prefix) :]
            break
    return doi.removeprefix("doi:")


def normalise_pmid(value: str | None) -> str:
    """A PubMed ID as digits without leading zeros ("" for a blank or 0).

    Anything else comes back trimmed, for the form or parser to refuse by name.
    """
    pmid = re.sub(r"\s+", "", value or "")
    pmid = pmid[5:] if pmid.lower().startswith("pmid:") else pmid
    if pmid.isdigit():
        return str(int(pmid)) if int(pmid) else ""
    return pmid
