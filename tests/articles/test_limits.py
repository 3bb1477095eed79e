"""The size limits (articles/limits.py): one set of numbers, refused everywhere with their name."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles import limits
from articles.content import ArticleContent, ClaimData, ClaimKind, ContentParseError
from articles.interchange import parse_json, parse_markdown, parse_text, render_json
from articles.interchange.jsonformat import schema
from articles.matching import carry_uids
from desk.diff import content_diff, phrase_diff
from tests.factories import draft_article, reference_data, sample_content


def claims(n: int, text: str = "Baclofen relaxes muscles.", **extra) -> tuple[ClaimData, ...]:
    return tuple(ClaimData(ClaimKind.PARAGRAPH, text, **extra) for _ in range(n))


def with_(**changes) -> ArticleContent:
    return dataclasses.replace(sample_content(), **changes)


def messages(error: ContentParseError) -> list[str]:
    return [str(e) for e in error.errors]


def test_the_schema_states_the_same_limits():
    definition = schema()
    claim = definition["$defs"]["claim"]["properties"]
    assert definition["properties"]["claims"]["maxItems"] == limits.MAX_CLAIMS
    assert definition["properties"]["references"]["maxItems"] == limits.MAX_REFERENCES
    assert claim["citations"]["maxItems"] == limits.MAX_CITATIONS_PER_CLAIM
    assert claim["text"]["maxLength"] == limits.MAX_CLAIM_CHARS
    assert claim["plain_text"]["maxLength"] == limits.MAX_CLAIM_CHARS


def test_json_beyond_each_limit_names_the_limit_and_its_path():
    over = with_(
        claims=claims(limits.MAX_CLAIMS + 1),
        references=tuple(reference_data(i + 1) for i in range(limits.MAX_REFERENCES + 1)),
    )
    with pytest.raises(ContentParseError) as raised:
        parse_json(render_json(over))
    found = messages(raised.value)
    assert f"$.claims: {limits.claims_message()}" in found
    assert f"$.references: {limits.references_message()}" in found
    data = json.loads(render_json(sample_content()))
    data["claims"][1]["text"] = "x" * (limits.MAX_CLAIM_CHARS + 1)
    data["claims"][2]["citations"] = list(range(1, limits.MAX_CITATIONS_PER_CLAIM + 2))
    with pytest.raises(ContentParseError) as raised:
        parse_json(json.dumps(data))
    found = messages(raised.value)
    assert any(m.startswith("$.claims[1].text: ") and "2,000 characters" in m for m in found)
    assert any(
        m.startswith("$.claims[2].citations: ")
        and f"at most {limits.MAX_CITATIONS_PER_CLAIM} " in m
        for m in found
    )
    assert all(len(m) < 200 for m in found)  # never the offending value itself


def test_page_text_and_markdown_beyond_the_limits_name_the_line():
    long_claim = "y" * (limits.MAX_CLAIM_CHARS + 1) + "."
    text = f"Is it long?\n\nHeading\n\nShort claim.\n\n{long_claim}\n"
    with pytest.raises(ContentParseError) as raised:
        parse_text(text)
    assert messages(raised.value) == [f"line 7: {limits.characters_message(2002)}"]
    markdown = "# Is it long?\n\nShort claim.\n\n" + long_claim + "\n"
    with pytest.raises(ContentParseError) as raised:
        parse_markdown(markdown)
    assert messages(raised.value) == [f"line 5: {limits.characters_message(2002)}"]
    many = "# Many?\n\n" + "".join(f"Claim {n}.\n\n" for n in range(limits.MAX_CLAIMS + 1))
    with pytest.raises(ContentParseError) as raised:
        parse_markdown(many)
    assert messages(raised.value) == [
        f"line {3 + 2 * limits.MAX_CLAIMS}: {limits.claims_message()}"
    ]


def test_the_largest_allowed_article_is_read():
    largest = with_(
        claims=claims(limits.MAX_CLAIMS, "z" * limits.MAX_CLAIM_CHARS),
        references=tuple(reference_data(i + 1) for i in range(limits.MAX_REFERENCES)),
    )
    assert len(parse_json(render_json(largest)).claims) == limits.MAX_CLAIMS


def test_the_services_refuse_beyond_the_limits_whoever_calls(editor):
    with pytest.raises(ValidationError) as raised:
        draft_article(by=editor, content=with_(claims=claims(limits.MAX_CLAIMS + 1)))
    assert limits.claims_message() in str(raised.value)


def test_the_importer_names_the_file_and_line(tmp_path, capsys, db):
    path = tmp_path / "long.md"
    path.write_text("# Is it long?\n\n" + "w" * (limits.MAX_CLAIM_CHARS + 5) + "\n")
    with pytest.raises(CommandError):
        call_command("import_article", str(path))
    assert f"long.md: line 3: {limits.characters_message(2005)}" in capsys.readouterr().err


def test_the_desk_forms_refuse_beyond_the_limits(client, editor, policy):
    article = draft_article(by=editor)
    claim = article.claims.get(text="Claim 1 states a fact.")
    client.force_login(editor)
    url = reverse("desk:claim", kwargs={"pk": article.pk, "uid": claim.uid})
    response = client.post(
        url,
        {
            "expected_version": article.content_version,
            "text": "v" * (limits.MAX_CLAIM_CHARS + 1),
            "citations": ", ".join(str(n) for n in range(1, limits.MAX_CITATIONS_PER_CLAIM + 2)),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most 2000 characters" in page
    assert f"at most {limits.MAX_CITATIONS_PER_CLAIM} references" in page
    body = "# Q?\n\n" + "u" * (limits.MAX_CLAIM_CHARS + 1) + "\n"
    response = client.post(
        reverse("desk:edit", kwargs={"pk": article.pk}),
        {"expected_version": article.content_version, "format": "markdown", "body": body},
    )
    assert response.status_code == 400
    assert "the limit is 2,000 characters per claim" in response.content.decode()


def test_thousands_of_identical_claims_keep_their_identities_in_order():
    old = tuple(
        dataclasses.replace(c, uid=f"00000000-0000-0000-0000-{n:012d}")
        for n, c in enumerate(claims(3000))
    )
    new = claims(1500) + (ClaimData(ClaimKind.PARAGRAPH, "A new claim."),) + claims(1500)
    carried = carry_uids(old, new)
    assert [c.uid for c in carried[:1500]] == [c.uid for c in old[:1500]]
    assert carried[1500].uid == ""
    assert [c.uid for c in carried[1501:]] == [c.uid for c in old[1500:]]


def test_phrase_diff_of_claims_at_the_limit_keeps_every_word():
    words = ["the", "dose", "of", "10", "mg", "daily", "and", "in", "children"]
    old = " ".join(words[(n * 7) % 9] for n in range(400))[: limits.MAX_CLAIM_CHARS]
    new = " ".join(words[(n * 5) % 9] for n in range(400))[: limits.MAX_CLAIM_CHARS]
    segments = phrase_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "ins") == old
    assert "".join(s.text for s in segments if s.op != "del") == new


def test_a_diff_of_the_largest_article_pairs_every_claim():
    old = with_(claims=tuple(ClaimData(ClaimKind.PARAGRAPH, f"Claim {n}.") for n in range(250)))
    new = with_(
        claims=old.claims[:125] + (ClaimData(ClaimKind.PARAGRAPH, "New."),) + old.claims[126:]
    )
    diff = content_diff(old, new)
    assert diff.counts == {"added": 1, "removed": 1, "changed": 0, "same": 249}
