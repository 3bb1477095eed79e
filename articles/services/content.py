"""Writing content: creating drafts, editing them, replacing their body, restoring a past one.

Content changes only in draft (``articles.policy``), so an approval covers
exactly what was reviewed; every change bumps the article's content version,
which edits name to detect conflicting saves.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from articles import evidence, limits, policy
from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.history import article_content_as_of
from articles.models import Article, Citation, Claim, Reference
from articles.selectors import article_get_content, reference_to_data
from articles.services.references import references_get_or_create
from articles.services.steps import lock_article, save_article
from articles.services.transitions import article_revise
from articles.states import ArticleState

# What readers see of a claim besides its citations: a change to any of them
# bumps the claim's version (verdicts are bound to the fingerprint anyway).
CLAIM_SHOWN_FIELDS = ("kind", "level", "text", "plain_text", "needs_no_citation", "evidence")


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:300].strip("-") or "article"
    taken = set(
        Article.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def article_create(
    *,
    by,
    title: str,
    display_heading: str = "",
    content: ArticleContent | None = None,
    reason: str = "Created",
) -> Article:
    """An editor starts a new draft from a question, optionally with a whole body."""
    policy.ensure(by, policy.EDIT, None)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the reader's question."})
    article = Article(
        title=title,
        slug=unique_slug(title),
        display_heading=(display_heading or (content.display_heading if content else "")).strip(),
        created_by=by,
    )
    if content is not None and content.last_updated:
        article.last_updated = content.last_updated
    save_article(article, by=by, reason=reason)
    article.contributors.add(by)
    if content is not None:
        _write_claims(article, content, by=by, reason=reason)
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    by,
    expected_version: int,
    title: str | None = None,
    display_heading: str | None = None,
    reason: str = "Edited",
) -> Article:
    """An editor changes the question or display heading of a draft."""
    policy.ensure(by, policy.EDIT, article)
    lock_article(article, expected_version=expected_version)
    if title is not None:
        title = title.strip()
        if not title:
            raise ValidationError({"title": "Give the reader's question."})
        article.title = title
    if display_heading is not None:
        article.display_heading = display_heading.strip()
    _bump_content(article, by=by, reason=reason)
    return article


@transaction.atomic
def article_replace_content(
    *,
    article: Article,
    by,
    expected_version: int,
    content: ArticleContent,
    reason: str = "Body edited",
) -> Article:
    """Replace the draft's body with ``content``; claims that keep their uid keep their identity."""
    policy.ensure(by, policy.EDIT, article)
    lock_article(article, expected_version=expected_version)
    if content.title.strip():
        article.title = content.title.strip()
    article.display_heading = content.display_heading.strip()
    _write_claims(article, content, by=by, reason=reason)
    _bump_content(article, by=by, reason=reason)
    return article


@transaction.atomic
def claim_reword(
    *,
    article: Article,
    by,
    expected_version: int,
    uid: str,
    text: str,
    plain_text: str,
    reason: str = "Claim edited",
) -> Article:
    """Change one claim's wording and plain-language version, nothing else: the same record as
    ``article_replace_content`` (the claim's version and history, the content version, the
    contributors), written to the one row without rereading the body (an autosave)."""
    policy.ensure(by, policy.EDIT, article)
    lock_article(article, expected_version=expected_version)
    claim = Claim.objects.filter(article=article, uid=uid).first()
    if claim is None:
        raise ValidationError({"claim": "This claim is no longer in the article; reload the page."})
    data = ClaimData(kind=ClaimKind(claim.kind), text=text, plain_text=plain_text)
    limits.ensure_within(ArticleContent(title=article.title, claims=(data,)))
    _validate_claim(data, claim.position)
    fields = _claim_fields(data)
    if (claim.text, claim.plain_text) == (fields["text"], fields["plain_text"]):
        return article
    claim.text, claim.plain_text = fields["text"], fields["plain_text"]
    claim.version += 1
    claim._history_user = by
    claim._change_reason = reason[:100]
    claim.save(update_fields=["text", "plain_text", "version"])
    _bump_content(article, by=by, reason=reason)
    return article


# What a quoted passage and its place in the source may hold.
PASSAGE_MAX_CHARS = 2000
LOCATOR_MAX_CHARS = 120


