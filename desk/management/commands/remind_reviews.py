"""Mail each board reviewer the articles waiting for review or due for re-review (for cron)."""

from django.core.management.base import BaseCommand

from desk.reminders import send_review_reminders


class Command(BaseCommand):
    help = "Email board reviewers the articles waiting for review or due for re-review."

    def handle(self, *args, **options):
        sent = send_review_reminders()
        self.stdout.write(f"Sent {sent} reminder(s).")
