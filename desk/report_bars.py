"""The articles behind one bar of the reports page: the bar's link, its form and its page.

The lists are ``board.report_listings``; they ask the same question as the bar.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from articles.states import ArticleState
from board import report_listings, reports
from board.report_listings import Listing
from board.reports import Period
from desk.reporting import PeriodForm, hours

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
    listing = report_listings.article_list_in_state(state=bar["state"], page=page)
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
    listing = report_listings.article_list_with_stays(period=period, state=bar["state"], page=page)
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
    listing = report_listings.article_list_decided(
        period=period, month=month, decision=decision, page=page
    )
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
    listing = report_listings.assignment_list_open_for_reviewer(
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
