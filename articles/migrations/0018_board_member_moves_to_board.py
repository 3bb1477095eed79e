"""Board members now belong to the board app (``board`` 0005): the articles app forgets them.

The tables stay as they are. The content types move to the board app, so the
permissions on board members (and every group and user holding them) and the
admin's log entries follow the model instead of being made anew.
"""

from django.db import migrations

MODELS = ("boardmember", "historicalboardmember")


def content_types_to(apps, *, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if content_type.objects.filter(app_label=target, model=model).exists():
            # Made by a run that saw the new model before this migration: the old one goes.
            content_type.objects.filter(app_label=source, model=model).delete()
        else:
            content_type.objects.filter(app_label=source, model=model).update(app_label=target)


def forwards(apps, schema_editor):
    from articles.permissions import sync_groups_in_migration

    content_types_to(apps, source="articles", target="board")
    sync_groups_in_migration(apps, apps_migrated={"articles", "board"})


def backwards(apps, schema_editor):
    content_types_to(apps, source="board", target="articles")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_search_trigrams"),
        ("board", "0005_board_member_moves_to_board"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="historicalboardmember", name="history_user"),
                migrations.RemoveField(model_name="historicalboardmember", name="user"),
                migrations.DeleteModel(name="BoardMember"),
                migrations.DeleteModel(name="HistoricalBoardMember"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
