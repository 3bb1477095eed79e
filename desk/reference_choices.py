"""What the citation picker offers: the article's references, its shelf, then the library."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from articles.identifiers import normalise_doi, normalise_pmid
from articles.models import Article, ArticleReference, Citation, Reference


def reference_search(*, query: str, limit: int = 20):
    """Library entries matching a DOI, a PMID or all the words given, in one query."""
    query = query.strip()
    if not query:
        return Reference.objects.none()
    current = Reference.objects.filter(is_current=True)
    doi, pmid = normalise_doi(query), normalise_pmid(query)
    found = current.filter(
        (Q(doi=doi) if doi else Q(pk__in=[])) | (Q(pmid=pmid) if pmid else Q(pk__in=[]))
    )
    words = Q()
    for word in query.split():
        matches = Q(title__icontains=word) | Q(source__icontains=word) | Q(authors__icontains=word)
        if word.isdigit() and len(word) == 4:
            matches |= Q(year=int(word))
        words &= matches
    return (found | current.filter(words)).distinct().order_by("title", "year")[:limit]


@dataclass
class ReferenceChoices:
    """What a citation picker offers for one article, in the order it offers it.

    ``cited``: the references the article cites, in order of first citation (the
    rows cited, as reviewed); ``shelf``: those put by for it and not cited yet, in
    the order they were added (a reference changed since shows as its current
    version); ``library``: other current library entries matching the query.
    Each reference appears in one list only.
    """

    cited: list = field(default_factory=list)
    shelf: list = field(default_factory=list)
    library: list = field(default_factory=list)

    def __iter__(self):
        return iter([*self.cited, *self.shelf, *self.library])


def article_reference_choices(*, article: Article, query: str = "", limit: int = 20):
    """The references to offer when citing in ``article``: cited, shelf, then library matches.

    Two queries, three with a query (``reference_search``), however many there are.
    """
    citations = (
        Citation.objects.filter(claim__article=article, reference__isnull=False)
        .select_related("reference")
        .order_by("claim__position", "claim__pk", "position", "pk")
    )
    cited = list({c.reference_id: c.reference for c in citations}.values())
    seen = {reference.pk for reference in cited}
    shelf = []
    entries = ArticleReference.objects.filter(article=article).select_related(
        "reference", "reference__replaced_by"
    )
    for entry in entries:
        reference = entry.reference
        # Copy-on-write made a newer version of it: cite that one (one step is the usual case).
        while not reference.is_current and hasattr(reference, "replaced_by"):
            reference = reference.replaced_by
        if reference.pk not in seen and entry.reference_id not in seen:
            seen.update({reference.pk, entry.reference_id})
            shelf.append(reference)
    library = [r for r in reference_search(query=query, limit=limit) if r.pk not in seen]
    return ReferenceChoices(cited=cited, shelf=shelf, library=library)
