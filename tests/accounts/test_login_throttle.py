"""Log-in throttling: counted before the password, per username and client, in the database."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from accounts.throttle import normalise_username
from tests.factories import make_admin

PASSWORD = "pw-for-tests-2026"


def login(client: Client, username: str, password: str = "wrong", url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password})


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_a_fullwidth_username_is_the_same_account(other_editor):
    attacker = client_at("198.51.100.1")
    for _ in range(5):
        assert login(attacker, "editor2").status_code == 200
    assert login(attacker, "editor2", PASSWORD).status_code == 429
    # "ｅditor2" (fullwidth e) is what Django's log-in form reads as "editor2".
    assert normalise_username("ｅditor2") == "editor2"
    response = login(attacker, "ｅditor2", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in attacker.session


def test_failures_from_one_client_do_not_lock_the_account_for_others(db):
    make_admin("admin")
    attacker = client_at("198.51.100.1")
    for _ in range(6):
        login(attacker, "admin")
    assert login(attacker, "admin", PASSWORD).status_code == 429
    owner = client_at("203.0.113.5")
    assert login(owner, "admin", PASSWORD).status_code == 302


def test_one_client_is_locked_out_of_every_account_after_many_usernames(editor, settings):
    settings.LOGIN_THROTTLE_CLIENT_ATTEMPTS = 4
    attacker = client_at("198.51.100.2")
    for name in ("alice", "bob", "carol", "dave"):
        assert login(attacker, name).status_code == 200
    response = login(attacker, "editor", PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_guessing_one_account_from_many_addresses_is_slowed_not_locked(editor, settings):
    settings.LOGIN_THROTTLE_USERNAME_ATTEMPTS = 3
    settings.LOGIN_THROTTLE_USERNAME_INTERVAL = 10
    with time_machine.travel("2026-11-01 10:00:00", tick=False) as clock:
        for n in range(3):
            assert login(client_at(f"198.51.100.{10 + n}"), "editor").status_code == 200
        # Over the per-username count: one attempt per interval, from anywhere.
        assert login(client_at("198.51.100.20"), "editor").status_code == 200
        slowed = login(client_at("198.51.100.21"), "editor", PASSWORD)
        assert slowed.status_code == 429
        assert 1 <= int(slowed["Retry-After"]) <= 10
        clock.shift(11)
        assert login(client_at("203.0.113.5"), "editor", PASSWORD).status_code == 302


def test_counts_are_kept_in_the_database_not_the_cache(editor):
    attacker = client_at("198.51.100.3")
    for _ in range(5):
        login(attacker, "editor")
        cache.clear()  # an evicted or restarted cache forgets nothing
    assert login(attacker, "editor", PASSWORD).status_code == 429


def test_a_success_gives_the_client_its_attempt_back(editor, settings):
    settings.LOGIN_THROTTLE_CLIENT_ATTEMPTS = 3
    office = client_at("203.0.113.9")
    for _ in range(5):  # several people behind one address log in all day
        assert login(office, "editor", PASSWORD).status_code == 302
        office.logout()


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_the_lock_holds_on_both_log_in_forms(editor, settings, url):
    settings.LOGIN_THROTTLE_ATTEMPTS = 2
    client = client_at("198.51.100.4")
    login(client, "editor", url=url)
    login(client, "editor", url=url)
    response = login(client, "editor", PASSWORD, url=url)
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
