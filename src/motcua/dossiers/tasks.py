"""Background jobs of the dossiers app (Django Tasks), queued after commit. Idempotent."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from .models import Dossier

logger = logging.getLogger(__name__)

NOTIFICATIONS = {"submitted", "received", "rejected_at_intake", "supplement_requested", "decided", "draft_expiring", "message"}


@task()
def issue_receipt(dossier_id: int) -> None:
    """Render, sign and store the receipt (form 01) of a submitted dossier, then e-mail it."""
    from . import receipts

    dossier = Dossier.objects.select_related("procedure", "agency", "applicant").filter(pk=dossier_id).first()
    if dossier is None or not dossier.code:
        return
    receipts.issue_receipt(dossier=dossier)
    notify_applicant.enqueue(dossier_id, "submitted")


@task()
def notify_applicant(dossier_id: int, kind: str) -> None:
    """E-mail the applicant about `kind` in their language (Vietnamese by default)."""
    if kind not in NOTIFICATIONS:
        raise ValueError(kind)
    dossier = Dossier.objects.select_related("procedure", "agency", "applicant").filter(pk=dossier_id).first()
    if dossier is None or not dossier.applicant.email:
        return
    from . import selectors

    receipt = selectors.get_receipt(dossier=dossier) if kind == "submitted" else None
    language = dossier.applicant.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"dossier": dossier, "procedure": dossier.procedure, "site_url": settings.SITE_URL,
                   "administration": settings.ADMINISTRATION_NAME, "has_receipt": receipt is not None}
        subject = " ".join(render_to_string(f"dossiers/email/{kind}_subject.txt", context).split())
        body = render_to_string(f"dossiers/email/{kind}.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[dossier.applicant.email])
    if receipt is not None:
        with receipt.file.open("rb") as handle:
            message.attach(f"giay-tiep-nhan-{dossier.code}.pdf", handle.read(), "application/pdf")
    message.send()
