"""Board members move from the articles app to the board app, keeping their tables.

Only Django's idea of where the model lives changes: the rows stay in
``articles_boardmember`` (and its history and specialties tables), so nothing
is copied. ``articles`` 0018 then forgets its own copy of the model and moves
the content types, and with them the permissions the role groups hold.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

STATE_OPERATIONS = [
    migrations.CreateModel(
        name="BoardMember",
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            ("name", models.CharField(max_length=200)),
            ("credentials", models.CharField(help_text="For example: MD, PharmD", max_length=100)),
            ("specialty", models.CharField(blank=True, max_length=200)),
            ("bio", models.TextField(blank=True, verbose_name="short bio")),
            (
                "disclosures",
                models.TextField(blank=True, verbose_name="conflict-of-interest disclosure"),
            ),
            ("is_active", models.BooleanField(default=True)),
            (
                "specialties",
                models.ManyToManyField(blank=True, related_name="members", to="board.specialty"),
            ),
            (
                "user",
                models.OneToOneField(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="board_profile",
                    to=settings.AUTH_USER_MODEL,
                ),
            ),
        ],
        options={"db_table": "articles_boardmember", "ordering": ["name"]},
    ),
    migrations.AlterField(
        model_name="credential",
        name="member",
        field=models.ForeignKey(
            on_delete=django.db.models.deletion.CASCADE,
            related_name="credential_records",
            to="board.boardmember",
        ),
    ),
    migrations.AlterField(
        model_name="historicalcredential",
        name="member",
        field=models.ForeignKey(
            blank=True,
            db_constraint=False,
            null=True,
            on_delete=django.db.models.deletion.DO_NOTHING,
            related_name="+",
            to="board.boardmember",
        ),
    ),
    migrations.CreateModel(
        name="HistoricalBoardMember",
        fields=[
            (
                "id",
                models.BigIntegerField(
                    auto_created=True, blank=True, db_index=True, verbose_name="ID"
                ),
            ),
            ("name", models.CharField(max_length=200)),
            ("credentials", models.CharField(help_text="For example: MD, PharmD", max_length=100)),
            ("specialty", models.CharField(blank=True, max_length=200)),
            ("bio", models.TextField(blank=True, verbose_name="short bio")),
            (
                "disclosures",
                models.TextField(blank=True, verbose_name="conflict-of-interest disclosure"),
            ),
            ("is_active", models.BooleanField(default=True)),
            ("history_id", models.AutoField(primary_key=True, serialize=False)),
            ("history_date", models.DateTimeField(db_index=True)),
            ("history_change_reason", models.CharField(max_length=100, null=True)),
            (
                "history_type",
                models.CharField(
                    choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                ),
            ),
            (
                "history_user",
                models.ForeignKey(
                    null=True,
                    on_delete=django.db.models.deletion.SET_NULL,
                    related_name="+",
                    to=settings.AUTH_USER_MODEL,
                ),
            ),
            (
                "user",
                models.ForeignKey(
                    blank=True,
                    db_constraint=False,
                    null=True,
                    on_delete=django.db.models.deletion.DO_NOTHING,
                    related_name="+",
                    to=settings.AUTH_USER_MODEL,
                ),
            ),
        ],
        options={
            "verbose_name": "historical board member",
            "verbose_name_plural": "historical board members",
            "db_table": "articles_historicalboardmember",
            "ordering": ("-history_date", "-history_id"),
            "get_latest_by": ("history_date", "history_id"),
        },
        bases=(simple_history.models.HistoricalChanges, models.Model),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0004_assignments_carry_across_rounds"),
        ("articles", "0017_search_trigrams"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=STATE_OPERATIONS, database_operations=[]
        )
    ]
