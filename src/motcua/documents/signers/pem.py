"""Signing with PEM (or DER) files: a private key, its certificate and the chain's certificates."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder, load_private_key_from_pemder
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..errors import SignerNotConfigured, SigningKeyUnreadable
from .pades import PadesProvider
from .registry import signature_providers


class PemOptions(Schema):
    key_path: str
    cert_path: str
    chain_paths: list[str] = []
    key_password: str = ""


@signature_providers.register
class PemProvider(PadesProvider):
    id = "pem"
    label = _("Key and certificate files (PEM)")
    options_schema = PemOptions

    def default_options(self) -> dict:
        return {
            "key_path": str(settings.SIGNING_PEM_KEY_PATH),
            "cert_path": str(settings.SIGNING_PEM_CERT_PATH),
            "chain_paths": [str(path) for path in settings.SIGNING_PEM_CHAIN_PATHS],
            "key_password": settings.SIGNING_PEM_KEY_PASSWORD,
        }

    def load_signer(self, options: PemOptions) -> signers.SimpleSigner:
        for path in (options.key_path, options.cert_path, *options.chain_paths):
            if not Path(path).is_file():
                raise SignerNotConfigured(detail=f"pem: no file at {path} (run manage.py documents_setup for the demo)")
        try:
            key = load_private_key_from_pemder(options.key_path, passphrase=options.key_password.encode() or None)
            certificate = load_cert_from_pemder(options.cert_path)
            chain = list(load_certs_from_pemder(options.chain_paths)) if options.chain_paths else []
        except (OSError, ValueError, TypeError) as error:
            raise SigningKeyUnreadable(detail=f"pem: cannot read the key or certificates (wrong SIGNING_PEM_KEY_PASSWORD?): {error}") from error
        return signers.SimpleSigner(
            signing_cert=certificate, signing_key=key, cert_registry=SimpleCertificateStore.from_certs(chain)
        )
