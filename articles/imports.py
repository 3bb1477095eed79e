"""Import service: articles drafted elsewhere enter the product through here.

A file is parsed (``articles.interchange``), then written through the same
services as the desk, in one transaction per file: a file that fails leaves
nothing behind, and every import is on record in the history and the
transition log.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from articles import services
from articles.content import ArticleContent
from articles.errors import WorkflowConflict
from articles.matching import carry_uids
from articles.models import Article
from articles.permissions import EDITORS, IMPORTER_USERNAME
from articles.selectors import article_get_content
from articles.states import ArticleState


class ImportOutcome(enum.StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    REVISED = "revised"


@dataclass(frozen=True)
class ImportResult:
    article: Article
    outcome: ImportOutcome


def importer_user():
    """The account imports are recorded under when no person is named."""
    user, created = get_user_model().objects.get_or_create(
        username=IMPORTER_USERNAME, defaults={"first_name": "Import", "last_name": "pipeline"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


def _comparable(content: ArticleContent) -> ArticleContent:
    """What an import can say about an article: no uids, no date."""
    return dataclasses.replace(
        content,
        last_updated=None,
        claims=tuple(dataclasses.replace(c, uid="") for c in content.claims),
    )


def _carry_over(current: ArticleContent, incoming: ArticleContent) -> ArticleContent:
    """Keep what the incoming format cannot say (uids, plain-language text) from the article."""
    return dataclasses.replace(
        incoming, claims=carry_uids(current.claims, incoming.claims, keep_unwritten=True)
    )


@transaction.atomic
def article_import(*, content: ArticleContent, by, source_name: str) -> ImportResult:
    """Create the article from an imported file, or bring an earlier import up to date.

    New articles arrive Submitted, as their source shows them. Re-importing the
    same content changes nothing; changed content becomes a new draft revision
    of the same article, never a duplicate.
    """
    existing = Article.objects.filter(slug=slugify(content.title)[:300]).first()
    if existing is None:
        article = services.article_create(
            by=by, title=content.title, content=content, reason=f"Imported from {source_name}"
        )
        services.article_receive_import(article=article, by=by, note=f"Imported from {source_name}")
        return ImportResult(article, ImportOutcome.CREATED)

    current = article_get_content(article=existing)
    incoming = _carry_over(current, content)
    if _comparable(incoming) == _comparable(current):
        return ImportResult(existing, ImportOutcome.UNCHANGED)
    if existing.state == ArticleState.UNDER_REVIEW:
        raise WorkflowConflict(
            f'"{existing.title}" is under review; the board must send it back before a new '
            "version can be imported."
        )
    if existing.state == ArticleState.RETRACTED:
        raise WorkflowConflict(f'"{existing.title}" was retracted; it cannot be imported again.')
    if existing.state == ArticleState.APPROVED:
        services.article_revise(article=existing, by=by)
    elif existing.state == ArticleState.SUBMITTED:
        services.article_withdraw(
            article=existing, by=by, comment=f"A newer version arrived: {source_name}"
        )
    services.article_replace_content(
        article=existing,
        by=by,
        expected_version=existing.content_version,
        content=incoming,
        reason=f"Imported from {source_name}",
    )
    return ImportResult(existing, ImportOutcome.REVISED)
