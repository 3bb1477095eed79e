"""The editors-in-chief's reports at full size: the page and each CSV file, timed.

    .venv/bin/python bench/reports.py [--articles 10000] [--transitions-per-article 10]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/reports.py

A throwaway database (bench/setup_db.py) gets ``--articles`` articles written in bulk,
each with a workflow history of ``--transitions-per-article`` audit rows on average
(1 to twice that less one), spread over the last 400 days (submit, review, changes requested, approval, revision...), two
review assignments each (open, overdue, done) among 25 reviewers, and a published
version for every approved one. Then the reports page (the default period, the last
90 days, and a whole year) and each CSV file are requested through Django's test
client as an editor-in-chief: median of 5, with the SQL queries of one request.
Prints JSON.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.setup_db import prepare  # noqa: E402

BATCH = 5000
# The workflow's usual path, repeated: (name, from, to).
PATH = [
    ("submit", "draft", "submitted"),
    ("start_review", "submitted", "under_review"),
    ("request_changes", "under_review", "draft"),
    ("submit", "draft", "submitted"),
    ("start_review", "submitted", "under_review"),
    ("approve", "under_review", "approved"),
    ("revise", "approved", "draft"),
]


def generate(*, articles: int, per_article: int, rng: random.Random) -> dict:
    from django.contrib.auth.models import Group, User
    from django.db import connection, transaction
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from articles.models import Article, ArticleTransition, ArticleVersion
    from articles.permissions import BOARD_REVIEWERS, EDITORS, EDITORS_IN_CHIEF
    from board.models import ReviewAssignment

    def user(username: str, group: str):
        made = User.objects.create(username=username, first_name="Bench", last_name=username)
        made.groups.add(Group.objects.get(name=group))
        return made

    now = timezone.now()
    editors = [user(f"bench-editor-{n}", EDITORS) for n in range(5)]
    reviewers = [user(f"bench-reviewer-{n}", BOARD_REVIEWERS) for n in range(25)]
    user("bench-chief", EDITORS_IN_CHIEF)

    started = time.perf_counter()
    with transaction.atomic():
        rows, histories = [], []
        for n in range(articles):
            # Between 1 and 2 * per_article - 1 steps (per_article on average), a few days
            # apart, starting where the whole history still ends before now.
            gaps = [
                datetime.timedelta(seconds=rng.expovariate(1 / (4 * 86400)))
                for _ in range(rng.randint(1, 2 * per_article - 1))
            ]
            latest_start = now - sum(gaps, datetime.timedelta()) - datetime.timedelta(hours=1)
            created = min(
                latest_start,
                now - datetime.timedelta(days=400, seconds=-rng.randint(0, 390 * 86400)),
            )
            at, steps = created, []
            for i, gap in enumerate(gaps):
                at += gap
                steps.append((PATH[i % len(PATH)], at))
            state = steps[-1][0][2] if steps else "draft"
            rows.append(
                Article(
                    title=f"Bench report question {n}?",
                    slug=f"bench-report-{n}",
                    created_by=rng.choice(editors),
                    created_at=created,
                    state=state,
                    last_updated=created.date(),
                )
            )
            histories.append(steps)
        made = Article.objects.bulk_create(rows, batch_size=BATCH)
        log = [
            ArticleTransition(
                article_id=article.pk,
                name=name,
                source=source,
                target=target,
                actor=None,
                revision=1,
                created_at=at,
            )
            for article, steps in zip(made, histories, strict=True)
            for (name, source, target), at in steps
        ]
        ArticleTransition.objects.bulk_create(log, batch_size=BATCH)
        versions = [
            ArticleVersion(
                article_id=article.pk,
                revision=1,
                content={},
                content_hash="0" * 64,
                last_updated=steps[-1][1].date(),
                approved_at=steps[-1][1],
                approved_by=reviewers[0],
            )
            for article, steps in zip(made, histories, strict=True)
            if article.state == "approved"
        ]
        ArticleVersion.objects.bulk_create(versions, batch_size=BATCH)
        Article.objects.filter(state="approved").update(
            published_version=Subquery(
                ArticleVersion.objects.filter(article=OuterRef("pk")).values("pk")[:1]
            )
        )
        assignments = []
        for article in made:
            first, second = rng.sample(reviewers, 2)
            assigned = article.created_at + datetime.timedelta(days=1)
            completed = assigned + datetime.timedelta(seconds=rng.expovariate(1 / (6 * 86400)))
            done = completed < now
            assignments.append(
                ReviewAssignment(
                    article_id=article.pk,
                    reviewer=first,
                    assigned_at=assigned,
                    due_on=(assigned + datetime.timedelta(days=14)).date(),
                    status="done" if done else "open",
                    completed_at=completed if done else None,
                )
            )
            if article.state in ("submitted", "under_review"):
                assignments.append(
                    ReviewAssignment(
                        article_id=article.pk,
                        reviewer=second,
                        assigned_at=assigned,
                        due_on=(assigned + datetime.timedelta(days=14)).date(),
                    )
                )
        ReviewAssignment.objects.bulk_create(assignments, batch_size=BATCH)
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "articles": Article.objects.count(),
        "transitions": ArticleTransition.objects.count(),
        "assignments": ReviewAssignment.objects.count(),
        "approved_versions": len(versions),
        "generate_seconds": round(generated, 2),
    }


def measure(client, url: str, runs: int = 5) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log keeps 9,000 queries: a full one would count none
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        "queries": len(captured),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--transitions-per-article", type=int, default=10)
    args = parser.parse_args()
    where = prepare("reports_bench")

    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from desk.reporting import CSV_REPORTS

    setup_test_environment()
    results: dict = {"database": connection.vendor, "where": where}
    results["data"] = generate(
        articles=args.articles,
        per_article=args.transitions_per_article,
        rng=random.Random(2026),
    )
    client = Client()
    client.force_login(User.objects.get(username="bench-chief"))
    today = timezone.localdate()
    year = f"?from={today - datetime.timedelta(days=364)}&to={today}"
    page = reverse("desk:reports")
    results["page_last_90_days"] = measure(client, page)
    results["page_last_year"] = measure(client, page + year)
    results["csv_last_year"] = {
        name: measure(client, reverse("desk:report_csv", args=[name]) + year)
        for name in CSV_REPORTS
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
