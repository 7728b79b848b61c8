"""One-stop letters to the applicant (forms 03, 04, 05): what they share, and how they are issued.

Entry points:
- `letter_context(dossier, *, at, officer)`: the values every letter prints (letterhead, applicant,
  procedure, dates written out in Vietnamese, the officer's name, where to follow the dossier),
  taken from the receipt (form 01) so that all the forms of a dossier agree.
- `issue_letter(dossier=, kind=, title=, template_name=, context=, event_type=, payload=)`: render,
  sign and store the letter (documents.services.issue_document), then record `event_type` on the
  dossier with the document's code and hash.

Invariants: letters are Vietnamese legal documents, printed in Vietnamese whatever the language of
the interface (documents.pdf.render_pdf). Issuing is slow and may fail on the signing key: callers
run it after their own transaction committed (a task), never inside it; nothing is recorded when
it fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from motcua.documents import services as document_services
from motcua.documents.receipts import vietnamese_date, vietnamese_datetime
from motcua.documents.signers.registry import default_signer_profile
from motcua.dossiers import receipts as dossier_receipts
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import ActorRole
from motcua.dossiers.events import append_event
from motcua.dossiers.models import Dossier


def letter_context(dossier: Dossier, *, at, officer) -> dict[str, Any]:
    """What every one-stop letter prints, for a letter dated `at` and signed by `officer` (a
    user, or None when unknown). Vietnamese, as the forms are."""
    receipt = dossier_receipts.receipt_context(dossier)
    return {
        "dossier_code": dossier.code,
        "governing_body": receipt.governing_body,
        "agency_name": receipt.agency_name,
        "agency_title": dossier.agency.name_vi,
        "desk_name": receipt.desk_name,
        "place_name": receipt.place_name,
        "issued_on_text": vietnamese_date(at),
        "applicant_name": receipt.applicant_name,
        "applicant_address": receipt.applicant_address,
        "applicant_phone": receipt.applicant_phone,
        "applicant_email": receipt.applicant_email,
        "procedure_name": receipt.procedure_name,
        "submitted_on_text": vietnamese_date(dossier.submitted_at) if dossier.submitted_at else "",
        "received_at_text": vietnamese_datetime(dossier.received_at) if dossier.received_at else "",
        "officer_name": (officer.get_full_name() if officer is not None else ""),
        "tracking_url": receipt.tracking_url,
    }


def issue_letter(
    *,
    dossier: Dossier,
    kind: str,
    title: str,
    template_name: str,
    context: Mapping[str, Any],
    event_type: str,
    payload: Mapping[str, Any] | None = None,
):
    """Render `template_name` with `context`, sign and store it as an IssuedDocument of `kind`
    (reference: the dossier code), then append `event_type` to the dossier's events with the
    document's code and hash plus `payload`. Returns the IssuedDocument.
    Raises documents' SignerNotConfigured / SigningFailed (nothing is stored then)."""
    document = document_services.issue_document(
        kind=kind, reference=dossier.code, title=title, template_name=template_name, context=context,
        agency=dossier.agency, signer_profile=default_signer_profile(location=context.get("place_name", "")),
    )
    with transaction.atomic():
        locked = dossier_services.lock_dossier(dossier)
        append_event(locked, type=event_type, actor=None, actor_role=ActorRole.SYSTEM,
                     payload={**(payload or {}), "document": document.code, "sha256": document.sha256})
    return document
