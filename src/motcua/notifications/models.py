"""Staff notifications (issue 6, items 5 and 9): what happened to the dossiers a staff member
works on, kept as rows listed on their notifications page and e-mailed at once or in a daily
digest, as each person chose (`NotificationPreference`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.dossiers.models import Dossier, DossierEvent

from .constants import DEFAULT_CHANNELS, DEFAULT_SCOPE, Channel, NotificationKind, Scope

K = NotificationKind


def _channel_field(kind: str) -> models.CharField:
    return models.CharField(K(kind).label, max_length=8, choices=Channel.choices, default=DEFAULT_CHANNELS[kind])


class NotificationPreference(TimeStampedModel):
    """A staff member's choice of channel for each kind of notification (one column per kind,
    named as the kind), and of the dossiers they want to hear about. No row: the defaults."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference")
    new_dossier = _channel_field(K.NEW_DOSSIER)
    assigned = _channel_field(K.ASSIGNED)
    message = _channel_field(K.MESSAGE)
    opinion = _channel_field(K.OPINION)
    supplement = _channel_field(K.SUPPLEMENT)
    due_soon = _channel_field(K.DUE_SOON)
    overdue = _channel_field(K.OVERDUE)
    scope = models.CharField(_("dossiers"), max_length=8, choices=Scope.choices, default=DEFAULT_SCOPE)
    # The day the last daily digest was sent: at most one digest a day, however often the
    # daily command runs.
    last_digest_on = models.DateField(_("last daily e-mail sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    def channel(self, kind: str) -> str:
        return getattr(self, kind)


class StaffNotification(models.Model):
    """One thing to tell one staff member about one dossier. Written by services.py only, once
    per (user, event, kind) for events and once per (user, dossier, kind, due date) for the
    deadline reminders, whatever how often the writers run."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_notifications")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    # The channel chosen when the notification was written (instant e-mail or daily digest).
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    event = models.ForeignKey(DossierEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Reminders: the due date (local day) they are about. A new due date (the clock paused for a
    # supplement) gets its own reminders.
    due_on = models.DateField(_("due on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    digested_at = models.DateTimeField(_("sent in the daily e-mail at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "kind"], condition=models.Q(event__isnull=False),
                                    name="notifications_once_per_event"),
            models.UniqueConstraint(fields=["user", "dossier", "kind", "due_on"], condition=models.Q(due_on__isnull=False),
                                    name="notifications_once_per_due_date"),
        ]
        indexes = [
            # The list (unread first: NULL read_at sorts first in a descending index on PostgreSQL,
            # then newest) and the unread count of the navigation (user, read_at IS NULL).
            models.Index(fields=["user", "-read_at", "-created_at"], name="notifications_user_list"),
            # The daily digest's pending rows: few at any time, so a partial index stays small.
            models.Index(fields=["user"], condition=models.Q(channel=Channel.DIGEST, digested_at__isnull=True),
                         name="notifications_digest_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.dossier_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
