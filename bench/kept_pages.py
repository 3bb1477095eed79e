"""What telling a kept page is current costs: the site generation read from the database,
beside a Redis GET of one key (how it was read before), and a whole kept-page replay.

    .venv/bin/python bench/kept_pages.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/kept_pages.py

Prints JSON: the median and 95th percentile, in microseconds, of 5,000 reads of
the generation (``public.freshness.current``) and of 5,000 Redis GETs over a
persistent connection (skipped when no Redis answers on 127.0.0.1:6379), and of
2,000 replays of a kept article page through Django's test client.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.setup_db import prepare  # noqa: E402

READS = 5000
REPLAYS = 2000


def spread(timings: list[float]) -> dict:
    timings.sort()
    return {
        "p50_us": round(statistics.median(timings), 1),
        "p95_us": round(timings[int(len(timings) * 0.95) - 1], 1),
    }


def timed(call, times: int) -> list[float]:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1e6)
    return timings


def redis_get() -> dict | None:
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/13", socket_timeout=0.25)
    try:
        client.set("bench:generation", 1)
    except redis.RedisError:
        return None
    result = spread(timed(lambda: client.get("bench:generation"), READS))
    client.delete("bench:generation")
    return result


def main() -> None:
    where = prepare("kept_pages_bench")
    from django.test import Client

    from public import freshness
    from tests.factories import approved_article

    article = approved_article()
    url = f"/articles/{article.slug}/"
    reader = Client(HTTP_HOST="127.0.0.1")
    assert reader.get(url).status_code == 200  # kept from now on
    results = {
        "database": where,
        "generation_from_database": spread(timed(freshness.current, READS)),
        "redis_get_for_comparison": redis_get(),
        "kept_page_replay": spread(timed(lambda: reader.get(url), REPLAYS)),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
