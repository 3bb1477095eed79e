"""Running the board at size: suggestions, the assigned list and the daily reminders; prints JSON.

    /work/main/.venv/bin/python bench/board.py [--reviewers 300] [--articles 3000] [--assignments 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/board.py

Rows are written in bulk (bench data, not a workflow story): reviewers with board
profiles, two specialties each and one credential; submitted articles with a topic;
open assignments spread over reviewers and articles, half of them overdue. Each
read is timed (best of 5) with its query count; the reminders command is run twice
(the second run finds nothing new to send today).
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.setup_db import prepare  # noqa: E402


def build(reviewers: int, articles: int, assignments: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from articles.models import Article
    from articles.permissions import BOARD_REVIEWERS, EDITORS, EDITORS_IN_CHIEF
    from board.models import BoardMember, Credential, ReviewAssignment, Specialty

    rng = random.Random(7)
    User = get_user_model()
    today = timezone.localdate()
    specialties = Specialty.objects.bulk_create(
        Specialty(name=f"Specialty {n}", slug=f"specialty-{n}", rereview_after_days=90 + n)
        for n in range(20)
    )
    editor = User.objects.create(username="editor", email="editor@example.org")
    editor.groups.add(Group.objects.get(name=EDITORS))
    chief = User.objects.create(username="chief", email="chief@example.org")
    chief.groups.add(Group.objects.get(name=EDITORS_IN_CHIEF))
    users = User.objects.bulk_create(
        User(username=f"reviewer{n}", email=f"reviewer{n}@example.org", last_name=f"R{n}")
        for n in range(reviewers)
    )
    Group.objects.get(name=BOARD_REVIEWERS).user_set.add(*users)
    members = BoardMember.objects.bulk_create(
        BoardMember(user=u, name=f"Dr. {u.username}", credentials="MD") for u in users
    )
    Through = BoardMember.specialties.through
    Through.objects.bulk_create(
        Through(boardmember=m, specialty=s) for m in members for s in rng.sample(specialties, 2)
    )
    Credential.objects.bulk_create(
        Credential(
            member=m,
            name="Licence",
            issued_by="Council",
            expires_on=today + datetime.timedelta(days=rng.randint(-30, 400)),
        )
        for m in members
    )
    now = timezone.now()
    rows = Article.objects.bulk_create(
        Article(
            title=f"Question {n}?",
            slug=f"question-{n}",
            created_by=editor,
            state="submitted",
            queued_at=now,
        )
        for n in range(articles)
    )
    Article.topics.through.objects.bulk_create(
        Article.topics.through(article=a, specialty=rng.choice(specialties)) for a in rows
    )
    pairs = set()
    while len(pairs) < assignments:
        pairs.add((rng.choice(rows).pk, rng.choice(users).pk))
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(
            article_id=a,
            reviewer_id=r,
            assigned_by=chief,
            due_on=today + datetime.timedelta(days=rng.randint(-20, 20)),
        )
        for a, r in pairs
    )
    return {"article": rows[0], "reviewer": users[0]}


def timed(fn, repeat: int = 5) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best = None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return {"ms": round(best * 1000, 1), "queries": len(queries)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviewers", type=int, default=300)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--assignments", type=int, default=10000)
    args = parser.parse_args()
    where = prepare("board")
    made = build(args.reviewers, args.articles, args.assignments)

    from board.reminders import board_reminders_send
    from board.selectors import reviewer_suggestions
    from desk.selectors import article_list_assigned_to, article_list_due_for_rereview

    article, reviewer = made["article"], made["reviewer"]
    result = {
        "database": where,
        "sizes": vars(args),
        "suggestions": timed(lambda: list(reviewer_suggestions(article=article))),
        "assigned_first_25_and_count": timed(
            lambda: (
                list(article_list_assigned_to(reviewer)[:25]),
                article_list_assigned_to(reviewer).count(),
            )
        ),
        "due_for_rereview_count": timed(lambda: article_list_due_for_rereview().count()),
    }
    start = time.perf_counter()
    first = board_reminders_send()
    result["reminders_first_run"] = {
        "s": round(time.perf_counter() - start, 2),
        "mails": vars(first),
    }
    start = time.perf_counter()
    second = board_reminders_send()
    result["reminders_second_run"] = {
        "s": round(time.perf_counter() - start, 2),
        "mails": vars(second),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
