"""Issuing signed documents.

Entry points: `issue_document(...)` renders a template to PDF, signs it, stores the signed bytes
and records an `IssuedDocument`; `issue_receipt(...)` does it for form 01.

Invariants: an IssuedDocument's file is exactly the signed bytes whose SHA-256 is recorded, and
it passed our own verification (SIGNING_TRUST_ROOTS) when it was issued. Rendering and signing
are slow and may fail on configuration: callers run these services after their own transaction
has committed, typically in a task (STYLE.md §1 rule 2), never inside it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .codes import new_code
from .constants import DocumentKind
from .errors import SigningFailed
from .models import IssuedDocument
from .pdf import qr_png_data_uri, render_pdf
from .receipts import RECEIPT_TEMPLATE, RECEIPT_TITLE, ReceiptContext
from .signers.base import SignerProfile
from .signers.registry import default_signer_profile, signature_providers

logger = logging.getLogger(__name__)


def verification_url(code: str) -> str:
    """The public address that checks the document with this code (printed and in the QR code)."""
    return f"{settings.SITE_URL}{reverse('documents:document-detail', kwargs={'code': code})}"


def _unused_code() -> str:
    while True:
        code = new_code()
        if not IssuedDocument.objects.filter(code=code).exists():
            return code


def issue_document(
    *,
    kind: DocumentKind | str,
    reference: str,
    title: str,
    template_name: str,
    context: Mapping[str, Any],
    agency=None,
    signer_profile: SignerProfile | None = None,
) -> IssuedDocument:
    """Render `template_name` with `context` (plus verification_url, verification_code and
    verification_qr), sign the PDF, store it and record it.

    No permission check: other services call it for documents they have decided to issue.
    Raises SignerNotConfigured (key material missing or unreadable) or SigningFailed (the signed
    PDF does not verify against SIGNING_TRUST_ROOTS); nothing is stored then."""
    code = _unused_code()
    url = verification_url(code)
    pdf = render_pdf(template_name, {**context, "verification_url": url, "verification_code": code, "verification_qr": qr_png_data_uri(url)})

    profile = signer_profile or default_signer_profile()
    provider = signature_providers[profile.provider]
    signed = provider.sign_pdf(pdf, signer=profile)
    verification = provider.verify(signed)
    if not verification.is_valid:
        raise SigningFailed(detail=f"{profile.provider}: our own signature is {verification.status}: {verification.detail}")

    document = IssuedDocument(
        code=code,
        kind=kind,
        reference=reference,
        title=title,
        agency=agency,
        size=len(signed),
        sha256=hashlib.sha256(signed).hexdigest(),
        signature_provider=profile.provider,
        signer_name=verification.signer_common_name[:255],
        signer_subject=verification.signer_subject[:500],
        signed_at=verification.signed_at or timezone.now(),
    )
    document.file.save(_file_name(document), ContentFile(signed), save=False)
    try:
        document.full_clean()
        with transaction.atomic():
            document.save()
    except Exception:
        document.file.delete(save=False)  # no orphan file for a row that was not written
        raise
    logger.info("documents.issued code=%s kind=%s provider=%s", document.code, document.kind, document.signature_provider)
    return document


def _file_name(document: IssuedDocument) -> str:
    # The upload_to callable places it (documents/yyyy/mm/<code>.pdf); the name is a hint only.
    return f"{document.code}.pdf"


def issue_receipt(*, receipt: ReceiptContext, agency=None, signer_profile: SignerProfile | None = None) -> IssuedDocument:
    """Issue form 01 (giấy tiếp nhận hồ sơ và hẹn trả kết quả) for a received dossier."""
    return issue_document(
        kind=DocumentKind.RECEIPT,
        reference=receipt.dossier_code,
        title=RECEIPT_TITLE,
        template_name=RECEIPT_TEMPLATE,
        context=receipt.as_context(),
        agency=agency,
        signer_profile=signer_profile or default_signer_profile(location=receipt.place_name),
    )



def preview_document(*, template_name: str, context: Mapping[str, Any]) -> bytes:
    """The unsigned PDF of `template_name` rendered with `context` and `is_preview` set, for a
    check before signing: no code, no QR, nothing stored. Same template as `issue_document`."""
    return render_pdf(template_name, {**context, "is_preview": True, "verification_url": "", "verification_code": "",
                                      "verification_qr": ""})
