"""Words of questions and claims, reduced to the terms an answer is matched on.

The same reduction serves the index (``answers.services``) and the question
(``answers.selectors``), on both databases, so a claim found on PostgreSQL is
scored exactly as on SQLite. The stemmer is deliberately small: it folds the
endings that readers and editors vary ("dose", "doses", "dosing"), not more.
"""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[a-z0-9]+")

# Words that say nothing about what is asked: question words, pronouns, auxiliaries.
STOPWORDS = frozenset(
    """
    a about above after again all also am an and any are as at be been before being below
    between both but by can could did do does doing done during each either etc ever every
    few for from further get gets had has have having he her here hers him his how i if in many
    into is it its itself just let me might more most much must my myself no nor not now of
    off on once one only or other our ours out over own per please same she should so some
    such than that the their them then there these they this those through to too under
    until up upon us very was we were what when where whether which while who whom whose why
    will with would yes you your yours
    """.split()
)

# Endings are not stripped below this length: "ms", "mg", "iv" are matched as written.
MIN_STEM = 2


def fold(text: str) -> str:
    """Lower case without accents, so "Tylénol" and "tylenol" are one word."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The words of ``text`` that carry meaning, in order (stop words dropped)."""
    return [w for w in WORD.findall(fold(text)) if w not in STOPWORDS]


def stem(word: str) -> str:
    """A light suffix-stripping stem: plurals, -ing, -ed and a final e."""
    if len(word) <= 2 or word.isdigit():
        return word
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif not word.endswith(("ss", "us", "is")):
        for suffix in ("ing", "ed", "es", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)]
                break
    if word.endswith("e") and len(word) > MIN_STEM:
        word = word[:-1]
    return word


def terms(text: str) -> set[str]:
    """The stems a text is matched on."""
    return {stem(w) for w in words(text)}


def terms_field(stems) -> str:
    """Stems as stored: space-separated and padded, so ``" stem "`` finds a whole stem."""
    return " " + " ".join(sorted(stems)) + " " if stems else ""


def question_key(text: str) -> str:
    """The same question however it is worded in order, case or ending (the inbox counts repeats)."""
    return " ".join(sorted(terms(text)))[:200]
