"""What the notification list and the header count cost, pinned: flat however many there are."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.services import notify

pytestmark = pytest.mark.django_db


def tell(user, count: int) -> None:
    for n in range(count):
        notify(recipients=[user], kind="approved", subject=f"Approved: {n}", body="", link="/")


@pytest.mark.parametrize("count", [3, 40])
def test_the_list_page_queries_do_not_grow(client, editor, count, django_assert_num_queries):
    tell(editor, count)
    client.force_login(editor)
    # session, user, the user's and the group's permissions (desk access); the page of
    # notifications; marking those shown read; the header's unread count
    with django_assert_num_queries(7):
        assert client.get(reverse("desk:notifications")).status_code == 200
    # Seen again with nothing unread: no write.
    with django_assert_num_queries(6):
        assert client.get(reverse("desk:notifications")).status_code == 200


def test_the_header_count_is_one_query(editor, django_assert_num_queries):
    tell(editor, 5)
    template = Template("{% load notification_tags %}{% notifications_nav_item %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"user": editor}))
    assert ">5<" in html


def test_the_header_count_costs_nothing_signed_out(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    template = Template("{% load notification_tags %}{% notifications_nav_item %}")
    with django_assert_num_queries(0):
        template.render(Context({"user": AnonymousUser()}))


def test_public_pages_never_count_notifications(client, editor, policy):
    tell(editor, 2)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries if "notifications_" in q["sql"]]
