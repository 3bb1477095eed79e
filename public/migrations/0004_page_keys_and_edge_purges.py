import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0003_kept_pages"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageKeyGeneration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200, unique=True)),
                ("generation", models.BigIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name="EdgePurge",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("keys", models.TextField(help_text="Space-separated page keys.")),
                (
                    "status",
                    models.CharField(
                        choices=[("queued", "Queued"), ("sending", "Sending"), ("sent", "Sent")],
                        db_index=True,
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("sends", models.PositiveIntegerField(default=0)),
                (
                    "failures",
                    models.PositiveIntegerField(default=0, help_text="Failed attempts so far."),
                ),
                ("last_error", models.TextField(blank=True)),
                (
                    "created_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
            },
        ),
    ]
