"""Reads of issued documents. They are public by code: the random code printed on a document
(and in its QR code) is what lets anyone see its verification page and download it.

Entry points: `get_issued_document(code=...)` (NotFound when unknown),
`find_issued_document_by_sha256(sha256=...)`.
"""

from __future__ import annotations

from motcua.core.errors import NotFound

from .codes import normalise_code
from .models import IssuedDocument


def get_issued_document(*, code: str) -> IssuedDocument:
    """The document with this code (typed forms accepted); NotFound otherwise."""
    canonical = normalise_code(code)
    if canonical is None:
        raise NotFound()
    try:
        return IssuedDocument.objects.select_related("agency").get(code=canonical)
    except IssuedDocument.DoesNotExist:
        raise NotFound() from None


def find_issued_document_by_sha256(*, sha256: str) -> IssuedDocument | None:
    """The document issued with exactly these bytes, if any."""
    return IssuedDocument.objects.select_related("agency").filter(sha256=sha256).order_by("pk").first()
