"""Appending to a dossier's event log (hash-chained, `seq` per dossier).

Call only with the dossier row locked (services lock it), in the transaction of the change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import DatabaseError, connection
from django.utils import timezone

from motcua.core.hashing import chain_hash

from .models import Dossier, DossierEvent


def _utc(moment) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat()


def next_event(
    dossier: Dossier, *, type: str, actor, actor_role: str, payload: dict[str, Any] | None = None,
    from_state: str = "", to_state: str = "", at=None,
) -> DossierEvent:
    """The dossier's next event, hashed onto its chain but not saved; the dossier's chain head
    (`last_event_seq`, `last_event_hash`) moves to it in memory only."""
    at = at or timezone.now()
    seq = dossier.last_event_seq + 1
    payload = payload or {}
    record = {
        "dossier": str(dossier.public_id), "seq": seq, "type": type, "actor": actor.pk if actor else None,
        "actor_role": actor_role, "from": from_state, "to": to_state, "payload": payload, "at": _utc(at),
    }
    digest = chain_hash(dossier.last_event_hash, record)
    event = DossierEvent(
        dossier=dossier, seq=seq, type=type, actor=actor, actor_role=actor_role, from_state=from_state,
        to_state=to_state, payload=payload, created_at=at, prev_hash=dossier.last_event_hash, hash=digest,
    )
    dossier.last_event_seq, dossier.last_event_hash = seq, digest
    return event


def append_event(
    dossier: Dossier, *, type: str, actor, actor_role: str, payload: dict[str, Any] | None = None,
    from_state: str = "", to_state: str = "", at=None,
) -> DossierEvent:
    """Append an event and save the dossier's new chain head."""
    event = next_event(dossier, type=type, actor=actor, actor_role=actor_role, payload=payload, from_state=from_state,
                       to_state=to_state, at=at)
    event.save(force_insert=True)
    Dossier.objects.filter(pk=dossier.pk).update(last_event_seq=event.seq, last_event_hash=event.hash)
    return event


_save_statements: dict[tuple, str] = {}


def save_with_event(dossier: Dossier, *, update_fields, event: DossierEvent) -> None:
    """Insert `event` (from `next_event`) and save `update_fields` of `dossier`, as
    `event.save()` then `dossier.save(update_fields=...)` would (`auto_now` included). On
    PostgreSQL in one statement (a data-modifying WITH): one round trip instead of two, while
    the rows the transaction locked wait for its commit."""
    update_fields = list(dict.fromkeys(update_fields))
    loaded = vars(dossier)  # not getattr: a deferred field (`updated_at`, set below) would be read from the database
    expressions = any(hasattr(loaded.get(Dossier._meta.get_field(name).attname), "resolve_expression") for name in update_fields)
    if connection.vendor != "postgresql" or expressions:
        event.save(force_insert=True)
        dossier.save(update_fields=update_fields)
        return
    inserted = [f for f in DossierEvent._meta.concrete_fields if not f.primary_key]
    updated = [Dossier._meta.get_field(name) for name in update_fields]
    key = (connection.alias, *update_fields)
    sql = _save_statements.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        sql = _save_statements[key] = (
            f"WITH {quote('event')} AS (INSERT INTO {quote(DossierEvent._meta.db_table)} "
            f"({', '.join(quote(f.column) for f in inserted)}) VALUES ({', '.join(['%s'] * len(inserted))}) "
            f"RETURNING {quote(DossierEvent._meta.pk.column)}) "
            f"UPDATE {quote(Dossier._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in updated)} "
            f"WHERE {quote(Dossier._meta.pk.column)} = %s "
            f"RETURNING (SELECT {quote(DossierEvent._meta.pk.column)} FROM {quote('event')})"
        )
    params = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in inserted]
    params += [f.get_db_prep_save(f.pre_save(dossier, False), connection) for f in updated]
    params.append(dossier.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise DatabaseError("Save with update_fields did not affect any rows.")
    event.pk = row[0]
    event._state.adding, event._state.db = False, connection.alias


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
