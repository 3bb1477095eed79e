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
the services and the rest are copied in bulk (bench/bulk_seed.py, 8 in 20 approved). Each
approved generated article (templates and copies) is then made a distinct one: three in
four words of its question, heading and claims are replaced by words drawn from a
synthetic vocabulary with Zipf frequencies (a common word is in many claims, a rare one in
few), as a working site's many subjects would be. Then every approved version is indexed
as an approval indexes it, and the answers tables are vacuumed as autovacuum would in time.
The seed and demo articles, which the question set asks about, are left as they are.

``--from-database NAME`` (PostgreSQL, with ``--bulk``) skips the seeding: the run's
database is a copy of NAME, a database a ``--bulk`` run seeded before (``<db>_answers``).
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


VOCABULARY = 20_000  # synthetic words a copy's claims are reworded with
ZIPF_EXPONENT = 1.0
REWORDED = 0.75  # the share of a copy's content words replaced


def vocabulary(size: int = VOCABULARY, *, seed: int = 7) -> list[str]:
    """Pronounceable made-up words, in rank order (the first is the most frequent)."""
    import random

    from answers.text import STOPWORDS

    rng = random.Random(seed)
    onsets, vowels = "bdfgklmnprstvz", "aiou"
    words: dict[str, None] = {}
    while len(words) < size:
        syllables = rng.choice((2, 2, 3, 3, 4))
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables))
        if word not in STOPWORDS:
            words[word + rng.choice("klmnrt")] = None
    return list(words)


def copies_reword(*, after: int, seed: int = 11) -> int:
    """Reword the question, heading and claims of the published versions of the articles with
    ids above ``after`` (the generated templates and their bulk copies); returns how many.

    Each content word of a claim (three letters or more, not a stop word) is replaced
    with probability ``REWORDED`` by a vocabulary word drawn with Zipf frequencies.
    """
    import itertools
    import random
    import re

    from django.db.models import F

    from answers.text import STOPWORDS
    from articles.models import ArticleVersion

    words = vocabulary()
    weights = list(
        itertools.accumulate(1 / rank**ZIPF_EXPONENT for rank in range(1, len(words) + 1))
    )
    rng = random.Random(seed)
    word = re.compile(r"[A-Za-z]{3,}")

    def reword(match: re.Match) -> str:
        found = match.group(0)
        if found.lower() in STOPWORDS or rng.random() >= REWORDED:
            return found
        return rng.choices(words, cum_weights=weights)[0]

    versions = ArticleVersion.objects.filter(
        article_id__gt=after, article__published_version=F("pk")
    ).only("pk", "content")
    changed, batch = 0, []
    for version in versions.iterator(chunk_size=200):
        # The question and heading too: copies asking the template's question would all be
        # one subject, and its words would be in the context of every claim.
        for key in ("title", "display_heading"):
            version.content[key] = word.sub(reword, version.content.get(key, ""))
        for claim in version.content.get("claims", []):
            claim["text"] = word.sub(reword, claim["text"])
            if claim.get("plain_text"):
                claim["plain_text"] = word.sub(reword, claim["plain_text"])
        batch.append(version)
        if len(batch) == 200:
            changed += ArticleVersion.objects.bulk_update(batch, ["content"])
            batch = []
    return changed + (ArticleVersion.objects.bulk_update(batch, ["content"]) if batch else 0)


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
    parser.add_argument(
        "--from-database",
        help="with --bulk: copy this database, seeded by a --bulk run before, instead of seeding",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="list the questions missed")
    args = parser.parse_args()
    if args.from_database and not args.bulk:
        parser.error("--from-database needs --bulk")
    where = prepare("answers", copy_of=args.from_database)

    from django.core.management import call_command
    from django.test.utils import captured_stdout

    from answers.evaluation import evaluate, questions_load
    from answers.models import ClaimEntry, IndexWord
    from bench.data import bench_reviewer, load_articles

    questions = questions_load()
    rows = []
    if not args.from_database:
        with captured_stdout():
            seed_pages_approve(reviewer=bench_reviewer())
            call_command("seed_demo")
        rows.append(
            ("seed + demo", evaluate(questions, repeat=args.repeat), ClaimEntry.objects.count())
        )
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
    if args.bulk and not args.from_database:
        from django.db import connection

        from answers.services import claim_index_rebuild
        from articles.models import Article
        from bench.bulk_seed import seed

        seeded_before = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        started = time.perf_counter()
        seeded = seed(articles=args.bulk)
        copied = time.perf_counter()
        reworded = copies_reword(after=seeded_before)
        reworded_at = time.perf_counter()
        entries = claim_index_rebuild(batch=500)
        if connection.vendor == "postgresql":
            # What autovacuum does in time after a load this size: the rewritten rows'
            # dead versions cleared, the GIN pending lists merged, statistics refreshed.
            with connection.cursor() as cursor:
                for model in (ClaimEntry, IndexWord):
                    cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
        print(
            f"copied {seeded['copied']} articles in {copied - started:.0f} s, reworded "
            f"{reworded} approved versions in {reworded_at - copied:.0f} s, indexed {entries} "
            f"claim entries in {time.perf_counter() - reworded_at:.0f} s"
        )
    if args.bulk:
        rows.append(
            (
                f"+ {args.bulk} copied",
                evaluate(questions, repeat=args.repeat),
                ClaimEntry.objects.count(),
            )
        )
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
