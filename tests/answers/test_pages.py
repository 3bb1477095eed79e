"""The answer as readers get it: after the follow-up form (no scripts needed) and at /answers/."""

import re

import pytest
from django.core import signing

from answers.models import FollowUpAnswer
from public.models import FollowUpQuestion
from tests.factories import make_admin, submitted_article

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}
ROLES = ["anonymous", "editor", "reviewer", "admin"]
NONE_YET = "We don't have a reviewed answer to this yet"


def ask(client, article, question, audience="professional"):
    return client.post(
        f"{article.get_absolute_url()}follow-up/",
        {"question": question, "website": "", "audience": audience},
        **SAME_ORIGIN,
    )


def quoted(html: str) -> list[str]:
    return re.findall(r'<blockquote class="answer-text">(.*?)</blockquote>', html)


@pytest.mark.parametrize("role", ROLES)
def test_the_form_answers_with_verified_claims_without_scripts(client, roles, paracetamol, role):
    if role != "anonymous":
        client.force_login(roles[role])
    response = ask(client, paracetamol, "How many paracetamol tablets in a day?", "patient")
    assert response.status_code == 302 and response["Location"].startswith("/answers/asked/")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert quoted(html)[0] == "Take 1 or 2 tablets at a time, no more than 4 times a day."
    assert f'href="{paracetamol.get_absolute_url()}?audience=patient#ref-1"' in html
    assert "Verified by" in html and "Do not start, stop or change a medicine" in html
    # One reader's question: never kept or shared by a cache.
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    stored = FollowUpAnswer.objects.get()
    assert stored.answered and stored.question.question == "How many paracetamol tablets in a day?"


def test_without_a_reviewed_answer_the_reader_is_told_and_the_editors_get_it(client, paracetamol):
    response = ask(client, paracetamol, "Can paracetamol cure migraine in pregnancy?")
    html = client.get(response["Location"]).content.decode()
    assert f"{NONE_YET}; our editors have your question." in html
    assert quoted(html) == []
    stored = FollowUpAnswer.objects.get()
    assert not stored.answered and stored.closest  # the nearest claims, for the editor
    assert stored.question.status == FollowUpQuestion.Status.NEW


def test_an_emergency_question_gets_the_urgent_notice_first(client, paracetamol):
    response = ask(client, paracetamol, "I took too many paracetamol tablets", "patient")
    html = client.get(response["Location"]).content.decode()
    assert 'class="answer-urgent" role="alert"' in html
    assert html.index("answer-urgent") < html.index("answer-disclaimer")
    assert "call your local emergency number" in html
    assert FollowUpAnswer.objects.get().urgent


def test_a_question_on_a_pending_article_is_answered_only_from_approved_ones(
    client, paracetamol, settings
):
    settings.SHOW_PENDING_ARTICLES = True
    pending = submitted_article(title="Is zebra milk safe with paracetamol tablets?")
    response = ask(client, pending, "Is zebra milk safe?")
    html = client.get(response["Location"]).content.decode()
    assert "Claim 1 states a fact." not in html and quoted(html) == []


def test_the_answer_address_is_signed_and_lapses(client, paracetamol):
    ask(client, paracetamol, "How many hours between doses?")
    pk = FollowUpQuestion.objects.get().pk
    assert client.get(f"/answers/asked/{pk}/").status_code == 404
    forged = signing.dumps(pk, salt="another purpose")
    assert client.get(f"/answers/asked/{forged}/").status_code == 404


def test_the_answer_page_is_the_same_for_every_reader_and_revalidated(client, paracetamol):
    response = client.get("/answers/", {"q": "hours between doses", "audience": "professional"})
    html = response.content.decode()
    assert response.status_code == 200 and "Leave at least 4 hours between doses." in quoted(html)
    assert "our editors have your question" not in html  # nothing was sent to them
    assert response["ETag"] and "public" in response["Cache-Control"]
    again = client.get(
        "/answers/",
        {"q": "hours between doses", "audience": "professional"},
        HTTP_IF_NONE_MATCH=response["ETag"],
    )
    assert again.status_code == 304


def test_a_signed_in_reader_gets_a_private_answer_page(client, paracetamol):
    client.force_login(make_admin("admin"))
    response = client.get("/answers/", {"q": "hours between doses"})
    assert response.status_code == 200 and "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "  "}, {"q": "x" * 1001}, {"q": "dose", "audience": "robot"}],
    ids=["missing", "blank", "too-long", "bad-audience"],
)
def test_a_bad_question_is_a_clear_400(client, db, params):
    response = client.get("/answers/", params)
    assert response.status_code == 400
    assert "Ask a question" in response.content.decode()


def test_the_answer_page_only_answers_reads(client, db):
    assert client.post("/answers/", {"q": "dose"}).status_code == 405
