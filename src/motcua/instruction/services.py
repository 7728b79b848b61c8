"""Back-office use cases (writes): reception at the one-stop desk, then instruction.

Entry points:
- `receive_dossier(actor=, dossier=, note="")`: submitted → received; starts the legal clock of
  procedures that are not fully online; the receipt (form 01) and the applicant's e-mail follow.
- `reject_intake(actor=, dossier=, reasons=)`: submitted → rejected_at_intake; the refusal
  (form 03) is issued, signed, and e-mailed after commit.
- `start_instruction(actor=, dossier=)`: received → in_instruction.
- `issue_intake_refusal(dossier=)`: renders and signs form 03 (no actor: called by the task).
- `decide_dossier(actor=, dossier=, decision=, motivation=)`: in_instruction → decided; the
  signed result document follows after commit (`issue_result`, task `issue_result`).
- `preview_result_pdf(actor=, dossier=, decision=, motivation=)`: the unsigned result, before deciding.
- `deliver_result(actor=, dossier=, channel=)`: decided → delivered (the survey opens).
- `retry_result_signing(actor=, dossier=)`: queue the signing again after a "result.signing_failed".

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
from motcua.dossiers.constants import ActorRole, Decision, DossierState
from motcua.dossiers.errors import InputInvalid, InvalidTransition
from motcua.dossiers.events import append_event
from motcua.dossiers.models import Dossier
from motcua.procedures.constants import ServiceLevel

from . import annotations, letters, permissions, result_text, routing, selectors
from .constants import DeliveryChannel

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
    online procedures keep the date set at submission. The dossier goes to its instructor group
    (routing.route_dossier). After commit: the receipt (form 01) is
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
        # The desk hands the dossier to the instructor group its answers route it to (form 06).
        routing.route_dossier(dossier=dossier, actor=actor, role=ActorRole.RECEPTION)
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
    """What form 03 prints: what every letter prints (letters.letter_context), the reasons and
    the officer of the refusal event."""
    refused_at = event.created_at if event is not None else dossier.closed_at or timezone.now()
    officer = event.actor if event is not None else None
    context = letters.letter_context(dossier, at=refused_at, officer=officer)
    return {**context, "reasons": event.payload.get("reasons", "") if event is not None else "",
            "refused_by": context["officer_name"]}


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
    return letters.issue_letter(
        dossier=dossier, kind=DocumentKind.INTAKE_REFUSAL, title=INTAKE_REFUSAL_TITLE,
        template_name=INTAKE_REFUSAL_TEMPLATE, context=_intake_refusal_context(dossier, event),
        event_type="intake_refusal.issued",
    )


# --- Decision and result document ---------------------------------------------------------------

RESULT_MOTIVATION_MAX_LENGTH = 5000
RESULT_TEMPLATE = "documents/pdf/result.html"
# The document titles (Vietnamese legal documents: not translated).
RESULT_TITLES = {
    Decision.ACCEPTED: "Kết quả giải quyết thủ tục hành chính",
    Decision.REFUSED: "Thông báo từ chối giải quyết hồ sơ",
    Decision.WITHOUT_FOLLOW_UP: "Thông báo dừng giải quyết hồ sơ",
}
DECISION_TEXT_VI = {
    Decision.ACCEPTED: "Chấp thuận",
    Decision.REFUSED: "Từ chối giải quyết",
    Decision.WITHOUT_FOLLOW_UP: "Dừng giải quyết, không tiếp tục xử lý",
}


def _check_decision(decision: str, motivation: str) -> None:
    """InputInvalid (fields "decision", "motivation") unless `decision` is a Decision and the
    motivation is given when the request is not granted (and not too long)."""
    if decision not in Decision.values:
        raise InputInvalid(fields={"decision": [str(_("Choose a decision."))]})
    required = None if decision == Decision.ACCEPTED else _("Explain the decision to the applicant.")
    _check_text("motivation", motivation, max_length=RESULT_MOTIVATION_MAX_LENGTH, required_message=required)


def decide_dossier(*, actor, dossier: Dossier, decision: str, motivation: str = "") -> Dossier:
    """Decide on a dossier in instruction (states.py "decide"): accepted, refused or closed
    without follow-up, with the motivation the result document prints. After commit, the result
    document is rendered, signed and stored (task `issue_result`), then the applicant is told.

    Permission: an instructor of the dossier's agency, or a superuser (others, receiving
    officers included: NotFound). Raises InvalidTransition (not in instruction), InputInvalid
    (fields "decision"; "motivation": missing for a refusal or a closure, or longer than
    RESULT_MOTIVATION_MAX_LENGTH; a required internal annotation still empty, by its stable
    id: annotations.check_required_annotations); nothing is changed then."""
    motivation = (motivation or "").strip()
    with transaction.atomic():
        dossier = dossier_services.lock_dossier(dossier)
        permissions.check_can_decide(actor, dossier)
        _check_allowed("decide", dossier, ActorRole.INSTRUCTOR)
        _check_decision(decision, motivation)
        annotations.check_required_annotations(dossier)
        now = timezone.now()
        dossier_services.transition_dossier(dossier=dossier, name="decide", actor=actor, role=ActorRole.INSTRUCTOR,
                                            changes={"decision": decision, "decided_at": now}, at=now,
                                            payload={"decision": decision, "motivation": motivation})
        dossier_id = dossier.pk
        transaction.on_commit(lambda: _enqueue_result(dossier_id))
    logger.info("dossier.decided dossier=%s decision=%s actor=%s", dossier.pk, decision, getattr(actor, "pk", None))
    return dossier


def _enqueue_result(dossier_id: int) -> None:
    from . import tasks

    tasks.issue_result.enqueue(dossier_id)


def _result_context(dossier: Dossier, *, decision: str, motivation: str, decided_at, officer) -> dict:
    """What the result document prints: the letterhead, the procedure's result, the applicant,
    the main answers, the decision with its motivation, and the signing officer; or, when the
    procedure has a result template for the decision, its title and text (result_text.py)."""
    from django.utils import translation

    from motcua.procedures import rendering, runtime

    receipt = dossier_receipts.receipt_context(dossier)
    with translation.override("vi"):
        compiled = runtime.compile_revision(dossier.revision)
        hidden = compiled.program.evaluate(dossier.values, today=timezone.localdate(decided_at)).hidden
        sections = [section for section in rendering.summary_sections(compiled, dossier.values, hidden=hidden)
                    if section["rows"]]
    procedure = dossier.procedure
    context = {
        "dossier_code": dossier.code,
        "governing_body": receipt.governing_body,
        "agency_name": receipt.agency_name,
        "place_name": receipt.place_name,
        "issued_on_text": vietnamese_date(decided_at),
        "title": RESULT_TITLES[decision],
        "accepted": decision == Decision.ACCEPTED,
        "decision_text": DECISION_TEXT_VI[decision],
        "motivation": motivation,
        "result_name": procedure.result_vi or procedure.name_vi,
        "procedure_name": procedure.name_vi,
        "applicant_name": receipt.applicant_name,
        "applicant_address": receipt.applicant_address,
        "submitted_on_text": vietnamese_date(dossier.submitted_at) if dossier.submitted_at else "",
        "sections": sections,
        "signed_by": officer.get_full_name() if officer is not None else "",
        "tracking_url": receipt.tracking_url,
    }
    # The procedure's own wording for this decision, when its administrators wrote one.
    return result_text.apply_result_template(context, dossier=dossier, compiled=compiled, hidden=hidden,
                                             decision=decision, motivation=motivation, decided_at=decided_at)


def preview_result_pdf(*, actor, dossier: Dossier, decision: str, motivation: str = "") -> bytes:
    """The result document as it would be issued if `actor` decided now, unsigned (marked as a
    preview), for the check before signing. Nothing is changed.

    Permission and errors as `decide_dossier` (NotFound, InvalidTransition, InputInvalid)."""
    motivation = (motivation or "").strip()
    permissions.check_can_decide(actor, dossier)
    _check_allowed("decide", dossier, ActorRole.INSTRUCTOR)
    _check_decision(decision, motivation)
    context = _result_context(dossier, decision=decision, motivation=motivation, decided_at=timezone.now(), officer=actor)
    return document_services.preview_document(template_name=RESULT_TEMPLATE, context=context)


def issue_result(*, dossier: Dossier):
    """Issue (once) the signed result document of a decided dossier and record it in the
    dossier's events; returns the IssuedDocument (None when the dossier is not decided). No
    permission check: the task calls it after `decide_dossier` committed.
    Raises documents' SignerNotConfigured / SigningFailed (nothing is stored then)."""
    if dossier.state not in (DossierState.DECIDED, DossierState.DELIVERED) or not dossier.code or not dossier.decision:
        return None
    existing = selectors.get_result(dossier)
    if existing is not None:
        return existing
    event = dossier.events.select_related("actor").filter(type="dossier.decided").order_by("-seq").first()
    payload = event.payload if event is not None else {}
    context = _result_context(dossier, decision=dossier.decision, motivation=payload.get("motivation", ""),
                              decided_at=dossier.decided_at or timezone.now(),
                              officer=event.actor if event is not None else None)
    document = document_services.issue_document(
        kind=DocumentKind.RESULT, reference=dossier.code, title=context["title"],
        template_name=RESULT_TEMPLATE, context=context, agency=dossier.agency,
        signer_profile=default_signer_profile(location=context["place_name"]),
    )
    with transaction.atomic():
        locked = dossier_services.lock_dossier(dossier)
        append_event(locked, type="result.issued", actor=None, actor_role=ActorRole.SYSTEM,
                     payload={"document": document.code, "sha256": document.sha256})
    return document


