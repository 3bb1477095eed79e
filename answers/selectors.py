"""Reads of the answers app: which reviewed claims answer a question, and the notices around them.

Retrieval finds candidates in the database (PostgreSQL full-text search, with
misspelt words corrected through ``pg_trgm``; on SQLite, stems matched in the
stored terms), then scores every candidate in Python with one rule, so both
databases answer alike. A claim is shown only when its score reaches
``ANSWERS_MIN_SCORE``; below it the reader is told plainly there is no reviewed
answer yet.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import reduce
from itertools import combinations
from operator import or_

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from answers import text
from answers.models import ClaimEntry, EmergencyTerm, IndexWord
from articles.models import Article
from articles.visibility import approved_visible_q, visible_q
from public.models import FollowUpQuestion, SiteText

MAX_SHOWN = 3  # claims shown in an answer
MAX_CANDIDATES = 200  # claims scored per question
STRONG_BOUND = 1000  # entries ranked among those covering enough of the question (PostgreSQL)
WEAK_BOUND = 50  # entries sharing any word, taken when too few cover enough (PostgreSQL)
MAX_GROUPS = 8  # stems combined in the "at least" search (at most C(8, 4) = 70 branches)
MIN_SCORE = 0.6  # the default of settings.ANSWERS_MIN_SCORE
CONTEXT_WEIGHT = 0.5  # a term found only in the article's question or heading counts half
SPELLING_RATIO = 0.8  # how close a word must be to an indexed one to be read as it

URGENT_NOTICE = "answers-urgent-care"
DEFAULT_URGENT_NOTICE = (
    "If this is happening now (chest pain, trouble breathing, signs of a stroke, an overdose "
    "or poisoning, thoughts of harming yourself), call your local emergency number or go to "
    "the nearest emergency department now. Do not wait for an answer online."
)


@dataclass(frozen=True)
class Match:
    entry: ClaimEntry
    score: float


@dataclass(frozen=True)
class Answer:
    """What a question gets: reviewed claims verbatim, or a plain "no reviewed answer yet"."""

    question: str
    audience: str
    shown: tuple[Match, ...]  # the claims the reader reads, best first
    closest: tuple[Match, ...]  # the best candidates whatever their score, for the editors
    urgent: bool
    urgent_notice: list[str] = field(default_factory=list)
    disclaimer: list[str] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return bool(self.shown)


def min_score() -> float:
    return getattr(settings, "ANSWERS_MIN_SCORE", MIN_SCORE)


def _paragraphs(value: str) -> list[str]:
    return [p.strip() for p in value.replace("\r\n", "\n").split("\n\n") if p.strip()]


def site_texts_get(*, audience: str) -> tuple[list[str], list[str]]:
    """The urgent-care notice and the audience's disclaimer, as site admins wrote them (1 query)."""
    disclaimer_key = SiteText.PATIENT_DISCLAIMER if audience == "patient" else SiteText.DISCLAIMER
    stored = dict(
        SiteText.objects.filter(key__in=(URGENT_NOTICE, disclaimer_key)).values_list("key", "text")
    )
    urgent = stored.get(URGENT_NOTICE) or DEFAULT_URGENT_NOTICE
    disclaimer = stored.get(disclaimer_key) or SiteText.DEFAULTS[disclaimer_key]
    return _paragraphs(urgent), _paragraphs(disclaimer)


def is_urgent(question: str) -> bool:
    """Whether the question holds a phrase of the editors' emergency list (1 query)."""
    asked = " " + " ".join(text.WORD.findall(text.fold(question))) + " "
    for phrase in EmergencyTerm.objects.filter(active=True).values_list("phrase", flat=True):
        wanted = " ".join(text.WORD.findall(text.fold(phrase)))
        if wanted and re.search(rf"(?<![a-z0-9]){re.escape(wanted)}(?![a-z0-9])", asked):
            return True
    return False


def _corrected(words: list[str]) -> list[str]:
    """The question's words, each misspelt one read as the closest indexed word (1 query)."""
    if not words:
        return []
    fuzzy = [w for w in words if len(w) >= 4]
    indexed = IndexWord.objects.all()
    if settings.IS_POSTGRES:
        # The trigram index is on lower(word) (migration 0002), so that the exact look-up
        # below keeps the primary key; the words are stored folded, lower(word) is word.
        indexed = indexed.annotate(folded=Lower("word"))
        near = [Q(folded__trigram_similar=w) for w in fuzzy]
    else:
        near = [Q(word__startswith=w[:3]) for w in fuzzy]
    known = set(indexed.filter(reduce(or_, near, Q(word__in=words))).values_list("word", flat=True))
    corrected = []
    for word in words:
        if word in known or len(word) < 4:
            corrected.append(word)
            continue
        close = difflib.get_close_matches(word, known, n=1, cutoff=SPELLING_RATIO)
        corrected.append(close[0] if close else word)
    return corrected


