"""Create the role groups (Editors, Board reviewers, Site admins) with their permissions."""

from django.db import migrations


def create_groups(apps, schema_editor):
    from articles.permissions import sync_groups_in_migration

    sync_groups_in_migration(apps, apps_migrated={"articles"})


def remove_groups(apps, schema_editor):
    from articles.permissions import GROUP_PERMISSIONS

    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
