import datetime

import pytest

from articles.content import (
    ArticleContent,
    ClaimData,
    ClaimKind,
    ContentParseError,
    ReferenceData,
    ReferenceKind,
)
from articles.interchange import parse_markdown, parse_text, render_markdown
from tests.interchange.interchange_support import SEED_PATHS, seed_text

UID = "6f1c2a9e-3b1d-4c55-9a2e-0d6b1f3e1d2e"

FULL = ArticleContent(
    title="What is baclofen used for?",
    display_heading="What is Baclofen Used For?",
    last_updated=datetime.date(2026, 2, 6),
    claims=(
        ClaimData(ClaimKind.HEADING, "Indications", uid=UID),
        ClaimData(
            ClaimKind.PARAGRAPH,
            "Baclofen relieves spasticity.",
            0,
            (1, 3),
            plain_text="It eases stiff muscles.",
        ),
        ClaimData(ClaimKind.BULLET, "Multiple sclerosis", 0, (1,)),
        ClaimData(
            ClaimKind.BULLET,
            "Flexor spasms",
            1,
            (),
            needs_no_citation=True,
            plain_text="Sudden bending.",
        ),
        ClaimData(ClaimKind.NUMBERED, "Start low", 0, (2,)),
        ClaimData(ClaimKind.NUMBERED, "Titrate slowly", 1, (2,)),
        ClaimData(ClaimKind.SUBHEADING, "Cautions:"),
    ),
    references=(
        ReferenceData(
            ReferenceKind.GUIDELINE,
            "Baclofen Use in Pain Management",
            "Praxis Medical Insights",
            2026,
            authors="Smith J, Doe A",
            doi="10.1000/xyz_1",
            pmid="12345678",
            url="https://example.org/baclofen",
        ),
        ReferenceData(ReferenceKind.DRUG_LABEL, "Lioresal (baclofen) label.", "", 2019),
    ),
)

FULL_MARKDOWN = """\
# What is baclofen used for?

Last updated: 2026-02-06

## What is Baclofen Used For?

### Indications <!-- uid=6f1c2a9e-3b1d-4c55-9a2e-0d6b1f3e1d2e -->

Baclofen relieves spasticity.[^1][^3]
> Plain language: It eases stiff muscles.

- Multiple sclerosis[^1]
  - Flexor spasms <!-- no-citation -->
    > Plain language: Sudden bending.
1. Start low[^2]
   1. Titrate slowly[^2]

#### Cautions:

[^1]: Guideline. *Baclofen Use in Pain Management* Praxis Medical Insights, 2026.
    Authors: Smith J, Doe A
    DOI: 10.1000/xyz\\_1
    PMID: 12345678
    URL: <https://example.org/baclofen>
[^2]: Drug label. *Lioresal (baclofen) label.* 2019.
"""


def errors_of(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(ContentParseError) as caught:
        parse_markdown(text)
    return [(error.line, error.message) for error in caught.value.errors]


def test_render_writes_the_documented_layout():
    assert render_markdown(FULL) == FULL_MARKDOWN


def test_every_field_reads_back():
    assert parse_markdown(FULL_MARKDOWN) == FULL


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda path: path.stem)
def test_seeds_round_trip(path):
    content = parse_text(seed_text(path))
    assert parse_markdown(render_markdown(content)) == content


def test_unresolved_citations_stay_as_references_without_definitions():
    content = parse_markdown("# Q\n\nClaim.[^1][^9]\n\n[^1]: Other. *T* S, 2020.\n")
    assert content.claims[0].citations == (1, 9)
    assert content.unresolved_numbers() == [9]


@pytest.mark.parametrize(
    "text",
    [
        "# not a heading",
        "- not an item",
        "1. not numbered",
        "2024) a year",
        "> not a quote",
        "[^1]: not a definition",
        "Ends in a footnote-like [^2]",
        "A <!-- comment --> inside",
        r"Back\slash and \\ double, *stars*, _under_, `code`, ~tilde~",
        "Last updated: 2026-01-01",
        "C#",
        "ends with #",
        "=== setext",
    ],
)
def test_text_that_looks_like_syntax_reads_back_exactly(text):
    content = ArticleContent(
        title=text,
        claims=(
            ClaimData(ClaimKind.PARAGRAPH, text),
            ClaimData(ClaimKind.BULLET, text, plain_text=text),
        ),
        references=(ReferenceData(ReferenceKind.OTHER, text, text, 2000, text, text, text, text),),
    )
    assert parse_markdown(render_markdown(content)) == content


