"""Compare a file someone holds with the document we issued under a code.

Entry point: `check_file(document=..., data=...) -> FileCheck`. Reads only: the uploaded bytes
are hashed and verified in memory, never stored.

The verdict puts the bytes first: only the exact file we issued is "the original". For any other
file, the signature tells *why* it is not: changed after signing, another document we signed,
or not from us at all.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

from . import selectors
from .models import IssuedDocument
from .signers.base import Verification, VerificationStatus
from .signers.registry import default_signer_profile, signature_providers


class Outcome(enum.StrEnum):
    ORIGINAL = "original"
    """Byte for byte the issued file, and its signature is valid."""
    ORIGINAL_UNCONFIRMED = "original_unconfirmed"
    """Byte for byte the issued file, but its signature does not validate today (for instance the
    trust roots changed): it is the original, yet the signature cannot be vouched for."""
    OTHER_DOCUMENT = "other_document"
    """Not this document, but a file with a valid signature of ours (another document)."""
    TAMPERED = "tampered"
    """Signed, but changed after signing, or the signature is broken."""
    NOT_OURS = "not_ours"
    """Unsigned, or signed by someone our trust roots do not know."""
    NOT_PDF = "not_pdf"
    """Not a PDF, or too damaged to read."""


@dataclass(frozen=True)
class FileCheck:
    outcome: Outcome
    verification: Verification
    other_document: IssuedDocument | None = None
    """For OTHER_DOCUMENT: the issued document with exactly these bytes, when it is one of ours."""

    @property
    def is_original(self) -> bool:
        return self.outcome == Outcome.ORIGINAL


def _provider_for(document: IssuedDocument):
    provider_id = document.signature_provider
    if provider_id not in signature_providers:
        provider_id = default_signer_profile().provider
    return signature_providers[provider_id]


def check_file(*, document: IssuedDocument, data: bytes) -> FileCheck:
    verification = _provider_for(document).verify(data)
    sha256 = hashlib.sha256(data).hexdigest()
    if sha256 == document.sha256:
        outcome = Outcome.ORIGINAL if verification.is_valid else Outcome.ORIGINAL_UNCONFIRMED
        return FileCheck(outcome, verification)

    status = verification.status
    if status == VerificationStatus.NOT_PDF:
        return FileCheck(Outcome.NOT_PDF, verification)
    if status in (VerificationStatus.INVALID, VerificationStatus.MODIFIED):
        return FileCheck(Outcome.TAMPERED, verification)
    if status == VerificationStatus.VALID:
        return FileCheck(Outcome.OTHER_DOCUMENT, verification, selectors.find_issued_document_by_sha256(sha256=sha256))
    return FileCheck(Outcome.NOT_OURS, verification)
