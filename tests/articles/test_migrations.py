from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from articles.permissions import GROUP_PERMISSIONS

OUR_APPS = ("accounts", "outbox", "articles", "public", "desk", "api", "screening")


@pytest.mark.django_db
def test_models_and_migrations_are_in_step():
    out = StringIO()
    try:
        # Our own apps: the operations tests register a stand-in model in a library's app.
        call_command("makemigrations", *OUR_APPS, "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail("Models and migrations differ:\n" + out.getvalue())


@pytest.mark.django_db
def test_the_data_migration_creates_the_role_groups_with_their_permissions():
    for name, permissions in GROUP_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert held == set(permissions)
