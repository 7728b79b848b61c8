"""Delays and stops (issue 6, items 5 and 6): the apology letter with a new return date (form 04)
and the notice that processing has stopped (form 05).

Entry points:
- `issue_apology(actor=, dossier=, reason=, new_due_on=)`: when a dossier is or will be late, the
  instructor apologises with the reason and a new return date; `Dossier.due_at` moves to the end
  of that working day ("dossier.apologised"). After commit the signed letter (form 04) is issued
  and e-mailed to the applicant (tasks `issue_apology_letter`, `email_apology`).
- `issue_apology_letter(dossier=, seq=)`: renders and signs form 04 for the apology event `seq`
  (no actor: called by the task), once ("apology.issued").
- `stop_dossier(actor=, dossier=, reason=)`: the agency stops processing (states.py "stop");
  the dossier is closed and its clock stops. After commit the signed notice (form 05) is issued
  and e-mailed (tasks `issue_stop_notice`, `email_stop_notice`).
- `issue_stop_notice(dossier=)`: renders and signs form 05 (no actor: called by the task), once.
- `can_apologise(dossier)`: whether the dossier's state allows an apology (for the staff page).
The reads (the apologies of a dossier, its stop notice) are in instruction.selectors; whether a
finished dossier was early, on time or late is dossiers.deadlines.classify_completion.

Rules (research note vietnam.md §3.1 and §3.4: one-stop practice under Decree 61/2018/NĐ-CP, as
amended by Decree 107/2021/NĐ-CP, then Decree 118/2025/NĐ-CP; forms of Circular 01/2018/TT-VPCP,
then Circular 03/2025/TT-VPCP, Appendix I): when the return date cannot be met, the agency sends
the applicant a letter of apology giving the reason and a new return date; an agency that stops
processing a dossier tells the applicant why with the stop notice.

Invariants: an apology only moves the return date later, to a working day after today; it is
recorded as an extension in working days, which `dossiers.services.answer_supplement` keeps when it
computes the date again after a pause. The state changes only through
`dossiers.services.transition_dossier`. Letters are issued after commit, never in the transaction.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.calendar_store import current_calendar
from motcua.documents.constants import DocumentKind
from motcua.documents.receipts import vietnamese_datetime
from motcua.dossiers import services as dossier_services
from motcua.dossiers import states
from motcua.dossiers.constants import ActorRole, DossierState
from motcua.dossiers.errors import InputInvalid, InvalidTransition
from motcua.dossiers.events import next_event, save_with_event
from motcua.dossiers.models import Dossier

from . import letters, permissions, selectors

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 5000
# While the dossier is in the agency's hands after reception (the clock started at reception
# for procedures that are not fully online; before it, the return date is not given yet).
APOLOGY_STATES = frozenset({DossierState.RECEIVED, DossierState.IN_INSTRUCTION, DossierState.AWAITING_SUPPLEMENT,
                            DossierState.AWAITING_PAYMENT})

APOLOGISED = "dossier.apologised"
APOLOGY_ISSUED = "apology.issued"
STOP_NOTICE_ISSUED = "stop_notice.issued"

APOLOGY_TEMPLATE = "documents/pdf/apology.html"
STOP_NOTICE_TEMPLATE = "documents/pdf/stop_notice.html"
# Document titles: Vietnamese legal documents, not translated. Form 04 keeps its Circular 01/2018
# name; Circular 03/2025 calls it "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"
# (vietnam.md §3.4, from a secondary source).
APOLOGY_TITLE = "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
STOP_NOTICE_TITLE = "Thông báo dừng giải quyết hồ sơ"


def _check_reason(reason: str, required_message) -> None:
    if not reason:
        raise InputInvalid(fields={"reason": [str(required_message)]})
    if len(reason) > REASON_MAX_LENGTH:
        raise InputInvalid(fields={"reason": [str(_("Write at most %(max)s characters.") % {"max": REASON_MAX_LENGTH})]})


def can_apologise(dossier: Dossier) -> bool:
    """Whether the dossier is open in the agency's hands with a return date (no permission check)."""
    return dossier.state in APOLOGY_STATES and dossier.received_at is not None and dossier.due_at is not None


