"""A real Varnish in front of gunicorn, purged by key through the task worker.

Real processes: gunicorn (the origin), ``varnishd`` running ``deploy/varnish.vcl``
through ``scripts/run_varnish.sh``, the task worker (``manage.py outbox_worker``)
that sends the purges, and a desk process that approves and retracts articles
through the services, as an editor's request would. ``CDN_PURGE_URLS`` names the
Varnish and a second endpoint of this test's own, which can be made to refuse.

Skipped, naming what to install, when ``varnishd`` is missing
(``scripts/install_operations_tools.sh`` installs it with the xkey module).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.operations.conftest import query_app_database
from tests.operations.processes import (
    ROOT,
    app_environment,
    free_port,
    http,
    program,
    start_gunicorn,
    stop,
    wait_for_port,
)

METRICS_TOKEN = "edge-metrics-token"
PENDING = b"pending human review"
REVIEWED = b"Medically reviewed by"
# The goal: a retraction reaches readers at the edge within a second of its commit.
WITHIN = 1.0

DESK = """
import json, sys, time
import django
django.setup()
from articles import services
from articles.models import Article
from tests.factories import *
make_policy()
editor = make_editor("edge-editor")
reviewer = make_reviewer("edge-reviewer")
admin = make_admin("edge-admin")
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    command, _, argument = line.strip().partition(" ")
    if command == "approved":
        article = approved_article(by=editor, reviewer=reviewer, title=argument)
        answer = {"url": article.get_absolute_url(), "pk": article.pk}
    elif command == "under_review":
        article = under_review_article(by=editor, reviewer=reviewer, title=argument)
        verify_all_claims(article, reviewer)
        answer = {"url": article.get_absolute_url(), "pk": article.pk}
    elif command == "approve":
        services.article_approve(article=Article.objects.get(pk=int(argument)), by=reviewer)
        answer = {"committed": time.time()}
    elif command == "retract":
        article = Article.objects.get(pk=int(argument))
        services.article_retract(article=article, by=admin, comment="Outdated advice.")
        answer = {"committed": time.time()}
    print(json.dumps(answer), flush=True)
