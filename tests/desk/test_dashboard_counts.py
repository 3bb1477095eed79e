"""The desk's work lists are counted up to a bound: a queue of thousands reads "500+"."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from desk import selectors
from desk.selectors import AtLeast, article_list_waiting_for_review, first_rows
from tests.factories import article_in_state, submitted_article


@pytest.fixture
def waiting(editor, policy):
    """Four submitted articles, oldest first."""
    return [submitted_article(by=editor, title=f"Question {i}?") for i in range(4)]


def test_a_list_within_the_bound_is_counted_exactly(waiting):
    listed = first_rows(article_list_waiting_for_review(), limit=3, bound=4)
    assert [a.pk for a in listed] == [a.pk for a in waiting[:3]]
    assert (listed.total, listed.more) == (4, 1)
    assert not isinstance(listed.total, AtLeast)


def test_a_list_longer_than_the_bound_is_counted_up_to_it(waiting):
    listed = first_rows(article_list_waiting_for_review(), limit=1, bound=2)
    # The rows shown are still the first ones; only the count stops at the bound.
    assert [a.pk for a in listed] == [waiting[0].pk]
    assert (listed.total, str(listed.total), listed.more, str(listed.more)) == (2, "2+", 1, "1+")
    table = render_to_string(
        "desk/_article_table.html", {"articles": listed, "state": "submitted", "caption": "W"}
    )
    assert "1+ more:" in table


def test_an_empty_list_costs_one_query(reviewer, policy, django_assert_num_queries):
    with django_assert_num_queries(1):
        listed = first_rows(article_list_waiting_for_review())
    assert (list(listed), listed.total, listed.more) == ([], 0, 0)


def test_the_desk_summary_writes_a_bounded_count_with_a_plus(
    client, reviewer, waiting, monkeypatch
):
    monkeypatch.setattr(selectors, "COUNTED_UP_TO", 2)
    client.force_login(reviewer)
    response = client.get(reverse("desk:dashboard"))
    board = response.context["board"]
    assert ("waiting", "Waiting for review", 2) in board.counts
    # Every article of the list is still shown: the bound counts, it does not cut.
    assert [a.pk for a in board.waiting] == [a.pk for a in waiting]
    assert '<span class="count">2+</span> Waiting for review' in response.content.decode()


def _queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["desk:articles", "desk:dashboard"])
def test_desk_lists_read_no_column_per_row(client, editor, reviewer, policy, url):
    # The lists read only the columns their tables show (``DESK_ROW_FIELDS``): a column a
    # table shows but the list left out would be read row by row, one query each.
    client.force_login(editor)
    for state in ("draft", "submitted", "under_review", "approved"):
        article_in_state(state, editor=editor, reviewer=reviewer)
    few = _queries_of(client, reverse(url))
    for state in ("draft", "submitted", "under_review", "approved") * 2:
        article_in_state(state, editor=editor, reviewer=reviewer)
    assert _queries_of(client, reverse(url)) == few
