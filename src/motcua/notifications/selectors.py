"""Reads of staff notifications: a person's own notifications and preferences, nobody else's.

Entry points: `list_notifications_for_user(actor=)` (unread first, then newest; the dossier and
its procedure loaded: one query a page), `unread_count(actor=)` (one query, kept on the user
object for the request), `get_notification_for_user(actor=, notification_id=)` (NotFound for
anyone else's), `get_preferences(user)` (the defaults when never saved), and for the e-mails
`notification_with_details(id)`, `pending_digest(user=)`.
"""

from __future__ import annotations

from django.db.models import F, QuerySet

from motcua.core.errors import NotFound

from .constants import Channel
from .models import NotificationPreference, StaffNotification

_DETAILS = ("dossier__procedure", "event")


def list_notifications_for_user(*, actor) -> QuerySet[StaffNotification]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return StaffNotification.objects.none()
    return (StaffNotification.objects.filter(user=actor).select_related(*_DETAILS)
            .defer("dossier__values", "dossier__represented", "dossier__identity")
            .order_by(F("read_at").desc(nulls_first=True), "-created_at", "-pk"))


def unread_count(*, actor) -> int:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return 0
    count = getattr(actor, "_unread_notification_count", None)
    if count is None:
        count = actor._unread_notification_count = StaffNotification.objects.filter(user=actor, read_at__isnull=True).count()
    return count


def get_notification_for_user(*, actor, notification_id) -> StaffNotification:
    try:
        return list_notifications_for_user(actor=actor).get(pk=int(notification_id))
    except (StaffNotification.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def get_preferences(user) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def notification_with_details(notification_id: int) -> StaffNotification:
    return StaffNotification.objects.select_related("user", *_DETAILS).get(pk=notification_id)


def pending_digest(*, user) -> QuerySet[StaffNotification]:
    return (StaffNotification.objects.filter(user=user, channel=Channel.DIGEST, digested_at__isnull=True)
            .select_related(*_DETAILS).order_by("created_at", "pk"))
