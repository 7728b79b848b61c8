"""Staff notifications: written from dossier events and from the daily deadline check, e-mailed
at once or in a daily digest as each person chose, read and marked as read on the back office.

Entry points:
- `notify_for_event(event_id=)`: the notifications an event calls for (task `notify_for_event`,
  enqueued after commit by consumers.py). Events and kinds: "dossier.routed" / "dossier.rerouted"
  (and "dossier.received" for a procedure without groups) → new dossier, to the dossier's
  instructors; "dossier.assigned" → to the new assignee; "message.sent" by the applicant,
  "supplement.answered", "opinion.answered" → to the dossier's instructors (scope "all") and to
  the people it is personal to (assignee, followers, who asked the opinion).
- `send_deadline_reminders(now=)`: "due soon" (within `instruction.selectors.DUE_SOON_WORKING_DAYS`
  working days) and "overdue" notifications of the dossiers whose legal clock runs.
- `send_daily_digest(now=)`: enqueues the digest of everyone with notifications waiting for it;
  `send_digest(user_id=, day=)` sends one.
- `email_notification(notification_id=)`: the instant e-mail of one notification.
- `mark_read(actor=, notification_id=)`, `mark_all_read(actor=)`, `save_preferences(actor=, ...)`.

Invariants:
- Only the people who may see the dossier are told (recipients.py): an instructor outside the
  dossier's group never hears of it. The actor of an event is never told of their own action.
- Idempotent: one notification per (user, event, kind), and per (user, dossier, kind, due date)
  for reminders, so a re-run task or command writes nothing twice (database constraints). An
  e-mail is claimed (`emailed_at`, `digested_at`) before it is sent and released if sending
  fails; a digest goes out at most once a day per person (`NotificationPreference.last_digest_on`).
- A preference set to "off" writes no notification; "digest" and "instant" both list it on the
  notifications page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Mapping

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.constants import DossierState
from motcua.dossiers.errors import InputInvalid
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.instruction import selectors as instruction_selectors
from motcua.instruction.models import Opinion

from . import recipients, selectors
from .constants import REMINDER_KINDS, SCOPED_KINDS, Channel, NotificationKind, Scope
from .models import NotificationPreference, StaffNotification

K = NotificationKind
User = get_user_model()
logger = logging.getLogger(__name__)

REMINDER_BATCH = 500


# --- Writing notifications ----------------------------------------------------------------------


def _group_id(payload) -> int | None:
    group = (payload or {}).get("group") or {}
    return group.get("id") if isinstance(group, dict) else None


def _person_id(payload, key: str) -> int | None:
    person = (payload or {}).get(key) or {}
    return person.get("id") if isinstance(person, dict) else None


def _kind_for(event: DossierEvent, dossier: Dossier) -> tuple[str | None, set[int]]:
    """The kind of notification `event` calls for (None: none), and the people it is personal
    to besides the assignee and the followers. Reads the dossier as it is now: a group or an
    assignee that changed since the event is not told about it."""
    payload = event.payload or {}
    if event.type in ("dossier.routed", "dossier.rerouted"):
        return (K.NEW_DOSSIER if _group_id(payload) == dossier.group_id else None), set()
    if event.type == "dossier.received":
        # Routed dossiers are announced by their "dossier.routed" event (same transaction).
        routed = dossier.group_id is not None or dossier.events.filter(type="dossier.routed").exists()
        return (None if routed else K.NEW_DOSSIER), set()
    if event.type == "dossier.assigned":
        assignee = _person_id(payload, "assignee")
        return (K.ASSIGNED if assignee and assignee == dossier.assignee_id else None), set()
    if event.type == "message.sent":
        return (None if payload.get("from_agency") else K.MESSAGE), set()
    if event.type == "supplement.answered":
        return K.SUPPLEMENT, set()
    if event.type == "opinion.answered":
        requester = (Opinion.objects.filter(pk=payload.get("opinion"), dossier=dossier)
                     .values_list("requested_by_id", flat=True).first())
        return K.OPINION, {requester} if requester else set()
    return None, set()


def _candidates(kind: str, audience: recipients.Audience, dossier: Dossier) -> dict[int, bool]:
    """{user id: whether the dossier is personal to them} of the people `kind` may go to."""
    if kind == K.NEW_DOSSIER:
        return {pk: False for pk in audience.pool}
    if kind == K.ASSIGNED:
        return {dossier.assignee_id: True} if dossier.assignee_id in audience.everyone else {}
    return {pk: pk in audience.mine for pk in audience.everyone}


def _preferences(user_ids: Iterable[int]) -> dict[int, NotificationPreference]:
    found = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=set(user_ids))}
    return {pk: found.get(pk) or NotificationPreference(user_id=pk) for pk in user_ids}


def _rows(*, kind: str, dossier: Dossier, candidates: Mapping[int, bool], preferences, now, event=None,
          due_on=None, actor_id=None) -> list[StaffNotification]:
    rows = []
    for user_id, personal in candidates.items():
        if user_id == actor_id:
            continue
        preference = preferences[user_id]
        channel = preference.channel(kind)
        if channel == Channel.OFF or (kind in SCOPED_KINDS and preference.scope == Scope.MINE and not personal):
            continue
        rows.append(StaffNotification(user_id=user_id, dossier=dossier, kind=kind, channel=channel, event=event,
                                      due_on=due_on, created_at=now))
    return rows


def _enqueue_emails(notifications) -> None:
    from . import tasks

    ids = list(notifications.filter(channel=Channel.INSTANT, emailed_at__isnull=True).values_list("pk", flat=True))
    for pk in ids:
        transaction.on_commit(lambda pk=pk: tasks.email_notification.enqueue(pk))


def notify_for_event(*, event_id: int) -> int:
    """Write the notifications `event_id` calls for and enqueue their instant e-mails. Returns
    the number of notifications of the event (0 when it calls for none)."""
    event = DossierEvent.objects.select_related("dossier").filter(pk=event_id).first()
    if event is None:
        return 0
    dossier = event.dossier
    if dossier.is_test or dossier.state == DossierState.DRAFT:
        return 0
    kind, personal = _kind_for(event, dossier)
    if kind is None:
        return 0
    audience = recipients.audiences([dossier], extra={dossier.pk: personal})[dossier.pk]
    candidates = _candidates(kind, audience, dossier)
    rows = _rows(kind=kind, dossier=dossier, candidates=candidates, preferences=_preferences(candidates),
                 now=timezone.now(), event=event, actor_id=event.actor_id)
    with transaction.atomic():
        StaffNotification.objects.bulk_create(rows, ignore_conflicts=True)
        written = StaffNotification.objects.filter(event=event)
        _enqueue_emails(written)
        count = written.count()
    logger.info("notifications.event event=%s kind=%s notified=%s", event.pk, kind, count)
    return count


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def send_deadline_reminders(*, now: dt.datetime | None = None) -> int:
    """Write a "due soon" or "overdue" notification for each dossier whose legal clock runs and
    whose due date is within DUE_SOON_WORKING_DAYS working days or past, to the people who work
    on it, once per dossier, kind and due date (the inbox's tabs list them day after day); then
    enqueue the instant e-mails. Returns the number of notifications written."""
    now = now or timezone.now()
    soon_until = instruction_selectors.due_soon_until(now)
    dossiers = (Dossier.objects.filter(is_test=False, state__in=instruction_selectors.CLOCK_RUNNING_STATES,
                                       due_at__lt=soon_until)
                .only("pk", "state", "is_test", "agency_id", "group_id", "assignee_id", "due_at").order_by("pk"))
    written = 0
    for chunk in _chunks(dossiers.iterator(chunk_size=REMINDER_BATCH), REMINDER_BATCH):
        by_dossier = recipients.audiences(chunk)
        plans = []
        for dossier in chunk:
            kind = K.OVERDUE if dossier.due_at < now else K.DUE_SOON
            candidates = _candidates(kind, by_dossier[dossier.pk], dossier)
            plans.append((dossier, kind, candidates))
        preferences = _preferences({pk for _d, _k, candidates in plans for pk in candidates})
        rows = []
        for dossier, kind, candidates in plans:
            rows += _rows(kind=kind, dossier=dossier, candidates=candidates, preferences=preferences, now=now,
                          due_on=timezone.localdate(dossier.due_at))
        with transaction.atomic():
            StaffNotification.objects.bulk_create(rows, ignore_conflicts=True)
            # The rows of this run (`created_at=now`); rows of an earlier run were kept by the constraint.
            fresh = StaffNotification.objects.filter(dossier_id__in=[d.pk for d in chunk], kind__in=REMINDER_KINDS,
                                                     created_at=now)
            _enqueue_emails(fresh)
            written += fresh.count()
    logger.info("notifications.reminders written=%s", written)
    return written


# --- E-mails ------------------------------------------------------------------------------------


def email_notification(*, notification_id: int) -> bool:
    """Send the instant e-mail of one notification, once: claimed by setting `emailed_at`,
    released if sending fails (the task may then be retried). False when there is nothing to send."""
    from . import emails

    claimed = StaffNotification.objects.filter(pk=notification_id, channel=Channel.INSTANT,
                                               emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = selectors.notification_with_details(notification_id)
    if not notification.user.is_active or not notification.user.email:
        StaffNotification.objects.filter(pk=notification_id).update(emailed_at=None)
        return False
    try:
        emails.send_instant(notification)
    except Exception:
        StaffNotification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    logger.info("notifications.emailed notification=%s", notification_id)
    return True


def send_daily_digest(*, now: dt.datetime | None = None) -> int:
    """Enqueue today's digest of everyone with notifications waiting for it. Returns how many."""
    from . import tasks

    day = timezone.localdate(now or timezone.now())
    user_ids = list(StaffNotification.objects.filter(channel=Channel.DIGEST, digested_at__isnull=True)
                    .values_list("user_id", flat=True).distinct().order_by("user_id"))
    for user_id in user_ids:
        tasks.send_digest.enqueue(user_id, day.isoformat())
    return len(user_ids)


def send_digest(*, user_id: int, day: dt.date) -> bool:
    """E-mail `user_id` one message with every notification waiting for the digest (those read on
    the site meanwhile are left out), at most once on `day`. True when an e-mail was sent."""
    from . import emails

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    NotificationPreference.objects.get_or_create(user=user)
    with transaction.atomic():
        preference = NotificationPreference.objects.select_for_update().get(user=user)
        previous_day = preference.last_digest_on
        if previous_day is not None and previous_day >= day:
            return False
        pending = list(selectors.pending_digest(user=user))
        if not pending:
            return False
        ids = [n.pk for n in pending]
        StaffNotification.objects.filter(pk__in=ids).update(digested_at=timezone.now())
        preference.last_digest_on = day
        preference.save(update_fields=["last_digest_on", "updated_at"])
    unread = [n for n in pending if n.read_at is None]
    if not unread or not user.email:
        return False
    try:
        emails.send_digest(user, unread)
    except Exception:
        with transaction.atomic():
            StaffNotification.objects.filter(pk__in=ids).update(digested_at=None)
            NotificationPreference.objects.filter(user=user).update(last_digest_on=previous_day)
        raise
    logger.info("notifications.digest user=%s notifications=%s", user.pk, len(unread))
    return True


# --- Reading, preferences -------------------------------------------------------------------------


def mark_read(*, actor, notification_id) -> StaffNotification:
    """Mark one of the actor's notifications as read. Raises NotFound for anyone else's."""
    notification = selectors.get_notification_for_user(actor=actor, notification_id=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        StaffNotification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor as read. Returns how many."""
    return StaffNotification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


def save_preferences(*, actor, channels: Mapping[str, str], scope: str) -> NotificationPreference:
    """Save the actor's channel for every kind and their scope. Permission: any staff member,
    for themselves. Raises InputInvalid (field = the kind, or "scope") for an unknown value."""
    problems: dict[str, list[str]] = {}
    for kind in K.values:
        if channels.get(kind) not in Channel.values:
            problems[kind] = [_("Choose how to be told.")]
    if scope not in Scope.values:
        problems["scope"] = [_("Choose which dossiers to be told about.")]
    if problems:
        raise InputInvalid(fields=problems)
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=actor)
        for kind in K.values:
            setattr(preference, kind, channels[kind])
        preference.scope = scope
        preference.full_clean()
        preference.save(update_fields=[*K.values, "scope", "updated_at"])
    return preference
