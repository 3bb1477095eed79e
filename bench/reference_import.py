"""A reference list at the import limit, in each format: reading it, and importing it at the desk.

    .venv/bin/python bench/reference_import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/reference_import.py

For each format, a list of MAX_REFERENCES_PER_IMPORT entries (each with authors,
DOI and PMID) is read by its reader (median of 3), then posted to the desk's
import form twice: first every entry is new, then every one is already in the
library. Prints JSON: seconds and database queries per step.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.setup_db import prepare  # noqa: E402

# Django's test client calls itself "testserver".
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")


def lists(count: int, start: int) -> dict[str, str]:
    numbers = range(start, start + count)
    medline = "\n".join(
        f"PMID- {n}\nTI  - Trial number {n} of baclofen in spasticity.\nFAU - Müller, Jörg\n"
        f"AU  - Müller J\nAU  - Ødegård Å\nPT  - Randomized Controlled Trial\nDP  - 2020 Mar\n"
        f"TA  - J Neurol\nJT  - Journal of Neurology\nLID - 10.1000/trial.{n} [doi]\n"
        for n in numbers
    )
    ris = "\n".join(
        f"TY  - JOUR\nTI  - Trial number {n} of tizanidine\nAU  - Müller, Jörg\nAU  - Ødegård, Åse\n"
        f"T2  - Journal of Neurology\nPY  - 2021\nDO  - 10.1000/tiz.{n}\nN1  - PMID: {n + 1000}\nER  - \n"
        for n in numbers
    )
    bibtex = "\n".join(
        f'@article{{k{n}, title={{Trial number {n} of dantrolene}}, author={{M{{\\"u}}ller, J'
        f'{{\\"o}}rg and {{\\O}}deg{{\\aa}}rd, {{\\AA}}se}}, journal={{Journal of Neurology}}, '
        f"year=2022, doi={{10.1000/dan.{n}}}, pmid={{{n + 2000}}}}}"
        for n in numbers
    )
    csl = json.dumps(
        [
            {
                "type": "article-journal",
                "title": f"Trial number {n} of gabapentin",
                "container-title": "Journal of Neurology",
                "author": [{"family": "Müller", "given": "Jörg"}],
                "issued": {"date-parts": [[2023, 1]]},
                "DOI": f"10.1000/gab.{n}",
                "PMID": str(n + 3000),
            }
            for n in numbers
        ]
    )
    return {"medline": medline, "ris": ris, "bibtex": bibtex, "csl-json": csl}


def main() -> None:
    where = prepare("refimport_bench")
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from articles import limits
    from articles.bibliography import parse_references
    from tests.factories import draft_article, make_editor

    count = limits.MAX_REFERENCES_PER_IMPORT
    editor = make_editor("bench-editor")
    article = draft_article(by=editor)
    client = Client()
    client.force_login(editor)
    url = reverse("desk:references_import", kwargs={"pk": article.pk})
    results: dict = {"database": where, "entries_per_list": count, "formats": {}}
    for fmt, text in lists(count, 10_000_000).items():
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            parse_references(text, fmt)
            runs.append(time.perf_counter() - started)
        row = {"read_seconds_median_of_3": round(statistics.median(runs), 3)}
        for step in ("import_new", "import_again"):
            data = {"import-format": "auto", "import-text": text, "import-shelve": "on"}
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.post(url, data)
                elapsed = time.perf_counter() - started
            assert response.status_code == 200, (fmt, step, response.status_code)
            row[step] = {"seconds": round(elapsed, 3), "queries": len(captured)}
        results["formats"][fmt] = row
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
