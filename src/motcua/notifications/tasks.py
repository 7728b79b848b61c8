"""Background jobs of staff notifications (Django Tasks). They take ids and are idempotent
(services.py says how)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def notify_for_event(event_id: int) -> None:
    """Write (and e-mail) the notifications a dossier event calls for; enqueued after commit."""
    from . import services

    services.notify_for_event(event_id=event_id)


@task()
def email_notification(notification_id: int) -> None:
    from . import services

    services.email_notification(notification_id=notification_id)


@task()
def send_digest(user_id: int, day: str) -> None:
    """One person's daily digest for `day` (ISO date)."""
    from . import services

    services.send_digest(user_id=user_id, day=dt.date.fromisoformat(day))
