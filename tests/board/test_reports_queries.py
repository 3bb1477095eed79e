"""The numbers of each report, on small histories made by hand (exact on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime
import random

import pytest
import time_machine

from articles import services
from articles.states import ArticleState
from board import reports
from board.models import ReviewAssignment
from board.reports import Period
from tests.board.factories_reports import (
    APPROVE,
    CHANGES,
    IMPORT,
    PARTIAL,
    REVISE,
    START,
    SUBMIT,
    T0,
    AssignmentFactory,
    ReportArticleFactory,
    approved_at,
    article_with_history,
)
from tests.factories import UserFactory, declare_no_conflict, draft_article

pytestmark = pytest.mark.django_db

HOUR = 3600.0
SPRING = Period(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 5, 31))


def continuous_percentile(values: list[float], p: float) -> float:
    """The definition both databases use: linear between the ranks around (n - 1) * p."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p
    lo = int(rank)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (rank - lo) * (ordered[hi] - ordered[lo])


@pytest.fixture
def spring_history():
    """Four articles through the spring of 2026 (hours after each one's creation)."""
    article_with_history([(SUBMIT, 10), (START, 12), (APPROVE, 36)])
    article_with_history(
        [
            (SUBMIT, 20),
            (START, 24),
            (CHANGES, 72),
            (SUBMIT, 82),
            (START, 88),
            (PARTIAL, 90),  # not a change of state: the stay in review goes on
            (APPROVE, 100),
        ]
    )
    article_with_history([(SUBMIT, 30), (START, 38)])  # still under review: no stay ended
    article_with_history([(IMPORT, 0), (START, 10), (APPROVE, 15), (REVISE, 255)])


def by_state(rows):
    return {row.state: row for row in rows}


def test_time_in_state_medians_and_90th_percentiles(spring_history):
    times = by_state(reports.time_in_state(SPRING))
    # Draft stays 10, 20, 10, 30 h (the import's instant draft left out).
    draft = times[ArticleState.DRAFT]
    assert (draft.stays, draft.median, draft.p90) == (
        4,
        pytest.approx(15 * HOUR),
        pytest.approx(27 * HOUR),
    )
    # Submitted 2, 4, 6, 8, 10 h.
    submitted = times[ArticleState.SUBMITTED]
    assert submitted.stays == 5
    assert submitted.median == pytest.approx(6 * HOUR)
    assert submitted.p90 == pytest.approx(9.2 * HOUR)
    # Under review 24, 48, 12 (the partial approval does not split it), 5 h.
    review = times[ArticleState.UNDER_REVIEW]
    assert review.stays == 4
    assert review.median == pytest.approx(18 * HOUR)
    assert review.p90 == pytest.approx(40.8 * HOUR)
    # Approved for ten days, then revised.
    approved = times[ArticleState.APPROVED]
    assert (approved.stays, approved.median, approved.p90) == (
        1,
        pytest.approx(240 * HOUR),
        pytest.approx(240 * HOUR),
    )
    assert ArticleState.RETRACTED not in times


def test_a_stay_counts_in_the_period_it_ended_and_starts_where_it_began():
    january = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    # Submitted in January, taken up on March 1 at 05:00: 59 days in the queue.
    article_with_history([(SUBMIT, 5), (START, 59 * 24 + 5)], created_at=january)
    # Ended after the period: not counted.
    article_with_history(
        [(SUBMIT, 1)], created_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    )
    times = by_state(reports.time_in_state(SPRING))
    assert times[ArticleState.DRAFT].stays == 0  # the January draft ended in January
    assert times[ArticleState.DRAFT].median is None
    assert times[ArticleState.SUBMITTED].stays == 1
    assert times[ArticleState.SUBMITTED].median == pytest.approx(59 * 24 * HOUR)


def test_percentiles_match_the_continuous_definition_on_many_stays():
    rng = random.Random(7)
    hours = [rng.randint(1, 500) for _ in range(23)]
    for h in hours:
        article_with_history([(SUBMIT, h)])
    draft = by_state(reports.time_in_state(SPRING))[ArticleState.DRAFT]
    seconds = [h * HOUR for h in hours]
    assert draft.stays == 23
    assert draft.median == pytest.approx(continuous_percentile(seconds, 0.5))
    assert draft.p90 == pytest.approx(continuous_percentile(seconds, 0.9))


