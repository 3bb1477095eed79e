"""Send each user their one mail of the day: daily digest and reminders (for cron, daily)."""

from django.core.management.base import BaseCommand

from notifications.services import daily_mail_send


class Command(BaseCommand):
    help = (
        "Mail each user, at most once a day, the notifications waiting for the day's mail: "
        "those they chose to get as a daily digest, and review reminders. Run it after "
        "board_reminders and remind_reviews."
    )

    def handle(self, *args, **options):
        sent = daily_mail_send()
        self.stdout.write(f"Sent {sent} daily mail(s).")
