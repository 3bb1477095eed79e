"""Reference lists imported into the library, and an article's shelf of references to cite.

An import adds every entry it can and says of each one what became of it:
added, already in the library (the same DOI, PMID or title + source + year),
the same work as an earlier entry, or refused with the reason. One bad entry
never costs the others. The references found may be put on an article's shelf,
the desk-only pool its citation picker offers first; the shelf is no part of
what readers see or the board reviews, so it never touches a fingerprint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles import policy
from articles.bibliography import ParsedEntry
from articles.models import Article, ArticleReference, Reference
from articles.services.references import reference_validate, references_find_or_add


class ImportStatus(StrEnum):
    ADDED = "added"
    EXISTING = "already in the library"
    REPEATED = "repeats an earlier entry"
    REFUSED = "refused"


@dataclass(frozen=True)
class ImportedEntry:
    """What became of one entry of an imported list."""

    entry: ParsedEntry
    status: ImportStatus
    reference: Reference | None = None
    reasons: tuple[str, ...] = ()  # why it was refused, or which entry it repeats
    notes: tuple[str, ...] = ()  # what of an added entry was left out

    @property
    def number(self) -> int:
        return self.entry.number


@dataclass
class ReferenceImport:
    """The outcome of one import, entry by entry, in the input's order."""

    format: str
    entries: list[ImportedEntry] = field(default_factory=list)
    shelved: int = 0  # references newly put on the article's shelf

    def count(self, status: ImportStatus) -> int:
        return sum(1 for e in self.entries if e.status == status)

    @property
    def references(self) -> list[Reference]:
        """The library references the import found or added, each once."""
        seen: dict[int, Reference] = {}
        for imported in self.entries:
            if imported.reference is not None:
                seen.setdefault(imported.reference.pk, imported.reference)
        return list(seen.values())

    def headline(self) -> str:
        """One sentence for the page's message: how many of each."""
        parts = [f"{self.count(ImportStatus.ADDED)} added to the library"]
        for status, words in (
            (ImportStatus.EXISTING, "already in the library"),
            (ImportStatus.REPEATED, "repeated in the list"),
            (ImportStatus.REFUSED, "refused"),
        ):
            if self.count(status):
                parts.append(f"{self.count(status)} {words}")
        entries = len(self.entries)
        text = f"{entries} {'entry' if entries == 1 else 'entries'} read: " + ", ".join(parts)
        if self.shelved:
            text += f"; {self.shelved} put on this article's shelf"
        return text + "."


def _check(entry: ParsedEntry) -> tuple[str, ...]:
    """What the library would refuse of an entry the reader accepted (none: an empty tuple)."""
    try:
        reference_validate(data=entry.data)
    except ValidationError as error:
        return tuple(error.messages)
    return ()


@transaction.atomic
def references_import(
    *, entries: Sequence[ParsedEntry], by, fmt: str = "", article: Article | None = None
) -> ReferenceImport:
    """Add an imported list's entries to the library; with ``article``, put them on its shelf.

    Editors only; with an article, only while its content may change (the
    policy's EDIT). The lookups and inserts are a fixed number of queries
    however long the list (``references_find_or_add``).
    """
    if not policy.may_edit(article, by):
        raise PermissionDenied("Only editors add references to the library.")
    if article is not None:
        policy.ensure(by, policy.EDIT, article)
    outcome = ReferenceImport(format=fmt)
    results: dict[int, ImportedEntry] = {}
    accepted: list[ParsedEntry] = []
    for entry in entries:
        problems = entry.problems if not entry.ok else _check(entry)
        if problems:
            results[entry.number] = ImportedEntry(entry, ImportStatus.REFUSED, reasons=problems)
        else:
            accepted.append(entry)
    found = references_find_or_add(datas=[e.data for e in accepted], by=by) if accepted else []
    first_entry: dict[int, int] = {}  # reference pk -> the entry that brought it
    for entry, (reference, added) in zip(accepted, found, strict=True):
        if reference.pk in first_entry:
            status = ImportStatus.REPEATED
            reasons = (f"the same work as entry {first_entry[reference.pk]}",)
        else:
            first_entry[reference.pk] = entry.number
            status = ImportStatus.ADDED if added else ImportStatus.EXISTING
            reasons = ()
        results[entry.number] = ImportedEntry(
            entry, status, reference=reference, reasons=reasons, notes=entry.notes
        )
    outcome.entries = [results[entry.number] for entry in entries]
    if article is not None and outcome.references:
        outcome.shelved = len(
            article_shelve_references(article=article, references=outcome.references, by=by)
        )
    return outcome


@transaction.atomic
def article_shelve_references(
    *, article: Article, references: Sequence[Reference], by
) -> list[ArticleReference]:
    """Put library references on an article's shelf; returns the entries new to it."""
    policy.ensure(by, policy.EDIT, article)
    wanted = list({reference.pk: reference for reference in references}.values())
    present = set(
        ArticleReference.objects.filter(article=article, reference__in=wanted).values_list(
            "reference_id", flat=True
        )
    )
    new = [
        ArticleReference(article=article, reference=reference, added_by=by)
        for reference in wanted
        if reference.pk not in present
    ]
    # Two editors shelving the same reference at once: the second finds it there.
    ArticleReference.objects.bulk_create(new, ignore_conflicts=True)
    return new


@transaction.atomic
def article_unshelve_reference(*, article: Article, reference: Reference, by) -> bool:
    """Take a reference off an article's shelf (a citation of it stays); whether it was there."""
    policy.ensure(by, policy.EDIT, article)
    deleted, _ = ArticleReference.objects.filter(article=article, reference=reference).delete()
    return bool(deleted)
