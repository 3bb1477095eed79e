"""Readers behind the edge while the desk writes: how much reaches the origin, and how soon a
change is seen.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/edge.py
    .venv/bin/python bench/edge.py --approved 2000 --seconds 20     # SQLite, smaller

1. A fresh database (bench/setup_db.py) is seeded in bulk (bench/bulk_seed.py) to
   ``--approved`` approved articles; a pool of imported articles is brought to review with
   every claim verified, ready to be approved.
2. Real processes: gunicorn (one worker, eight threads) on a Redis of its own, the task worker
   sending purges, and ``varnishd`` with deploy/varnish.vcl (scripts/run_varnish.sh).
3. The edge is warmed as docs/deploy.md says (``manage.py warm_edge``: every page of the
   sitemap; ``--warm N``: the N most-read articles only). Readers (``--readers`` threads,
   keep-alive, ``--rate`` requests a second in all) ask for article pages drawn from a Zipf
   distribution over the approved articles (the home page and searches now and then),
   while this process makes one editorial write per second: approvals, draft saves,
   reference edits and, every sixth write, a retraction. After each approval or retraction
   a watcher asks the edge for that page every 10 ms until it shows the change: the delay
   from the commit.
4. Phases, each after ``--warmup`` seconds of the same load not counted: behind Varnish
   (keys); then with no edge, readers on the origin, with keyed invalidation, and again with
   every write invalidating every page (the site-wide generation this replaced).

Reader requests reaching the origin are counted with and without each URL's first request,
and the others by page (home, search, article); the purger's refreshes and the warmer's
requests reach the origin too, for no reader, and are printed on lines of their own.
Seeding once: ``--seed-only``, ``createdb -T <database>_edge <copy>``, then
``--from-database <copy>`` for each run.

Prints a table and writes bench/results/<stamp>-edge-<database>.json.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REVIEWED = b"Medically reviewed by"
ZIPF_S = 1.1
SEARCHES = ["baclofen", "spasticity", "tizanidine", "pump", "dose reduction", "withdrawal"]
METRICS_TOKEN = "bench-edge-metrics"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if get(url)[0] < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    host, _, path = url.removeprefix("http://").partition("/")
    name, _, port = host.partition(":")
    connection = http.client.HTTPConnection(name, int(port), timeout=10)
    try:
        connection.request("GET", "/" + path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class Zipf:
    """Ranks 0..n-1 drawn with probability proportional to 1 / (rank + 1) ** s."""

    def __init__(self, n: int, s: float, seed: int):
        weights = [1 / (rank + 1) ** s for rank in range(n)]
        total = sum(weights)
        self.cumulative, running = [], 0.0
        for weight in weights:
            running += weight / total
            self.cumulative.append(running)
        self.random = random.Random(seed)

    def draw(self) -> int:
        import bisect

        return min(bisect.bisect(self.cumulative, self.random.random()), len(self.cumulative) - 1)


def page_kind(path: str) -> str:
    """What a reader asked for, to say where the origin's requests come from."""
    if path == "/":
        return "home page"
    if path.startswith("/search/"):
        return "search"
    return "article"


