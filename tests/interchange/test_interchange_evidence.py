"""Evidence levels and quoted passages in the JSON and Markdown formats: written, read back, refused.

The property tests (test_interchange_properties.py) round-trip any level and any
passages; these pin the layout and the messages.
"""

import json

import pytest

from articles.content import ArticleContent, CitedPassage, ClaimData, ClaimKind, ContentParseError
from articles.interchange import parse_json, render_json, render_markdown
from articles.interchange.markdown import parse_markdown
from tests.factories import reference_data

UID = "6f1c2a9e-3b1d-4c55-9a2e-0d6b1f3e1d2e"

CONTENT = ArticleContent(
    title="What is baclofen used for?",
    claims=(
        ClaimData(ClaimKind.HEADING, "Uses"),
        ClaimData(
            ClaimKind.NUMBERED,
            "Oral baclofen relieves spasticity.",
            citations=(1, 2),
            uid=UID,
            plain_text="Baclofen tablets ease stiff muscles.",
            evidence="moderate",
            passages=(
                CitedPassage(
                    2, "Spasms fell in 78% (p < 0.01).\nNo change in strength.", "Table 2"
                ),
                CitedPassage(1, "Indicated for spasticity (see (a))", ""),
            ),
        ),
        ClaimData(ClaimKind.PARAGRAPH, "Water is wet.", needs_no_citation=True),
    ),
    references=(reference_data(1), reference_data(2)),
)

MARKDOWN = f"""# What is baclofen used for?

### Uses

1. Oral baclofen relieves spasticity.[^1][^2] <!-- uid={UID} evidence=moderate -->
   > Plain language: Baclofen tablets ease stiff muscles.
   > Passage [^2] (Table 2): Spasms fell in 78% (p \\< 0.01).
   > No change in strength.
   > Passage [^1]: Indicated for spasticity (see (a))

Water is wet. <!-- no-citation -->
"""


def test_markdown_writes_the_level_in_the_marker_comment_and_passages_under_the_claim():
    written = render_markdown(CONTENT)
    assert written.startswith(MARKDOWN)
    assert parse_markdown(written) == CONTENT


def test_json_writes_the_level_and_passages_only_when_given():
    data = json.loads(render_json(CONTENT))
    graded, ungraded = data["claims"][1], data["claims"][2]
    assert graded["evidence"] == "moderate"
    assert graded["passages"][0] == {
        "number": 2,
        "quote": "Spasms fell in 78% (p < 0.01).\nNo change in strength.",
        "locator": "Table 2",
    }
    assert "evidence" not in ungraded and "passages" not in ungraded
    assert parse_json(render_json(CONTENT)) == CONTENT


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"evidence": "strong"}, "$.claims[1].evidence", "must be one of high, moderate, low"),
        ({"kind": "subheading", "citations": []}, "$.claims[1].evidence", "headings state no"),
    ],
)
def test_json_refuses_a_level_it_cannot_carry(change, path, message):
    data = json.loads(render_json(CONTENT))
    data["claims"][1].update(change)
    data["claims"][1].pop("passages")
    with pytest.raises(ContentParseError) as refused:
        parse_json(json.dumps(data))
    assert [(e.path, message in e.message) for e in refused.value.errors] == [(path, True)]


@pytest.mark.parametrize(
    ("line", "message", "where"),
    [
        ("A fact.[^1] <!-- evidence=strong -->", "unknown evidence level 'strong'", "line 3"),
        (
            "A fact.[^1]\n> Passage [^2]: No.",
            "the passage quotes [^2], which the claim does not cite",
            "line 3",
        ),
        ("A fact.[^1]\n> A stray quote.", "a quote must be '> Plain language: ...' or", "line 4"),
    ],
)
def test_markdown_refuses_what_it_cannot_read_with_the_line(line, message, where):
    text = f"# Q?\n\n{line}\n\n[^1]: Guideline. *T* S, 2020.\n"
    with pytest.raises(ContentParseError) as refused:
        parse_markdown(text)
    assert f"{where}: {message}" in str(refused.value)
