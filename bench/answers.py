"""Answers from reviewed claims: quality over the question set, and time per answer.

    .venv/bin/python bench/answers.py [--articles 0] [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/answers.py --articles 10000

On a fresh database: ``manage.py seed_demo`` with the two seed pages approved as an
editor would finish them (their citations folded onto the listed references), then
every question of ``answers/questions/questions.json``. Prints precision@3, recall@3,
the share of unanswerable questions declined and the time per answer. With
``--articles N``, N generated seed-sized articles (a quarter approved, as in
bench/run.py) are added and the questions are timed again at that size; the quality
table is taken before, since the generated articles repeat the seed pages' claims.
``--bulk N`` reaches N articles in minutes instead: a few generated articles go through
the services and the rest are copied in bulk (bench/bulk_seed.py, 8 in 20 approved), then
every approved version is indexed as an approval indexes it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.setup_db import prepare  # noqa: E402


def seed_pages_approve(*, reviewer) -> list:
    """Import the seed pages, finished as an editor would, and approve them."""
    from answers.evaluation import ROOT_SEEDS
    from articles import services
    from articles.imports import article_import, importer_user
    from articles.interchange import parse_bytes
    from bench.data import resolved
    from tests.factories import declare_no_conflict, verify_all_claims

    approved = []
    for path in sorted(ROOT_SEEDS.glob("*.txt")):
        content = resolved(parse_bytes(path.read_bytes(), filename=path.name))
        article = article_import(content=content, by=importer_user(), source_name=path.name).article
        declare_no_conflict(article, reviewer)
        article = services.article_start_review(article=article, by=reviewer)
        verify_all_claims(article, reviewer)
        approved.append(services.article_approve(article=article, by=reviewer))
    return approved


def _row(label: str, scores) -> str:
    return (
        f"| {label} | {scores.questions} ({scores.unanswerable} unanswerable) "
        f"| {scores.precision_at_3:.3f} | {scores.recall_at_3:.3f} | {scores.answered_share:.3f} "
        f"| {scores.declined_share:.3f} | {scores.p50_ms:.1f} | {scores.p95_ms:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=0)
    parser.add_argument("--bulk", type=int, default=0, help="articles copied in bulk")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="list the questions missed")
    args = parser.parse_args()
    where = prepare("answers")

    from django.core.management import call_command
    from django.test.utils import captured_stdout

    from answers.evaluation import evaluate, questions_load
    from answers.models import ClaimEntry
    from bench.data import bench_reviewer, load_articles

    with captured_stdout():
        seed_pages_approve(reviewer=bench_reviewer())
        call_command("seed_demo")
    questions = questions_load()
    rows = [("seed + demo", evaluate(questions, repeat=args.repeat), ClaimEntry.objects.count())]
    if args.articles:
        started = time.perf_counter()
        load_articles(start=0, stop=args.articles, approve_every=4)
        print(f"loaded {args.articles} articles in {time.perf_counter() - started:.0f} s")
        rows.append(
            (
                f"+ {args.articles} generated",
                evaluate(questions, repeat=args.repeat),
                ClaimEntry.objects.count(),
            )
        )
    if args.bulk:
        from answers.services import claim_index_rebuild
        from bench.bulk_seed import seed

        started = time.perf_counter()
        seeded = seed(articles=args.bulk)
        entries = claim_index_rebuild()
        print(
            f"copied {seeded['copied']} articles in {seeded['copy_seconds']} s and indexed "
            f"{entries} claim entries; {time.perf_counter() - started:.0f} s in all"
        )
        rows.append((f"+ {args.bulk} copied", evaluate(questions, repeat=args.repeat), entries))
    print(f"Answers on {where}")
    print(
        "| database | questions | precision@3 | recall@3 | answered | declined | p50 ms | p95 ms |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, scores, entries in rows:
        print(_row(f"{label}, {entries} indexed claim entries", scores))
    if args.verbose:
        for label, scores, _ in rows:
            print(json.dumps({label: scores.misses}, indent=1))


if __name__ == "__main__":
    main()
