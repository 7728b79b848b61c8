"""Errors of the documents app, each with a stable code and a translated message."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy as _

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

    @property
    def params(self) -> dict[str, str]:
        """What `signing_failure_message` needs to say the message again, in another language."""
        return {}


class SigningFailed(SignerNotConfigured):
    """A freshly signed document does not pass our own verification (wrong trust roots, expired
    certificate...): refuse to issue a document that the public page would reject."""

    code = "signing_failed"
    default_message = _("The document could not be signed. Please tell the administrator.")


class SigningKeyUnreadable(SignerNotConfigured):
    """The key file exists but cannot be opened: a wrong password, or a damaged file."""

    code = "signing_key_unreadable"
    default_message = _("The signing key cannot be opened: its password is wrong or the file is damaged. Ask the "
                        "administrator to check the signing settings.")


class SigningCertificateExpired(SignerNotConfigured):
    """The signing certificate's validity ended: a document signed now would not verify.
    pyHanko signs with an expired certificate all the same, so the signers check first."""

    code = "signing_certificate_expired"

    def __init__(self, *, expired_on: date, detail: str = ""):
        self.expired_on = expired_on
        super().__init__(signing_failure_message(self.code, self.params), detail=detail)

    @property
    def params(self) -> dict[str, str]:
        return {"expired_on": self.expired_on.isoformat()}


class SigningCertificateNotYetValid(SignerNotConfigured):
    """The signing certificate's validity has not started (a wrong clock, or a certificate issued
    for later)."""

    code = "signing_certificate_not_yet_valid"

    def __init__(self, *, valid_from: date, detail: str = ""):
        self.valid_from = valid_from
        super().__init__(signing_failure_message(self.code, self.params), detail=detail)

    @property
    def params(self) -> dict[str, str]:
        return {"valid_from": self.valid_from.isoformat()}


def _date_param(params: Mapping[str, Any], name: str) -> str:
    try:
        return date_format(date.fromisoformat(str(params.get(name))), "DATE_FORMAT")
    except ValueError:
        return "…"


def signing_failure_message(code: str, params: Mapping[str, Any] | None = None, *, fallback: str = "") -> str:
    """The message of a signing error, in the active language, from its stable `code` and the
    `params` it carried (what a "result.signing_failed" event stores): pages show it in the
    reader's language, not in the language of the task that failed. `fallback` for other codes."""
    params = params or {}
    if code == SigningCertificateExpired.code:
        return gettext("The agency's signing certificate expired on %(date)s; ask the administrator to renew it.") % {
            "date": _date_param(params, "expired_on")}
    if code == SigningCertificateNotYetValid.code:
        return gettext("The agency's signing certificate is valid only from %(date)s; ask the administrator to check "
                       "it and the server's clock.") % {"date": _date_param(params, "valid_from")}
    if code == SigningKeyUnreadable.code:
        return str(SigningKeyUnreadable.default_message)
    if code == SignerNotConfigured.code:
        return str(SignerNotConfigured.default_message)
    return fallback or str(SigningFailed.default_message)


class ResultTemplateInvalid(MotcuaError):
    """A result template cannot be saved; `fields` maps "title" / "body" to their messages."""

    code = "result_template_invalid"
    default_message = _("The template must be corrected.")
