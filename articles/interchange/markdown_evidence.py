"""What a claim says of its evidence in Markdown: its level, and the passages it quotes.

Written by ``articles.interchange.markdown`` and read by ``markdown_reader``; the layout
is described in the first one's docstring. Kept apart so the reader of the body stays
readable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from articles.content import CitedPassage, ClaimData
from articles.evidence import EvidenceLevel, level_refusal

EVIDENCE_MARKER = "evidence="
PASSAGE_PREFIX = "Passage "
_PASSAGE = re.compile(
    r"Passage \[\^(?P<number>[0-9]{1,6})\](?: \((?P<locator>(?:\\.|[^\\)])*)\))?: (?P<quote>.*)"
)
# A further line of a quote that would read as a plain-language line is escaped at its colon
# (one reading as a passage is escaped already, at its "["); unescaping gives it back.
_PLAIN_START, _PLAIN_ESCAPED = "Plain language:", "Plain language\\:"


def evidence_marker(level: str) -> list[str]:
    return [EVIDENCE_MARKER + level] if level else []


def read_evidence_marker(token: str) -> str | None:
    """The level of an ``evidence=<level>`` token, None when the token is something else."""
    if not token.startswith(EVIDENCE_MARKER):
        return None
    level = token[len(EVIDENCE_MARKER) :]
    if level not in EvidenceLevel.values:
        raise ValueError(
            f"unknown evidence level {level!r}; use one of {', '.join(EvidenceLevel.values)}"
        )
    return level


def passage_lines(passages: Sequence[CitedPassage], indent: str, escape) -> list[str]:
    """``> Passage [^n] (locator): quote``, a quote's further lines as ``>`` lines under it."""
    out = []
    for passage in passages:
        first, *rest = passage.quote.split("\n")
        locator = (
            f" ({escape(passage.locator).replace(')', chr(92) + ')')})" if passage.locator else ""
        )
        out.append(f"{indent}> {PASSAGE_PREFIX}[^{passage.number}]{locator}: {escape(first)}")
        for line in rest:
            text = escape(line)
            if text.startswith(_PLAIN_START):
                text = _PLAIN_ESCAPED + text[len(_PLAIN_START) :]
            out.append(f"{indent}> {text}".rstrip())
    return out


QUOTE_PLACE = (
    "a quote must be '> Plain language: ...' or '> Passage [^n]: ...' under the claim it belongs to"
)


def continue_passage(passages: list[CitedPassage], line: str) -> None:
    """A further line of the last passage read."""
    last = passages[-1]
    passages[-1] = CitedPassage(last.number, f"{last.quote}\n{line}", last.locator)


def read_passage(quoted: str, unescape) -> CitedPassage | None:
    """The passage a ``> Passage [^n] ...`` line starts; None for any other quote."""
    match = _PASSAGE.fullmatch(quoted)
    if match is None:
        return None
    return CitedPassage(
        int(match["number"]), unescape(match["quote"]), unescape(match["locator"] or "")
    )


def claim_problems(claim: ClaimData) -> list[str]:
    """What a claim read from Markdown says of its evidence that cannot stand."""
    problems = []
    seen: set[int] = set()
    for passage in claim.passages:
        if passage.number not in claim.citations:
            problems.append(
                f"the passage quotes [^{passage.number}], which the claim does not cite"
            )
        elif passage.number in seen:
            problems.append(
                f"the claim quotes [^{passage.number}] twice: one passage per reference"
            )
        seen.add(passage.number)
    refusal = level_refusal(
        level=claim.evidence,
        is_heading=claim.kind.is_heading,
        needs_no_citation=claim.needs_no_citation,
    )
    return problems + ([refusal] if refusal else [])
