"""Reports for editors-in-chief: the page with its charts, and each report as CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from articles import policy
from board.reports import AGING_ROWS, reports_get
from desk import report_bars, report_charts, reporting
from desk.errors import desk_view


def _ensure_may_read_reports(user) -> None:
    if not policy.may_read_reports(user):
        raise PermissionDenied("The reports are for editors-in-chief.")


@require_GET
@desk_view
def reports(request):
    _ensure_may_read_reports(request.user)
    form = reporting.period_form(request.GET)
    if not form.is_valid():
        # The dates as typed stay in the form, with what is wrong with them.
        return render(request, "desk/reports.html", {"form": form}, status=400)
    data = reports_get(period=form.period)
    links = report_charts.bar_links(data)
    return render(
        request,
        "desk/reports.html",
        {
            "form": reporting.shown_form(form.period),
            "data": data,
            "charts": report_charts.charts_for(data, links),
            "rows": report_charts.table_rows(data, links),
            # The CSV links ask for the same period.
            "period_query": urlencode({"from": form.period.start, "to": form.period.end}),
            "aging_rows": AGING_ROWS,
        },
    )


@require_GET
@desk_view
def report_articles(request, report):
    """The articles behind one bar of a report, for the period the reports page showed."""
    _ensure_may_read_reports(request.user)
    if report not in report_bars.BAR_PAGES:
        raise Http404("No such report.")
    form = report_bars.bar_form(report, request.GET)
    if not form.is_valid():
        # A link edited by hand: say what is wrong with it, and offer the reports again.
        context = {"messages_list": form.messages(), "back": reverse("desk:reports")}
        return render(request, "desk/report_articles.html", context, status=400)
    context = {
        "page": report_bars.bar_page(report, form),
        "period": form.period,
        "back": report_bars.reports_url(form.period, report),
    }
    return render(request, "desk/report_articles.html", context)


@require_GET
@desk_view
def report_csv(request, report):
    _ensure_may_read_reports(request.user)
    if report not in reporting.CSV_REPORTS:
        raise Http404("No such report.")
    form = reporting.period_form(request.GET)
    if not form.is_valid():
        return HttpResponse(
            "\n".join(form.messages()) + "\n", status=400, content_type="text/plain; charset=utf-8"
        )
    period = form.period
    response = HttpResponse(
        reporting.csv_text(report, period), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{report}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"'
    )
    return response
