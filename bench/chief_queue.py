"""The editor-in-chief's dashboard at size: its five lists and the header counts, timed.

    .venv/bin/python bench/chief_queue.py [--articles 10000] [--requests 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/chief_queue.py

A throwaway database (bench/setup_db.py) gets ``--articles`` articles written in bulk
(bench data, not a workflow story), spread over the states: drafts (a third of them
sent back, their reviewers' assignments waiting for the resubmission), submitted and
under review (most with one or two open assignments due from 20 days ago to 20 days
ahead, some with none), approved (approved from today to two years ago, with a done
assignment each; a quarter with a topic that sets its own re-review period) and
retracted. Then the dashboard is requested ``--requests`` times through Django's test
client as an editor-in-chief, and so are the page of one list (overdue, 200 rows) and
the list of all articles (the header's counts alone). Prints JSON: the queries of one
request and their time, the median and 95th percentile in milliseconds, and the median
CPU time of this process (the same request when nothing else wants the CPUs).
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
# The share of articles in each state.
STATES = [
    ("draft", 0.20),
    ("submitted", 0.20),
    ("under_review", 0.20),
    ("approved", 0.35),
    ("archived", 0.05),
]


def generate(*, articles: int, rng: random.Random) -> dict:
    from django.contrib.auth.models import Group, User
    from django.db import connection, transaction
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from articles.models import Article, ArticleVersion
    from articles.permissions import BOARD_REVIEWERS, EDITORS, EDITORS_IN_CHIEF
    from board.models import ReviewAssignment, Specialty

    def user(username: str, group: str):
        made = User.objects.create(username=username, first_name="Bench", last_name=username)
        made.groups.add(Group.objects.get(name=group))
        return made

    now = timezone.now()
    today = timezone.localdate()
    editors = [user(f"bench-editor-{n}", EDITORS) for n in range(5)]
    reviewers = [user(f"bench-reviewer-{n}", BOARD_REVIEWERS) for n in range(40)]
    chief = user("bench-chief", EDITORS_IN_CHIEF)
    topics = Specialty.objects.bulk_create(
        Specialty(name=f"Topic {n}", slug=f"topic-{n}", rereview_after_days=90 + 30 * n)
        for n in range(4)
    )
    started = time.perf_counter()
    with transaction.atomic():
        rows = []
        for n in range(articles):
            state = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
            created = now - datetime.timedelta(days=rng.uniform(1, 800))
            sent_back = state == "draft" and rng.random() < 1 / 3
            queued = created + datetime.timedelta(days=rng.uniform(0, 1))
            rows.append(
                Article(
                    title=f"Bench chief question {n}?",
                    slug=f"bench-chief-{n}",
                    created_by=rng.choice(editors),
                    created_at=created,
                    state=state,
                    last_updated=created.date(),
                    queued_at=queued if state != "draft" or sent_back else None,
                    review_round=2 if sent_back else 1,
                    last_transition="request_changes" if sent_back else "",
                    last_transition_at=queued + datetime.timedelta(days=2) if sent_back else None,
                    assigned_reviewer=rng.choice(reviewers)
                    if state == "under_review" or sent_back
                    else None,
                )
            )
        made = Article.objects.bulk_create(rows, batch_size=BATCH)
        for article in made:
            if article.last_transition == "request_changes":
                article.changes_requested_by = article.assigned_reviewer
        Article.objects.bulk_update(
            [a for a in made if a.changes_requested_by_id], ["changes_requested_by"]
        )
        approved = [a for a in made if a.state == "approved"]
        ArticleVersion.objects.bulk_create(
            (
                ArticleVersion(
                    article_id=article.pk,
                    revision=1,
                    content={},
                    content_hash="0" * 64,
                    last_updated=article.created_at.date(),
                    approved_at=now - datetime.timedelta(days=rng.uniform(0, 730)),
                    approved_by=reviewers[0],
                )
                for article in approved
            ),
            batch_size=BATCH,
        )
        Article.objects.filter(state="approved").update(
            published_version=Subquery(
                ArticleVersion.objects.filter(article=OuterRef("pk")).values("pk")[:1]
            )
        )
        Through = Article.topics.through
        Through.objects.bulk_create(
            (
                Through(article_id=article.pk, specialty=rng.choice(topics))
                for article in approved
                if rng.random() < 0.25
            ),
            batch_size=BATCH,
        )
        assignments = []
        for article in made:
            assigned_at = article.created_at + datetime.timedelta(days=1)
            due = today + datetime.timedelta(days=rng.randint(-20, 20))
            if article.state in ("submitted", "under_review") and rng.random() < 0.8:
                for reviewer in rng.sample(reviewers, rng.choice([1, 1, 2])):
                    assignments.append(
                        ReviewAssignment(
                            article_id=article.pk,
                            reviewer=reviewer,
                            assigned_by=chief,
                            assigned_at=assigned_at,
                            due_on=due,
                        )
                    )
            elif article.last_transition == "request_changes":
                for status in ("done", "returned"):
                    assignments.append(
                        ReviewAssignment(
                            article_id=article.pk,
                            reviewer_id=article.changes_requested_by_id,
                            assigned_by=chief,
                            assigned_at=assigned_at,
                            due_on=due,
                            status=status,
                            completed_at=now if status == "done" else None,
                            review_round=1 if status == "done" else 2,
                        )
                    )
            elif article.state in ("approved", "archived"):
                assignments.append(
                    ReviewAssignment(
                        article_id=article.pk,
                        reviewer=rng.choice(reviewers),
                        assigned_by=chief,
                        assigned_at=assigned_at,
                        due_on=due,
                        status="done" if article.state == "approved" else "cancelled",
                        completed_at=now,
                    )
                )
        ReviewAssignment.objects.bulk_create(assignments, batch_size=BATCH)
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    by_state = {s: Article.objects.filter(state=s).count() for s, _ in STATES}
    return {
        "articles": Article.objects.count(),
        "by_state": by_state,
        "assignments": ReviewAssignment.objects.count(),
        "open_assignments": ReviewAssignment.objects.filter(status="open").count(),
        "generate_seconds": round(generated, 2),
    }


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    return {
        "queries": len(captured),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, round(0.95 * len(times)) - 1)], 1),
        # This process's own time (SQLite runs in it): what the request costs when other
        # processes share the CPUs.
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "sql_ms": round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    where = prepare("chief_queue_bench")

    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from desk.chief_queue import chief_queue_get

    setup_test_environment()
    results: dict = {"database": connection.vendor, "where": where}
    results["data"] = generate(articles=args.articles, rng=random.Random(2026))
    queue = chief_queue_get()
    results["lists"] = {anchor: count for anchor, _label, count in queue.counts}
    client = Client()
    client.force_login(User.objects.get(username="bench-chief"))
    results["dashboard"] = measure(client, reverse("desk:dashboard"), args.requests)
    # One list on its own page (up to 200 rows), and another desk page, where the header
    # counts the queue on its own (2 queries).
    results["overdue_page"] = measure(
        client, reverse("desk:queue", args=["overdue"]), args.requests
    )
    results["article_list_page"] = measure(client, reverse("desk:articles"), args.requests)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
