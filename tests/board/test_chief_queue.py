"""The editor-in-chief's queue: each list holds what it says, each article once, counted in
the dashboard and in the desk header, in a fixed number of queries."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.permissions import EDITORS_IN_CHIEF
from board.models import ReviewAssignment
from board.services import assignment_create
from desk.chief_queue import CHIEF_ROWS, chief_list_get, chief_queue_counts, chief_queue_get
from desk.dashboard import dashboard_get
from tests.factories import (
    UserFactory,
    approved_article,
    declare_no_conflict,
    draft_article,
    make_admin,
    make_reviewer,
    submitted_article,
    under_review_article,
)

pytestmark = pytest.mark.django_db

LISTS = ("awaiting", "overdue", "due_soon", "returned", "due")


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def assign(article, reviewer, chief, *, due_in: int) -> ReviewAssignment:
    """An assignment due ``due_in`` days from today (a past date is set after, as time passes)."""
    [made] = assignment_create(
        article=article, reviewer_ids=[reviewer.pk], due_on=days(max(due_in, 0)), by=chief
    )
    if due_in < 0:
        ReviewAssignment.objects.filter(pk=made.pk).update(due_on=days(due_in))
    return made


def sent_back(*, editor, reviewer, chief, title: str):
    """An article assigned to ``reviewer``, who requested changes: a draft waiting on its editor."""
    article = submitted_article(by=editor, title=title)
    assign(article, reviewer, chief, due_in=10)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    return services.article_request_changes(article=article, by=reviewer, comment="Cite more.")


@pytest.fixture
def desk(chief, editor, reviewer, other_reviewer, policy):
    """One article for each list, and some for none; titles say where they belong."""
    start = timezone.now()
    with time_machine.travel(start - datetime.timedelta(days=400), tick=False):
        stale = approved_article(by=editor, reviewer=reviewer, title="Due for re-review?")
    approved_article(by=editor, reviewer=reviewer, title="Approved lately?")
    made = {
        "awaiting submitted": submitted_article(by=editor, title="Awaiting, submitted?"),
        "awaiting under review": under_review_article(
            by=editor, reviewer=reviewer, title="Awaiting, under review?"
        ),
        "overdue": submitted_article(by=editor, title="Overdue?"),
        "overdue and due soon": submitted_article(by=editor, title="Overdue and due soon?"),
        "due soon": submitted_article(by=editor, title="Due soon?"),
        "due later": submitted_article(by=editor, title="Due later?"),
        "returned": sent_back(editor=editor, reviewer=reviewer, chief=chief, title="Sent back?"),
        "draft": draft_article(by=editor, title="Plain draft?"),
        "due": stale,
    }
    assign(made["overdue"], reviewer, chief, due_in=-3)
    assign(made["overdue and due soon"], reviewer, chief, due_in=-1)
    assign(made["overdue and due soon"], other_reviewer, chief, due_in=2)
    assign(made["due soon"], reviewer, chief, due_in=0)
    assign(made["due soon"], other_reviewer, chief, due_in=6)
    assign(made["due later"], reviewer, chief, due_in=7)
    return made


EXPECTED = {
    "awaiting": {"awaiting submitted", "awaiting under review"},
    "overdue": {"overdue", "overdue and due soon"},
    "due_soon": {"due soon"},
    "returned": {"returned"},
    "due": {"due"},
}


def test_each_list_holds_what_it_says_each_article_once(desk):
    queue = chief_queue_get()
    names = {article.pk: name for name, article in desk.items()}
    for name in LISTS:
        rows = [a.pk for a in getattr(queue, name)]
        assert len(rows) == len(set(rows)), name
        assert {names[pk] for pk in rows} == EXPECTED[name], name
        assert getattr(queue, name).total == len(rows), name
    assert chief_queue_counts() == queue.counts
    assert [count for _anchor, _label, count in queue.counts] == [2, 2, 1, 1, 1]


def test_the_rows_carry_the_assignment_due_first_and_who_holds_it(desk, reviewer, other_reviewer):
    queue = chief_queue_get()
    [both] = [a for a in queue.overdue if a.pk == desk["overdue and due soon"].pk]
    assert (both.due_on, both.overdue, both.assignees) == (days(-1), True, 2)
    assert both.assignee == reviewer.get_full_name()
    [soon] = queue.due_soon
    assert (soon.due_on, soon.overdue, soon.assignees) == (days(0), False, 2)
    [returned] = queue.returned
    assert returned.assignee == reviewer.get_full_name()
    assert [a.pk for a in queue.overdue] == [desk["overdue"].pk, desk["overdue and due soon"].pk]


def test_a_resubmission_leaves_returned_and_is_due_again(desk, editor, reviewer):
    article = desk["returned"]
    services.article_submit(article=article, by=editor)
    queue = chief_queue_get()
    assert article.pk not in {a.pk for a in queue.returned}
    # Assigned for 10 days at first: due again 10 days after the resubmission.
    assert article.pk not in {a.pk for a in queue.awaiting} | {a.pk for a in queue.due_soon}
    ReviewAssignment.objects.filter(article=article, status="open").update(due_on=days(1))
    assert article.pk in {a.pk for a in chief_queue_get().due_soon}


def test_a_list_shows_its_first_rows_and_counts_them_all(client, chief, editor, policy):
    made = [
        submitted_article(by=editor, title=f"Waiting question {n}?") for n in range(CHIEF_ROWS + 2)
    ]
    queue = chief_queue_get()
    assert (len(queue.awaiting), queue.awaiting.total, queue.awaiting.more) == (
        CHIEF_ROWS,
        CHIEF_ROWS + 2,
        2,
    )
    assert [a.pk for a in queue.awaiting] == [a.pk for a in made[:CHIEF_ROWS]]
    # The rest are on the list's own page, linked from the dashboard.
    assert [a.pk for a in chief_list_get(anchor="awaiting")] == [a.pk for a in made]
    client.force_login(chief)
    page = client.get(reverse("desk:dashboard")).content.decode()
    assert f'2 more: <a href="{reverse("desk:queue", args=["awaiting"])}">see them all</a>' in page
    page = client.get(reverse("desk:queue", args=["awaiting"])).content.decode()
    assert "<h1>Awaiting assignment</h1>" in page
    assert all(f'href="/desk/articles/{a.pk}/"' in page for a in made)


# -- The dashboard and the header ----------------------------------------------------------


def header(page: str) -> str:
    return page.split('<nav class="desk-nav"', 1)[1].split("</nav>", 1)[0]


def counted(page: str) -> dict[str, str]:
    """The header's counts: label -> count."""
    found = re.findall(r'#([\w-]+)">([^<]+) <span class="badge[^"]*">(\d+)</span>', header(page))
    return {label: count for _anchor, label, count in found}