def _candidates(stems: list[str], audience: str) -> QuerySet[ClaimEntry]:
    # The index follows every transition; this is the visibility rule again, at read time,
    # so an entry of a version no longer shown can never be quoted.
    entries = (
        ClaimEntry.objects.filter(audience=audience, version_id=F("article__published_version_id"))
        .filter(approved_visible_q(prefix="article__"))
        .select_related("article")
        .only(*ENTRY_FIELDS)
    )
    if settings.IS_POSTGRES:
        from django.contrib.postgres.search import SearchQuery, SearchRank

        # Stems are [a-z0-9]+ (answers.text.WORD), so they are safe in a raw tsquery.
        search = SearchQuery(" | ".join(stems), search_type="raw", config="simple")
        return (
            entries.filter(pk__in=_found_ids(stems, audience))
            .annotate(rank=SearchRank(F("search_vector"), search))
            .order_by("-rank", "pk")[:MAX_CANDIDATES]
        )
    found = reduce(
        or_, (Q(terms__contains=f" {s} ") | Q(context_terms__contains=f" {s} ") for s in stems)
    )
    return entries.filter(found).order_by("pk")[: MAX_CANDIDATES * 5]


def _at_least(stems: list[str], count: int) -> str:
    """A tsquery matching the entries that hold at least ``count`` of the stems."""
    if count <= 1:
        return " | ".join(stems)
    return " | ".join(f"({' & '.join(chosen)})" for chosen in combinations(stems, count))


def _found_ids(stems: list[str], audience: str) -> RawSQL:
    """The ids of the entries worth ranking (PostgreSQL), found by the GIN index alone.

    A claim covering m of the question's n stems (in its own words or its context)
    scores at most m / n, so one holding fewer than ``needed`` can never be shown. At
    most ``STRONG_BOUND`` entries holding that many are taken, in no order: ranking
    every entry that shares one common word with the question is what made a question
    slow on a large index. Only when fewer than ``MAX_SHOWN`` are found are up to
    ``WEAK_BOUND`` entries sharing any stem added, for the closest claims the editors see.
    """
    needed = next(
        (m for m in range(1, len(stems) + 1) if round(m / len(stems), 4) >= min_score()),
        len(stems),
    )
    # Beyond MAX_GROUPS stems the combinations grow too many: search the first ones, for
    # as many fewer as were left out (those might all be found); any stem when that is none.
    grouped = stems[:MAX_GROUPS]
    needed -= len(stems) - len(grouped)
    enough = _at_least(grouped, needed) if needed >= 1 else " | ".join(stems)
    found = (
        f"SELECT id FROM {ClaimEntry._meta.db_table} WHERE audience = %s "
        "AND search_vector @@ to_tsquery('simple', %s) {also} LIMIT {bound}"
    )
    strong = found.format(also="", bound=STRONG_BOUND)
    weak = found.format(also=f"AND (SELECT count(*) FROM strong) < {MAX_SHOWN}", bound=WEAK_BOUND)
    return RawSQL(
        f"WITH strong AS ({strong}) SELECT id FROM strong UNION ALL ({weak})",
        (audience, enough, audience, " | ".join(stems)),
    )


ENTRY_FIELDS = (
    "article__slug",
    "article__state",
    "audience",
    "number",
    "text",
    "question",
    "section",
    "citations",
    "reviewer",
    "reviewed_on",
    "terms",
    "context_terms",
)


def score(asked: set[str], entry: ClaimEntry) -> float:
    """How much of the question the claim covers: 1 per term in the claim, half in its context.

    A claim that covers none of the question in its own words scores 0: its article's
    question alone is no answer.
    """
    if not asked:
        return 0.0
    own, context = set(entry.terms.split()), set(entry.context_terms.split())
    in_claim = len(asked & own)
    if not in_claim:
        return 0.0
    return round((in_claim + CONTEXT_WEIGHT * len((asked - own) & context)) / len(asked), 4)


def claim_list_matching(*, question: str, audience: str) -> list[Match]:
    """Indexed claims that share words with the question, best first (2 queries).

    Ties go to the claim nearer the top of its article (the summary before the detail).
    """
    words = list(dict.fromkeys(text.words(question)))[:20]
    if not words:
        return []
    stems = list(dict.fromkeys(text.stem(w) for w in _corrected(words)))
    asked = set(stems)
    matches = [Match(entry=e, score=score(asked, e)) for e in _candidates(stems, audience)]
    matches = [m for m in matches if m.score > 0]
    matches.sort(key=lambda m: (-m.score, m.entry.number, m.entry.article_id))
    return matches


def answer_get(*, question: str, audience: str) -> Answer:
    """The answer to a reader's question in their audience's wording (4 queries, 2 without words).

    Only claims that reach the score threshold are shown, at most ``MAX_SHOWN``.
    """
    urgent = is_urgent(question)
    urgent_notice, disclaimer = site_texts_get(audience=audience)
    matches = claim_list_matching(question=question, audience=audience)
    threshold = min_score()
    return Answer(
        question=question,
        audience=audience,
        shown=tuple(m for m in matches if m.score >= threshold)[:MAX_SHOWN],
        closest=tuple(matches[:MAX_SHOWN]),
        urgent=urgent,
        urgent_notice=urgent_notice if urgent else [],
        disclaimer=disclaimer,
    )


def followup_get_asked(*, pk: int):
    """A stored question with its article and the question readers are shown of it, or None
    when the article is no longer shown to readers (1 query)."""
    from django.db.models.fields.json import KeyTextTransform

    return (
        FollowUpQuestion.objects.filter(pk=pk, article__in=Article.objects.filter(visible_q()))
        .select_related("article")
        .annotate(shown_title=KeyTextTransform("title", "article__published_version__content"))
        .first()
    )
