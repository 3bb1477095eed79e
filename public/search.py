"""Public search: which articles match a reader's words, best first, each with a snippet.

Reads the search entries ``articles.services.search`` keeps of the text readers
are shown: an approved article's approved snapshot, a pending one's submission,
never a draft revision's unapproved text. Which articles are public is decided
by ``articles.visibility``, as for every other public list.

PostgreSQL matches on the entries' weighted full-text vector and, when that finds
nothing, on titles that look like the words given (``pg_trgm``), so a misspelt
drug name still finds its article. SQLite, used in development and tests, has
neither: every word must appear somewhere in the entry.

A common word matches thousands of articles, and reading each one's vector to rank
it costs more than the page may. So PostgreSQL ranks a bounded set of candidates:
the newest matches (the GIN index answers which rows match without reading their
vectors) and the newest whose question holds every word, at most a few hundred in
all; the texts are joined for the fifty shown alone, at most SNIPPET_SOURCE_CHARS of
each, and each snippet is cut from a window of it around the first word found.
Titles alike are asked in order of likeness from a trigram GiST index, the fifty
likest read and no more.
"""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Substr
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
# PostgreSQL ranks at most this many of the newest matches (plus MAX_RESULTS whose question
# holds every word): enough to choose fifty from, few enough that no common word reads
# thousands of rows. Fewer than this many matches are all ranked.
CANDIDATES = 200
# A snippet is looked for in this much of an article's text at most: a very long article
# is never read whole to show two lines of it.
SNIPPET_SOURCE_CHARS = 20_000
# ...and cut from a window of it, beginning a little before the first word found.
WINDOW_CHARS = 1500
WINDOW_BEFORE = 300


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
        found = _best(_candidates_postgres(public, terms), _title_score(terms), "-rank")
        if not found:
            # The likest first, in the order the trigram index reads them: no rank to sort.
            alike = public.filter(_titles_alike(terms))
            found = _best(alike, _title_distance(terms[0]), "rank", by_rank_alone=True)
    else:
        found = _best(_match_simple(public, terms), _title_score(terms), "-rank")
    for article in found:
        article.snippet = snippet(article.shown_text, terms)
    return found


def _best(
    matches: QuerySet[Article], rank, by: str, *, by_rank_alone: bool = False
) -> list[Article]:
    """The first MAX_RESULTS matches by rank (``by``), then the newest, with what readers
    are shown of them (one query).

    The matches are put in order on their rank, date and id alone; the texts shown
    are joined in for the ones kept, and of each text no more than a snippet is looked
    for in. Carried through the ordering, the whole text of every match would be sorted
    along with it. ``by_rank_alone`` chooses them on the rank alone, which an index
    can read in order (equal ranks are then chosen in the index's order).
    """
    order = (by, "-shown_updated", "-pk")
    ranked = matches.annotate(rank=rank, shown_updated=F("search_entry__shown_updated"))
    first = ranked.order_by(*order[: 1 if by_rank_alone else 3]).values("pk")[:MAX_RESULTS]
    return list(
        Article.objects.filter(pk__in=first)
        .annotate(
            rank=rank,
            shown_title=F("search_entry__title"),
            shown_heading=F("search_entry__display_heading"),
            shown_updated=F("search_entry__shown_updated"),
            shown_text=Substr("search_entry__body", 1, SNIPPET_SOURCE_CHARS),
        )
        .only("pk", "slug", "state", "published_version_id")
        .order_by(*order)
    )