HEADER = {
    "Awaiting assignment": "2",
    "Overdue": "2",
    "Due this week": "1",
    "Returned to the editor": "1",
    "Due for re-review": "1",
}


def test_the_dashboard_shows_each_list_and_the_header_counts_them(client, chief, desk):
    client.force_login(chief)
    page = client.get(reverse("desk:dashboard")).content.decode()
    for anchor in ("awaiting", "overdue", "due-soon", "returned", "due"):
        assert f'<section id="{anchor}"' in page
        assert page.count(f'<section id="{anchor}"') == 1
    assert counted(page) == HEADER
    body = page.split('<div class="desk-body">', 1)[1]
    for name, article in desk.items():
        # Each article once in the whole page, or not at all when it is in no list.
        expected = 0 if name in ("due later", "draft") else 1
        assert body.count(f'href="/desk/articles/{article.pk}/"') == expected, name


def test_every_desk_page_counts_the_queue_for_a_chief_only(client, chief, editor, reviewer, desk):
    url = reverse("desk:article", kwargs={"pk": desk["overdue"].pk})
    client.force_login(chief)
    assert counted(client.get(reverse("desk:articles")).content.decode()) == HEADER
    assert counted(client.get(url).content.decode()) == HEADER
    for user in (editor, reviewer):
        client.force_login(user)
        page = client.get(reverse("desk:dashboard")).content.decode()
        assert "desk-queue" not in header(page)
        assert 'id="awaiting"' not in page


@pytest.mark.parametrize("per_list", [1, 4])
def test_the_chief_dashboard_takes_the_same_queries_however_many_articles(
    client, chief, editor, reviewer, policy, per_list, django_assert_num_queries
):
    for n in range(per_list):
        submitted_article(by=editor, title=f"Awaiting {n}?")
        assign(submitted_article(by=editor, title=f"Overdue {n}?"), reviewer, chief, due_in=-2)
        assign(submitted_article(by=editor, title=f"Soon {n}?"), reviewer, chief, due_in=2)
        sent_back(editor=editor, reviewer=reviewer, chief=chief, title=f"Sent back {n}?")
    client.force_login(chief)
    # session, user, the user's and the group's permissions (4); the re-review periods in use,
    # each list's first ids with its length (5), then the articles of them all and their
    # open or returned assignments (2); the header's count of unread notifications (1). The
    # header's queue counts are the dashboard's own.
    with django_assert_num_queries(13):
        page = client.get(reverse("desk:dashboard")).content.decode()
    assert counted(page)["Awaiting assignment"] == str(per_list)
    assert counted(page)["Returned to the editor"] == str(per_list)


