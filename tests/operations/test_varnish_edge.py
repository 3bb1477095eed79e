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
import urllib.request
from http.client import HTTPConnection
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
        self, *, varnish_port: int, origin_port: int, desk: subprocess.Popen, endpoint, database,
        env: dict,
    ):  # fmt: skip
        self.database, self.env = database, env
        self.base = f"http://127.0.0.1:{varnish_port}"
        self.origin = f"http://127.0.0.1:{origin_port}"
        self.desk_process = desk
        self.endpoint = endpoint

    def get(self, path: str, headers: dict | None = None):
        return http(self.base + path, headers=headers)

    def purge(self, keys: str) -> None:
        request = urllib.request.Request(
            self.base + "/", method="PURGE", headers={"xkey-purge": keys}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200

    def desk(self, command: str, argument: object = "") -> dict:
        self.desk_process.stdin.write(f"{command} {argument}\n")
        self.desk_process.stdin.flush()
        line = self.desk_process.stdout.readline()
        assert line, "the desk process stopped"
        return json.loads(line)

    def purges_done(self) -> None:
        """Wait until every purge queued so far was sent (and its pages refreshed)."""

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
            env=env,
        )
        # The probe says the origin is up before Varnish sends it anything.
        wait_until(lambda: site.get("/")[0] == 200, timeout=20, what="the home page via Varnish")
        yield site
    finally:
        for process in reversed(processes):
            stop(process)
        endpoint.shutdown()


def cached(edge: Edge, url: str) -> bytes:
    """Ask until the edge answers from its copy; the body it keeps. (A fetch that a purge
    overtook, from the steps that made the article, say, is not kept: asked again.)"""
    answers = []

    def hit() -> bool:
        answers.append(edge.get(url))
        return answers[-1][1]["X-Cache"] == "HIT"

    wait_until(hit, timeout=5, what=f"{url} kept at the edge", every=0.05)
    return answers[-1][2]


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
    edge.purges_done()  # its own purges are behind it
    body = cached(edge, kept["url"])
    time.sleep(2.1)  # the kept copy's Age (2 s or more) then tells it from a later one
    other = edge.desk("under_review", "Is only the other page purged?")
    edge.get(other["url"])
    edge.desk("approve", other["pk"])
    wait_until(
        lambda: REVIEWED in edge.get(other["url"])[2], timeout=5, what="the other page fresh"
    )
    edge.purges_done()  # the other's purges
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


def test_after_an_approval_the_next_reader_finds_the_page_fresh_at_the_edge(edge):
    article = edge.desk("under_review", "Is the approved page fetched by the purger?")
    assert PENDING in cached(edge, article["url"])
    cached(edge, "/")

    edge.desk("approve", article["pk"])
    edge.purges_done()  # sent, and the pages refreshed

    # The purger's refresh fetched the page from the origin: readers find it kept and fresh.
    status, headers, body = edge.get(article["url"])
    assert (status, headers["X-Cache"]) == (200, "HIT") and REVIEWED in body
    assert edge.get("/")[1]["X-Cache"] == "HIT"


def test_after_a_retraction_the_next_reader_finds_the_410_kept_and_never_the_old_page(edge):
    article = edge.desk("approved", "Is the retraction notice fetched by the purger?")
    edge.purges_done()
    assert REVIEWED in cached(edge, article["url"])

    edge.desk("retract", article["pk"])
    wait_until(lambda: edge.get(article["url"])[0] == 410, timeout=5, what="410 at the edge")
    edge.purges_done()
    status, headers, body = edge.get(article["url"])
    assert (status, headers["X-Cache"]) == (410, "HIT") and REVIEWED not in body


