"""Prepare the demo key material for signed documents and report whether signing is ready."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.documents import keys
from motcua.documents.signers.registry import signature_providers


class Command(BaseCommand):
    help = (
        "Create a demo root CA and an agency signing certificate (EC P-256) in SIGNING_DIR where "
        "missing or expiring: root-ca.pem, agency-cert.pem, agency-key.pem and agency.p12 (encrypted "
        "with SIGNING_P12_PASSWORD). Keys are written with mode 600. Idempotent. Then check the "
        "configuration of every signature provider. Demo only: real agencies use certificates "
        "from a licensed certification authority."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agency-name", default=keys.DEMO_AGENCY_NAME, help="Subject of the agency certificate.")
        parser.add_argument("--force", action="store_true", help="Make new key material even if it exists.")

    def handle(self, *args, agency_name, force, **options):
        paths = keys.DemoPkiPaths.in_directory(settings.SIGNING_DIR)
        if force:
            for path in (paths.root_cert, paths.root_key, paths.agency_cert, paths.agency_key, paths.agency_p12):
                path.unlink(missing_ok=True)
        written = keys.ensure_demo_pki(
            paths,
            agency_name=agency_name,
            p12_password=settings.SIGNING_P12_PASSWORD,
            key_password=settings.SIGNING_PEM_KEY_PASSWORD,
        )
        for path in written:
            self.stdout.write(f"Created {path}")
        if not written:
            self.stdout.write(f"Kept the key material in {settings.SIGNING_DIR}")

        problems = {provider.id: provider.check_config() for provider in signature_providers}
        for provider_id, provider_problems in problems.items():
            for problem in provider_problems:
                self.stderr.write(f"{provider_id}: {problem}")
        if problems.get(settings.SIGNING_PROVIDER):
            raise CommandError(f"The configured signature provider {settings.SIGNING_PROVIDER!r} is not ready.")
        self.stdout.write(self.style.SUCCESS(f"Documents are signed with {settings.SIGNING_PROVIDER!r}."))