@transaction.atomic
def citation_passage_set(
    *,
    article: Article,
    by,
    expected_version: int,
    uid: str,
    reference_id: int,
    quote: str,
    locator: str = "",
) -> Article:
    """Quote the passage of a cited source that supports a claim, and say where it is (page,
    section, table); an empty quote clears it. The passage is reviewed with the claim, so
    a change bumps the claim's version and makes its verdicts stale."""
    policy.ensure(by, policy.EDIT, article)
    quote, locator = (quote or "").strip(), " ".join((locator or "").split())
    errors = {}
    if len(quote) > PASSAGE_MAX_CHARS:
        errors["quote"] = f"Keep the passage to {PASSAGE_MAX_CHARS:,} characters; quote less."
    if len(locator) > LOCATOR_MAX_CHARS:
        errors["locator"] = f"Keep where it is to {LOCATOR_MAX_CHARS} characters."
    if locator and not quote:
        errors["quote"] = "Quote the passage, or clear where it is as well."
    if errors:
        raise ValidationError(errors)
    lock_article(article, expected_version=expected_version)
    claim = Claim.objects.filter(article=article, uid=uid).first()
    if claim is None:
        raise ValidationError({"claim": "This claim is no longer in the article; reload the page."})
    rows = list(claim.citations.filter(reference_id=reference_id))
    if not rows:
        raise ValidationError(
            {"reference": "The claim no longer cites this reference; cite it before quoting it."}
        )
    if all((r.passage, r.passage_locator) == (quote, locator) for r in rows):
        return article
    for row in rows:
        row.passage, row.passage_locator = quote, locator
        row._history_user = by
        row.save(update_fields=["passage", "passage_locator"])
    reason = "Quoted passage changed" if quote else "Quoted passage removed"
    claim.version += 1
    claim._history_user = by
    claim._change_reason = reason
    claim.save(update_fields=["version"])
    _bump_content(article, by=by, reason=reason)
    return article


def _bump_content(article: Article, *, by, reason: str) -> None:
    article.content_version += 1
    article.last_updated = timezone.localdate()
    article.forget_cached_content()
    save_article(article, by=by, reason=reason)
    article.contributors.add(by)


def _citation_rows(
    claim: Claim, data: ClaimData, references: list[Reference], previous: Sequence[Citation] = ()
) -> list[Citation]:
    """The claim's citations as ``data`` numbers them.

    A cited reference keeps the passage quoted from it: the one ``data`` carries,
    else the one the claim had for that reference. Doors that know nothing of
    passages (the text formats, a claim's form) so never drop one; a passage is
    changed or cleared by ``citation_passage_set`` alone.
    """
    kept = {c.reference_id: c for c in previous if c.reference_id is not None and c.passage}
    rows = []
    for position, number in enumerate(data.citations):
        if not 1 <= number <= len(references):
            rows.append(Citation(claim=claim, position=position, unresolved_label=str(number)))
            continue
        reference = references[number - 1]
        row = Citation(claim=claim, position=position, reference=reference)
        if passage := data.passage_for(number):
            row.passage, row.passage_locator = passage.quote, passage.locator
        elif earlier := kept.get(reference.pk):
            row.passage, row.passage_locator = earlier.passage, earlier.passage_locator
        rows.append(row)
    return rows


def _citation_key(citation: Citation) -> tuple:
    return (
        citation.reference_id,
        citation.unresolved_label,
        citation.passage,
        citation.passage_locator,
    )


def _validate_claim(data: ClaimData, index: int) -> None:
    if not data.text.strip():
        raise ValidationError({"body": f"Claim {index + 1} is empty."})
    if data.level > 5:
        raise ValidationError({"body": f"Claim {index + 1} is nested deeper than 5 levels."})
    if ClaimKind(data.kind).is_heading and data.citations:
        # Every door writes through here: the desk, the importers, the API.
        raise ValidationError(
            {
                "body": f"Claim {index + 1} is a heading: headings state no fact and cite "
                "nothing, so remove its citations."
            }
        )
    if refusal := evidence.level_refusal(
        level=data.evidence,
        is_heading=ClaimKind(data.kind).is_heading,
        needs_no_citation=data.needs_no_citation,
    ):
        raise ValidationError({"evidence": f"Claim {index + 1}: {refusal}."})


def _write_claims(article: Article, content: ArticleContent, *, by, reason: str) -> None:
    """Bring the article's claims and citations in line with ``content``.

    A claim whose uid matches an existing one is updated in place (and its
    version bumped when anything readers see of it changes); the rest are
    created; claims no longer present are deleted. The query count depends on
    the number of changed claims, not on the size of the article.
    """
    limits.ensure_within(content)
    for index, data in enumerate(content.claims):
        _validate_claim(data, index)
    references = references_get_or_create(datas=list(content.references), by=by)
    existing = {str(c.uid): c for c in article.claims.prefetch_related("citations")}
    keep: set[str] = set()
    new_claims: list[Claim] = []
    new_citations: list[Citation] = []
    stale_citation_claims: list[int] = []
    moved: list[Claim] = []
    for position, data in enumerate(content.claims):
        claim = existing.get(data.uid) if data.uid else None
        if claim is None or data.uid in keep:
            claim = Claim(article=article, position=position, **_claim_fields(data))
            if _is_uuid(data.uid) and data.uid not in existing and data.uid not in keep:
                claim.uid = data.uid  # a claim coming back (restored) keeps its identity
                keep.add(data.uid)
            new_claims.append(claim)
            new_citations.extend(_citation_rows(claim, data, references))
            continue
        keep.add(data.uid)
        wanted = _citation_rows(claim, data, references, list(claim.citations.all()))
        citations_changed = [_citation_key(c) for c in claim.citations.all()] != [
            _citation_key(c) for c in wanted
        ]
        fields = _claim_fields(data)
        shown_changed = citations_changed or any(
            getattr(claim, f) != fields[f] for f in CLAIM_SHOWN_FIELDS
        )
        if citations_changed:
            stale_citation_claims.append(claim.pk)
            new_citations.extend(wanted)
        if shown_changed:
            for f, v in fields.items():
                setattr(claim, f, v)
            claim.position = position
            claim.version += 1
            claim._history_user = by
            claim._change_reason = reason[:100]
            claim.save()
        elif claim.position != position:
            # Only moved (a claim added or removed above it): one update for all of them.
            claim.position = position
            moved.append(claim)
    if moved:
        bulk_update_with_history(
            moved, Claim, ["position"], default_user=by, default_change_reason=reason[:100]
        )
    removed = [c for uid, c in existing.items() if uid not in keep]
    for claim in removed:
        claim._history_user = by
        claim._change_reason = reason[:100]
        claim.delete()
    if stale_citation_claims:
        for citation in Citation.objects.filter(claim_id__in=stale_citation_claims):
            citation._history_user = by
            citation.delete()
    if new_claims:
        # SQLite (3.35+) and PostgreSQL both return the new primary keys.
        bulk_create_with_history(
            new_claims, Claim, default_user=by, default_change_reason=reason[:100]
        )
    if new_citations:
        bulk_create_with_history(
            new_citations, Citation, default_user=by, default_change_reason=reason[:100]
        )
    article.forget_cached_content()


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError):
        return False
    return True


