import os

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from tests.factories import make_admin, make_editor, make_policy, make_reviewer

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def fresh_cache():
    # Kept pages, rate limits and counters must not leak between tests. Kept pages name the
    # site generation they were rendered under, and each test's database starts again from
    # the same generation, so a page kept by an earlier test must go too.
    from public import fastpath

    cache.clear()
    fastpath.forget_all()
    yield
    cache.clear()
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


@pytest.fixture
def deliver_mail(mailoutbox, monkeypatch):
    """Deliver the queued mail as the worker does (``db_worker``, in this process); the sent mail."""
    from django.core.management import call_command

    # The worker closes stale connections between tasks; here that would close the test's
    # own connection, and its transaction with it.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def deliver():
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        return mailoutbox

    return deliver
