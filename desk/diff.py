"""What a revision changes against the approved version: claims and references, word by word."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from articles import alignment
from articles.content import ArticleContent, ClaimData, ReferenceData
from articles.identifiers import normalise_doi, normalise_pmid
from articles.models import Reference


@dataclass(frozen=True)
class Segment:
    op: str  # "same", "ins" or "del"
    text: str


@dataclass(frozen=True)
class ClaimChange:
    status: str  # "added", "removed", "changed" or "same"
    kind: str
    segments: tuple[Segment, ...]
    old_citations: tuple[int, ...] = ()
    new_citations: tuple[int, ...] = ()
    # The plain-language version, word by word, when it changed (patients read it).
    plain_segments: tuple[Segment, ...] = ()
    # Other changes readers see: the "needs no citation" mark, nesting, cited details.
    notes: tuple[str, ...] = ()
    # The claim's stable identity, when the content carries one.
    uid: str = ""
    level: int = 0  # nesting of a list item, as it reads now (or read, when removed)


@dataclass
class ContentDiff:
    claims: list[ClaimChange] = field(default_factory=list)
    references_added: list[ReferenceData] = field(default_factory=list)
    references_removed: list[ReferenceData] = field(default_factory=list)
    # Same work, other details (authors, DOI, URL...): (before, after).
    references_changed: list[tuple[ReferenceData, ReferenceData]] = field(default_factory=list)
    title_change: tuple[Segment, ...] = ()
    heading_change: tuple[Segment, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "removed": 0, "changed": 0, "same": 0}
        for change in self.claims:
            counts[change.status] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        counts = self.counts
        return bool(
            counts["added"]
            or counts["removed"]
            or counts["changed"]
            or self.references_added
            or self.references_removed
            or self.references_changed
            or self.title_change
            or self.heading_change
        )


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The words of ``new`` against ``old``, whitespace kept, as same/del/ins runs.

    The cost is bounded (about n log n in the number of words, see
    articles.alignment): a claim at the size limit is compared in milliseconds.
    """
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    segments: list[Segment] = []
    for tag, a0, a1, b0, b1 in alignment.opcodes(a, b):
        if tag == "equal":
            segments.append(Segment("same", "".join(a[a0:a1])))
            continue
        if a1 > a0:
            segments.append(Segment("del", "".join(a[a0:a1])))
        if b1 > b0:
            segments.append(Segment("ins", "".join(b[b0:b1])))
    return tuple(segments)


def _reference_key(ref: ReferenceData) -> str:
    if ref.doi:
        return f"doi:{normalise_doi(ref.doi)}"
    if ref.pmid:
        return f"pmid:{normalise_pmid(ref.pmid)}"
    return Reference.make_dedup_key(title=ref.title, source=ref.source, year=ref.year)


def _cited_keys(content: ArticleContent, claim: ClaimData) -> tuple[str, ...]:
    """A claim's citations by the work they cite, since numbers shift between versions."""
    keys = []
    for n in claim.citations:
        keys.append(
            _reference_key(content.references[n - 1])
            if 1 <= n <= len(content.references)
            else f"?{n}"
        )
    return tuple(keys)


def _match_claims(
    old: ArticleContent, new: ArticleContent
) -> list[tuple[ClaimData | None, ClaimData | None]]:
    """Pairs (old, new) in reading order: by uid when both have one, else by aligned text."""
    old_by_uid = {c.uid: c for c in old.claims if c.uid}
    pairs: list[tuple[ClaimData | None, ClaimData | None]] = []
    used: set[str] = set()
    unmatched_new = []
    for claim in new.claims:
        if claim.uid and claim.uid in old_by_uid:
            used.add(claim.uid)
        else:
            unmatched_new.append(claim)
    if unmatched_new and not used:
        # Neither side carries identities: align by text instead.
        return _align_by_text(old.claims, new.claims)
    removed = [c for c in old.claims if c.uid not in used]
    old_order = {id(c): i for i, c in enumerate(old.claims)}
    for claim in new.claims:
        previous = old_by_uid.get(claim.uid) if claim.uid else None
        # A removed claim is shown where it stood, before the claim that followed it.
        while (
            removed and previous is not None and old_order[id(removed[0])] < old_order[id(previous)]
        ):
            pairs.append((removed.pop(0), None))
        pairs.append((previous, claim))
    pairs.extend((c, None) for c in removed)
    return pairs


