"""Indexes the desk's work lists walk in their order (``desk.selectors``, ``desk.chief_queue``).

- ``articleversion_approved_at``: "Due for re-review" lists the oldest approvals first.
- ``article_pending_queue``: the editor-in-chief's "Awaiting assignment", articles in
  review (submitted or under review) by when they were submitted.
- ``article_returned_drafts``: drafts by their last step, so those sent back with
  changes requested are read longest-waiting first ("Returned to the editor", an editor's "Returned to me").

Each list then reads its first rows off the index instead of sorting every row it holds.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_board_member_moves_to_board"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="articleversion",
            index=models.Index(fields=["approved_at"], name="articleversion_approved_at"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("state__in", ("submitted", "under_review"))),
                fields=["queued_at", "id"],
                name="article_pending_queue",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("state", "draft")),
                fields=["last_transition", "last_transition_at", "id"],
                name="article_returned_drafts",
            ),
        ),
    ]
