from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def rounds_and_days(apps, schema_editor):
    """Open assignments are for the round their article is in; closed ones for a round not
    recorded (0). Each keeps the days it was given, so a resubmission gets as many."""
    ReviewAssignment = apps.get_model("board", "ReviewAssignment")
    Article = apps.get_model("articles", "Article")
    ReviewAssignment.objects.filter(status="open").update(
        review_round=Subquery(
            Article.objects.filter(pk=OuterRef("article_id")).values("review_round")[:1]
        )
    )
    ReviewAssignment.objects.exclude(status="open").update(review_round=0)
    for row in ReviewAssignment.objects.only("pk", "assigned_at", "due_on").iterator():
        days = max(1, (row.due_on - row.assigned_at.date()).days)
        if days != 14:
            ReviewAssignment.objects.filter(pk=row.pk).update(days_allowed=days)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_review_rounds"),
        ("board", "0003_site_admins_keep_the_board"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="reviewassignment",
            name="one_open_assignment_per_reviewer",
        ),
        migrations.AddField(
            model_name="historicalreviewassignment",
            name="days_allowed",
            field=models.PositiveIntegerField(default=14),
        ),
        migrations.AddField(
            model_name="historicalreviewassignment",
            name="review_round",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="reviewassignment",
            name="days_allowed",
            field=models.PositiveIntegerField(default=14),
        ),
        migrations.AddField(
            model_name="reviewassignment",
            name="review_round",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="historicalreviewassignment",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "Open"),
                    ("returned", "Waiting for the resubmission"),
                    ("done", "Done"),
                    ("cancelled", "Cancelled"),
                ],
                default="open",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="reviewassignment",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "Open"),
                    ("returned", "Waiting for the resubmission"),
                    ("done", "Done"),
                    ("cancelled", "Cancelled"),
                ],
                default="open",
                max_length=16,
            ),
        ),
        migrations.AddIndex(
            model_name="reviewassignment",
            index=models.Index(
                fields=["status", "due_on", "article"], name="board_revie_status_1a0246_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="reviewassignment",
            index=models.Index(
                fields=["article", "status", "due_on"], name="board_revie_article_fb8646_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewassignment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["open", "returned"])),
                fields=("article", "reviewer"),
                name="one_open_assignment_per_reviewer",
            ),
        ),
        migrations.RunPython(rounds_and_days, migrations.RunPython.noop),
    ]
