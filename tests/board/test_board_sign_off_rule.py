"""A sign-off counts only while its signer may give it: the rule is asked again at publication.

Each case is a way in which a page marked "Medically reviewed" could rest on a
verdict or an approval that the rules would refuse if it were given now. The
last approval is given through each door that offers it (the desk and the
admin); the API offers no approval, and its public article shows what the
page shows.
"""

import dataclasses
import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import policy as article_policy
from articles import services
from articles.models import Article, ArticleVersion
from articles.permissions import BOARD_REVIEWERS
from articles.selectors import article_get_content
from articles.services import article_topics_set
from articles.states import ArticleState
from board.models import BoardMember, Credential
from board.services import conflict_declare
from tests.doors import through_admin, through_desk
from tests.factories import (
    declare_no_conflict,
    draft_article,
    make_admin,
    make_reviewer,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db

DOORS = {"desk": through_desk, "admin": through_admin}
TODAY = timezone.localdate()
IN_THREE_DAYS = timezone.now() + datetime.timedelta(days=3)


def credential_expiring(user, *, days: int) -> Credential:
    member, _ = BoardMember.objects.get_or_create(
        user=user, defaults={"name": f"Dr. {user.username.title()}", "credentials": "MD"}
    )
    return Credential.objects.create(
        member=member,
        name="Board certification",
        issued_by="Medical Council",
        expires_on=TODAY + datetime.timedelta(days=days),
    )


def staff(user):
    """The admin door is for staff: a reviewer who also keeps the site."""
    user.is_staff = True
    user.save()
    return user


def submitted(editor, *, topics=()):
    article = draft_article(by=editor)
    if topics:
        article_topics_set(article=article, by=editor, topic_ids=[t.pk for t in topics])
    return services.article_submit(article=article, by=editor)


def reviewed_by(article, reviewer):
    """``reviewer`` declares no conflict and verifies every item as it reads."""
    declare_no_conflict(article, reviewer)
    if article.state == ArticleState.SUBMITTED:
        services.article_start_review(article=article, by=reviewer)
    verify_all_claims(Article.objects.get(pk=article.pk), reviewer)


def fresh(article) -> Article:
    return Article.objects.get(pk=article.pk)


def desk_page(user, article) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("desk:article", kwargs={"pk": article.pk})).content.decode()


def credited(article) -> set:
    return set(fresh(article).published_version.reviewers.values_list("username", flat=True))


# -- 1. A contributor's earlier approval -----------------------------------------------


@pytest.mark.parametrize("door", DOORS)
def test_an_approval_from_an_earlier_round_by_a_later_contributor_does_not_count(
    door, editor, oncology, policy
):
    admin = make_admin("admin-reviewer")  # a site admin who also sits on the board
    credential_expiring(admin, days=365)
    second, third = staff(make_reviewer("second")), staff(make_reviewer("third"))
    article = submitted(editor, topics=[oncology])  # two approvals
    reviewed_by(article, admin)
    services.article_approve(article=fresh(article), by=admin)  # 1 of 2
    services.article_request_changes(article=fresh(article), by=admin, comment="One more look.")
    # The admin edits a claim and puts it back: the content reads as they approved it,
    # but they are now a contributor to the revision.
    article = fresh(article)
    content = article_get_content(article=article)
    claims = list(content.claims)
    edited = dataclasses.replace(claims[1], text="Edited for a moment.")
    for body in (claims[:1] + [edited] + claims[2:], claims):
        services.article_replace_content(
            article=article,
            by=admin,
            content=dataclasses.replace(content, claims=tuple(body)),
            expected_version=article.content_version,
        )
    assert article_policy.sign_off_refusals(article, [admin.pk]) == {
        admin.pk: "drafted or edited this revision"
    }
    article = services.article_submit(article=fresh(article), by=editor, confirm_open_threads=True)
    reviewed_by(article, second)

    DOORS[door](second, "approve", fresh(article))

    article = fresh(article)
    assert article.state == ArticleState.UNDER_REVIEW  # 1 of 2 in this round, not 2
    assert not ArticleVersion.objects.filter(article=article).exists()
    assert article.transitions.filter(name="approve_partial").count() == 2

    declare_no_conflict(article, third)
    DOORS[door](third, "approve", fresh(article))
    assert fresh(article).state == ArticleState.APPROVED
    assert credited(article) == {"second", "third"}  # never the contributor


# -- 2. Verdicts by a reviewer whose credential has since expired --------------------------


