"""Site admins keep the specialty list and the board members' credentials."""

from django.db import migrations


def sync(apps, schema_editor):
    from articles.permissions import sync_groups_in_migration

    sync_groups_in_migration(apps, apps_migrated={"articles", "board"})


class Migration(migrations.Migration):
    dependencies = [("board", "0002_editors_in_chief"), ("articles", "0010_board_approval_record")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
