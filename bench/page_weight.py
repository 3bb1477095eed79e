"""The HTML bytes of the seed articles' public pages, as the demo loads them and once approved.

    .venv/bin/python bench/page_weight.py [--without-levels]

A throwaway SQLite database gets the demo data (``seed_demo``): the two seed pages are
pending review. Each is measured as readers get it then, for both audiences; then a
site admin takes it back to draft and makes it approvable as the board would ask (a
stand-in reference behind each unresolved number, "needs no reference" on each uncited
fact), gives every fact-stating claim that cites a reference an evidence level (GRADE,
cycling through the four, when the code knows them), submits it, and a board reviewer
verifies every claim and approves it; the approved page is measured again.
Prints JSON: bytes per page and audience, as sent and gzipped.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.setup_db import prepare  # noqa: E402

LEVELS = ("high", "moderate", "low", "very_low")


def approvable(content, *, levels: bool = True):
    """Every number resolved, every uncited fact marked "needs no reference", and every
    claim that cites a reference given a level, when the content carries levels."""
    from articles.content import ClaimData, ReferenceData, ReferenceKind

    has_levels = levels and "evidence" in {f.name for f in dataclasses.fields(ClaimData)}
    references = list(content.references)
    for number in content.unresolved_numbers():
        references.append(
            ReferenceData(ReferenceKind.OTHER, f"Stand-in reference {number}", "Demo", 2024)
        )
    claims, n = [], 0
    for claim in content.claims:
        if claim.states_fact and not claim.citations:
            claim = dataclasses.replace(claim, needs_no_citation=True)
        elif claim.states_fact and has_levels:
            claim = dataclasses.replace(claim, evidence=LEVELS[n % len(LEVELS)])
            n += 1
        claims.append(claim)
    return dataclasses.replace(content, claims=tuple(claims), references=tuple(references))


def page_bytes(client, article) -> dict[str, int]:
    """Bytes per audience, as sent and gzipped (as a CDN or proxy sends HTML on)."""
    from django.core.cache import cache

    sizes = {}
    for audience in ("professional", "patient"):
        cache.clear()
        response = client.get(article.get_absolute_url(), {"audience": audience})
        assert response.status_code == 200, response.status_code
        sizes[audience] = len(response.content)
        sizes[f"{audience}_gzip"] = len(gzip.compress(response.content, mtime=0))
    return sizes


def approve(article, *, admin, reviewer, levels: bool = True) -> None:
    from articles import services
    from articles.selectors import article_get_content
    from board.services import conflict_declare
    from public.rendered import rendered_body_prepare

    services.article_withdraw(article=article, by=admin, comment="Evidence levels")
    services.article_replace_content(
        article=article,
        by=admin,
        expected_version=article.content_version,
        content=approvable(article_get_content(article=article), levels=levels),
    )
    services.article_submit(article=article, by=admin)
    conflict_declare(article=article, by=reviewer, has_conflict=False)
    services.article_start_review(article=article, by=reviewer)
    for claim in article.claims.all():
        services.claim_review(claim=claim, by=reviewer, verdict="verified")
    services.article_approve(article=article, by=reviewer)
    rendered_body_prepare(version_id=article.published_version_id)


def main() -> None:
    levels = "--without-levels" not in sys.argv[1:]
    prepare("weight")
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from articles.models import Article

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = get_user_model().objects
    admin, reviewer = users.get(username="admin"), users.get(username="reviewer")
    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for article in Article.objects.filter(slug__contains="baclofen").order_by("slug"):
        pending = page_bytes(client, article)
        approve(article, admin=admin, reviewer=reviewer, levels=levels)
        article.refresh_from_db()
        results[article.slug] = {"pending": pending, "approved": page_bytes(client, article)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
