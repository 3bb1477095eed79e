"""Writes of retraction screening: importing notices, and reviewers' justifications.

An import reads the file in batches, each in its own transaction, so a large
file holds no long lock and an interruption keeps what was loaded; the
screening that follows (``screening.library``) is one transaction, so flags and
their notifications appear together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from articles import events, policy
from articles.models import Claim, Reference
from screening.csvfile import FileProblem, NoticeReader, NoticeRow, RowProblem
from screening.library import library_screen
from screening.models import CitationJustification, RetractionFlag, RetractionNotice, ScreeningRun
from screening.rules import notices_about, paper_status

BATCH_SIZE = 1000
# The run keeps the first problems in full; the count says how many there were.
PROBLEMS_KEPT = 200
# A full file that would withdraw more than this share of the notices (and more
# than MASS_WITHDRAWAL_FLOOR of them) is more likely truncated than a real change.
MASS_WITHDRAWAL_SHARE = 0.10
MASS_WITHDRAWAL_FLOOR = 100

NOTICE_FIELDS = [
    "nature",
    "title",
    "journal",
    "publisher",
    "reason",
    "urls",
    "notes",
    "retraction_date",
    "retraction_doi",
    "retraction_pmid",
    "original_date",
    "original_doi",
    "original_pmid",
    "row_hash",
]


def _note_problem(run: ScreeningRun, problem: str) -> None:
    if len(run.problem_lines) < PROBLEMS_KEPT:
        run.problems += problem + "\n"


def notices_import(
    *,
    path: str | Path,
    by=None,
    encoding: str = "utf-8",
    partial: bool = False,
    allow_mass_withdrawal: bool = False,
    screen: bool = True,
    progress: Callable[[int], None] | None = None,
) -> ScreeningRun:
    """Load a Retraction Watch CSV file into the notices, then screen the library against them.

    Idempotent: a record is found by its Record ID and rewritten only when its
    content changed. Unless ``partial``, the file is the whole database, so a
    record missing from it is marked withdrawn (it no longer counts). Bad rows
    are skipped and named by line in ``run.problems``; a file that is not
    Retraction Watch data at all loads nothing (``run.status`` is failed).
    """
    path = Path(path)
    run = ScreeningRun.objects.create(
        kind=ScreeningRun.Kind.IMPORT, file_name=path.name, started_at=timezone.now(), by=by
    )
    anonymous_skips = 0
    try:
        with path.open("rb") as binary:
            reader = NoticeReader(binary, encoding=encoding)
            batch: list[NoticeRow | RowProblem] = []
            for item in reader:
                batch.append(item)
                if len(batch) >= BATCH_SIZE:
                    anonymous_skips += _load_batch(run, batch)
                    batch = []
                    if progress:
                        progress(reader.bytes_read)
            if batch:
                anonymous_skips += _load_batch(run, batch)
            if progress:
                progress(reader.bytes_read)
            complete = not reader.stopped_early
    except FileProblem as problem:
        run.status = ScreeningRun.Status.FAILED
        run.problems = f"{problem}\n"
        run.finished_at = timezone.now()
        run.save()
        return run

    if partial:
        pass
    elif not complete or anonymous_skips:
        _note_problem(
            run,
            "No record was marked withdrawn: some rows could not be read, so the file may not "
            "hold every record.",
        )
    else:
        _withdraw_missing(run, allow_mass_withdrawal=allow_mass_withdrawal)
    if screen:
        library_screen(run=run)
    run.status = (
        ScreeningRun.Status.FINISHED_WITH_SKIPS
        if run.rows_skipped
        else ScreeningRun.Status.FINISHED
    )
    run.finished_at = timezone.now()
    run.save()
    return run


@transaction.atomic
def _load_batch(run: ScreeningRun, items: list[NoticeRow | RowProblem]) -> int:
    """Write one batch of rows; returns how many skipped rows had no readable Record ID."""
    rows: dict[int, NoticeRow] = {}
    seen_ids: set[int] = set()
    anonymous = 0
    for item in items:
        if isinstance(item, RowProblem):
            run.rows_skipped += 1
            _note_problem(run, str(item))
            if item.record_id is None:
                anonymous += 1
            else:
                seen_ids.add(item.record_id)  # still in the file: not withdrawn
        else:
            rows[item.record_id] = item  # a record repeated in the file: the later row wins
    run.rows_read += len(items)
    seen_ids |= set(rows)
    existing = {
        record_id: (pk, row_hash, withdrawn_at)
        for record_id, pk, row_hash, withdrawn_at in RetractionNotice.objects.filter(
            record_id__in=seen_ids
        ).values_list("record_id", "pk", "row_hash", "withdrawn_at")
    }
    now = timezone.now()
    new, changed, unchanged = [], [], []
    for record_id, row in rows.items():
        fields = row.fields
        if record_id not in existing:
            new.append(
                {
                    **fields,
                    "record_id": record_id,
                    "first_run_id": run.pk,
                    "last_seen_run_id": run.pk,
                    "withdrawn_at": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            continue
        pk, row_hash, withdrawn_at = existing[record_id]
        if row_hash == fields["row_hash"] and withdrawn_at is None:
            unchanged.append(pk)
            continue
        changed.append(
            {
                **fields,
                "id": pk,
                "last_seen_run_id": run.pk,
                "withdrawn_at": None,
                "updated_at": now,
            }
        )
    unchanged += [existing[i][0] for i in seen_ids - set(rows) if i in existing]
    if new:
        _write_rows(INSERT_FIELDS, new, insert=True)
    if changed:
        _write_rows(UPDATE_FIELDS, changed, insert=False)
        # What readers see of these notices may have changed: their pages' keys must move.
        flags = RetractionFlag.objects.filter(notice_id__in=[n["id"] for n in changed])
        flagged = set(flags.values_list("article_id", flat=True))
        if flagged:
            flags.update(updated_at=now)
            events.announce(*(events.article_key(pk) for pk in flagged))
    if unchanged:
        RetractionNotice.objects.filter(pk__in=unchanged).update(last_seen_run=run)
    run.notices_created += len(new)
    run.notices_updated += len(changed)
    run.notices_unchanged += len(rows) - len(new) - len(changed)
    run.save()
    return anonymous


UPDATE_FIELDS = [*NOTICE_FIELDS, "last_seen_run", "withdrawn_at", "updated_at"]
INSERT_FIELDS = [*UPDATE_FIELDS, "record_id", "first_run", "created_at"]


def _write_rows(field_names: list[str], rows: list[dict], *, insert: bool) -> None:
    """Insert or update notices with one parameterised statement sent once per row, as a batch.

    Notices are many and plain, so they skip the ORM's per-value compilation:
    ``bulk_create`` spent most of an import's time there, and ``bulk_update``
    writes a CASE expression naming every row of the batch, which SQLite
    evaluates row by row (minutes for a newer file changing most records).
    Dates still go through their fields' own conversion for the database.
    """
    meta = RetractionNotice._meta
    fields = [meta.get_field(name) for name in field_names]
    convert = [
        field.get_db_prep_save if isinstance(field, models.DateField) else None for field in fields
    ]
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in fields]
    if insert:
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
    else:
        assignments = ", ".join(f"{column} = %s" for column in columns)
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    params = []
    for row in rows:
        values = [
            row[field.attname] if prep is None else prep(row[field.attname], connection)
            for field, prep in zip(fields, convert, strict=True)
        ]
        params.append(values if insert else [*values, row["id"]])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


@transaction.atomic
def _withdraw_missing(run: ScreeningRun, *, allow_mass_withdrawal: bool) -> None:
    """Mark withdrawn the records this full file no longer holds."""
    active = RetractionNotice.objects.filter(withdrawn_at__isnull=True)
    missing = active.filter(Q(last_seen_run__isnull=True) | ~Q(last_seen_run=run))
    count = missing.count()
    if not count:
        return
    limit = max(MASS_WITHDRAWAL_FLOOR, int(active.count() * MASS_WITHDRAWAL_SHARE))
    if count > limit and not allow_mass_withdrawal:
        _note_problem(
            run,
            f"No record was marked withdrawn: the file lacks {count} records the database holds, "
            "more than a normal update removes; check the file is complete, then import it with "
            "--allow-mass-withdrawal (or with --partial if it is only a part).",
        )
        return
    now = timezone.now()
    run.notices_withdrawn = missing.update(withdrawn_at=now, updated_at=now)


@transaction.atomic
def citation_justify(*, claim: Claim, reference: Reference, by, text: str) -> CitationJustification:
    """A board reviewer records why a claim may keep citing a retracted paper."""
    article = claim.article
    # A justification vouches for a citation like a verdict: the same people, the same time.
    policy.ensure(by, policy.VERIFY, article)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Say why the article may cite this retracted paper."})
    if not claim.citations.filter(reference=reference).exists():
        raise ValidationError({"reference": "This claim does not cite that reference."})
    status = paper_status(
        notices_about([(reference.doi, reference.pmid)]), doi=reference.doi, pmid=reference.pmid
    )
    if status.retraction is None:
        raise ValidationError({"reference": "That paper is not retracted: nothing to justify."})
    justification = CitationJustification.objects.create(
        claim=claim,
        reference=reference,
        claim_version=claim.version,
        notice=status.retraction,
        reviewer=by,
        text=text,
        created_at=timezone.now(),
    )
    article.forget_cached_content()
    return justification
