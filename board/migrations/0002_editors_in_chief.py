"""The Editors-in-chief group, and the board permissions of every role group."""

from django.db import migrations


def sync(apps, schema_editor):
    from articles.permissions import sync_groups_in_migration

    sync_groups_in_migration(apps, apps_migrated={"articles", "board"})


def remove(apps, schema_editor):
    from articles.permissions import EDITORS_IN_CHIEF

    apps.get_model("auth", "Group").objects.filter(name=EDITORS_IN_CHIEF).delete()


class Migration(migrations.Migration):
    dependencies = [("board", "0001_initial"), ("articles", "0007_board_topics")]

    operations = [migrations.RunPython(sync, remove)]
