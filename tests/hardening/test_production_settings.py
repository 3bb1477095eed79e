"""Production mode: safe by default, `check --deploy` clean, headers, health, login throttling."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**extra) -> dict[str, str]:
    # Nothing else from this environment: the test runner's own variables
    # (DJANGO_DEBUG, DJANGO_ALLOW_ASYNC_UNSAFE) would not be set in production.
    return {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "editorial.settings",
        **extra,
    }


def test_check_deploy_is_clean_with_only_secret_key_and_hosts():
    env = _production_env(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="answers.example.org")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_with_only_allowed_hosts_the_site_url_is_its_https_origin():
    """Canonical links and structured data need an absolute origin in production."""
    env = _production_env(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="answers.example.org")
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.SITE_URL)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "https://answers.example.org"


def test_a_site_url_that_is_not_an_origin_is_refused_at_start():
    env = _production_env(SECRET_KEY=secrets.token_urlsafe(50), SITE_URL="answers.example.org/x")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SITE_URL must be a scheme and host" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_production_env(ALLOWED_HOSTS="x"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr  # one clear line, not a stack


def test_every_command_refuses_the_same_way_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("manage.py: SECRET_KEY is not set")


def test_security_headers_on_a_public_page(db):
    response = Client().get("/editorial-policy/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_templates_have_no_inline_script_or_style():
    """The CSP forbids inline code, so none may creep into our templates (JSON-LD is data)."""
    offenders = []
    for path in ROOT.glob("*/templates/**/*.html"):
        if path.parts[-3:-1] == ("api", "templates") or "api/docs" in str(path):
            continue  # the Redoc page has its own policy
        text = path.read_text()
        for bad in ('style="', "<style", " onclick=", " onload=", " onerror=", "javascript:"):
            if bad in text:
                offenders.append(f"{path.relative_to(ROOT)}: {bad}")
        for chunk in text.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            if "src=" not in head and "application/ld+json" not in head:
                offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
    assert not offenders, "\n".join(offenders)


def test_healthz_ok(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_healthz_database_down(db):
    # Liveness: a database outage must not get the server restarted (/readyz names the database).
    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_login_is_throttled_after_repeated_failures(login_url, editor, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    client = Client()
    for _ in range(3):
        response = client.post(login_url, {"username": "editor", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    # Locked now: even the right password is refused until the window passes.
    response = client.post(login_url, {"username": "editor", "password": "pw-for-tests-2026"})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= settings.LOGIN_THROTTLE_WINDOW
    assert "_auth_user_id" not in client.session


def test_throttle_counts_per_client_address_across_usernames(editor, settings):
    settings.LOGIN_THROTTLE_CLIENT_ATTEMPTS = 3
    client = Client()
    for name in ("alice", "bob", "carol"):
        client.post("/accounts/login/", {"username": name, "password": "guess"})
    response = client.post(
        "/accounts/login/", {"username": "editor", "password": "pw-for-tests-2026"}
    )
    assert response.status_code == 429


def test_a_successful_login_clears_the_username_count(editor, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    client = Client(REMOTE_ADDR="10.0.0.1")
    client.post("/accounts/login/", {"username": "editor", "password": "wrong"})
    client.post("/accounts/login/", {"username": "editor", "password": "wrong"})
    ok = client.post("/accounts/login/", {"username": "editor", "password": "pw-for-tests-2026"})
    assert ok.status_code == 302
    other = Client(REMOTE_ADDR="10.0.0.2")  # another address: only the username count applies
    other.post("/accounts/login/", {"username": "editor", "password": "wrong"})
    assert (
        other.post("/accounts/login/", {"username": "editor", "password": "wrong"}).status_code
        == 200
    )
