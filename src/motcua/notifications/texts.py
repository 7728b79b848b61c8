"""The sentence that says what a notification is about, in the active language (the page's,
or the recipient's for e-mails). Whole sentences, for the translators."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from .constants import NotificationKind as K
from .models import StaffNotification


def summary(notification: StaffNotification) -> str:
    dossier = notification.dossier
    code = str(dossier)
    payload = notification.event.payload if notification.event_id and notification.event else {}
    due = formats.date_format(notification.due_on, "SHORT_DATE_FORMAT") if notification.due_on else ""
    if notification.kind == K.NEW_DOSSIER:
        return _("New dossier %(code)s is waiting to be processed.") % {"code": code}
    if notification.kind == K.ASSIGNED:
        return _("You were put in charge of dossier %(code)s.") % {"code": code}
    if notification.kind == K.MESSAGE:
        return _("The applicant sent a message about dossier %(code)s.") % {"code": code}
    if notification.kind == K.OPINION:
        name = (payload or {}).get("expert_name") or ""
        if name:
            return _("%(expert)s gave their opinion on dossier %(code)s.") % {"expert": name, "code": code}
        return _("An expert gave their opinion on dossier %(code)s.") % {"code": code}
    if notification.kind == K.SUPPLEMENT:
        return _("The applicant completed dossier %(code)s as requested.") % {"code": code}
    if notification.kind == K.DUE_SOON:
        return _("Dossier %(code)s is due on %(date)s.") % {"code": code, "date": due}
    if notification.kind == K.OVERDUE:
        return _("Dossier %(code)s was due on %(date)s and is overdue.") % {"code": code, "date": due}
    return str(notification.get_kind_display())
