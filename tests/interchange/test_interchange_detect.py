import codecs

import pytest

from articles.content import ContentParseError
from articles.interchange import (
    FORMATS,
    MAX_INPUT_BYTES,
    detect_format,
    parse_bytes,
    parse_text,
    render,
    render_json,
    render_markdown,
    render_text,
)
from articles.limits import MAX_CLAIM_CHARS, MAX_CLAIMS
from tests.interchange.interchange_support import SEED_PATHS, seed_text

SEED = parse_text(seed_text(SEED_PATHS[0]))


@pytest.mark.parametrize(
    ("filename", "fmt", "expected"),
    [
        ("article.txt", None, "text"),
        ("ARTICLE.TXT", None, "text"),
        ("notes.md", None, "markdown"),
        ("notes.markdown", None, "markdown"),
        ("export.json", None, "json"),
        ("export.json", "markdown", "markdown"),
        ("upload", "md", "markdown"),
        ("upload.bin", "Text", "text"),
    ],
)
def test_detect_format(filename, fmt, expected):
    assert detect_format(filename, fmt) == expected


@pytest.mark.parametrize(
    ("filename", "fmt"), [("article.pdf", None), ("article", None), ("a.txt", "docx")]
)
def test_unknown_formats_are_refused(filename, fmt):
    with pytest.raises(ContentParseError):
        detect_format(filename, fmt)


def test_render_dispatches_by_name():
    assert FORMATS == ("text", "markdown", "json")
    assert render(SEED, "text") == render_text(SEED)
    assert render(SEED, "markdown") == render_markdown(SEED)
    assert render(SEED, "json") == render_json(SEED)
    with pytest.raises(ValueError):
        render(SEED, "pdf")


@pytest.mark.parametrize(
    ("fmt", "filename"), [("text", "a.txt"), ("markdown", "a.md"), ("json", "a.json")]
)
def test_parse_bytes_reads_every_format(fmt, filename):
    assert parse_bytes(render(SEED, fmt).encode(), filename=filename) == SEED


def test_parse_bytes_accepts_a_byte_order_mark_and_crlf():
    data = codecs.BOM_UTF8 + seed_text(SEED_PATHS[0]).replace("\n", "\r\n").encode()
    assert parse_bytes(data, filename="page.txt") == SEED


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b" \n\t\n", "empty"),
        (b"Q?\x00\nHeading", "binary"),
        (b"Q?\n\xff\xfe", "not UTF-8"),
        (b"x" * (MAX_INPUT_BYTES + 1), "the limit is 1,000,000 bytes"),
    ],
)
def test_parse_bytes_refuses_unreadable_input(data, fragment):
    with pytest.raises(ContentParseError, match=fragment):
        parse_bytes(data, filename="page.txt")


def test_input_at_the_size_limit_is_read():
    # The largest article the limits allow: every claim at its longest, up to the byte limit.
    claim = "a" * (MAX_CLAIM_CHARS - 1) + ".\n\n"
    head = "Q?\n\nHeading\n\n"
    body = claim * (MAX_CLAIMS - 1)
    last = "b" * (MAX_INPUT_BYTES - len(head) - len(body) - 2)
    data = (head + body + last[: MAX_CLAIM_CHARS - 1] + ".\n").encode()
    assert len(data) <= MAX_INPUT_BYTES
    assert len(parse_bytes(data, filename="page.txt").claims) == MAX_CLAIMS
