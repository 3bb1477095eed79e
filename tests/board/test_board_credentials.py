"""Expired credentials: what counts, and every door refuses a reviewer whose credentials all expired."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import policy as rules
from articles import services, steps
from articles.models import Article
from articles.states import ArticleState
from board.models import BoardMember, Credential
from board.rules import expired_credentials
from tests.articles import test_doors_agree as doors
from tests.board.conftest import credential
from tests.factories import (
    declare_no_conflict,
    make_admin,
    make_reviewer,
    submitted_article,
    under_review_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db


def test_what_counts_as_expired(reviewer):
    # No credential records: the free-text credentials stand; not blocked.
    assert expired_credentials(reviewer) == []
    old = credential(reviewer, days=-10, name="Old licence")
    assert expired_credentials(reviewer) == [old]  # every record expired: blocked
    credential(reviewer, days=None, name="Lifetime fellowship")
    assert expired_credentials(reviewer) == []  # one current record: not blocked
    # Expiring today is still current.
    other = make_reviewer("other")
    credential(other, days=0)
    assert expired_credentials(other) == []


def test_expired_reviewer_cannot_start_review_with_a_refusal_naming_the_credential(
    editor, expired_reviewer, policy
):
    article = submitted_article(by=editor)
    declare_no_conflict(article, expired_reviewer)
    with pytest.raises(PermissionDenied, match="Board certification, Neurology"):
        services.article_start_review(article=article, by=expired_reviewer)
    assert not steps.START_REVIEW.can(expired_reviewer, article)
    article.refresh_from_db()
    assert article.state == ArticleState.SUBMITTED


def test_expired_reviewer_cannot_verify_or_approve(editor, reviewer, expired_reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    declare_no_conflict(article, expired_reviewer)
    with pytest.raises(PermissionDenied, match="credential has expired"):
        services.claim_review(claim=article.claims.first(), by=expired_reviewer, verdict="verified")
    with pytest.raises(PermissionDenied, match="Board certification, Neurology"):
        services.article_approve(article=article, by=expired_reviewer)
    assert steps.APPROVE.blockers(expired_reviewer, article) == [
        rules.board_refusal(article, expired_reviewer)
    ]


def _fingerprint(page: str) -> str:
    found = re.search(r'name="expected_hash" value="([0-9a-f]{64})"', page)
    return found.group(1) if found else ""


@pytest.mark.parametrize("door", ["desk", "admin"])
@pytest.mark.parametrize("step", ["start_review", "approve"])
def test_every_door_refuses_the_expired_reviewer(door, step, editor, reviewer, policy):
    # A superuser site admin is a board reviewer too, and the admin is open to them.
    lapsed = make_admin("lapsed") if door == "admin" else make_reviewer("lapsed")
    BoardMember.objects.get_or_create(
        user=lapsed, defaults={"name": "Dr. Lapsed", "credentials": "MD"}
    )
    credential(lapsed, days=-3, name="Medical licence")
    if step == "start_review":
        article = submitted_article(by=editor)
    else:
        article = under_review_article(by=editor, reviewer=reviewer)
        verify_all_claims(article, reviewer)
    declare_no_conflict(article, lapsed)
    state = article.state
    assert steps.named(step).can(lapsed, article) is False
    client = Client()
    client.force_login(lapsed)
    if door == "desk":
        page = client.get(reverse("desk:article", kwargs={"pk": article.pk})).content.decode()
        assert "Medical licence" in page  # the flag: why the step is not offered
        response = client.post(
            reverse("desk:transition", kwargs={"pk": article.pk, "name": step}),
            {"expected_version": article.content_version, "expected_hash": _fingerprint(page)},
        )
        assert response.status_code == 403
        assert "Medical licence" in response.content.decode()
    else:
        doors.through_admin(lapsed, step, article)
    assert Article.objects.get(pk=article.pk).state == state
    # Renewed, the same request through the same door moves the article.
    Credential.objects.filter(member__user=lapsed).update(
        expires_on=timezone.localdate() + datetime.timedelta(days=365)
    )
    (doors.through_desk if door == "desk" else doors.through_admin)(lapsed, step, article)
    assert Article.objects.get(pk=article.pk).state != state


def test_the_dashboard_flags_own_expired_and_expiring_credentials(client, policy):
    user = make_reviewer("flagged")
    credential(user, days=-2, name="Old licence")
    credential(user, days=10, name="Fellowship")
    credential(user, days=400, name="Far-off certificate")
    client.force_login(user)
    page = client.get(reverse("desk:dashboard")).content.decode()
    assert "Old licence" in page and "Fellowship" in page
    assert "Far-off certificate" not in page
    assert "expired</strong> on" in page


def test_the_admin_flags_expired_members(client, site_admin, expired_reviewer, reviewer):
    client.force_login(site_admin)
    listing = client.get(reverse("admin:board_boardmember_changelist"))
    flags = {m.user.username: m.all_expired for m in listing.context["cl"].result_list}
    assert flags == {"expired": True, "reviewer": False}
    assert "credentials expired" in listing.content.decode().lower()
    change = client.get(
        reverse("admin:board_boardmember_change", args=[expired_reviewer.board_profile.pk])
    )
    assert change.status_code == 200 and "Board certification, Neurology" in change.content.decode()
    assert client.get(reverse("admin:board_credential_changelist")).status_code == 200


def test_public_board_page_shows_specialties_and_no_expired_credential_as_current(
    client, expired_reviewer, neurology
):
    expired_reviewer.board_profile.specialties.add(neurology)
    credential(expired_reviewer, days=100, name="Current licence")
    page = client.get(reverse("public:board")).content.decode()
    assert "Neurology" in page
    assert "Current licence, Medical Council: valid until" in page
    assert re.search(
        r"Board certification, Neurology, Medical Council: <strong>expired</strong>", page
    )
    assert "(not current)" in page


def test_the_desk_flags_an_assigned_reviewer_whose_credentials_expired(client, editor, policy):
    from articles.permissions import EDITORS_IN_CHIEF
    from board.services import assignment_create
    from tests.factories import UserFactory

    chief = UserFactory(username="chief", group=EDITORS_IN_CHIEF)
    assigned = make_reviewer("assigned")
    licence = credential(assigned, days=3, name="Medical licence")
    article = submitted_article(by=editor)
    assignment_create(
        article=article,
        reviewer_ids=[assigned.pk],
        due_on=timezone.localdate() + datetime.timedelta(days=5),
        by=chief,
    )
    client.force_login(chief)
    url = reverse("desk:article", kwargs={"pk": article.pk})
    assert "Credentials expired" not in client.get(url).content.decode()
    Credential.objects.filter(pk=licence.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert "Credentials expired: cannot review" in client.get(url).content.decode()


def test_the_public_board_page_queries_do_not_grow_with_members(
    client, neurology, django_assert_num_queries
):
    for n in range(6):
        member = make_reviewer(f"member{n}")
        member.board_profile.specialties.add(neurology)
        credential(member, days=n * 100 - 100, name=f"Licence {n}")
    # the site generation, the members, their specialties, their credentials; then, keeping
    # the page, when it lapses (the next policy version or credential expiry, one query)
    with django_assert_num_queries(5):
        assert client.get(reverse("public:board")).status_code == 200


def test_a_site_admin_who_is_no_superuser_keeps_credentials_and_specialties(
    client, expired_reviewer, neurology
):
    """The reminders say "send the renewal to a site admin": the Site admins group can act on it."""
    from articles.permissions import SITE_ADMINS
    from tests.factories import UserFactory

    keeper = UserFactory(username="keeper", group=SITE_ADMINS, is_staff=True)
    assert not keeper.is_superuser
    client.force_login(keeper)
    member = expired_reviewer.board_profile
    change = client.get(reverse("admin:board_boardmember_change", args=[member.pk]))
    assert change.status_code == 200 and "Board certification, Neurology" in change.content.decode()
    assert client.get(reverse("admin:board_specialty_changelist")).status_code == 200
    assert client.get(reverse("admin:board_credential_add")).status_code == 200
    record = Credential.objects.get(member=member)
    renewed = timezone.localdate() + datetime.timedelta(days=365)
    answer = client.post(
        reverse("admin:board_credential_change", args=[record.pk]),
        {
            "member": member.pk,
            "name": record.name,
            "issued_by": record.issued_by,
            "identifier": "",
            "expires_on": renewed.isoformat(),
        },
    )
    assert answer.status_code == 302
    record.refresh_from_db()
    assert record.expires_on == renewed
