"""Benchmark data: generated seed-sized articles imported, a share of them approved.

Everything goes through the services, as in production: ``article_import``
puts each article in the review queue, and a board reviewer starts the review,
verifies every claim and approves the share that readers should see.
"""

from __future__ import annotations

import time

from bench.import_articles import generated_pages

BENCH_REVIEWER = "bench-reviewer"
BENCH_PASSWORD = "bench-password-not-secret"  # a throwaway database on loopback only


def bench_reviewer():
    """A board reviewer (not the importer, so conflict of interest never applies)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles.permissions import BOARD_REVIEWERS
    from board.models import BoardMember

    user, created = get_user_model().objects.get_or_create(
        username=BENCH_REVIEWER, defaults={"first_name": "Bench", "last_name": "Reviewer"}
    )
    if created:
        user.set_password(BENCH_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=BOARD_REVIEWERS))
        BoardMember.objects.get_or_create(
            user=user,
            defaults={"name": "Dr. Bench Reviewer", "credentials": "MD", "specialty": "Neurology"},
        )
    return user


def resolved(content):
    """The content as an editor would finish it: every citation points at a listed reference.

    The seed pages cite numbers beyond their reference list (the rest of the list
    is not on the page); those fold onto the listed references, and uncited fact
    claims are marked as needing none, so the article can pass review.
    """
    import dataclasses

    count = len(content.references)
    claims = []
    for claim in content.claims:
        numbers = (
            tuple(dict.fromkeys((n - 1) % count + 1 for n in claim.citations)) if count else ()
        )
        claims.append(
            dataclasses.replace(
                claim,
                citations=numbers,
                needs_no_citation=claim.states_fact and not numbers,
            )
        )
    return dataclasses.replace(content, claims=tuple(claims))


def load_articles(*, start: int, stop: int, approve_every: int) -> dict:
    """Import articles ``start``..``stop-1``; approve every ``approve_every``-th one.

    Returns the import rate, the approval rate and the slugs of approved articles.
    """
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from articles import services
    from articles.imports import article_import, importer_user
    from articles.interchange import parse_text
    from tests.factories import declare_no_conflict, verify_all_claims

    by, reviewer = importer_user(), bench_reviewer()
    pages = list(generated_pages(stop))[start:]
    imported, queries = [], []
    started = time.perf_counter()
    for n, text in enumerate(pages, start=start):
        content = parse_text(text)
        if n % approve_every == 0:
            content = resolved(content)
        with CaptureQueriesContext(connection) as captured:
            result = article_import(content=content, by=by, source_name=f"generated-{n}.txt")
        queries.append(len(captured))
        reset_queries()
        imported.append((n, result.article))
    import_seconds = time.perf_counter() - started

    started, approved = time.perf_counter(), []
    for n, article in imported:
        if n % approve_every:
            continue
        declare_no_conflict(article, reviewer)
        article = services.article_start_review(article=article, by=reviewer)
        verify_all_claims(article, reviewer)
        article = services.article_approve(article=article, by=reviewer)
        approved.append(article.slug)
        reset_queries()
    approve_seconds = time.perf_counter() - started
    return {
        "imported": len(imported),
        "import_seconds": round(import_seconds, 2),
        "import_per_second": round(len(imported) / import_seconds, 1) if imported else 0,
        "import_queries_per_article": {
            "min": min(queries, default=0),
            "max": max(queries, default=0),
        },
        "approved": len(approved),
        "approve_seconds": round(approve_seconds, 2),
        "approved_slugs": approved,
    }
