from django.core.management.base import BaseCommand

from motcua.demo import services


class Command(BaseCommand):
    help = "Print the demo logins (staff e-mails, citizens' personal ID numbers, the shared password)."

    def handle(self, *args, **options):
        self.stdout.write(services.login_text())