# --- Form 04: apology and new return date ------------------------------------------------------


def _check_new_due_on(new_due_on: date | None, *, current_due_on: date, today: date, calendar) -> None:
    if new_due_on is None:
        message = _("Choose the new return date.")
    elif new_due_on <= today:
        message = _("The new return date must be after today.")
    elif new_due_on <= current_due_on:
        message = _("The new return date must be after the current one, %(date)s.") % {
            "date": formats.date_format(current_due_on, "SHORT_DATE_FORMAT")}
    elif not calendar.is_working_day(new_due_on):
        message = _("This day is not a working day (weekend, public holiday or day off). Choose a working day.")
    else:
        return
    raise InputInvalid(fields={"new_due_on": [str(message)]})


def issue_apology(*, actor, dossier: Dossier, reason: str, new_due_on: date | None) -> Dossier:
    """Apologise to the applicant for a dossier that is or will be late, with the reason and a
    new return date: `due_at` moves to the closing time of `new_due_on` and "dossier.apologised"
    records the old and new dates, the reason and the extension in working days. After commit,
    the signed letter (form 04) is issued and e-mailed to the applicant.

    Permission: an instructor or a receiving officer of the dossier's agency, or a superuser
    (others: NotFound). Raises InvalidTransition (not open in the agency's hands: see
    APOLOGY_STATES), InputInvalid (fields "reason": missing or longer than REASON_MAX_LENGTH;
    "new_due_on": missing, not after today and after the current return date, or not a working
    day); nothing is changed then."""
    reason = (reason or "").strip()
    with transaction.atomic():
        dossier = dossier_services.lock_dossier(dossier)
        permissions.check_can_instruct(actor, dossier)
        if not can_apologise(dossier):
            raise InvalidTransition()
        _check_reason(reason, _("Say why the dossier is late."))
        calendar = current_calendar()
        now = timezone.now()
        previous_due_at = dossier.due_at
        current_due_on = timezone.localdate(previous_due_at)
        _check_new_due_on(new_due_on, current_due_on=current_due_on, today=timezone.localdate(now), calendar=calendar)
        # Recorded as working days added to the legal deadline, so that a due date computed
        # again after a pause keeps them (dossiers.deadlines.expected_return).
        extension = calendar.working_days_between(current_due_on, new_due_on)
        dossier.due_at = calendar.closing_time(new_due_on)
        event = next_event(dossier, type=APOLOGISED, actor=actor, actor_role=permissions.instruction_role(actor, dossier),
                           at=now, payload={
                               "reason": reason, "previous_due_at": previous_due_at.isoformat(),
                               "due_at": dossier.due_at.isoformat(), "due_on": new_due_on.isoformat(),
                               "extension_working_days": extension})
        save_with_event(dossier, update_fields=["due_at", "updated_at", "last_event_seq", "last_event_hash"], event=event)
        dossier_id, seq = dossier.pk, event.seq
        transaction.on_commit(lambda: _enqueue_apology_letter(dossier_id, seq))
    logger.info("dossier.apologised dossier=%s extension=%s actor=%s", dossier.pk, extension, getattr(actor, "pk", None))
    return dossier


def _enqueue_apology_letter(dossier_id: int, seq: int) -> None:
    from . import tasks

    tasks.issue_apology_letter.enqueue(dossier_id, seq)


def _apology_context(dossier: Dossier, event) -> dict:
    """What form 04 prints: what every letter prints, the dates of reception, of the first
    appointment and of the new one, the reason and the officer who apologised."""
    payload = event.payload or {}
    previous = datetime.fromisoformat(payload["previous_due_at"])
    new = datetime.fromisoformat(payload["due_at"])
    return {
        **letters.letter_context(dossier, at=event.created_at, officer=event.actor),
        "previous_due_text": vietnamese_datetime(previous),
        "new_due_text": vietnamese_datetime(new),
        "reason": payload.get("reason", ""),
    }


