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
    _email_applicant(dossier, template="dossiers/email/rejected_at_intake", document=document,
                     filename=f"phieu-tu-choi-tiep-nhan-{dossier.code}.pdf",
                     context={"reasons": event.payload.get("reasons", "") if event is not None else "",
                              "refusal_attached": document is not None})
    logger.info("intake_refusal.emailed dossier=%s attached=%s", dossier.pk, document is not None)


def _email_applicant(dossier: Dossier, *, template: str, context: dict, document=None, filename: str = "") -> None:
    """E-mail the applicant `template` + ".txt" (subject: `template` + "_subject.txt") in their
    language, with `context` added to the usual values, and the signed `document` attached when
    given (as `filename`)."""
    language = dossier.applicant.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"dossier": dossier, "procedure": dossier.procedure, "site_url": settings.SITE_URL,
                   "administration": settings.ADMINISTRATION_NAME, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[dossier.applicant.email])
    if document is not None:
        with document.file.open("rb") as handle:
            message.attach(filename, handle.read(), "application/pdf")
    message.send()


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


# --- Delays and stops (instruction/delays.py) ------------------------------------------------------


@task()
def issue_apology_letter(dossier_id: int, seq: int) -> None:
    """Render, sign and store the letter (form 04) of the apology event `seq`, then e-mail the
    applicant. The applicant is e-mailed even if signing fails (without the PDF): the new date
    is what matters to them."""
    from . import delays, selectors

    dossier = _dossier(dossier_id)
    if dossier is None:
        return
    if selectors.get_apology_letter(dossier, seq=seq) is not None:
        return  # issued (and e-mailed) by an earlier run
    try:
        delays.issue_apology_letter(dossier=dossier, seq=seq)
    finally:
        email_apology.enqueue(dossier_id, seq)


@task()
def email_apology(dossier_id: int, seq: int) -> None:
    """Tell the applicant the reason of the delay and the new return date, with the signed
    letter (form 04) attached when it was issued."""
    from . import selectors

    dossier = _dossier(dossier_id)
    if dossier is None or not dossier.applicant.email:
        return
    apology = next((a for a in selectors.list_apologies(dossier) if a.seq == seq), None)
    if apology is None:
        return
    _email_applicant(dossier, template="instruction/email/apology", document=apology.letter,
                     filename=f"phieu-xin-loi-{dossier.code}.pdf",
                     context={"apology": apology, "letter_attached": apology.letter is not None})
    logger.info("apology.emailed dossier=%s seq=%s attached=%s", dossier.pk, seq, apology.letter is not None)


@task()
def issue_stop_notice(dossier_id: int) -> None:
    """Render, sign and store the notice (form 05) of a stopped dossier, then e-mail the
    applicant (even if signing fails, without the PDF)."""
    from . import delays, selectors

    dossier = _dossier(dossier_id)
    if dossier is None or dossier.state != DossierState.STOPPED:
        return
    if selectors.get_stop_notice(dossier) is not None:
        return  # issued (and e-mailed) by an earlier run
    try:
        delays.issue_stop_notice(dossier=dossier)
    finally:
        email_stop_notice.enqueue(dossier_id)


@task()
def email_stop_notice(dossier_id: int) -> None:
    """Tell the applicant that processing stopped and why, with the signed notice (form 05)
    attached when it was issued."""
    from . import selectors

    dossier = _dossier(dossier_id)
    if dossier is None or not dossier.applicant.email or dossier.state != DossierState.STOPPED:
        return
    event = selectors.get_stop_event(dossier)
    notice = selectors.get_stop_notice(dossier)
    _email_applicant(dossier, template="instruction/email/stopped", document=notice,
                     filename=f"thong-bao-dung-giai-quyet-{dossier.code}.pdf",
                     context={"reason": (event.payload or {}).get("reason", "") if event else "",
                              "notice_attached": notice is not None})
    logger.info("stop_notice.emailed dossier=%s attached=%s", dossier.pk, notice is not None)


@task()
def run_bulk_action(job_id: int) -> None:
    """Apply a bulk action to its dossiers, resuming where an earlier run stopped (instruction/bulk.py)."""
    from . import bulk

    bulk.run_bulk_action(job_id)
