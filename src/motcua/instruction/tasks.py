"""Background jobs of the back office (Django Tasks), queued after commit by instruction.services.
They take ids and are idempotent: a document already issued is not issued again."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from motcua.dossiers.constants import DossierState
from motcua.dossiers.models import Dossier

logger = logging.getLogger(__name__)


def _dossier(dossier_id: int) -> Dossier | None:
    related = ("procedure", "agency__parent", "agency__admin_unit", "applicant")
    return Dossier.objects.select_related(*related).filter(pk=dossier_id).first()


@task()
def issue_reception_receipt(dossier_id: int) -> None:
    """Issue the receipt (form 01) of a received dossier if it was not issued at submission
    (procedures that are not fully online get their return date at reception)."""
    from motcua.dossiers import receipts

    dossier = _dossier(dossier_id)
    if dossier is None or not dossier.code:
        return
    receipts.issue_receipt(dossier=dossier)  # does nothing when the receipt exists


@task()
def issue_intake_refusal(dossier_id: int) -> None:
    """Render, sign and store the refusal (form 03) of a dossier rejected at intake, then
    e-mail the applicant. The applicant is e-mailed even if signing fails (without the PDF)."""
    from . import selectors, services

    dossier = _dossier(dossier_id)
    if dossier is None or dossier.state != DossierState.REJECTED_AT_INTAKE:
        return
    if selectors.get_intake_refusal(dossier) is not None:
        return  # issued (and e-mailed) by an earlier run
    try:
        services.issue_intake_refusal(dossier=dossier)
    finally:
        email_intake_refusal.enqueue(dossier_id)


@task()
def email_intake_refusal(dossier_id: int) -> None:
    """Tell the applicant that the dossier was not received, with the reasons and the signed
    refusal (form 03) attached when it was issued. Uses the "rejected_at_intake" e-mail of
    dossiers (dossiers.tasks.NOTIFICATIONS), which notify_applicant sends without attachment."""
    from . import selectors

    dossier = _dossier(dossier_id)
    if dossier is None or not dossier.applicant.email:
        return
    event = dossier.events.filter(type="dossier.rejected_at_intake").order_by("-seq").first()
    document = selectors.get_intake_refusal(dossier)
    language = dossier.applicant.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"dossier": dossier, "procedure": dossier.procedure, "site_url": settings.SITE_URL,
                   "administration": settings.ADMINISTRATION_NAME,
                   "reasons": event.payload.get("reasons", "") if event is not None else "",
                   "refusal_attached": document is not None}
        subject = " ".join(render_to_string("dossiers/email/rejected_at_intake_subject.txt", context).split())
        body = render_to_string("dossiers/email/rejected_at_intake.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[dossier.applicant.email])
    if document is not None:
        with document.file.open("rb") as handle:
            message.attach(f"phieu-tu-choi-tiep-nhan-{dossier.code}.pdf", handle.read(), "application/pdf")
    message.send()
    logger.info("intake_refusal.emailed dossier=%s attached=%s", dossier.pk, document is not None)


@task()
def issue_result(dossier_id: int) -> None:
    """Render, sign and store the result document of a decided dossier, then tell the applicant
    ("decided" e-mail). When signing fails (key missing, unreadable or rejected), the failure is
    recorded on the dossier ("result.signing_failed", shown on the staff page) and the applicant
    is not told yet: the decision stands, and `services.retry_result_signing` queues this again."""
    from motcua.documents.errors import SignerNotConfigured
    from motcua.dossiers import tasks as dossier_tasks

    from . import selectors, services

    dossier = _dossier(dossier_id)
    if dossier is None or dossier.state not in (DossierState.DECIDED, DossierState.DELIVERED):
        return
    if selectors.get_result(dossier) is not None:
        return  # issued (and notified) by an earlier run
    try:
        services.issue_result(dossier=dossier)
    except SignerNotConfigured as error:  # SigningFailed too
        logger.error("result.signing_failed dossier=%s error=%s", dossier.pk, error)
        services.record_result_signing_failure(dossier=dossier, error=error)
        return
    dossier_tasks.notify_applicant.enqueue(dossier_id, "decided")


@task()
def email_opinion_request(opinion_id: int) -> None:
    """E-mail the expert the question and the link to answer (in the site's default language:
    the expert has no account, hence no preferred language)."""
    from django.urls import reverse

    from .models import Opinion

    opinion = Opinion.objects.select_related("dossier__procedure", "dossier__agency", "requested_by").filter(
        pk=opinion_id).first()
    if opinion is None or opinion.is_answered:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"opinion": opinion, "dossier": opinion.dossier, "procedure": opinion.dossier.procedure,
                   "link": f"{settings.SITE_URL}{reverse('backoffice:opinion-answer', args=[opinion.token])}",
                   "administration": settings.ADMINISTRATION_NAME}
        subject = " ".join(render_to_string("instruction/email/opinion_request_subject.txt", context).split())
        body = render_to_string("instruction/email/opinion_request.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=[opinion.expert_email]).send()
    logger.info("opinion.emailed opinion=%s dossier=%s", opinion.pk, opinion.dossier_id)
