"""Words that make bulk copies distinct articles (bench/bulk_seed.py).

The template articles copies are made from all speak of one drug for one condition.
Copied as they are, every copy shares their words, and a common word such as
"baclofen" matches nearly every article: no real site looks like that. Each copy
therefore has the template's drug, brand, second drug, condition and route replaced by
terms drawn from a large synthetic vocabulary, Zipf-distributed as words of real texts
are: the first terms of each list (the real words the templates use come first) are in
many copies, most of the coined ones in a few. The copy's question, heading, approved
text and search entry all read the same replaced words, so its page still reads as an
article about what search finds in it.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from functools import cache

# Word frequency falls as 1/rank**s in real texts; s near 1.
ZIPF_EXPONENT = 1.0
SEED = 2026


class Vocabulary:
    """Terms in rank order, drawn with Zipf weights."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self._cumulative = list(
            itertools.accumulate(1 / rank**ZIPF_EXPONENT for rank in range(1, len(words) + 1))
        )

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.words, cum_weights=self._cumulative)[0]


def _coined(parts: tuple[tuple[str, ...], ...], *, first: tuple[str, ...], seed: int) -> list[str]:
    """``first`` in order, then every combination of the parts, in a fixed shuffled order."""
    coined = ["".join(p) for p in itertools.product(*parts)]
    random.Random(seed).shuffle(coined)
    taken = set(first)
    return list(first) + [w for w in dict.fromkeys(coined) if w not in taken]


@cache
def vocabularies() -> dict[str, Vocabulary]:
    onsets = ("ba", "clo", "zo", "ta", "mi", "ve", "ri", "do", "ke", "lu")
    onsets += ("na", "pe", "so", "tri", "xe", "fa", "gi", "ho", "qui", "ce")
    middles = ("lo", "ra", "ni", "ta", "me", "xi", "do", "bu", "ce", "fi", "li", "vo", "sa", "te")
    drug_endings = ("fen", "done", "zole", "pril", "sartan", "olol", "tine", "pine", "mycin")
    drug_endings += ("cillin", "zepam", "triptan", "statin", "prazole", "mab", "lukast", "vir")
    roots = ("neur", "my", "arthr", "derm", "nephr", "hepat", "card", "gastr", "enceph", "angi")
    roots += ("oste", "rhin", "pancre", "col", "cyst", "fasc", "tend", "bronch", "laryng", "retin")
    links = ("o", "a", "i", "ero", "ul")
    condition_endings = ("itis", "osis", "algia", "pathy", "emia", "plegia", "trophy", "spasm")
    condition_endings += ("dynia", "tonia", "lepsy", "rrhea")
    brand_onsets = ("Lio", "Zan", "Vel", "Tor", "Kal", "Mer", "Nov", "Pra", "Sol", "Quen", "Dax")
    brand_endings = ("resal", "vance", "trex", "lix", "dor", "max", "quil", "ara", "zen", "tiva")
    routes = ("intrathecal", "oral", "intravenous", "transdermal", "subcutaneous", "intranasal")
    routes += ("intramuscular", "sublingual", "topical", "rectal", "inhaled", "buccal")
    routes += ("epidural", "intradermal", "intravitreal", "intraocular", "ophthalmic")
    return {
        "drug": Vocabulary(
            _coined(
                (onsets, middles, drug_endings),
                first=("baclofen", "tizanidine", "dantrolene", "gabapentin", "diazepam"),
                seed=SEED,
            )
        ),
        "brand": Vocabulary(
            _coined((brand_onsets, middles, brand_endings), first=("Lioresal",), seed=SEED + 1)
        ),
        "condition": Vocabulary(
            _coined(
                (roots, links, condition_endings),
                first=("spasticity", "dystonia", "neuropathy", "spasm", "rigidity"),
                seed=SEED + 2,
            )
        ),
        "route": Vocabulary(list(routes)),
    }


# The templates' words each copy replaces, and the list each replacement is drawn from.
# A lower-case word is replaced in its capitalised form too.
REPLACED = (
    ("baclofen", "drug"),
    ("Lioresal", "brand"),
    ("tizanidine", "drug"),
    ("spasticity", "condition"),
    ("intrathecal", "route"),
)


def copy_words(n: int) -> tuple[str, ...]:
    """The terms copy ``n`` has in place of REPLACED's words (the same on every run)."""
    rng = random.Random(SEED * 1_000_003 + n)
    lists = vocabularies()
    return tuple(lists[kind].draw(rng) for _word, kind in REPLACED)


def _forms(word: str, replacement: str) -> list[tuple[str, str]]:
    if word[0].islower():
        return [(word, replacement), (word.capitalize(), replacement.capitalize())]
    return [(word, replacement)]


def replacements(words: tuple[str, ...]) -> dict[str, str]:
    """Each form of each replaced word, and what a copy with ``words`` has instead."""
    return {
        form: instead
        for (word, _kind), replacement in zip(REPLACED, words, strict=True)
        for form, instead in _forms(word, replacement)
    }


_REPLACED_FORMS = re.compile("|".join(replacements(tuple(w for w, _k in REPLACED))))


def vary(text: str, words: tuple[str, ...]) -> str:
    """``text`` with the replaced words swapped for ``words``, all in one pass."""
    table = replacements(words)
    return _REPLACED_FORMS.sub(lambda m: table[m.group()], text)


def vary_content(content: dict, words: tuple[str, ...]) -> dict:
    """An approved snapshot with the words replaced in every text it holds (the words are
    plain letters, so the JSON stays valid)."""
    return json.loads(vary(json.dumps(content), words))


def vary_sql(expression: str, columns: list[str]) -> str:
    """SQL for ``vary``: ``expression`` with each replaced word swapped for the column of the
    same position. Every form becomes a marker first, so that a drawn word which is itself
    a replaced word (a copy's second drug may be "baclofen") is not replaced again."""
    forms = [
        (form, column if form == word else f"initcap({column})")
        for (word, _kind), column in zip(REPLACED, columns, strict=True)
        for form, _instead in _forms(word, "x")
    ]
    for index, (form, _column) in enumerate(forms):
        expression = f"replace({expression}, '{form}', chr(1) || '{index}' || chr(2))"
    for index, (_form, column) in enumerate(forms):
        expression = f"replace({expression}, chr(1) || '{index}' || chr(2), {column})"
    return expression
