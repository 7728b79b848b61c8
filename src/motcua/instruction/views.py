"""Back office pages: the staff workspace, the dossier inbox and the staff dossier page.

Every view is wrapped in `accounts.decorators.staff_required`. Reads go through
instruction.selectors (scoped to the user's agencies: anything else is a 404), writes through the
services; each action is a POST that redirects with a message on success, or shows the page again
with the errors next to the fields (400; 409 when the dossier moved on meanwhile), nothing typed lost.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.accounts.constants import Role
from motcua.accounts.decorators import staff_required
from motcua.agencies import selectors as agency_selectors
from motcua.core.errors import MotcuaError, NotFound, PermissionDenied
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers import services as dossier_services
from motcua.dossiers import states
from motcua.dossiers.constants import ActorRole, DossierState
from motcua.dossiers.errors import AttachmentRejected, InputInvalid, InvalidTransition
from motcua.procedures import rendering, runtime
from motcua.procedures.fields.registry import field_types

from . import opinions, permissions, selectors, services
from .forms import (
    DecideForm, DeliverForm, InboxSearchForm, OpinionAnswerForm, OpinionRequestForm, ReceiveForm, RejectIntakeForm,
    StaffMessageForm, StartInstructionForm, SupplementRequestForm,
)
from .timeline import staff_timeline

# Staff read the state in their own words where the applicant's label speaks to the applicant.
STAFF_STATE_LABELS = {
    DossierState.AWAITING_SUPPLEMENT: gettext_lazy("Waiting for the applicant's supplement"),
}


@staff_required
def backoffice_home(request):
    """The workspace: where a signed-in, OTP-verified staff member lands."""
    memberships = list(agency_selectors.list_memberships_for_user(user=request.user))
    can_build = request.user.is_superuser or any(m.role == Role.PROCEDURE_ADMIN for m in memberships)
    handles_dossiers = request.user.is_superuser or any(m.role in permissions.DOSSIER_ROLES for m in memberships)
    context = {"memberships": memberships, "can_build": can_build, "handles_dossiers": handles_dossiers}
    return render(request, "instruction/home.html", context)


# --- Inbox ------------------------------------------------------------------------------------


@staff_required
def dossier_inbox(request):
    """The dossiers of the user's agencies, one tab at a time, with the count of every tab,
    a search on the dossier code and the applicant's name, and 50 dossiers a page."""
    tab = request.GET.get("tab") or selectors.DEFAULT_TAB
    if tab not in selectors.TABS_BY_KEY:
        tab = selectors.DEFAULT_TAB
    search = InboxSearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    now = timezone.now()
    counts = selectors.tab_counts(actor=request.user, now=now)
    paginator = Paginator(selectors.list_dossiers_for_staff(actor=request.user, tab=tab, query=query, now=now),
                          selectors.PAGE_SIZE)
    if not query:
        paginator.count = counts[tab]  # known from the aggregate: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    soon_until = selectors.due_soon_until(now)
    rows = []
    for dossier in page.object_list:
        status = selectors.deadline_status(dossier, now=now, soon_until=soon_until)
        rows.append({"dossier": dossier, "deadline": status, "deadline_label": selectors.DEADLINE_LABELS.get(status, ""),
                     "state_label": STAFF_STATE_LABELS.get(dossier.state, dossier.get_state_display())})
    current = selectors.TABS_BY_KEY[tab]
    context = {
        "tabs": [{"key": t.key, "label": t.label, "count": counts[t.key], "current": t.key == tab} for t in selectors.TABS],
        "tab": current, "count": counts[tab], "query": query, "search": search, "rows": rows, "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }
    return render(request, "instruction/inbox.html", context)


# --- Staff dossier page -----------------------------------------------------------------------


def _dossier_or_404(request, public_id):
    try:
        return selectors.get_dossier_for_staff(actor=request.user, public_id=public_id)
    except NotFound:
        raise Http404 from None


def _dossier_url(dossier, anchor: str = "") -> str:
    return reverse("backoffice:dossier-detail", args=[dossier.public_id]) + (f"#{anchor}" if anchor else "")


def _answerable_fields(compiled) -> list:
    """The form's fields the applicant can be asked to complete (top level, not private, with a
    value the applicant types or uploads)."""
    fields = []
    for field in compiled.fields:
        field_type = field_types[field.type]
        if field.parent_id or field.private or not field_type.has_value or field_type.read_only:
            continue
        fields.append(field)
    return fields


def _annotation_rows(compiled, values) -> list[dict]:
    """The private fields (instructor annotations) of the form, with what is recorded so far."""
    rows = []
    for field in compiled.fields:
        field_type = field_types[field.type]
        if not field.private or field.parent_id or not field_type.has_value:
            continue
        value = values.get(field.stable_id)
        text = rendering.safe_display(field_type, value, compiled.options[field.stable_id]) if value not in (None, "", [], {}) else ""
        rows.append({"label": field.label, "text": text, "id": field.stable_id})
    return rows


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


def _page_context(request, dossier, *, failed=None) -> dict:
    """Everything the staff dossier page shows. `failed`: the action form that was posted with
    errors; it replaces the empty one and feeds the error summary."""
    compiled = runtime.compile_revision(dossier.revision)
    evaluation = compiled.program.evaluate(dossier.values, today=timezone.localdate())
    answerable = _answerable_fields(compiled)
    forms = {
        "receive": ReceiveForm(), "reject": RejectIntakeForm(), "supplement": SupplementRequestForm(fields=answerable),
        "start": StartInstructionForm(), "message": StaffMessageForm(), "decide": DecideForm(), "deliver": DeliverForm(),
        "opinion": OpinionRequestForm(),
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
    return {
        "dossier": dossier, "procedure": dossier.procedure,
        "state_label": STAFF_STATE_LABELS.get(dossier.state, dossier.get_state_display()),
        "deadline": deadline, "deadline_label": selectors.DEADLINE_LABELS.get(deadline, ""),
        "address": _address_text((dossier.identity or {}).get("address")),
        "birth_date": parse_date(str((dossier.identity or {}).get("birth_date") or "")),
        "sections": rendering.summary_sections(compiled, dossier.values, hidden=evaluation.hidden),
        "annotations": _annotation_rows(compiled, dossier.values),
        "attachments": attachments,
        "timeline": staff_timeline(dossier_selectors.list_events(dossier=dossier)),
        "thread": dossier_selectors.list_messages(dossier=dossier),
        "supplement": supplement,
        "supplement_fields": [compiled.by_id[sid].label for sid in supplement.field_ids if sid in compiled.by_id] if supplement else [],
        "actions": _available_actions(request.user, dossier),
        "result": result,
        "motivation": (decision_event.payload or {}).get("motivation", "") if decision_event is not None else "",
        "signing_failure": selectors.result_signing_failure(dossier) if dossier.decision and result is None else None,
        "opinions": opinions.list_opinions(dossier=dossier),
        "forms": forms, "failed_form": failed,
    }


@staff_required
def dossier_detail(request, public_id):
    dossier = _dossier_or_404(request, public_id)
    return render(request, "instruction/dossier.html", _page_context(request, dossier))


_FAILED = object()


def _attempt(request, dossier, form, call):
    """Run `call(cleaned_data)` when `form` is valid. Returns (result, status, dossier): result
    is _FAILED when the form or the service refused, with the errors put on `form` and the
    status to show them with (400, or 409 when the dossier's state no longer allows the action,
    with the dossier reloaded)."""
    status = 400
    if form.is_valid():
        try:
            return call(form.cleaned_data), 200, dossier
        except InputInvalid as invalid:
            for name, problems in invalid.fields.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
            if not invalid.fields:
                form.add_error(None, str(invalid.message))
        except AttachmentRejected as rejected:
            form.add_error("files" if "files" in form.fields else None, str(rejected.message))
        except InvalidTransition as refused:
            form.add_error(None, str(refused.message))
            status = 409
            dossier = _dossier_or_404(request, dossier.public_id)  # show where it is now
        except NotFound:
            raise Http404 from None
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        except MotcuaError as refused:
            form.add_error(None, str(refused.message))
    return _FAILED, status, dossier


def _act(request, dossier, form, call, *, success: str, anchor: str = ""):
    """Run `call(cleaned_data)` when `form` is valid: on success redirect to the dossier page
    with `success`; else show the page again with the errors on `form` (400, or 409 when the
    dossier's state no longer allows the action)."""
    result, status, dossier = _attempt(request, dossier, form, call)
    if result is not _FAILED:
        messages.success(request, success)
        return HttpResponseRedirect(_dossier_url(dossier, anchor))
    if request.FILES and "files" in form.fields:
        form.add_error("files", _("Your message was not sent: choose the files again."))
    return render(request, "instruction/dossier.html", _page_context(request, dossier, failed=form), status=status)


@staff_required
@require_POST
def dossier_receive(request, public_id):
    dossier = _dossier_or_404(request, public_id)
    form = ReceiveForm(request.POST)
    return _act(request, dossier, form,
                lambda data: services.receive_dossier(actor=request.user, dossier=dossier, note=data["note"]),
                success=_("The dossier was received. The receipt is sent to the applicant."))


@staff_required
@require_POST
def dossier_reject_intake(request, public_id):
    dossier = _dossier_or_404(request, public_id)
    form = RejectIntakeForm(request.POST)
    return _act(request, dossier, form,
                lambda data: services.reject_intake(actor=request.user, dossier=dossier, reasons=data["reasons"]),
                success=_("The dossier was not accepted. The refusal notice is sent to the applicant."))


@staff_required
@require_POST
def dossier_request_supplement(request, public_id):
    dossier = _dossier_or_404(request, public_id)
    compiled = runtime.compile_revision(dossier.revision)
    form = SupplementRequestForm(request.POST, fields=_answerable_fields(compiled))
    return _act(request, dossier, form,
                lambda data: dossier_services.request_supplement(actor=request.user, dossier=dossier, reason=data["reason"],
                                                                 field_ids=data["field_ids"], due_on=data["due_on"]),
                success=_("The applicant was asked to complete the dossier. The processing time is paused."))


@staff_required
@require_POST
def dossier_start_instruction(request, public_id):
    dossier = _dossier_or_404(request, public_id)
    form = StartInstructionForm(request.POST)  # no input: the form carries the errors, if any
    return _act(request, dossier, form,
                lambda data: services.start_instruction(actor=request.user, dossier=dossier),
                success=_("Processing started."))


@staff_required
@require_POST
def dossier_message_send(request, public_id):
    dossier = _dossier_or_404(request, public_id)
    form = StaffMessageForm(request.POST, request.FILES)
    return _act(request, dossier, form,
                lambda data: dossier_services.send_message(actor=request.user, dossier=dossier, body=data["body"],
                                                           files=data["files"]),
                success=_("Your message was sent to the applicant."), anchor="messages")


@staff_required
@require_POST
def dossier_result_preview(request, public_id):
    """The unsigned result PDF for the decision and motivation typed in the decide form, shown
    inline (the form's "Preview the result" button posts here, in a new tab). Errors: the
    dossier page again, with the errors next to the fields and what was typed."""
    dossier = _dossier_or_404(request, public_id)
    form = DecideForm(request.POST)
    pdf, status, dossier = _attempt(request, dossier, form, lambda data: services.preview_result_pdf(
        actor=request.user, dossier=dossier, decision=data["decision"], motivation=data["motivation"]))
    if pdf is _FAILED:
        return render(request, "instruction/dossier.html", _page_context(request, dossier, failed=form), status=status)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-preview.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_POST
def dossier_decide(request, public_id):
    dossier = _dossier_or_404(request, public_id)
    form = DecideForm(request.POST)
    return _act(request, dossier, form,
                lambda data: services.decide_dossier(actor=request.user, dossier=dossier, decision=data["decision"],
                                                     motivation=data["motivation"]),
                success=_("The decision is recorded. The signed result is being prepared: it appears on this page "
                          "when it is ready."), anchor="result")


@staff_required
@require_POST
def dossier_deliver(request, public_id):
    dossier = _dossier_or_404(request, public_id)
    form = DeliverForm(request.POST)
    return _act(request, dossier, form,
                lambda data: services.deliver_result(actor=request.user, dossier=dossier, channel=data["channel"]),
                success=_("The delivery of the result is recorded."), anchor="result")


@staff_required
@require_POST
def dossier_request_opinion(request, public_id):
    dossier = _dossier_or_404(request, public_id)
    form = OpinionRequestForm(request.POST)
    return _act(request, dossier, form,
                lambda data: opinions.request_opinion(actor=request.user, dossier=dossier, expert_email=data["expert_email"],
                                                      expert_name=data["expert_name"], question=data["question"],
                                                      due_on=data["due_on"]),
                success=_("The expert was sent the question by e-mail. Their answer will appear on this page."),
                anchor="opinions")


def opinion_answer(request, token):
    """The expert's limited page (no sign-in: the link's token is the credential): the procedure,
    the dossier code and the question, and the form to answer once; afterwards, a read-only
    thank-you page. Nothing else of the dossier is shown. Unknown token: 404."""
    try:
        opinion = opinions.get_opinion_by_token(token=token)
    except NotFound:
        raise Http404 from None
    form = None
    status = 200
    if not opinion.is_answered:
        form = OpinionAnswerForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                opinions.answer_opinion(token=token, answer=form.cleaned_data["answer"])
            except InputInvalid as invalid:
                for problems in invalid.fields.values():
                    for problem in problems:
                        form.add_error("answer", problem)
            except InvalidTransition:
                pass  # answered meanwhile: the thank-you page below
            except NotFound:
                raise Http404 from None
            return_to = reverse("backoffice:opinion-answer", args=[token])
            if not form.errors:
                return HttpResponseRedirect(return_to)
        if request.method == "POST" and form.errors:
            status = 400
    elif request.method == "POST":
        status = 409  # a second answer is refused; the page shows the one given
    context = {"opinion": opinion, "dossier_code": opinion.dossier.code, "procedure_name": opinion.dossier.procedure.name,
               "agency_name": opinion.dossier.agency.name, "form": form}
    response = render(request, "instruction/opinion.html", context, status=status)
    response["Cache-Control"] = "no-store"
    # The token is in the URL: never sent to other sites ("no-referrer" would make Chromium send
    # "Origin: null" with the answer form, which the CSRF check refuses).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@staff_required
def dossier_file(request, public_id, token):
    """Download a file of a dossier of the user's agencies."""
    try:
        attachment = selectors.get_attachment_for_staff(actor=request.user, public_id=public_id, token=token)
    except NotFound:
        raise Http404 from None
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type, as_attachment=True,
                        filename=attachment.name)
