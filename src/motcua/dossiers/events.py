"""Appending to a dossier's event log (hash-chained, `seq` per dossier).

Call only with the dossier row locked (services lock it), in the transaction of the change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from motcua.core.hashing import chain_hash

from .models import Dossier, DossierEvent


def _utc(moment) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat()


def append_event(
    dossier: Dossier, *, type: str, actor, actor_role: str, payload: dict[str, Any] | None = None,
    from_state: str = "", to_state: str = "", at=None, persist: bool = True,
) -> DossierEvent:
    """Append an event; with `persist=False` the caller saves the dossier's new chain head
    (`last_event_seq`, `last_event_hash`) in its own UPDATE."""
    at = at or timezone.now()
    seq = dossier.last_event_seq + 1
    payload = payload or {}
    record = {
        "dossier": str(dossier.public_id), "seq": seq, "type": type, "actor": actor.pk if actor else None,
        "actor_role": actor_role, "from": from_state, "to": to_state, "payload": payload, "at": _utc(at),
    }
    digest = chain_hash(dossier.last_event_hash, record)
    event = DossierEvent.objects.create(
        dossier=dossier, seq=seq, type=type, actor=actor, actor_role=actor_role, from_state=from_state,
        to_state=to_state, payload=payload, created_at=at, prev_hash=dossier.last_event_hash, hash=digest,
    )
    dossier.last_event_seq, dossier.last_event_hash = seq, digest
    if persist:
        Dossier.objects.filter(pk=dossier.pk).update(last_event_seq=seq, last_event_hash=digest)
    return event


def verify_chain(dossier: Dossier) -> bool:
    """True when every event's hash matches its content and its predecessor."""
    prev = ""
    for event in dossier.events.order_by("seq"):
        record = {
            "dossier": str(dossier.public_id), "seq": event.seq, "type": event.type, "actor": event.actor_id,
            "actor_role": event.actor_role, "from": event.from_state, "to": event.to_state, "payload": event.payload,
            "at": _utc(event.created_at),
        }
        if event.prev_hash != prev or chain_hash(prev, record) != event.hash:
            return False
        prev = event.hash
    return True
