"""Reading and writing article content as page-text, Markdown and JSON.

Every parser returns an ``ArticleContent`` or raises ``ContentParseError`` listing
each problem with its line or JSON path; nothing else escapes them. Markdown and
JSON carry every field; page-text carries what a published page shows (see
``articles.interchange.text``).
"""

from articles.interchange.detect import (
    FORMATS,
    MAX_INPUT_BYTES,
    detect_format,
    parse,
    parse_bytes,
    render,
)
from articles.interchange.jsonformat import parse_json, render_json
from articles.interchange.markdown import parse_markdown, render_markdown
from articles.interchange.text import parse_text, render_text

__all__ = [
    "FORMATS",
    "MAX_INPUT_BYTES",
    "detect_format",
    "parse",
    "parse_bytes",
    "parse_json",
    "parse_markdown",
    "parse_text",
    "render",
    "render_json",
    "render_markdown",
    "render_text",
]
