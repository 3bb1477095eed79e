"""Round trips over generated articles, and parsers that fail only with ContentParseError."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.content import ArticleContent, ContentParseError
from articles.interchange import (
    parse_bytes,
    parse_json,
    parse_markdown,
    parse_text,
    render_json,
    render_markdown,
    render_text,
)
from tests.interchange.interchange_support import (
    SEED_PATHS,
    carried_by_text,
    contents_any,
    contents_for_text,
    seed_text,
)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEEDS = [parse_text(seed_text(path)) for path in SEED_PATHS]

NEAR_MISS_FRAGMENTS = [
    "", "  • ", "    • ", "  1. ", "•", "References", "Guideline", "Podcast", "2,,3", " 2, , 3",
    " 1234567", "Last updated: February 30, 2026", "Last updated:", "Article Review Status",
    "Professional Medical Disclaimer", "# ", "## ", "#####", "- ", "1) ", "> Plain language:",
    "> quote", "[^1]", "[^x]", "[^1]: Other. *T* 2020.", "[^2]: Review.", "    Authors: A",
    "    URL: <x>", "<!-- no-citation -->", "<!-- uid=x -->", "<!--", "\\", "*", "—", "\t", "\r",
]  # fmt: skip


def assert_parses_or_reports(parse, text: str) -> None:
    """The parser returns content or raises ContentParseError with errors inside the input."""
    try:
        assert isinstance(parse(text), ArticleContent)
    except ContentParseError as error:
        assert error.errors
        line_count = text.count("\n") + text.count("\r") + 1
        for problem in error.errors:
            assert problem.line is None or 1 <= problem.line <= line_count
            assert problem.path == "" or problem.path.startswith("$")


@st.composite
def near_misses(draw, documents: list[str]) -> str:
    """A real document with lines dropped, repeated, swapped or spliced with tricky fragments."""
    lines = draw(st.sampled_from(documents)).split("\n")
    fragments = st.sampled_from(NEAR_MISS_FRAGMENTS) | st.text(max_size=8)
    for _ in range(draw(st.integers(1, 6))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(
            st.sampled_from(["drop", "repeat", "swap", "insert", "prefix", "suffix", "cut"])
        )
        if action == "drop" and len(lines) > 1:
            del lines[index]
        elif action == "repeat":
            lines.insert(index, lines[index])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "insert":
            lines.insert(index, draw(fragments))
        elif action == "prefix":
            lines[index] = draw(fragments) + lines[index]
        elif action == "suffix":
            lines[index] = lines[index] + draw(fragments)
        elif action == "cut":
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
    return "\n".join(lines)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-2, 10_000)
    | st.floats(allow_nan=False)
    | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def value_paths(value, path=()):
    yield path
    children = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in children:
        yield from value_paths(child, (*path, key))


@st.composite
def mutated_json(draw) -> str:
    """A rendered article with one value replaced or removed somewhere in the tree."""
    data = json.loads(render_json(draw(st.sampled_from(SEEDS))))
    path = draw(st.sampled_from([path for path in value_paths(data) if path]))
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if draw(st.booleans()):
        parent[path[-1]] = draw(json_values)
    elif isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.pop(path[-1])
    return json.dumps(data)


# --- Round trips ---------------------------------------------------------------------------


@SETTINGS
@given(contents_any)
def test_markdown_round_trip_is_lossless(content):
    assert parse_markdown(render_markdown(content)) == content


@SETTINGS
@given(contents_any)
def test_json_round_trip_is_lossless(content):
    assert parse_json(render_json(content)) == content


@SETTINGS
@given(contents_for_text)
def test_text_round_trip_keeps_what_page_text_carries(content):
    assert parse_text(render_text(content)) == carried_by_text(content)


@SETTINGS
@given(contents_any)
def test_text_reading_is_stable_after_one_round(content):
    try:
        once = parse_text(render_text(content))
    except ContentParseError:
        return  # content page-text cannot express, such as text ending in "2,,3"
    assert parse_text(render_text(once)) == once


# --- Arbitrary and near-miss input ---------------------------------------------------------


@SETTINGS
@given(st.text())
def test_parsers_raise_only_content_parse_errors_on_any_text(text):
    for parse in (parse_text, parse_markdown, parse_json):
        assert_parses_or_reports(parse, text)


@SETTINGS
@given(
    near_misses([seed_text(path) for path in SEED_PATHS] + [render_text(seed) for seed in SEEDS])
)
def test_text_parser_on_near_misses(text):
    assert_parses_or_reports(parse_text, text)


@SETTINGS
@given(near_misses([render_markdown(seed) for seed in SEEDS]))
def test_markdown_parser_on_near_misses(text):
    assert_parses_or_reports(parse_markdown, text)


@SETTINGS
@given(mutated_json() | near_misses([render_json(seed) for seed in SEEDS]))
def test_json_parser_on_near_misses(text):
    assert_parses_or_reports(parse_json, text)


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from(["a.txt", "a.md", "a.json", "a.pdf", "a"]))
def test_parse_bytes_raises_only_content_parse_errors(data, filename):
    try:
        parse_bytes(data, filename=filename)
    except ContentParseError as error:
        assert error.errors
