"""A small HTTP/1.1 load generator, used when wrk is not installed (and for fixed URL lists).

    python bench/loadgen.py --base http://127.0.0.1:8000 --path /healthz --duration 10 --concurrency 4
    python bench/loadgen.py --base ... --paths-file urls.txt   # each path exactly once

Runs in its own process so the client does not share an interpreter with the
server. Each of ``concurrency`` asyncio workers sends one request at a time over
a plain socket, reusing the connection when the server keeps it open (gunicorn's
sync workers close it after every response, as wrk also sees). Prints JSON:
requests, requests per second, p50/p99 latency in ms, and status counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections import Counter
from urllib.parse import urlsplit


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Worker:
    def __init__(self, host: str, port: int, headers: dict[str, str]):
        self.host, self.port = host, port
        self.extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader = self.writer = None

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def get(self, path: str) -> int:
        if self.writer is None:
            await self._connect()
        request = f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.extra}\r\n"
        self.writer.write(request.encode())
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif status not in (204, 304):
            await self.reader.read()  # body ends when the server closes
        if headers.get("connection", "").lower() == "close" or "content-length" not in headers:
            self.writer.close()
            self.reader = self.writer = None
        return status


async def run(
    *,
    base: str,
    paths: list[str],
    duration: float,
    concurrency: int,
    headers: dict[str, str],
    each_once: bool,
) -> dict:
    url = urlsplit(base)
    latencies: list[float] = []
    statuses: Counter = Counter()
    queue = list(reversed(paths)) if each_once else None
    deadline = time.perf_counter() + duration

    async def work(index: int) -> None:
        worker = Worker(url.hostname, url.port, headers)
        n = index
        while True:
            if each_once:
                if not queue:
                    return
                path = queue.pop()
            else:
                if time.perf_counter() >= deadline:
                    return
                path = paths[n % len(paths)]
                n += concurrency
            started = time.perf_counter()
            try:
                status = await worker.get(path)
            except (ConnectionError, asyncio.IncompleteReadError):
                worker.reader = worker.writer = None
                status = 0
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1

    started = time.perf_counter()
    await asyncio.gather(*(work(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    ms = [1000 * x for x in latencies]
    return {
        "tool": "python",
        "requests": len(ms),
        "seconds": round(elapsed, 2),
        "rps": round(len(ms) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(ms, 0.50), 2),
        "p99_ms": round(percentile(ms, 0.99), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else 0.0,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--path", action="append", default=[])
    parser.add_argument("--paths-file")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    args = parser.parse_args()
    paths = list(args.path)
    if args.paths_file:
        with open(args.paths_file) as fh:
            paths += [line.strip() for line in fh if line.strip()]
    headers = dict(h.split(": ", 1) for h in args.header)
    result = asyncio.run(
        run(
            base=args.base,
            paths=paths,
            duration=args.duration,
            concurrency=args.concurrency,
            headers=headers,
            each_once=bool(args.paths_file),
        )
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
