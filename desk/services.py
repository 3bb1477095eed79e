"""Desk writes: they turn what an editor did on a desk page into calls of the article services.

Nothing here decides who may do what or when; ``articles.services`` checks
that again on every call.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles import limits, policy, services
from articles.content import ArticleContent, CitedPassage, ClaimData, ClaimKind, ReferenceData
from articles.errors import EditConflict, WorkflowConflict
from articles.matching import carry_uids
from articles.models import Article, Citation, Claim, Reference
from articles.selectors import article_get_content, reference_to_data
from articles.services.steps import lock_article
from desk.body import parse_body
from desk.editor import content_with_shelf, deleted_claim_get
from public.models import FollowUpQuestion


def _same_work(parsed: ReferenceData, known: ReferenceData) -> bool:
    return (parsed.kind, parsed.title, parsed.source, parsed.year) == (
        known.kind,
        known.title,
        known.source,
        known.year,
    )


def _keep_reference_details(
    parsed: tuple[ReferenceData, ...], current: tuple[ReferenceData, ...]
) -> tuple[ReferenceData, ...]:
    """Page text has no authors, DOI, PMID or URL: a reference it names keeps its own."""
    kept = []
    for reference in parsed:
        known = next((c for c in current if _same_work(reference, c)), None)
        missing = known is not None and not any(
            (reference.authors, reference.doi, reference.pmid, reference.url)
        )
        kept.append(known if missing else reference)
    return tuple(kept)


@transaction.atomic
def article_save_body(
    *, article: Article, by, expected_version: int, text: str, fmt: str = "markdown"
) -> Article:
    """Replace a draft's body with the text area's content, claims keeping their identity.

    The text carries no uids: claims are matched to the ones they continue. A
    text that says what the article already says saves nothing.
    """
    parsed = parse_body(text, fmt)
    policy.ensure(by, policy.EDIT, article)
    lock_article(article, expected_version=expected_version)
    article.forget_cached_content()
    current = article_get_content(article=article)
    references = (
        _keep_reference_details(parsed.references, current.references)
        if fmt == "text"
        else parsed.references
    )
    content = dataclasses.replace(
        parsed,
        title=parsed.title or article.title,
        display_heading=parsed.display_heading or current.display_heading,
        last_updated=current.last_updated,
        references=references,
        claims=carry_uids(current.claims, parsed.claims, keep_unwritten=fmt == "text"),
    )
    if content == current:
        return article
    return services.article_replace_content(
        article=article, by=by, expected_version=expected_version, content=content
    )


def _claim_index(content: ArticleContent, uid: str) -> int:
    for index, claim in enumerate(content.claims):
        if claim.uid == uid:
            return index
    raise ValidationError({"claim": "This claim is no longer in the article; reload the page."})


MAX_LEVEL = 5
HEADING_CITES_NOTHING = "Headings state no fact and cite nothing; remove the citations first."


@transaction.atomic
def _change_content(
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
        expected_version = _lock_for_claim(article, *claim_version)
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


def _lock_for_claim(article: Article, uid: str, version: int) -> int:
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


def _replace_claim(content: ArticleContent, index: int, *claims: ClaimData) -> ArticleContent:
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


def _shaped(claim: ClaimData, previous: ClaimData | None) -> ClaimData:
    """A claim as written by the editor, fitted to its place; headings cite nothing."""
    kind = ClaimKind(claim.kind)
    if kind.is_heading and claim.citations:
        raise ValidationError({"citations": HEADING_CITES_NOTHING})
    fitted = _fitted(claim, previous)
    return dataclasses.replace(
        fitted, needs_no_citation=claim.needs_no_citation and not kind.is_heading
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
        index = _claim_index(content, uid)
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
        return _replace_claim(content, index, _shaped(changed, previous))

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
            expected_version=_lock_for_claim(article, uid, expected_claim_version),
            uid=uid,
            text=text,
            plain_text=plain_text,
            reason=CLAIM_EDITED,
        )
    else:
        article = _change_content(
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
        index = _claim_index(content, after) + 1 if after else len(content.claims)
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
            claims=(*content.claims[:index], _shaped(claim, previous), *content.claims[index:]),
        )

    article = _change_content(
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
        index = _claim_index(content, uid)
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

    return _change_content(
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

    return _change_content(
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
        expected_version=_lock_for_claim(article, uid, expected_claim_version),
        uid=uid,
        reference_id=reference_id,
        quote=quote,
        locator=locator,
    )


def _block_end(claims: list[ClaimData], start: int) -> int:
    """Where the block of ``claims[start]`` ends: the claim and the list items nested under it."""
    level = claims[start].level
    end = start + 1
    while end < len(claims) and claims[end].level > level:
        end += 1
    return end


def claim_move(*, article: Article, by, expected_version: int, uid: str, direction: str) -> Article:
    """Move a claim, with the list items nested under it, above the block before it ("up")
    or below the block after it ("down"); a block is a claim and the items nested under it."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move a claim up or down."})

    def change(content: ArticleContent) -> ArticleContent:
        claims = list(content.claims)
        index = _claim_index(content, uid)
        end = _block_end(claims, index)
        if (index == 0) if direction == "up" else (end == len(claims)):
            raise ValidationError(
                {
                    "claim": f"The claim is already at the {'top' if direction == 'up' else 'bottom'}."
                }
            )
        block = claims[index:end]
        if direction == "up":
            # The block above: back to the nearest claim no deeper than this one.
            above = index - 1
            while above > 0 and claims[above].level > claims[index].level:
                above -= 1
            claims = claims[:above] + block + claims[above:index] + claims[end:]
        else:
            below_end = _block_end(claims, end)
            claims = claims[:index] + claims[end:below_end] + block + claims[below_end:]
        return dataclasses.replace(content, claims=tuple(claims))  # levels refitted after

    return _change_content(
        article=article,
        by=by,
        expected_version=expected_version,
        change=change,
        reason="Claim moved",
    )


