"""Prepare the demo identity provider: signing key and motcua's client registration."""

from django.conf import settings
from django.core.management.base import BaseCommand

from motcua.accounts.idp import keys
from motcua.accounts.idp import services as idp_services


class Command(BaseCommand):
    help = (
        "Create the demo identity provider's RSA signing key if missing (IDP_RSA_PRIVATE_KEY_PATH, "
        "mode 600) and create or update motcua's OIDC client there. Idempotent."
    )

    def handle(self, *args, **options):
        path = settings.IDP_RSA_PRIVATE_KEY_PATH
        pem, created = keys.ensure_rsa_private_key(path)
        keys.activate_signing_key(pem)
        self.stdout.write(f"{'Created' if created else 'Kept'} the signing key {path}")
        application = idp_services.ensure_relying_party_application(site_url=settings.SITE_URL)
        self.stdout.write(
            f"OIDC client {application.client_id!r}: redirect URIs {application.redirect_uris}; "
            f"post-logout redirect URIs {application.post_logout_redirect_uris}"
        )
        self.stdout.write(self.style.SUCCESS("Demo identity provider ready."))
