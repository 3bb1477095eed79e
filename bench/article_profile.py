"""Where an uncached article page spends its time, in this process, with DEBUG off.

    .venv/bin/python bench/article_profile.py [--articles 200] [--rounds 3] [--profile]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf_profile .venv/bin/python bench/article_profile.py

A throwaway database (bench/setup_db.py) gets the demo data and generated
articles (bench/data.py), as ``bench/run.py`` makes them. Then every approved
article is requested once through Django's test client with nothing kept
(the kept pages and the cache emptied before each round), and the mean time
per request is printed: first for the very first request of the process (what
a fresh worker pays once), then per round. ``--profile`` adds cProfile's top
functions over one more round.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()

    # As deployed (bench/run.py's server): DEBUG off, no statement log.
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    static_root = tempfile.mkdtemp(prefix="editorial-profile-static-")
    os.environ["STATIC_ROOT"] = static_root
    from bench.setup_db import prepare

    where = prepare("profile")
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    from django.core.cache import cache
    from django.test import Client

    from articles.management.commands.seed_demo import Command as SeedDemo
    from bench.data import load_articles
    from public import fastpath

    with open(os.devnull, "w") as quiet:
        SeedDemo(stdout=quiet).handle()
    print(f"Loading {args.articles} articles into {where} ...", flush=True)
    loaded = load_articles(start=0, stop=args.articles, approve_every=4)
    paths = [f"/articles/{slug}/" for slug in loaded["approved_slugs"]]
    client = Client()

    def forget() -> None:
        cache.clear()
        fastpath.forget_all()

    def one_round() -> list[float]:
        forget()
        times = []
        for path in paths:
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        return times

    forget()
    started = time.perf_counter()
    client.get(paths[0])
    print(f"first request of the process: {1000 * (time.perf_counter() - started):.1f} ms")
    for n in range(args.rounds):
        times = one_round()
        print(
            f"round {n + 1}: {len(times)} articles, mean {1000 * statistics.fmean(times):.2f} ms,"
            f" median {1000 * statistics.median(times):.2f} ms"
        )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        one_round()
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top * 2)
    shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
