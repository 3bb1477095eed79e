"""Retrieval ranks few candidates, yet shows what scoring every indexed claim would show."""

import dataclasses

import pytest

from answers import text
from answers.models import ClaimEntry
from answers.selectors import MAX_SHOWN, _at_least, answer_get, min_score, score
from articles.content import ClaimData
from tests.answers.conftest import PARACETAMOL, P
from tests.factories import approved_article

pytestmark = pytest.mark.django_db

# Claims sharing one or two words with the questions below, and one covering them all.
OTHERS = dataclasses.replace(
    PARACETAMOL,
    title="What helps a tension headache?",
    display_heading="Tension headache",
    claims=(
        ClaimData(kind=P, text="A warm shower can ease a tension headache.", citations=(1,)),
        ClaimData(kind=P, text="Some adults take two tablets with water.", citations=(1,)),
        ClaimData(kind=P, text="Liver problems change how a dose is cleared.", citations=(2,)),
        ClaimData(kind=P, text="Adults should keep 4 hours between doses.", citations=(1,)),
        ClaimData(kind=P, text="Paracetamol dose limits protect the liver.", citations=(2,)),
    ),
)

QUESTIONS = [
    "How many hours between doses?",
    "paracetamol liver problems",
    "How many tablets can adults take in a day?",
    "Does a warm shower help a headache?",
    "liver dose",
    "Can paracetamol cure migraine in pregnancy?",
    "tablets water shower liver hours adults headache dose tension paracetamol",
]


@pytest.fixture
def two_articles(paracetamol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approved_article(content=OTHERS)
    return paracetamol


def every_entry_scored(question: str, audience: str) -> list[tuple[str, float]]:
    """What the answer should show: every entry of the audience scored, best first."""
    asked = {text.stem(w) for w in text.words(question)}
    scored = [(e, score(asked, e)) for e in ClaimEntry.objects.filter(audience=audience)]
    scored.sort(key=lambda pair: (-pair[1], pair[0].number, pair[0].article_id))
    return [(e.text, s) for e, s in scored if s > 0 and s >= min_score()][:MAX_SHOWN]


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize("audience", ["professional", "patient"])
def test_the_claims_shown_are_the_best_of_every_entry(two_articles, question, audience):
    answer = answer_get(question=question, audience=audience)
    assert [(m.entry.text, m.score) for m in answer.shown] == every_entry_scored(question, audience)


@pytest.mark.parametrize("threshold", [0.1, 0.5, 0.75, 1.0])
def test_the_threshold_still_decides_what_is_shown(two_articles, settings, threshold):
    settings.ANSWERS_MIN_SCORE = threshold
    for question in QUESTIONS:
        answer = answer_get(question=question, audience="professional")
        expected = every_entry_scored(question, "professional")
        assert [(m.entry.text, m.score) for m in answer.shown] == expected


def test_the_closest_claims_are_kept_when_none_is_good_enough(two_articles):
    answer = answer_get(question="headache migraine aura pregnancy nausea", audience="patient")
    assert not answer.answered
    assert answer.closest and all(0 < m.score < min_score() for m in answer.closest)


def test_at_least_k_of_n_is_every_combination_of_k():
    assert _at_least(["a", "b", "c"], 1) == "a | b | c"
    assert _at_least(["a", "b", "c"], 2) == "(a & b) | (a & c) | (b & c)"
    assert _at_least(["a", "b"], 2) == "(a & b)"
