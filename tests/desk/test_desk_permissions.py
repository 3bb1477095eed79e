"""Every desk URL for every role: anonymous, editor, other editor, reviewer, admin (and a reader)."""

import pytest
from django.urls import reverse

from public.models import FollowUpQuestion
from tests.factories import (
    UserFactory,
    declare_no_conflict,
    draft_article,
    submitted_article,
    under_review_article,
)

ROLES = ["anonymous", "editor", "other_editor", "reviewer", "admin"]

# GET pages of a draft written by "editor": (url name, expected status per role).
PAGES = {
    "desk:dashboard": (302, 200, 200, 200, 200),
    "desk:articles": (302, 200, 200, 200, 200),
    "desk:new": (302, 200, 200, 403, 200),
    "desk:article": (302, 200, 200, 200, 200),
    "desk:edit": (302, 200, 200, 403, 200),
    "desk:references": (302, 200, 200, 403, 200),
    "desk:claim": (302, 200, 200, 403, 200),
    "desk:preview": (302, 200, 200, 200, 200),
    "desk:review": (302, 403, 403, 200, 200),
    "desk:diff": (302, 200, 200, 200, 200),
    "desk:timeline": (302, 200, 200, 200, 200),
    "desk:version": (302, 200, 200, 200, 200),
}


def _url(name, article):
    if name in ("desk:dashboard", "desk:articles", "desk:new"):
        return reverse(name)
    if name == "desk:claim":
        return reverse(name, kwargs={"pk": article.pk, "uid": article.claims.first().uid})
    url = reverse(name, kwargs={"pk": article.pk})
    if name == "desk:version":
        url += "?at=" + article.history.latest().history_date.isoformat().replace("+", "%2B")
    return url


@pytest.mark.parametrize("name", PAGES)
def test_pages_by_role(client, roles, policy, name):
    article = draft_article(by=roles["editor"])
    for role, expected in zip(ROLES, PAGES[name], strict=True):
        client.logout()
        if role != "anonymous":
            client.force_login(roles[role])
        response = client.get(_url(name, article))
        assert response.status_code == expected, (role, name)
        if expected == 302:
            assert response["Location"].startswith(reverse("login"))


def test_readers_never_see_the_desk(client, db):
    client.force_login(UserFactory(username="reader"))
    response = client.get(reverse("desk:dashboard"))
    assert response.status_code == 403
    assert b"for editors and board reviewers" in response.content


def _post(client, user, url, data=None):
    client.logout()
    if user.is_authenticated:
        client.force_login(user)
    return client.post(url, data or {})


# (transition, how to make the article, expected status per role); 302 = done.
TRANSITIONS = [
    ("submit", "draft", (302, 302, 302, 403, 302)),
    ("withdraw", "submitted", (302, 302, 403, 403, 302)),
    ("start_review", "submitted", (302, 403, 403, 302, 302)),
    ("request_changes", "under_review", (302, 403, 403, 302, 302)),
    ("retract", "draft", (302, 403, 403, 403, 302)),
]
MAKERS = {
    "draft": draft_article,
    "submitted": submitted_article,
    "under_review": under_review_article,
}


@pytest.mark.parametrize(
    ("name", "state", "expected"), TRANSITIONS, ids=[t[0] for t in TRANSITIONS]
)
def test_transitions_by_role(client, roles, policy, reviewer, name, state, expected):
    for role, status in zip(ROLES, expected, strict=True):
        kwargs = {"by": roles["editor"]}
        if state == "under_review":
            kwargs["reviewer"] = reviewer
        article = MAKERS[state](**kwargs)
        if state != "draft":
            # The board's members declared no conflict (tests/board covers those who did not).
            for member in ("reviewer", "admin"):
                declare_no_conflict(article, roles[member])
        url = reverse("desk:transition", kwargs={"pk": article.pk, "name": name})
        response = _post(
            client,
            roles[role],
            url,
            {"comment": "Because.", "expected_version": article.content_version},
        )
        assert response.status_code == status, (role, name)
        article.refresh_from_db()
        moved = article.state != state
        assert moved == (status == 302 and role != "anonymous"), (role, name)


def test_claim_review_by_role(client, roles, policy, reviewer):
    article = under_review_article(by=roles["editor"], reviewer=reviewer)
    claim = article.claims.filter(kind="paragraph").first()
    url = reverse("desk:claim_review", kwargs={"pk": article.pk, "uid": claim.uid})
    declare_no_conflict(article, roles["admin"])
    for role, status in zip(ROLES, (302, 403, 403, 302, 302), strict=True):
        response = _post(client, roles[role], url, {"verdict": "verified"})
        assert response.status_code == status, role
    assert claim.reviews.count() == 2  # reviewer and admin


@pytest.mark.parametrize("action", ["dismiss", "convert"])
def test_questions_by_role(client, roles, policy, action):
    article = draft_article(by=roles["editor"])
    for role, status in zip(ROLES, (302, 302, 302, 403, 302), strict=True):
        question = FollowUpQuestion.objects.create(
            article=article, question=f"Can {role} take it with food?"
        )
        response = _post(client, roles[role], reverse(f"desk:{action}", kwargs={"pk": question.pk}))
        assert response.status_code == status, role
        question.refresh_from_db()
        handled = role in ("editor", "other_editor", "admin")
        assert (question.status != FollowUpQuestion.Status.NEW) == handled, role
