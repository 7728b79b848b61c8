"""The daily run of staff notifications: the "due soon" and "overdue" reminders, then the daily
digest e-mails (which include the reminders of those who chose the digest). Run it once a day
from cron or a scheduler, after the working day's start; running it again the same day sends
nothing twice (services.py)."""

from django.core.management.base import BaseCommand

from motcua.notifications import services


class Command(BaseCommand):
    help = "Write the due-soon and overdue reminders, then send the staff's daily notification e-mails."

    def handle(self, *args, **options):
        reminders = services.send_deadline_reminders()
        digests = services.send_daily_digest()
        self.stdout.write(f"reminders written: {reminders}, digests queued: {digests}")