def claim_indent(
    *, article: Article, by, expected_version: int, uid: str, direction: str
) -> Article:
    """Nest a claim one level deeper ("in") or shallower ("out").

    A paragraph indented becomes a bullet; a top-level list item outdented
    becomes a paragraph. Headings do not nest.
    """
    if direction not in ("in", "out"):
        raise ValidationError({"direction": "Indent a claim in or out."})

    def change(content: ArticleContent) -> ArticleContent:
        index = _claim_index(content, uid)
        claim = content.claims[index]
        previous = content.claims[index - 1] if index else None
        if claim.kind.is_heading:
            raise ValidationError({"claim": "Headings do not nest; change the kind first."})
        if direction == "in":
            if claim.kind == ClaimKind.PARAGRAPH:
                return _replace_claim(
                    content, index, dataclasses.replace(claim, kind=ClaimKind.BULLET, level=0)
                )
            deepest = (
                previous.level + 1 if previous is not None and previous.kind.is_list_item else 0
            )
            if claim.level + 1 > min(deepest, MAX_LEVEL):
                raise ValidationError(
                    {"claim": "A list item nests only one level below the item above it."}
                )
            moved = dataclasses.replace(claim, level=claim.level + 1)
        elif claim.kind.is_list_item and claim.level == 0:
            moved = dataclasses.replace(claim, kind=ClaimKind.PARAGRAPH)
        elif claim.kind.is_list_item:
            moved = dataclasses.replace(claim, level=claim.level - 1)
        else:
            raise ValidationError({"claim": "The claim is not indented."})
        return _replace_claim(content, index, moved)

    return _change_content(
        article=article,
        by=by,
        expected_version=expected_version,
        change=change,
        reason="Claim indented" if direction == "in" else "Claim outdented",
    )