def test_tracking_query_strings_other_cookies_and_host_names_share_one_copy(edge):
    article = edge.desk("approved", "Is a shared link the same page at the edge?")
    edge.purges_done()
    body = cached(edge, article["url"])
    port = edge.base.rsplit(":", 1)[1]
    for path, headers in [
        (article["url"] + "?utm_source=newsletter&utm_medium=email", {}),
        (article["url"] + "?fbclid=IwAR0abc", {}),
        (article["url"], {"Cookie": "_ga=GA1.1.1; cookie_consent=yes"}),
        (article["url"], {"Host": f"localhost:{port}"}),
    ]:
        status, answer_headers, again = edge.get(path, headers)
        assert (status, answer_headers["X-Cache"], again) == (200, "HIT", body), path
    # What the page reads stays in its address: another audience is another page.
    patient = cached(edge, article["url"] + "?audience=patient&utm_campaign=spring")
    status, headers, again = edge.get(article["url"] + "?audience=patient")
    assert (headers["X-Cache"], again) == ("HIT", patient)
    # A signed-in reader's cookie still passes to the origin.
    assert edge.get(article["url"], {"Cookie": "sessionid=abc"})[1]["X-Cache"] == "MISS"


def test_warm_edge_fills_an_empty_edge_from_the_sitemap(edge):
    article = edge.desk("approved", "Is this page kept before its first reader?")
    edge.purges_done()
    edge.purge("site")  # an edge that starts empty, as after a deploy

    done = subprocess.run(
        [sys.executable, "manage.py", "warm_edge", "--edge", edge.base + "/", "--threads", "2"],
        cwd=ROOT, env=edge.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "0 errors" in done.stdout, done.stdout

    for path in (article["url"], "/", "/sitemap.xml"):
        assert edge.get(path)[1]["X-Cache"] == "HIT", path  # the first reader's request


def test_after_an_approval_the_searches_readers_asked_for_are_fresh_and_kept(edge):
    search = "/search/?q=spasticity+edge"
    before = cached(edge, search)
    article = edge.desk("under_review", "Is spasticity edge searched again after approval?")
    edge.purges_done()
    cached(edge, search)  # asked for by readers since: on the edge's list

    edge.desk("approve", article["pk"])
    edge.purges_done()  # sent, and the pages refreshed: the search among them

    status, headers, body = edge.get(search)
    assert (status, headers["X-Cache"]) == (200, "HIT")
    assert body != before and b"Is spasticity edge searched again" in body


def test_the_edge_lists_the_searches_readers_asked_for_to_the_purger(edge):
    asked, too_long = "/search/?q=listed+search", "/search/?q=" + "long+" * 70
    assert edge.get(asked)[0] == edge.get(too_long)[0] == 200
    status, headers, body = edge.get("/.edge/recent-searches")
    assert status == 200 and headers["Cache-Control"] == "no-store"  # the test runs as a purger
    listed = body.decode().split()
    assert all(path.startswith("/search/?") for path in listed)
    assert asked in listed and too_long not in listed  # a small list of readers' searches


def from_elsewhere(edge: Edge, method: str, path: str, headers: dict | None = None):
    """A request from an address outside the purgers' list (loopback answers 127.0.0.2)."""
    connection = HTTPConnection(
        "127.0.0.1", int(edge.base.rsplit(":", 1)[1]), timeout=5, source_address=("127.0.0.2", 0)
    )
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("X-Cache"), response.read()
    finally:
        connection.close()


def test_only_the_purgers_may_purge_refresh_or_read_the_searches(edge):
    article = edge.desk("approved", "Is this page safe from a stranger's purge?")
    edge.purges_done()
    cached(edge, article["url"])

    status, _, _ = from_elsewhere(edge, "PURGE", "/", {"xkey-purge": f"article:{article['pk']}"})
    assert status == 403
    status, _, _ = from_elsewhere(edge, "GET", "/.edge/recent-searches")
    assert status == 403
    # A stranger's refresh header is ignored: the page is answered from the edge's copy.
    status, cache, _ = from_elsewhere(edge, "GET", article["url"], {"X-Edge-Refresh": "1"})
    assert (status, cache) == (200, "HIT")
    assert edge.get(article["url"])[1]["X-Cache"] == "HIT"  # still kept, never purged
