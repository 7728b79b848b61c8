from django.core.management.base import BaseCommand

from motcua.agencies import services


class Command(BaseCommand):
    help = "Load or update the 34 provinces and 3,321 communes in force since 1 July 2025 (vietnam-provinces)."

    def handle(self, *args, **options):
        provinces, communes = services.load_admin_units()
        message = f"Administrative units loaded: {provinces} provinces, {communes} communes."
        self.stdout.write(self.style.SUCCESS(message))
