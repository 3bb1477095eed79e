"""Password reset: throttled per client and per address, its link built on SITE_URL, queued."""

from __future__ import annotations

from django.test import Client

from outbox.models import OutboundEmail


def request_reset(client: Client, email: str, **extra):
    return client.post("/accounts/password_reset/", {"email": email}, **extra)


def test_the_reset_link_is_built_on_the_site_url_not_the_host_header(editor, settings):
    settings.SITE_URL = "https://answers.example.org"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "answers.example.org"]
    response = request_reset(Client(), editor.email, HTTP_HOST="127.0.0.1:31337")
    assert response.status_code == 302
    (mail,) = OutboundEmail.objects.filter(kind="password_reset")
    assert mail.to == editor.email
    assert "https://answers.example.org/accounts/reset/" in mail.body
    assert "31337" not in mail.body


def test_one_address_gets_a_few_reset_mails_however_often_it_is_asked(editor, settings):
    settings.PASSWORD_RESET_THROTTLE_EMAIL = 3
    settings.PASSWORD_RESET_THROTTLE_CLIENT = 100
    for n in range(12):
        response = request_reset(Client(REMOTE_ADDR=f"198.51.100.{n}"), editor.email)
        assert response.status_code == 302  # the same answer: nothing told about the address
    assert OutboundEmail.objects.filter(to=editor.email).count() == 3


def test_one_client_asking_too_often_is_refused(editor, settings):
    settings.PASSWORD_RESET_THROTTLE_CLIENT = 2
    client = Client(REMOTE_ADDR="198.51.100.7")
    request_reset(client, "a@example.org")
    request_reset(client, "b@example.org")
    response = request_reset(client, editor.email)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert not OutboundEmail.objects.filter(to=editor.email).exists()
