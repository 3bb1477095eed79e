"""Seed a benchmark database with many articles quickly: a few through the services, the rest
copied from them in bulk.

Importing 100,000 articles one by one through ``article_import`` (as bench/data.py
does) would take hours. Here a small set of template articles goes through the
services (imported, some approved by a board reviewer, as in bench/data.py); then
each copy is written with ``bulk_create`` in batches: the article row, its
contributor, its approved version when it is approved, and its public search entry
(the full-text vectors computed by PostgreSQL in one statement per batch). Copies
are spread over states and dates the way a working site's are, so the desk's lists
and the public lists each read a realistic share.

Each copy is its own article to search: the template's drug, brand, second drug,
condition and route are replaced in its question, heading, approved text and search
entry by terms drawn Zipf-distributed from a large synthetic vocabulary
(bench/vocabulary.py), so a common word matches many articles and a rare one few,
as on a real site, instead of every copy sharing every word of its template.

A copy has no claims, history rows or audit rows of its own: the pages measured at
scale read what a copy has (the desk's lists read article rows, search reads the
search entries, an approved page reads its approved version's snapshot). Never run
this against a database that matters: it writes around the services on purpose.
"""

from __future__ import annotations

import dataclasses
import datetime
import time

from bench.data import bench_reviewer, load_articles
from bench.vocabulary import copy_words, vary, vary_content, vary_sql

# Of every 20 copies: 8 approved, 6 drafts, 4 submitted, 1 under review, 1 retracted.
STATE_CYCLE = (
    ("approved",) * 8 + ("draft",) * 6 + ("submitted",) * 4 + ("under_review",) + ("retracted",)
)
BATCH = 2000
TEMPLATES = 16


@dataclasses.dataclass
class Templates:
    """The articles copies are made from: one approved and one submitted at least."""

    approved: list
    submitted: list


def templates_load(count: int = TEMPLATES) -> Templates:
    """Import ``count`` generated articles through the services; approve every fourth."""
    from articles.models import Article
    from articles.states import ArticleState

    result = load_articles(start=0, stop=count, approve_every=4)
    approved = list(
        Article.objects.filter(slug__in=result["approved_slugs"]).select_related(
            "published_version", "search_entry"
        )
    )
    submitted = list(
        Article.objects.filter(state=ArticleState.SUBMITTED)
        .exclude(slug__in=result["approved_slugs"])
        .select_related("search_entry")
    )
    return Templates(approved=approved, submitted=submitted)


def _copy_fields(article) -> dict:
    """An article's own column values, without its identity or its approved version."""
    skip = {"id", "slug", "title", "display_heading", "published_version", "state"}
    return {
        f.attname: getattr(article, f.attname)
        for f in type(article)._meta.concrete_fields
        if f.name not in skip
    }


def articles_copy(templates: Templates, *, start: int, stop: int, now=None) -> int:
    """Write copies ``start``..``stop-1`` in batches; returns how many were written."""
    from django.db import transaction

    now = now or datetime.datetime.now(datetime.UTC)
    written = 0
    for first in range(start, stop, BATCH):
        with transaction.atomic():
            written += _copy_batch(templates, range(first, min(first + BATCH, stop)), now)
    return written


