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
    "dossier.decided": _("The agency decided on your dossier."),
    "result.delivered": _("The result was delivered."),
    "result.issued": _("The signed result was issued."),
    "message.sent": _("A message was sent."),
    "receipt.issued": _("The receipt was issued."),
    "survey.answered": _("You rated the service."),
}

# Events shown to the applicant (internal ones, e.g. assignments, are not).
PUBLIC_EVENTS = frozenset(EVENT_TEXT)


def describe(event) -> str:
    return str(EVENT_TEXT.get(event.type, _("The dossier was updated.")))


def public_timeline(events) -> list[dict]:
    return [{"at": e.created_at, "text": describe(e), "type": e.type, "payload": e.payload} for e in events if e.type in PUBLIC_EVENTS]
