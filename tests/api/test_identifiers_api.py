"""A malformed DOI in a document is refused by name through the API, never dropped."""

import pytest

from tests.factories import make_editor, sample_content

pytestmark = pytest.mark.django_db


def test_a_malformed_doi_is_a_400_naming_it(client_for):
    from articles.interchange.jsonformat import document_from_content

    document = document_from_content(sample_content())
    document["references"][0]["doi"] = "not a doi"
    response = client_for(make_editor()).post("/api/drafts/", document, format="json")
    assert response.status_code == 400, response.content
    assert "not a doi" in response.content.decode()