def _copy_batch(templates: Templates, numbers: range, now: datetime.datetime) -> int:
    from django.conf import settings

    from articles.models import Article, ArticleVersion
    from articles.states import ArticleState

    reviewer = bench_reviewer()
    articles, kinds, sources, words = [], [], [], []
    for n in numbers:
        kind = STATE_CYCLE[n % len(STATE_CYCLE)]
        pool = templates.approved if kind == "approved" else templates.submitted
        source = pool[n % len(pool)]
        # Spread over three years: queues and re-review lists get old and new rows.
        when = now - datetime.timedelta(minutes=(n * 7919) % (3 * 365 * 24 * 60))
        own_words = copy_words(n)
        question = vary(source.title.split(": ", 1)[-1], own_words)
        fields = _copy_fields(source)
        fields.update(
            queued_at=when if kind in ("submitted", "under_review") else None,
            last_transition_at=when,
            last_updated=when.date(),
            created_at=when,
            assigned_reviewer_id=reviewer.pk if kind == "under_review" and n % 100 == 18 else None,
            changes_requested_by_id=None,
            last_transition={
                "approved": "approve",
                "draft": "",
                "submitted": "receive_import",
                "under_review": "start_review",
                "retracted": "retract",
            }[kind],
        )
        state = {
            "approved": ArticleState.APPROVED,
            "draft": ArticleState.DRAFT,
            "submitted": ArticleState.SUBMITTED,
            "under_review": ArticleState.UNDER_REVIEW,
            "retracted": ArticleState.RETRACTED,
        }[kind]
        articles.append(
            Article(
                title=f"Question {n + 1000}: {question}",
                display_heading=vary(source.display_heading, own_words),
                slug=f"copy-{n}-{source.slug}"[:320],
                state=state,
                **fields,
            )
        )
        kinds.append(kind)
        sources.append(source)
        words.append(own_words)
    Article.objects.bulk_create(articles, batch_size=BATCH)
    if not all(a.pk for a in articles):  # SQLite before 3.35 gives no ids back
        by_slug = dict(
            Article.objects.filter(slug__in=[a.slug for a in articles]).values_list("slug", "pk")
        )
        for article in articles:
            article.pk = article.id = by_slug[article.slug]

    through = Article.contributors.through
    through.objects.bulk_create(
        [
            through(article_id=a.pk, user_id=s.created_by_id)
            for a, s in zip(articles, sources, strict=True)
        ],
        batch_size=BATCH,
    )
    copies = list(zip(articles, kinds, sources, words, strict=True))
    approved = [(a, s, w) for a, k, s, w in copies if k == "approved"]
    listed = [(a, s, w) for a, k, s, w in copies if k in ("approved", "submitted", "under_review")]
    if settings.IS_POSTGRES:
        _copy_versions_in_sql(approved)
        _copy_entries_in_sql(listed)
    else:
        _copy_versions(approved)
        _copy_entries(listed)
    version_of = dict(
        ArticleVersion.objects.filter(article_id__in=[a.pk for a, _s, _w in approved]).values_list(
            "article_id", "pk"
        )
    )
    for article, _source, _words in approved:
        article.published_version_id = version_of[article.pk]
    Article.objects.bulk_update(
        [a for a, _s, _w in approved], ["published_version"], batch_size=BATCH
    )
    return len(articles)


def _copy_versions(pairs) -> None:
    """Each approved copy's version: its template's with the copy's words, retitled, approved
    when the copy was."""
    from articles.models import ArticleVersion

    versions = []
    for article, source, words in pairs:
        template = source.published_version
        versions.append(
            ArticleVersion(
                **{
                    f.attname: getattr(template, f.attname)
                    for f in ArticleVersion._meta.concrete_fields
                    if f.name not in ("id", "article", "content", "approved_at", "last_updated")
                },
                article_id=article.pk,
                content={**vary_content(template.content, words), "title": article.title},
                approved_at=article.last_transition_at,
                last_updated=article.last_updated,
            )
        )
    ArticleVersion.objects.bulk_create(versions, batch_size=500)


def _copy_entries(pairs) -> None:
    from articles.models import ArticleSearchEntry

    ArticleSearchEntry.objects.bulk_create(
        [
            ArticleSearchEntry(
                article_id=article.pk,
                title=article.title,
                display_heading=article.display_heading,
                body=vary(source.search_entry.body, words),
                shown_updated=article.last_updated,
            )
            for article, source, words in pairs
        ],
        batch_size=BATCH,
    )


