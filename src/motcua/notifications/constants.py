"""What staff can be notified of, through which channel, and about which dossiers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """The kinds of notification. Each value is also the name of the preference's column."""

    NEW_DOSSIER = "new_dossier", _("New dossier for my group")
    ASSIGNED = "assigned", _("Dossier assigned to me")
    MESSAGE = "message", _("New message from an applicant")
    OPINION = "opinion", _("Expert opinion received")
    SUPPLEMENT = "supplement", _("Supplement sent by an applicant")
    DUE_SOON = "due_soon", _("Dossier due soon")
    OVERDUE = "overdue", _("Dossier overdue")


class Channel(models.TextChoices):
    INSTANT = "instant", _("E-mail at once")
    DIGEST = "digest", _("In the daily e-mail")
    OFF = "off", _("Off")


class Scope(models.TextChoices):
    ALL = "all", _("All the dossiers of my groups")
    MINE = "mine", _("Only the dossiers assigned to me or that I follow")


K = NotificationKind

# A sensible start: what needs an answer now is e-mailed at once, the rest waits for the daily
# e-mail. Every notification is also listed on the notifications page unless it is off.
DEFAULT_CHANNELS: dict[str, str] = {
    K.NEW_DOSSIER: Channel.DIGEST,
    K.ASSIGNED: Channel.INSTANT,
    K.MESSAGE: Channel.INSTANT,
    K.OPINION: Channel.INSTANT,
    K.SUPPLEMENT: Channel.INSTANT,
    K.DUE_SOON: Channel.DIGEST,
    K.OVERDUE: Channel.DIGEST,
}
DEFAULT_SCOPE = Scope.ALL

# The kinds the scope applies to. A new dossier concerns a whole group (nobody is assigned yet)
# and an assignment concerns the assignee alone, whatever the scope.
SCOPED_KINDS = frozenset({K.MESSAGE, K.OPINION, K.SUPPLEMENT, K.DUE_SOON, K.OVERDUE})
REMINDER_KINDS = frozenset({K.DUE_SOON, K.OVERDUE})

PAGE_SIZE = 25