def test_a_chief_who_is_also_a_reviewer_sees_due_for_rereview_once(client, chief, desk):
    chief.groups.add(*make_reviewer("helper").groups.all())
    client.force_login(chief)
    page = client.get(reverse("desk:dashboard")).content.decode()
    assert page.count('<section id="due"') == 1
    assert page.count(f'href="/desk/articles/{desk["due"].pk}/"') == 1
    board = dashboard_get(user=chief)
    assert [label for _a, label, _c in board.counts].count("Due for re-review") == 1


# -- One listing per thing -------------------------------------------------------------------


def test_an_assigned_article_is_listed_once_on_the_reviewers_desk(
    client, chief, editor, reviewer, other_reviewer, policy
):
    assigned = submitted_article(by=editor, title="Assigned to me?")
    assign(assigned, reviewer, chief, due_in=5)
    waiting = submitted_article(by=editor, title="Nobody's yet?")
    for user in (reviewer, other_reviewer):
        board = dashboard_get(user=user)
        assert [a.pk for a in board.waiting] == [waiting.pk]
    assert [a.pk for a in dashboard_get(user=reviewer).assigned] == [assigned.pk]
    client.force_login(reviewer)
    page = client.get(reverse("desk:dashboard")).content.decode()
    assert page.count(f'href="/desk/articles/{assigned.pk}/"') == 1


def test_every_list_of_a_superuser_dashboard_shows_each_article_once(desk, editor, reviewer):
    admin = make_admin("root")
    # An assignment to a superuser too: they review, assign and edit at once.
    assign(desk["due later"], admin, UserFactory(username="boss", group=EDITORS_IN_CHIEF), due_in=3)
    board = dashboard_get(user=admin)
    lists = [
        board.flagged,
        board.changes_requested,
        board.drafts,
        board.in_review,
        board.my_due,
        board.waiting,
        board.assigned,
        board.due,
        *(getattr(board.chief, name) for name in LISTS),
    ]
    for work_list in lists:
        pks = [a.pk for a in work_list]
        assert len(pks) == len(set(pks))


# -- Who sees the queue ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "sees_queue"),
    [
        ("anonymous", 302, False),
        ("reader", 403, False),
        ("editor", 200, False),
        ("reviewer", 200, False),
        ("chief", 200, True),
        ("superuser", 200, True),
        ("former_chief", 403, False),
        ("former_chief_still_editor", 200, False),
    ],
)
def test_the_queue_by_role(client, chief, editor, reviewer, policy, role, status, sees_queue):
    submitted_article(by=editor, title="Awaiting?")
    users = {
        "reader": UserFactory(username="reader"),
        "editor": editor,
        "reviewer": reviewer,
        "chief": chief,
        "superuser": make_admin("root"),
    }
    if role.startswith("former_chief"):
        former = UserFactory(username="former", group=EDITORS_IN_CHIEF)
        if role == "former_chief_still_editor":
            former.groups.add(*editor.groups.all())
        former.groups.remove(Group.objects.get(name=EDITORS_IN_CHIEF))
        users[role] = former
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get(reverse("desk:dashboard"))
    assert response.status_code == status
    page = response.content.decode()
    assert ('id="awaiting"' in page) == sees_queue
    assert ("desk-queue" in page) == sees_queue


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("reader", 403),
        ("editor", 403),
        ("reviewer", 403),
        ("chief", 200),
        ("superuser", 200),
        ("former_chief", 403),
    ],
)
def test_each_list_page_by_role(client, chief, editor, reviewer, policy, role, status):
    users = {
        "reader": UserFactory(username="reader"),
        "editor": editor,
        "reviewer": reviewer,
        "chief": chief,
        "superuser": make_admin("root"),
    }
    if role == "former_chief":
        users[role] = UserFactory(username="former", group=EDITORS_IN_CHIEF)
        users[role].groups.clear()
    if role != "anonymous":
        client.force_login(users[role])
    for anchor in ("awaiting", "overdue", "due-soon", "returned", "due"):
        assert client.get(reverse("desk:queue", args=[anchor])).status_code == status, anchor
    if status == 200:
        assert client.get(reverse("desk:queue", args=["nothing"])).status_code == 404


def test_a_list_page_takes_the_same_queries_however_many_rows(
    client, chief, editor, reviewer, policy, django_assert_num_queries
):
    for n in range(3):
        assign(submitted_article(by=editor, title=f"Overdue {n}?"), reviewer, chief, due_in=-2)
    client.force_login(chief)
    # session, user, permissions (4); the periods in use, the list's ids with its length, its
    # articles and their assignments (4); the header: the periods and the queue's counts (2),
    # and the unread notifications (1).
    with django_assert_num_queries(11):
        page = client.get(reverse("desk:queue", args=["overdue"])).content.decode()
    assert page.count("desk-overdue") == 3
