"""Back-office use cases (writes): reception at the one-stop desk, then instruction.

Entry points:
- `receive_dossier(actor=, dossier=, note="")`: submitted → received; starts the legal clock of
  procedures that are not fully online; the receipt (form 01) and the applicant's e-mail follow.
- `reject_intake(actor=, dossier=, reasons=)`: submitted → rejected_at_intake; the refusal
  (form 03) is issued, signed, and e-mailed after commit.
- `start_instruction(actor=, dossier=)`: received → in_instruction.
- `issue_intake_refusal(dossier=)`: renders and signs form 03 (no actor: called by the task).

Invariants: each use case locks the dossier row, checks permission (out of scope: NotFound,
instruction/permissions.py), validates, then changes the state through
`dossiers.services.transition_dossier` (the only code that assigns `Dossier.state`) in one
transaction. PDFs and e-mails are queued after commit (instruction/tasks.py).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.documents import services as document_services
from motcua.documents.constants import DocumentKind
from motcua.documents.receipts import vietnamese_date
from motcua.documents.signers.registry import default_signer_profile
from motcua.dossiers import deadlines, states
from motcua.dossiers import receipts as dossier_receipts
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import ActorRole, DossierState
from motcua.dossiers.errors import InputInvalid, InvalidTransition
from motcua.dossiers.events import append_event
from motcua.dossiers.models import Dossier
from motcua.procedures.constants import ServiceLevel

from . import permissions, selectors

logger = logging.getLogger(__name__)

RECEPTION_NOTE_MAX_LENGTH = 2000
INTAKE_REFUSAL_REASONS_MAX_LENGTH = 5000
INTAKE_REFUSAL_TEMPLATE = "documents/pdf/intake_refusal.html"
INTAKE_REFUSAL_TITLE = "Phiếu từ chối tiếp nhận giải quyết hồ sơ"


def _check_text(name: str, value: str, *, max_length: int, required_message=None) -> None:
    if required_message is not None and not value:
        raise InputInvalid(fields={name: [str(required_message)]})
    if len(value) > max_length:
        raise InputInvalid(fields={name: [str(_("Write at most %(max)s characters.") % {"max": max_length})]})


def _check_allowed(name: str, dossier: Dossier, role: str) -> None:
    if not states.allowed(name, state=dossier.state, role=role):
        raise InvalidTransition()


# --- Reception (tiếp nhận) -------------------------------------------------------------------


def receive_dossier(*, actor, dossier: Dossier, note: str = "") -> Dossier:
    """Receive a submitted dossier at the one-stop desk (states.py "receive").

    Procedures that are not fully online start their legal clock now (one-stop rules, Decree
    61/2018/NĐ-CP then 118/2025/NĐ-CP: the receipt issued at reception gives the return date),
    so `due_at` is computed from the reception instant on the working-day calendar; fully
    online procedures keep the date set at submission. After commit: the receipt (form 01) is
    issued if it was not yet, and the applicant is told by e-mail.

    Permission: a receiving officer of the dossier's agency, or a superuser (others: NotFound).
    Raises InvalidTransition (not submitted), InputInvalid (field "note": too long)."""
    note = (note or "").strip()
    with transaction.atomic():
        dossier = dossier_services.lock_dossier(dossier)
        permissions.check_can_receive(actor, dossier)
        _check_allowed("receive", dossier, ActorRole.RECEPTION)
        _check_text("note", note, max_length=RECEPTION_NOTE_MAX_LENGTH)
        now = timezone.now()
        changes = {"received_at": now}
        if dossier.procedure.level != ServiceLevel.FULL_ONLINE or dossier.due_at is None:
            # Pauses before reception (a supplement asked at intake) end before the clock starts
            # and change nothing; they are passed for completeness.
            pauses = [(p.started_at, p.ended_at or now) for p in dossier.clock_pauses.all()]
            changes["due_at"] = deadlines.expected_return(procedure=dossier.procedure, start=now, pauses=pauses)
        due_at = changes.get("due_at", dossier.due_at)
        dossier_services.transition_dossier(dossier=dossier, name="receive", actor=actor, role=ActorRole.RECEPTION,
                                            changes=changes, at=now,
                                            payload={"note": note, "due_at": due_at.isoformat() if due_at else None})
        dossier_id = dossier.pk
        transaction.on_commit(lambda: _enqueue_after_reception(dossier_id))
    logger.info("dossier.received dossier=%s actor=%s", dossier.pk, getattr(actor, "pk", None))
    return dossier


def _enqueue_after_reception(dossier_id: int) -> None:
    from motcua.dossiers import tasks as dossier_tasks

    from . import tasks

    tasks.issue_reception_receipt.enqueue(dossier_id)
    dossier_tasks.notify_applicant.enqueue(dossier_id, "received")


def reject_intake(*, actor, dossier: Dossier, reasons: str) -> Dossier:
    """Refuse to receive a submitted dossier, with the reasons (states.py "reject_intake"):
    the dossier is closed. After commit, the refusal (form 03, "Phiếu từ chối tiếp nhận giải
    quyết hồ sơ") is issued as a signed PDF and e-mailed to the applicant.

    Permission: a receiving officer of the dossier's agency, or a superuser (others: NotFound).
    Raises InvalidTransition (not submitted), InputInvalid (field "reasons": missing or longer
    than INTAKE_REFUSAL_REASONS_MAX_LENGTH); nothing is changed then."""
    reasons = (reasons or "").strip()
    with transaction.atomic():
        dossier = dossier_services.lock_dossier(dossier)
        permissions.check_can_receive(actor, dossier)
        _check_allowed("reject_intake", dossier, ActorRole.RECEPTION)
        _check_text("reasons", reasons, max_length=INTAKE_REFUSAL_REASONS_MAX_LENGTH,
                    required_message=_("Say why the dossier cannot be received."))
        now = timezone.now()
        dossier_services.transition_dossier(dossier=dossier, name="reject_intake", actor=actor, role=ActorRole.RECEPTION,
                                            changes={"closed_at": now}, at=now, payload={"reasons": reasons})
        dossier_id = dossier.pk
        transaction.on_commit(lambda: _enqueue_intake_refusal(dossier_id))
    logger.info("dossier.rejected_at_intake dossier=%s actor=%s", dossier.pk, getattr(actor, "pk", None))
    return dossier


def _enqueue_intake_refusal(dossier_id: int) -> None:
    from . import tasks

    tasks.issue_intake_refusal.enqueue(dossier_id)


def start_instruction(*, actor, dossier: Dossier) -> Dossier:
    """Start processing a received dossier (states.py "start_instruction").

    Permission: an instructor or a receiving officer of the dossier's agency, or a superuser
    (others: NotFound); the event records the role taken (instructor when the actor is one).
    Raises InvalidTransition (not received)."""
    with transaction.atomic():
        dossier = dossier_services.lock_dossier(dossier)
        permissions.check_can_instruct(actor, dossier)
        role = permissions.instruction_role(actor, dossier)
        _check_allowed("start_instruction", dossier, role)
        dossier_services.transition_dossier(dossier=dossier, name="start_instruction", actor=actor, role=role)
    return dossier


# --- Form 03: refusal to receive the dossier --------------------------------------------------


def _intake_refusal_context(dossier: Dossier, event) -> dict:
    """What form 03 prints: the letterhead and the applicant as on the receipt (form 01), the
    date, the reasons and the officer of the refusal event. Vietnamese, as the form is."""
    receipt = dossier_receipts.receipt_context(dossier)
    refused_at = event.created_at if event is not None else dossier.closed_at or timezone.now()
    officer = event.actor if event is not None else None
    return {
        "dossier_code": dossier.code,
        "governing_body": receipt.governing_body,
        "agency_name": receipt.agency_name,
        "desk_name": receipt.desk_name,
        "place_name": receipt.place_name,
        "issued_on_text": vietnamese_date(refused_at),
        "applicant_name": receipt.applicant_name,
        "applicant_address": receipt.applicant_address,
        "applicant_phone": receipt.applicant_phone,
        "applicant_email": receipt.applicant_email,
        "procedure_name": receipt.procedure_name,
        "submitted_on_text": vietnamese_date(dossier.submitted_at) if dossier.submitted_at else "",
        "reasons": event.payload.get("reasons", "") if event is not None else "",
        "refused_by": officer.get_full_name() if officer is not None else "",
        "tracking_url": receipt.tracking_url,
    }


def issue_intake_refusal(*, dossier: Dossier):
    """Issue (once) the signed refusal (form 03) of a dossier rejected at intake and record it
    in the dossier's events; returns the IssuedDocument (None when the dossier was not rejected
    at intake). No permission check: the task calls it after `reject_intake` committed.
    Raises documents' SignerNotConfigured / SigningFailed (nothing is stored then)."""
    if dossier.state != DossierState.REJECTED_AT_INTAKE or not dossier.code:
        return None
    existing = selectors.get_intake_refusal(dossier)
    if existing is not None:
        return existing
    event = dossier.events.select_related("actor").filter(type="dossier.rejected_at_intake").order_by("-seq").first()
    context = _intake_refusal_context(dossier, event)
    document = document_services.issue_document(
        kind=DocumentKind.INTAKE_REFUSAL, reference=dossier.code, title=INTAKE_REFUSAL_TITLE,
        template_name=INTAKE_REFUSAL_TEMPLATE, context=context, agency=dossier.agency,
        signer_profile=default_signer_profile(location=context["place_name"]),
    )
    with transaction.atomic():
        locked = dossier_services.lock_dossier(dossier)
        append_event(locked, type="intake_refusal.issued", actor=None, actor_role=ActorRole.SYSTEM,
                     payload={"document": document.code, "sha256": document.sha256})
    return document
