"""PostgreSQL stopped under load: readers keep every page they had, nobody gets a 500, and the
site is whole again seconds after the database is, without a restart.

Real processes on a PostgreSQL cluster of the module's own (``tests.operations.postgres``),
a redis-server of its own and gunicorn in production mode (DEBUG off, collected static
files): one server through an outage; two behind HAProxy running ``deploy/haproxy.cfg``;
and two sharing a Redis frozen across an approval and a retraction.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.operations.postgres import PrivateCluster
from tests.operations.processes import (
    ROOT,
    Browser,
    RedisServer,
    app_environment,
    free_port,
    http,
    launch_gunicorn,
    program,
    stop,
    wait_for_port,
)

PASSWORD = "pw-for-tests-2026"
PENDING = b"pending human review"
STALE = ("X-Served-Stale", "database-unavailable")
READERS_503 = b"This page is not available just now"
DESK_503 = b"The desk is unavailable for a moment"
BALANCER_503 = b"None of our servers can answer just now"
HOST = "answers.example.org"  # the shipped configuration's health-check Host
HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
HAPROXY_ERROR_PAGE = ROOT / "deploy" / "haproxy-503.http"

SITE_DATA = """
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from articles import services
from tests.factories import *
make_policy()
editor, reviewer = make_editor("outage-editor"), make_reviewer("outage-reviewer")
kept = [approved_article(by=editor, reviewer=reviewer, title=f"Is dose {n} of baclofen safe?")
        for n in range(3)]
never = approved_article(by=editor, reviewer=reviewer, title="Does nobody read this one?")
never_lb = approved_article(by=editor, reviewer=reviewer, title="Is this one unread too?")
draft = draft_article(by=editor, title="What does a desk step do in an outage?")
waiting = under_review_article(by=editor, reviewer=reviewer, title="Is tizanidine sedating?")
verify_all_claims(waiting, reviewer)
result.update(
    kept=[a.get_absolute_url() for a in kept], never=never.get_absolute_url(),
    never_lb=never_lb.get_absolute_url(),
    draft_pk=draft.pk, draft_version=draft.content_version,
    waiting_pk=waiting.pk, waiting_url=waiting.get_absolute_url(),
)
"""


def start_script(database_url: str, code: str) -> subprocess.Popen:
    """Run ``code`` with Django set up on the cluster (no shared cache); it fills ``result``."""
    script = "import django, json\ndjango.setup()\nresult = {}\n" + code
    script += "\nprint('RESULT ' + json.dumps(result))\n"
    return subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT,
        env=app_environment({"DATABASE_URL": database_url}),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def script_result(script: subprocess.Popen) -> dict:
    stdout, stderr = script.communicate(timeout=120)
    assert script.returncode == 0, stderr[-3000:]
    line = [x for x in stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line.removeprefix("RESULT "))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The cluster, migrated with a few articles; a Redis of its own; two app servers (one
    worker each) sharing both. Static files are collected, the database is filled and the
    servers boot side by side."""
    pytest.importorskip("gunicorn", reason="gunicorn is in requirements.txt: run make install")
    redis = RedisServer(program("redis-server"), free_port())
    cluster = PrivateCluster()
    static, logs = tmp_path_factory.mktemp("static"), tmp_path_factory.mktemp("servers")
    site = {"cluster": cluster, "redis": redis, "static": static, "servers": []}
    try:
        cluster.start()
        cluster.create_database()
        redis.start()
        filling = start_script(cluster.url, SITE_DATA)
        # Production storage needs the manifest; the admin's and the API docs' files are not
        # read here, and leaving them out saves most of the time.
        collect = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0",
             "-i", "admin", "-i", "rest_framework", "-i", "drf_spectacular_sidecar"],
            cwd=ROOT, env={**app_environment({}), "DJANGO_DEBUG": "0", "STATIC_ROOT": str(static)},
        )  # fmt: skip
        assert collect.returncode == 0
        site["servers"] = [Server(site, "a", logs), Server(site, "b", logs)]
        site.update(script_result(filling))
        for server in site["servers"]:
            wait_for_port(server.port, process=server.process, timeout=30)
        yield site
    finally:
        for server in site["servers"]:
            server.process.terminate()  # both at once; stop() then waits for each
        for server in site["servers"]:
            stop(server.process)
        redis.resume()
        redis.stop()
        cluster.remove()


@pytest.fixture
def servers(site) -> list:
    return site["servers"]


