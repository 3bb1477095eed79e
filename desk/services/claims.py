"""Edits of one claim at a time from the structured editor: its words and details, adding,
deleting and restoring it, confirming its plain-language version, quoting its sources."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction

from articles import policy, services
from articles.content import ArticleContent, CitedPassage, ClaimData, ClaimKind
from articles.models import Article, Citation, Claim
from articles.selectors import reference_to_data
from articles.services import lock_article
from desk.editor import content_with_shelf, deleted_claim_get
from desk.services.changes import (
    change_content,
    claim_check_version,
    claim_index,
    lock_for_claim,
    replace_claim,
    shaped_claim,
)


@transaction.atomic
def claim_edit(
    *,
    article: Article,
    by,
    expected_version: int,
    uid: str,
    text: str,
    plain_text: str,
    needs_no_citation: bool = False,
    citations: tuple[int, ...] | None = None,
    kind: ClaimKind | str | None = None,
    level: int | None = None,
    expected_claim_version: int | None = None,
    evidence: str | None = None,
) -> Article:
    """Change one claim's wording, kind, level, plain-language version, citations or need of one,
    or its evidence level (``None`` keeps it; refused on headings and claims needing no
    reference, by ``articles.services``, as at every door).

    With ``expected_claim_version`` the edit names the claim's version rather than
    the article's: a save while others edit other claims goes through, and a
    concurrent change of this claim is refused. Saves of one claim by one editor
    in quick succession (autosave) leave one history entry (``history_merge_burst``).
    """

    def change(content: ArticleContent) -> ArticleContent:
        index = claim_index(content, uid)
        claim = content.claims[index]
        if citations is not None and (
            tuple(citations) != claim.citations or content.unresolved_numbers()
        ):
            # Typed numbers, as the editor numbers them: the shelf's references included.
            content, _ = content_with_shelf(article=article, content=content)
            claim = content.claims[index]
        changed = dataclasses.replace(
            claim,
            kind=ClaimKind(kind) if kind else claim.kind,
            level=claim.level if level is None else level,
            text=text.strip(),
            plain_text=plain_text.strip(),
            needs_no_citation=needs_no_citation,
            citations=claim.citations if citations is None else tuple(citations),
            evidence=claim.evidence if evidence is None else evidence,
        )
        previous = content.claims[index - 1] if index else None
        return replace_claim(content, index, shaped_claim(changed, previous))

    before = article.content_version
    if (
        citations is None
        and expected_claim_version is not None
        and _only_words(
            article,
            uid,
            kind=kind,
            level=level,
            needs_no_citation=needs_no_citation,
            evidence=evidence,
        )
    ):
        # The usual autosave: new words, nothing else. The one row is written without
        # reading the body, under the same lock and version check.
        policy.ensure(by, policy.EDIT, article)
        article = services.claim_reword(
            article=article,
            by=by,
            expected_version=lock_for_claim(article, uid, expected_claim_version),
            uid=uid,
            text=text,
            plain_text=plain_text,
            reason=CLAIM_EDITED,
        )
    else:
        article = change_content(
            article=article,
            by=by,
            expected_version=expected_version,
            change=change,
            reason=CLAIM_EDITED,
            claim_version=None if expected_claim_version is None else (uid, expected_claim_version),
        )
    if article.content_version != before:
        services.history_merge_burst(article=article, uid=uid, by=by, reason=CLAIM_EDITED)
    return article


CLAIM_EDITED = "Claim edited"


def _only_words(
    article: Article, uid: str, *, kind, level, needs_no_citation: bool, evidence: str | None = None
) -> bool:
    """Whether an edit of the claim that keeps its citations changes its words alone."""
    claim = Claim.objects.filter(article=article, uid=uid).only(
        "kind", "level", "needs_no_citation", "evidence"
    )
    claim = claim.first()
    if claim is None:
        return False
    kind = ClaimKind(kind) if kind else ClaimKind(claim.kind)
    level = claim.level if level is None else (level if kind.is_list_item else 0)
    evidence = claim.evidence if evidence is None else evidence
    return (kind.value, level, bool(needs_no_citation and not kind.is_heading), evidence) == (
        claim.kind,
        claim.level,
        claim.needs_no_citation,
        claim.evidence,
    )


@transaction.atomic
def claim_insert(
    *,
    article: Article,
    by,
    expected_version: int,
    after: str = "",
    kind: ClaimKind | str = ClaimKind.PARAGRAPH,
    level: int | None = None,
    text: str,
    plain_text: str = "",
    needs_no_citation: bool = False,
    citations: tuple[int, ...] = (),
) -> tuple[Article, str]:
    """Add a claim after the claim ``after`` (a uid), or at the end; the article and the new uid."""
    if not text.strip():
        raise ValidationError({"text": "Write the claim before adding it."})
    place: list[int] = []

    def change(content: ArticleContent) -> ArticleContent:
        if citations:  # typed numbers: as the editor numbers them (shelf included)
            content, _ = content_with_shelf(article=article, content=content)
        index = claim_index(content, after) + 1 if after else len(content.claims)
        previous = content.claims[index - 1] if index else None
        inherited = previous.level if previous is not None and previous.kind.is_list_item else 0
        claim = ClaimData(
            kind=ClaimKind(kind),
            text=text.strip(),
            level=inherited if level is None else level,
            plain_text=plain_text.strip(),
            needs_no_citation=needs_no_citation,
            citations=tuple(citations),
        )
        place.append(index)
        return dataclasses.replace(
            content,
            claims=(
                *content.claims[:index],
                shaped_claim(claim, previous),
                *content.claims[index:],
            ),
        )

    article = change_content(
        article=article,
        by=by,
        expected_version=expected_version,
        change=change,
        reason="Claim added",
    )
    uid = article.claims.filter(position=place[0]).values_list("uid", flat=True).get()
    return article, str(uid)


def claim_delete(*, article: Article, by, expected_version: int, uid: str) -> Article:
    """Remove one claim; the list items nested under it move up a level."""

    def change(content: ArticleContent) -> ArticleContent:
        index = claim_index(content, uid)
        removed = content.claims[index]
        claims = list(content.claims[:index])
        following = list(content.claims[index + 1 :])
        children = 0
        if removed.kind.is_list_item:
            while (
                children < len(following)
                and following[children].kind.is_list_item
                and following[children].level > removed.level
            ):
                children += 1
        for position, claim in enumerate(following):
            if position < children:
                claim = dataclasses.replace(claim, level=claim.level - 1)
            claims.append(claim)
        return dataclasses.replace(content, claims=tuple(claims))

    return change_content(
        article=article,
        by=by,
        expected_version=expected_version,
        change=change,
        reason="Claim deleted",
    )


def claim_restore(*, article: Article, by, expected_version: int, uid: str) -> Article:
    """Put a deleted claim back as it was when deleted, with its citations, where it stood.

    The claim is found in the history (its last deletion); it keeps its uid, so
    it is the same claim, restored. Refused when the claim is in the article.
    """
    deleted = deleted_claim_get(article=article, uid=uid)
    if deleted is None:
        raise ValidationError({"claim": "No deleted claim of this article has this id."})
    cited = list(
        Citation.history.filter(claim_id=deleted.id, history_type="-")
        .select_related("reference")
        .order_by("position", "history_id")
    )

    def change(content: ArticleContent) -> ArticleContent:
        if any(c.uid == uid for c in content.claims):
            raise ValidationError({"claim": "This claim is in the article already."})
        numbers, passages = [], []
        for citation in cited:
            if citation.reference is not None:
                content, number = content.with_reference(reference_to_data(citation.reference))
                if citation.passage:  # the quoted passage comes back with its citation
                    passages.append(
                        CitedPassage(number, citation.passage, citation.passage_locator)
                    )
            else:  # it pointed at nothing when deleted: it does again, after everything
                number = len(content.references) + len(content.unresolved_numbers()) + 1
            numbers.append(number)
        claim = ClaimData(
            kind=ClaimKind(deleted.kind),
            text=deleted.text,
            level=deleted.level,
            citations=tuple(numbers),
            needs_no_citation=deleted.needs_no_citation,
            plain_text=deleted.plain_text,
            uid=uid,
            evidence=deleted.evidence,
            passages=tuple(passages),
        )
        index = min(deleted.position, len(content.claims))
        return dataclasses.replace(
            content, claims=(*content.claims[:index], claim, *content.claims[index:])
        )

    return change_content(
        article=article,
        by=by,
        expected_version=expected_version,
        change=change,
        reason="Claim restored",
    )


@transaction.atomic
def claim_confirm_pairing(*, article: Article, by, uid: str, expected_claim_version: int) -> Claim:
    """The editor says a claim's plain-language version is still right for its wording (or
    the reverse), as both now read: recorded in the claim's history, shown to the board.

    Changes nothing readers see, so no content version; a later change of either half
    makes the confirmation name something else, and the question is asked again.
    """
    policy.ensure(by, policy.EDIT, article)
    lock_article(article)
    claim_check_version(article=article, uid=uid, version=expected_claim_version)
    claim = Claim.objects.get(article=article, uid=uid)
    claim.pairing_confirmed = claim.pairing
    claim._history_user = by
    claim._change_reason = "Plain-language version confirmed"
    claim.save(update_fields=["pairing_confirmed"])
    return claim


@transaction.atomic
def claim_quote_source(
    *,
    article: Article,
    by,
    uid: str,
    reference_id: int,
    quote: str,
    locator: str,
    expected_claim_version: int,
) -> Article:
    """The editor quotes, for one cited reference of a claim, the passage that supports it
    and where it is in the source; refused only when that claim changed meanwhile."""
    policy.ensure(by, policy.EDIT, article)
    return services.citation_passage_set(
        article=article,
        by=by,
        expected_version=lock_for_claim(article, uid, expected_claim_version),
        uid=uid,
        reference_id=reference_id,
        quote=quote,
        locator=locator,
    )
