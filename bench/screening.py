"""Retraction screening at full size: import a generated Retraction Watch file, re-import it,
import a newer one, and re-screen a large library; prints seconds for each.

    .venv/bin/python bench/screening.py [--notices 65000] [--references 100000] [--articles 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial .venv/bin/python bench/screening.py

The file has the published layout (20 columns, every RetractionNature, blank,
``unavailable`` and 0 identifiers). The library gets ``--references`` entries,
one in twenty citing a paper with a notice, its DOI written in the forms editors
use; ``--articles`` generated articles are approved first, so the screening also
reads their approved versions. ``--memory`` also imports a file a quarter and a
whole of ``--notices`` long under tracemalloc and prints the peaks, to show the
import's memory does not grow with the file.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.setup_db import prepare  # noqa: E402

NATURES = ["Retraction"] * 75 + ["Correction"] * 15 + ["Expression of concern"] * 8
NATURES += ["Reinstatement"] * 2


def paper_doi(n: int) -> str:
    return f"10.{1000 + n % 7000}/rw.{n}"


def write_file(
    path: Path, count: int, *, seed: int = 11, changed: float = 0.0, dropped: float = 0.0
):
    """A Retraction Watch CSV of ``count`` records; optionally a 'newer' edition of it."""
    from tests.screening.csv_support import HEADER

    rng = random.Random(seed)
    change_rng = random.Random(seed + 1)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for n in range(1, count + 1):
            # Every row draws the same numbers in every edition of the file.
            month, day, year = rng.randint(1, 12), rng.randint(1, 28), rng.randint(2000, 2025)
            identifier = rng.random()
            doi = paper_doi(n) if identifier < 0.85 else rng.choice(["", "unavailable", "0"])
            pmid = str(20000000 + n) if identifier > 0.6 else "0"
            nature = rng.choice(NATURES)
            drop, change = change_rng.random(), change_rng.random()
            if drop < dropped:
                continue
            reason = "+Concerns/Issues About Data;+Investigation by Journal/Publisher;"
            if change < changed:
                reason = "+Error in Analyses;"
            writer.writerow(
                [
                    n,
                    f"Generated paper number {n} on a clinical question",
                    "(HSC) Medicine - Neurology;",
                    "Department of Medicine, Example University, Springfield, USA;",
                    f"Journal {n % 900}",
                    f"Publisher {n % 60}",
                    "United States;",
                    "A Author;B Author;C Author",
                    "https://retractionwatch.com/example/",
                    "Research Article;",
                    f"{month}/{day}/{year} 0:00",
                    f"10.9999/notice.{n}",
                    "0",
                    f"{month}/{day}/{max(1990, year - 3)} 0:00",
                    doi,
                    pmid,
                    nature,
                    reason,
                    "No",
                    "",
                ]
            )


def make_library(count: int, notices: int) -> None:
    """``count`` library references; one in twenty is a paper with a notice."""
    from articles.models import Reference

    rng = random.Random(5)
    forms = ["{}", "https://doi.org/{}", "doi:{}", " {} "]
    batch = []
    for n in range(count):
        doi = pmid = ""
        if n % 20 == 0:
            paper = (n // 20) * 11 % notices + 1  # distinct papers: the library holds each once
            doi = rng.choice(forms).format(paper_doi(paper).upper() if n % 40 else paper_doi(paper))
            if n % 60 == 0:
                doi, pmid = "", str(20000000 + paper)
        elif n % 3:
            doi = f"10.5555/library.{n}"
        title, source, year = f"Library paper {n}", "Journal of Examples", 1990 + n % 35
        batch.append(
            Reference(
                kind="Research",
                title=title,
                source=source,
                year=year,
                doi=doi.strip().lower(),
                pmid=pmid,
                dedup_key=Reference.make_dedup_key(title=title, source=source, year=year),
            )
        )
        if len(batch) == 5000:
            Reference.objects.bulk_create(batch)
            batch = []
    Reference.objects.bulk_create(batch)


def timed_import(path: Path, *args: str) -> tuple[float, str]:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    started = time.perf_counter()
    try:
        call_command("import_retractions", str(path), "--no-progress", *args, stdout=out)
    except CommandError as error:
        out.write(f"\n{error}")
    return round(time.perf_counter() - started, 2), out.getvalue().strip()


def memory_peaks(directory: Path, count: int) -> dict[str, float]:
    """Peak memory traced while importing (without screening) files of two sizes."""
    import tracemalloc

    from screening.models import RetractionNotice

    peaks = {}
    for rows in (count // 4, count):
        RetractionNotice.objects.all().delete()
        path = directory / f"memory-{rows}.csv"
        write_file(path, rows, seed=3)
        tracemalloc.start()
        timed_import(path, "--no-screen", "--partial")
        peaks[f"{rows}_rows_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
        tracemalloc.stop()
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=65000)
    parser.add_argument("--references", type=int, default=100000)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    where = prepare("screening_bench")

    from django.conf import settings
    from django.db import connection

    from articles.management.commands.seed_demo import Command as SeedDemo
    from bench.data import load_articles
    from screening.library import library_rescreen
    from screening.models import RetractionNotice

    SeedDemo(stdout=io.StringIO()).handle()  # the benchmark prints JSON alone
    # Production runs without DEBUG; with it, Django keeps the text of every query.
    settings.DEBUG = False
    directory = Path(tempfile.mkdtemp(prefix="screening-bench-"))
    first, newer = directory / "retractions.csv", directory / "retractions-newer.csv"
    write_file(first, args.notices)
    write_file(newer, args.notices, changed=0.01, dropped=0.002)

    started = time.perf_counter()
    load_articles(start=0, stop=args.articles, approve_every=1)
    articles_seconds = time.perf_counter() - started
    started = time.perf_counter()
    make_library(args.references, args.notices)
    library_seconds = time.perf_counter() - started

    result = {"database": connection.vendor, "where": where, "notices": args.notices}
    result["file_mb"] = round(first.stat().st_size / 1e6, 1)
    result["setup_seconds"] = {
        "approved_articles": round(articles_seconds, 1),
        "library": round(library_seconds, 1),
    }
    result["import_first_seconds"], result["import_first_summary"] = timed_import(first)
    result["import_same_again_seconds"], _ = timed_import(first)
    result["import_newer_seconds"], result["import_newer_summary"] = timed_import(newer)
    everything = directory / "retractions-all-changed.csv"
    write_file(everything, args.notices, changed=1.0)
    result["import_all_changed_seconds"], _ = timed_import(everything)
    result["notices_stored"] = RetractionNotice.objects.count()
    started = time.perf_counter()
    run = library_rescreen()
    result["rescreen_seconds"] = round(time.perf_counter() - started, 2)
    result["rescreen"] = {
        "references_screened": run.references_screened,
        "notices_in_force": run.notices_in_force,
        "references_matched": run.references_matched,
        "references_retracted": run.references_retracted,
        "approved_articles": args.articles,
    }
    if args.memory:
        result["import_peak_memory"] = memory_peaks(directory, args.notices)
    shutil.rmtree(directory)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
