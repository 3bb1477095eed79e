import copy
import json

import pytest
from jsonschema import Draft202012Validator

from articles.content import ArticleContent, ClaimData, ClaimKind, ContentParseError
from articles.interchange import parse_json, parse_text, render_json
from articles.interchange.jsonformat import FORMAT, schema
from tests.interchange.interchange_support import SEED_PATHS, seed_text

SEED = parse_text(seed_text(SEED_PATHS[0]))


def seed_data() -> dict:
    return json.loads(render_json(SEED))


def errors_of(data: dict | str) -> list[tuple[str, str]]:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(ContentParseError) as caught:
        parse_json(text)
    return [(error.path, error.message) for error in caught.value.errors]


def test_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(schema())


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda path: path.stem)
def test_seeds_round_trip_and_validate(path):
    content = parse_text(seed_text(path))
    rendered = render_json(content)
    Draft202012Validator(schema()).validate(json.loads(rendered))
    assert parse_json(rendered) == content


def test_render_shape():
    data = seed_data()
    assert data["format"] == FORMAT
    assert data["last_updated"] == "2026-02-06"
    assert data["claims"][0] == {
        "kind": "paragraph",
        "text": SEED.claims[0].text,
        "level": 0,
        "citations": [1],
        "needs_no_citation": False,
        "plain_text": "",
    }
    assert data["references"][1]["number"] == 2
    assert data["references"][1]["type"] == "Research"


def test_optional_fields_default_to_empty():
    text = json.dumps(
        {
            "format": FORMAT,
            "title": "Q?",
            "claims": [{"kind": "bullet", "text": "Item", "citations": [9]}],
        }
    )
    assert parse_json(text) == ArticleContent(
        "Q?", claims=(ClaimData(ClaimKind.BULLET, "Item", 0, (9,)),)
    )


def test_errors_carry_json_paths():
    data = seed_data()
    data["claims"][3]["citations"][0] = "one"
    data["claims"][1]["kind"] = "quote"
    data["references"][0]["year"] = 26
    assert [path for path, _ in errors_of(data)] == [
        "$.claims[1].kind",
        "$.claims[3].citations[0]",
        "$.references[0].year",
    ]


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [
        (lambda d: d.update(format="editorial-article/2"), "$.format", "editorial-article/1"),
        (lambda d: d.update(extra=1), "$", "'extra' was unexpected"),
        (lambda d: d.pop("title"), "$", "'title' is a required property"),
        (lambda d: d.update(title=" padded"), "$.title", "one line of text"),
        (lambda d: d.update(title="two\nlines"), "$.title", "one line of text"),
        (lambda d: d.update(last_updated="2026-02-30"), "$.last_updated", "not a date"),
        (lambda d: d["claims"][2].update(uid="123"), "$.claims[2].uid", "must be a UUID"),
        (lambda d: d["claims"][2].update(text=""), "$.claims[2].text", "one line of text"),
        (lambda d: d["claims"][0].update(level=1), "$.claims[0].level", "only list items"),
        (
            lambda d: d["claims"][3].update(level=2),
            "$.claims[3].level",
            "deeper than the item before",
        ),
        (lambda d: d["claims"][4].update(citations=[-1]), "$.claims[4].citations[0]", "minimum"),
        (lambda d: d["references"][1].update(number=3), "$.references[1].number", "expected 2"),
        (
            lambda d: d["references"][1].update(type="Podcast"),
            "$.references[1].type",
            "is not one of",
        ),
    ],
)
def test_each_problem_is_located(change, path, fragment):
    data = copy.deepcopy(seed_data())
    change(data)
    [(error_path, message)] = errors_of(data)
    assert error_path == path
    assert fragment in message


def test_references_out_of_order_are_all_reported():
    data = seed_data()
    data["references"].reverse()
    assert [path for path, _ in errors_of(data)] == [
        "$.references[0].number",
        "$.references[1].number",
        "$.references[3].number",
        "$.references[4].number",
    ]


def test_invalid_json_names_its_line():
    with pytest.raises(ContentParseError) as caught:
        parse_json('{\n  "title": "Q?",\n  oops\n}')
    assert caught.value.errors[0].line == 3


@pytest.mark.parametrize(
    "text",
    ['{"format": "editorial-article/1", "title": "A", "title": "B"}', '{"year": NaN}', "1" * 5000],
)
def test_json_that_python_would_accept_loosely_is_refused(text):
    with pytest.raises(ContentParseError, match="not valid JSON"):
        parse_json(text)
