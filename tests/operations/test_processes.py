"""Real processes: a gunicorn worker killed mid-request, and the documented topology.

The topology of docs/deploy.md in small: HAProxy polling ``/readyz`` on two
gunicorn servers that share a database and a Redis. The servers run on a
database of their own (``process_database``), with JSON logs.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time

import pytest

from tests.operations.conftest import query_app_database, run_in_app
from tests.operations.processes import (
    ROOT,
    Browser,
    RedisServer,
    app_environment,
    free_port,
    http,
    launch_gunicorn,
    program,
    start_gunicorn,
    stop,
    wait_for_port,
)

PASSWORD = "pw-for-tests-2026"
PENDING = "pending human review"


def test_a_worker_killed_mid_transition_leaves_nothing_half_written(process_database, tmp_path):
    pytest.importorskip("gunicorn", reason="gunicorn is in requirements.txt: run make install")
    made = run_in_app(
        process_database,
        "from tests.factories import draft_article, make_editor, make_policy\n"
        "make_policy()\n"
        "editor = make_editor('killed-editor')\n"
        "article = draft_article(by=editor, title='What is killing a worker used for?')\n"
        "result.update(pk=article.pk, version=article.content_version)\n",
    )
    marker = tmp_path / "paused"
    port = free_port()
    server = start_gunicorn(
        app_environment(process_database, PAUSE_MARKER=str(marker)),
        port=port,
        workers=2,
        config=ROOT / "tests" / "operations" / "gunicorn_pause.py",
        log=tmp_path / "gunicorn.log",
    )
    try:
        editor = Browser(f"http://127.0.0.1:{port}")
        editor.log_in("killed-editor", PASSWORD)
        submit = f"/desk/articles/{made['pk']}/submit/"
        form = {"expected_version": made["version"]}
        answers = []
        thread = threading.Thread(
            target=lambda: answers.append(_answer_or_error(editor, submit, form)), daemon=True
        )
        thread.start()
        deadline = time.monotonic() + 15
        while not (marker.exists() and marker.read_text()):
            assert time.monotonic() < deadline, "the worker never reached the transition"
            time.sleep(0.05)
        os.kill(int(marker.read_text()), signal.SIGKILL)  # mid-transaction
        thread.join(15)
        assert answers and answers[0] != 302, "the killed request must not report success"

        # The state change and its audit row went together: neither is there.
        assert written(process_database, made["pk"]) == ("draft", 0, 0)
        # The next requests succeed (the master replaced the worker), and so does the step.
        for _ in range(4):
            assert editor.request("/desk/")[0] == 200
        assert editor.request(submit, form)[0] == 302
        assert written(process_database, made["pk"]) == ("submitted", 1, 1)
    finally:
        stop(server)


def written(database: dict, pk: int) -> tuple[str, int, int]:
    """The article's state, its submit audit rows and its "Submit" history rows."""
    [(state,)] = query_app_database(
        database, "SELECT state FROM articles_article WHERE id = ?", (pk,)
    )
    [(transitions,)] = query_app_database(
        database,
        "SELECT count(*) FROM articles_articletransition WHERE article_id = ? AND name = 'submit'",
        (pk,),
    )
    [(history,)] = query_app_database(
        database,
        "SELECT count(*) FROM articles_historicalarticle WHERE id = ? "
        "AND history_change_reason LIKE ?",
        (pk, "Submit%"),
    )
    return state, transitions, history


def _answer_or_error(browser: Browser, path: str, form: dict):
    try:
        return browser.request(path, form, timeout=20)[0]
    except OSError as error:  # the connection closed under the request
        return type(error).__name__


HAPROXY_CONFIG = """
global
    stats socket {socket} mode 600 level admin
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
    timeout check 3s
    retries 3
    option redispatch
    retry-on conn-failure empty-response
frontend web
    bind 127.0.0.1:{port}
    unique-id-format lb-%{{+X}}o%Ts%rt%pid
    http-request set-header X-Request-ID %[unique-id]
    default_backend app
backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host localhost
    http-check expect status 200
    default-server inter 200ms fall 2 rise 1
    server a 127.0.0.1:{port_a} check
    server b 127.0.0.1:{port_b} check
"""


