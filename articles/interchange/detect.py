"""Choosing a format by name or file extension, and reading uploaded bytes safely."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from articles.content import ArticleContent, ContentParseError
from articles.interchange.jsonformat import parse_json, render_json
from articles.interchange.markdown import parse_markdown, render_markdown
from articles.interchange.text import parse_text, render_text

MAX_INPUT_BYTES = 1_000_000
FORMATS = ("text", "markdown", "json")

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
}
_NAMES = {"text": "text", "txt": "text", "markdown": "markdown", "md": "markdown", "json": "json"}
_PARSERS: dict[str, Callable[[str], ArticleContent]] = {
    "text": parse_text,
    "markdown": parse_markdown,
    "json": parse_json,
}
_RENDERERS: dict[str, Callable[[ArticleContent], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}


def format_name(fmt: str) -> str | None:
    """The canonical name of a format ("md" is "markdown"), or None if unknown."""
    return _NAMES.get(fmt.strip().lower())


def detect_format(filename: str, fmt: str | None = None) -> str:
    """The format named by ``fmt`` or, without one, by the file's extension."""
    if fmt:
        name = format_name(fmt)
        if name is None:
            raise ContentParseError(
                f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}"
            )
        return name
    suffix = PurePath(filename).suffix.lower()
    if suffix not in _EXTENSIONS:
        expected = ", ".join(sorted(_EXTENSIONS))
        raise ContentParseError(
            f"cannot tell the format of {filename!r}; expected a file ending in {expected}"
        )
    return _EXTENSIONS[suffix]


def parse(text: str, fmt: str) -> ArticleContent:
    """Parse text in the named format."""
    return _PARSERS[detect_format("", fmt)](text)


def render(content: ArticleContent, fmt: str) -> str:
    """Render an article in the named format: "text", "markdown" or "json"."""
    name = format_name(fmt)
    if name is None:
        raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    return _RENDERERS[name](content)


def decode_upload(
    data: bytes, error: type[ContentParseError] = ContentParseError, *, advice: str = ""
) -> str:
    """An uploaded file as text; ``error`` when it is too large, binary or not UTF-8."""
    if len(data) > MAX_INPUT_BYTES:
        raise error(f"the file is {len(data):,} bytes; the limit is {MAX_INPUT_BYTES:,} bytes")
    if b"\x00" in data:
        raise error("the file is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise error(
            f"the file is not UTF-8 text (invalid byte at position {problem.start}){advice}"
        ) from None


def parse_bytes(data: bytes, *, filename: str, fmt: str | None = None) -> ArticleContent:
    """Parse an uploaded file, refusing what is too large, empty, binary or not UTF-8."""
    name = detect_format(filename, fmt)
    text = decode_upload(data)
    if not text.strip():
        raise ContentParseError("the file is empty")
    return _PARSERS[name](text)
