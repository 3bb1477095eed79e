"""Time public search in-process on a fresh database of N imported articles.

    .venv/bin/python bench/search.py [--articles 1000] [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/search.py

A quarter of the articles are approved, the rest pending, as in bench/run.py.
Prints milliseconds per call of ``public.search.article_search`` for a word
every article holds, a rarer word, two words, and a word nothing holds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.setup_db import prepare  # noqa: E402

QUERIES = ["baclofen", "intrathecal", "baclofen withdrawal", "zebrafish"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    where = prepare("search")

    from bench.data import load_articles
    from public.search import article_search

    load_articles(start=0, stop=args.articles, approve_every=4)
    result: dict = {"database": where, "articles": args.articles, "ms_per_search": {}}
    for query in QUERIES:
        article_search(query=query)  # warm caches and plans
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            found = article_search(query=query)
            times.append((time.perf_counter() - started) * 1000)
        result["ms_per_search"][query] = {
            "median": round(statistics.median(times), 1),
            "max": round(max(times), 1),
            "found": len(found),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
