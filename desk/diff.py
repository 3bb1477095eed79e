"""What a revision changes against the approved version: claims and references, phrase by phrase."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from diff_match_patch import diff_match_patch

from articles import alignment
from articles.content import ArticleContent, ClaimData, ReferenceData
from articles.evidence import EvidenceLevel
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
    # The plain-language version, phrase by phrase, when it changed (patients read it).
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


# A word with the spaces after it (and any spaces the text starts with): the unit a phrase
# diff compares, so "10 mg" against "20 mg" is two words, never characters inside them.
_WORD = re.compile(r"^\s+|\S+\s*")
# Above this many words (both sides together) a text is compared by its common start and end
# only. No claim comes near it (articles.limits allows 2,000 characters); it bounds what any
# text given to the diff can cost.
MAX_WORDS = 20_000
# Above this many separate changes a text is rewritten throughout, and the changed stretch is
# shown as one deletion and one insertion: the semantic clean-up's cost grows with the square
# of the number of changes, and a reader gains nothing from more than this many pieces.
MAX_CHANGES = 64

_EQUAL, _DELETE, _INSERT = diff_match_patch.DIFF_EQUAL, diff_match_patch.DIFF_DELETE, 1


def _code(n: int) -> str:
    """The one character that stands for the n-th distinct word (never a surrogate)."""
    n += 0x100
    return chr(n if n < 0xD800 else n + 0x800)


def phrase_diff(old: str, new: str) -> tuple[Segment, ...]:
    """``new`` against ``old`` in phrases: each run of changed words as one deletion, then one
    insertion, with the unchanged words around it kept as they are.

    Words are aligned with a bounded cost (``articles.alignment``, about n log n), then
    diff-match-patch's semantic clean-up folds a short unchanged stretch between two
    changes into the phrase around it, measured in words: "take 10 mg daily" against
    "take 20 mg twice daily" reads ``take [10 mg] [20 mg twice] daily``, not four pieces.
    """
    a, b = _WORD.findall(old), _WORD.findall(new)
    if len(a) + len(b) > MAX_WORDS:
        return _one_change(a, b)
    # Words are compared without the spaces after them, so the last word of a text is
    # the same word once something is added after it.
    codes: dict[str, str] = {}
    encoded_a = "".join(codes.setdefault(w.rstrip(), _code(len(codes))) for w in a)
    encoded_b = "".join(codes.setdefault(w.rstrip(), _code(len(codes))) for w in b)
    diffs: list[tuple[int, str]] = []
    for tag, a0, a1, b0, b1 in alignment.opcodes(encoded_a, encoded_b):
        if tag == "equal":
            diffs.append((_EQUAL, encoded_a[a0:a1]))
            continue
        if a1 > a0:
            diffs.append((_DELETE, encoded_a[a0:a1]))
        if b1 > b0:
            diffs.append((_INSERT, encoded_b[b0:b1]))
    if sum(1 for op, _ in diffs if op == _EQUAL) > MAX_CHANGES:
        return _one_change(a, b)
    diff_match_patch().diff_cleanupSemantic(diffs)
    return _phrases(_words_behind(diffs, a, b))


def _words_behind(diffs: list[tuple[int, str]], a: list[str], b: list[str]):
    """The texts the codes stand for; a word kept with other spaces after it keeps both."""
    texts: list[tuple[int, str]] = []
    i = j = 0
    for op, codes in diffs:
        n = len(codes)
        if op == _DELETE:
            texts.append((_DELETE, "".join(a[i : i + n])))
            i += n
        elif op == _INSERT:
            texts.append((_INSERT, "".join(b[j : j + n])))
            j += n
        else:
            for old_word, new_word in zip(a[i : i + n], b[j : j + n], strict=True):
                if old_word == new_word:
                    texts.append((_EQUAL, old_word))
                    continue
                word = old_word.rstrip()
                texts.append((_EQUAL, word))
                texts.append((_DELETE, old_word[len(word) :]))
                texts.append((_INSERT, new_word[len(word) :]))
            i, j = i + n, j + n
    return texts


def _phrases(diffs: list[tuple[int, str]]) -> tuple[Segment, ...]:
    """Segments with each change as its deletion then its insertion, spaces kept outside."""
    segments: list[Segment] = []
    deleted, inserted = "", ""

    def flush() -> None:
        nonlocal deleted, inserted
        # The space after a replaced phrase is common to both sides: keep it unchanged.
        spaces = inserted[len(inserted.rstrip()) :] if deleted else ""
        if spaces and deleted.endswith(spaces):
            deleted, inserted = deleted[: -len(spaces)], inserted[: -len(spaces)]
        else:
            spaces = ""
        if deleted:
            segments.append(Segment("del", deleted))
        if inserted:
            segments.append(Segment("ins", inserted))
        if spaces:
            segments.append(Segment("same", spaces))
        deleted, inserted = "", ""

    for op, text in diffs:
        if not text:
            continue
        if op == _DELETE:
            deleted += text
        elif op == _INSERT:
            inserted += text
        else:
            flush()
            segments.append(Segment("same", text))
    flush()
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].op == segment.op == "same":
            merged[-1] = Segment("same", merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return tuple(merged)


def _one_change(a: list[str], b: list[str]) -> tuple[Segment, ...]:
    """The common start and end kept, everything between as one deletion and one insertion."""
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    diffs = [
        (_EQUAL, "".join(a[:head])),
        (_DELETE, "".join(a[head : len(a) - tail])),
        (_INSERT, "".join(b[head : len(b) - tail])),
        (_EQUAL, "".join(a[len(a) - tail :])),
    ]
    return _phrases(diffs)


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
    """Claims added, removed and changed (phrase by phrase), and references added or removed."""
    old = old or ArticleContent(title="")
    diff = ContentDiff()
    if old.title and old.title != new.title:
        diff.title_change = phrase_diff(old.title, new.title)
    if old.title and old.display_heading != new.display_heading:
        diff.heading_change = phrase_diff(old.display_heading, new.display_heading)
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
                    (Segment("same", after.text),)
                    if same
                    else phrase_diff(before.text, after.text),
                    old_citations=before.citations,
                    new_citations=after.citations,
                    plain_segments=phrase_diff(before.plain_text, after.plain_text)
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
    if before.evidence != after.evidence:
        notes.append(f"evidence level {_evidence_name(before)} → {_evidence_name(after)}")
    if _cited_keys(old, before) == _cited_keys(new, after) and _cited_details(
        old, before
    ) != _cited_details(new, after):
        notes.append("details of a cited reference changed")
    notes.extend(_passage_changes(old, before, new, after))
    return tuple(notes)


def _evidence_name(claim: ClaimData) -> str:
    return EvidenceLevel(claim.evidence).label.lower() if claim.evidence else "none"


def _passages_by_work(content: ArticleContent, claim: ClaimData) -> dict[str, tuple]:
    """A claim's quoted passages by the work they are quoted from (numbers shift)."""
    found = {}
    for passage in claim.passages:
        if 1 <= passage.number <= len(content.references):
            reference = content.references[passage.number - 1]
            found[_reference_key(reference)] = (reference.title, passage.quote, passage.locator)
    return found


def _passage_changes(
    old: ArticleContent, before: ClaimData, new: ArticleContent, after: ClaimData
) -> list[str]:
    """What became of the passages quoted in support of the claim, one note per source."""
    was, now = _passages_by_work(old, before), _passages_by_work(new, after)
    notes = []
    for key in dict.fromkeys([*was, *now]):
        title = (now.get(key) or was[key])[0]
        if key not in was:
            notes.append(f"a passage is now quoted from “{title}”")
        elif key not in now:
            notes.append(f"the passage quoted from “{title}” was removed")
        elif was[key][1:] != now[key][1:]:
            notes.append(f"the passage quoted from “{title}” changed; it read: “{was[key][1]}”")
    return notes
