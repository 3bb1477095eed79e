"""Under gunicorn behind a trusted proxy: limits count per client, not per balancer.

The proxy is this test: it connects from 127.0.0.1 (named in TRUSTED_PROXIES)
and appends the client's address to X-Forwarded-For as a load balancer does,
after whatever the client itself wrote there.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from tests.processes import (
    ROOT,
    free_port,
    manage,
    migrated_database,
    process_env,
    stop,
    wait_for_port,
)

PASSWORD = "pw-for-tests-2026"
USERS = f"""
from django.contrib.auth.models import User
for name in ("editor", "admin"):
    User.objects.create_user(name, f"{{name}}@example.org", "{PASSWORD}")
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = migrated_database(tmp_path_factory.mktemp("proxy"))
    env = {"TRUSTED_PROXIES": "127.0.0.1", "API_ANON_RATE": "5/min"}
    manage(database, "shell", "-c", USERS, **env)
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "editorial.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--threads",
            "16",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=process_env(database, **env),
    )
    try:
        wait_for_port(port, process)
        yield port
    finally:
        stop(process)


def request(port, method, path, *, client, spoofed="", form=None, cookie=""):
    """One request as the balancer forwards it from ``client``: (status, body)."""
    forwarded = f"{spoofed}, {client}" if spoofed else client
    headers = {"X-Forwarded-For": forwarded, "Host": "127.0.0.1", "Cookie": cookie}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(), response.getheader("Set-Cookie", "")
    finally:
        connection.close()


@pytest.fixture(scope="module")
def csrf(server):
    """A CSRF cookie and form token, so that log-ins reach the password check."""
    _, page, set_cookie = request(server, "GET", "/accounts/login/", client="192.0.2.1")
    cookie = set_cookie.split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    return cookie, token


def login(port, csrf, client, username, password="wrong"):
    """The status of a log-in: 200 (wrong password), 302 (logged in) or 429 (refused)."""
    cookie, token = csrf
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
    return request(port, "POST", "/accounts/login/", client=client, form=form, cookie=cookie)[0]


def test_one_clients_failures_do_not_lock_out_everyone_behind_the_balancer(server, csrf):
    for _ in range(5):
        assert login(server, csrf, "198.51.100.1", "editor") == 200
    assert login(server, csrf, "198.51.100.1", "editor", PASSWORD) == 429
    # Another reader behind the same balancer logs in.
    assert login(server, csrf, "203.0.113.5", "editor", PASSWORD) == 302


def test_parallel_guesses_are_counted_before_any_password_is_checked(server, csrf):
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda _: login(server, csrf, "198.51.100.2", "admin"), range(30)))
    # At most 5 reached the password check, however the 30 interleaved (fewer when a
    # guess's per-client count came after twenty others').
    checked = statuses.count(200)
    assert 1 <= checked <= 5
    assert statuses.count(429) == 30 - checked


def test_rotating_the_forwarded_header_does_not_dodge_the_api_limit(server):
    statuses = [
        request(server, "GET", "/api/articles/", client="198.51.100.3", spoofed=f"10.9.9.{n}")[0]
        for n in range(8)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 3
    # Another client still gets answers.
    assert request(server, "GET", "/api/articles/", client="198.51.100.4")[0] == 200
