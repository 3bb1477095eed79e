"""What the request-id, metrics and request-log middleware costs per request, in-process.

    .venv/bin/python bench/observability.py [--requests 2000] [--rounds 5]

Answers ``GET /healthz`` (liveness: no database, so only the middleware is measured)
through Django's test client, alternating rounds with and without
``RequestObservabilityMiddleware``, and prints the median time per request of
each and the difference, in CPU time of this process (steadier than wall-clock
time on a shared machine). The request log line is written (JSON, to /dev/null)
as in production.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings_test")
os.environ["SQLITE_PATH"] = ":memory:"
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

from editorial.logformat import JsonFormatter  # noqa: E402
from editorial.observability import RequestContextFilter  # noqa: E402

MIDDLEWARE = "editorial.observability.RequestObservabilityMiddleware"


def per_request_microseconds(middleware: list[str], requests: int) -> float:
    with override_settings(MIDDLEWARE=middleware):
        client = Client()
        for _ in range(200):  # warm up
            client.get("/healthz")
        started = time.process_time()
        for _ in range(requests):
            client.get("/healthz")
        return (time.process_time() - started) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    setup_test_environment()
    handler = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("editorial")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    without = [name for name in settings.MIDDLEWARE if name != MIDDLEWARE]
    results: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(options.rounds):
        results["without"].append(per_request_microseconds(without, options.requests))
        results["with"].append(per_request_microseconds(settings.MIDDLEWARE, options.requests))
    medians = {name: statistics.median(values) for name, values in results.items()}
    for name, values in results.items():
        rounds = ", ".join(f"{value:.0f}" for value in values)
        print(f"{name:>8} middleware: median {medians[name]:7.1f} µs/request  (rounds: {rounds})")
    print(f"    cost: {medians['with'] - medians['without']:7.1f} µs/request")


if __name__ == "__main__":
    main()
