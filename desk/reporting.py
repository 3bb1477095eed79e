"""The reports page's period form, its charts, its CSV files and the articles behind each bar.

The queries are ``board.reports``. Lengths of time are in hours with one decimal, on
the page and in the files alike (``hours``).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from articles.states import ArticleState
from board import reports
from board.reports import Listing, Period
from desk.charts import Chart, bar_chart

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


def _count(value: float | None) -> str:
    return "0" if not value else f"{value:g}"


# -- Charts ----------------------------------------------------------------------------


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


# -- The articles behind a bar ---------------------------------------------------------

DECISIONS = {reports.APPROVE: "Approvals", reports.REQUEST_CHANGES: "Changes requested"}
ASSIGNMENTS = {"open": "Open", "overdue": "Overdue"}
# The query parameters that name a bar, per report (the URL's <report>).
BAR_KEYS: dict[str, tuple[str, ...]] = {
    "states": ("state",),
    "time-in-state": ("state",),
    "decisions": ("month", "decision"),
    "reviewers": ("reviewer", "assignments"),
}


# Where each report is on the reports page.
SECTIONS = {
    "states": "states",
    "time-in-state": "times",
    "decisions": "decisions",
    "reviewers": "reviewers",
}


def reports_url(period: Period, report: str) -> str:
    """The reports page over ``period``, at ``report``'s section."""
    query = urlencode({"from": period.start.isoformat(), "to": period.end.isoformat()})
    return f"{reverse('desk:reports')}?{query}#{SECTIONS[report]}"


def bar_url(report: str, period: Period, **bar) -> str:
    """The list of the articles behind one bar of ``report``, over ``period``."""
    query = {"from": period.start.isoformat(), "to": period.end.isoformat(), **bar}
    return reverse("desk:report_articles", args=[report]) + "?" + urlencode(query)


class BarForm(PeriodForm):
    """The period, the bar (its ``BAR_KEYS``) and the page of its list."""

    state = forms.ChoiceField(label="State", choices=ArticleState.choices, required=False)
    month = forms.DateField(label="Month", input_formats=["%Y-%m"], required=False)
    decision = forms.ChoiceField(label="Decision", choices=DECISIONS.items(), required=False)
    reviewer = forms.IntegerField(label="Reviewer", min_value=1, required=False)
    assignments = forms.ChoiceField(
        label="Assignments", choices=ASSIGNMENTS.items(), required=False
    )
    page = forms.IntegerField(label="Page", min_value=1, required=False)

    def __init__(self, *args, report: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report

    def clean(self):
        data = super().clean()
        for name in BAR_KEYS[self.report]:
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, "Say which bar: this is missing from the link.")
        month, period = data.get("month"), data.get("period")
        if self.report == "decisions" and month and period and month not in period.months():
            self.add_error("month", "The month is not in the period.")
        return data


def bar_form(report: str, query) -> BarForm:
    """The form bound to the query string of a bar's link."""
    return BarForm(data=query, report=report)


@dataclass(frozen=True)
class BarRow:
    pk: int
    title: str
    cells: list[str]


@dataclass(frozen=True)
class BarPage:
    """The articles behind one bar, as the drill-down page shows them."""

    heading: str
    counts: str  # what the bar counts, in one sentence
    columns: list[str]
    rows: list[BarRow]
    listing: Listing
    previous_url: str
    next_url: str


def _many(count: int, thing: str) -> str:
    return f"{count} {thing}{'' if count == 1 else 's'}"


def _when(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%b %-d, %Y}"


def _state_label(value: str) -> str:
    return ArticleState(value).label


def _state_page(bar: dict, period: Period, page: int):
    listing = reports.article_list_in_state(state=bar["state"], page=page)
    label = _state_label(bar["state"])
    return (
        f"Articles in “{label}” now",
        f"The “{label}” bar of “Articles per state” counts {_many(listing.total, 'article')}: "
        "here they are, the longest since their last workflow step first.",
        ["Last step"],
        [BarRow(a.pk, a.title, [_when(a.since)]) for a in listing.rows],
        listing,
    )


def _stays_page(bar: dict, period: Period, page: int):
    listing = reports.article_list_with_stays(period=period, state=bar["state"], page=page)
    label = _state_label(bar["state"])
    return (
        f"Stays in “{label}” that ended from {period.start:%b %-d, %Y} to {period.end:%b %-d, %Y}",
        f"The “{label}” bars of “Time in each state” measure the stays of "
        f"{_many(listing.total, 'article')}: here they are with the number of their stays, "
        "the longest stay first.",
        ["State now", "Stays ended", "Longest stay (hours)"],
        [
            BarRow(a.pk, a.title, [_state_label(a.state), str(a.stays), hours(a.longest)])
            for a in listing.rows
        ],
        listing,
    )


def _decisions_page(bar: dict, period: Period, page: int):
    month, decision = bar["month"], bar["decision"]
    listing = reports.article_list_decided(period=period, month=month, decision=decision, page=page)
    kind = DECISIONS[decision]
    return (
        f"{kind} in {month:%B %Y}",
        f"The “{kind}” bar of {month:%B %Y} counts the decisions on "
        f"{_many(listing.total, 'article')}: here they are, in the order of their last one.",
        ["State now", kind, "Last on"],
        [
            BarRow(a.pk, a.title, [_state_label(a.state), str(a.decisions), _when(a.last_at)])
            for a in listing.rows
        ],
        listing,
    )


def _assignments_page(bar: dict, period: Period, page: int):
    name = reports.reviewer_get_name(reviewer_id=bar["reviewer"])
    if name is None:
        raise Http404("No such reviewer.")
    which = bar["assignments"]
    listing = reports.assignment_list_open_for_reviewer(
        reviewer_id=bar["reviewer"], overdue=which == "overdue", page=page
    )
    return (
        f"{name}: {ASSIGNMENTS[which].lower()} assignments",
        f"The “{ASSIGNMENTS[which]}” bar of {name} counts "
        f"{_many(listing.total, 'assignment')}: here they are, the earliest due first.",
        ["State now", "Assigned", "Due"],
        [
            BarRow(
                a.pk,
                a.title,
                [_state_label(a.state), _when(a.assigned_at), f"{a.due_on:%b %-d, %Y}"],
            )
            for a in listing.rows
        ],
        listing,
    )


BAR_PAGES: dict[str, Callable] = {
    "states": _state_page,
    "time-in-state": _stays_page,
    "decisions": _decisions_page,
    "reviewers": _assignments_page,
}


def bar_page(report: str, form: BarForm) -> BarPage:
    """The page of articles behind the bar ``form`` names; 404 past the last page."""
    data = form.cleaned_data
    bar = {name: data[name] for name in BAR_KEYS[report]}
    page = data.get("page") or 1
    heading, counts, columns, rows, listing = BAR_PAGES[report](bar, form.period, page)
    if page > listing.pages:
        raise Http404("No such page.")
    link = {name: f"{value:%Y-%m}" if name == "month" else value for name, value in bar.items()}

    def page_url(number: int) -> str:
        return bar_url(report, form.period, **link, **({"page": number} if number > 1 else {}))

    return BarPage(
        heading=heading,
        counts=counts,
        columns=columns,
        rows=rows,
        listing=listing,
        previous_url=page_url(page - 1) if page > 1 else "",
        next_url=page_url(page + 1) if page < listing.pages else "",
    )
