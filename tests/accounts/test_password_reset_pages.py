"""Password reset in the site's own pages, from the request to logging in with the new password."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-Password-for-2027"


def assert_site_layout(response, heading: str) -> None:
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in page and "/static/css/site.css" in page
    assert "Medical Answers" in page
    assert "Django" not in page and "admin/css" not in page and 'id="site-name"' not in page
    assert f"<h1>{heading}</h1>" in page


def reset_link(mail) -> str:
    (link,) = re.findall(r"https?://\S+/accounts/reset/\S+/", mail.body)
    return link


def test_each_page_is_the_sites_own_and_the_whole_flow_works(editor, deliver_mail):
    client = Client()
    assert_site_layout(client.get(reverse("password_reset")), "Reset your password")

    response = client.post(reverse("password_reset"), {"email": editor.email})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert_site_layout(client.get(response["Location"]), "Check your email")

    (mail,) = deliver_mail()
    assert mail.to == [editor.email]
    assert mail.subject == "Reset your Medical Answers password"
    assert editor.username in mail.body
    link = reset_link(mail)

    # The link hides its token in the session, then shows the form.
    response = client.get(urlsplit(link).path)
    assert response.status_code == 302
    form_url = response["Location"]
    assert_site_layout(client.get(form_url), "Choose a new password")

    mismatch = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert mismatch.status_code == 200
    assert "field-error" in mismatch.content.decode()

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    assert_site_layout(client.get(response["Location"]), "Password changed")

    fresh = Client()
    response = fresh.post(
        reverse("login"), {"username": editor.username, "password": NEW_PASSWORD, "next": "/desk/"}
    )
    assert response.status_code == 302 and response["Location"] == "/desk/"
    assert fresh.get("/desk/").status_code == 200

    # The link works once.
    used = client.get(urlsplit(link).path)
    assert_site_layout(used, "This link no longer works")


def test_a_bad_link_says_so_in_the_sites_page(db):
    response = Client().get("/accounts/reset/MQ/set-password/")
    assert_site_layout(response, "This link no longer works")
    assert reverse("password_reset") in response.content.decode()


def test_a_malformed_address_is_refused_on_the_form_with_the_text_kept(db):
    response = Client().post(reverse("password_reset"), {"email": "not-an-address"})
    assert response.status_code == 200  # Django's form view re-renders an invalid form
    page = response.content.decode()
    assert "field-error" in page and 'value="not-an-address"' in page


def test_the_throttle_still_answers_with_the_sites_page(editor, settings):
    settings.PASSWORD_RESET_THROTTLE_CLIENT = 1
    client = Client(REMOTE_ADDR="198.51.100.9")
    client.post(reverse("password_reset"), {"email": "a@example.org"})
    response = client.post(reverse("password_reset"), {"email": editor.email})
    assert response.status_code == 429
    assert 'class="site-header"' in response.content.decode()


def test_changing_a_password_uses_the_sites_pages_too(editor):
    client = Client()
    client.force_login(editor)
    assert_site_layout(client.get(reverse("password_change")), "Change your password")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests-2026",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert_site_layout(client.get(response["Location"]), "Password changed")
    editor.refresh_from_db()
    assert editor.check_password(NEW_PASSWORD)
