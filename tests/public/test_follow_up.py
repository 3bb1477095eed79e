"""Readers' follow-up questions: stored for the editors, guarded against floods and bots."""

import pytest
from django.test import Client

from articles import services
from public import services as public_services
from public.models import FollowUpQuestion
from tests.factories import approved_article, draft_article, submitted_article

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "editor", "other_editor", "reviewer", "admin"]


# What a browser sends with a form posted from one of the site's own pages.
SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}


def ask(client, article, question="Can it be taken with food?", headers=SAME_ORIGIN, **extra):
    return client.post(
        f"{article.get_absolute_url()}follow-up/",
        {"question": question, "website": "", **extra},
        **headers,
    )


@pytest.mark.parametrize("role", ROLES)
def test_any_reader_can_ask_on_a_public_article(client, roles, policy, role):
    article = approved_article()
    if role != "anonymous":
        client.force_login(roles[role])
    response = ask(client, article)
    # The reader is taken to the answer of their question (tests/answers/test_pages.py).
    assert response.status_code == 302
    assert response["Location"].startswith("/answers/asked/")
    stored = FollowUpQuestion.objects.get()
    assert stored.article == article and stored.question == "Can it be taken with food?"
    assert stored.status == FollowUpQuestion.Status.NEW and stored.audience == "professional"
    assert len(stored.client_hash) == 64 and "127.0.0.1" not in stored.client_hash
    answer = client.get(response["Location"])
    assert answer.status_code == 200 and "our editors have your question" in answer.content.decode()


def test_questions_on_pending_articles_are_accepted(client, policy):
    assert ask(client, submitted_article()).status_code == 302
    assert FollowUpQuestion.objects.count() == 1


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "Write your question."),
        ("   ", "Write your question."),
        ("x" * 1001, "Keep your question under 1000 characters."),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_invalid_questions_are_refused_with_the_text_kept_and_nothing_stored(
    client, policy, question, message
):
    article = approved_article()
    response = ask(client, article, question)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'aria-invalid="true"' in html
    if question.strip():
        assert question in html  # the reader's text is not lost
    assert "no-store" in response["Cache-Control"]
    assert FollowUpQuestion.objects.count() == 0


def test_the_honeypot_thanks_a_bot_and_stores_nothing(client, policy):
    response = ask(client, approved_article(), website="http://spam.example")
    assert response.status_code == 302 and response["Location"].endswith("/follow-up/thanks/")
    assert FollowUpQuestion.objects.count() == 0


def test_a_client_is_limited_to_five_questions_in_ten_minutes(client, policy):
    article = approved_article()
    for n in range(public_services.RATE_LIMIT_COUNT):
        assert ask(client, article, f"Question {n}?").status_code == 302
    response = ask(client, article, "One more?")
    assert response.status_code == 429 and response["Retry-After"] == "600"
    html = response.content.decode()
    assert "Please try again later." in html and "One more?" in html
    assert FollowUpQuestion.objects.count() == public_services.RATE_LIMIT_COUNT
    other_client = Client(REMOTE_ADDR="10.0.0.9")
    assert ask(other_client, article, "From elsewhere?").status_code == 302


def test_the_form_needs_no_token_and_the_page_sets_no_cookie(policy):
    """The page is the same for every reader, so the form carries no CSRF token."""
    client = Client(enforce_csrf_checks=True)
    article = approved_article()
    page = client.get(article.get_absolute_url())
    assert "csrfmiddlewaretoken" not in page.content.decode() and not page.cookies
    assert ask(client, article).status_code == 302
    assert FollowUpQuestion.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://elsewhere.example", "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "https://elsewhere.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {},
    ],
    ids=["cross-site", "foreign-origin", "opaque-origin", "fetch-cross-site", "sibling", "silent"],
)
def test_a_question_from_another_site_or_an_unnamed_origin_is_refused(policy, headers):
    client = Client(enforce_csrf_checks=True)
    response = ask(client, approved_article(), headers=headers)
    assert response.status_code == 403
    assert not FollowUpQuestion.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_ORIGIN": "http://127.0.0.1:8000"},  # SITE_URL, behind a proxy that renames the host
    ],
    ids=["origin", "fetch-metadata", "site-url"],
)
def test_a_question_from_the_site_itself_is_taken(policy, headers):
    assert (
        ask(Client(enforce_csrf_checks=True), approved_article(), headers=headers).status_code
        == 302
    )
    assert FollowUpQuestion.objects.count() == 1


def test_no_questions_on_drafts_or_retracted_articles(client, policy, site_admin):
    assert ask(client, draft_article()).status_code == 404
    article = approved_article()
    services.article_retract(article=article, by=site_admin, comment="Withdrawn.")
    assert ask(client, article).status_code == 404
    assert client.get(f"{article.get_absolute_url()}follow-up/thanks/").status_code == 404
    assert FollowUpQuestion.objects.count() == 0


def test_the_follow_up_address_only_takes_posts(client, policy):
    assert client.get(f"{approved_article().get_absolute_url()}follow-up/").status_code == 405


def test_the_service_refuses_what_the_form_would(policy):
    from django.core.exceptions import ValidationError

    article = approved_article()
    with pytest.raises(ValidationError):
        public_services.followup_question_create(article=article, question="  ", client="h")
    with pytest.raises(ValidationError):
        public_services.followup_question_create(article=article, question="x" * 1001, client="h")
    assert FollowUpQuestion.objects.count() == 0


@pytest.mark.parametrize("role", ["editor", "reviewer", "admin"])
def test_the_desk_cannot_file_questions_on_drafts_either(client, roles, policy, role):
    client.force_login(roles[role])
    assert ask(client, draft_article()).status_code == 404
    assert FollowUpQuestion.objects.count() == 0
