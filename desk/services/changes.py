"""The one path every structured edit of a body takes: a change applied under the row lock to
the content as it stands, levels refitted, then saved through ``articles.services``."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction

from articles import policy, services
from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.errors import EditConflict
from articles.models import Article, Claim
from articles.selectors import article_get_content
from articles.services import lock_article


def claim_index(content: ArticleContent, uid: str) -> int:
    """Where the claim ``uid`` stands in ``content``; refused when it is gone (edited away)."""
    for index, claim in enumerate(content.claims):
        if claim.uid == uid:
            return index
    raise ValidationError({"claim": "This claim is no longer in the article; reload the page."})


MAX_LEVEL = 5
HEADING_CITES_NOTHING = "Headings state no fact and cite nothing; remove the citations first."


@transaction.atomic
def change_content(
    *,
    article: Article,
    by,
    expected_version: int,
    change,
    reason: str,
    claim_version: tuple[str, int] | None = None,
) -> Article:
    """Apply ``change`` (content -> content) to the body as it stands, under the row lock.

    The version the editor started from is checked before the content is read,
    so the change is made to exactly what they saw; a change that alters
    nothing saves nothing (the content version stays). With ``claim_version``
    (a claim's uid and the version of it the editor started from), only that
    claim is checked: others may have changed meanwhile, by anyone, without
    refusing an edit that touches none of them.
    """
    policy.ensure(by, policy.EDIT, article)
    if claim_version is None:
        lock_article(article, expected_version=expected_version)
    else:
        expected_version = lock_for_claim(article, *claim_version)
    article.forget_cached_content()
    content = article_get_content(article=article)
    changed = _refitted(change(content))
    if changed == content:
        return article
    if (reworded := _reworded_only(content, changed)) is not None:
        return services.claim_reword(
            article=article,
            by=by,
            expected_version=expected_version,
            uid=reworded.uid,
            text=reworded.text,
            plain_text=reworded.plain_text,
            reason=reason,
        )
    return services.article_replace_content(
        article=article, by=by, expected_version=expected_version, content=changed, reason=reason
    )


def _reworded_only(content: ArticleContent, changed: ArticleContent) -> ClaimData | None:
    """The one claim of ``changed`` whose wording or plain-language version alone differ from
    ``content``, when nothing else differs (the usual autosave); else None."""
    if (content.title, content.display_heading, content.references) != (
        changed.title,
        changed.display_heading,
        changed.references,
    ) or len(content.claims) != len(changed.claims):
        return None
    different = [
        (old, new) for old, new in zip(content.claims, changed.claims, strict=True) if old != new
    ]
    if len(different) != 1:
        return None
    old, new = different[0]
    same = dataclasses.replace(new, text=old.text, plain_text=old.plain_text)
    return new if same == old and new.uid else None


def lock_for_claim(article: Article, uid: str, version: int) -> int:
    """Lock the article for an edit of one claim that names the claim's version, not the
    article's: refused only when that claim changed. The content version to write on."""
    lock_article(article)
    article.refresh_from_db(fields=["content_version"])  # a conflict names the current one
    claim_check_version(article=article, uid=uid, version=version)
    return article.content_version


def claim_check_version(*, article: Article, uid: str, version: int) -> None:
    """Refuse when the claim changed since the editor's version of it (EditConflict, 409)."""
    current = Claim.objects.filter(article=article, uid=uid).values_list("version", flat=True)
    current = current.first()
    if current is None:
        raise ValidationError({"claim": "This claim is no longer in the article; reload the page."})
    if current != version:
        raise EditConflict(
            "Someone else changed this claim after you started; your text is kept beside theirs.",
            current_version=article.content_version,
        )


def replace_claim(content: ArticleContent, index: int, *claims: ClaimData) -> ArticleContent:
    return dataclasses.replace(
        content, claims=(*content.claims[:index], *claims, *content.claims[index + 1 :])
    )


def _fitted(claim: ClaimData, previous: ClaimData | None) -> ClaimData:
    """The claim with a level that fits where it stands.

    Only list items nest, at most one level below the item above them.
    """
    kind = ClaimKind(claim.kind)
    if not kind.is_list_item:
        return dataclasses.replace(claim, kind=kind, level=0)
    deepest = previous.level + 1 if previous is not None and previous.kind.is_list_item else 0
    return dataclasses.replace(claim, kind=kind, level=max(0, min(claim.level, deepest, MAX_LEVEL)))


def _refitted(content: ArticleContent) -> ArticleContent:
    """Every level fitted to the claim above, top to bottom: after one claim moves, changes kind
    or nests differently, the items under it follow, so the body keeps the nesting every door
    (the JSON format included) accepts. A body that already fits is returned unchanged."""
    fitted: list[ClaimData] = []
    for claim in content.claims:
        fitted.append(_fitted(claim, fitted[-1] if fitted else None))
    return dataclasses.replace(content, claims=tuple(fitted))


def shaped_claim(claim: ClaimData, previous: ClaimData | None) -> ClaimData:
    """A claim as written by the editor, fitted to its place; headings cite nothing."""
    kind = ClaimKind(claim.kind)
    if kind.is_heading and claim.citations:
        raise ValidationError({"citations": HEADING_CITES_NOTHING})
    fitted = _fitted(claim, previous)
    return dataclasses.replace(
        fitted, needs_no_citation=claim.needs_no_citation and not kind.is_heading
    )
