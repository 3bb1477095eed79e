"""The editor's autosave of one claim: queries and time, on a small article and on 250 claims.

    .venv/bin/python bench/autosave.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/autosave.py

Each save is the request the editor's script sends about a second after typing
stops: the claim's form, naming the claim's version, through Django's test
client (session, permissions, the row lock, the content service, the history
merge of a burst). Prints JSON: the query count of one save at each size (the
same whatever the size) and the median and 95th percentile of 60 saves, when the
words alone change (the citations field untouched, the usual autosave), and of
20 saves with the citations typed again (the body is read to number them).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.setup_db import prepare  # noqa: E402

SAVES = 60


def article_of(claims: int, editor):
    from articles import services
    from articles.content import ArticleContent, ClaimData, ClaimKind, ReferenceData, ReferenceKind

    references = tuple(
        ReferenceData(
            kind=ReferenceKind.RESEARCH,
            title=f"Study {n} of baclofen",
            source="J Neurol",
            year=2010,
        )
        for n in range(1, 21)
    )
    body = tuple(
        ClaimData(
            kind=ClaimKind.BULLET if n % 3 else ClaimKind.PARAGRAPH,
            text=f"Claim {n}: baclofen relieves spasticity; the usual starting dose is 5 mg.",
            citations=(n % 20 + 1, (n + 7) % 20 + 1),
            plain_text=f"Plain words for claim {n}.",
        )
        for n in range(claims)
    )
    content = ArticleContent(
        title=f"A question of {claims} claims?", claims=body, references=references
    )
    return services.article_create(by=editor, title=content.title, content=content)


def autosave(client, article, claim, text, *, typed_citations=False):
    from django.urls import reverse

    return client.post(
        reverse("desk:editor_save", kwargs={"pk": article.pk, "uid": claim.uid}),
        {
            "expected_version": article.content_version,
            "claim_version": claim.version,
            "kind": claim.kind,
            "level": claim.level,
            "text": text,
            "plain_text": claim.plain_text,
            "citations": "1, 8",
            # Untouched, the field still shows what the page showed: words alone changed.
            "citations_shown": "" if typed_citations else "1, 8",
        },
        HTTP_X_REQUESTED_WITH="fetch",
        HTTP_X_AUTOSAVE="1",
    )


def measure(client, article, *, saves: int, typed_citations: bool = False) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    claim = article.claims.order_by("position")[len(article.claims.all()) // 2]
    timings, queries = [], []
    for n in range(saves):
        claim.refresh_from_db()
        article.refresh_from_db()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = autosave(
                client,
                article,
                claim,
                f"Typed, pass {n}: the dose is 5 mg.",
                typed_citations=typed_citations,
            )
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
        queries.append(len(captured))
    timings.sort()
    return {
        "queries_per_save": sorted(set(queries[1:])),  # the first warms the session caches
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
    }


def main() -> None:
    where = prepare("autosave_bench")
    from django.test import Client

    from tests.factories import make_editor

    editor = make_editor("bench-editor")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor)
    results = {"database": where, "saves": SAVES}
    for claims in (25, 250):
        article = article_of(claims, editor)
        results[f"{claims}_claims"] = measure(client, article, saves=SAVES)
        results[f"{claims}_claims_citations_typed"] = measure(
            client, article, saves=SAVES // 3, typed_citations=True
        )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
