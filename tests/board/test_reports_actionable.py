"""Reports people act on: date pickers, one unit on the page and in the files, and every bar
a link to the articles it counts."""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import Article
from articles.states import ArticleState
from board.models import ReviewAssignment
from tests.board.factories_reports import (
    APPROVE,
    CHANGES,
    PARTIAL,
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
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("desk:reports")
SPRING = {"from": "2026-03-01", "to": "2026-05-31"}
NOW = datetime.datetime(2026, 4, 15, 12, tzinfo=datetime.UTC)
TODAY = NOW.date()


def drill(report: str) -> str:
    return reverse("desk:report_articles", args=[report])


@pytest.fixture
def chief(db):
    return make_editor_in_chief()


@pytest.fixture
def chief_client(client, chief):
    client.force_login(chief)
    return client


@pytest.fixture
def spring():
    """A spring of board work: stays in every state, both decisions, open and overdue reviews."""
    first = article_with_history([(SUBMIT, 10), (START, 12), (APPROVE, 36)], title="First?")
    second = article_with_history(
        [
            (SUBMIT, 20),
            (START, 24),
            (CHANGES, 72),
            (SUBMIT, 82),
            (START, 88),
            (PARTIAL, 90),
            (CHANGES, 100),
        ],
        title="Second?",
    )
    third = article_with_history([(SUBMIT, 30), (START, 38)], title="Third?")
    # Decided in April, and a draft never submitted.
    april = datetime.datetime(2026, 4, 2, 9, tzinfo=datetime.UTC)
    fourth = article_with_history([(SUBMIT, 1), (START, 2), (APPROVE, 5)], created_at=april)
    ReportArticleFactory(title="Untouched draft?")
    approved_at(first, T0 + datetime.timedelta(hours=36))
    ada = UserFactory(username="ada", first_name="Ada", last_name="Busy")
    AssignmentFactory(reviewer=ada, article=third, due_on=TODAY - datetime.timedelta(days=2))
    AssignmentFactory(reviewer=ada, article=second, due_on=TODAY + datetime.timedelta(days=3))
    AssignmentFactory(
        reviewer=ada,
        article=first,
        status=ReviewAssignment.Status.DONE,
        completed_at=T0 + datetime.timedelta(hours=30),
    )
    return {"first": first, "second": second, "third": third, "fourth": fourth, "ada": ada}


def listed(response) -> list[int]:
    """The articles the drill-down lists, as the page links them."""
    page = response.content.decode()
    table = page[page.find("<tbody>") : page.find("</tbody>")]
    return [
        int(pk) for pk in re.findall(r'<th scope="row"><a href="/desk/articles/(\d+)/">', table)
    ]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# -- Date pickers ----------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_period_is_chosen_with_date_pickers(chief_client):
    page = chief_client.get(PAGE, SPRING).content.decode()
    for name, value in (("from", "2026-03-01"), ("to", "2026-05-31")):
        field = re.search(rf'<input [^>]*name="{name}"[^>]*>', page).group(0)
        assert 'type="date"' in field
        assert f'value="{value}"' in field
        assert 'min="1970-01-01"' in field and 'max="2999-12-31"' in field
        assert "aria-invalid" not in field


@pytest.mark.parametrize(
    "query, marked, message",
    [
        ({"from": "yesterday"}, "from", "Enter a date as YYYY-MM-DD"),
        ({"to": "2026-02-30"}, "to", "Enter a date as YYYY-MM-DD"),
        ({"from": "2026-13-01"}, "from", "Enter a date as YYYY-MM-DD"),
        ({"from": "<script>alert(1)</script>"}, "from", "Enter a date as YYYY-MM-DD"),
        ({"to": "9" * 400}, "to", "Enter a date as YYYY-MM-DD"),
        ({"from": "2026-05-01", "to": "2026-04-01"}, "to", "The period starts after it ends"),
        ({"from": "2000-01-01", "to": "2026-01-01"}, "from", "at most ten years"),
        ({"from": "0001-01-01"}, "from", "Choose a date between 1970 and 2999"),
    ],
)
def test_a_bad_period_shows_the_form_again_with_the_field_marked(
    chief_client, query, marked, message
):
    response = chief_client.get(PAGE, query)
    assert response.status_code == 400
    page = response.content.decode()
    field = re.search(rf'<input [^>]*name="{marked}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and 'type="date"' in field
    assert message in html.unescape(page)
    assert "<script>alert(1)</script>" not in page  # quoted, escaped
    assert "<svg" not in page  # no report for a period that does not make sense
    # The drill-down answers the same period the same way.
    response = chief_client.get(drill("states"), {**query, "state": "draft"})
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())


# -- One unit on the page and in the files -------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_lengths_of_time_read_the_same_on_the_page_and_in_the_files(chief_client, spring):
    response = chief_client.get(PAGE, SPRING)
    page = response.content.decode()
    section = page[page.index('id="times"') : page.index('id="decisions"')]
    times = csv_rows(chief_client.get(reverse("desk:report_csv", args=["time-in-state"]), SPRING))
    assert times[0][3:] == ["median_hours", "p90_hours"]
    shown = 0
    for _state, label, stays, median, p90 in times[1:]:
        row = re.search(rf'<tr><th scope="row">{label}</th>.*?</tr>', section).group(0)
        cells = re.findall(r'<td class="num">(?:<a [^>]*>)?([^<]*)', row)
        assert cells == [stays, median or "—", p90 or "—"], label
        if median:
            assert f">{median} h</text>" in section  # the chart's bar: the same, with its unit
            shown += 1
    assert shown == 3  # draft, submitted and under review had stays end; approved none
    reviewers = csv_rows(chief_client.get(reverse("desk:report_csv", args=["reviewers"]), SPRING))
    assert reviewers[0][4] == "median_turnaround_hours"
    assert reviewers[1][0] == "Ada Busy" and reviewers[1][4] == "30.0"
    assert '<th scope="col" class="num">Median turnaround (hours)</th>' in page
    assert '<td class="num">30.0</td></tr>' in page
    assert " min<" not in page and " days</text>" not in page.split('id="aging"')[0]


# -- Every bar a link ----------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_every_bar_links_to_its_articles_over_the_same_period(chief_client, spring):
    response = chief_client.get(PAGE, SPRING)
    page = response.content.decode()
    charts = response.context["charts"]
    bars = [bar for chart in charts.values() for group in chart.groups for bar in group.bars]
    assert len(bars) == 5 + 4 * 2 + 3 * 2 + 1 * 2 + 1  # states, times, months, Ada, aging
    for bar in bars:
        assert bar.href, bar.name
        assert f'<a class="chart-link" href="{html.escape(bar.href)}" aria-label="' in page
        if bar.href.startswith(PAGE):
            query = parse_qs(urlsplit(bar.href).query)
            assert (query["from"], query["to"]) == (["2026-03-01"], ["2026-05-31"])
    aging = charts["aging"].groups[0].bars[0]
    assert aging.href == reverse("desk:article", args=[spring["first"].pk])
    # The tables' counts are the same links, for keyboards and screen readers.
    for chart in ("states", "decisions", "reviewers"):
        for group in charts[chart].groups:
            for bar in group.bars:
                assert page.count(f'href="{html.escape(bar.href)}"') == 2, bar.name


@time_machine.travel(NOW, tick=False)
def test_each_state_lists_exactly_the_articles_it_counts(chief_client, spring):
    response = chief_client.get(PAGE, SPRING)
    for s, (href,) in response.context["rows"]["states"]:
        listing = chief_client.get(href)
        assert listing.status_code == 200
        expected = set(Article.objects.filter(state=s.state).values_list("pk", flat=True))
        assert set(listed(listing)) == expected and len(expected) == s.count, s.label
        assert listing.context["page"].listing.total == s.count


@time_machine.travel(NOW, tick=False)
def test_each_time_in_state_lists_the_articles_whose_stays_it_measures(chief_client, spring):
    response = chief_client.get(PAGE, SPRING)
    expected = {
        ArticleState.DRAFT: {"first", "second", "third", "fourth"},
        ArticleState.SUBMITTED: {"first", "second", "third", "fourth"},
        ArticleState.UNDER_REVIEW: {"first", "second", "fourth"},
        ArticleState.APPROVED: set(),
    }
    for t, hrefs in response.context["rows"]["times"]:
        assert hrefs[0] == hrefs[1]  # the median and the 90th percentile: the same stays
        listing = chief_client.get(hrefs[0])
        page = listing.context["page"]
        assert {spring[name].pk for name in expected[t.state]} == set(listed(listing)), t.label
        # Each row says how many of its stays ended: together, the stays the bar measures.
        assert sum(int(row.cells[1]) for row in page.rows) == t.stays
    second = chief_client.get(drill("time-in-state"), {**SPRING, "state": "under_review"})
    row = next(r for r in second.context["page"].rows if r.pk == spring["second"].pk)
    # Two stays under review (48 h, then 12 h: the partial approval does not end one).
    assert row.cells == ["Draft", "2", "48.0"]


@time_machine.travel(NOW, tick=False)
def test_each_month_lists_the_articles_decided_then(chief_client, spring):
    response = chief_client.get(PAGE, SPRING)
    counted = {}
    for m, hrefs in response.context["rows"]["decisions"]:
        for value, href in zip((m.approvals, m.changes_requested), hrefs, strict=True):
            rows = chief_client.get(href).context["page"].rows
            assert sum(int(row.cells[1]) for row in rows) == value
            counted[(f"{m.month:%Y-%m}", parse_qs(urlsplit(href).query)["decision"][0])] = {
                row.pk for row in rows
            }
    assert counted == {
        ("2026-03", "approve"): {spring["first"].pk},
        ("2026-03", "request_changes"): {spring["second"].pk},  # twice in March: one row
        ("2026-04", "approve"): {spring["fourth"].pk},
        ("2026-04", "request_changes"): set(),
        ("2026-05", "approve"): set(),
        ("2026-05", "request_changes"): set(),
    }


@time_machine.travel(NOW, tick=False)
def test_each_reviewer_bar_lists_their_open_or_overdue_assignments(chief_client, spring):
    response = chief_client.get(PAGE, SPRING)
    ((load, (open_href, overdue_href)),) = response.context["rows"]["reviewers"]
    assert (load.open, load.overdue) == (2, 1)
    opened = chief_client.get(open_href)
    assert listed(opened) == [spring["third"].pk, spring["second"].pk]  # earliest due first
    assert opened.context["page"].heading == "Ada Busy: open assignments"
    assert listed(chief_client.get(overdue_href)) == [spring["third"].pk]


def test_a_month_outside_the_period_or_a_missing_bar_is_a_400(chief_client, spring):
    for report, bar in (
        ("decisions", {"month": "2026-07", "decision": "approve"}),
        ("decisions", {"month": "2026-03"}),
        ("states", {}),
        ("states", {"state": "published"}),
        ("reviewers", {"reviewer": "x", "assignments": "open"}),
        ("time-in-state", {"state": "draft", "page": "0"}),
    ):
        response = chief_client.get(drill(report), {**SPRING, **bar})
        assert response.status_code == 400, (report, bar)
        assert 'class="desk-errors" role="alert"' in response.content.decode()


def test_an_unknown_report_reviewer_or_page_is_not_found(chief_client, spring):
    assert chief_client.get(drill("aging"), SPRING).status_code == 404
    assert chief_client.get(drill("salaries"), SPRING).status_code == 404
    missing = {**SPRING, "reviewer": "999999", "assignments": "open"}
    assert chief_client.get(drill("reviewers"), missing).status_code == 404
    assert (
        chief_client.get(drill("states"), {**SPRING, "state": "draft", "page": 2}).status_code
        == 404
    )


def test_a_long_list_comes_in_pages(chief_client):
    ReportArticleFactory.create_batch(101)
    first = chief_client.get(drill("states"), {**SPRING, "state": "draft"})
    assert len(listed(first)) == 100
    page = first.context["page"]
    assert page.previous_url == "" and "page=2" in page.next_url
    second = chief_client.get(page.next_url)
    assert len(listed(second)) == 1
    assert "from=2026-03-01&to=2026-05-31" in second.context["page"].previous_url
    everyone = set(listed(first)) | set(listed(second))
    assert everyone == set(Article.objects.values_list("pk", flat=True))


# -- Who may read the lists ------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("reader", 403),  # signed in, no desk rights
        ("editor", 403),
        ("reviewer", 403),
        ("chief", 200),
    ],
)
@pytest.mark.parametrize(
    "report, bar",
    [
        ("states", {"state": "draft"}),
        ("time-in-state", {"state": "draft"}),
        ("decisions", {"month": "2026-03", "decision": "approve"}),
        ("reviewers", {"reviewer": "ADA", "assignments": "open"}),
    ],
)
def test_only_editors_in_chief_read_the_lists(
    client, chief, editor, reviewer, spring, role, status, report, bar
):
    users = {"reader": UserFactory(username="reader"), "editor": editor, "reviewer": reviewer}
    users["chief"] = chief
    if role != "anonymous":
        client.force_login(users[role])
    if bar.get("reviewer") == "ADA":
        bar = {**bar, "reviewer": spring["ada"].pk}
    response = client.get(drill(report), {**SPRING, **bar})
    assert response.status_code == status
    page = response.content.decode()
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")
    elif status == 403:
        assert "First?" not in page and "Ada Busy" not in page
    # Refused before the bar is read: a wrong bar says nothing more to those refused.
    if status != 200:
        assert client.get(drill(report), {"state": "nonsense"}).status_code == status
    assert client.post(drill(report), {**SPRING, **bar}).status_code == 405


# -- Queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("articles", [3, 12, 30])
def test_the_lists_take_the_same_queries_however_many_articles(
    client, chief, articles, django_assert_num_queries
):
    busy_desk(articles)
    client.force_login(chief)
    reviewer = get_user_model().objects.get(username="counted-reviewer")
    # Every desk page: the session, the user, their permissions and the header's counts
    # (``desk_page_queries``); then each list's own, the same however many articles:
    cases = [
        # the articles in the state: their count, their page (2)
        ("states", {"state": "under_review"}, 2),
        # the stays, grouped per article with the count in a window: one query (1)
        ("time-in-state", {"state": "submitted"}, 1),
        # the decisions grouped per article: their count, their page (2)
        ("decisions", {"month": "2026-03", "decision": "request_changes"}, 2),
        # the reviewer's name, then the assignments: their count, their page (3)
        ("reviewers", {"reviewer": reviewer.pk, "assignments": "open"}, 3),
    ]
    frame = desk_page_queries(client)
    for report, bar, own in cases:
        with django_assert_num_queries(frame + own):
            response = client.get(drill(report), {**SPRING, **bar})
        assert response.status_code == 200
        assert response.context["page"].rows, report  # a full page, not an empty one
