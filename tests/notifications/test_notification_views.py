"""The desk's notification pages for every role; each user sees and marks only their own."""

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Notification, NotificationPreference
from notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "editor", "reviewer", "chief", "admin"]
LIST = reverse("desk:notifications")
SETTINGS = reverse("desk:notification_settings")
READ_ALL = reverse("desk:notifications_read")


@pytest.fixture
def people(editor, reviewer, chief, site_admin):
    return {
        "anonymous": None,
        "reader": UserFactory(username="reader"),  # signed in, no desk role
        "editor": editor,
        "reviewer": reviewer,
        "chief": chief,
        "admin": site_admin,
    }


def as_role(client, people, role):
    client.logout()
    if people[role] is not None:
        client.force_login(people[role])
    return client


def tell(user, subject="Approved: Baclofen", link="/desk/articles/1/"):
    (row,) = notify(recipients=[user], kind="approved", subject=subject, body="", link=link)
    return row


# Per role: anonymous is sent to log in, a reader is refused, every desk role is served.
EXPECTED = dict(zip(ROLES, (302, 403, 200, 200, 200, 200), strict=True))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", [LIST, SETTINGS])
def test_the_pages_by_role(client, people, role, url):
    response = as_role(client, people, role).get(url)
    assert response.status_code == EXPECTED[role], (role, url)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if role == "reader":
        assert b"for editors and board reviewers" in response.content


@pytest.mark.parametrize("role", ROLES)
def test_mark_all_read_by_role(client, people, role):
    for user in people.values():
        if user is not None:
            tell(user)
    response = as_role(client, people, role).post(READ_ALL)
    assert response.status_code == {**EXPECTED, **{r: 302 for r in ROLES[2:]}}[role]
    read = set(Notification.objects.filter(read_at__isnull=False).values_list("recipient_id"))
    assert read == ({(people[role].pk,)} if role in ROLES[2:] else set())


@pytest.mark.parametrize("role", ROLES)
def test_settings_saved_by_role(client, people, role):
    response = as_role(client, people, role).post(
        SETTINGS, {"every_kind": "daily", "kind_overdue": "none"}
    )
    assert response.status_code == {**EXPECTED, **{r: 302 for r in ROLES[2:]}}[role]
    saved = set(NotificationPreference.objects.values_list("kind", "delivery"))
    assert saved == ({("", "daily"), ("overdue", "none")} if role in ROLES[2:] else set())


def test_the_list_is_the_users_own_newest_first_with_the_unread_marked(client, editor, reviewer):
    first = tell(editor, subject="First for the editor")
    tell(editor, subject="Second for the editor")
    tell(reviewer, subject="For the reviewer")
    Notification.objects.filter(pk=first.pk).update(read_at=first.created_at)
    client.force_login(editor)
    response = client.get(LIST)
    page = response.content.decode()
    assert [n.subject for n in response.context["listing"].rows] == [
        "Second for the editor",
        "First for the editor",
    ]
    assert "For the reviewer" not in page
    assert page.count('class="is-unread"') == 1  # this visit shows what was new
    assert '<span class="badge badge-warn">New</span>' in page
    # Opening the list read them: the next visit shows none as new.
    assert not Notification.objects.filter(recipient=editor, read_at__isnull=True).exists()
    assert 'class="is-unread"' not in client.get(LIST).content.decode()
    assert not Notification.objects.filter(recipient=reviewer, read_at__isnull=False).exists()


def test_the_list_shows_each_notification_linked_through_its_opener(client, editor):
    row = tell(editor)
    client.force_login(editor)
    page = client.get(LIST).content.decode()
    assert f'href="{reverse("desk:notification", args=[row.pk])}"' in page
    assert 'action="/desk/notifications/read/"' in page and "csrfmiddlewaretoken" in page


def test_opening_one_marks_it_read_and_goes_to_its_article(client, editor):
    row = tell(editor, link="/desk/articles/7/#thread-3")
    client.force_login(editor)
    response = client.get(reverse("desk:notification", args=[row.pk]))
    assert (response.status_code, response["Location"]) == (302, "/desk/articles/7/#thread-3")
    row.refresh_from_db()
    assert row.read_at is not None