class Readers:
    """Threads asking ``base`` for pages, counting answers by where they came from."""

    # Every URL any reader has asked for, behind the edge (its first request is a miss
    # whatever invalidation does: the edge had never seen it).
    asked: set[str] = set()

    def __init__(self, base: str, urls: list[str], count: int, rate: float):
        self.base, self.urls, self.count = base, urls, count
        # Readers arrive at a steady rate, however fast the edge answers: the desk and the
        # watchers share this process, and readers asking as fast as hits return would
        # starve them of the interpreter and time this process rather than the edge.
        self.interval = count / rate if rate else 0.0
        self.running = False
        self.counting = False
        self.seen: Counter = Counter()
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        self.running = True
        for n in range(self.count):
            thread = threading.Thread(target=self.read, args=(n,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(timeout=15)

    def path(self, zipf: Zipf, chance: random.Random) -> str:
        roll = chance.random()
        if roll < 0.04:
            return "/"
        if roll < 0.07:
            return "/search/?q=" + SEARCHES[zipf.draw() % len(SEARCHES)].replace(" ", "+")
        return self.urls[zipf.draw()]

    def read(self, n: int) -> None:
        zipf, chance = Zipf(len(self.urls), ZIPF_S, seed=n), random.Random(1000 + n)
        host, _, port = self.base.removeprefix("http://").partition(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        due = time.monotonic()
        while self.running:
            due = max(due + self.interval, time.monotonic())
            time.sleep(max(0.0, due - time.monotonic()))
            path = self.path(zipf, chance)
            first_time = path not in Readers.asked
            Readers.asked.add(path)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                outcome = response.getheader("X-Cache", "ORIGIN")
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                outcome, status = "ERROR", 0
            if status >= 500:
                outcome = "5xx"
            if self.counting:
                with self.lock:
                    self.seen[outcome] += 1
                    if outcome == "MISS" and first_time:
                        self.seen["MISS, first request of its URL"] += 1
                    elif outcome == "MISS":
                        self.seen[f"MISS again, {page_kind(path)}"] += 1
                    self.seen[f"status {status // 100}xx"] += 1


class Desk:
    """One editorial write per second in this process: the services, as the desk calls them."""

    def __init__(self, *, pool, approved, references, drafts, edge: str | None):
        from tests.factories import make_admin, make_editor

        self.pool = list(pool)
        self.approved = approved  # shared by the phases: a retracted article stays retracted
        self.references, self.drafts = list(references), list(drafts)
        self.edge = edge
        self.admin, self.editor = make_admin("bench-edge-admin"), make_editor("bench-edge-editor")
        self.delays: dict[str, list[float]] = {"approval": [], "retraction": []}
        self.writes: Counter = Counter()
        self.watchers: list[threading.Thread] = []
        self.random = random.Random(7)

    def run(self, seconds: float) -> None:
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < seconds:
            due = started + n
            time.sleep(max(0.0, due - time.monotonic()))
            kind = ("approval", "draft save", "reference edit")[n % 3]
            if n % 6 == 5:
                kind = "retraction"
            try:
                getattr(self, kind.replace(" ", "_"))()
                self.writes[kind] += 1
            except Exception as error:  # a write refused: counted, the load goes on
                self.writes[f"{kind} refused ({type(error).__name__})"] += 1
            n += 1
        for watcher in self.watchers:
            watcher.join(timeout=10)

    def watch(self, kind: str, url: str, committed: float, done) -> None:
        def poll() -> None:
            deadline = committed + 10
            while time.time() < deadline:
                status, _, body = get(self.edge + url)
                if done(status, body):
                    self.delays[kind].append(time.time() - committed)
                    return
                time.sleep(0.01)
            self.delays[kind].append(float("inf"))

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        self.watchers.append(thread)

    def approval(self) -> None:
        from articles import services
        from bench.data import bench_reviewer

        article = self.pool.pop()
        url = article.get_absolute_url()
        if self.edge:
            get(self.edge + url)  # the pending page, kept at the edge
        services.article_approve(article=article, by=bench_reviewer())
        if self.edge:
            self.watch("approval", url, time.time(), lambda s, b: s == 200 and REVIEWED in b)

    def retraction(self) -> None:
        from articles import services

        article = self.approved.pop(
            self.random.randrange(len(self.approved) // 2, len(self.approved))
        )
        url = article.get_absolute_url()
        if self.edge:
            get(self.edge + url)
        services.article_retract(article=article, by=self.admin, comment="Benchmark retraction.")
        if self.edge:
            self.watch("retraction", url, time.time(), lambda s, b: s == 410)

    def draft_save(self) -> None:
        from articles import services

        article = self.random.choice(self.drafts)
        article.refresh_from_db()
        services.article_update(
            article=article,
            by=self.editor,
            expected_version=article.content_version,
            title=f"Draft title {self.random.randrange(10**6)}?",
        )

    def reference_edit(self) -> None:
        reference = self.random.choice(self.references)
        reference.refresh_from_db()
        reference.title = reference.title.rstrip(".") + "."
        reference.save()


def origin_kept_pages(origin: str) -> Counter:
    """The origin's kept-page outcomes so far (editorial_kept_pages_total, all views)."""
    _, _, body = get(origin + "/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})
    counts: Counter = Counter()
    for line in body.decode().splitlines():
        if line.startswith("editorial_kept_pages_total{"):
            outcome = line.split('outcome="')[1].split('"')[0]
            counts[outcome] += float(line.rsplit(" ", 1)[1])
    return counts


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def phase(name, *, base, origin, urls, desk_args, args, sitewide=False) -> dict:
    """One load: readers on ``base``, one write per second, counted after the warm-up."""
    from public import receivers

    original = receivers.page_keys
    if sitewide:
        from public import freshness

        receivers.page_keys = lambda changed: {freshness.SITE}  # every change, every page
    try:
        readers = Readers(base, urls, args.readers, args.rate)
        readers.start()
        desk = Desk(**desk_args, edge=base if base != origin else None)
        desk.run(args.warmup)
        readers.counting = True
        kept_before = origin_kept_pages(origin)
        refreshes_before = edge_refreshes(origin)
        started = time.monotonic()
        desk.writes.clear()
        desk.delays = {"approval": [], "retraction": []}
        desk.run(args.seconds)
        readers.counting = False
        elapsed = time.monotonic() - started
        kept = origin_kept_pages(origin) - kept_before
        refreshes = edge_refreshes(origin) - refreshes_before
        readers.stop()
    finally:
        receivers.page_keys = original
    seen = readers.seen
    errors = seen["ERROR"] + seen["5xx"]
    # Answered pages: an error (the origin too busy, a timeout) is reported on its own.
    total = sum(seen[k] for k in ("HIT", "MISS", "ORIGIN"))
    result = {
        "phase": name,
        "reader_requests": total,
        "requests_per_second": round(total / elapsed, 1),
        "answers": dict(seen),
        "writes": dict(desk.writes),
        "origin_kept_pages": {k: int(v) for k, v in kept.items()},
        "purger_refreshes": int(refreshes),
        "error_share": round(errors / (total + errors), 4) if total + errors else None,
    }
    replayed, rendered = kept.get("replayed", 0), kept.get("rendered", 0)
    if replayed + rendered:
        result["origin_kept_hit_ratio"] = round(replayed / (replayed + rendered), 4)
    if base != origin and total:
        result["edge_hit_ratio"] = round(seen["HIT"] / total, 4)
        result["share_reaching_origin"] = round((total - seen["HIT"]) / total, 4)
        first = seen["MISS, first request of its URL"]
        result["share_reaching_origin_after_first_request"] = round(
            (total - seen["HIT"] - first) / (total - first), 4
        )
        for kind, delays in desk.delays.items():
            result[f"{kind}_delay_s"] = {
                "count": len(delays),
                "p50": round(statistics.median(delays), 3) if delays else None,
                "p99": round(percentile(delays, 0.99), 3) if delays else None,
                "max": round(max(delays), 3) if delays else None,
            }
    return result


def prepare_site(args) -> dict:
    """The database: ``--approved`` approved articles and a pool ready for approval."""
    from articles import services
    from articles.imports import article_import, importer_user
    from articles.interchange import parse_text
    from articles.models import Article, Reference
    from articles.states import ArticleState
    from bench.bulk_seed import seed
    from bench.data import bench_reviewer, generated_pages, resolved
    from tests.factories import declare_no_conflict, make_policy, verify_all_claims

    seeded = {"copy_seconds": 0.0}
    if not args.from_database:
        make_policy()
        # Of every 20 copies, 8 are approved (bench/bulk_seed.py).
        total = args.approved * 20 // 8
        print(f"Seeding {total} articles ({args.approved} approved) ...", flush=True)
        seeded = seed(articles=total)
    if args.seed_only:
        return {}
    reviewer, by = bench_reviewer(), importer_user()
    pool = []
    # One write a second in each of three phases, one approval in three writes.
    needed = int(args.warmup + args.seconds) + 6
    print(f"Bringing {needed} articles to review, every claim verified ...", flush=True)
    for n, text in enumerate(list(generated_pages(100 + needed))[100:]):
        content = resolved(parse_text(text))
        article = article_import(content=content, by=by, source_name=f"edge-{n}.txt").article
        declare_no_conflict(article, reviewer)
        article = services.article_start_review(article=article, by=reviewer)
        verify_all_claims(article, reviewer)
        pool.append(article)
    approved = list(Article.objects.filter(state=ArticleState.APPROVED).order_by("pk"))
    references = list(Reference.objects.filter(citations__isnull=False).distinct()[:200])
    drafts = list(Article.objects.filter(state=ArticleState.DRAFT)[:200])
    return {
        "seed_seconds": seeded["copy_seconds"],
        "pool": pool,
        "approved": approved,
        "references": references,
        "drafts": drafts,
    }


def warm(edge: str, threads: int, how: str, urls: list[str]) -> dict:
    """The edge filled after its start as docs/deploy.md says (``sitemap``: manage.py
    warm_edge, every page of the sitemap), or with the N most-read articles only (``N``)."""
    from public.warm import edge_warm, warm_paths

    paths = warm_paths() if how == "sitemap" else urls[: int(how)]
    print(f"Warming the edge with {len(paths)} pages ...", flush=True)
    started = time.monotonic()
    answers = edge_warm(paths=paths, edges=[edge + "/"], threads=threads)
    Readers.asked.update(paths)
    return {
        "pages": len(paths),
        "seconds": round(time.monotonic() - started, 1),
        "answers": dict(answers),
    }


def edge_refreshes(origin: str) -> float:
    """Pages the purger had the edge fetch afresh so far, in every process (the origin's
    metrics add up this process's, the worker's and its own: PROMETHEUS_MULTIPROC_DIR)."""
    _, _, body = get(origin + "/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})
    for line in body.decode().splitlines():
        if line.startswith("editorial_edge_refreshes_total "):
            return float(line.split()[1])
    return 0.0


def start_processes(args, workdir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="1",
        LOG_LEVEL="ERROR",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        METRICS_TOKEN=METRICS_TOKEN,
        PYTHONPATH=str(ROOT),
    )
    redis_port, origin_port, varnish_port = free_port(), free_port(), free_port()
    env["CACHE_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    env["CDN_PURGE_URLS"] = f"http://127.0.0.1:{varnish_port}/"
    logs = workdir / "logs"
    logs.mkdir()
    processes = {
        "redis": subprocess.Popen(
            [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(redis_port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
        "origin": subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "editorial.wsgi", "-b", f"127.0.0.1:{origin_port}",
             "-w", "1", "--threads", "8", "-k", "gthread", "--timeout", "60"],
            cwd=ROOT, env=env, stdout=(logs / "origin.log").open("w"), stderr=subprocess.STDOUT,
        ),
        "worker": subprocess.Popen(
            [sys.executable, "manage.py", "outbox_worker", "--interval", "0.1", "--no-reload",
             "--no-startup-delay", "--worker-id", "bench-edge"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(logs / "worker.log").open("w"),
        ),
        "varnish": subprocess.Popen(
            ["sh", str(ROOT / "scripts" / "run_varnish.sh"), f"127.0.0.1:{origin_port}",
             str(varnish_port)],
            env={**env, "VARNISH_HOST": "127.0.0.1", "VARNISH_WORKDIR": str(workdir / "varnish"),
                 "VARNISH_MEMORY": "2g"},
            stdout=(logs / "varnish.log").open("w"), stderr=subprocess.STDOUT,
        ),
    }  # fmt: skip
    origin, edge = f"http://127.0.0.1:{origin_port}", f"http://127.0.0.1:{varnish_port}"
    wait_for(origin + "/healthz")
    wait_for(edge + "/")
    os.environ["CDN_PURGE_URLS"] = env["CDN_PURGE_URLS"]
    return {"processes": processes, "origin": origin, "edge": edge}


def table(result: dict) -> str:
    rows = [("measure", "edge (keys)", "no edge, keys", "no edge, site-wide", "goal")]
    edge, keys, sitewide = (result["phases"] + [{"reader_requests": 0, "writes": {}}] * 2)[:3]
    keys.setdefault("requests_per_second", "-")
    sitewide.setdefault("requests_per_second", "-")
    answers, warmed = edge["answers"], result["warmed"]
    misses_again = (
        ", ".join(
            f"{k.removeprefix('MISS again, ')} {v}"
            for k, v in sorted(answers.items())
            if k.startswith("MISS again")
        )
        or "none"
    )

    def pct(value):
        return "-" if value is None else f"{value * 100:.2f}%"

    def secs(figures, which):
        return "-" if not figures or figures[which] is None else f"{figures[which]:.3f} s"

    rows += [
        ("reader requests (per second)", f"{edge['reader_requests']} ({edge['requests_per_second']})",
         f"{keys['reader_requests']} ({keys['requests_per_second']})",
         f"{sitewide['reader_requests']} ({sitewide['requests_per_second']})", ""),
        ("share reaching the origin", pct(edge.get("share_reaching_origin")), "100%", "100%",
         "<= 1%"),
        ("  reader requests reaching the origin", str(edge["reader_requests"] - answers.get("HIT", 0)),
         "-", "-", ""),
        ("  not counting a URL's first request", pct(edge.get("share_reaching_origin_after_first_request")),
         "-", "-", ""),
        ("  of which a URL's first request", str(answers.get("MISS, first request of its URL", 0)),
         "-", "-", ""),
        ("  of which asked before (purged, by page)", misses_again, "-", "-", ""),
        ("edge hit ratio", pct(edge.get("edge_hit_ratio")), "-", "-", ""),
        ("purger's refreshes (not readers')", str(edge.get("purger_refreshes", "-")), "-", "-",
         ""),
        ("warmer's requests (before the phases)",
         f"{warmed['pages']} pages in {warmed['seconds']} s: "
         + ", ".join(f"{k} {v}" for k, v in sorted(warmed["answers"].items())), "-", "-", ""),
        ("errors (5xx, not counted above)", pct(edge.get("error_share")),
         pct(keys.get("error_share")), pct(sitewide.get("error_share")), ""),
        ("origin kept-page hit ratio", pct(edge.get("origin_kept_hit_ratio")),
         pct(keys.get("origin_kept_hit_ratio")), pct(sitewide.get("origin_kept_hit_ratio")), ""),
        ("approval -> edge, p50 / p99",
         f"{secs(edge.get('approval_delay_s'), 'p50')} / {secs(edge.get('approval_delay_s'), 'p99')}",
         "-", "-", "p99 <= 1 s"),
        ("retraction -> edge, p50 / p99",
         f"{secs(edge.get('retraction_delay_s'), 'p50')} / {secs(edge.get('retraction_delay_s'), 'p99')}",
         "-", "-", "p99 <= 1 s"),
        ("writes", ", ".join(f"{k} {v}" for k, v in edge["writes"].items()),
         str(sum(keys["writes"].values())), str(sum(sitewide["writes"].values())), "1 per second"),
    ]  # fmt: skip
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--approved", type=int, default=10_000)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument(
        "--rate",
        type=float,
        default=150,
        help="reader requests per second, all readers (0: as fast as answered)",
    )
    parser.add_argument("--warmup", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument(
        "--warm",
        default="sitemap",
        help="before the phases, ask the edge once for every page of the sitemap (manage.py "
        "warm_edge: 'sitemap', the default) or for the N most-read articles only (a number)",
    )
    parser.add_argument(
        "--edge-only", action="store_true", help="only the phase behind the edge (quicker)"
    )
    parser.add_argument(
        "--from-database",
        metavar="NAME",
        help="PostgreSQL: copy this database, seeded by an earlier --seed-only run, instead of seeding",
    )
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="seed the benchmark database and stop (copy it, then run with --from-database)",
    )
    args = parser.parse_args()
    # Every process adds up its counters where the origin's /metrics reads them: the
    # purger's refreshes are counted in this process and in the task worker.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="bench-edge-metrics-")
    for program in ("varnishd", "redis-server"):
        if not (shutil.which(program) or Path(f"/usr/sbin/{program}").exists()):
            sys.exit(f"{program} is not installed: run scripts/install_operations_tools.sh")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    from bench.setup_db import prepare

    where = prepare("edge", copy_of=args.from_database)
    from django.db import connection

    site = prepare_site(args)
    if args.seed_only:
        print(f"Seeded {where}: copy it (createdb -T) and run with --from-database")
        return
    urls = [article.get_absolute_url() for article in site["approved"]]
    workdir = Path(tempfile.mkdtemp(prefix="bench-edge-"))
    running = start_processes(args, workdir)
    from django.conf import settings

    settings.CDN_PURGE_URLS = [os.environ["CDN_PURGE_URLS"]]
    phases = []
    try:
        warmed = warm(running["edge"], args.readers, args.warm, urls)
        third = len(site["pool"]) // 3
        pools = [site["pool"][:third], site["pool"][third : 2 * third], site["pool"][2 * third :]]
        loads = [
            ("edge, keys", running["edge"], False),
            ("no edge, keys", running["origin"], False),
            ("no edge, site-wide generation", running["origin"], True),
        ]
        for n, (name, base, sitewide) in enumerate(loads[:1] if args.edge_only else loads):
            if name.startswith("no edge"):
                settings.CDN_PURGE_URLS = []  # nothing in front to purge
            desk_args = {
                "pool": pools[n],
                "approved": site["approved"],
                "references": site["references"],
                "drafts": site["drafts"],
            }
            print(f"Phase: {name} ({args.warmup:.0f} s warm-up, {args.seconds:.0f} s counted)",
                  flush=True)  # fmt: skip
            phases.append(
                phase(
                    name,
                    base=base,
                    origin=running["origin"],
                    urls=urls,
                    desk_args=desk_args,
                    args=args,
                    sitewide=sitewide,
                )
            )
    finally:
        for process in running["processes"].values():
            process.send_signal(signal.SIGTERM)
        for process in running["processes"].values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    result = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "where": where,
        "approved_articles": len(urls),
        "readers": args.readers,
        "reader_rate": args.rate,
        "zipf_s": ZIPF_S,
        "warmed": {"how": args.warm, **warmed},
        "warmup_seconds": args.warmup,
        "seconds": args.seconds,
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "cpus": os.cpu_count(),
        "phases": phases,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = out / f"{stamp}-edge-{result['database']}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    print(f"Results: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
