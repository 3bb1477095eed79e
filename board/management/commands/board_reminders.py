"""Mail the board's daily reminders: expiring credentials, overdue reviews, escalations (cron)."""

from django.core.management.base import BaseCommand

from board.reminders import board_reminders_send


class Command(BaseCommand):
    help = (
        "Remind board members of credentials expiring within 30 days (once) and of overdue "
        "reviews (once a day); escalate reviews overdue past BOARD_ESCALATE_AFTER_DAYS to the "
        "editors-in-chief (once)."
    )

    def handle(self, *args, **options):
        sent = board_reminders_send()
        self.stdout.write(
            f"Sent {sent.credentials} credential reminder(s), {sent.overdue} overdue reminder(s), "
            f"{sent.escalated} escalation(s)."
        )
