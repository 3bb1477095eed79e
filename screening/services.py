"""Writes of retraction screening: importing notices, screening the library, justifications.

An import reads the file in batches, each in its own transaction, so a large
file holds no long lock and an interruption keeps what was loaded; the
screening that follows is one transaction, so flags and their notifications
appear together or not at all.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.db.models.fields.json import KeyTransform
from django.utils import timezone

from articles import events, policy
from articles.identifiers import normalise_doi, normalise_pmid
from articles.models import Article, Claim, Reference
from articles.states import ArticleState
from screening import notifications
from screening.csvfile import FileProblem, NoticeReader, NoticeRow, RowProblem
from screening.models import CitationJustification, RetractionFlag, RetractionNotice, ScreeningRun
from screening.rules import NoticeIndex, notices_about, paper_status, retraction_in_force

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
def library_screen(*, run: ScreeningRun) -> ScreeningRun:
    """Screen every library reference and every approved version against the notices in force.

    Flags the approved versions newly found citing a retracted paper (unless a
    reviewer justified that citation), clears flags whose notice no longer
    counts, and notifies the editors and the board of each newly flagged
    article. A fixed number of queries, whatever the size of the library.
    """
    notices = [
        NoticeKey(*values)
        for values in RetractionNotice.objects.filter(withdrawn_at__isnull=True)
        .exclude(original_doi="", original_pmid="")
        .values_list("pk", "nature", "retraction_date", "original_doi", "original_pmid")
    ]
    index = NoticeIndex(notices)
    run.notices_in_force = len(notices)

    screened = matched = retracted = 0
    references = Reference.objects.exclude(doi="", pmid="").values_list("doi", "pmid")
    for doi, pmid in references.iterator(chunk_size=5000):
        screened += 1
        notices = index.about(doi=normalise_doi(doi), pmid=normalise_pmid(pmid))
        if notices:
            matched += 1
            retracted += retraction_in_force(notices) is not None
    run.references_screened, run.references_matched = screened, matched
    run.references_retracted = retracted

    found = _retracted_citations_in_approved_versions(index)
    justified = _justified_papers()
    wanted = {key: finding for key, finding in found.items() if not finding.justified(justified)}
    now = timezone.now()
    open_flags = {
        (version_id, notice_id, number): (pk, article_id)
        for pk, version_id, notice_id, number, article_id in RetractionFlag.objects.filter(
            cleared_at__isnull=True, version_id=F("article__published_version_id")
        ).values_list("pk", "version_id", "notice_id", "reference_number", "article_id")
    }
    to_clear = [pk for key, (pk, _) in open_flags.items() if key not in wanted]
    new_flags = [
        RetractionFlag(
            article_id=finding.article_id,
            version_id=version_id,
            notice_id=notice_id,
            reference_number=number,
            reference_title=finding.title,
            run=run,
            created_at=now,
            updated_at=now,
        )
        for (version_id, notice_id, number), finding in wanted.items()
        if (version_id, notice_id, number) not in open_flags
    ]
    if new_flags:
        RetractionFlag.objects.bulk_create(new_flags)
    if to_clear:
        run.flags_cleared = RetractionFlag.objects.filter(pk__in=to_clear).update(
            cleared_at=now, cleared_run=run, updated_at=now
        )
    flagged = sorted({flag.article_id for flag in new_flags})
    cleared = {article_id for key, (_, article_id) in open_flags.items() if key not in wanted}
    # The public pages of these articles show their notices.
    events.announce(*(events.article_key(pk) for pk in {*flagged, *cleared}))
    run.articles_flagged = len(flagged)
    if run.kind == ScreeningRun.Kind.RESCREEN:
        run.finished_at = timezone.now()
        run.status = ScreeningRun.Status.FINISHED
    run.save()
    for article_id in flagged:
        # Queued in this transaction (the outbox): sent once it commits, never lost.
        notifications.notify_article_flagged(article_id=article_id, run_id=run.pk)
    return run


class NoticeKey(NamedTuple):
    """What matching needs of a notice: light enough to hold all of them at once."""

    pk: int
    nature: str
    retraction_date: datetime.date | None
    original_doi: str
    original_pmid: str


@dataclass(frozen=True)
class Finding:
    """An approved version citing a retracted paper."""

    article_id: int
    approved_at: datetime.datetime
    title: str
    paper_keys: frozenset[str]  # "doi:…", "pmid:…"

    def justified(self, justified: dict[tuple[int, str], datetime.datetime]) -> bool:
        """A reviewer justified citing this paper in this article before the version was approved.

        A justification given later, on a revision still in review, does not end the
        notice readers see: the new approval does.
        """
        for key in self.paper_keys:
            when = justified.get((self.article_id, key))
            if when is not None and when <= self.approved_at:
                return True
        return False


def _paper_keys(doi: str, pmid: str) -> frozenset[str]:
    return frozenset(k for k in (doi and f"doi:{doi}", pmid and f"pmid:{pmid}") if k)


def _retracted_citations_in_approved_versions(index: NoticeIndex) -> dict:
    """(version, notice, reference number) -> Finding, for every retracted paper the readers'
    version of a live article cites (1 query)."""
    found = {}
    versions = (
        Article.objects.filter(published_version__isnull=False)
        .exclude(state=ArticleState.RETRACTED)
        .values_list(
            "pk",
            "published_version_id",
            "published_version__approved_at",
            KeyTransform("references", "published_version__content"),
        )
    )
    for article_id, version_id, approved_at, references in versions.iterator(chunk_size=500):
        for number, reference in enumerate(references or [], start=1):
            doi = normalise_doi(reference.get("doi"))
            pmid = normalise_pmid(reference.get("pmid"))
            if not doi and not pmid:
                continue
            notice = retraction_in_force(index.about(doi=doi, pmid=pmid))
            if notice is not None:
                found[(version_id, notice.pk, number)] = Finding(
                    article_id=article_id,
                    approved_at=approved_at,
                    title=reference.get("title", ""),
                    paper_keys=_paper_keys(doi, pmid),
                )
    return found


def _justified_papers() -> dict[tuple[int, str], datetime.datetime]:
    """(article, paper key) -> when a reviewer first justified citing it there (1 query)."""
    justified: dict[tuple[int, str], datetime.datetime] = {}
    rows = CitationJustification.objects.values_list(
        "claim__article_id", "reference__doi", "reference__pmid", "created_at"
    )
    for article_id, doi, pmid, created_at in rows:
        for key in _paper_keys(normalise_doi(doi), normalise_pmid(pmid)):
            earliest = justified.get((article_id, key))
            justified[(article_id, key)] = min(created_at, earliest or created_at)
    return justified


def library_rescreen(*, by=None) -> ScreeningRun:
    """Screen the library against the notices already loaded, and record the run."""
    run = ScreeningRun.objects.create(
        kind=ScreeningRun.Kind.RESCREEN, started_at=timezone.now(), by=by
    )
    return library_screen(run=run)


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
