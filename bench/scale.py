"""The site at scale, measured in this process with one client, each figure against its goal.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/scale.py
    .venv/bin/python bench/scale.py --search-at 1000 --desk-at 5000     # SQLite, smaller
    # again, on a copy of the database the first run left seeded, timing two measures only:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/again .venv/bin/python bench/scale.py \
        --from-database editorial_scale --only desk,import

1. A fresh database (bench/setup_db.py) is seeded in bulk (bench/bulk_seed.py) to
   ``--search-at`` articles; first-time public search is timed through the whole
   request (middleware, selector, template), each request a page never kept before.
2. The same database grows to ``--desk-at`` articles; the reviewer's desk queue
   (``/desk/``), an approved article rendered for the first time (no kept page, no
   stored body) beside the bare view (editorial/benchview.py), and
   ``article_import`` of generated seed-sized articles are timed.
3. A table is printed and the figures go to bench/results/<stamp>-scale-<database>.json.

Timings are medians (p50) of requests made one after another by one client through
Django's test client: no network, no gunicorn. On a shared machine they move with
its load; compare runs made side by side.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (measure, unit, comparison, goal, database or None for both)
GOALS = {
    "search_first_time_p50": ("ms", "<=", 30.0, "postgresql"),
    "desk_queue_p50": ("ms", "<", 50.0, "postgresql"),
    # The goal is bench/run.py's, through gunicorn and HTTP, where each request's fixed cost
    # is in both figures; in-process the bare view costs far less, so this ratio is lower
    # for the same page: shown beside the goal, never judged by it.
    "article_uncached_ratio": ("x bare view", ">=", 0.3, "postgresql"),
    "import_rate": ("articles/s", ">=", 50.0, "postgresql"),
}
SQLITE_GOALS = {"article_uncached_ratio": 0.4}
MEASURES = ("search", "desk", "uncached", "import")

# What readers type: common and rare words, two words, a misspelling, and nothing found.
SEARCHES = [
    "baclofen",
    "intrathecal",
    "baclofen withdrawal",
    "spasticity",
    "pump",
    "tizanidine",
    "baclofin",
    "dose reduction",
    "zebrafish",
    "muscle relaxant",
]


def timed_get(client, path: str, **headers) -> float:
    started = time.perf_counter()
    response = client.get(path, **headers)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def p50(samples: list[float]) -> float:
    return round(statistics.median(samples), 1)


def measure_search(requests: int) -> dict:
    """First-time search pages: every request names a page nobody has asked for before."""
    from django.test import Client

    reader = Client()
    for query in SEARCHES:  # warm the process (imports, templates), not the pages
        reader.get("/search/", {"q": query, "warm": 1})
    samples = [
        timed_get(reader, f"/search/?q={SEARCHES[i % len(SEARCHES)]}&n={i}")
        for i in range(requests)
    ]
    return {"p50_ms": p50(samples), "max_ms": round(max(samples), 1), "requests": requests}


def measure_desk(requests: int) -> dict:
    from django.test import Client

    from bench.data import bench_reviewer

    desk = Client()
    desk.force_login(bench_reviewer())
    desk.get("/desk/")
    samples = [timed_get(desk, "/desk/") for _ in range(requests)]
    return {"p50_ms": p50(samples), "max_ms": round(max(samples), 1), "requests": requests}


def measure_uncached_article(pages: int) -> dict:
    """Approved pages rendered with nothing kept, around their stored text, against the bare view.

    Each page is rendered once first, which stores its approved text as approval does
    (``public.rendered``); then the kept pages are forgotten and every page is asked
    for again: the frame, byline, history and notices rendered around the stored text.
    """
    from django.core.cache import cache
    from django.test import Client

    from articles.models import Article
    from articles.states import ArticleState
    from public import fastpath

    slugs = list(
        Article.objects.filter(state=ArticleState.APPROVED, slug__startswith="copy-")
        .order_by("-pk")
        .values_list("slug", flat=True)[:pages]
    )
    reader = Client()
    for slug in slugs:
        timed_get(reader, f"/articles/{slug}/")
    fastpath.forget_all()
    cache.clear()
    article = [timed_get(reader, f"/articles/{slug}/") for slug in slugs]
    bare = [timed_get(reader, "/__bench__/ok") for _ in range(len(slugs))]
    return {
        "article_p50_ms": p50(article),
        "bare_p50_ms": round(statistics.median(bare), 2),
        "ratio": round(statistics.median(bare) / statistics.median(article), 2),
        "pages": len(slugs),
    }


def measure_import(count: int, *, first: int) -> dict:
    """``article_import`` of generated pages, parsing included, as bench/import_articles.py."""
    from articles.imports import ImportOutcome, article_import, importer_user
    from articles.interchange import parse_text
    from bench.import_articles import generated_pages

    by = importer_user()
    pages = list(generated_pages(first + count))[first:]
    started = time.perf_counter()
    outcomes = [
        article_import(content=parse_text(page), by=by, source_name=f"generated-{n}.txt").outcome
        for n, page in enumerate(pages, start=first)
    ]
    seconds = time.perf_counter() - started
    if set(outcomes) != {ImportOutcome.CREATED}:
        # A copied database may hold these pages already: re-importing one changes nothing
        # and costs a fraction of an import, which would be no measure of the import.
        raise SystemExit(f"Not every import created its article: {sorted(set(outcomes))}")
    return {"articles": count, "seconds": round(seconds, 2), "rate": round(count / seconds, 1)}


def goals(figures: dict, database: str) -> list[tuple]:
    rows = []
    for name, (unit, op, goal, _only_on) in GOALS.items():
        if name not in figures:
            continue
        goal = SQLITE_GOALS.get(name, goal) if database == "sqlite" else goal
        value = figures[name]
        met = value >= goal if op == ">=" else (value <= goal if op == "<=" else value < goal)
        if name == "article_uncached_ratio":
            rows.append((name, value, unit, f"{op} {goal}", "run.py"))
            continue
        rows.append((name, value, unit, f"{op} {goal}", "met" if met else "NOT met"))
    return rows


def table(result: dict) -> str:
    lines = [
        f"{result['database']}: search at {result['search_at']} articles, the rest at "
        f"{result['desk_at']}; one client, in-process; load average {result['load']}",
        f"seeding: {result['seed']['copied']} copies in {result['seed']['copy_seconds']} s "
        f"({result['seed']['copies_per_second']}/s) after "
        f"{result['seed']['templates_seconds']} s of template articles",
        f"{'measure':<26}{'value':>10}  {'unit':<13}{'goal':<10}{'':>8}",
    ]
    for name, value, unit, goal, met in result["goals"]:
        lines.append(f"{name:<26}{value:>10}  {unit:<13}{goal:<10}{met:>8}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search-at", type=int, default=10_000)
    parser.add_argument("--desk-at", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--imports", type=int, default=200)
    parser.add_argument(
        "--from-database",
        metavar="NAME",
        help="PostgreSQL: copy this database, seeded by an earlier run, instead of seeding",
    )
    parser.add_argument(
        "--only",
        default=",".join(MEASURES),
        help=f"comma-separated measures among {','.join(MEASURES)}",
    )
    args = parser.parse_args()
    only = set(args.only.split(","))
    if only - set(MEASURES):
        parser.error(f"--only takes {','.join(MEASURES)}")
    os.environ["BENCH_MODE"] = "1"  # mounts the bare view
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    from bench.setup_db import prepare

    where = prepare("scale", copy_of=args.from_database)
    from django.conf import settings
    from django.db import connection

    # As in production: with DEBUG on, every statement is logged with its SQL and its time,
    # a cost no deployed request pays.
    settings.DEBUG = False

    from articles.management.commands.seed_demo import Command as SeedDemo
    from articles.models import Article
    from bench.bulk_seed import seed

    nothing = {"copied": 0, "copy_seconds": 0.0, "templates_seconds": 0.0, "templates": None}
    first = rest = nothing
    if not args.from_database:
        with open(os.devnull, "w") as quiet:
            SeedDemo(stdout=quiet).handle()
        print(f"Seeding {args.search_at} articles into {where} ...", flush=True)
        first = seed(articles=args.search_at)
    else:
        args.search_at = args.desk_at = Article.objects.count()
        print(f"{args.desk_at} articles in {where}", flush=True)
    figures = {}
    if "search" in only:
        figures["search_first_time_p50"] = measure_search(args.requests)
    if not args.from_database:
        print(f"Growing to {args.desk_at} articles ...", flush=True)
        rest = seed(articles=args.desk_at, templates=first["templates"], already=args.search_at)
    if "desk" in only:
        figures["desk_queue_p50"] = measure_desk(args.requests)
    if "uncached" in only:
        figures["article_uncached_ratio"] = measure_uncached_article(args.requests)
    if "import" in only:
        # A copied database holds the pages an earlier run imported from 100 on: start past them.
        past = 10_000 if args.from_database else 100
        figures["import_rate"] = measure_import(args.imports, first=past)
    values = {
        name: figures[name][key]
        for name, key in (
            ("search_first_time_p50", "p50_ms"),
            ("desk_queue_p50", "p50_ms"),
            ("article_uncached_ratio", "ratio"),
            ("import_rate", "rate"),
        )
        if name in figures
    }
    seconds = first["copy_seconds"] + rest["copy_seconds"]
    copied = first["copied"] + rest["copied"]
    result = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "where": where,
        "search_at": args.search_at,
        "desk_at": args.desk_at,
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "cpus": os.cpu_count(),
        "seed": {
            "copied": copied,
            "copy_seconds": round(seconds, 1),
            "copies_per_second": round(copied / seconds) if seconds else 0,
            "templates_seconds": first["templates_seconds"],
            "copied_from": args.from_database,
        },
        "figures": figures,
        "goals": goals(values, connection.vendor),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = out / f"{stamp}-scale-{result['database']}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    print(f"Results: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
