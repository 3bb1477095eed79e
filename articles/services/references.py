"""The shared reference library: finding, adding and changing references.

A reference cited by an article that is submitted, under review, approved or
retracted is frozen: what the board reviewed (and what the approved snapshot
says) must not change under it. Changing a frozen reference makes a new current
version that replaces it in the library; articles citing the old row keep it,
exactly as it was reviewed. Every change is recorded with who made it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from articles import policy
from articles.content import ReferenceData
from articles.identifiers import normalise_doi, normalise_pmid
from articles.models import Reference
from articles.services.history_rows import bulk_create_recorded
from articles.states import ArticleState

# The details a change may touch (the dedup key follows from title, source and year).
# The abstract is no part of what readers see, yet a frozen reference keeps it as it was
# too: a new abstract is a new version, like any other change.
EDITABLE_FIELDS = ("kind", "title", "source", "year", "authors", "doi", "pmid", "url", "abstract")


def reference_is_frozen(reference: Reference) -> bool:
    """Cited by an article past drafting: its details are part of a review or an approval."""
    return reference.citations.exclude(claim__article__state=ArticleState.DRAFT).exists()


def _identifiers(doi: str, pmid: str) -> tuple[str, str]:
    """The DOI and PMID in their one spelling; a value that is neither is refused, not dropped."""
    normal_doi, normal_pmid = normalise_doi(doi), normalise_pmid(pmid)
    errors = {}
    if (doi or "").strip() and not normal_doi:
        errors["doi"] = f"“{doi.strip()}” is not a DOI (a DOI looks like 10.1000/xyz123)."
    if (pmid or "").strip() and not normal_pmid:
        errors["pmid"] = f"“{pmid.strip()}” is not a PubMed ID (digits only)."
    if errors:
        raise ValidationError(errors)
    return normal_doi, normal_pmid


def reference_validate(*, data: ReferenceData) -> None:
    """Raise ValidationError naming everything the library would refuse of ``data`` (no query)."""
    doi, pmid = _identifiers(data.doi, data.pmid)
    # The database's check (``reference_year_plausible``) would fail the whole batch.
    if not 1800 <= data.year <= 2100:
        raise ValidationError({"year": f"{data.year} is not a year between 1800 and 2100."})
    _new_reference(data, doi, pmid).full_clean(
        exclude=["dedup_key"], validate_unique=False, validate_constraints=False
    )


@transaction.atomic
def reference_get_or_create(*, data: ReferenceData, by=None) -> Reference:
    """The library entry for this work, created if new (``references_get_or_create`` for one)."""
    return references_get_or_create(datas=[data], by=by)[0]


def _missing_details(existing: Reference, data: ReferenceData, doi: str, pmid: str) -> dict:
    """Identifiers and details ``data`` knows and the library entry lacks."""
    return {
        field: value
        for field, value in (
            ("doi", doi),
            ("pmid", pmid),
            ("authors", data.authors.strip()),
            ("url", data.url.strip()),
            ("abstract", data.abstract.strip()),
        )
        if value and not getattr(existing, field)
    }


def _new_reference(data: ReferenceData, doi: str, pmid: str) -> Reference:
    reference = Reference(
        kind=data.kind.value,
        title=data.title.strip(),
        source=data.source.strip(),
        year=data.year,
        authors=data.authors.strip(),
        doi=doi,
        pmid=pmid,
        url=data.url.strip(),
        abstract=data.abstract.strip(),
    )
    reference.dedup_key = Reference.make_dedup_key(
        title=reference.title, source=reference.source, year=reference.year
    )
    return reference


def references_get_or_create(*, datas: list[ReferenceData], by=None) -> list[Reference]:
    """The library entries for these works, in order, the new ones written in bulk.

    The same rules as ``reference_get_or_create`` (same DOI, PMID, or normalised
    title + source + year is the same work; missing identifiers are completed,
    copy-on-write), with a fixed number of queries for the lookups and the inserts
    however many references an article has.
    """
    # Called by the body's writer (``write_claims``) inside its own transaction, whose
    # atomic block rolls back whatever fails here: a savepoint would cost two statements.
    with transaction.atomic(savepoint=False):
        return [reference for reference, _ in _find_or_add(datas=datas, by=by)]


@transaction.atomic
def references_find_or_add(*, datas: list[ReferenceData], by=None) -> list[tuple[Reference, bool]]:
    """``references_get_or_create``, saying of each reference whether this call added it."""
    return _find_or_add(datas=datas, by=by)


def _find_or_add(*, datas: list[ReferenceData], by=None) -> list[tuple[Reference, bool]]:
    wanted = []
    for data in datas:
        doi, pmid = _identifiers(data.doi, data.pmid)
        key = Reference.make_dedup_key(title=data.title, source=data.source, year=data.year)
        wanted.append((data, doi, pmid, key))
    dois = {doi for _, doi, _, _ in wanted if doi}
    pmids = {pmid for _, _, pmid, _ in wanted if pmid}
    keys = {key for *_, key in wanted}
    by_identity: dict[tuple[str, str], Reference] = {}
    lookup = Q(dedup_key__in=keys) | Q(doi__in=dois) | Q(pmid__in=pmids)
    for reference in Reference.objects.filter(lookup, is_current=True):
        for field in ("doi", "pmid", "dedup_key"):
            if getattr(reference, field):
                by_identity.setdefault((field, getattr(reference, field)), reference)
    found: list[tuple[Reference, bool]] = []
    created: list[Reference] = []
    for data, doi, pmid, key in wanted:
        identities = [("doi", doi) if doi else None, ("pmid", pmid) if pmid else None]
        identities.append(("dedup_key", key))
        existing = next(
            (by_identity[i] for i in identities if i is not None and i in by_identity), None
        )
        if existing is None:
            existing = _new_reference(data, doi, pmid)
            existing.full_clean(
                exclude=["dedup_key"], validate_unique=False, validate_constraints=False
            )
            created.append(existing)
        elif existing.pk and (missing := _missing_details(existing, data, doi, pmid)):
            existing = reference_update(
                reference=existing, by=by, changes=missing, reason="Identifiers completed"
            )
        for identity in identities:
            if identity is not None and identity[1]:
                by_identity[identity] = existing
        found.append((existing, existing.pk is None))
    if created:
        # SQLite (3.35+) and PostgreSQL both return the new primary keys.
        bulk_create_recorded(created, Reference, by=by)
    return found


@transaction.atomic
def reference_update(
    *, reference: Reference, by, changes: dict, reason: str = "Reference changed"
) -> Reference:
    """Change a library reference's details; a frozen one gets a new version instead.

    Returns the reference that now carries the details: ``reference`` itself,
    or the new current version that replaces it.
    """
    if by is not None and not policy.may_edit(None, by):
        raise PermissionDenied("Only editors change library references.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not a reference detail: {', '.join(sorted(unknown))}")
    changes = dict(changes)
    if "doi" in changes or "pmid" in changes:
        doi, pmid = _identifiers(changes.get("doi", ""), changes.get("pmid", ""))
        changes.update({k: v for k, v in (("doi", doi), ("pmid", pmid)) if k in changes})
    locked = Reference.objects.select_for_update().get(pk=reference.pk)
    if not any(getattr(locked, field) != value for field, value in changes.items()):
        return locked
    if not locked.is_current:
        # Only the library's current version of a work takes changes.
        current = Reference.objects.filter(replaces=locked).first()
        return reference_update(reference=current, by=by, changes=changes, reason=reason)
    if not reference_is_frozen(locked):
        for field, value in changes.items():
            setattr(locked, field, value)
        locked._history_user = by
        locked._change_reason = reason[:100]
        locked.full_clean(exclude=["dedup_key"])
        locked.save()
        return locked
    # Copy-on-write: retire the reviewed row first so the new one may take its identifiers.
    locked.is_current = False
    locked._history_user = by
    locked._change_reason = f"Replaced by a new version: {reason}"[:100]
    locked.save()
    successor = Reference(
        **{field: getattr(locked, field) for field in EDITABLE_FIELDS},
        replaces=locked,
    )
    for field, value in changes.items():
        setattr(successor, field, value)
    successor._history_user = by
    successor._change_reason = reason[:100]
    successor.full_clean(exclude=["dedup_key", "replaces"])
    successor.save()
    return successor
