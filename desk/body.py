"""The body text area: content written out as text and parsed back.

The parser is the importer's (``articles.interchange``), so what an editor
types follows the rules of an imported file, with two conveniences for people:
the text carries no claim uids (claims keep their identity by matching, in
``articles.matching.carry_uids``), and a claim may end in ``[1]`` or ``[2, 3]``
in either format. The "Last updated" date is the article's own (the day of
the last save), so it is not written into the text, and a typed one is ignored.
"""

from __future__ import annotations

import dataclasses
import re

from articles.content import ArticleContent
from articles.interchange import parse_markdown, parse_text, render_markdown, render_text

# Markdown first: it carries everything (plain-language text, DOIs);
# page text is what editors copy from a page or a word processor.
FORMATS = (("markdown", "Markdown"), ("text", "Page text"))

# The syntax of each format, shown under the text area for the format selected.
HINTS = {
    "markdown": (
        "Markdown: # Question, ## Display heading, ### Section, #### Subsection, paragraphs, "
        "'- ' bullets and '1. ' numbered items (indent two spaces to nest). Cite at the end of a "
        "claim with [^1][^2] or [1, 2]; define references as "
        "'[^1]: Guideline. *Title* Source, 2024.' with indented DOI: and PMID: lines. "
        "'> Plain language: …' under a claim gives its plain-language version; "
        "<!-- no-citation --> marks a claim that needs no reference. A number with no "
        "reference is kept as unresolved. 'Last updated' is set on saving; a typed one is ignored."
    ),
    "text": (
        "Page text: the question on the first line, then the display heading, then one claim "
        "per line; cite with numbers at the end of the line ('… disease. 1, 2' or "
        "'… disease. [1, 2]'); bullets as '• item' (two more spaces per level of nesting), "
        "numbered items as '1. item'; then a 'References' line and each reference as three "
        "lines: type, title, 'Source, 2024'. Plain-language versions and no-citation marks are "
        "kept as they are. 'Last updated' is set on saving; a typed one is ignored."
    ),
}

# "... text [1]", "... text [2, 3]" or "... text [2][3]" at the end of a line.
_BRACKETED = re.compile(r"(?<!\\)((?:\[\s*[0-9]+(?:\s*,\s*[0-9]+)*\s*\])+)[ \t]*$", re.MULTILINE)
_NUMBER = re.compile(r"[0-9]+")


def render_body(content: ArticleContent, fmt: str = "markdown") -> str:
    """The content as the editor sees it: no claim uids, no "Last updated" line."""
    shown = dataclasses.replace(
        content,
        last_updated=None,
        claims=tuple(dataclasses.replace(claim, uid="") for claim in content.claims),
    )
    return render_markdown(shown) if fmt == "markdown" else render_text(shown)


def _bracketed_citations(text: str, fmt: str) -> str:
    def rewrite(match: re.Match[str]) -> str:
        numbers = _NUMBER.findall(match[1])
        if fmt == "markdown":
            return "".join(f"[^{n}]" for n in numbers)
        return " " + ", ".join(numbers)

    return _BRACKETED.sub(rewrite, text)


def parse_body(text: str, fmt: str = "markdown") -> ArticleContent:
    """Parse the text area; raises ContentParseError with the line of each problem."""
    text = _bracketed_citations(text.replace("\r\n", "\n"), fmt)
    return parse_markdown(text) if fmt == "markdown" else parse_text(text)
