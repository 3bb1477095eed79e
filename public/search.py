"""Public search: which articles match a reader's words, best first, each with a snippet.

Reads the search entries ``articles.services.search`` keeps of the text readers
are shown: an approved article's approved snapshot, a pending one's submission,
never a draft revision's unapproved text. Which articles are public is decided
by ``articles.visibility``, as for every other public list.

PostgreSQL matches on the entries' weighted full-text vector and, when that finds
nothing, on titles that look like the words given (``pg_trgm``), so a misspelt
drug name still finds its article. SQLite, used in development and tests, has
neither: every word must appear somewhere in the entry.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from articles.visibility import visible_q

# A results page lists the best matches; nobody reads past the fiftieth.
MAX_RESULTS = 50
# Words beyond the tenth add nothing a reader means and cost the database a condition each.
MAX_TERMS = 10
# A snippet is about two lines of the results page.
SNIPPET_CHARS = 220


def search_terms(query: str) -> list[str]:
    """The words of a query, as the database and the snippets use them."""
    return [term for term in query.split() if term][:MAX_TERMS]


def article_search(*, query: str) -> list[Article]:
    """Public articles matching the query, best first, at most MAX_RESULTS.

    Each article carries ``shown_title``, ``shown_heading``, ``shown_updated`` (what
    readers are shown of it) and ``snippet``: a passage of its text around the first
    word matched, escaped, the words in ``<mark>``. One query; on PostgreSQL two
    when the full-text search finds nothing and titles alike are looked for.
    """
    terms = search_terms(query)
    if not terms:
        return []
    public = Article.objects.filter(visible_q(), search_entry__isnull=False)
    if settings.IS_POSTGRES:
        found = _best(_match_postgres(public, " ".join(terms)), _title_score(terms))
        if not found:
            alike = _titles_alike(terms)
            found = _best(public.filter(alike), _likeness(terms))
    else:
        found = _best(_match_simple(public, terms), _title_score(terms))
    for article in found:
        article.snippet = snippet(article.shown_body, terms)
    return found


def _best(matches: QuerySet[Article], rank) -> list[Article]:
    """The best MAX_RESULTS matches, with what readers are shown of them (one query).

    The matches are put in order on their rank, date and id alone; the texts shown
    are joined in for the ones kept. Carried through the ordering, the whole text of
    every match would be sorted along with it (thousands of rows for a common word).
    """
    order = ("-rank", "-shown_updated", "-pk")
    ranked = matches.annotate(rank=rank, shown_updated=F("search_entry__shown_updated"))
    first = ranked.order_by(*order).values("pk")[:MAX_RESULTS]
    return list(
        Article.objects.filter(pk__in=first)
        .annotate(
            rank=rank,
            shown_title=F("search_entry__title"),
            shown_heading=F("search_entry__display_heading"),
            shown_updated=F("search_entry__shown_updated"),
            shown_body=F("search_entry__body"),
        )
        .only("pk", "slug", "state", "published_version_id")
        .order_by(*order)
    )


def _title_score(terms: list[str]):
    """2 for each term (or its stem) found in the question, else 1: what readers asked
    about comes first, then the newest. Read from the short title alone, so ranking
    thousands of matches costs little."""
    score = Value(0)
    for term in terms:
        score = score + Case(
            When(search_entry__title__icontains=stem(term), then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return score


def _match_postgres(public: QuerySet[Article], query: str) -> QuerySet[Article]:
    """Full-text match (English stemming) on the entries' GIN-indexed vectors."""
    from django.contrib.postgres.search import SearchQuery

    search = SearchQuery(query, search_type="websearch", config="english")
    return public.filter(search_entry__search_vector=search)


def _titles_alike(terms: list[str]) -> Q:
    """Titles holding a word like each of the terms (pg_trgm).

    Asked only when the full-text search found nothing, which is what a misspelling
    gives. ``%>`` is the operator the titles' trigram index (migration 0017) answers;
    it holds a word alike at PostgreSQL's ``pg_trgm.word_similarity_threshold``
    (0.6 unless configured): "baclofin" is 0.67 like "baclofen", "sedatng" 0.63 like
    "sedating", an unrelated word 0.
    """
    alike = Q()
    for term in terms:
        alike &= Q(search_entry__title__trigram_word_similar=term)
    return alike


def _likeness(terms: list[str]):
    """How alike the title is to the terms, the likest first."""
    from django.contrib.postgres.search import TrigramWordSimilarity

    rank = Value(0.0)
    for term in terms:
        rank = rank + TrigramWordSimilarity(term, "search_entry__title")
    return rank


def _match_simple(public: QuerySet[Article], terms: list[str]) -> QuerySet[Article]:
    """SQLite: every term somewhere in the entry."""
    for term in terms:
        public = public.filter(
            Q(search_entry__title__icontains=term)
            | Q(search_entry__display_heading__icontains=term)
            | Q(search_entry__body__icontains=term)
        )
    return public


# -- Snippets -------------------------------------------------------------------------

# Endings dropped from a word so that "withdrawals" marks "withdrawal" and "reduced"
# marks "reduces", as the full-text search (English stemming) finds them.
_ENDINGS = re.compile(r"(?:ies|es|s|ing|ed|ly)$", re.IGNORECASE)


def stem(term: str) -> str:
    """The word without its punctuation and a common English ending ("withdrawals" ->
    "withdrawal"), for marking and ranking the forms the full-text search finds."""
    word = re.sub(r"[^\w-]", "", term)
    return (_ENDINGS.sub("", word) or word) if len(word) > 4 else word


def _word_pattern(terms: list[str]) -> re.Pattern | None:
    """Words starting with a term (or its stem): what a snippet marks."""
    stems = {re.escape(stem(term)) for term in terms if stem(term)}
    if not stems:
        return None
    # Longest first, so that "baclofen" wins over "bac" when both were asked.
    alternatives = "|".join(sorted(stems, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})[\w-]*", re.IGNORECASE)


def snippet(text: str, terms: list[str], *, length: int = SNIPPET_CHARS) -> SafeString:
    """A passage of ``text`` around the first word matching ``terms``, escaped, with each
    matching word in ``<mark>``; the opening of the text when nothing matches (a title
    alike found it). "…" marks where the passage was cut."""
    text = " ".join((text or "").split())
    if not text:
        return mark_safe("")
    pattern = _word_pattern(terms)
    first = pattern.search(text) if pattern else None
    start = 0
    if first is not None and first.start() > length // 3:
        # Begin a third of the way before the match, at a word boundary.
        start = text.rfind(" ", 0, first.start() - length // 3) + 1
    end = len(text)
    if end - start > length:
        cut = text.rfind(" ", start, start + length)
        end = cut if cut > start else start + length
    passage = text[start:end]
    pieces = ["…" if start else ""]
    at = 0
    for match in pattern.finditer(passage) if pattern else ():
        pieces += [escape(passage[at : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        at = match.end()
    pieces += [escape(passage[at:]), "…" if end < len(text) else ""]
    # Every piece of the text went through escape(); the only markup is our <mark>.
    return mark_safe("".join(pieces))
