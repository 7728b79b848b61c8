"""The signature-provider contract (STYLE.md §4): sign a PDF, verify a PDF, report its configuration.

A provider is registered once in `registry.signature_providers` under a stable `id` (stored on
every `IssuedDocument` it signs). It holds no request state: everything about one signature comes
from the `SignerProfile` passed to `sign_pdf`, whose `options` are validated by the provider's
`options_schema`; a missing option takes the provider's default from settings (SIGNING_*).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from ninja import Schema
from pydantic import ValidationError

from motcua.core.registry import Plugin

from ..errors import SignerNotConfigured


@dataclass(frozen=True)
class SignerProfile:
    """Who signs a document and with which key material."""

    provider: str
    """Id of a registered signature provider."""
    reason: str = ""
    """Why the document is signed, shown by PDF readers (Vietnamese: the document is Vietnamese)."""
    location: str = ""
    """Where it is signed, shown by PDF readers (e.g. "Điện Biên")."""
    options: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """Provider options (key paths, passwords: kept out of repr); a missing option takes the
    provider's setting."""


class VerificationStatus(enum.StrEnum):
    VALID = "valid"
    """Intact, cryptographically valid, signed by a certificate that chains to a trust root, and
    nothing was added to the file after the signature."""
    UNTRUSTED = "untrusted"
    """Intact and valid, but the certificate does not chain to our trust roots."""
    MODIFIED = "modified"
    """The signature is valid for an earlier revision, but the file was changed after signing."""
    INVALID = "invalid"
    """The signed bytes or the signature itself were changed, or the signature cannot be checked."""
    UNSIGNED = "unsigned"
    """A readable PDF without any signature."""
    NOT_PDF = "not_pdf"
    """Not a PDF, or a PDF too damaged to read."""


@dataclass(frozen=True)
class Verification:
    """The result of checking one file's signature."""

    status: VerificationStatus
    signer_subject: str = ""
    """The signer certificate's subject, readable ("Common Name: …, Organization: …")."""
    signer_common_name: str = ""
    signed_at: datetime | None = None
    """The signing time the signer reported (not a trusted timestamp)."""
    detail: str = ""
    """Technical summary for logs and the admin; never shown raw to the public."""

    @property
    def is_valid(self) -> bool:
        return self.status == VerificationStatus.VALID


class SignatureProvider(Plugin):
    """Signs PDF documents (PAdES) and verifies them against SIGNING_TRUST_ROOTS."""

    id: ClassVar[str]
    label: ClassVar[str]
    options_schema: ClassVar[type[Schema]]
    """Validates `SignerProfile.options` merged over `default_options()`."""

    def default_options(self) -> dict[str, Any]:
        """The options taken from settings when a profile does not give them."""
        return {}

    def options(self, signer: SignerProfile) -> Schema:
        """The profile's options over the defaults, validated; SignerNotConfigured if invalid."""
        try:
            return self.options_schema(**{**self.default_options(), **dict(signer.options)})
        except ValidationError as error:
            raise SignerNotConfigured(detail=f"{self.id}: {error}") from error

    def sign_pdf(self, data: bytes, *, signer: SignerProfile) -> bytes:
        """The PDF `data` with a PAdES signature added as an incremental update.

        Raises SignerNotConfigured when the key material is missing, SigningKeyUnreadable when it
        cannot be opened (wrong password), SigningCertificateExpired / SigningCertificateNotYetValid
        when the certificate is not valid now (checked before signing)."""
        raise NotImplementedError

    def verify(self, data: bytes) -> Verification:
        """Check the signature of `data` (any bytes: never raises for bad input)."""
        raise NotImplementedError

    def check_config(self) -> list[str]:
        """Problems with the default key material and trust roots (empty list when ready)."""
        raise NotImplementedError