"""


class PurgeEndpoint(ThreadingHTTPServer):
    """A second purge endpoint: records what it is sent, and refuses it while told to."""

    def __init__(self, port: int):
        self.refusing = False
        self.received: list[str] = []
        super().__init__(("127.0.0.1", port), _PurgeHandler)


class _PurgeHandler(BaseHTTPRequestHandler):
    def do_PURGE(self):  # noqa: N802 - the method's name
        server: PurgeEndpoint = self.server
        if server.refusing:
            self.send_response(503)
        else:
            server.received.append(self.headers.get("xkey-purge", ""))
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Edge:
    def __init__(
        self, *, varnish_port: int, origin_port: int, desk: subprocess.Popen, endpoint, database
    ):
        self.database = database
        self.base = f"http://127.0.0.1:{varnish_port}"
        self.origin = f"http://127.0.0.1:{origin_port}"
        self.desk_process = desk
        self.endpoint = endpoint

    def get(self, path: str):
        return http(self.base + path)

    def desk(self, command: str, argument: object = "") -> dict:
        self.desk_process.stdin.write(f"{command} {argument}\n")
        self.desk_process.stdin.flush()
        line = self.desk_process.stdout.readline()
        assert line, "the desk process stopped"
        return json.loads(line)

    def purges_done(self) -> None:
        """Wait until every purge queued so far was sent, both times."""

        def none_left() -> bool:
            sql = "SELECT count(*) FROM public_edgepurge WHERE status != 'sent'"
            return query_app_database(self.database, sql)[0][0] == 0

        wait_until(none_left, timeout=15, what="every purge sent", every=0.1)

    def readiness(self) -> dict:
        return json.loads(http(self.origin + "/readyz")[2])["checks"]["edge_purge"]

    def metric(self, name: str) -> float | None:
        _, _, body = http(
            self.origin + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        )
        for line in body.decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        return None


def wait_until(condition, *, timeout: float, what: str, every: float = 0.01) -> float:
    """Ask ``condition`` until it holds; the moment it first did (epoch seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.time()
        time.sleep(every)
    raise AssertionError(f"not within {timeout} s: {what}")


@pytest.fixture(scope="module")
def edge(process_database, tmp_path_factory):
    varnishd = program("varnishd", "/usr/sbin/varnishd")
    pytest.importorskip("gunicorn", reason="gunicorn is in requirements.txt: run make install")
    logs = tmp_path_factory.mktemp("edge")
    origin_port, varnish_port, endpoint_port = free_port(), free_port(), free_port()
    endpoint = PurgeEndpoint(endpoint_port)
    threading.Thread(target=endpoint.serve_forever, daemon=True).start()
    env = app_environment(
        process_database,
        CDN_PURGE_URLS=f"http://127.0.0.1:{varnish_port}/,http://127.0.0.1:{endpoint_port}/",
        METRICS_TOKEN=METRICS_TOKEN,
    )
    processes = []
    try:
        desk = subprocess.Popen(
            [sys.executable, "-c", DESK], cwd=ROOT, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=(logs / "desk.log").open("w"),
        )  # fmt: skip
        processes.append(desk)
        processes.append(start_gunicorn(env, port=origin_port, log=logs / "origin.log"))
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "outbox_worker", "--interval", "0.02", "--no-reload",
             "--no-startup-delay", "--worker-id", "edge-purges"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(logs / "worker.log").open("w"),
        )  # fmt: skip
        processes.append(worker)
        varnish = subprocess.Popen(
            ["sh", str(ROOT / "scripts" / "run_varnish.sh"), f"127.0.0.1:{origin_port}",
             str(varnish_port)],
            env={"PATH": f"{varnishd.rsplit('/', 1)[0]}:/usr/bin:/bin", "VARNISH_HOST": "127.0.0.1",
                 "VARNISH_WORKDIR": str(logs / "varnish"), "TMPDIR": str(logs)},
            stdout=(logs / "varnish.log").open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        processes.append(varnish)
        wait_for_port(varnish_port, process=varnish, timeout=30)
        assert json.loads(desk.stdout.readline()) == {"ready": True}
        site = Edge(
            varnish_port=varnish_port,
            origin_port=origin_port,
            desk=desk,
            endpoint=endpoint,
            database=process_database,
        )
        # The probe says the origin is up before Varnish sends it anything.
        wait_until(lambda: site.get("/")[0] == 200, timeout=20, what="the home page via Varnish")
        yield site
    finally:
        for process in reversed(processes):
            stop(process)
        endpoint.shutdown()


def cached(edge: Edge, url: str) -> bytes:
    """Ask until the edge answers from its copy; the body it keeps."""
    edge.get(url)
    status, headers, body = edge.get(url)
    assert headers["X-Cache"] == "HIT", (status, dict(headers))
    return body


def test_an_approval_is_purged_and_the_next_request_through_varnish_is_fresh(edge):
    article = edge.desk("under_review", "Is an approval purged at the edge?")
    assert PENDING in cached(edge, article["url"])

    committed = edge.desk("approve", article["pk"])["committed"]

    def fresh() -> bool:
        status, headers, body = edge.get(article["url"])
        # Once the edge asks the origin again, it is never given the old page.
        assert headers["X-Cache"] == "HIT" or REVIEWED in body
        return status == 200 and REVIEWED in body

    shown_at = wait_until(fresh, timeout=5, what="the approved page through Varnish")
    print(f"\napproval: fresh at the edge {shown_at - committed:.3f} s after its commit")
    assert shown_at - committed <= WITHIN
    assert REVIEWED in cached(edge, article["url"])  # kept again, fresh


def test_an_approval_of_another_article_leaves_this_page_at_the_edge(edge):
    kept = edge.desk("approved", "Is this page left alone at the edge?")
    edge.purges_done()  # its own purges (each sent twice) are behind it
    body = cached(edge, kept["url"])
    other = edge.desk("under_review", "Is only the other page purged?")
    edge.get(other["url"])
    edge.desk("approve", other["pk"])
    wait_until(
        lambda: REVIEWED in edge.get(other["url"])[2], timeout=5, what="the other page fresh"
    )
    edge.purges_done()  # the other's purge, sent twice
    status, headers, again = edge.get(kept["url"])
    assert (status, headers["X-Cache"], again) == (200, "HIT", body)
    assert int(headers["Age"]) >= 2  # the same copy, kept since before the approval


def test_a_retraction_answers_410_through_varnish_at_once(edge):
    article = edge.desk("approved", "Is a retraction seen at the edge at once?")
    assert REVIEWED in cached(edge, article["url"])

    committed = edge.desk("retract", article["pk"])["committed"]
    gone_at = wait_until(
        lambda: edge.get(article["url"])[0] == 410, timeout=5, what="410 through Varnish"
    )
    print(f"\nretraction: 410 at the edge {gone_at - committed:.3f} s after its commit")
    assert gone_at - committed <= WITHIN
    status, headers, body = edge.get(article["url"])
    assert status == 410 and REVIEWED not in body
    assert edge.get("/")[0] == 200  # the listings were purged too, and answer again


def test_a_failed_purge_is_retried_and_reported(edge):
    article = edge.desk("approved", "Is a failed purge retried?")
    cached(edge, article["url"])
    edge.endpoint.refusing = True
    try:
        edge.desk("retract", article["pk"])
        # Varnish itself took the purge: readers get the notice at once ...
        wait_until(lambda: edge.get(article["url"])[0] == 410, timeout=5, what="410 at the edge")
        # ... while the endpoint that refuses it is reported, and the purge is tried again.
        wait_until(
            lambda: edge.readiness()["status"] == "degraded",
            timeout=10,
            what="/readyz reporting the failing purge",
            every=0.1,
        )
        report = edge.readiness()
        assert report["failing"] >= 1 and "503" in report["detail"], report
        assert (edge.metric("editorial_edge_purges_failing") or 0) >= 1
    finally:
        edge.endpoint.refusing = False
    key = f"article:{article['pk']}"
    wait_until(
        lambda: any(key in sent.split() for sent in edge.endpoint.received),
        timeout=10,
        what="the purge retried until the endpoint took it",
        every=0.1,
    )
    wait_until(lambda: edge.readiness()["status"] == "ok", timeout=10, what="/readyz ok", every=0.1)
    assert edge.metric("editorial_edge_purges_failing") == 0
