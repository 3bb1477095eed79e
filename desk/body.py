"""The body text area: content written out as text and parsed back.

The parser is the importer's (``articles.interchange``), so what an editor
types follows exactly the rules of an imported file; claims keep their
identity through ``articles.matching.carry_uids``.
"""

from __future__ import annotations

from articles.content import ArticleContent
from articles.interchange import parse_markdown, parse_text, render_markdown, render_text

# Markdown first: it carries everything (plain-language text, uids, DOIs);
# page text is what editors copy from a page or a word processor.
FORMATS = (("markdown", "Markdown"), ("text", "Page text"))


def render_body(content: ArticleContent, fmt: str = "markdown") -> str:
    return render_markdown(content) if fmt == "markdown" else render_text(content)


def parse_body(text: str, fmt: str = "markdown") -> ArticleContent:
    """Parse the text area; raises ContentParseError with the line of each problem."""
    text = text.replace("\r\n", "\n")
    return parse_markdown(text) if fmt == "markdown" else parse_text(text)
