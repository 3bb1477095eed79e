"""The reports page and its CSV files: who may read them, the period, the charts, the files."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from articles.states import ArticleState
from desk.reporting import spreadsheet_safe
from tests.board.factories_reports import (
    APPROVE,
    START,
    SUBMIT,
    T0,
    AssignmentFactory,
    ReportArticleFactory,
    approved_at,
    article_with_history,
    busy_desk,
    desk_page_queries,
    make_editor_in_chief,
    make_site_admin_only,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("desk:reports")
CSV_NAMES = ["states", "time-in-state", "decisions", "reviewers", "aging"]
SPRING = {"from": "2026-03-01", "to": "2026-05-31"}
NOW = datetime.datetime(2026, 4, 15, 12, tzinfo=datetime.UTC)


@pytest.fixture
def chief(db):
    return make_editor_in_chief()


@pytest.fixture
def chief_client(client, chief):
    client.force_login(chief)
    return client


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(
        "\ufeff".encode()
    )  # the UTF-8 byte-order mark, for spreadsheets
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# -- Who may read the reports ----------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("editor", 403),
        ("other_editor", 403),
        ("reviewer", 403),
        ("site_admin_only", 403),
        ("chief", 200),
        # The superuser holds every permission, the editors-in-chief's among them.
        ("superuser", 200),
    ],
)
@pytest.mark.parametrize("path", [PAGE, *(reverse("desk:report_csv", args=[n]) for n in CSV_NAMES)])
def test_only_editors_in_chief_read_the_reports(client, roles, chief, role, status, path):
    users = {
        **roles,
        "chief": chief,
        "superuser": roles["admin"],
        "site_admin_only": make_site_admin_only(),
    }
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get(path)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")
    if status == 403:
        assert "for editors-in-chief" in response.content.decode()


def test_posting_to_the_reports_is_refused(chief_client):
    assert chief_client.post(PAGE).status_code == 405


def test_an_unknown_report_is_not_found(chief_client):
    assert chief_client.get(reverse("desk:report_csv", args=["salaries"])).status_code == 404


def test_the_nav_and_dashboard_link_the_reports_for_editors_in_chief_only(client, chief, editor):
    client.force_login(chief)
    page = client.get(reverse("desk:dashboard")).content.decode()
    assert page.count(f'href="{PAGE}"') == 2  # the nav and the dashboard
    client.force_login(editor)
    assert f'href="{PAGE}"' not in client.get(reverse("desk:dashboard")).content.decode()


# -- The period ------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_default_period_is_the_last_90_days(chief_client):
    response = chief_client.get(PAGE)
    assert response.status_code == 200
    period = response.context["data"].period
    assert (period.start, period.end) == (datetime.date(2026, 1, 16), datetime.date(2026, 4, 15))
    page = response.content.decode()
    assert 'value="2026-01-16"' in page and 'value="2026-04-15"' in page
    assert "from=2026-01-16&amp;to=2026-04-15" in page  # the CSV links ask for the same period


@time_machine.travel(NOW, tick=False)
def test_one_date_alone_gives_90_days_ending_there(chief_client):
    period = chief_client.get(PAGE, {"to": "2026-03-31"}).context["data"].period
    assert (period.start, period.end) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    period = chief_client.get(PAGE, {"from": "2026-04-01"}).context["data"].period
    assert (period.start, period.end) == (datetime.date(2026, 4, 1), datetime.date(2026, 4, 15))


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "yesterday"}, "Enter a date as YYYY-MM-DD"),
        ({"to": "2026-02-30"}, "Enter a date as YYYY-MM-DD"),
        ({"from": "2026-05-01", "to": "2026-04-01"}, "The period starts after it ends"),
        ({"from": "2000-01-01", "to": "2026-01-01"}, "at most ten years"),
        ({"from": "0001-01-01"}, "Choose a date between 1970 and 2999"),
        ({"to": "9999-12-31"}, "Choose a date between 1970 and 2999"),
    ],
)
def test_bad_dates_are_a_400_with_the_reason_and_the_typed_text_kept(chief_client, query, message):
    response = chief_client.get(PAGE, query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    for typed in query.values():
        # A date picker holds a date or nothing: a date stays in it, other text is quoted.
        if typed[:1].isdigit() and typed != "2026-02-30":
            assert f'value="{typed}"' in page
        else:
            assert f"not “{typed}”" in page
    assert "<svg" not in page  # no report for a period that does not make sense
    name = CSV_NAMES[0]
    response = chief_client.get(reverse("desk:report_csv", args=[name]), query)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


# -- The page --------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_each_report_as_an_accessible_chart_and_a_table(chief_client):
    article_with_history([(SUBMIT, 10), (START, 12), (APPROVE, 36)], title="Is it safe?")
    approved_at(ReportArticleFactory(state=ArticleState.APPROVED, title="Old one?"), T0)
    AssignmentFactory(reviewer=UserFactory(username="rv", first_name="Rita", last_name="V"))
    response = chief_client.get(PAGE, SPRING)
    assert response.status_code == 200
    page = response.content.decode()
    for slug in ("states", "times", "decisions", "reviewers", "aging"):
        labels = f'aria-labelledby="chart-{slug}-title" aria-describedby="chart-{slug}-desc"'
        # Its bars are links, so the chart is a group of links, not one image.
        assert f'role="group" {labels}' in page, slug
        assert f'<title id="chart-{slug}-title">' in page
        assert f'<desc id="chart-{slug}-desc">' in page
    assert page.count("<table") == 5
    assert "style=" not in page  # the CSP allows no inline styles
    assert "10.0 h" in page and "2.0 h" in page and "24.0 h" in page  # median stays
    assert "Rita V" in page and "Old one?" in page
    assert "March 2026" in page and "May 2026" in page
    assert response["Cache-Control"]


@pytest.mark.parametrize("articles", [0, 10, 50])
def test_the_page_and_the_files_take_the_same_queries_however_many_articles(
    client, chief, articles, django_assert_num_queries
):
    busy_desk(articles)
    client.force_login(chief)
    frame = desk_page_queries(client)
    assert frame >= 4  # session, user, the user's and the group's permissions, the header's
    # Then the reports: articles per state, time in each state, decisions per month,
    # reviewers' counts and medians, oldest approvals (6). The bars' links are built from
    # the rows already read.
    with django_assert_num_queries(frame + 6):
        assert client.get(PAGE, SPRING).status_code == 200
    # Each file: the same 4, then its own report (the reviewers' takes two).
    for name, queries in zip(CSV_NAMES, [1, 1, 1, 2, 1], strict=True):
        with django_assert_num_queries(4 + queries):
            assert client.get(reverse("desk:report_csv", args=[name]), SPRING).status_code == 200


# -- The files -------------------------------------------------------------------------


def test_each_file_holds_its_report(chief_client):
    article_with_history([(SUBMIT, 10), (START, 12), (APPROVE, 36)])
    files = {
        name: csv_rows(chief_client.get(reverse("desk:report_csv", args=[name]), SPRING))
        for name in CSV_NAMES
    }
    assert files["states"][0] == ["state", "label", "articles"]
    assert ["approved", "Approved", "1"] in files["states"]
    assert files["time-in-state"][0] == [
        "state",
        "label",
        "stays_ended",
        "median_hours",
        "p90_hours",
    ]
    assert ["submitted", "Submitted", "1", "2.0", "2.0"] in files["time-in-state"]
    assert files["decisions"][1:] == [
        ["2026-03", "1", "0"],
        ["2026-04", "0", "0"],
        ["2026-05", "0", "0"],
    ]
    response = chief_client.get(reverse("desk:report_csv", args=["decisions"]), SPRING)
    assert (
        response["Content-Disposition"] == 'attachment; filename="decisions-20260301-20260531.csv"'
    )


@pytest.mark.parametrize(
    "text, safe",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Is baclofen = safe?", "Is baclofen = safe?"),
        # Spreadsheets skip leading spaces and read full-width signs as formulas too.
        (" =1+1", "' =1+1"),
        ("   +SUM(A1)", "'   +SUM(A1)"),
        (" -2", "' -2"),
        (" @A1", "' @A1"),
        ("＝HYPERLINK(1)", "'＝HYPERLINK(1)"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("\u3000＝1", "'\u3000＝1"),
        ("\nNew line", "'\nNew line"),
        ("Dose 1 - 2 mg", "Dose 1 - 2 mg"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(text, safe):
    assert spreadsheet_safe(text) == safe


def test_the_files_neutralise_what_editors_and_reviewers_wrote(chief_client):
    bad = '=HYPERLINK("http://evil.example","click")'
    approved_at(ReportArticleFactory(state=ArticleState.APPROVED, title=bad), T0)
    AssignmentFactory(reviewer=UserFactory(username="x", first_name="@SUM(1)", last_name=""))
    aging = csv_rows(chief_client.get(reverse("desk:report_csv", args=["aging"]), SPRING))
    assert aging[1][1] == "'" + bad
    reviewers = csv_rows(chief_client.get(reverse("desk:report_csv", args=["reviewers"]), SPRING))
    assert reviewers[1][0] == "'@SUM(1)"
