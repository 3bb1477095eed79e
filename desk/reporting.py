"""The reports page's period form, its lengths of time and its CSV files.

The queries are ``board.reports``; the charts are drawn by ``desk.report_charts`` and
the articles behind each bar listed by ``desk.report_bars``. Lengths of time are in
hours with one decimal, on the page and in the files alike (``hours``).
"""

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

MAX_PERIOD_DAYS = 366 * 10
EARLIEST, LATEST = datetime.date(1970, 1, 1), datetime.date(2999, 12, 31)
DATE_MESSAGE = "Enter a date as YYYY-MM-DD, for example 2026-01-31"


class DatePicker(forms.DateInput):
    """``<input type="date">``, whose value is a date or nothing.

    A browser drops a value that is no date, so text that is not one is not put back:
    the field's message quotes it instead (``PeriodDateField``).
    """

    def __init__(self):
        super().__init__(
            attrs={"type": "date", "min": EARLIEST.isoformat(), "max": LATEST.isoformat()},
            format="%Y-%m-%d",
        )

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = datetime.datetime.strptime(value.strip(), "%Y-%m-%d").date()
            except ValueError:
                return None
        # isoformat, not strftime: strftime writes the year 1 as "1", which is no date to a browser.
        return value.isoformat() if isinstance(value, datetime.date) else None


class PeriodDateField(forms.DateField):
    """A YYYY-MM-DD date; a wrong one is refused with what was typed, quoted."""

    def __init__(self, *, label: str):
        super().__init__(
            label=label, required=False, input_formats=["%Y-%m-%d"], widget=DatePicker()
        )

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                DATE_MESSAGE + ", not “%(typed)s”.",
                code="invalid",
                params={"typed": str(value).strip()[:40]},
            ) from None


class PeriodForm(forms.Form):
    """``?from=YYYY-MM-DD&to=YYYY-MM-DD``; either may be left out (the last 90 days)."""

    start = PeriodDateField(label="From")
    end = PeriodDateField(label="To")

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
            self.add_error(
                "end", "The period starts after it ends: choose a “To” date on or after “From”."
            )
        elif (end - start).days >= MAX_PERIOD_DAYS:
            self.add_error("start", "Choose a period of at most ten years.")
        else:
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


# -- Lengths of time --------------------------------------------------------------------


def hours(seconds: float | None) -> str:
    """A length of time in hours with one decimal, as the page and the files both write it.

    "" when there is none (a state no stay ended in). One unit throughout, so a
    number read on the page is the number in the spreadsheet.
    """
    return "" if seconds is None else f"{seconds / 3600:.1f}"


def hours_label(seconds: float | None) -> str:
    """``hours`` with its unit, for a chart's bar ("—" when there is none)."""
    return "—" if seconds is None else f"{hours(seconds)} h"


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
        [t.state, t.label, t.stays, hours(t.median), hours(t.p90)]
        for t in reports.time_in_state(period)
    )


def _decision_rows(period: Period):
    return (
        [f"{m.month:%Y-%m}", m.approvals, m.changes_requested]
        for m in reports.decisions_per_month(period)
    )


def _reviewer_rows(period: Period):
    return (
        [r.name, r.open, r.overdue, r.done, hours(r.median_turnaround)]
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
        ["state", "label", "stays_ended", "median_hours", "p90_hours"],
        _time_rows,
    ),
    "decisions": CsvReport(
        "Decisions per month", ["month", "approvals", "changes_requested"], _decision_rows
    ),
    "reviewers": CsvReport(
        "Reviewers",
        ["reviewer", "open", "overdue", "done_in_period", "median_turnaround_hours"],
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
