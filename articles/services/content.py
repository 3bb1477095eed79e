"""Writing content: creating drafts, editing them, replacing their body, restoring a past one.

The rows of the body are written by ``articles.services.claim_rows``; edits of one claim
at a time are ``articles.services.claims``.

Content changes only in draft (``articles.policy``), so an approval covers
exactly what was reviewed; every change bumps the article's content version,
which edits name to detect conflicting saves.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles import policy
from articles.content import ArticleContent
from articles.history import article_content_as_of
from articles.models import Article, Reference
from articles.selectors import article_get_content, reference_to_data
from articles.services.claim_rows import write_claims
from articles.services.steps import lock_article, save_article
from articles.services.transitions import article_revise
from articles.states import ArticleState


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
        write_claims(article, content, by=by, reason=reason, fresh=True)
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
    bump_content(article, by=by, reason=reason)
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
    write_claims(article, content, by=by, reason=reason)
    bump_content(article, by=by, reason=reason)
    return article


def bump_content(article: Article, *, by, reason: str) -> None:
    """Record a change of the body: a new content version, dated today, by a contributor."""
    article.content_version += 1
    article.last_updated = timezone.localdate()
    article.forget_cached_content()
    save_article(article, by=by, reason=reason)
    article.contributors.add(by)


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
