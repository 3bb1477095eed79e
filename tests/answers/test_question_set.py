"""The question set kept in the repository, asked of the seed and demo articles: the goals hold."""

import io

import pytest
from django.core.management import call_command

from answers.evaluation import claim_numbers, evaluate, questions_load
from bench.answers import seed_pages_approve
from bench.data import bench_reviewer

pytestmark = pytest.mark.django_db


def test_the_set_is_large_enough_to_mean_something():
    questions = questions_load()
    assert len(questions) >= 50
    assert sum(1 for q in questions if not q.expected) >= 10
    assert len({q.text for q in questions}) == len(questions)


def test_precision_at_3_and_every_unanswerable_question_declined(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        seed_pages_approve(reviewer=bench_reviewer())
        call_command("seed_demo", stdout=io.StringIO())
    questions = questions_load()
    for question in questions:  # every expected claim is an approved one
        assert len(claim_numbers(question.expected)) >= len(set(question.expected))
    scores = evaluate(questions)
    assert scores.precision_at_3 >= 0.8, scores.misses
    assert scores.declined_share == 1.0, scores.misses
    assert scores.answered_share >= 0.8, scores.misses