def record_result_signing_failure(*, dossier: Dossier, error) -> None:
    """Record on the dossier that its result document could not be signed (`error`: a
    documents SignerNotConfigured / SigningFailed), so the staff page shows it. The decision
    stands; `retry_result_signing` tries again once the key is fixed."""
    with transaction.atomic():
        locked = dossier_services.lock_dossier(dossier)
        append_event(locked, type="result.signing_failed", actor=None, actor_role=ActorRole.SYSTEM,
                     payload={"error": getattr(error, "code", "signing_failed"), "reason": str(getattr(error, "message", error)),
                              # What the staff page needs to say it again in the reader's language.
                              "params": dict(getattr(error, "params", {}))})


def retry_result_signing(*, actor, dossier: Dossier) -> Dossier:
    """Queue the signing of the result document again (after a "result.signing_failed").

    Permission: as `decide_dossier`. Raises InvalidTransition when the dossier is not decided
    or its result is already issued."""
    permissions.check_can_decide(actor, dossier)
    if dossier.state not in (DossierState.DECIDED, DossierState.DELIVERED) or selectors.get_result(dossier) is not None:
        raise InvalidTransition()
    dossier_id = dossier.pk
    transaction.on_commit(lambda: _enqueue_result(dossier_id))
    return dossier


# --- Delivery of the result ---------------------------------------------------------------------


