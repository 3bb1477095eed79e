"""Import N generated seed-sized articles and print seconds and SQL queries per article.

    .venv/bin/python bench/import_articles.py [--articles 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/import_articles.py

Each article is a seed page with its own question and varied claims and
references, parsed from page text and imported through the import service,
as `import_article` does.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.setup_db import ROOT, prepare  # noqa: E402


def generated_pages(count: int, seed: int = 7):
    """Seed-sized pages: the real seeds' bodies, retitled, with shuffled wording and references."""
    rng = random.Random(seed)
    seeds = [p.read_text() for p in sorted((ROOT / "data" / "seeds").glob("*.txt"))]
    for n in range(count):
        text = seeds[n % len(seeds)]
        first, rest = text.split("\n", 1)
        # Vary some references so the library grows as it would in real use.
        rest = rest.replace(
            "Praxis Medical Insights", f"Praxis Medical Insights vol. {rng.randint(1, 40)}", 1
        )
        # Vary the length: drop some top-level bullet items (not those with
        # nested items, which need their parent).
        lines = rest.split("\n")
        bullets = [
            i
            for i, line in enumerate(lines)
            if line.startswith("  \u2022") and not lines[i + 1].startswith("    ")
        ]
        dropped = set(rng.sample(bullets, rng.randint(0, len(bullets) // 2)))
        rest = "\n".join(line for i, line in enumerate(lines) if i not in dropped)
        yield f"Question {n}: {first}\n{rest}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    where = prepare("import_bench")

    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from articles.imports import article_import, importer_user
    from articles.interchange import parse_text
    from articles.management.commands.seed_demo import Command as SeedDemo

    SeedDemo(stdout=io.StringIO()).handle()  # the benchmark prints JSON alone
    by = importer_user()
    queries, claims = [], []
    started = time.perf_counter()
    for n, page in enumerate(generated_pages(args.articles)):
        content = parse_text(page)
        with CaptureQueriesContext(connection) as captured:
            article_import(content=content, by=by, source_name=f"generated-{n}.txt")
        queries.append(len(captured))
        claims.append(len(content.claims))
        reset_queries()
    elapsed = time.perf_counter() - started
    result = {
        "database": connection.vendor,
        "where": where,
        "articles": args.articles,
        "seconds": round(elapsed, 2),
        "articles_per_second": round(args.articles / elapsed, 1),
        "ms_per_article": round(1000 * elapsed / args.articles, 2),
        "queries_per_article": {
            "min": min(queries),
            "median": statistics.median(queries),
            "max": max(queries),
        },
        "queries_by_claim_count": {
            str(c): sorted({q for q, cc in zip(queries, claims, strict=True) if cc == c})
            for c in sorted(set(claims))
        },
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