def _candidates_postgres(public: QuerySet[Article], terms: list[str]) -> QuerySet[Article]:
    """The matches worth ranking: the CANDIDATES newest, and the MAX_RESULTS newest whose
    question holds every word (they rank first, however old).

    Both are read from GIN indexes that answer without reading any entry's vector: the
    entries' (migration 0004) and the questions' own (migration 0020). A question
    without a word the query excludes ("-pump") may still belong to a text with it, so
    such a query ranks the newest matches alone.
    """
    from django.contrib.postgres.search import SearchVector

    search = _search_query(" ".join(terms))
    newest = ("-search_entry__shown_updated", "-pk")
    recent = public.filter(search_entry__search_vector=search).order_by(*newest)
    recent = recent.values("pk")[:CANDIDATES]
    if any(term.startswith("-") for term in terms):
        return Article.objects.filter(pk__in=recent)
    # The same expression as the index on the questions' words, so that it is used.
    question = SearchVector("search_entry__title", config="english")
    asked = public.annotate(question=question).filter(question=search).order_by(*newest)
    return Article.objects.filter(pk__in=recent.union(asked.values("pk")[:MAX_RESULTS]))


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


def _search_query(query: str):
    """The reader's words as PostgreSQL reads them (English stemming, web search syntax)."""
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(query, search_type="websearch", config="english")


def _titles_alike(terms: list[str]) -> Q:
    """Titles holding a word like each of the terms (pg_trgm).

    Asked only when the full-text search found nothing, which is what a misspelling
    gives. ``%>`` is the operator the titles' trigram indexes (migrations 0017 and
    0020) answer; it holds a word alike at PostgreSQL's
    ``pg_trgm.word_similarity_threshold`` (0.6 unless configured): "baclofin" is 0.67
    like "baclofen", "sedatng" 0.63 like "sedating", an unrelated word 0.
    """
    alike = Q()
    for term in terms:
        alike &= Q(search_entry__title__trigram_word_similar=term)
    return alike


class _TitleWordDistance(Func):
    """``title <->> term``: 1 less the likeness of the title's likest word to the term.
    Written with the title first, so the trigram GiST index (migration 0020) reads the
    titles in this order and stops at the fiftieth."""

    arg_joiner = " <->> "
    template = "(%(expressions)s)"
    output_field = FloatField()


def _title_distance(term: str):
    """How far the title is from the first term: the likest titles first."""
    return _TitleWordDistance(F("search_entry__title"), Value(term))


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


@functools.lru_cache(maxsize=256)
def _word_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    """Words starting with a term (or its stem): what a snippet marks (built once for the
    fifty snippets of a page)."""
    stems = {re.escape(stem(term)) for term in terms if stem(term)}
    if not stems:
        return None
    # Longest first, so that "baclofen" wins over "bac" when both were asked.
    alternatives = "|".join(sorted(stems, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})[\w-]*", re.IGNORECASE)


def snippet(
    text: str, terms: list[str], *, length: int = SNIPPET_CHARS, cut: bool = False
) -> SafeString:
    """A passage of ``text`` around the first word matching ``terms``, escaped, with each
    matching word in ``<mark>``; the opening of the text when nothing matches (a title
    alike found it). "…" marks where the passage was cut; ``cut`` says the text given
    is itself a window into a longer one, begun after its opening. Only a window of the
    text around the first word found is read further."""
    text = text or ""
    pattern = _word_pattern(tuple(terms))
    first = pattern.search(text) if pattern else None
    if first is not None and first.start() > WINDOW_BEFORE:
        text, cut = text[first.start() - WINDOW_BEFORE :], True
    text = " ".join(text[:WINDOW_CHARS].split())
    if not text:
        return mark_safe("")
    first = pattern.search(text) if pattern else None
    # A window begins wherever the text was cut: its first word may be a piece of one.
    start = text.find(" ") + 1 if cut else 0
    if first is not None and first.start() > length // 3:
        # Begin a third of the way before the match, at a word boundary.
        start = text.rfind(" ", 0, first.start() - length // 3) + 1
    end = len(text)
    if end - start > length:
        stop = text.rfind(" ", start, start + length)
        end = stop if stop > start else start + length
    passage = text[start:end]
    pieces = ["…" if start or cut else ""]
    at = 0
    for match in pattern.finditer(passage) if pattern else ():
        pieces += [escape(passage[at : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        at = match.end()
    pieces += [escape(passage[at:]), "…" if end < len(text) else ""]
    # Every piece of the text went through escape(); the only markup is our <mark>.
    return mark_safe("".join(pieces))
