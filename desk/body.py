"""The body text area: content written out as text and parsed back, claims keeping their identity.

The parser is the importer's (``articles.interchange``), so what an editor
types follows exactly the rules of an imported file.
"""

from __future__ import annotations

import dataclasses
import difflib

from articles.content import ArticleContent, ClaimData

# Markdown first: it carries everything (plain-language text, uids, DOIs);
# page text is what editors copy from a page or a word processor.
FORMATS = (("markdown", "Markdown"), ("text", "Page text"))


def render_body(content: ArticleContent, fmt: str = "markdown") -> str:
    from articles.interchange.markdown import render_markdown
    from articles.interchange.text import render_text

    return render_markdown(content) if fmt == "markdown" else render_text(content)


def parse_body(text: str, fmt: str = "markdown") -> ArticleContent:
    """Parse the text area; raises ContentParseError with the line of each problem."""
    from articles.interchange.markdown import parse_markdown
    from articles.interchange.text import parse_text

    text = text.replace("\r\n", "\n")
    return parse_markdown(text) if fmt == "markdown" else parse_text(text)


def _key(claim: ClaimData) -> str:
    return " ".join(claim.text.split()).casefold()


def carry_uids(
    old: tuple[ClaimData, ...], new: tuple[ClaimData, ...], *, keep_unwritten: bool = False
) -> tuple[ClaimData, ...]:
    """Give the re-parsed claims the uids of the claims they continue.

    A claim that names the uid of an existing claim (Markdown writes them) is
    that claim. The others are aligned with the remaining old claims as
    sequences of texts: unchanged texts keep their uid, and in a run of
    replaced claims the n-th new claim continues the n-th old one (an edit in
    place). Surplus new claims get no uid (they are new); surplus old ones are
    gone. Review comments are attached to uids, so this is what lets them
    follow a claim through an edit of the body.

    ``keep_unwritten``: the format cannot carry plain-language versions and
    the needs-no-citation mark (page text), so a continued claim keeps its own.
    """
    known = {c.uid for c in old if c.uid}
    uids: list[str] = [""] * len(new)
    used: set[str] = set()
    for index, claim in enumerate(new):
        if claim.uid in known and claim.uid not in used:
            uids[index] = claim.uid
            used.add(claim.uid)
    rest_old = [c for c in old if c.uid not in used]
    rest_new = [i for i, uid in enumerate(uids) if not uid]
    matcher = difflib.SequenceMatcher(
        a=[_key(c) for c in rest_old], b=[_key(new[i]) for i in rest_new], autojunk=False
    )
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for offset in range(min(a1 - a0, b1 - b0)):
                uids[rest_new[b0 + offset]] = rest_old[a0 + offset].uid
    by_uid = {c.uid: c for c in old if c.uid}
    result = []
    for claim, uid in zip(new, uids, strict=True):
        previous = by_uid.get(uid)
        changes = {"uid": uid}
        if keep_unwritten and previous is not None:
            changes["plain_text"] = claim.plain_text or previous.plain_text
            changes["needs_no_citation"] = previous.needs_no_citation and not claim.citations
        result.append(dataclasses.replace(claim, **changes))
    return tuple(result)
