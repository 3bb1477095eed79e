"""Board members moved from the articles app to the board app without copying a row.

A database migrated before the move keeps its members, their specialties,
credentials and history, and the permissions groups and users held on them.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0017_search_trigrams"), ("board", "0004_assignments_carry_across_rounds")]
AFTER = [
    ("articles", "0018_board_member_moves_to_board"),
    ("board", "0005_board_member_moves_to_board"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_database_migrated_before_keeps_its_members_and_their_permissions():
    old = migrate(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="drx")
    member = old.get_model("articles", "BoardMember").objects.create(
        user=user, name="Dr X", credentials="MD"
    )
    specialty = old.get_model("board", "Specialty").objects.create(name="Neurology", slug="neuro")
    member.specialties.add(specialty)
    old.get_model("board", "Credential").objects.create(
        member_id=member.pk, name="Board certification", issued_by="ABPN"
    )
    old.get_model("articles", "HistoricalBoardMember").objects.create(
        id=member.pk,
        user_id=user.pk,
        name="Dr X",
        credentials="MD",
        history_date="2026-01-01T00:00:00Z",
        history_type="+",
    )
    permission = old.get_model("auth", "Permission").objects.get(
        content_type__app_label="articles", codename="change_boardmember"
    )
    user.user_permissions.add(permission)

    new = migrate(AFTER)
    moved = new.get_model("board", "BoardMember").objects.get(pk=member.pk)
    assert (moved.name, moved.user_id) == ("Dr X", user.pk)
    assert list(moved.specialties.values_list("slug", flat=True)) == ["neuro"]
    assert list(moved.credential_records.values_list("name", flat=True)) == ["Board certification"]
    assert new.get_model("board", "HistoricalBoardMember").objects.filter(id=member.pk).count() == 1
    held = new.get_model("auth", "Permission").objects.get(pk=permission.pk)
    assert (held.content_type.app_label, held.codename) == ("board", "change_boardmember")
    assert new.get_model("auth", "User").objects.get(pk=user.pk).user_permissions.get() == held
    site_admins = new.get_model("auth", "Group").objects.get(name="Site admins")
    assert site_admins.permissions.filter(
        content_type__app_label="board", codename="change_boardmember"
    ).exists()
    content_types = new.get_model("contenttypes", "ContentType").objects
    assert not content_types.filter(app_label="articles", model="boardmember").exists()

    # And back: the content types return to the articles app with the permissions.
    back = migrate(BEFORE)
    assert back.get_model("articles", "BoardMember").objects.get(pk=member.pk).name == "Dr X"
    assert (
        back.get_model("auth", "Permission").objects.get(pk=permission.pk).content_type.app_label
        == "articles"
    )
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
