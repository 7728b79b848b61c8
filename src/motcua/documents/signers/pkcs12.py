"""Signing with a PKCS#12 file (.p12/.pfx: key, certificate and chain in one password-protected file)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pyhanko.sign import signers

from ..errors import SignerNotConfigured, SigningKeyUnreadable
from .pades import PadesProvider
from .registry import signature_providers


class Pkcs12Options(Schema):
    path: str
    password: str = ""


@signature_providers.register
class Pkcs12Provider(PadesProvider):
    id = "pkcs12"
    label = _("PKCS#12 file (.p12, .pfx)")
    options_schema = Pkcs12Options

    def default_options(self) -> dict:
        return {"path": str(settings.SIGNING_P12_PATH), "password": settings.SIGNING_P12_PASSWORD}

    def load_signer(self, options: Pkcs12Options) -> signers.SimpleSigner:
        path = Path(options.path)
        if not path.is_file():
            raise SignerNotConfigured(detail=f"pkcs12: no file at {path} (run manage.py documents_setup for the demo)")
        try:
            return signers.SimpleSigner.load_pkcs12_data(
                path.read_bytes(), other_certs=[], passphrase=options.password.encode() or None
            )
        except (OSError, ValueError) as error:
            raise SigningKeyUnreadable(detail=f"pkcs12: cannot open {path} (wrong SIGNING_P12_PASSWORD?): {error}") from error