def deliver_result(*, actor, dossier: Dossier, channel: str) -> Dossier:
    """Hand the result to the applicant (states.py "deliver_result"): decided → delivered, and
    the dossier is closed; the applicant can then rate the service. `channel` is a
    DeliveryChannel; electronic delivery needs the signed result document to be issued.

    Permission: a receiving officer or an instructor of the dossier's agency, or a superuser
    (others: NotFound); the event records the one-stop desk role. Raises InvalidTransition (not
    decided), InputInvalid (field "channel": unknown, or electronic without a signed result)."""
    with transaction.atomic():
        dossier = dossier_services.lock_dossier(dossier)
        permissions.check_can_instruct(actor, dossier)
        _check_allowed("deliver_result", dossier, ActorRole.RECEPTION)
        if channel not in DeliveryChannel.values:
            raise InputInvalid(fields={"channel": [str(_("Choose how the result is handed over."))]})
        result = selectors.get_result(dossier)
        if channel == DeliveryChannel.ELECTRONIC and result is None:
            raise InputInvalid(fields={"channel": [str(_(
                "The signed result is not issued yet: it cannot be downloaded. Try again in a moment, or hand it over another way."))]})
        now = timezone.now()
        dossier_services.transition_dossier(dossier=dossier, name="deliver_result", actor=actor, role=ActorRole.RECEPTION,
                                            changes={"delivered_at": now, "closed_at": now}, at=now,
                                            payload={"channel": channel, "document": result.code if result else None})
    logger.info("result.delivered dossier=%s channel=%s actor=%s", dossier.pk, channel, getattr(actor, "pk", None))
    return dossier


# --- Archive ------------------------------------------------------------------------------------

CLOSED_STATES = selectors.CLOSED_STATES


def archive_dossier(*, actor, dossier: Dossier) -> Dossier:
    """File a closed dossier away: it leaves the "decided and closed" tab for the archive tab.
    Its state does not change (the national status stays). Permission: who may instruct it
    (NotFound otherwise). Raises InvalidTransition when the dossier is not closed. Archiving
    an archived dossier changes nothing."""
    with transaction.atomic():
        dossier = dossier_services.lock_dossier(dossier)
        permissions.check_can_instruct(actor, dossier)
        if dossier.state not in CLOSED_STATES:
            raise InvalidTransition(message=_("Only a closed dossier (result delivered, refused, withdrawn or stopped) can be archived."))
        if dossier.archived_at is not None:
            return dossier
        dossier.archived_at = timezone.now()
        dossier.save(update_fields=["archived_at", "updated_at"])
        append_event(dossier, type="dossier.archived", actor=actor, actor_role=permissions.instruction_role(actor, dossier))
    return dossier


def check_decision(decision: str, motivation: str) -> None:
    """InputInvalid unless `decision` and `motivation` are acceptable (bulk decisions check
    them before queueing)."""
    _check_decision(decision, motivation)
