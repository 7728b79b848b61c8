"""Register an API client (OAuth2 client credentials) and print its id and secret, once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from motcua.api import services


class Command(BaseCommand):
    help = "Register an API client for the client-credentials grant and print its id and secret (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Name of the client system, e.g. 'Agency records system'.")
        parser.add_argument(
            "--scopes", required=True, nargs="+", metavar="SCOPE",
            help="API scopes (settings.API_SCOPES), separated by spaces or commas, e.g. prefill dossiers:read.",
        )

    def handle(self, *args, name, scopes, **options):
        scopes = [scope for value in scopes for scope in value.replace(",", " ").split()]
        try:
            new = services.create_api_client(name=name, scopes=scopes)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"client_id: {new.client_id}")
        self.stdout.write(f"client_secret: {new.client_secret}")
        self.stdout.write(f"scopes: {' '.join(new.client.scopes)}")
        self.stdout.write("Keep the secret now: it is stored hashed and cannot be shown again.")
