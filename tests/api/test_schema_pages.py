"""/api/schema/ shows in a browser; the Redoc page's own policy lets its logo load."""

import json

import pytest
import yaml
from django.test import Client

pytestmark = pytest.mark.django_db

# What Chromium and Firefox send when the address is typed in.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_is_shown_the_yaml_as_text():
    response = Client().get("/api/schema/", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert not response["Content-Disposition"].startswith("attachment")
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.") and "/api/drafts/" in schema["paths"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_browser_asking_for_json_is_shown_json():
    response = Client().get("/api/schema/?format=json", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["openapi"].startswith("3.")


@pytest.mark.parametrize(
    ("accept", "query", "content_type"),
    [
        (None, "", "application/vnd.oai.openapi"),
        ("application/vnd.oai.openapi", "", "application/vnd.oai.openapi"),
        ("application/yaml", "", "application/yaml"),
        ("application/json", "", "application/json"),
        ("*/*", "?format=json", "application/vnd.oai.openapi+json"),
        ("application/vnd.oai.openapi+json", "", "application/vnd.oai.openapi+json"),
    ],
)
def test_tools_negotiate_as_before(accept, query, content_type):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = Client().get(f"/api/schema/{query}", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type


def test_the_schema_is_the_same_whoever_asks():
    for_browser = yaml.safe_load(Client().get("/api/schema/", HTTP_ACCEPT=BROWSER_ACCEPT).content)
    for_tools = yaml.safe_load(Client().get("/api/schema/").content)
    assert for_browser == for_tools


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def test_the_docs_page_allows_the_redoc_logo_and_nothing_more():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["img-src"] == ["'self'", "data:", "https://cdn.redoc.ly"]
    assert policy["script-src"] == ["'self'"]  # the bundle is ours: no CDN script
    assert policy["connect-src"] == ["'self'"]
    assert "cdn.redoc.ly" not in response.content.decode()
    site = directives(Client().get("/accounts/login/")["Content-Security-Policy"])
    assert site["img-src"] == ["'self'", "data:"]  # the rest of the site is unchanged
