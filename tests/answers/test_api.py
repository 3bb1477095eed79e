"""GET /api/answers/: the reviewed claims that answer a question, with their proof."""

import pytest

from tests.factories import make_admin

pytestmark = pytest.mark.django_db


def test_the_api_returns_the_matched_claims_with_their_proof(client, paracetamol):
    response = client.get(
        "/api/answers/", {"q": "paracetamol tablets in a day", "audience": "patient"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["answered"] and not data["urgent"] and data["urgent_notice"] == []
    assert data["disclaimer"] and data["threshold"] == 0.6
    first = data["claims"][0]
    assert first["text"] == "Take 1 or 2 tablets at a time, no more than 4 times a day."
    assert first["article"]["slug"] == paracetamol.slug
    assert first["article"]["url"].endswith(f"{paracetamol.get_absolute_url()}?audience=patient")
    assert [c["number"] for c in first["citations"]] == [1, 2]
    assert first["citations"][0]["reference_url"].endswith("?audience=patient#ref-1")
    assert first["reviewer"] and first["reviewed_on"] and 0.6 <= first["score"] <= 1


def test_no_reviewed_answer_is_said_plainly(client, paracetamol):
    data = client.get("/api/answers/", {"q": "Is ketamine used for depression?"}).json()
    assert data == {**data, "answered": False, "claims": [], "audience": "professional"}


def test_an_emergency_question_carries_the_notice(client, paracetamol):
    data = client.get("/api/answers/", {"q": "chest pain after paracetamol"}).json()
    assert data["urgent"] and "emergency" in data["urgent_notice"][0]


def test_answers_are_revalidated_by_etag(client, paracetamol):
    first = client.get("/api/answers/", {"q": "hours between doses"})
    assert first["ETag"] and "no-cache" in first["Cache-Control"]
    again = client.get(
        "/api/answers/", {"q": "hours between doses"}, HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304


def test_the_same_answer_for_every_role(client, paracetamol):
    anonymous = client.get("/api/answers/", {"q": "liver problems dose"}).json()
    client.force_login(make_admin("admin"))
    assert client.get("/api/answers/", {"q": "liver problems dose"}).json() == anonymous


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "   "}, {"q": "x" * 1001}, {"q": "dose", "audience": "robot"}, {"q": "\x00"}],
    ids=["missing", "blank", "too-long", "bad-audience", "nul"],
)
def test_a_bad_question_is_a_400_in_json(client, db, params):
    response = client.get("/api/answers/", params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/")


def test_the_operation_is_in_the_schema(client, db):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/answers/"]["get"]
    assert operation["operationId"] == "answers_retrieve"
    assert {p["name"] for p in operation["parameters"]} >= {"q", "audience"}
    assert {"200", "304", "400"} <= set(operation["responses"])
