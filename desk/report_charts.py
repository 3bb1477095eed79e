"""The reports page's charts and tables: each report's rows drawn as bars, each bar linked
to the articles it counts (``desk.report_bars``)."""

from __future__ import annotations

from django.urls import reverse

from board import reports
from desk.charts import Chart, bar_chart
from desk.report_bars import ASSIGNMENTS, DECISIONS, bar_url
from desk.reporting import hours_label


def _count(value: float | None) -> str:
    return "0" if not value else f"{value:g}"


def bar_links(data: reports.Reports) -> dict[str, list[list[str]]]:
    """Per chart, per row, the link of each of its bars: the articles the bar counts.

    The links keep the period, so the list answers for the same dates as the bar.
    """
    period = data.period
    return {
        "states": [[bar_url("states", period, state=s.state)] for s in data.states],
        "times": [[bar_url("time-in-state", period, state=t.state)] * 2 for t in data.times],
        "decisions": [
            [
                bar_url("decisions", period, month=f"{m.month:%Y-%m}", decision=decision)
                for decision in DECISIONS
            ]
            for m in data.months
        ],
        "reviewers": [
            [
                bar_url("reviewers", period, reviewer=r.reviewer_id, assignments=which)
                for which in ASSIGNMENTS
            ]
            for r in data.reviewers
        ],
        # One bar is one article: its own page.
        "aging": [[reverse("desk:article", args=[a.pk])] for a in data.aging],
    }


def charts_for(data: reports.Reports, links: dict[str, list[list[str]]]) -> dict[str, Chart]:
    """One chart per report: its title, what it shows, each bar linked (``bar_links``)."""
    period = f"{data.period.start:%b %-d, %Y} to {data.period.end:%b %-d, %Y}"
    return {
        "states": bar_chart(
            slug="states",
            title="Articles in each state now",
            description="One bar per state: the number of articles in it now; each bar links "
            "to its articles. The table after the chart gives the numbers.",
            series=["Articles"],
            rows=[(s.label, [s.count]) for s in data.states],
            links=links["states"],
            fmt=_count,
        ),
        "times": bar_chart(
            slug="times",
            title="Time spent in each state",
            description=f"For stays that ended from {period}: the median and the 90th "
            "percentile, in hours, per state; each bar links to the articles of those stays. "
            "The table after the chart gives the numbers.",
            series=["Median", "90th percentile"],
            rows=[(t.label, [t.median, t.p90]) for t in data.times],
            links=links["times"],
            fmt=hours_label,
        ),
        "decisions": bar_chart(
            slug="decisions",
            title="Approvals and requests for changes per month",
            description=f"From {period}, one group of bars per month; each bar links to the "
            "articles decided. The table after the chart gives the numbers.",
            series=list(DECISIONS.values()),
            rows=[(f"{m.month:%B %Y}", [m.approvals, m.changes_requested]) for m in data.months],
            links=links["decisions"],
            fmt=_count,
        ),
        "reviewers": bar_chart(
            slug="reviewers",
            title="Reviewers' open and overdue assignments",
            description="One group of bars per reviewer: open assignments and overdue ones; "
            "each bar links to them. The table after the chart adds each reviewer's median "
            "turnaround.",
            series=list(ASSIGNMENTS.values()),
            rows=[(r.name, [r.open, r.overdue]) for r in data.reviewers],
            links=links["reviewers"],
            fmt=_count,
        ),
        "aging": bar_chart(
            slug="aging",
            title="Approved articles with the oldest approval",
            description=f"The {len(data.aging)} approved articles approved longest ago, oldest "
            "first: days since approval; each bar links to its article. The table after the "
            "chart names the dates.",
            series=["Days since approval"],
            rows=[(a.title, [a.days]) for a in data.aging],
            links=links["aging"],
            fmt=lambda v: f"{v:g} days" if v is not None else "—",
        ),
    }


def table_rows(data: reports.Reports, links: dict[str, list[list[str]]]) -> dict[str, list]:
    """Each report's rows with their bars' links, for the tables that give the numbers."""
    return {
        "states": list(zip(data.states, links["states"], strict=True)),
        "times": list(zip(data.times, links["times"], strict=True)),
        "decisions": list(zip(data.months, links["decisions"], strict=True)),
        "reviewers": list(zip(data.reviewers, links["reviewers"], strict=True)),
    }
