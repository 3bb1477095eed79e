"""`make bench`: the site under gunicorn with production settings, page by page.

    .venv/bin/python bench/run.py [--articles 1000] [--duration 8] [--tool auto|wrk|python]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/run.py

1. A throwaway database (bench/setup_db.py) gets the demo data, then generated
   articles through the import service; every few are approved by a board
   reviewer so the public pages have content (bench/data.py).
2. SQL queries per page are counted in-process at two data sizes (a tenth of
   the articles, then all of them): a flat count means the page does not grow
   with the data.
3. gunicorn (2 workers, 127.0.0.1, DJANGO_DEBUG unset) serves the site with a
   minimal "ok" view mounted (BENCH_MODE=1), and a second process drives load
   at each page: wrk when installed, else bench/loadgen.py. Every page's
   requests per second is compared with the minimal view's in the same run.
   The workers answer the minimal view for a second before anything is timed
   (a worker's first request loads the URLconf and the template engine); then
   every approved article is asked for once, none kept yet (``article_cold``).
4. Results go to bench/results/<timestamp>-<database>.json and a table is printed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

# Goals, as (page, measure, comparison, target, database or None for both).
GOALS = [
    ("article_cached", "ratio", ">=", 0.9, None),
    ("conditional_304", "ratio", ">=", 1.0, None),
    ("article_cold", "ratio", ">=", 0.4, "sqlite"),
    ("article_cold", "ratio", ">=", 0.3, "postgresql"),
    ("home", "ratio", ">=", 0.9, None),
    ("search", "ratio", ">=", 0.1, None),
    ("desk_queue", "p50_ms", "<", 50.0, None),
]


# -- Data and query counts (in this process, on the throwaway database) --------------------


def page_queries(approved_slug: str) -> dict[str, int]:
    """SQL queries for one request to each page, through Django's test client."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.data import bench_reviewer

    def count(client, path, **headers):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, **headers)
        assert response.status_code in (200, 304), (path, response.status_code)
        return len(captured), response

    cache.clear()
    reader, reviewer = Client(), Client()
    reviewer.force_login(bench_reviewer())
    article = f"/articles/{approved_slug}/"
    result = {}
    result["article_cold"], _ = count(reader, article)
    result["article_cached"], response = count(reader, article)
    result["conditional_304"], _ = count(reader, article, HTTP_IF_NONE_MATCH=response["ETag"])
    result["home"], _ = count(reader, "/")
    result["search"], _ = count(reader, "/search/?q=baclofen")
    result["desk_queue"], _ = count(reviewer, "/desk/")
    cache.clear()
    return result


