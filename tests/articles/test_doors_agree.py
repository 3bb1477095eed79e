"""The desk, the API and the admin agree with the policy for every role and transition.

Each door is open to some roles only (the desk to editors, reviewers and site
admins; the admin to staff; the API's writes to editors). Through every open
door a step succeeds exactly when ``articles.policy`` says the user may take
it; a door that does not offer a step, or is closed to the role, changes nothing.
"""

import pytest

from articles import policy as article_policy
from articles import steps
from articles.models import Article
from articles.roles import is_editor
from articles.workflow import ArticleState
from tests.doors import through_admin, through_api, through_desk
from tests.factories import article_in_state

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "editor", "other_editor", "reviewer", "admin"]
# Each step from the state it leaves; "editor" wrote the article, "reviewer" reviews it.
EDGES = [
    ("submit", ArticleState.DRAFT),
    ("withdraw", ArticleState.SUBMITTED),
    ("start_review", ArticleState.SUBMITTED),
    ("request_changes", ArticleState.UNDER_REVIEW),
    ("approve", ArticleState.UNDER_REVIEW),
    ("revise", ArticleState.APPROVED),
    ("retract", ArticleState.APPROVED),
    ("submit", ArticleState.APPROVED),  # a step from the wrong state: refused everywhere
]


def article_in(state, roles) -> Article:
    return article_in_state(
        state, editor=roles["editor"], reviewer=roles["reviewer"], verifier=roles["other_reviewer"]
    )


DOORS = {
    "desk": (through_desk, article_policy.has_desk_access, steps.DESK),
    "admin": (through_admin, lambda user: user.is_authenticated and user.is_staff, steps.ADMIN),
    "api": (through_api, is_editor, steps.API),
}


@pytest.fixture
def all_roles(roles, other_reviewer):
    return {**roles, "other_reviewer": other_reviewer}


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(("name", "state"), EDGES, ids=[f"{n}-from-{s}" for n, s in EDGES])
@pytest.mark.parametrize("role", ROLES)
def test_every_door_agrees_with_the_policy(door, name, state, role, all_roles, policy):
    article = article_in(state, all_roles)
    user = all_roles[role]
    go, open_to, door_name = DOORS[door]
    expected = (
        steps.named(name).can(user, article)
        and open_to(user)
        and steps.get(name, door=door_name) is not None
    )
    go(user, name, article)
    moved = Article.objects.get(pk=article.pk).state != state
    assert moved == expected, f"{role} {name} through the {door}: policy says {expected}"
