"""The staff dossier page, and the helpers every action view shares (`act`, `attempt`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.decorators import staff_required
from motcua.core.errors import MotcuaError, NotFound, PermissionDenied
from motcua.core.forms import add_domain_errors
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers import services as dossier_services
from motcua.dossiers import states
from motcua.dossiers.constants import ActorRole, DossierState
from motcua.dossiers.errors import AttachmentRejected, InputInvalid, InvalidTransition
from motcua.procedures import rendering, runtime
from motcua.procedures.fields.registry import field_types

from .. import annotations, delays, opinions, permissions, selectors
from ..forms import (
    ApologyForm,
    DecideForm,
    DeliverForm,
    OpinionRequestForm,
    ReceiveForm,
    RejectIntakeForm,
    StaffMessageForm,
    StartInstructionForm,
    StopForm,
    SupplementRequestForm,
)
from ..timeline import staff_timeline
from . import annotations as annotation_views

# Staff read the state in their own words where the applicant's label speaks to the applicant.
STAFF_STATE_LABELS = {
    DossierState.AWAITING_SUPPLEMENT: gettext_lazy("Waiting for the applicant's supplement"),
}


# --- Staff dossier page -----------------------------------------------------------------------


def dossier_or_404(request, public_id):
    try:
        return selectors.get_dossier_for_staff(actor=request.user, public_id=public_id)
    except NotFound:
        raise Http404 from None


def dossier_url(dossier, anchor: str = "") -> str:
    return reverse("backoffice:dossier-detail", args=[dossier.public_id]) + (f"#{anchor}" if anchor else "")


def answerable_fields(compiled) -> list:
    """The form's fields the applicant can be asked to complete (top level, not private, with a
    value the applicant types or uploads)."""
    fields = []
    for field in compiled.fields:
        field_type = field_types[field.type]
        if field.parent_id or field.private or not field_type.has_value or field_type.read_only:
            continue
        fields.append(field)
    return fields


def _holds(check, user, dossier) -> bool:
    try:
        check(user, dossier)
    except NotFound:
        return False
    return True


def _available_actions(user, dossier) -> dict[str, bool]:
    """Which action forms to show: what the state allows for the roles the user holds."""
    state = dossier.state
    can_receive = _holds(permissions.check_can_receive, user, dossier)
    can_instruct = _holds(permissions.check_can_instruct, user, dossier)
    roles = dossier_services.staff_roles(actor=user, dossier=dossier)
    can_decide = can_instruct and _holds(permissions.check_can_decide, user, dossier)
    return {
        "receive": can_receive and states.allowed("receive", state=state, role=ActorRole.RECEPTION),
        "reject": can_receive and states.allowed("reject_intake", state=state, role=ActorRole.RECEPTION),
        "start": can_instruct and states.allowed("start_instruction", state=state,
                                                 role=permissions.instruction_role(user, dossier)),
        "supplement": bool(roles) and states.allowed("request_supplement", state=state, role=roles[0]),
        "decide": can_decide and states.allowed("decide", state=state, role=ActorRole.INSTRUCTOR),
        # Delivery is the one-stop desk's step (states.py); the agency's dossier staff may record it.
        "deliver": can_instruct and states.allowed("deliver_result", state=state, role=ActorRole.RECEPTION),
        "opinion": can_instruct and state == DossierState.IN_INSTRUCTION,
        "apology": can_instruct and delays.can_apologise(dossier),
        "stop": can_decide and states.allowed("stop", state=state, role=ActorRole.INSTRUCTOR),
    }


def _file_label(compiled, field_key: str) -> str:
    if field_key == "__mandate":
        return _("Mandate")
    parts = field_key.split(".")
    field = compiled.by_id.get(parts[0])
    if field is None:
        return ""
    if len(parts) == 3 and parts[1].isdigit() and parts[2] in compiled.by_id:
        return f"{field.label} {int(parts[1]) + 1} — {compiled.by_id[parts[2]].label}"
    return field.label


def _address_text(address) -> str:
    if isinstance(address, dict):
        return address.get("text") or ", ".join(str(v) for k, v in address.items() if v and k != "commune_code")
    return str(address or "")


def page_context(request, dossier, *, failed=None) -> dict:
    """Everything the staff dossier page shows. `failed`: the action form that was posted with
    errors; it replaces the empty one and feeds the error summary."""
    compiled = runtime.compile_revision(dossier.revision)
    evaluation = compiled.program.evaluate(dossier.values, today=timezone.localdate())
    answerable = answerable_fields(compiled)
    forms = {
        "receive": ReceiveForm(), "reject": RejectIntakeForm(), "supplement": SupplementRequestForm(fields=answerable),
        "start": StartInstructionForm(), "message": StaffMessageForm(), "decide": DecideForm(), "deliver": DeliverForm(),
        "opinion": OpinionRequestForm(), "apology": ApologyForm(), "stop": StopForm(),
    }
    if failed is not None:
        forms[failed.prefix] = failed
    now = timezone.now()
    deadline = selectors.deadline_status(dossier, now=now, soon_until=selectors.due_soon_until(now))
    supplement = dossier_services.open_supplement_request(dossier)
    result = selectors.get_result(dossier) if dossier.decision else None
    decision_event = selectors.get_decision_event(dossier) if dossier.decision else None
    attachments = [{"file": a, "label": _file_label(compiled, a.field_key)}
                   for a in selectors.list_attachments_for_staff(dossier=dossier)]
    events = list(dossier_selectors.list_events(dossier=dossier))
    history = annotations.value_history(events)  # the annotations' and answers' changes, from the same events
    return {
        "dossier": dossier, "procedure": dossier.procedure,
        "state_label": STAFF_STATE_LABELS.get(dossier.state, dossier.get_state_display()),
        "deadline": deadline, "deadline_label": selectors.DEADLINE_LABELS.get(deadline, ""),
        "address": _address_text((dossier.identity or {}).get("address")),
        "birth_date": parse_date(str((dossier.identity or {}).get("birth_date") or "")),
        "sections": annotation_views.with_answer_changes(
            compiled, rendering.summary_sections(compiled, dossier.values, hidden=evaluation.hidden), history),
        "annotation_form": annotation_views.section(request.user, dossier, compiled, hidden=evaluation.hidden, history=history),
        "value_history": history,
        "attachments": attachments,
        "timeline": staff_timeline(events),
        "thread": dossier_selectors.list_messages(dossier=dossier),
        "supplement": supplement,
        "supplement_fields": [compiled.by_id[sid].label for sid in supplement.field_ids if sid in compiled.by_id] if supplement else [],
        "actions": _available_actions(request.user, dossier),
        "result": result,
        "motivation": (decision_event.payload or {}).get("motivation", "") if decision_event is not None else "",
        "signing_failure": selectors.result_signing_failure(dossier) if dossier.decision and result is None else None,
        "can_sign_again": bool(dossier.decision) and result is None and _holds(permissions.check_can_decide, request.user, dossier),
        "opinions": opinions.list_opinions(dossier=dossier),
        "forms": forms, "failed_form": failed,
        **_routing_panel(request.user, dossier, failed),
        **selectors.delay_summary(dossier),
    }


def _routing_panel(user, dossier, failed):
    from .routing import routing_panel  # the panel's module imports this one

    return routing_panel(user, dossier, failed)


@staff_required
def dossier_detail(request, public_id):
    dossier = dossier_or_404(request, public_id)
    return render(request, "instruction/dossier.html", page_context(request, dossier))


FAILED = object()


def attempt(request, dossier, form, call):
    """Run `call(cleaned_data)` when `form` is valid. Returns (result, status, dossier): result
    is FAILED when the form or the service refused, with the errors put on `form` and the
    status to show them with (400, or 409 when the dossier's state no longer allows the action,
    with the dossier reloaded)."""
    status = 400
    if form.is_valid():
        try:
            return call(form.cleaned_data), 200, dossier
        except InputInvalid as invalid:
            add_domain_errors(form, invalid)
        except AttachmentRejected as rejected:
            form.add_error("files" if "files" in form.fields else None, str(rejected.message))
        except InvalidTransition as refused:
            form.add_error(None, str(refused.message))
            status = 409
            dossier = dossier_or_404(request, dossier.public_id)  # show where it is now
        except NotFound:
            raise Http404 from None
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        except MotcuaError as refused:
            form.add_error(None, str(refused.message))
    return FAILED, status, dossier


def act(request, dossier, form, call, *, success: str, anchor: str = ""):
    """Run `call(cleaned_data)` when `form` is valid: on success redirect to the dossier page
    with `success`; else show the page again with the errors on `form` (400, or 409 when the
    dossier's state no longer allows the action)."""
    result, status, dossier = attempt(request, dossier, form, call)
    if result is not FAILED:
        messages.success(request, success)
        return HttpResponseRedirect(dossier_url(dossier, anchor))
    if request.FILES and "files" in form.fields:
        form.add_error("files", _("Your message was not sent: choose the files again."))
    return render(request, "instruction/dossier.html", page_context(request, dossier, failed=form), status=status)


@staff_required
def dossier_file(request, public_id, token):
    """Download a file of a dossier of the user's agencies."""
    try:
        attachment = selectors.get_attachment_for_staff(actor=request.user, public_id=public_id, token=token)
    except NotFound:
        raise Http404 from None
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type, as_attachment=True,
                        filename=attachment.name)
