"""The API refuses articles beyond the limits with a 400 naming the limit."""

import dataclasses

from articles import limits
from articles.interchange import render_json
from tests.factories import reference_data, sample_content


def test_the_api_answers_400_naming_the_limit(client_for, editor):
    over = dataclasses.replace(
        sample_content(),
        references=tuple(reference_data(i + 1) for i in range(limits.MAX_REFERENCES + 1)),
    )
    response = client_for(editor).generic(
        "POST", "/api/drafts/", render_json(over), content_type="application/json"
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert {"path": "$.references", "message": limits.references_message()} in fields
