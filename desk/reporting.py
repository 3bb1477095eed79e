"""The reports page's period form, its charts and its CSV files (queries: ``board.reports``)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms
from django.utils import timezone

from board import reports
from board.reports import Period
from desk.charts import Chart, bar_chart

MAX_PERIOD_DAYS = 366 * 10
EARLIEST, LATEST = datetime.date(1970, 1, 1), datetime.date(2999, 12, 31)
DATE_MESSAGE = "Enter a date as YYYY-MM-DD, for example 2026-01-31."
# Plain text, not type="date": a date the reader mistyped comes back as typed, with the reason.
DATE_ATTRS = {"inputmode": "numeric", "autocomplete": "off", "size": 10}


class PeriodForm(forms.Form):
    """``?from=YYYY-MM-DD&to=YYYY-MM-DD``; either may be left out (the last 90 days)."""

    start = forms.DateField(
        label="From",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_MESSAGE},
        help_text="YYYY-MM-DD",
        widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label="To",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_MESSAGE},
        help_text="YYYY-MM-DD",
        widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d"),
    )

    def add_prefix(self, field_name: str) -> str:
        # The query string says from= and to=; "from" cannot be a Python attribute.
        return {"start": "from", "end": "to"}.get(field_name, field_name)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        for name, day in (("start", start), ("end", end)):
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, f"Choose a date between {EARLIEST:%Y} and {LATEST:%Y}.")
        if self.errors:
            return data
        end = end or max(timezone.localdate(), start or EARLIEST)
        start = start or end - datetime.timedelta(days=reports.DEFAULT_PERIOD_DAYS - 1)
        if start > end:
            raise forms.ValidationError("The period starts after it ends: “From” must come first.")
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise forms.ValidationError("Choose a period of at most ten years.")
        data["period"] = Period(start=start, end=end)
        return data

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"]

    def messages(self) -> list[str]:
        """Every problem with the dates, one sentence each, naming the field."""
        found = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            found.extend(f"{label}: {e}" if label else e for e in errors)
        return found


def period_form(query) -> PeriodForm:
    """The form bound to the query string (an empty one means the default period)."""
    return PeriodForm(data=query)


def shown_form(period: Period) -> PeriodForm:
    """The form as the page shows it after a valid request: the dates in effect."""
    return PeriodForm(data={"from": period.start.isoformat(), "to": period.end.isoformat()})


# -- Numbers in words ------------------------------------------------------------------


def days(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 86400, 2)


def duration(seconds: float | None) -> str:
    """A length of time as people say it: minutes, hours or days."""
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400 * 2:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _count(value: float | None) -> str:
    return "0" if not value else f"{value:g}"


# -- Charts ----------------------------------------------------------------------------


def charts_for(data: reports.Reports) -> dict[str, Chart]:
    """One chart per report, each with its title and a one-line account of what it shows."""
    period = f"{data.period.start:%b %-d, %Y} to {data.period.end:%b %-d, %Y}"
    return {
        "states": bar_chart(
            slug="states",
            title="Articles in each state now",
            description="One bar per state: the number of articles in it now. "
            "The table after the chart gives the numbers.",
            series=["Articles"],
            rows=[(s.label, [s.count]) for s in data.states],
            fmt=_count,
        ),
        "times": bar_chart(
            slug="times",
            title="Time spent in each state",
            description=f"For stays that ended from {period}: the median and the 90th "
            "percentile, per state. The table after the chart gives the numbers.",
            series=["Median", "90th percentile"],
            rows=[(t.label, [t.median, t.p90]) for t in data.times],
            fmt=duration,
        ),
        "decisions": bar_chart(
            slug="decisions",
            title="Approvals and requests for changes per month",
            description=f"From {period}, one group of bars per month. "
            "The table after the chart gives the numbers.",
            series=["Approvals", "Changes requested"],
            rows=[(f"{m.month:%B %Y}", [m.approvals, m.changes_requested]) for m in data.months],
            fmt=_count,
        ),
        "reviewers": bar_chart(
            slug="reviewers",
            title="Reviewers' open and overdue assignments",
            description="One group of bars per reviewer: open assignments and overdue ones. "
            "The table after the chart adds each reviewer's median turnaround.",
            series=["Open", "Overdue"],
            rows=[(r.name, [r.open, r.overdue]) for r in data.reviewers],
            fmt=_count,
        ),
        "aging": bar_chart(
            slug="aging",
            title="Approved articles with the oldest approval",
            description=f"The {len(data.aging)} approved articles approved longest ago, oldest "
            "first: days since approval. The table after the chart names the dates.",
            series=["Days since approval"],
            rows=[(a.title, [a.days]) for a in data.aging],
            fmt=lambda v: f"{v:g} days" if v is not None else "—",
        ),
    }


# -- CSV -------------------------------------------------------------------------------

# A spreadsheet reads a cell starting with these as a formula (or hides what follows),
# in their full-width forms too, and even after leading spaces, which it skips.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def spreadsheet_safe(value) -> str:
    """The cell as text a spreadsheet shows as text: a leading formula character gets a '."""
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip(" \u3000\u00a0").startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class CsvReport:
    title: str
    header: list[str]
    rows: Callable[[Period], Iterable[list]]


def _state_rows(period: Period):
    return ([s.state, s.label, s.count] for s in reports.articles_per_state())


def _time_rows(period: Period):
    return (
        [t.state, t.label, t.stays, days(t.median), days(t.p90)]
        for t in reports.time_in_state(period)
    )


def _decision_rows(period: Period):
    return (
        [f"{m.month:%Y-%m}", m.approvals, m.changes_requested]
        for m in reports.decisions_per_month(period)
    )


def _reviewer_rows(period: Period):
    return (
        [r.name, r.open, r.overdue, r.done, days(r.median_turnaround)]
        for r in reports.reviewer_workload(period)
    )


def _aging_rows(period: Period):
    return (
        [a.pk, a.title, timezone.localtime(a.approved_at).date().isoformat(), a.days]
        for a in reports.aging_approved()
    )


CSV_REPORTS: dict[str, CsvReport] = {
    "states": CsvReport("Articles per state", ["state", "label", "articles"], _state_rows),
    "time-in-state": CsvReport(
        "Time in each state",
        ["state", "label", "stays_ended", "median_days", "p90_days"],
        _time_rows,
    ),
    "decisions": CsvReport(
        "Decisions per month", ["month", "approvals", "changes_requested"], _decision_rows
    ),
    "reviewers": CsvReport(
        "Reviewers",
        ["reviewer", "open", "overdue", "done_in_period", "median_turnaround_days"],
        _reviewer_rows,
    ),
    "aging": CsvReport(
        "Oldest approvals", ["article_id", "question", "approved_on", "days"], _aging_rows
    ),
}


def csv_text(name: str, period: Period) -> str:
    """The report as CSV text, every cell made safe to open in a spreadsheet."""
    report = CSV_REPORTS[name]
    out = io.StringIO()
    # A byte-order mark tells Excel the file is UTF-8 (names and questions are not ASCII).
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(report.header)
    for row in report.rows(period):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()
