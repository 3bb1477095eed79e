"""The largest article the limits allow: import, re-import, review and every desk page, timed.

    .venv/bin/python bench/largest_article.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/largest_article.py

The article has every limit at its maximum (articles/limits.py): 250 claims of
2,000 characters, 150 references and 10 citations on every claim. It is
imported through the import service, reviewed and approved through the review
services, revised with every claim reworded (the worst case of the desk's word
diff), and each desk page is requested through Django's test client (median of
3); then the structured editor's single-claim writes and an unchanged body saved
as text. Last, claim matching of 3,000 identical claims. Prints JSON.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.setup_db import prepare  # noqa: E402

WORDS = (
    "baclofen relieves spasticity in adults with multiple sclerosis or spinal cord injury the "
    "usual starting dose is five milligrams three times a day increased slowly drowsiness "
    "dizziness and weakness are common and stopping suddenly can cause withdrawal seizures"
).split()


def claim_text(rng: random.Random, length: int) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < length:
        words.append(rng.choice(WORDS))
    return " ".join(words)[: length - 1].rstrip() + "."


def largest_content(rng: random.Random):
    from articles import limits
    from articles.content import ArticleContent, ClaimData, ClaimKind, ReferenceData, ReferenceKind

    references = tuple(
        ReferenceData(
            kind=ReferenceKind.RESEARCH,
            title=f"Study {n} of baclofen in spasticity",
            source=f"Journal of Neurology vol. {n}",
            year=2000 + n % 25,
        )
        for n in range(1, limits.MAX_REFERENCES + 1)
    )
    claims = tuple(
        ClaimData(
            kind=ClaimKind.PARAGRAPH,
            text=claim_text(rng, limits.MAX_CLAIM_CHARS),
            citations=tuple(
                sorted(
                    rng.sample(range(1, limits.MAX_REFERENCES + 1), limits.MAX_CITATIONS_PER_CLAIM)
                )
            ),
        )
        for _ in range(limits.MAX_CLAIMS)
    )
    return ArticleContent(
        title="What is the largest article?", claims=claims, references=references
    )


def timed(action):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
    return result, {"seconds": round(elapsed, 3), "queries": len(captured)}


def main() -> None:
    where = prepare("largest_bench")
    from django.contrib.auth.models import User
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from articles import services
    from articles.imports import article_import, importer_user
    from articles.interchange import parse_json, render_json
    from articles.management.commands.seed_demo import Command as SeedDemo
    from articles.matching import carry_uids
    from articles.selectors import article_get_content
    from tests.factories import declare_no_conflict

    setup_test_environment()
    with contextlib.redirect_stdout(sys.stderr):
        SeedDemo(stdout=io.StringIO()).handle()  # the benchmark prints JSON alone
    rng = random.Random(11)
    content = largest_content(rng)
    document = render_json(content)
    results: dict = {"database": "", "where": where, "document_bytes": len(document.encode())}

    parsed, results["parse_json"] = timed(lambda: parse_json(document))
    imported, results["import"] = timed(
        lambda: article_import(content=parsed, by=importer_user(), source_name="largest.json")
    )
    article = imported.article
    reviewer = User.objects.get(username="reviewer")
    editor = User.objects.get(username="editor")
    declare_no_conflict(article, reviewer)  # the board asks before any review step
    services.article_start_review(article=article, by=reviewer)
    for claim in article.claims.all():
        services.claim_review(claim=claim, by=reviewer, verdict="verified")
    _, results["approve"] = timed(lambda: services.article_approve(article=article, by=reviewer))
    article.refresh_from_db()
    services.article_revise(article=article, by=editor)
    article.refresh_from_db()
    current = article_get_content(article=article)
    reworded = dataclasses.replace(
        current,
        claims=tuple(
            dataclasses.replace(c, text=claim_text(rng, len(c.text))) for c in current.claims
        ),
    )
    _, results["replace_content_every_claim_reworded"] = timed(
        lambda: services.article_replace_content(
            article=article, by=editor, expected_version=article.content_version, content=reworded
        )
    )

    client = Client()
    client.force_login(User.objects.get(username="admin"))  # may open every desk page
    pages = {}
    names = ("article", "diff", "version", "review", "preview", "timeline", "references")
    for name in (*names, "editor", "edit"):
        url = reverse(f"desk:{name}", kwargs={"pk": article.pk})
        if name == "version":  # the content as it stood at a time: now, after the rewording
            url += "?" + urlencode({"at": timezone.now().isoformat()})
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            response = client.get(url)
            runs.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        pages[name] = round(statistics.median(runs), 3)
    results["desk_pages_seconds_median_of_3"] = pages

    # The structured editor's writes on the largest draft: one claim reworded, one deleted, one
    # added, and the whole body saved back as text unchanged (a no-op).
    from desk.body import render_body
    from desk.services import body as body_services
    from desk.services import claims as claim_services

    def one_claim(action):
        article.refresh_from_db()
        first = article_get_content(article=article).claims[0]
        return timed(lambda: action(first, article.content_version))[1]

    results["editor_claim_edit"] = one_claim(
        lambda claim, version: claim_services.claim_edit(
            article=article,
            by=editor,
            expected_version=version,
            uid=claim.uid,
            text=claim.text[:-1] + "!",
            plain_text="",
            citations=claim.citations,
        )
    )
    # At the claim limit, so one goes before one is added.
    results["editor_claim_delete"] = one_claim(
        lambda claim, version: claim_services.claim_delete(
            article=article, by=editor, expected_version=version, uid=claim.uid
        )
    )
    results["editor_claim_insert"] = one_claim(
        lambda claim, version: claim_services.claim_insert(
            article=article,
            by=editor,
            expected_version=version,
            after=claim.uid,
            text="A new claim.",
            needs_no_citation=True,
        )
    )
    article.refresh_from_db()
    shown = render_body(article_get_content(article=article), "markdown")
    _, results["save_body_as_text_unchanged"] = timed(
        lambda: body_services.article_save_body(
            article=article, by=editor, expected_version=article.content_version, text=shown
        )
    )

    from articles.content import ClaimData, ClaimKind

    same = tuple(
        ClaimData(
            ClaimKind.PARAGRAPH, "Take it with food.", uid=f"{n:08d}-0000-0000-0000-000000000000"
        )
        for n in range(3000)
    )
    edited = same[:1500] + (ClaimData(ClaimKind.PARAGRAPH, "New."),) + same[1500:]
    started = time.perf_counter()
    carry_uids(same, tuple(dataclasses.replace(c, uid="") for c in edited))
    results["carry_uids_3000_identical_claims_seconds"] = round(time.perf_counter() - started, 4)

    from django.db import connection

    results["database"] = connection.vendor
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
