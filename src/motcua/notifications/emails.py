"""The e-mails of staff notifications (text and HTML), in the recipient's language, with links
to the staff dossier page. Sent by services.py after the notification is claimed."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import texts
from .constants import NotificationKind


def _language(user) -> str:
    return user.preferred_language or settings.LANGUAGE_CODE


def _links() -> dict:
    return {"list_url": settings.SITE_URL + reverse("notifications:notification-list"),
            "settings_url": settings.SITE_URL + reverse("notifications:notification-settings"),
            "administration": settings.ADMINISTRATION_NAME}


def _item(notification) -> dict:
    return {"notification": notification, "summary": texts.summary(notification),
            "url": settings.SITE_URL + reverse("backoffice:dossier-detail", args=[notification.dossier.public_id])}


def _send(user, template: str, context: dict) -> None:
    subject = " ".join(render_to_string(f"notifications/email/{template}_subject.txt", context).split())
    body = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()


def send_instant(notification) -> None:
    user = notification.user
    with translation.override(_language(user)):
        context = {"user": user, "item": _item(notification), "kind": notification.get_kind_display(),
                   "code": str(notification.dossier), "procedure": notification.dossier.procedure.name, **_links()}
        _send(user, "instant", context)


def send_digest(user, notifications) -> None:
    """One e-mail listing `notifications`, grouped by kind in the order of NotificationKind."""
    with translation.override(_language(user)):
        groups = []
        for kind in NotificationKind:
            items = [_item(n) for n in notifications if n.kind == kind.value]
            if items:
                groups.append({"label": kind.label, "items": items})
        context = {"user": user, "groups": groups, "count": len(notifications), **_links()}
        _send(user, "digest", context)
