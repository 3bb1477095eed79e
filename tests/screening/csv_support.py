"""Small Retraction Watch CSV files in the layout Crossref publishes, written for one test."""

from __future__ import annotations

import csv
import io
from pathlib import Path

HEADER = [
    "Record ID",
    "Title",
    "Subject",
    "Institution",
    "Journal",
    "Publisher",
    "Country",
    "Author",
    "URLS",
    "ArticleType",
    "RetractionDate",
    "RetractionDOI",
    "RetractionPubMedID",
    "OriginalPaperDate",
    "OriginalPaperDOI",
    "OriginalPaperPubMedID",
    "RetractionNature",
    "Reason",
    "Paywalled",
    "Notes",
]


def record(record_id: int, **values) -> dict:
    """One row; anything not given takes a plausible value."""
    row = {
        "Record ID": str(record_id),
        "Title": f"A study of baclofen, part {record_id}",
        "Subject": "(HSC) Medicine - Neurology;",
        "Institution": "Department of Neurology, Example University, Springfield, USA;",
        "Journal": "Journal of Example Neurology",
        "Publisher": "Example Press",
        "Country": "United States;",
        "Author": "A Author;B Author",
        "URLS": "https://retractionwatch.com/example/",
        "ArticleType": "Research Article;",
        "RetractionDate": "3/14/2024 0:00",
        "RetractionDOI": f"10.9999/notice.{record_id}",
        "RetractionPubMedID": "0",
        "OriginalPaperDate": "6/1/2019 0:00",
        "OriginalPaperDOI": f"10.1000/paper.{record_id}",
        "OriginalPaperPubMedID": "0",
        "RetractionNature": "Retraction",
        "Reason": "+Concerns/Issues About Data;+Investigation by Journal/Publisher;",
        "Paywalled": "No",
        "Notes": "",
    }
    row.update(values)
    return row


def csv_text(rows: list[dict], header: list[str] = HEADER) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_csv(path: Path, rows: list[dict], **kwargs) -> Path:
    path.write_text(csv_text(rows, **kwargs), encoding="utf-8")
    return path