@pytest.mark.parametrize("door", DOORS)
def test_verdicts_by_a_reviewer_whose_credential_expired_since_do_not_count(door, editor, policy):
    verifier = make_reviewer("verifier")
    credential_expiring(verifier, days=2)  # the only credential
    approver = staff(make_reviewer("approver"))
    article = submitted(editor)
    reviewed_by(article, verifier)
    declare_no_conflict(article, approver)

    with time_machine.travel(IN_THREE_DAYS, tick=False):
        expired_on = (TODAY + datetime.timedelta(days=2)).isoformat()
        page = desk_page(approver, article)
        assert f"Test {verifier.last_name}’s verdicts no longer count: credential expired on " in (
            page
        )
        assert expired_on in page
        DOORS[door](approver, "approve", fresh(article))  # relying on the verifier's verdicts

    article = fresh(article)
    assert article.state == ArticleState.UNDER_REVIEW
    assert article.published_version is None
    assert (
        Client().get(article.get_absolute_url()).content.decode().count("Medically reviewed") == 0
    )


# -- 3. An approval by a reviewer who has since lost the right to give it --------------------


def expire(user):
    Credential.objects.filter(member__user=user).update(
        expires_on=TODAY - datetime.timedelta(days=1)
    )
    return f"credential expired on {TODAY - datetime.timedelta(days=1):%Y-%m-%d}"


def leave_the_board(user):
    user.groups.remove(Group.objects.get(name=BOARD_REVIEWERS))
    return "no longer an active board reviewer"


def deactivate(user):
    user.is_active = False
    user.save()
    return "no longer an active board reviewer"


def recuse(user, article):
    conflict_declare(article=article, by=user, has_conflict=True, note="Consults for the maker.")
    return "declared a conflict of interest with this article"


LOSSES = {
    "credential expired": lambda user, article: expire(user),
    "left the board": lambda user, article: leave_the_board(user),
    "account deactivated": lambda user, article: deactivate(user),
    "recused": recuse,
}


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("door", DOORS)
def test_an_approval_whose_signer_lost_the_right_does_not_count_toward_the_topic_rule(
    door, loss, editor, oncology, policy
):
    first = make_reviewer("first")
    credential_expiring(first, days=30)
    second = staff(make_reviewer("second"))
    article = submitted(editor, topics=[oncology])
    reviewed_by(article, first)
    services.article_approve(article=fresh(article), by=first)  # 1 of 2
    reviewed_by(article, second)  # the second reviewer verifies everything again themself

    why = LOSSES[loss](first, fresh(article))
    if loss != "recused":
        assert f"Test {first.last_name}’s approval no longer counts: {why}." in desk_page(
            second, article
        )
    DOORS[door](second, "approve", fresh(article))

    article = fresh(article)
    assert article.state == ArticleState.UNDER_REVIEW
    assert article.published_version is None


def test_the_desk_says_why_an_approval_no_longer_counts(editor, oncology, policy):
    first, second = make_reviewer("first"), make_reviewer("second")
    credential_expiring(first, days=30)
    article = submitted(editor, topics=[oncology])
    reviewed_by(article, first)
    services.article_approve(article=fresh(article), by=first)
    declare_no_conflict(article, second)
    assert "no longer count" not in desk_page(second, article)
    why = expire(first)
    page = desk_page(second, article)
    assert f"Test {first.last_name}’s approval no longer counts: {why}." in page
    assert f"Test {first.last_name}’s verdicts no longer count: {why}." in page


def test_the_rule_answers_for_every_signer_at_once(editor, reviewer, other_reviewer, policy):
    article = submitted(editor)
    declare_no_conflict(article, reviewer)
    credential_expiring(other_reviewer, days=-3)
    outsider = make_reviewer("outsider")
    leave_the_board(outsider)
    refusals = article_policy.sign_off_refusals(
        article, [reviewer.pk, other_reviewer.pk, outsider.pk, editor.pk]
    )
    assert refusals == {
        reviewer.pk: "",
        other_reviewer.pk: f"credential expired on {TODAY - datetime.timedelta(days=3):%Y-%m-%d}",
        outsider.pk: "no longer an active board reviewer",
        editor.pk: "no longer an active board reviewer",
    }
    # The same rule, asked of one user, is the permission to verify and approve.
    for user in (reviewer, other_reviewer, outsider, editor):
        assert article_policy.may_sign_off(article, user) == (not refusals[user.pk])


def test_the_published_record_of_an_earlier_version_is_history(editor, policy):
    """A credential that expires after publication changes nothing already published."""
    reviewer = make_reviewer("early")
    credential_expiring(reviewer, days=2)
    article = submitted(editor)
    reviewed_by(article, reviewer)
    services.article_approve(article=fresh(article), by=reviewer)
    expire(reviewer)
    assert credited(article) == {"early"}
    assert fresh(article).state == ArticleState.APPROVED
