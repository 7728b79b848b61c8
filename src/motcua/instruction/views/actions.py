"""The dossier page's actions: reception, supplement, processing, messages, decision, delivery."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.decorators import staff_required
from motcua.dossiers import services as dossier_services
from motcua.procedures import runtime

from .. import services
from ..forms import (
    DecideForm,
    DeliverForm,
    ReceiveForm,
    RejectIntakeForm,
    StaffMessageForm,
    StartInstructionForm,
    SupplementRequestForm,
)
from .dossier_page import (
    FAILED,
    act,
    answerable_fields,
    attempt,
    dossier_or_404,
    page_context,
)


@staff_required
@require_POST
def dossier_receive(request, public_id):
    dossier = dossier_or_404(request, public_id)
    form = ReceiveForm(request.POST)
    return act(request, dossier, form,
                lambda data: services.receive_dossier(actor=request.user, dossier=dossier, note=data["note"]),
                success=_("The dossier was received. The receipt is sent to the applicant."))


@staff_required
@require_POST
def dossier_reject_intake(request, public_id):
    dossier = dossier_or_404(request, public_id)
    form = RejectIntakeForm(request.POST)
    return act(request, dossier, form,
                lambda data: services.reject_intake(actor=request.user, dossier=dossier, reasons=data["reasons"]),
                success=_("The dossier was not accepted. The refusal notice is sent to the applicant."))


@staff_required
@require_POST
def dossier_request_supplement(request, public_id):
    dossier = dossier_or_404(request, public_id)
    compiled = runtime.compile_revision(dossier.revision)
    form = SupplementRequestForm(request.POST, fields=answerable_fields(compiled))
    return act(request, dossier, form,
                lambda data: dossier_services.request_supplement(actor=request.user, dossier=dossier, reason=data["reason"],
                                                                 field_ids=data["field_ids"], due_on=data["due_on"]),
                success=_("The applicant was asked to complete the dossier. The processing time is paused."))


@staff_required
@require_POST
def dossier_start_instruction(request, public_id):
    dossier = dossier_or_404(request, public_id)
    form = StartInstructionForm(request.POST)  # no input: the form carries the errors, if any
    return act(request, dossier, form,
                lambda data: services.start_instruction(actor=request.user, dossier=dossier),
                success=_("Processing started."))


@staff_required
@require_POST
def dossier_message_send(request, public_id):
    dossier = dossier_or_404(request, public_id)
    form = StaffMessageForm(request.POST, request.FILES)
    return act(request, dossier, form,
                lambda data: dossier_services.send_message(actor=request.user, dossier=dossier, body=data["body"],
                                                           files=data["files"]),
                success=_("Your message was sent to the applicant."), anchor="messages")


@staff_required
@require_POST
def dossier_result_preview(request, public_id):
    """The unsigned result PDF for the decision and motivation typed in the decide form, shown
    inline (the form's "Preview the result" button posts here, in a new tab). Errors: the
    dossier page again, with the errors next to the fields and what was typed."""
    dossier = dossier_or_404(request, public_id)
    form = DecideForm(request.POST)
    pdf, status, dossier = attempt(request, dossier, form, lambda data: services.preview_result_pdf(
        actor=request.user, dossier=dossier, decision=data["decision"], motivation=data["motivation"]))
    if pdf is FAILED:
        return render(request, "instruction/dossier.html", page_context(request, dossier, failed=form), status=status)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-preview.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_POST
def dossier_decide(request, public_id):
    dossier = dossier_or_404(request, public_id)
    form = DecideForm(request.POST)
    return act(request, dossier, form,
                lambda data: services.decide_dossier(actor=request.user, dossier=dossier, decision=data["decision"],
                                                     motivation=data["motivation"]),
                success=_("The decision is recorded. The signed result is being prepared: it appears on this page "
                          "when it is ready."), anchor="result")


@staff_required
@require_POST
def dossier_deliver(request, public_id):
    dossier = dossier_or_404(request, public_id)
    form = DeliverForm(request.POST)
    return act(request, dossier, form,
                lambda data: services.deliver_result(actor=request.user, dossier=dossier, channel=data["channel"]),
                success=_("The delivery of the result is recorded."), anchor="result")


