"""Dossier events described for staff: every event (internal ones included), who acted and in
which role, and the reason or note the event carries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.dossiers.constants import ActorRole

EVENT_TEXT = {
    "dossier.created": _("The applicant started the dossier."),
    "dossier.mandate_attached": _("The applicant attached the mandate."),
    "dossier.submitted": _("The applicant submitted the dossier."),
    "dossier.received": _("The dossier was received. The processing time runs from now."),
    "dossier.rejected_at_intake": _("The dossier was not accepted at intake."),
    "supplement.requested": _("The applicant was asked to complete the dossier. The processing time is paused."),
    "supplement.answered": _("The applicant completed the dossier. The processing time runs again."),
    "dossier.instruction_started": _("Processing started."),
    "payment.requested": _("The applicant was asked to pay the fee."),
    "payment.succeeded": _("The payment was received."),
    "dossier.withdrawn": _("The applicant withdrew the dossier."),
    "dossier.stopped": _("Processing was stopped."),
    "dossier.decided": _("A decision was taken."),
    "result.delivered": _("The result was delivered."),
    "result.issued": _("The signed result document was issued."),
    "result.signing_failed": _("The result document could not be signed. The decision stands; the applicant gets the result once it is signed."),
    "receipt.issued": _("The receipt was issued."),
    "intake_refusal.issued": _("The refusal notice (form 03) was issued."),
    "dossier.apologised": _("The agency apologised for the delay and gave a new return date."),
    "apology.issued": _("The apology letter (form 04) was issued."),
    "stop_notice.issued": _("The stop notice (form 05) was issued."),
    "survey.answered": _("The applicant rated the service."),
    "opinion.requested": _("An expert's opinion was requested."),
    "opinion.answered": _("The expert gave their opinion."),
    "annotations.updated": _("The internal annotations were updated."),
}
MESSAGE_FROM_AGENCY = _("The agency wrote to the applicant.")
MESSAGE_FROM_APPLICANT = _("The applicant wrote to the agency.")
OTHER_EVENT = _("The dossier was updated.")
SYSTEM_ACTOR = _("System")
EXPERT_ROLE = _("Expert")

# Payload keys whose text is shown under the event (the words the actor typed).
_DETAIL_KEYS = ("reasons", "reason", "note", "motivation")


def _detail(payload: dict) -> str:
    for key in _DETAIL_KEYS:
        value = payload.get(key)
        if isinstance(value, list):
            value = "\n".join(str(item) for item in value if item)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


# A dossier filed at the one-stop desk (dossiers/counter.py): the officer acted for the applicant.
COUNTER_EVENT_TEXT = {
    "dossier.created": _("The dossier was started at the one-stop desk for the applicant."),
    "dossier.submitted": _("The dossier was filed at the one-stop desk for the applicant."),
}


def describe(event) -> str:
    if (event.payload or {}).get("channel") == "counter" and event.type in COUNTER_EVENT_TEXT:
        return str(COUNTER_EVENT_TEXT[event.type])
    if event.type == "message.sent":
        return str(MESSAGE_FROM_AGENCY if (event.payload or {}).get("from_agency") else MESSAGE_FROM_APPLICANT)
    return str(EVENT_TEXT.get(event.type, OTHER_EVENT))


def staff_timeline(events) -> list[dict]:
    """Every event, oldest first: when, what, who (name and role), and the text it carries."""
    roles = dict(ActorRole.choices)
    items = []
    for event in events:
        actor = event.actor.get_full_name() if event.actor_id and event.actor else ""
        role = str(roles.get(event.actor_role, event.actor_role or ""))
        if event.type == "opinion.answered":  # the expert has no account (instruction/opinions.py)
            actor, role = str((event.payload or {}).get("expert_name") or ""), str(EXPERT_ROLE)
        items.append({
            "at": event.created_at, "type": event.type, "text": describe(event),
            "actor": actor or (str(SYSTEM_ACTOR) if event.actor_role == ActorRole.SYSTEM else ""),
            "role": role,
            "detail": _detail(event.payload or {}),
        })
    return items