def test_hand_written_markdown_is_read_as_commonmark_would():
    text = """\
# Question ##

## Shown heading

Paragraph that
continues here. [^1] [^2]

* star item
  + nested with two spaces
10) numbered
    - nested under its text
"""
    content = parse_markdown(text)
    assert content.title == "Question"
    assert content.claims == (
        ClaimData(ClaimKind.PARAGRAPH, "Paragraph that continues here.", 0, (1, 2)),
        ClaimData(ClaimKind.BULLET, "star item"),
        ClaimData(ClaimKind.BULLET, "nested with two spaces", 1),
        ClaimData(ClaimKind.NUMBERED, "numbered"),
        ClaimData(ClaimKind.BULLET, "nested under its text", 1),
    )


def test_under_indented_item_starts_a_new_top_level_item():
    content = parse_markdown("# Q\n\n1. one\n  - two spaces are not enough under '1. '\n")
    assert [claim.level for claim in content.claims] == [0, 0]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("Intro\n# Q\n", 1, "must begin with '# '"),
        ("# Q\n\nA[^1] claim.\n", 3, "must come at the end"),
        ("# Q\n\nClaim.[^note]\n", 3, "must be a reference number"),
        ("# Q\n\nClaim.[^1234567]\n", 3, "too large"),
        ("# Q\n\nClaim. <!-- reviewed -->\n", 3, "unexpected 'reviewed'"),
        ("# Q\n\nClaim. <!-- uid=not-a-uuid -->\n", 3, "unexpected 'uid=not-a-uuid'"),
        ("# Q\n\n[^2]: Other. *T* 2020.\n", 3, "expected the definition of reference [^1]"),
        ("# Q\n\n[^1]: Podcast. *T* 2020.\n", 3, "unknown reference type 'Podcast'"),
        ("# Q\n\n[^1]: Other. *T* Source.\n", 3, "four-digit year"),
        ("# Q\n\n[^1]: Other. T, 2020.\n", 3, "must read like"),
        ("# Q\n\n[^1]: Other. *T* 2020.\n    Editor: X\n", 4, "expected one of Authors"),
        ("# Q\n\nLast updated: 2026-02-30\n", 3, "cannot read the date"),
        ("# Q\n\n##### Deep\n", 3, "use '###'"),
        ("# Q\n\n> Plain language: orphan\n", 3, "no claim above"),
        ("# Q\n\nClaim.\n> A quote\n", 4, "a quote must be"),
        ("# Q\n\nClaim.\n\n## Late display heading\n", 5, "before the body"),
        ("# Q\n\n-\n", 3, "no text"),
    ],
)
def test_errors_name_their_line(text, line, fragment):
    errors = errors_of(text)
    assert [error_line for error_line, _ in errors] == [line]
    assert fragment in errors[0][1]


def test_missing_title_and_several_errors_are_reported_together():
    assert errors_of("") == [(None, "the article has no title: begin with '# ' and the question")]
    errors = errors_of("# Q\n\nA[^1] b.\n\n#### \n\n[^x]: Other. *T* 2020.\n")
    assert [line for line, _ in errors] == [3, 5, 7]


def test_a_setext_title_is_read_as_the_question():
    content = parse_markdown(
        "What is baclofen used for?\n===\n\nA fact.[^1]\n\n[^1]: Guideline. *T* S, 2020.\n"
    )
    assert content.title == "What is baclofen used for?"
    assert [c.text for c in content.claims] == ["A fact."]


def test_a_plain_first_line_without_a_title_underline_is_still_refused_by_line():
    with pytest.raises(ContentParseError) as refused:
        parse_markdown("Just a sentence.\n\nAnother.\n")
    assert any(error.line == 1 for error in refused.value.errors)


def test_inline_emphasis_and_links_are_kept_as_their_text():
    content = parse_markdown(
        "# Q?\n\nIt is **not** safe for *everyone*; see [the label](https://example.org/x).[^1]\n\n"
        "[^1]: Guideline. *T* S, 2020.\n"
    )
    assert content.claims[0].text == "It is not safe for everyone; see the label."
    assert content.claims[0].citations == (1,)
    # Escaped markup is the author's own text and stays.
    literal = parse_markdown("# Q?\n\nA \\*starred\\* word and snake_case_name.\n")
    assert literal.claims[0].text == "A *starred* word and snake_case_name."
