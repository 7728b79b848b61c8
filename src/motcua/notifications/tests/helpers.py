"""Helpers of the notification tests."""

from motcua.instruction import services as instruction_services

from .. import services
from ..models import StaffNotification


def notify(run, dossier, event_type: str) -> int:
    """Run the consumer for the dossier's latest `event_type` event (as the task would)."""
    event = dossier.events.filter(type=event_type).latest("seq")
    return run(services.notify_for_event, event_id=event.pk)


def received(procedure, desk, **kwargs):
    """A dossier submitted and received by the desk; nothing queued after commit is run (no PDF
    is rendered): the tests call the consumer themselves with `notify`."""
    from motcua.dossiers.tests.lifecycle import submitted_dossier

    dossier = submitted_dossier(procedure=procedure, **kwargs)
    return instruction_services.receive_dossier(actor=desk, dossier=dossier)


def told(kind: str, dossier=None) -> set:
    """The users with a notification of `kind` (about `dossier`)."""
    rows = StaffNotification.objects.filter(kind=kind)
    if dossier is not None:
        rows = rows.filter(dossier=dossier)
    return {n.user for n in rows.select_related("user")}
