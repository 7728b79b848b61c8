"""The dossier events notifications listen to (registered in `apps.NotificationsConfig.ready`
into `dossiers.events.on_commit_consumers`). The consumer only enqueues the task: it runs after
the commit of the request that changed the dossier, which must stay fast."""

from __future__ import annotations

# dossier.received: for a procedure without groups (routed dossiers get "dossier.routed").
EVENT_TYPES = frozenset({
    "dossier.received", "dossier.routed", "dossier.rerouted", "dossier.assigned", "message.sent",
    "opinion.answered", "supplement.answered",
})


def on_event(event_id: int) -> None:
    from . import tasks

    tasks.notify_for_event.enqueue(event_id)