def server_states(stats_socket: str) -> dict[str, str]:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(stats_socket)
        sock.sendall(b"show stat\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    rows = [line.split(",") for line in data.decode().splitlines() if line.startswith("app,")]
    return {row[1]: row[17] for row in rows if row[1] in ("a", "b")}


def wait_for_states(stats_socket: str, wanted: dict[str, str], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while server_states(stats_socket) != wanted:
        assert time.monotonic() < deadline, f"HAProxy saw {server_states(stats_socket)}"
        time.sleep(0.05)


def test_two_servers_behind_haproxy_share_approvals_and_survive_losing_one(
    process_database, tmp_path
):
    haproxy = program("haproxy", "/usr/sbin/haproxy")
    redis = RedisServer(program("redis-server"), free_port())
    made = run_in_app(
        process_database,
        "from tests.factories import *\n"
        "make_policy()\n"
        "editor, reviewer = make_editor('lb-editor'), make_reviewer('lb-reviewer')\n"
        "article = under_review_article(by=editor, reviewer=reviewer,"
        " title='What is load balancing used for?')\n"
        "verify_all_claims(article, reviewer)\n"
        "article.refresh_from_db()\n"
        "result.update(pk=article.pk, url=article.get_absolute_url(),"
        " version=article.content_version)\n",
    )
    port_a, port_b, port_lb = free_port(), free_port(), free_port()
    stats = str(tmp_path / "haproxy.sock")
    config = tmp_path / "haproxy.cfg"
    config.write_text(
        HAPROXY_CONFIG.format(socket=stats, port=port_lb, port_a=port_a, port_b=port_b)
    )
    processes = []
    try:
        redis.start()
        env = app_environment(process_database, CACHE_URL=redis.url, TRUSTED_PROXIES="127.0.0.1")
        server_a = launch_gunicorn(env, port=port_a, log=tmp_path / "a.log")
        processes.append(server_a)
        server_b = launch_gunicorn(env, port=port_b, log=tmp_path / "b.log")
        processes.append(server_b)
        wait_for_port(port_a, process=server_a, timeout=30)
        wait_for_port(port_b, process=server_b, timeout=30)
        balancer = subprocess.Popen(
            [haproxy, "-db", "-f", str(config)],
            stdout=(tmp_path / "haproxy.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        processes.append(balancer)
        wait_for_port(port_lb, process=balancer)
        wait_for_states(stats, {"a": "UP", "b": "UP"})

        lb, a, b = (f"http://127.0.0.1:{p}" for p in (port_lb, port_a, port_b))
        page = made["url"]
        for _ in range(4):
            status, headers, body = http(lb + page)
            assert status == 200 and PENDING.encode() in body
            assert headers["X-Request-ID"].startswith("lb-")  # the balancer's id, kept
        assert PENDING.encode() in http(b + page)[2]  # B has the pending page kept

        # An approval through A is what B serves on the very next request.
        reviewer = Browser(a)
        reviewer.log_in("lb-reviewer", PASSWORD)
        approve = f"/desk/articles/{made['pk']}/approve/"
        # The approval names the reviewed content the article screen showed.
        _, _, screen = reviewer.request(f"/desk/articles/{made['pk']}/")
        shown = re.search(r'name="expected_hash" value="([0-9a-f]{64})"', screen).group(1)
        status, _, _ = reviewer.request(
            approve, {"expected_version": made["version"], "expected_hash": shown}
        )
        assert status == 302
        status, _, body = http(b + page)
        assert status == 200 and PENDING.encode() not in body

        # B goes away; once HAProxy has noticed, no request is lost.
        stop(server_b)
        wait_for_states(stats, {"a": "UP", "b": "DOWN"})
        statuses = [http(lb + page)[0] for _ in range(20)]
        assert statuses == [200] * 20
        assert http(lb + "/readyz")[0] == 200
    finally:
        for process in reversed(processes):
            stop(process)
        redis.stop()
