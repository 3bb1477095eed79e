"""The board's daily reminders: credentials, reviews due soon or overdue, escalations (cron)."""

from django.core.management.base import BaseCommand

from board.reminders import board_reminders_send


class Command(BaseCommand):
    help = (
        "Remind board members of credentials expiring within 30 days (once), of reviews due "
        "within two days (once) and of overdue reviews (once a day); escalate reviews overdue "
        "past BOARD_ESCALATE_AFTER_DAYS to the editors-in-chief (once). Reviews due soon or "
        "overdue go into each reviewer's one mail of the day (notifications_digest)."
    )

    def handle(self, *args, **options):
        sent = board_reminders_send()
        self.stdout.write(
            f"Sent {sent.credentials} credential reminder(s), {sent.due_soon} due-soon "
            f"reminder(s), {sent.overdue} overdue reminder(s), {sent.escalated} escalation(s)."
        )
