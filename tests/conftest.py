import os

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import make_admin, make_editor, make_policy, make_reviewer

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def forget_kept_pages():
    # Kept pages name the site generation they were rendered under; each test's database
    # starts again from the same generation, so a page kept by an earlier test must go.
    from public import fastpath

    fastpath.forget_all()
    yield
    fastpath.forget_all()


@pytest.fixture
def editor(db):
    return make_editor("editor")


@pytest.fixture
def other_editor(db):
    return make_editor("editor2")


@pytest.fixture
def reviewer(db):
    return make_reviewer("reviewer")


@pytest.fixture
def other_reviewer(db):
    return make_reviewer("reviewer2")


@pytest.fixture
def site_admin(db):
    return make_admin("admin")


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def policy(db):
    return make_policy()


@pytest.fixture
def roles(anonymous, editor, other_editor, reviewer, site_admin):
    """Every role by name; ``editor`` is the author of the articles a test makes."""
    return {
        "anonymous": anonymous,
        "editor": editor,
        "other_editor": other_editor,
        "reviewer": reviewer,
        "admin": site_admin,
    }
