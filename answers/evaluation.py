"""The question set (``answers/questions/questions.json``) and how answers are scored against it.

Each question names the approved claims that answer it by article slug and the
start of the claim's professional text; an empty list means the site has no
reviewed answer, and the question must be declined. Read by ``bench/answers.py``
and by the tests.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from answers.models import ClaimEntry
from answers.selectors import MAX_SHOWN, answer_get

QUESTIONS = Path(__file__).resolve().parent / "questions" / "questions.json"
# The seed pages the questions are asked of (with the demo articles of ``seed_demo``).
ROOT_SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"


@dataclass(frozen=True)
class Question:
    text: str
    audience: str
    expected: tuple[tuple[str, str], ...]  # (article slug, start of the claim's text)
    note: str = ""


def questions_load(path: Path = QUESTIONS) -> list[Question]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Question(
            text=q["question"],
            audience=q["audience"],
            expected=tuple((e["article"], e["claim"]) for e in q["expected"]),
            note=q.get("note", ""),
        )
        for q in data["questions"]
    ]


def claim_numbers(expected) -> set[tuple[str, int]]:
    """The (slug, claim number) of each expected claim, found by its professional text (1 query)."""
    slugs = {slug for slug, _ in expected}
    entries = ClaimEntry.objects.filter(article__slug__in=slugs, audience="professional")
    rows = list(entries.values_list("article__slug", "number", "text"))
    found = set()
    for slug, prefix in expected:
        hits = [(s, n) for s, n, text in rows if s == slug and text.startswith(prefix)]
        if not hits:
            raise LookupError(f"No approved claim of {slug} starts with {prefix!r}.")
        found.update(hits)
    return found


@dataclass
class Scores:
    questions: int
    answerable: int
    unanswerable: int
    precision_at_3: float  # relevant claims shown / claims shown, over answerable questions
    recall_at_3: float  # mean of relevant shown / min(3, relevant), over answerable questions
    answered_share: float  # answerable questions that got at least one claim
    declined_share: float  # unanswerable questions that got none
    p50_ms: float
    p95_ms: float
    misses: list[str]


def evaluate(questions: list[Question], *, repeat: int = 1) -> Scores:
    """Ask every question (``repeat`` times for the timings) and score the claims shown."""
    shown_total = relevant_shown = answered = declined = 0
    recalls, timings, misses = [], [], []
    answerable = [q for q in questions if q.expected]
    for question in questions:
        expected = claim_numbers(question.expected) if question.expected else set()
        for _ in range(repeat):
            started = time.perf_counter()
            answer = answer_get(question=question.text, audience=question.audience)
            timings.append((time.perf_counter() - started) * 1000)
        shown = [(m.entry.article.slug, m.entry.number) for m in answer.shown]
        if not question.expected:
            declined += not shown
            if shown:
                misses.append(f"answered, should decline: {question.text}")
            continue
        hits = sum(1 for s in shown if s in expected)
        shown_total += len(shown)
        relevant_shown += hits
        answered += bool(shown)
        recalls.append(hits / min(MAX_SHOWN, len(expected)))
        if hits < len(shown) or not shown:
            misses.append(f"{hits}/{len(shown)} relevant: {question.text}")
    unanswerable = len(questions) - len(answerable)
    timings.sort()
    return Scores(
        questions=len(questions),
        answerable=len(answerable),
        unanswerable=unanswerable,
        precision_at_3=round(relevant_shown / shown_total, 3) if shown_total else 0.0,
        recall_at_3=round(statistics.fmean(recalls), 3) if recalls else 0.0,
        answered_share=round(answered / len(answerable), 3) if answerable else 0.0,
        declined_share=round(declined / unanswerable, 3) if unanswerable else 1.0,
        p50_ms=round(statistics.median(timings), 2),
        p95_ms=round(timings[int(0.95 * (len(timings) - 1))], 2),
        misses=misses,
    )
