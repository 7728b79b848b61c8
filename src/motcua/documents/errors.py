"""Errors of the documents app, each with a stable code and a translated message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import MotcuaError


class SignerNotConfigured(MotcuaError):
    """The key material of a signature provider is missing or cannot be opened."""

    code = "signer_not_configured"
    default_message = _("Documents cannot be signed: the signing key is not set up. Please tell the administrator.")
    status = 503

    def __init__(self, message=None, *, detail: str = "", **kwargs):
        self.detail = detail
        """What exactly is wrong (paths, provider), for logs and the admin."""
        super().__init__(message, **kwargs)

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else str(self.message)


class SigningFailed(SignerNotConfigured):
    """A freshly signed document does not pass our own verification (wrong trust roots, expired
    certificate...): refuse to issue a document that the public page would reject."""

    code = "signing_failed"
    default_message = _("The document could not be signed. Please tell the administrator.")
