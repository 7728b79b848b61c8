"""Daily housekeeping of dossiers: warn the applicants of drafts about to expire, then delete
the expired drafts and the spent prefill links (run it from cron or a scheduler once a day; it is idempotent)."""

from django.core.management.base import BaseCommand

from motcua.dossiers import services


class Command(BaseCommand):
    help = "Warn about drafts that will expire soon, and delete the expired ones."

    def handle(self, *args, **options):
        warned = services.warn_expiring_drafts()
        purged = services.purge_expired_drafts()
        links = services.purge_spent_prefill_links()
        self.stdout.write(f"drafts warned: {warned}, drafts deleted: {purged}, prefill links deleted: {links}")
