"""Fuzzing the forms and importers: whatever people type or upload, the answer is never a 500.

Kept small (a few dozen examples each) so the suite stays fast; hypothesis
remembers failing inputs in its database between runs.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_fsm import TransitionNotAllowed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.content import ContentParseError
from articles.errors import WorkflowConflict
from articles.imports import article_import, importer_user
from articles.interchange.detect import parse_bytes
from tests.factories import draft_article

FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Text that looks like an article sometimes: headings, list markers, citations, markup.
pieces = st.sampled_from(
    [
        "# ",
        "## ",
        "- ",
        "* ",
        "1. ",
        "[1]",
        "[2, 3]",
        "[99]",
        "\n",
        "\n\n",
        "References\n",
        "<script>",
        "&amp;",
        "doi:10.1/x",
        "PMID: 123",
        "http://x",
        "\x00",
        "\r\n",
        "“”",
        "👩‍⚕️",
        " ",
    ]
)
article_like = st.lists(st.one_of(pieces, st.text(max_size=20)), max_size=40).map("".join)
form_value = st.one_of(
    st.text(max_size=300), article_like, st.sampled_from(["", " ", "0", "-1", "9" * 30])
)


def _ok(response) -> None:
    assert response.status_code < 500, response.content[:500]


@FUZZ
@given(
    data=st.one_of(article_like.map(str.encode), st.binary(max_size=400)),
    filename=st.sampled_from(["a.txt", "a.md", "a.json", "noext"]),
)
@pytest.mark.django_db
def test_importers_refuse_bad_files_cleanly(data, filename):
    try:
        content = parse_bytes(data, filename=filename)
    except ContentParseError:
        return
    try:
        article_import(content=content, by=importer_user(), source_name=filename)
    except (ValidationError, TransitionNotAllowed, WorkflowConflict):
        pass  # refused with a message the import command shows


@FUZZ
@given(
    body=form_value,
    fmt=st.sampled_from(["markdown", "text", "html", ""]),
    version=st.sampled_from(["1", "", "x", "-5", "99999999999999999999"]),
)
def test_desk_body_form(body, fmt, version, editor, db):
    article = draft_article(by=editor)
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    _ok(
        client.post(
            f"/desk/articles/{article.pk}/edit/",
            {"body": body, "format": fmt, "expected_version": version},
        )
    )


@FUZZ
@given(
    title=form_value,
    comment=form_value,
    summary=form_value,
    step=st.sampled_from(["submit", "withdraw", "request_changes", "approve", "retract", "bogus"]),
)
def test_desk_new_article_and_transition_forms(title, comment, summary, step, editor, db):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    _ok(client.post("/desk/articles/new/", {"title": title}))
    article = draft_article(by=editor)
    _ok(
        client.post(
            f"/desk/articles/{article.pk}/{step}/",
            {"comment": comment, "summary": summary, "expected_version": comment[:5]},
        )
    )


@FUZZ
@given(
    question=form_value,
    website=st.sampled_from(["", "http://spam"]),
    q=form_value,
    page=st.sampled_from(["", "2", "-1", "x", "9999"]),
)
def test_public_forms(question, website, q, page, editor, db):
    from django.core.cache import cache

    from tests.factories import approved_article

    cache.clear()  # the follow-up rate limit is not what is being tested here
    article = approved_article(by=editor)
    client = Client(raise_request_exception=False)
    _ok(
        client.post(
            f"/articles/{article.slug}/follow-up/", {"question": question, "website": website}
        )
    )
    _ok(client.get("/search/", {"q": q}))
    _ok(client.get("/", {"page": page}))


def test_search_with_a_nul_character_is_not_a_server_error(db):
    """Found by the fuzzing above: PostgreSQL refuses NUL in text, the search page answered 500."""
    response = Client(raise_request_exception=False).get("/search/", {"q": "bac\x00lofen"})
    assert response.status_code == 200