def server_environment(site) -> dict:
    """Production settings (DEBUG off) over plain HTTP, on the cluster and the Redis."""
    env = app_environment({"DATABASE_URL": site["cluster"].url})
    env.update(
        DJANGO_DEBUG="0",
        STATIC_ROOT=str(site["static"]),
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        ALLOWED_HOSTS=f"127.0.0.1,localhost,{HOST}",
        TRUSTED_PROXIES="127.0.0.1",
        CACHE_URL=site["redis"].url,
        CACHE_CONNECT_TIMEOUT="0.1",
        CACHE_TIMEOUT="0.2",
        CACHE_RETRY_AFTER="1",
    )
    return env


class Server:
    def __init__(self, site, name: str, log_dir: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"{name}.log"
        self.process = launch_gunicorn(server_environment(site), port=self.port, log=self.log)


def flush_redis(redis: RedisServer) -> None:
    with socket.create_connection(("127.0.0.1", redis.port), timeout=2) as sock:
        sock.sendall(b"FLUSHALL\r\n")
        assert sock.recv(64).startswith(b"+OK")


def is_stale(headers) -> bool:
    return headers.get(STALE[0]) == STALE[1]


# -- One server ------------------------------------------------------------------------------


def test_a_database_outage_costs_readers_nothing_they_had(site, servers):
    a, b = servers
    flush_redis(site["redis"])
    kept, never = site["kept"], site["never"]
    etags = {}
    for url in kept:  # each read once, from A: kept there and in the shared Redis
        status, headers, _ = http(a.base + url)
        assert status == 200 and not is_stale(headers)
        etags[url] = headers["ETag"]
    editor = Browser(a.base)
    editor.log_in("outage-editor", PASSWORD)
    assert editor.request("/desk/")[0] == 200
    anonymous = Browser(a.base)
    assert anonymous.request("/accounts/login/")[0] == 200  # the CSRF cookie

    def kept_page(n: int, **headers):
        # A from its own memory, B (which never rendered them) from the shared cache.
        url = kept[n % len(kept)]
        return http((a, b)[n % 2].base + url, headers=headers), url

    step = f"/desk/articles/{site['draft_pk']}/submit/"
    doors = {
        "kept page": lambda n: kept_page(n)[0],
        "kept page, reader holds it": lambda n: kept_page(
            n, **{"If-None-Match": etags[kept[n % len(kept)]]}
        )[0],
        "article never kept": lambda n: http(a.base + never),
        "search": lambda n: http(b.base + f"/search/?q=outage{n}"),
        "desk": lambda n: editor.request("/desk/"),
        "desk step": lambda n: editor.request(step, {"expected_version": site["draft_version"]}),
        "log-in form": lambda n: anonymous.request("/accounts/login/"),
        "log-in": lambda n: anonymous.request(
            "/accounts/login/", {"username": "outage-editor", "password": PASSWORD}
        ),
        "API": lambda n: http(a.base + "/api/articles/"),
        "readiness": lambda n: http(a.base + "/readyz"),
    }
    expected = {
        "kept page": 200,
        "kept page, reader holds it": 304,
        "article never kept": 503,
        "search": 503,
        "desk": 503,
        "desk step": 503,
        "log-in form": 200,  # it needs no database; its POST is the 503
        "log-in": 503,
        "API": 503,
        "readiness": 200,  # "degraded": the balancer keeps the server in
    }

    site["cluster"].stop()
    stopped_at = time.monotonic()
    seen: dict[str, Counter] = {door: Counter() for door in doors}
    slowest: Counter = Counter()
    n = 0
    while time.monotonic() - stopped_at < 3:
        for door, ask in doors.items():
            asked_at = time.monotonic()
            status, headers, body = ask(n)
            slowest[door] = max(slowest[door], round(time.monotonic() - asked_at, 3))
            body = body.encode() if isinstance(body, str) else body
            seen[door][status] += 1
            assert status == expected[door], (door, status, body[:300])
            if door == "kept page":
                assert is_stale(headers) and headers["Cache-Control"] == "no-store"
                assert headers["ETag"] == etags[kept[n % len(kept)]]
            if status == 503:
                assert headers["Retry-After"] == "30", door
                if door in ("desk", "desk step", "log-in"):
                    assert DESK_503 in body, door
                elif door != "API":
                    assert READERS_503 in body, door
        n += 1
    requests = sum(sum(c.values()) for c in seen.values())
    print(f"\noutage: {requests} requests in {time.monotonic() - stopped_at:.1f}s, "
          + ", ".join(f"{door}: {dict(c)}" for door, c in seen.items())
          + f"\nslowest answer per door, seconds: {dict(slowest)}")  # fmt: skip

    site["cluster"].start()
    started_at = time.monotonic()
    back = {}
    while len(back) < 6:
        assert time.monotonic() - started_at < 5, f"only {sorted(back)} back after 5 s"
        checks = {
            "kept page, A": http(a.base + kept[0]),
            "kept page, B": http(b.base + kept[1]),
            "article never kept": http(a.base + never),
            "search": http(b.base + "/search/?q=baclofen"),
            "desk": editor.request("/desk/"),
            "API": http(a.base + "/api/articles/"),
        }
        for door, (status, headers, _) in checks.items():
            if status == 200 and not is_stale(headers):
                back.setdefault(door, round(time.monotonic() - started_at, 2))
        time.sleep(0.05)
    print(f"back after the database started, seconds: {back}")
    # Writes work again, on the same server processes.
    assert editor.request(step, {"expected_version": site["draft_version"]})[0] == 302
    assert a.process.poll() is None and b.process.poll() is None
    for server in servers:
        lines = [json.loads(line) for line in server.log.read_text().splitlines()]
        assert not [line for line in lines if line.get("status") == 500]
    assert '"event": "kept_pages_stale"' in a.log.read_text()
    assert '"event": "kept_pages_current"' in a.log.read_text()


# -- Two servers behind HAProxy -------------------------------------------------------------

# The lines of deploy/haproxy.cfg that name a site's own addresses and files ("site:").
SITE_LINES = {
    "stats socket": "    stats socket {socket} mode 600 level admin",
    "error page": f"    errorfile 503 {HAPROXY_ERROR_PAGE}",
    "listen": "    bind 127.0.0.1:{port}",
    "server": "    server app{n} 127.0.0.1:{server_port} check",
}


def haproxy_config(*, socket_path: str, port: int, server_ports: list[int]) -> str:
    """The shipped configuration with its "site:" lines made this test's."""
    lines, servers = [], iter(enumerate(server_ports, 1))
    for line in HAPROXY_CONFIG.read_text().splitlines():
        if "# site: " not in line:
            lines.append(line)
            continue
        what = line.split("# site: ")[1].strip()
        n, server_port = next(servers) if what == "server" else (0, 0)
        lines.append(
            SITE_LINES[what].format(socket=socket_path, port=port, n=n, server_port=server_port)
        )
    assert next(servers, None) is None, "the shipped file names fewer servers than the test runs"
    return "\n".join(lines) + "\n"


def haproxy_servers(stats_socket: str) -> dict[str, dict[str, str]]:
    """Each server's row of HAProxy's statistics, by column name."""
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(stats_socket)
        sock.sendall(b"show stat\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    header, *rows = data.decode().splitlines()
    columns = header.removeprefix("# ").split(",")
    rows = [dict(zip(columns, row.split(","), strict=False)) for row in rows if row]
    return {row["svname"]: row for row in rows if row["svname"].startswith("app")}


def wait_until_up(stats_socket: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while {row["status"] for row in haproxy_servers(stats_socket).values()} != {"UP"}:
        assert time.monotonic() < deadline, haproxy_servers(stats_socket)
        time.sleep(0.1)


def haproxy_command(stats_socket: str, command: str) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(stats_socket)
        sock.sendall(command.encode() + b"\n")
        sock.recv(65536)


def test_behind_haproxy_readers_keep_their_pages_through_a_database_outage(site, servers, tmp_path):
    haproxy = program("haproxy", "/usr/sbin/haproxy")
    stats, port = str(tmp_path / "haproxy.sock"), free_port()
    config = tmp_path / "haproxy.cfg"
    config.write_text(
        haproxy_config(socket_path=stats, port=port, server_ports=[s.port for s in servers])
    )
    balancer = subprocess.Popen(
        [haproxy, "-db", "-f", str(config)],
        stdout=(tmp_path / "haproxy.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process=balancer)
        wait_until_up(stats)
        lb = f"http://127.0.0.1:{port}"
        flush_redis(site["redis"])
        for url in site["kept"]:
            assert http(lb + url)[0] == 200  # kept in the shared Redis, whichever server read it
        status, headers, body = http(lb + site["kept"][0], headers={"Accept-Encoding": "gzip"})
        assert (status, headers["Content-Encoding"]) == (200, "gzip")  # pages leave compressed
        assert gzip.decompress(body).startswith(b"<!DOCTYPE html>")

        # A server's first check may time out while its worker warms up: count from here.
        failed_checks = {name: row["chkfail"] for name, row in haproxy_servers(stats).items()}
        site["cluster"].stop()
        stopped_at = time.monotonic()
        statuses: Counter = Counter()
        # Longer than two health checks 2 s apart: each must pass for the servers to stay in.
        while time.monotonic() - stopped_at < 4.5:
            for url in site["kept"]:
                status, headers, body = http(lb + url)
                statuses["kept", status] += 1
                assert status == 200 and is_stale(headers), (status, body[:300])
            status, headers, body = http(lb + site["never_lb"])
            statuses["never kept", status] += 1
            assert status == 503 and READERS_503 in body  # the site's page, not the balancer's
            time.sleep(0.05)
        rows = haproxy_servers(stats)
        assert {name: row["status"] for name, row in rows.items()} == {"app1": "UP", "app2": "UP"}
        assert {name: row["chkfail"] for name, row in rows.items()} == failed_checks  # none failed
        print(f"\nthrough HAProxy, database stopped {time.monotonic() - stopped_at:.1f}s: "
              f"{dict(statuses)}")  # fmt: skip
        site["cluster"].start()

        # With no server to answer, readers get the shipped page, not HAProxy's own.
        for name in rows:
            haproxy_command(stats, f"disable server app/{name}")
        status, headers, body = http(lb + site["kept"][0])
        assert status == 503 and BALANCER_503 in body
        assert headers["Retry-After"] == "30" and headers["Cache-Control"] == "no-store"
    finally:
        if not site["cluster"].running:
            site["cluster"].start()
        stop(balancer)


def test_the_balancers_error_page_is_whole_and_its_style_allowed_by_its_hash():
    raw = HAPROXY_ERROR_PAGE.read_bytes()
    head, body = raw.split(b"\r\n\r\n", 1)
    headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
    assert head.startswith(b"HTTP/1.1 503 ") and int(headers["Content-Length"]) == len(body)
    style = re.search(rb"<style>(.*?)</style>", body, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"] and b"<script" not in body


def test_the_deploy_guide_shows_the_shipped_haproxy_configuration():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", guide, re.S | re.M)
    assert HAPROXY_CONFIG.read_text() in blocks


# -- Never back in time ----------------------------------------------------------------------

# Steps taken in one Django shell, each when the test says (one start-up instead of two).
EDITORIAL_STEPS = """
import sys
from articles import services
from articles.models import Article
from tests.factories import make_admin, make_reviewer
for step in sys.stdin:
    article = Article.objects.get(pk=int(sys.argv[1]))
    if step.strip() == "approve":
        services.article_approve(article=article, by=make_reviewer("outage-reviewer"),
                                 expected_version=article.content_version)
    else:
        services.article_retract(article=article, by=make_admin("outage-admin"),
                                 comment="Withdrawn advice.")
    print(step.strip(), "done", flush=True)
"""


def page_version(status: int, body: bytes) -> int:
    """0: pending, 1: approved, 2: retracted."""
    if status == 410:
        return 2
    assert status == 200, status
    return 0 if PENDING in body else 1


def test_no_server_goes_back_in_time_across_a_frozen_redis(site, servers):
    """A page once served is never followed by an older one, on either server, whatever
    the shared cache holds: the generation is read from the database on every request."""
    url = site["waiting_url"]
    served: list[int] = []

    def read_many(times: int) -> None:
        for n in range(times):
            status, _, body = http(servers[n % 2].base + url)
            served.append(page_version(status, body))

    steps = subprocess.Popen(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + EDITORIAL_STEPS,
         str(site["waiting_pk"])],
        cwd=ROOT, env=app_environment({"DATABASE_URL": site["cluster"].url}),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip

    def take(step: str) -> None:
        steps.stdin.write(step + "\n")
        steps.stdin.flush()
        assert steps.stdout.readline().strip() == f"{step} done"

    try:
        flush_redis(site["redis"])
        read_many(4)  # the pending page, kept by both servers and in Redis
        assert set(served) == {0}
        site["redis"].pause()  # connections hang: the pending page stays in it
        take("approve")
        read_many(12)
        take("retract")
        read_many(12)
        site["redis"].resume()
        time.sleep(1.1)  # CACHE_RETRY_AFTER: both servers use Redis again
        read_many(12)
    finally:
        site["redis"].resume()
        steps.stdin.close()
        stop(steps)
    assert served == sorted(served), served  # never older than a page already served
    assert served[4] == 1 and served[16] == 2  # each change shown on the next request
