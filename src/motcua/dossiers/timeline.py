"""Plain-language descriptions of dossier events, for the applicant's timeline."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

EVENT_TEXT = {
    "dossier.created": _("You started the dossier."),
    "dossier.mandate_attached": _("You attached the mandate."),
    "dossier.submitted": _("You submitted the dossier. It is waiting for the agency to receive it."),
    "dossier.received": _("The agency received your dossier. The processing time runs from now."),
    "dossier.rejected_at_intake": _("The agency did not accept the dossier."),
    "supplement.requested": _("The agency asked you to complete the dossier. The processing time is paused."),
    "supplement.answered": _("You completed the dossier. The processing time runs again."),
    "dossier.instruction_started": _("An officer started processing your dossier."),
    "payment.requested": _("The agency asked you to pay the fee."),
    "payment.succeeded": _("Your payment was received."),
    "dossier.withdrawn": _("You withdrew the dossier."),
    "dossier.stopped": _("The agency stopped processing the dossier."),
    "dossier.apologised": _("The agency apologised for the delay and gave a new return date."),
    "dossier.decided": _("The agency decided on your dossier."),
    "result.delivered": _("The result was delivered."),
    "result.issued": _("The signed result was issued."),
    "message.sent": _("A message was sent."),
    "receipt.issued": _("The receipt was issued."),
    "survey.answered": _("You rated the service."),
}

# Events shown to the applicant (internal ones, e.g. assignments, are not).
PUBLIC_EVENTS = frozenset(EVENT_TEXT)


# A dossier filed at the one-stop desk (counter.py): the officer acted, not the applicant.
COUNTER_EVENT_TEXT = {
    "dossier.created": _("The one-stop desk started the dossier for you."),
    "dossier.submitted": _("The one-stop desk filed the dossier for you."),
}


def describe(event) -> str:
    if (event.payload or {}).get("channel") == "counter" and event.type in COUNTER_EVENT_TEXT:
        return str(COUNTER_EVENT_TEXT[event.type])
    return str(EVENT_TEXT.get(event.type, _("The dossier was updated.")))


def public_timeline(events) -> list[dict]:
    return [{"at": e.created_at, "text": describe(e), "type": e.type, "payload": e.payload} for e in events if e.type in PUBLIC_EVENTS]