# PostgreSQL copies the large columns (a version's content, an entry's body) from the
# template's row inside the server, replacing the copy's words there: sending each
# copy's text over the wire, quoted into arrays, costs twenty times as long. Only the
# short columns and the copy's words travel.
WORD_COLUMNS = [f"c.w{i}" for i in range(5)]
WORD_ARRAYS = ", ".join("%s::text[]" for _ in WORD_COLUMNS)
WORD_NAMES = ", ".join(column.removeprefix("c.") for column in WORD_COLUMNS)


def _word_arrays(pairs) -> list[list[str]]:
    """The copies' words, one array per replaced word."""
    return [list(column) for column in zip(*(w for _a, _s, w in pairs), strict=True)]


def _copy_versions_in_sql(pairs) -> None:
    from django.db import connection

    from articles.models import ArticleVersion

    if not pairs:
        return
    own = {"article_id": "c.article_id", "approved_at": "c.approved_at"}
    own["last_updated"] = "c.last_updated"
    varied = vary_sql("t.content::text", WORD_COLUMNS)
    own["content"] = f"jsonb_set(({varied})::jsonb, '{{title}}', to_jsonb(c.title))"
    columns = [f.column for f in ArticleVersion._meta.concrete_fields if f.column != "id"]
    values = ", ".join(own.get(column, f"t.{column}") for column in columns)
    table = ArticleVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} "
            "FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[], %s::date[], %s::bigint[], "
            f"{WORD_ARRAYS}) "
            f"AS c(article_id, title, approved_at, last_updated, template_id, {WORD_NAMES}) "
            f"JOIN {table} t ON t.id = c.template_id",
            [
                [a.pk for a, _s, _w in pairs],
                [a.title for a, _s, _w in pairs],
                [a.last_transition_at for a, _s, _w in pairs],
                [a.last_updated for a, _s, _w in pairs],
                [s.published_version_id for _a, s, _w in pairs],
                *_word_arrays(pairs),
            ],
        )


def _copy_entries_in_sql(pairs) -> None:
    """Entries as ``articles.services.search`` writes them: the vector is the weighted
    title (A), heading (B) and body (C), the body the template entry's with the copy's words."""
    from django.db import connection

    from articles.models import ArticleSearchEntry

    if not pairs:
        return
    table = ArticleSearchEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH copies AS (SELECT c.*, {vary_sql('t.body', WORD_COLUMNS)} AS body "
            f"FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::date[], %s::bigint[], "
            f"{WORD_ARRAYS}) "
            f"AS c(article_id, title, display_heading, shown_updated, template_id, {WORD_NAMES}) "
            f"JOIN {table} t ON t.article_id = c.template_id) "
            f"INSERT INTO {table} "
            "(article_id, title, display_heading, body, shown_updated, search_vector) "
            "SELECT article_id, title, display_heading, body, shown_updated, "
            "setweight(to_tsvector('english', title), 'A') "
            "|| setweight(to_tsvector('english', display_heading), 'B') "
            "|| setweight(to_tsvector('english', body), 'C') "
            "FROM copies",
            [
                [a.pk for a, _s, _w in pairs],
                [a.title for a, _s, _w in pairs],
                [a.display_heading for a, _s, _w in pairs],
                [a.last_updated for a, _s, _w in pairs],
                [s.pk for _a, s, _w in pairs],
                *_word_arrays(pairs),
            ],
        )


def seed(*, articles: int, templates: Templates | None = None, already: int = 0) -> dict:
    """Bring the database to ``articles`` copies (``already`` written before); returns timings."""
    from django.db import connection

    started = time.perf_counter()
    templates = templates or templates_load()
    templates_seconds = time.perf_counter() - started
    started = time.perf_counter()
    written = articles_copy(templates, start=already, stop=articles)
    seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # plans for the new sizes, as autovacuum would soon
    return {
        "templates_seconds": round(templates_seconds, 1),
        "copied": written,
        "copy_seconds": round(seconds, 1),
        "copies_per_second": round(written / seconds) if seconds else 0,
        "templates": templates,
    }