def issue_apology_letter(*, dossier: Dossier, seq: int):
    """Issue (once) the signed letter (form 04) of the apology event `seq` of the dossier and
    record it ("apology.issued"); returns the IssuedDocument (None when there is no such
    apology). No permission check: the task calls it after `issue_apology` committed.
    Raises documents' SignerNotConfigured / SigningFailed (nothing is stored then)."""
    event = dossier.events.select_related("actor").filter(type=APOLOGISED, seq=seq).first()
    if event is None or not dossier.code:
        return None
    existing = selectors.get_apology_letter(dossier, seq=seq)
    if existing is not None:
        return existing
    return letters.issue_letter(
        dossier=dossier, kind=DocumentKind.APOLOGY, title=APOLOGY_TITLE, template_name=APOLOGY_TEMPLATE,
        context=_apology_context(dossier, event), event_type=APOLOGY_ISSUED, payload={"apology_seq": seq},
    )


# --- Form 05: processing stopped ----------------------------------------------------------------


def stop_dossier(*, actor, dossier: Dossier, reason: str) -> Dossier:
    """Stop processing the dossier (states.py "stop"), with the reason the notice prints: the
    dossier is closed (`closed_at`) and its clock stops (a pause still open ends; a stopped
    dossier is neither due soon nor overdue). After commit, the signed notice (form 05) is
    issued and e-mailed to the applicant.

    Permission: an instructor of the dossier's agency, or a superuser (others, receiving
    officers included: NotFound), as for a decision. Raises InvalidTransition (not received,
    in instruction or waiting for the applicant: e.g. already decided), InputInvalid (field
    "reason": missing or longer than REASON_MAX_LENGTH); nothing is changed then."""
    reason = (reason or "").strip()
    with transaction.atomic():
        dossier = dossier_services.lock_dossier(dossier)
        permissions.check_can_decide(actor, dossier)
        if not states.allowed("stop", state=dossier.state, role=ActorRole.INSTRUCTOR):
            raise InvalidTransition()
        _check_reason(reason, _("Say why processing stops."))
        now = timezone.now()
        dossier_services.transition_dossier(dossier=dossier, name="stop", actor=actor, role=ActorRole.INSTRUCTOR,
                                            changes={"closed_at": now}, at=now, payload={"reason": reason})
        dossier_id = dossier.pk
        transaction.on_commit(lambda: _enqueue_stop_notice(dossier_id))
    logger.info("dossier.stopped dossier=%s actor=%s", dossier.pk, getattr(actor, "pk", None))
    return dossier


def _enqueue_stop_notice(dossier_id: int) -> None:
    from . import tasks

    tasks.issue_stop_notice.enqueue(dossier_id)


def issue_stop_notice(*, dossier: Dossier):
    """Issue (once) the signed notice (form 05) of a stopped dossier and record it
    ("stop_notice.issued"); returns the IssuedDocument (None when the dossier is not stopped).
    No permission check: the task calls it after `stop_dossier` committed.
    Raises documents' SignerNotConfigured / SigningFailed (nothing is stored then)."""
    if dossier.state != DossierState.STOPPED or not dossier.code:
        return None
    existing = selectors.get_stop_notice(dossier)
    if existing is not None:
        return existing
    event = selectors.get_stop_event(dossier)
    context = letters.letter_context(dossier, at=event.created_at if event else dossier.closed_at or timezone.now(),
                                     officer=event.actor if event else None)
    context["reason"] = (event.payload or {}).get("reason", "") if event else ""
    return letters.issue_letter(
        dossier=dossier, kind=DocumentKind.STOP_NOTICE, title=STOP_NOTICE_TITLE, template_name=STOP_NOTICE_TEMPLATE,
        context=context, event_type=STOP_NOTICE_ISSUED,
    )