def claim_cite(
    *, article: Article, by, expected_version: int, uid: str, references: list[Reference]
) -> Article:
    """Cite library references in one claim, after its citations, in the order given."""
    if not references:
        raise ValidationError({"references": "Choose at least one reference to cite."})

    def change(content: ArticleContent) -> ArticleContent:
        index = _claim_index(content, uid)
        if content.claims[index].kind.is_heading:
            raise ValidationError({"references": "Headings state no fact and cite nothing."})
        for reference in references:
            content, number = content.with_reference(reference_to_data(reference))
            claim = content.claims[index]
            if number not in claim.citations:
                content = _replace_claim(
                    content, index, dataclasses.replace(claim, citations=(*claim.citations, number))
                )
        if len(content.claims[index].citations) > limits.MAX_CITATIONS_PER_CLAIM:
            raise ValidationError({"references": limits.citations_message().capitalize() + "."})
        return content

    return _change_content(
        article=article,
        by=by,
        expected_version=expected_version,
        change=change,
        reason="References cited",
    )


@transaction.atomic
def article_cite_reference(
    *,
    article: Article,
    by,
    expected_version: int,
    reference: Reference,
    target: str,
) -> Article:
    """Cite a library reference: resolve an unresolved number ("n:3") or cite it in a claim ("c:<uid>")."""
    kind, _, value = target.partition(":")
    if kind == "n" and value.isdigit():
        return services.citation_resolve(
            article=article,
            by=by,
            expected_version=expected_version,
            number=int(value),
            reference=reference,
        )
    if kind != "c":
        raise ValidationError({"target": "Choose where to cite the reference."})
    content, number = article_get_content(article=article).with_reference(
        reference_to_data(reference)
    )
    index = _claim_index(content, value)
    claim = content.claims[index]
    if ClaimKind(claim.kind).is_heading:
        raise ValidationError(
            {"target": "Headings state no fact and cite nothing; choose a claim."}
        )
    if number not in claim.citations:
        claim = dataclasses.replace(claim, citations=(*claim.citations, number))
    claims = (*content.claims[:index], claim, *content.claims[index + 1 :])
    return services.article_replace_content(
        article=article,
        by=by,
        expected_version=expected_version,
        content=dataclasses.replace(content, claims=claims),
        reason="Reference cited",
    )


@transaction.atomic
def reference_add_and_cite(
    *,
    article: Article,
    by,
    expected_version: int,
    data: ReferenceData,
    target: str,
) -> tuple[Reference, Article]:
    """Add a work to the library (or find it there) and cite it where the editor chose."""
    policy.ensure(by, policy.EDIT, article)
    reference = services.reference_get_or_create(data=data, by=by)
    article = article_cite_reference(
        article=article,
        by=by,
        expected_version=expected_version,
        reference=reference,
        target=target,
    )
    return reference, article


# -- Readers' follow-up questions -------------------------------------------------------


def _ensure_editor(by) -> None:
    if not policy.is_editor(by):
        raise PermissionDenied("Only editors handle readers' questions.")


def _lock_new_question(question):
    locked = FollowUpQuestion.objects.select_for_update().get(pk=question.pk)
    if locked.status != FollowUpQuestion.Status.NEW:
        raise WorkflowConflict("Someone has already handled this question.")
    return locked


@transaction.atomic
def followup_dismiss(*, question, by):
    """An editor sets a reader's question aside."""
    _ensure_editor(by)
    question = _lock_new_question(question)
    question.status = FollowUpQuestion.Status.DISMISSED
    question.save(update_fields=["status"])
    return question


@transaction.atomic
def followup_convert(*, question, by) -> Article:
    """An editor starts a new draft whose question is the reader's question."""
    _ensure_editor(by)
    question = _lock_new_question(question)
    article = services.article_create(
        by=by, title=question.question, reason="Created from a reader's question"
    )
    question.status = FollowUpQuestion.Status.CONVERTED
    question.converted_article = article
    question.save(update_fields=["status", "converted_article"])
    return article
