from django.core.management.base import BaseCommand

from motcua.demo import services


class Command(BaseCommand):
    help = "Create or update the Điện Biên demo data (agencies, staff, citizens) and print the logins. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins (make demo prints them when the server starts).")

    def handle(self, *args, **options):
        result = services.load_demo()
        if result.admin_units_loaded:
            self.stdout.write("Administrative units loaded.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {result.agencies} agencies, {result.staff} staff accounts "
                f"({result.memberships} roles, {result.totp_devices} TOTP devices), {result.citizens} citizens, "
                f"{result.procedures} new published procedures."
            )
        )
        if not options["quiet"]:
            self.stdout.write("")
            self.stdout.write(services.login_text())
