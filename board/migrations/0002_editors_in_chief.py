"""The Editors-in-chief group, and the board permissions of every role group."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def sync(apps, schema_editor):
    from articles.permissions import sync_groups

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    sync_groups(
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "Permission"),
        apps_migrated={"articles", "board"},
    )


def remove(apps, schema_editor):
    from articles.permissions import EDITORS_IN_CHIEF

    apps.get_model("auth", "Group").objects.filter(name=EDITORS_IN_CHIEF).delete()


class Migration(migrations.Migration):
    dependencies = [("board", "0001_initial"), ("articles", "0007_board_topics")]

    operations = [migrations.RunPython(sync, remove)]
