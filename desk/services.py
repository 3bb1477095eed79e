"""Desk writes: they turn what an editor did on a desk page into calls of the article services.

Nothing here decides who may do what or when; ``articles.services`` checks
that again on every call.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles import policy, services
from articles.content import ArticleContent, ClaimKind, ReferenceData
from articles.errors import WorkflowConflict
from articles.matching import carry_uids
from articles.models import Article, Reference
from articles.selectors import article_get_content, reference_to_data
from desk.body import parse_body
from public.models import FollowUpQuestion


def article_save_body(
    *, article: Article, by, expected_version: int, text: str, fmt: str = "markdown"
) -> Article:
    """Replace a draft's body with the text area's content, claims keeping their identity."""
    parsed = parse_body(text, fmt)
    current = article_get_content(article=article)
    content = dataclasses.replace(
        parsed,
        title=parsed.title or article.title,
        display_heading=parsed.display_heading or current.display_heading,
        claims=carry_uids(current.claims, parsed.claims, keep_unwritten=fmt == "text"),
    )
    return services.article_replace_content(
        article=article, by=by, expected_version=expected_version, content=content
    )


def _claim_index(content: ArticleContent, uid: str) -> int:
    for index, claim in enumerate(content.claims):
        if claim.uid == uid:
            return index
    raise ValidationError({"claim": "This claim is no longer in the article; reload the page."})


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
) -> Article:
    """Change one claim's wording, plain-language version, citations or need of one."""
    content = article_get_content(article=article)
    index = _claim_index(content, uid)
    claim = content.claims[index]
    changed = dataclasses.replace(
        claim,
        text=text.strip(),
        plain_text=plain_text.strip(),
        needs_no_citation=needs_no_citation,
        citations=claim.citations if citations is None else tuple(citations),
    )
    claims = (*content.claims[:index], changed, *content.claims[index + 1 :])
    return services.article_replace_content(
        article=article,
        by=by,
        expected_version=expected_version,
        content=dataclasses.replace(content, claims=claims),
        reason="Claim edited",
    )


def _with_reference(content: ArticleContent, data: ReferenceData) -> tuple[ArticleContent, int]:
    """The content with ``data`` among its references, and the number it is cited by.

    Unresolved numbers follow the references (n+1...), so a new reference
    moves them up by one to keep them pointing at nothing.
    """
    if data in content.references:
        return content, content.references.index(data) + 1
    number = len(content.references) + 1
    shift = {n: n + 1 for n in content.unresolved_numbers()}
    claims = tuple(
        dataclasses.replace(c, citations=tuple(shift.get(n, n) for n in c.citations))
        for c in content.claims
    )
    return dataclasses.replace(
        content, claims=claims, references=(*content.references, data)
    ), number


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
    content, number = _with_reference(
        article_get_content(article=article), reference_to_data(reference)
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
