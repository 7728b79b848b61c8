"""Appending to a dossier's event log (hash-chained, `seq` per dossier).

Call only with the dossier row locked (services lock it), in the transaction of the change.

Consumers: other apps react to events without this app knowing them (DESIGN.md §1: consumers
of events, never hooks in views). An app registers a consumer in `on_commit_consumers` from its
`AppConfig.ready()`, with the event types it wants; every event of those types written by
`append_event` or `save_with_event` (the only places events are saved) calls the consumer with the
event's id once the transaction that wrote it has committed (never for a rolled-back change). A
consumer should only enqueue a task: it runs in the request that made the change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from motcua.core.hashing import chain_hash

from .models import Dossier, DossierEvent


def _utc(moment) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat()


@dataclass(frozen=True)
class EventConsumer:
    name: str
    """Stable, unique name (registering the same name again replaces the consumer)."""
    types: frozenset[str]
    """The event types it is called for."""
    handle: Callable[[int], None]
    """Called with the event's id after commit; an exception is logged, not raised (robust)."""


class EventConsumers:
    """The registry of after-commit consumers of dossier events (see the module docstring)."""

    def __init__(self) -> None:
        self._consumers: dict[str, EventConsumer] = {}

    def register(self, name: str, *, types: Iterable[str], handle: Callable[[int], None]) -> EventConsumer:
        consumer = EventConsumer(name=name, types=frozenset(types), handle=handle)
        self._consumers[name] = consumer
        return consumer

    def unregister(self, name: str) -> None:
        self._consumers.pop(name, None)

    def for_type(self, event_type: str) -> list[EventConsumer]:
        return [c for c in self._consumers.values() if event_type in c.types]

    def all(self) -> list[EventConsumer]:
        return list(self._consumers.values())


on_commit_consumers = EventConsumers()


def _schedule_consumers(event: DossierEvent) -> None:
    for consumer in on_commit_consumers.for_type(event.type):
        # robust: a failing consumer (its queue down) must not turn a committed change into an error
        # page. A closure, not functools.partial: Django logs the failure with the callback's __qualname__.
        def call(handle=consumer.handle, event_id=event.pk) -> None:
            handle(event_id)

        transaction.on_commit(call, robust=True)


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
    _schedule_consumers(event)
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
        _schedule_consumers(event)
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
    _schedule_consumers(event)


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