# -- The server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(static_root: str) -> dict[str, str]:
    """Production settings for the run: no DJANGO_DEBUG, a real SECRET_KEY, loopback hosts."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "editorial.settings",
            "BENCH_MODE": "1",
            "STATIC_ROOT": static_root,
            # Plain HTTP on loopback stands for TLS ended at the load balancer.
            "SECURE_SSL_REDIRECT": "0",
        }
    )
    return env


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [
            GUNICORN,
            "editorial.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 20 seconds")


# -- Load --------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(value) * _UNITS[unit], 2)


def drive_wrk(base: str, path: str, *, duration: float, concurrency: int, headers: dict) -> dict:
    command = [
        "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{int(duration)}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, base + path], capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    if "50" not in latency:  # too few answers for wrk's histogram: measure with our client
        return drive_python(
            base, [path], duration=duration, concurrency=concurrency, headers=headers
        )
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "tool": "wrk",
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _wrk_ms(latency["50"]),
        "p99_ms": _wrk_ms(latency["99"]),
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
    }


def drive_python(
    base: str,
    paths: list[str],
    *,
    duration: float,
    concurrency: int,
    headers: dict,
    each_once: bool = False,
) -> dict:
    command = [
        PYTHON,
        str(ROOT / "bench" / "loadgen.py"),
        "--base",
        base,
        "--duration",
        str(duration),
        "--concurrency",
        str(concurrency),
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(paths))
    command += (
        ["--paths-file", fh.name] if each_once else [arg for p in paths for arg in ("--path", p)]
    )
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(fh.name)
    return json.loads(out)


def http_get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:  # 304 arrives as an "error"
        return error.code, error.headers


# -- Report ------------------------------------------------------------------------------


def check_goals(pages: dict, database: str) -> list[dict]:
    results = []
    for page, measure, op, target, only_on in GOALS:
        if page not in pages or only_on not in (None, database):
            continue
        value = pages[page][measure]
        met = value >= target if op == ">=" else value < target
        results.append(
            {"page": page, "measure": measure, "goal": f"{op} {target}", "value": value, "met": met}
        )
    return results


def table(result: dict) -> str:
    lines = [
        f"{result['database']} ({result['cache']}), {result['articles']} articles, "
        f"load by {result['tool']}",
        f"{'page':<18}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}{'queries':>9}",
    ]
    for name, row in result["pages"].items():
        queries = result["queries"]["large"].get(name, "")
        lines.append(
            f"{name:<18}{row['rps']:>9.0f}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}"
            f"{row.get('ratio', 1.0):>8.2f}{queries!s:>9}"
        )
    lines.append(f"import: {result['import']['import_per_second']} articles/s")
    for goal in result["goals"]:
        lines.append(
            f"goal {goal['page']} {goal['measure']} {goal['goal']}: {goal['value']} "
            f"{'met' if goal['met'] else 'NOT met'}"
        )
    lines.append(f"queries independent of data size: {result['queries_flat']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of load per page")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--postgres",
        choices=["auto", "no"],
        default="auto",
        help="after a SQLite run, run again on PostgreSQL with Redis when both answer",
    )
    args = parser.parse_args()
    on_sqlite = not os.environ.get("DATABASE_URL")
    tool = (
        "wrk" if args.tool == "wrk" or (args.tool == "auto" and shutil.which("wrk")) else "python"
    )

    # The server and this process must share the key: the desk session is made here.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    from bench.setup_db import prepare

    where = prepare("bench")
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from articles.management.commands.seed_demo import Command as SeedDemo
    from bench.data import bench_reviewer, load_articles

    with open(os.devnull, "w") as quiet:
        SeedDemo(stdout=quiet).handle()
    approve_every = max(4, args.articles // 250)  # about 250 approved pages however big the run
    small = max(approve_every * 4, args.articles // 10)
    print(f"Loading {args.articles} articles into {where} ...", flush=True)
    first = load_articles(start=0, stop=small, approve_every=approve_every)
    slug = first["approved_slugs"][0]
    queries_small = page_queries(slug)
    rest = load_articles(start=small, stop=args.articles, approve_every=approve_every)
    queries_large = page_queries(slug)
    imported = first["imported"] + rest["imported"]
    seconds = first["import_seconds"] + rest["import_seconds"]
    approved = first["approved_slugs"] + rest["approved_slugs"]

    reviewer = Client()
    reviewer.force_login(bench_reviewer())
    session = reviewer.cookies["sessionid"].value
    cache.clear()
    connection.close()

    static_root = tempfile.mkdtemp(prefix="editorial-bench-static-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"Starting gunicorn on {base} (2 workers), load by {tool} ...", flush=True)
    server = start_server(server_env(static_root), port)
    pages = {}
    try:

        def drive(path, headers=None, duration=args.duration):
            if tool == "wrk":
                return drive_wrk(
                    base,
                    path,
                    duration=duration,
                    concurrency=args.concurrency,
                    headers=headers or {},
                )
            return drive_python(
                base, [path], duration=duration, concurrency=args.concurrency, headers=headers or {}
            )

        article = f"/articles/{slug}/"
        # Both workers answer the minimal view first: each loads the URLconf and the
        # template engine once, as it does when it starts serving any page, so the
        # cold pages measure rendering articles, as the minimal view's measure does.
        drive_python(base, ["/__bench__/ok"], duration=1, concurrency=args.concurrency, headers={})
        # Cold first, while no worker has rendered any article: each page exactly once.
        cold_paths = [f"/articles/{s}/" for s in approved[1:]]
        cold = drive_python(
            base, cold_paths, duration=0, concurrency=args.concurrency, headers={}, each_once=True
        )
        python_minimal = drive_python(
            base,
            ["/__bench__/ok"],
            duration=args.duration,
            concurrency=args.concurrency,
            headers={},
        )
        pages["minimal"] = drive("/__bench__/ok")
        drive(article, duration=1)  # both workers render it once
        pages["article_cached"] = drive(article)
        pages["article_cold"] = {
            **cold,
            "ratio": round(cold["rps"] / python_minimal["rps"], 2),
            "baseline_rps": python_minimal["rps"],
        }
        drive("/", duration=1)  # kept by both workers
        pages["home"] = drive("/")
        pages["search"] = drive("/search/?q=baclofen")
        # Search for a different phrase on every request: never a kept page.
        # (An extra parameter keeps the page from being kept; the search is the same.)
        search_paths = [f"/search/?q=baclofen&n={i}" for i in range(int(args.duration * 60))]
        uncached = drive_python(
            base, search_paths, duration=0, concurrency=args.concurrency, headers={}, each_once=True
        )
        pages["search_uncached"] = {
            **uncached,
            "ratio": round(uncached["rps"] / python_minimal["rps"], 2),
            "baseline_rps": python_minimal["rps"],
        }
        pages["desk_queue"] = drive("/desk/", {"Cookie": f"sessionid={session}"})
        # What a CDN or a browser sends to revalidate: only If-None-Match, no cookie.
        status, headers = http_get(base + article)
        conditional = {"If-None-Match": headers["ETag"]}
        status, _ = http_get(base + article, conditional)
        assert status == 304, f"conditional GET answered {status}, not 304"
        pages["conditional_304"] = drive(article, conditional)
        for row in pages.values():
            row.setdefault("ratio", round(row["rps"] / pages["minimal"]["rps"], 2))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)

    result = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "where": where,
        "articles": args.articles,
        "approved": len(approved),
        "tool": tool,
        "workers": 2,
        "concurrency": args.concurrency,
        "duration_per_page_s": args.duration,
        "cache": "redis" if os.environ.get("CACHE_URL") else "per-process memory",
        "cpus": os.cpu_count(),
        "import": {
            "articles": imported,
            "seconds": round(seconds, 2),
            "import_per_second": round(imported / seconds, 1),
            "queries_per_article": rest["import_queries_per_article"],
        },
        "pages": pages,
        "queries": {
            "small": {"articles": small, **queries_small},
            "large": {"articles": args.articles, **queries_large},
        },
        "queries_flat": all(queries_small[k] == queries_large[k] for k in queries_small),
    }
    result["goals"] = check_goals(pages, result["database"])
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = out / f"{stamp}-{result['database']}-{args.articles}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    print(f"Results: {path.relative_to(ROOT)}")
    if on_sqlite and args.postgres == "auto":
        run_postgres_with_redis()


# The multi-server set-up: PostgreSQL, with Redis as the shared cache and generation counter.
BENCH_POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/editorial"
)
# The benchmark empties this Redis database: give it one of its own.
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def answers(url: str, default_port: int) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or default_port), timeout=1).close()
    except OSError:
        return False
    return True


def run_postgres_with_redis() -> None:
    """The same run again on PostgreSQL + Redis, in a fresh process, when both servers answer."""
    if not (answers(BENCH_POSTGRES_URL, 5432) and answers(BENCH_REDIS_URL, 6379)):
        print("PostgreSQL or Redis does not answer: no PostgreSQL + Redis rows.")
        return
    env = {
        k: v for k, v in os.environ.items() if k not in ("SQLITE_PATH", "DJANGO_SETTINGS_MODULE")
    }
    env.update({"DATABASE_URL": BENCH_POSTGRES_URL, "CACHE_URL": BENCH_REDIS_URL})
    print(f"\nAgain on PostgreSQL + Redis ({BENCH_REDIS_URL}) ...", flush=True)
    subprocess.run([PYTHON, __file__, *sys.argv[1:]], env=env, check=True)


if __name__ == "__main__":
    main()
