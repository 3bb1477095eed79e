"""Every transition for every role: allowed, or refused with the state unchanged."""

import pytest
from django.core.exceptions import PermissionDenied
from django_fsm import TransitionNotAllowed

from articles import services, steps
from articles.models import Article, ArticleTransition
from articles.workflow import ArticleState
from tests.factories import (
    approved_article,
    article_in_state,
    declare_no_conflict,
    draft_article,
    submitted_article,
)

ROLES = ["anonymous", "editor", "other_editor", "reviewer", "admin"]


def article_in(state: str, roles) -> Article:
    """The article, with the board's members (reviewer, admin) declared free of conflict."""
    article = article_in_state(state, editor=roles["editor"], reviewer=roles["reviewer"])
    if article.state in (ArticleState.SUBMITTED, ArticleState.UNDER_REVIEW):
        for role in ("reviewer", "admin"):
            declare_no_conflict(article, roles[role])
    return article


def call(transition: str, article: Article, user):
    kwargs = {"article": article, "by": user}
    if transition in ("request_changes", "retract"):
        kwargs["comment"] = "A reason."
    return steps.named(transition).execute(**kwargs)


# (transition, source state) -> roles allowed. "editor" wrote the article.
ALLOWED = {
    ("submit", ArticleState.DRAFT): {"editor", "other_editor", "admin"},
    ("withdraw", ArticleState.SUBMITTED): {"editor", "admin"},
    ("start_review", ArticleState.SUBMITTED): {"reviewer", "admin"},
    ("request_changes", ArticleState.UNDER_REVIEW): {"reviewer", "admin"},
    ("approve", ArticleState.UNDER_REVIEW): {"reviewer", "admin"},
    ("revise", ArticleState.APPROVED): {"editor", "other_editor", "admin"},
    ("retract", ArticleState.DRAFT): {"admin"},
    ("retract", ArticleState.SUBMITTED): {"admin"},
    ("retract", ArticleState.UNDER_REVIEW): {"admin"},
    ("retract", ArticleState.APPROVED): {"admin"},
}
TARGET = {
    "submit": ArticleState.SUBMITTED,
    "withdraw": ArticleState.DRAFT,
    "start_review": ArticleState.UNDER_REVIEW,
    "request_changes": ArticleState.DRAFT,
    "approve": ArticleState.APPROVED,
    "revise": ArticleState.DRAFT,
    "retract": ArticleState.RETRACTED,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("transition", "source"), list(ALLOWED), ids=lambda v: str(v))
def test_transition_by_role(roles, policy, role, transition, source):
    article = article_in(source, roles)
    user = roles[role]
    if role in ALLOWED[(transition, source)]:
        call(transition, article, user)
        article.refresh_from_db()
        assert article.state == TARGET[transition]
        log = ArticleTransition.objects.filter(article=article).last()
        assert (log.name, log.source, log.target) == (transition, source, TARGET[transition])
        assert log.actor == user
    else:
        before = ArticleTransition.objects.filter(article=article).count()
        with pytest.raises(PermissionDenied):
            call(transition, article, user)
        article.refresh_from_db()
        assert article.state == source
        assert ArticleTransition.objects.filter(article=article).count() == before


WRONG_STATE = [
    (name, state)
    for name in TARGET
    for state in [
        ArticleState.DRAFT,
        ArticleState.SUBMITTED,
        ArticleState.UNDER_REVIEW,
        ArticleState.APPROVED,
    ]
    if (name, state) not in ALLOWED
]


@pytest.mark.django_db
@pytest.mark.parametrize(("transition", "source"), WRONG_STATE, ids=lambda v: str(v))
def test_transition_from_wrong_state_is_refused(roles, policy, transition, source):
    article = article_in(source, roles)
    with pytest.raises(TransitionNotAllowed):
        call(transition, article, roles["admin"])
    article.refresh_from_db()
    assert article.state == source


@pytest.mark.django_db
def test_nothing_leaves_a_retracted_article(roles, policy):
    article = approved_article(by=roles["editor"], reviewer=roles["reviewer"])
    services.article_retract(article=article, by=roles["admin"], comment="Unsafe advice.")
    for name in TARGET:
        with pytest.raises(TransitionNotAllowed):
            call(name, article, roles["admin"])
    article.refresh_from_db()
    assert article.state == ArticleState.RETRACTED


@pytest.mark.django_db
def test_state_cannot_be_set_by_hand(editor):
    article = draft_article(by=editor)
    with pytest.raises(AttributeError):
        article.state = ArticleState.APPROVED


@pytest.mark.django_db
def test_available_transitions_per_role_form_the_expected_sets(roles, policy):
    """The sets each user may take, as the step records report them (what the admin shows)."""
    article = submitted_article(by=roles["editor"])
    for role in ("reviewer", "admin"):
        declare_no_conflict(article, roles[role])

    def names(user):
        return {step.name for step in steps.open_to(user, article)}

    assert names(roles["editor"]) == {"withdraw"}
    assert names(roles["other_editor"]) == set()
    assert names(roles["reviewer"]) == {"start_review"}
    assert names(roles["admin"]) == {"withdraw", "start_review", "retract"}