def test_a_link_off_the_site_is_never_followed(client, editor):
    row = tell(editor, link="https://elsewhere.example/")
    client.force_login(editor)
    response = client.get(reverse("desk:notification", args=[row.pk]))
    assert response["Location"] == LIST


def test_someone_elses_notification_is_not_found_and_stays_unread(client, editor, reviewer):
    theirs = tell(reviewer)
    client.force_login(editor)
    assert client.get(reverse("desk:notification", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("desk:notification", args=[theirs.pk + 100])).status_code == 404
    client.post(READ_ALL)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_all_read_takes_a_post(client, editor):
    tell(editor)
    client.force_login(editor)
    assert client.get(READ_ALL).status_code == 405
    response = client.post(READ_ALL, follow=True)
    assert "Marked 1 notification read." in response.content.decode()


def test_the_forms_need_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(READ_ALL).status_code == 403
    assert client.post(SETTINGS, {"every_kind": "none"}).status_code == 403


def test_the_settings_show_the_choices_made(client, editor):
    NotificationPreference.objects.create(user=editor, kind="", delivery="daily")
    NotificationPreference.objects.create(user=editor, kind="approved", delivery="now")
    client.force_login(editor)
    form = client.get(SETTINGS).context["form"]
    assert form.initial["every_kind"] == "daily" and form.initial["kind_approved"] == "now"
    assert form.initial["kind_overdue"] == ""


def test_settings_a_kind_back_to_as_for_everything_removes_its_choice(client, editor):
    NotificationPreference.objects.create(user=editor, kind="approved", delivery="none")
    client.force_login(editor)
    response = client.post(SETTINGS, {"every_kind": "now", "kind_approved": ""}, follow=True)
    assert "Saved" in response.content.decode()
    assert list(NotificationPreference.objects.values_list("kind", "delivery")) == [("", "now")]


@pytest.mark.parametrize(
    "data",
    [
        {"every_kind": "hourly"},
        {"every_kind": "now", "kind_approved": "weekly"},
        {},  # no choice at all
    ],
)
def test_an_unknown_choice_is_a_400_with_the_reason(client, editor, data):
    client.force_login(editor)
    response = client.post(SETTINGS, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page or "This field is required" in page
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5"])
def test_a_bad_page_number_is_a_400_with_the_reason(client, editor, page):
    client.force_login(editor)
    response = client.get(LIST, {"page": page})
    assert response.status_code == 400
    assert "is not a page number" in response.content.decode()


def test_a_long_list_is_paged_and_only_the_pages_opened_are_read(client, editor):
    for n in range(55):
        tell(editor, subject=f"Notice {n}")
    client.force_login(editor)
    first = client.get(LIST).context["listing"]
    assert len(first.rows) == 50 and first.has_next and not first.has_previous
    unread = Notification.objects.filter(read_at__isnull=True)
    assert [n.subject for n in unread.order_by("pk")] == [f"Notice {n}" for n in range(5)]
    second = client.get(LIST, {"page": 2}).context["listing"]
    assert [n.subject for n in second.rows] == [f"Notice {n}" for n in range(4, -1, -1)]
    assert second.has_previous and not second.has_next and not unread.exists()


def test_the_header_shows_the_unread_count_on_desk_pages(client, editor):
    for _ in range(3):
        tell(editor)
    client.force_login(editor)
    page = client.get(reverse("desk:dashboard")).content.decode()
    assert (
        '<a href="/desk/notifications/" class="desk-notifications">Notifications '
        '<span class="badge badge-warn">3<span class="visually-hidden"> unread</span></span></a>'
    ) in page
    client.post(READ_ALL)
    page = client.get(reverse("desk:dashboard")).content.decode()
    assert '<a href="/desk/notifications/" class="desk-notifications">Notifications</a>' in page