def _align_by_text(old: tuple[ClaimData, ...], new: tuple[ClaimData, ...]):
    pairs = []
    for tag, a0, a1, b0, b1 in alignment.opcodes([c.text for c in old], [c.text for c in new]):
        if tag == "equal":
            pairs.extend(zip(old[a0:a1], new[b0:b1], strict=True))
        else:
            pairs.extend((c, None) for c in old[a0:a1])
            pairs.extend((None, c) for c in new[b0:b1])
    return pairs


def content_diff(old: ArticleContent | None, new: ArticleContent) -> ContentDiff:
    """Claims added, removed and changed (word by word), and references added or removed."""
    old = old or ArticleContent(title="")
    diff = ContentDiff()
    if old.title and old.title != new.title:
        diff.title_change = word_diff(old.title, new.title)
    if old.title and old.display_heading != new.display_heading:
        diff.heading_change = word_diff(old.display_heading, new.display_heading)
    for before, after in _match_claims(old, new):
        if before is None:
            diff.claims.append(
                ClaimChange(
                    "added",
                    after.kind.value,
                    (Segment("ins", after.text),),
                    new_citations=after.citations,
                    uid=after.uid,
                    level=after.level,
                )
            )
        elif after is None:
            diff.claims.append(
                ClaimChange(
                    "removed",
                    before.kind.value,
                    (Segment("del", before.text),),
                    old_citations=before.citations,
                    uid=before.uid,
                    level=before.level,
                )
            )
        else:
            notes = _other_changes(old, before, new, after)
            plain_changed = before.plain_text != after.plain_text
            same = (
                before.text == after.text
                and before.kind == after.kind
                and not plain_changed
                and not notes
                and _cited_keys(old, before) == _cited_keys(new, after)
            )
            diff.claims.append(
                ClaimChange(
                    "same" if same else "changed",
                    after.kind.value,
                    (Segment("same", after.text),) if same else word_diff(before.text, after.text),
                    old_citations=before.citations,
                    new_citations=after.citations,
                    plain_segments=word_diff(before.plain_text, after.plain_text)
                    if plain_changed
                    else (),
                    notes=notes,
                    uid=after.uid,
                    level=after.level,
                )
            )
    old_refs = {_reference_key(r): r for r in old.references}
    new_refs = {_reference_key(r): r for r in new.references}
    diff.references_added = [r for k, r in new_refs.items() if k not in old_refs]
    diff.references_removed = [r for k, r in old_refs.items() if k not in new_refs]
    diff.references_changed = [
        (old_refs[k], r) for k, r in new_refs.items() if k in old_refs and old_refs[k] != r
    ]
    return diff


def _cited_details(content: ArticleContent, claim: ClaimData) -> tuple:
    return tuple(
        content.references[n - 1] if 1 <= n <= len(content.references) else None
        for n in claim.citations
    )


def _other_changes(
    old: ArticleContent, before: ClaimData, new: ArticleContent, after: ClaimData
) -> tuple[str, ...]:
    notes = []
    if before.needs_no_citation != after.needs_no_citation:
        notes.append(
            "now marked as needing no citation"
            if after.needs_no_citation
            else "no longer marked as needing no citation"
        )
    if before.level != after.level:
        notes.append(f"nesting level {before.level} → {after.level}")
    if _cited_keys(old, before) == _cited_keys(new, after) and _cited_details(
        old, before
    ) != _cited_details(new, after):
        notes.append("details of a cited reference changed")
    return tuple(notes)
