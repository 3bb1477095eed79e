"""Writes: the only code that creates, edits or moves articles.

Every service takes keyword-only arguments, runs in one transaction, checks
both the workflow edge and the acting user's permission (django-fsm checks
permissions only when asked), records who and why for the history, and defers
notifications until the transaction commits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm
from simple_history.utils import bulk_create_with_history

from articles import notifications, workflow
from articles.content import (
    ArticleContent,
    ClaimData,
    ClaimKind,
    ReferenceData,
    content_from_dict,
    content_to_dict,
)
from articles.errors import ConditionsNotMet, ContentLocked, EditConflict, WorkflowConflict
from articles.models import (
    Article,
    ArticleApproval,
    ArticleSearchEntry,
    ArticleTransition,
    ArticleVersion,
    Citation,
    Claim,
    ClaimReview,
    Reference,
)
from articles.selectors import article_get_content, policy_get_in_force, reference_to_data
from public import freshness
from public.rendered import rendered_body_prepare

# What each unmet condition means to the person who asked for the transition.
CONDITION_MESSAGES: dict[Callable, str] = {
    workflow.has_title: "The article has no question (title).",
    workflow.has_claims: "The article has no claims yet.",
    workflow.every_fact_claim_is_cited: (
        "Some claims state a fact without citing a reference; cite one or mark the claim "
        "as needing none."
    ),
    workflow.has_no_unresolved_citation: (
        "Some citations point to a number with no reference behind it."
    ),
    workflow.every_fact_claim_is_verified: (
        "Not every claim has been verified by a board reviewer as it now reads."
    ),
}


# -- Guards ------------------------------------------------------------------------


def ensure_can(bound_method, user) -> None:
    """Raise unless ``user`` may take this transition on the article now.

    Wrong state -> TransitionNotAllowed (409); not allowed for this user ->
    PermissionDenied (403); article not ready -> ConditionsNotMet (409).
    """
    article = bound_method.__self__
    name = bound_method.__name__
    if not can_proceed(bound_method, check_conditions=False):
        raise TransitionNotAllowed(
            f"Cannot {name.replace('_', ' ')}: the article is {article.get_state_display().lower()}."
        )
    meta = bound_method._django_fsm
    if not meta.has_transition_perm(article, article.state, user):
        raise PermissionDenied(f"You may not {name.replace('_', ' ')} this article.")
    if not has_transition_perm(bound_method, user):
        transition = meta.get_transition(article.state)
        reasons = [
            CONDITION_MESSAGES.get(condition, condition.__name__)
            for condition in transition.conditions
            if not condition(article)
        ]
        raise ConditionsNotMet(
            f"Cannot {name.replace('_', ' ')} yet: " + " ".join(reasons), reasons=reasons
        )


def _lock(article: Article, *, expected_version: int | None = None) -> None:
    """Lock the article's row for this transaction and check it is the one the user saw.

    On PostgreSQL this is a row lock; on SQLite the IMMEDIATE transaction mode
    has already serialised writers.
    """
    state, content_version = (
        Article.objects.select_for_update()
        .values_list("state", "content_version")
        .get(pk=article.pk)
    )
    if expected_version is not None and content_version != expected_version:
        raise EditConflict(
            "The article was changed by someone else since you opened it.",
            current_version=content_version,
        )
    if state != article.state:
        raise WorkflowConflict(
            f"The article was moved to {workflow.ArticleState(state).label.lower()} "
            "by someone else meanwhile. Reload it to see its current state."
        )


def _ensure_editable(article: Article, user) -> None:
    if not workflow.can_edit(article, user):
        raise PermissionDenied("You may not edit articles.")
    if not workflow.is_content_editable(article):
        raise ContentLocked(
            f"The article is {article.get_state_display().lower()}; content changes only in "
            "draft (start a new revision first)."
        )


def _save_article(article: Article, *, by, reason: str) -> None:
    article._history_user = by
    # The history keeps a short reason; the full comment is in ArticleTransition.
    article._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"
    article.full_clean(exclude=["published_version", "contributors", "state"])
    article.save()


# Transitions that put an article in the review queue.
ENTERS_QUEUE = ("submit", "receive_import")


def _note_transition(article: Article, name: str) -> None:
    """Stamp the article with its latest step (saved with the transition itself)."""
    article.last_transition = name
    article.last_transition_at = timezone.now()
    if name in ENTERS_QUEUE:
        article.queued_at = article.last_transition_at


def _record_transition(article: Article, *, name: str, source: str, by, comment: str) -> None:
    ArticleTransition.objects.create(
        article=article,
        name=name,
        source=source,
        target=article.state,
        actor=by if by is not None and by.is_authenticated else None,
        comment=comment,
        revision=article.revision,
    )


def _require_comment(comment: str, what: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": f"A comment is required to {what}."})
    return comment


def _take_transition(
    article: Article,
    name: str,
    *,
    by,
    comment: str = "",
    reason: str = "",
    expected_version: int | None = None,
    before_save: Callable[[], None] | None = None,
) -> Article:
    """Check, change, save, audit: the same steps in the same order for every transition."""
    bound = getattr(article, name)
    ensure_can(bound, by)
    _lock(article, expected_version=expected_version)
    source = article.state
    bound()
    _note_transition(article, name)
    if before_save:
        before_save()
    why = reason or name.replace("_", " ").capitalize()
    _save_article(article, by=by, reason=f"{why}: {comment}" if comment else why)
    _record_transition(article, name=name, source=source, by=by, comment=comment)
    _refresh_search_entry(article)
    freshness.bump()  # public pages show the state: kept ones must be rendered again
    return article


# States whose articles readers may see while they await the board (the site may
# hide them at read time, so they are always indexed).
PUBLIC_PENDING_STATES = (workflow.ArticleState.SUBMITTED, workflow.ArticleState.UNDER_REVIEW)


def _refresh_search_entry(article: Article) -> None:
    """Bring the article's public search entry in line with what readers now see.

    Readers see the approved snapshot when there is one, else the pending
    submission; drafts never approved and retracted articles have no entry.
    Called by every service that changes which version readers see.
    """
    approved = article.published_version_id is not None
    pending = article.state in PUBLIC_PENDING_STATES
    if article.state == workflow.ArticleState.ARCHIVED or not (approved or pending):
        ArticleSearchEntry.objects.filter(article_id=article.pk).delete()
        return
    if approved:
        version = article.published_version
        content = content_from_dict(version.content)
        title, heading, shown_updated = content.title, content.display_heading, version.last_updated
        texts = [(claim.text, claim.plain_text) for claim in content.claims]
    else:
        title, heading, shown_updated = article.title, article.display_heading, article.last_updated
        texts = article.claims.order_by("position", "pk").values_list("text", "plain_text")
    body = "\n".join(line for pair in texts for line in pair if line)
    fields = {
        "title": title,
        "display_heading": heading,
        "body": body,
        "shown_updated": shown_updated,
    }
    if settings.IS_POSTGRES:
        fields["search_vector"] = ArticleSearchEntry.document(
            title=title, display_heading=heading, body=body
        )
    # Update, else insert: two statements at most, and the same count on both databases.
    if not ArticleSearchEntry.objects.filter(article_id=article.pk).update(**fields):
        ArticleSearchEntry.objects.create(article_id=article.pk, **fields)


# -- References --------------------------------------------------------------------


def _clean_identifier(value: str) -> str:
    return (value or "").strip()


@transaction.atomic
def reference_get_or_create(*, data: ReferenceData, by=None) -> Reference:
    """The library entry for this work, created if new.

    Same DOI, same PMID, or same normalised title + source + year is the same work.
    """
    doi = _clean_identifier(data.doi).lower()
    pmid = _clean_identifier(data.pmid)
    key = Reference.make_dedup_key(title=data.title, source=data.source, year=data.year)
    for lookup in (
        {"doi": doi} if doi else None,
        {"pmid": pmid} if pmid else None,
        {"dedup_key": key},
    ):
        if lookup:
            existing = Reference.objects.filter(**lookup).first()
            if existing is not None:
                return _complete_reference(existing, data, doi=doi, pmid=pmid, by=by)
    reference = Reference(
        kind=data.kind.value,
        title=data.title.strip(),
        source=data.source.strip(),
        year=data.year,
        authors=data.authors.strip(),
        doi=doi,
        pmid=pmid,
        url=data.url.strip(),
    )
    reference._history_user = by
    reference.full_clean(exclude=["dedup_key"])
    reference.save()
    return reference


def _complete_reference(
    reference: Reference, data: ReferenceData, *, doi: str, pmid: str, by
) -> Reference:
    """Fill identifiers the library lacks; never overwrite what it already holds."""
    changed = False
    for field, value in (
        ("doi", doi),
        ("pmid", pmid),
        ("authors", data.authors.strip()),
        ("url", data.url.strip()),
    ):
        if value and not getattr(reference, field):
            setattr(reference, field, value)
            changed = True
    if changed:
        reference._history_user = by
        reference._change_reason = "Identifiers completed"
        reference.full_clean(exclude=["dedup_key"])
        reference.save()
    return reference


# -- Creating and editing articles -------------------------------------------------


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
    if not workflow.can_edit(None, by):
        raise PermissionDenied("You may not create articles.")
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
    _save_article(article, by=by, reason=reason)
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
    _ensure_editable(article, by)
    _lock(article, expected_version=expected_version)
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
    _ensure_editable(article, by)
    _lock(article, expected_version=expected_version)
    if content.title.strip():
        article.title = content.title.strip()
    article.display_heading = content.display_heading.strip()
    _write_claims(article, content, by=by, reason=reason)
    _bump_content(article, by=by, reason=reason)
    return article


def _bump_content(article: Article, *, by, reason: str) -> None:
    article.content_version += 1
    article.last_updated = timezone.localdate()
    article.forget_cached_content()
    _save_article(article, by=by, reason=reason)
    article.contributors.add(by)


def _resolve_references(content: ArticleContent, *, by) -> list[Reference]:
    return [reference_get_or_create(data=data, by=by) for data in content.references]


def _citation_rows(
    claim: Claim, numbers: Sequence[int], references: list[Reference]
) -> list[Citation]:
    rows = []
    for position, number in enumerate(numbers):
        if 1 <= number <= len(references):
            rows.append(Citation(claim=claim, position=position, reference=references[number - 1]))
        else:
            rows.append(Citation(claim=claim, position=position, unresolved_label=str(number)))
    return rows


def _citation_key(citation: Citation) -> tuple:
    return (citation.reference_id, citation.unresolved_label)


def _validate_claim(data: ClaimData, index: int) -> None:
    if not data.text.strip():
        raise ValidationError({"body": f"Claim {index + 1} is empty."})
    if data.level > 5:
        raise ValidationError({"body": f"Claim {index + 1} is nested deeper than 5 levels."})


def _write_claims(article: Article, content: ArticleContent, *, by, reason: str) -> None:
    """Bring the article's claims and citations in line with ``content``.

    A claim whose uid matches an existing one is updated in place (and its
    version bumped when its wording or citations change); the rest are created;
    claims no longer present are deleted. The query count depends on the number
    of changed claims, not on the size of the article.
    """
    for index, data in enumerate(content.claims):
        _validate_claim(data, index)
    references = _resolve_references(content, by=by)
    existing = {str(c.uid): c for c in article.claims.prefetch_related("citations")}
    keep: set[str] = set()
    new_claims: list[Claim] = []
    new_citations: list[Citation] = []
    stale_citation_claims: list[int] = []
    for position, data in enumerate(content.claims):
        claim = existing.get(data.uid) if data.uid else None
        if claim is None or data.uid in keep:
            claim = Claim(article=article, position=position, **_claim_fields(data))
            new_claims.append(claim)
            new_citations.extend(_citation_rows(claim, data.citations, references))
            continue
        keep.add(data.uid)
        wanted = _citation_rows(claim, data.citations, references)
        citations_changed = [_citation_key(c) for c in claim.citations.all()] != [
            _citation_key(c) for c in wanted
        ]
        fields = _claim_fields(data)
        wording_changed = citations_changed or any(
            getattr(claim, f) != v for f, v in fields.items() if f in ("text", "kind", "level")
        )
        changed = (
            wording_changed
            or claim.position != position
            or any(getattr(claim, f) != v for f, v in fields.items())
        )
        if citations_changed:
            stale_citation_claims.append(claim.pk)
            new_citations.extend(wanted)
        if changed:
            for f, v in fields.items():
                setattr(claim, f, v)
            claim.position = position
            if wording_changed:
                claim.version += 1
            claim._history_user = by
            claim._change_reason = reason[:100]
            claim.save()
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


def _claim_fields(data: ClaimData) -> dict[str, Any]:
    kind = ClaimKind(data.kind)
    return {
        "kind": kind.value,
        "level": data.level if kind.is_list_item else 0,
        "text": data.text.strip(),
        "plain_text": data.plain_text.strip(),
        "needs_no_citation": data.needs_no_citation and not kind.is_heading,
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


# -- The workflow --------------------------------------------------------------------


@transaction.atomic
def article_submit(
    *, article: Article, by, summary: str = "", expected_version: int | None = None
) -> Article:
    """An editor submits a draft for board review, saying what this revision changed."""
    ensure_can(article.submit, by)
    summary = (summary or "").strip()
    if article.published_version_id and not summary:
        raise ValidationError(
            {
                "summary": "Say in one line what this revision changes; readers see it in the review history."
            }
        )
    if len(summary) > 300:
        raise ValidationError({"summary": "Keep the summary to one line (300 characters at most)."})

    def remember_summary() -> None:
        article.change_summary = summary

    _take_transition(
        article,
        "submit",
        by=by,
        comment=summary,
        reason="Submitted for review",
        expected_version=expected_version,
        before_save=remember_summary,
    )
    transaction.on_commit(lambda: notifications.notify_board_of_submission(article_id=article.pk))
    return article


@transaction.atomic
def article_receive_import(*, article: Article, by, note: str) -> Article:
    """An imported article enters the review queue as its source shows it: submitted."""
    return _take_transition(article, "receive_import", by=by, comment=note, reason="Imported")


@transaction.atomic
def article_withdraw(*, article: Article, by, comment: str = "") -> Article:
    """The editor takes a submitted article back to draft before review starts."""
    return _take_transition(article, "withdraw", by=by, comment=comment, reason="Withdrawn")


@transaction.atomic
def article_start_review(*, article: Article, by) -> Article:
    """A board reviewer takes a submitted article and becomes its assigned reviewer."""

    def assign() -> None:
        article.assigned_reviewer = by

    return _take_transition(
        article, "start_review", by=by, reason="Review started", before_save=assign
    )


@transaction.atomic
def article_request_changes(
    *, article: Article, by, comment: str, expected_version: int | None = None
) -> Article:
    """A board reviewer sends the article back to its editors with a comment."""
    comment = _require_comment(comment, "request changes")
    _take_transition(
        article,
        "request_changes",
        by=by,
        comment=comment,
        reason="Changes requested",
        expected_version=expected_version,
    )
    transaction.on_commit(
        lambda: notifications.notify_editors(article_id=article.pk, event="changes_requested")
    )
    return article


@transaction.atomic
def article_approve(
    *, article: Article, by, comment: str = "", expected_version: int | None = None
) -> Article:
    """A board reviewer signs off this revision; with enough sign-offs it is published.

    Approval snapshots the content exactly as reviewed. "Last updated" moves only
    when that content differs from the previously approved version; a re-review
    that changes nothing updates the review date alone.
    """
    comment = (comment or "").strip()
    ensure_can(article.approve, by)
    _lock(article, expected_version=expected_version)
    freshness.bump()  # public pages show the approval, even a partial one's reviewers
    ArticleApproval.objects.get_or_create(
        article=article,
        content_version=article.content_version,
        reviewer=by,
        defaults={"revision": article.revision, "comment": comment},
    )
    signers = list(
        ArticleApproval.objects.filter(
            article=article, content_version=article.content_version
        ).values_list("reviewer_id", flat=True)
    )
    if len(set(signers)) < settings.REQUIRED_APPROVALS:
        _record_transition(
            article,
            name="approve_partial",
            source=article.state,
            by=by,
            comment=comment or f"Approval {len(set(signers))} of {settings.REQUIRED_APPROVALS}",
        )
        return article

    now = timezone.now()
    content = content_to_dict(article_get_content(article=article))
    content_hash = ArticleVersion.hash_content(content)
    previous = article.published_version
    if previous is None or previous.content_hash != content_hash:
        article.last_updated = timezone.localdate(now)
    else:
        article.last_updated = previous.last_updated
    content["last_updated"] = article.last_updated.isoformat()
    version = ArticleVersion.objects.create(
        article=article,
        revision=article.revision,
        content=content,
        content_hash=content_hash,
        last_updated=article.last_updated,
        approved_at=now,
        approved_by=by,
        policy=policy_get_in_force(on=timezone.localdate(now)),
        change_summary=article.change_summary,
        comment=comment,
    )
    version.reviewers.set(set(signers))

    source = article.state
    article.approve()
    _note_transition(article, "approve")
    article.published_version = version
    _save_article(article, by=by, reason=f"Approved: {comment}" if comment else "Approved")
    _record_transition(article, name="approve", source=source, by=by, comment=comment)
    _refresh_search_entry(article)
    transaction.on_commit(lambda: rendered_body_prepare(version_id=version.pk))
    transaction.on_commit(
        lambda: notifications.notify_editors(article_id=article.pk, event="approved")
    )
    return article


@transaction.atomic
def article_revise(*, article: Article, by) -> Article:
    """An editor starts a new revision of an approved article; readers keep the approved one."""

    def new_revision() -> None:
        article.revision += 1
        article.change_summary = ""
        article.assigned_reviewer = None

    _take_transition(
        article, "revise", by=by, reason="New revision started", before_save=new_revision
    )
    # A new revision has new authors: only they are barred from approving it.
    article.contributors.set([by])
    return article


@transaction.atomic
def article_retract(*, article: Article, by, comment: str) -> Article:
    """A site admin withdraws the article from publication for good."""
    comment = _require_comment(comment, "retract an article")
    return _take_transition(article, "retract", by=by, comment=comment, reason="Retracted")


TRANSITION_SERVICES: dict[str, Callable[..., Article]] = {
    "submit": article_submit,
    "withdraw": article_withdraw,
    "start_review": article_start_review,
    "request_changes": article_request_changes,
    "approve": article_approve,
    "revise": article_revise,
    "retract": article_retract,
}


# -- Claim review --------------------------------------------------------------------


@transaction.atomic
def claim_review(*, claim: Claim, by, verdict: str, comment: str = "") -> ClaimReview:
    """A board reviewer marks one claim of an article under review Verified or Needs change."""
    article = claim.article
    if not workflow.can_review(article, by):
        raise PermissionDenied("Only board reviewers review claims.")
    if article.state != workflow.ArticleState.UNDER_REVIEW:
        raise TransitionNotAllowed("Claims are reviewed only while the article is under review.")
    if verdict not in ClaimReview.Verdict.values:
        raise ValidationError({"verdict": "Choose Verified or Needs change."})
    comment = (comment or "").strip()
    if verdict == ClaimReview.Verdict.NEEDS_CHANGE and not comment:
        raise ValidationError({"comment": "Say what needs to change."})
    review = ClaimReview.objects.create(
        claim=claim, claim_version=claim.version, reviewer=by, verdict=verdict, comment=comment
    )
    article.forget_cached_content()
    return review


# -- Reverting ------------------------------------------------------------------------


@transaction.atomic
def article_revert(*, article: Article, by, to, expected_version: int | None = None) -> Article:
    """Restore the content the article had at ``to`` (a datetime) as a new draft.

    Never bypasses review: an approved article first starts a new revision, and
    an article in review must be withdrawn or sent back before it can be reverted.
    """
    from articles.history import article_content_as_of

    if article.state == workflow.ArticleState.APPROVED:
        article_revise(article=article, by=by)
    _ensure_editable(article, by)
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
