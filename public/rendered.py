"""An approved version's text, rendered once and stored (``RenderedBody``).

What the board approved never changes, so the claims, lists, citations and
references of an approved version are rendered the first time they are
needed (at approval, or on the first view after a release that changed the
templates) and read back from one row afterwards. Pending articles and desk
previews show working content that can still change, so theirs is rendered
on each (uncached) request.

Nothing that can change without a new approval is stored here: the byline,
the review history, the policy link and the disclaimer are rendered around
the stored body on every render of the page.
"""

from __future__ import annotations

import functools

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from articles.content import ArticleContent
from articles.interchange.jsonformat import content_from_document
from articles.models import ArticleVersion
from public import selectors
from public.fastpath import source_fingerprint
from public.models import RenderedBody

# The templates of the stored text. Their source is part of ``template_version()``, so a
# release that changes what they print has every stored body rendered again, lazily,
# the next time its page is rendered; raise the number when ``facts`` changes shape.
BODY_TEMPLATES = ("public/_article_content.html", "public/_blocks.html", "public/_cites.html")


@functools.cache
def template_version() -> str:
    return "1-" + source_fingerprint(BODY_TEMPLATES)


def _description(content: ArticleContent, audience: str) -> str:
    for claim in content.claims:
        if not claim.kind.is_heading:
            text = claim.plain_text if audience == "patient" and claim.plain_text else claim.text
            return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"
    return content.title


def _citation_ld(ref) -> dict:
    work = {
        "@type": "ScholarlyArticle"
        if ref.kind.value in ("Research", "Systematic review", "Review")
        else "CreativeWork",
        "name": ref.title,
        "publisher": ref.source,
        "datePublished": str(ref.year),
    }
    if ref.authors:
        work["author"] = ref.authors
    same_as = []
    if ref.doi:
        same_as.append(f"https://doi.org/{ref.doi}")
    if ref.pmid:
        same_as.append(f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/")
    if ref.url:
        same_as.append(ref.url)
    if same_as:
        work["sameAs"] = same_as
    return work


def render_content(*, content: ArticleContent, audience: str) -> dict:
    """The content's HTML for one audience, with the facts the page around it needs."""
    body = selectors.article_body(content=content, audience=audience)
    return {
        "html": render_to_string(
            "public/_article_content.html", {"content": content, "body": body}
        ),
        "title": content.title,
        "heading": content.display_heading,
        "description": _description(content, audience),
        "has_plain_language": body.has_plain_language,
        "citations": [_citation_ld(ref) for ref in content.references],
    }


def _store(version: ArticleVersion, audience: str, rendered: dict) -> None:
    facts = {k: v for k, v in rendered.items() if k != "html"}
    fields = {"template_version": template_version(), "html": rendered["html"], "facts": facts}
    try:
        with transaction.atomic():
            if not RenderedBody.objects.filter(version=version, audience=audience).update(**fields):
                RenderedBody.objects.create(version=version, audience=audience, **fields)
    except IntegrityError:  # another process stored the same render first
        pass


def body_for_version(*, version: ArticleVersion, audience: str) -> dict:
    """The stored render of an approved version (1 query), rendering and storing it if missing."""
    row = (
        RenderedBody.objects.filter(version_id=version.pk, audience=audience)
        .values_list("template_version", "html", "facts")
        .first()
    )
    if row is not None and row[0] == template_version():
        return {"html": row[1], **row[2]}
    rendered = render_content(content=content_from_document(version.content), audience=audience)
    _store(version, audience, rendered)
    return rendered


def rendered_body_prepare(*, version_id: int) -> None:
    """Render a newly approved version for every audience, so its first reader waits for nothing."""
    version = ArticleVersion.objects.filter(pk=version_id).first()
    if version is None:
        return
    from public.page import AUDIENCES

    content = content_from_document(version.content)
    for audience in AUDIENCES:
        _store(version, audience, render_content(content=content, audience=audience))
