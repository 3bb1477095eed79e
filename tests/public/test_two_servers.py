"""Two app servers sharing PostgreSQL (and Redis, or only their own memory caches): a change
made through one is served by the other on the very next request."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import approved_article, make_admin, make_policy

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
REDIS_URL = "redis://127.0.0.1:6379/13"
PASSWORD = "pw-for-tests-2026"


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two servers share a database server; SQLite's test database lives in memory",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def two_servers(request):
    """Two gunicorn servers (one worker each) on the test database; yields their base URLs."""
    cache_url = request.param
    if cache_url and not redis_is_running():
        pytest.skip("no Redis on 127.0.0.1:6379")
    if cache_url:
        import redis

        redis.Redis.from_url(cache_url).flushdb()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "editorial.settings_test",  # the test users' password hashes
        "DATABASE_URL": database_url(),
        "CACHE_URL": cache_url,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    servers, bases = [], []
    try:
        for _ in range(2):
            port = free_port()
            servers.append(
                subprocess.Popen(
                    [GUNICORN, "editorial.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            wait_for(base)
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


def wait_for(base: str) -> None:
    for _ in range(150):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{base} did not start")


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


class AdminSession:
    """A site admin signed in to one server's admin, posting its forms."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.post("/admin/login/?next=/admin/", {"username": username, "password": PASSWORD})

    def post(self, path: str, fields: dict) -> None:
        with self.opener.open(self.base + path, timeout=10) as response:
            form = response.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        with self.opener.open(self.base + path, data=data, timeout=10) as response:
            assert "errornote" not in response.read().decode(), path


@pytest.mark.parametrize(
    "two_servers", [REDIS_URL, ""], ids=["redis", "per-process-memory"], indirect=True
)
def test_a_change_through_one_server_is_served_by_the_other_at_once(two_servers, policy):
    from public.models import SiteText

    one, other = two_servers
    admin = make_admin("site-admin")
    article = approved_article()
    make_policy(2)
    SiteText.objects.get_or_create(
        key=SiteText.DISCLAIMER, defaults={"text": SiteText.DEFAULTS[SiteText.DISCLAIMER]}
    )
    url = other + article.get_absolute_url()
    for _ in range(3):  # kept on the other server
        page = get(url)
    assert "Medical Answers assumes no liability" in page and "/editorial-policy/v2/" in page

    disclaimer = SiteText.objects.get(key=SiteText.DISCLAIMER)
    session = AdminSession(one, admin.username)
    session.post(
        f"/admin/public/sitetext/{disclaimer.pk}/change/",
        {"key": "disclaimer", "text": "Edited through the first server."},
    )
    assert "Edited through the first server." in get(url)

    session.post(
        "/admin/articles/editorialpolicy/add/",
        {
            "version": "3",
            "title": "Editorial policy",
            "body": "v3.",
            "effective_date": "2025-09-01",
        },
    )
    assert "/editorial-policy/v3/" in get(url)
    assert "v3." in get(other + "/editorial-policy/")