def test_articles_per_state_lists_every_state(spring_history):
    counts = {row.state: row.count for row in reports.articles_per_state()}
    assert counts == {
        ArticleState.DRAFT: 1,
        ArticleState.SUBMITTED: 0,
        ArticleState.UNDER_REVIEW: 1,
        ArticleState.APPROVED: 2,
        ArticleState.RETRACTED: 0,
    }


def test_decisions_per_month_count_approvals_and_changes_with_empty_months(spring_history):
    months = reports.decisions_per_month(SPRING)
    assert [(m.month, m.approvals, m.changes_requested) for m in months] == [
        (datetime.date(2026, 3, 1), 3, 1),  # partial approvals are not decisions
        (datetime.date(2026, 4, 1), 0, 0),
        (datetime.date(2026, 5, 1), 0, 0),
    ]
    february = Period(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 2, 28))
    assert [(m.approvals, m.changes_requested) for m in reports.decisions_per_month(february)] == [
        (0, 0)
    ]


def test_reviewer_workload_counts_open_overdue_and_median_turnaround():
    today = datetime.date(2026, 4, 10)
    busy = UserFactory(username="busy", first_name="Ada", last_name="Busy")
    quick = UserFactory(username="quick", first_name="", last_name="")
    idle = UserFactory(username="idle")
    AssignmentFactory(reviewer=busy, due_on=today - datetime.timedelta(days=1))  # overdue
    AssignmentFactory(reviewer=busy, due_on=today)  # due today: not overdue yet
    for hours in (24, 48, 96):
        AssignmentFactory(
            reviewer=busy,
            status=ReviewAssignment.Status.DONE,
            completed_at=T0 + datetime.timedelta(hours=hours),
        )
    # Completed before the period: neither counted nor in the median.
    AssignmentFactory(
        reviewer=busy,
        status=ReviewAssignment.Status.DONE,
        assigned_at=T0 - datetime.timedelta(days=60),
        completed_at=T0 - datetime.timedelta(days=59),
    )
    for hours in (10, 20):
        AssignmentFactory(
            reviewer=quick,
            status=ReviewAssignment.Status.DONE,
            completed_at=T0 + datetime.timedelta(hours=hours),
        )
    AssignmentFactory(reviewer=idle, status=ReviewAssignment.Status.CANCELLED)

    loads = reports.reviewer_workload(SPRING, today=today)
    assert [(r.name, r.open, r.overdue, r.done) for r in loads] == [
        ("Ada Busy", 2, 1, 3),
        ("quick", 0, 0, 2),
    ]
    assert loads[0].median_turnaround == pytest.approx(48 * HOUR)
    assert loads[1].median_turnaround == pytest.approx(15 * HOUR)


def test_aging_lists_approved_articles_oldest_approval_first():
    now = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
    newer = ReportArticleFactory(state=ArticleState.APPROVED, title="Newer?")
    older = ReportArticleFactory(state=ArticleState.APPROVED, title="Older?")
    revised = ReportArticleFactory(state=ArticleState.DRAFT, title="Being revised?")
    approved_at(newer, now - datetime.timedelta(days=10))
    approved_at(older, now - datetime.timedelta(days=400, hours=1))
    approved_at(revised, now - datetime.timedelta(days=900))  # in revision: not approved now
    rows = reports.aging_approved(now=now)
    assert [(a.title, a.days) for a in rows] == [("Older?", 400), ("Newer?", 10)]
    assert len(reports.aging_approved(now=now, limit=1)) == 1


def test_the_reports_agree_with_a_history_made_through_the_services(editor, reviewer, policy):
    start = datetime.datetime(2026, 3, 10, 8, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        article = draft_article(by=editor)
        clock.shift(datetime.timedelta(hours=5))
        services.article_submit(article=article, by=editor)
        declare_no_conflict(article, reviewer)
        clock.shift(datetime.timedelta(hours=3))
        services.article_start_review(article=article, by=reviewer)
        clock.shift(datetime.timedelta(hours=2))
        services.article_request_changes(article=article, by=reviewer, comment="Cite the label.")
    times = by_state(reports.time_in_state(SPRING))
    assert times[ArticleState.DRAFT].median == pytest.approx(5 * HOUR)
    assert times[ArticleState.SUBMITTED].median == pytest.approx(3 * HOUR)
    assert times[ArticleState.UNDER_REVIEW].median == pytest.approx(2 * HOUR)
    march = reports.decisions_per_month(SPRING)[0]
    assert (march.approvals, march.changes_requested) == (0, 1)
