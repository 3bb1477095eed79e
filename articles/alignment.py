"""Aligning two sequences with a bounded cost: the diff under the desk's diff and claim matching.

``difflib.SequenceMatcher`` compares every element with every other when
elements repeat (thousands of identical claims, the spaces between words), so
its cost grows with the product of the lengths and worse. Here the common
start and end are taken first, then elements that occur exactly once on each
side anchor the alignment (the longest run of anchors in the same order on both
sides, as "patience" diff does), and only the stretches between anchors that
are small enough go to ``SequenceMatcher``. A stretch too large and without
anchors is reported as replaced as a whole. The cost is about n log n.

The result has ``SequenceMatcher.get_opcodes()``'s shape, so callers can swap one for the other.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from collections.abc import Hashable, Sequence

Opcode = tuple[str, int, int, int, int]

# Largest len(a) * len(b) of a stretch handed to SequenceMatcher: a few milliseconds.
SMALL_STRETCH = 4096


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """("equal" | "replace" | "delete" | "insert", a0, a1, b0, b1) covering both sequences."""
    found: list[Opcode] = []
    stack: list[tuple[str, tuple]] = [("align", (0, len(a), 0, len(b)))]
    # Last in, first out, with each step's parts pushed in reverse: the output is in order.
    while stack:
        what, item = stack.pop()
        if what == "emit":
            found.append(item)
        else:
            stack.extend(reversed(_split(a, *item[:2], b, *item[2:])))
    return _merge(found)


def _split(a, a0: int, a1: int, b, b0: int, b1: int) -> list:
    """One step: finished opcodes as ("emit", opcode), stretches still to align as ("align", …)."""
    if (a1 - a0) * (b1 - b0) <= SMALL_STRETCH:
        return _middle(a, a0, a1, b, b0, b1)  # small: exactly what SequenceMatcher would say
    head = 0
    while a0 + head < a1 and b0 + head < b1 and a[a0 + head] == b[b0 + head]:
        head += 1
    tail = 0
    while a1 - tail > a0 + head and b1 - tail > b0 + head and a[a1 - tail - 1] == b[b1 - tail - 1]:
        tail += 1
    parts: list = []
    if head:
        parts.append(("emit", ("equal", a0, a0 + head, b0, b0 + head)))
    m0, m1, n0, n1 = a0 + head, a1 - tail, b0 + head, b1 - tail
    parts.extend(_middle(a, m0, m1, b, n0, n1))
    if tail:
        parts.append(("emit", ("equal", a1 - tail, a1, b1 - tail, b1)))
    return parts


def _middle(a, a0: int, a1: int, b, b0: int, b1: int) -> list:
    if a0 == a1 and b0 == b1:
        return []
    if a0 == a1:
        return [("emit", ("insert", a0, a0, b0, b1))]
    if b0 == b1:
        return [("emit", ("delete", a0, a1, b0, b0))]
    if (a1 - a0) * (b1 - b0) <= SMALL_STRETCH:
        matcher = difflib.SequenceMatcher(a=a[a0:a1], b=b[b0:b1], autojunk=False)
        return [
            ("emit", (tag, a0 + i0, a0 + i1, b0 + j0, b0 + j1))
            for tag, i0, i1, j0, j1 in matcher.get_opcodes()
        ]
    anchors = _anchors(a, a0, a1, b, b0, b1)
    if not anchors:
        return [("emit", ("replace", a0, a1, b0, b1))]
    parts: list = []
    i, j = a0, b0
    for ai, bj in anchors:
        if (i, j) != (ai, bj):
            parts.append(("align", (i, ai, j, bj)))
        parts.append(("emit", ("equal", ai, ai + 1, bj, bj + 1)))
        i, j = ai + 1, bj + 1
    if (i, j) != (a1, b1):
        parts.append(("align", (i, a1, j, b1)))
    return parts


def _anchors(a, a0: int, a1: int, b, b0: int, b1: int) -> list[tuple[int, int]]:
    """Pairs of positions of elements unique on both sides, the longest run in the same order."""
    count_a = Counter(a[a0:a1])
    count_b = Counter(b[b0:b1])
    where_b = {b[j]: j for j in range(b0, b1) if count_b[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(a0, a1) if count_a[a[i]] == 1 and a[i] in where_b]
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (ordered by first) whose seconds increase."""
    tails: list[int] = []  # smallest second ending a run of each length
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for index, (_, second) in enumerate(pairs):
        length = bisect.bisect_left(tails, second)
        if length == len(tails):
            tails.append(second)
            tail_index.append(index)
        else:
            tails[length] = second
            tail_index[length] = index
        previous[index] = tail_index[length - 1] if length else -1
    run: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index != -1:
        run.append(pairs[index])
        index = previous[index]
    return run[::-1]


def _merge(found: list[Opcode]) -> list[Opcode]:
    """Join neighbouring opcodes of the same tag, as SequenceMatcher reports them."""
    merged: list[Opcode] = []
    for tag, a0, a1, b0, b1 in found:
        if a0 == a1 and b0 == b1:
            continue
        if merged and merged[-1][0] == tag:
            last = merged[-1]
            merged[-1] = (tag, last[1], a1, last[3], b1)
        elif merged and {merged[-1][0], tag} <= {"replace", "delete", "insert"}:
            last = merged[-1]
            merged[-1] = ("replace", last[1], a1, last[3], b1)
        else:
            merged.append((tag, a0, a1, b0, b1))
    return merged
