"""Citing library references from the desk: in a claim, or for an unresolved number."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction

from articles import limits, policy, services
from articles.content import ArticleContent, ClaimKind, ReferenceData
from articles.models import Article, Reference
from articles.selectors import article_get_content, reference_to_data
from desk.services.changes import change_content, claim_index, replace_claim


def claim_cite(
    *, article: Article, by, expected_version: int, uid: str, references: list[Reference]
) -> Article:
    """Cite library references in one claim, after its citations, in the order given."""
    if not references:
        raise ValidationError({"references": "Choose at least one reference to cite."})

    def change(content: ArticleContent) -> ArticleContent:
        index = claim_index(content, uid)
        if content.claims[index].kind.is_heading:
            raise ValidationError({"references": "Headings state no fact and cite nothing."})
        for reference in references:
            content, number = content.with_reference(reference_to_data(reference))
            claim = content.claims[index]
            if number not in claim.citations:
                content = replace_claim(
                    content, index, dataclasses.replace(claim, citations=(*claim.citations, number))
                )
        if len(content.claims[index].citations) > limits.MAX_CITATIONS_PER_CLAIM:
            raise ValidationError({"references": limits.citations_message().capitalize() + "."})
        return content

    return change_content(
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
    index = claim_index(content, value)
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