def _claim_fields(data: ClaimData) -> dict[str, Any]:
    kind = ClaimKind(data.kind)
    return {
        "kind": kind.value,
        "level": data.level if kind.is_list_item else 0,
        "text": data.text.strip(),
        "plain_text": data.plain_text.strip(),
        "needs_no_citation": data.needs_no_citation and not kind.is_heading,
        "evidence": data.evidence,
    }


@transaction.atomic
def citation_resolve(
    *, article: Article, by, expected_version: int, number: int, reference: Reference
) -> Article:
    """Put a library reference behind an unresolved citation number of a draft."""
    content = article_get_content(article=article)
    unresolved = content.unresolved_numbers()
    if number not in unresolved:
        raise ValidationError({"number": f"Citation {number} is not unresolved in this article."})
    # The reference joins the list as n+1; the other unresolved numbers follow it.
    new_number = len(content.references) + 1
    others = [n for n in unresolved if n != number]
    renumber = {number: new_number, **{n: new_number + 1 + i for i, n in enumerate(others)}}
    updated = dataclasses.replace(
        content,
        claims=tuple(
            dataclasses.replace(c, citations=tuple(renumber.get(n, n) for n in c.citations))
            for c in content.claims
        ),
        references=(*content.references, reference_to_data(reference)),
    )
    return article_replace_content(
        article=article,
        by=by,
        expected_version=expected_version,
        content=updated,
        reason=f"Citation {number} resolved",
    )


@transaction.atomic
def article_revert(*, article: Article, by, to, expected_version: int | None = None) -> Article:
    """Restore the content the article had at ``to`` (a datetime) as a new draft.

    Never bypasses review: an approved article first starts a new revision, and
    an article in review must be withdrawn or sent back before it can be reverted.
    """
    if article.state == ArticleState.APPROVED:
        article_revise(article=article, by=by)
    policy.ensure(by, policy.EDIT, article)
    old = article_content_as_of(article=article, when=to)
    if old is None:
        raise ValidationError({"to": "The article did not exist at that time."})
    return article_replace_content(
        article=article,
        by=by,
        expected_version=article.content_version if expected_version is None else expected_version,
        content=old,
        reason=f"Reverted to {to:%Y-%m-%d %H:%M}",
    )


# Saves of one claim by one editor this close together are one edit in the history:
# autosave sends one about a second after typing stops.
EDIT_BURST = datetime.timedelta(minutes=5)


def history_merge_burst(*, article: Article, uid: str, by, reason: str) -> int:
    """Fold the save just made into the same editor's previous save of the same claim.

    When the claim's previous history entry and the article's are that editor's
    own, of the same kind (``reason``), and less than ``EDIT_BURST`` old, they
    are superseded by the entries just written and removed, so a burst of
    autosaves leaves one entry for the claim and one for the article. Anything
    in between by someone else, or of another kind, keeps the earlier entries.
    Returns how many entries were folded.
    """
    claim = Claim.objects.filter(article=article, uid=uid).first()
    if claim is None:
        return 0
    folded = 0
    for history in (claim.history, article.history):
        rows = list(history.order_by("-history_date", "-history_id")[:2])
        if len(rows) == 2 and _one_burst(
            *rows, by=by, reason=reason, since=article.last_transition_at
        ):
            rows[1].delete()
            folded += 1
    return folded


def _one_burst(latest, previous, *, by, reason: str, since) -> bool:
    # Never across a workflow step: the content as it stood when the article was submitted
    # or sent back is what the board's rounds are compared with (``article_content_as_of``).
    return (
        latest.history_user_id == previous.history_user_id == by.pk
        and latest.history_change_reason == previous.history_change_reason == reason
        and previous.history_type == "~"
        and latest.history_date - previous.history_date < EDIT_BURST
        and (since is None or previous.history_date > since)
    )
