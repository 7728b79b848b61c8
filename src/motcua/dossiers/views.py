"""Citizen filing pages: start a dossier, fill its steps (no JavaScript needed; htmx autosaves
and applies conditions as you type), check the summary, submit, then follow the dossier."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.errors import MotcuaError, NotFound
from motcua.procedures import rendering, runtime
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.fields.registry import field_types

from . import selectors, services, timeline
from .constants import DossierState, RepresentationKind
from .errors import DossierInvalid, DraftExpired, InvalidTransition, ProcedureNotOpen
from .forms import StartForm

citizen_required = login_required(login_url="accounts:citizen-login")


def _dossier_or_404(request, public_id):
    try:
        return selectors.get_dossier_for_applicant(actor=request.user, public_id=public_id)
    except NotFound:
        raise Http404 from None


def _procedure_or_404(public_id):
    try:
        return procedure_selectors.get_public_procedure(public_id=public_id)
    except NotFound:
        raise Http404 from None


def _representation_choices(user, procedure) -> list[tuple[str, str]]:
    kinds = set(procedure.applicant_kinds or [])
    choices = []
    if "citizen" in kinds:
        choices.append((RepresentationKind.SELF, RepresentationKind.SELF.label))
        choices.append((RepresentationKind.PERSON, RepresentationKind.PERSON.label))
    if kinds & {"business", "association"} and user.kind == "business_representative":
        choices.insert(0, (RepresentationKind.BUSINESS, RepresentationKind.BUSINESS.label))
    return choices


@citizen_required
@require_http_methods(["GET", "POST"])
def dossier_start(request, public_id):
    """Start a dossier: say for whom (yourself, a business, another person with a mandate).

    `?prefill=<token>` (a prefilled link made through the API) and `?prefill.<stable id>=<text>`
    fill answers in; the form posts back to the same address to keep them."""
    from . import attachments, prefill_links
    from .errors import AttachmentRejected

    procedure = _procedure_or_404(public_id)
    prefill_token = request.GET.get("prefill", "")
    prefill_link = prefill_links.get_usable_token(token=prefill_token, procedure=procedure) if prefill_token else None
    choices = _representation_choices(request.user, procedure)
    # The catalogue's "Apply online" button posts here with nothing but its CSRF token: show the form.
    submitted = request.method == "POST" and "representation" in request.POST
    form = StartForm(request.POST if submitted else None, request.FILES if submitted else None, choices=choices)
    error = None
    if not choices:
        error = _("Your account cannot file this procedure: it is for businesses and organisations only.")
    elif submitted and form.is_valid():
        kind = form.cleaned_data["representation"]
        represented = {}
        if kind != RepresentationKind.SELF:
            identifier = form.cleaned_data["represented_id"].strip()
            represented = {"name": form.cleaned_data["represented_name"].strip(),
                           ("personal_id" if len(identifier) == 12 else "tax_code"): identifier}
        prefill = {k[len("prefill."):]: v for k, v in request.GET.items() if k.startswith("prefill.")}
        try:
            with transaction.atomic():
                dossier = services.start_dossier(actor=request.user, procedure=procedure, representation=kind,
                                                 represented=represented, prefill=prefill, prefill_token=prefill_token or None)
                if kind == RepresentationKind.PERSON:
                    attachment = attachments.store_upload(actor=request.user, dossier=dossier, field_key="__mandate",
                                                          upload=form.cleaned_data["mandate"], families=["pdf", "image"], max_size_mb=10)
                    services.set_mandate(actor=request.user, dossier=dossier, reference=attachment.reference())
        except AttachmentRejected as rejected:
            form.add_error("mandate", str(rejected.message))
        except MotcuaError as refused:
            error = str(refused.message)
        else:
            return HttpResponseRedirect(reverse("dossiers:dossier-step", args=[dossier.public_id, 0]))
    context = {"procedure": procedure, "form": form, "error": error,
               "prefilled": prefill_link is not None, "prefill_expired": bool(prefill_token) and prefill_link is None}
    return render(request, "dossiers/start.html", context, status=400 if error or form.errors else 200)


@citizen_required
def dossier_detail(request, public_id):
    dossier = _dossier_or_404(request, public_id)
    if dossier.state == DossierState.DRAFT:
        return HttpResponseRedirect(reverse("dossiers:dossier-step", args=[dossier.public_id, dossier.current_step]))
    return HttpResponseRedirect(reverse("dossiers:dossier-track", args=[dossier.public_id]))


def _identity_readonly(compiled, dossier) -> dict[str, str]:
    source = dossier.identity.get("source") or _("your electronic identity")
    return {
        sid: source for sid, options in compiled.options.items()
        if compiled.by_id[sid].type == "registry_lookup" and getattr(options, "source", "") == "identity"
        and not getattr(options, "editable", False) and dossier.values.get(sid)
    }


def _step_context(request, dossier, compiled, step, values, errors, *, saved=False, show_errors=False, evaluation=None):
    step_ids = compiled.steps[step]
    if evaluation is None:
        evaluation = compiled.program.evaluate(values, today=timezone.localdate())
    shown_errors = errors if show_errors else {}
    return {
        "dossier": dossier, "procedure": dossier.procedure, "step": step, "step_count": len(compiled.steps),
        "step_title": compiled.step_titles[step] or dossier.procedure.name, "steps": _step_nav(compiled, step),
        "items": rendering.build_items(compiled, step_ids=step_ids, values=values, errors=shown_errors,
                                       hidden=evaluation.hidden, readonly=_identity_readonly(compiled, dossier),
                                       evaluation=evaluation),
        "error_links": rendering.error_links(compiled, shown_errors), "saved": saved,
        "retention_days": settings.DOSSIER_DRAFT_RETENTION_DAYS, "is_last": step == len(compiled.steps) - 1,
    }


def _step_nav(compiled, current):
    return [{"index": i, "title": title or _("Step %(n)s") % {"n": i + 1}, "current": i == current}
            for i, title in enumerate(compiled.step_titles)]


def _store_uploads(request, dossier, compiled, step_ids, raw, errors) -> None:
    """Store the files chosen in the step's file controls and add their references to `raw`.
    A refused file gets its message next to its control; the other answers are kept."""
    from . import attachments
    from .errors import AttachmentRejected

    for name, key, field in rendering.file_inputs(compiled, step_ids, {**dossier.values, **raw}):
        options = compiled.options[field.stable_id]
        field_type = field_types[field.type]
        families = field_type.families(options) if hasattr(field_type, "families") else options.families
        parts = [("", None)] if field.type == "file" else [("__front", "front"), ("__back", "back")]
        for suffix, side in parts:
            for upload in request.FILES.getlist(f"{name}{suffix}"):
                try:
                    attachment = attachments.store_upload(actor=request.user, dossier=dossier, field_key=key, upload=upload,
                                                          families=list(families), max_size_mb=options.max_size_mb)
                except AttachmentRejected as rejected:
                    errors.setdefault(key, []).append(str(rejected.message))
                    continue
                reference = attachment.reference() if side is None else {**attachment.reference(), "side": side}
                target = _cell(raw, key)
                if side is not None:
                    target[:] = [item for item in target if item.get("side") != side]
                    target.append(reference)
                    target.sort(key=lambda item: item.get("side") != "front")
                elif getattr(options, "multiple", False):
                    target.append(reference)
                else:
                    target[:] = [reference]


def _cell(raw, key) -> list:
    parts = key.split(".")
    if len(parts) == 1:
        return raw.setdefault(parts[0], []) if isinstance(raw.get(parts[0]), list) else raw.setdefault(parts[0], [])
    block, index, col = parts[0], int(parts[1]), parts[2]
    row = raw[block][index]
    if not isinstance(row.get(col), list):
        row[col] = []
    return row[col]


@citizen_required
@require_http_methods(["GET", "POST"])
def dossier_step(request, public_id, step):
    try:
        dossier = selectors.get_dossier_for_applicant(actor=request.user, public_id=public_id)
    except NotFound:
        return _expired_draft(request, public_id)
    if dossier.state != DossierState.DRAFT:
        return HttpResponseRedirect(reverse("dossiers:dossier-track", args=[dossier.public_id]))
    compiled = runtime.compile_revision(dossier.revision)
    if not 0 <= step < len(compiled.steps):
        raise Http404
    if request.method == "GET":
        show = request.GET.get("check") == "1"
        errors = {}
        if show:
            errors = runtime.validate_step(revision=dossier.revision, step=step, data=dossier.values, values=dossier.values).errors
        context = _step_context(request, dossier, compiled, step, dossier.values, errors, show_errors=show)
        return render(request, "dossiers/step.html", context)
    live = request.headers.get("HX-Request") == "true"
    action = request.POST.get("action", "save")
    raw = rendering.raw_answers(compiled, request.POST, compiled.steps[step], dossier.values)
    upload_errors: dict[str, list[str]] = {}
    try:
        _store_uploads(request, dossier, compiled, compiled.steps[step], raw, upload_errors)
        dossier, result = services.save_answers(actor=request.user, dossier=dossier, step=step, data=raw)
    except DraftExpired as expired:
        return render(request, "dossiers/expired.html", {"dossier": dossier, "message": expired.message}, status=410)
    except InvalidTransition:
        return HttpResponseRedirect(reverse("dossiers:dossier-track", args=[dossier.public_id]))
    errors = {**result.errors, **{k: result.errors.get(k, []) + v for k, v in upload_errors.items()}}
    structural = any(name in request.POST for name in ("add_row", "remove_row", "remove_file"))
    if live or structural or action == "save":
        context = _step_context(request, dossier, compiled, step, result.values, errors, saved=True,
                                show_errors=bool(upload_errors), evaluation=result.evaluation)
        template = "dossiers/_step_form.html" if live else "dossiers/step.html"
        return render(request, template, context)
    if action == "back":
        return HttpResponseRedirect(reverse("dossiers:dossier-step", args=[dossier.public_id, max(step - 1, 0)]))
    if errors:
        context = _step_context(request, dossier, compiled, step, result.values, errors, show_errors=True, evaluation=result.evaluation)
        return render(request, "dossiers/step.html", context, status=400)
    if step + 1 < len(compiled.steps):
        return HttpResponseRedirect(reverse("dossiers:dossier-step", args=[dossier.public_id, step + 1]))
    return HttpResponseRedirect(reverse("dossiers:dossier-summary", args=[dossier.public_id]))


def _expired_draft(request, public_id):
    """A draft deleted for inactivity: say so (410). When the applicant was saving answers,
    start a new draft with what they just sent, so that nothing they typed is lost."""
    from django.contrib import messages

    purged = selectors.get_purged_draft(actor=request.user, public_id=public_id)
    if purged is None:
        raise Http404
    procedure = purged.procedure
    if request.method == "POST":
        try:
            dossier = services.start_dossier(actor=request.user, procedure=procedure)
        except MotcuaError as refused:
            return render(request, "dossiers/expired.html", {"message": refused.message, "procedure": procedure}, status=410)
        compiled = runtime.compile_revision(dossier.revision)
        top_level = [sid for ids in compiled.steps for sid in ids]
        posted = [sid for sid in top_level if any(key == sid or key.startswith(f"{sid}__") for key in request.POST)]
        raw = rendering.raw_answers(compiled, request.POST, posted, {})
        services.save_answers(actor=request.user, dossier=dossier, step=None, data=raw)
        messages.warning(request, _("Your previous draft had expired and was deleted. A new draft was started with the answers you just sent; please check the other steps."))
        return HttpResponseRedirect(reverse("dossiers:dossier-step", args=[dossier.public_id, 0]))
    context = {"message": _("This draft was deleted because it was not changed for a long time."), "procedure": procedure}
    return render(request, "dossiers/expired.html", context, status=410)


@citizen_required
@require_http_methods(["GET", "POST"])
def dossier_summary(request, public_id, problems=None):
    if request.method == "POST" and problems is None:
        return _submit(request, public_id)
    dossier = _dossier_or_404(request, public_id)
    if dossier.state != DossierState.DRAFT:
        return HttpResponseRedirect(reverse("dossiers:dossier-track", args=[dossier.public_id]))
    compiled = runtime.compile_revision(dossier.revision)
    evaluation = compiled.program.evaluate(dossier.values, today=timezone.localdate())
    context = {
        "dossier": dossier, "procedure": dossier.procedure, "problems": problems or [],
        "sections": rendering.summary_sections(compiled, dossier.values, hidden=evaluation.hidden),
        "steps": _step_nav(compiled, -1),
    }
    return render(request, "dossiers/summary.html", context, status=400 if problems else 200)


def _submit(request, public_id):
    """Submit from the summary page. The service finds, locks and reads the applicant's dossier
    itself (one statement): nothing is loaded here first."""
    problems = []
    try:
        services.submit_dossier(actor=request.user, public_id=public_id)
    except NotFound:
        raise Http404 from None
    except DossierInvalid as invalid:
        if invalid.errors and not invalid.ineligible:
            url = reverse("dossiers:dossier-step", args=[public_id, invalid.step or 0])
            return HttpResponseRedirect(f"{url}?check=1")
        language = (request.LANGUAGE_CODE or "vi")[:2]
        problems = [payload.get(f"message_{language}") or payload.get("message_vi") or str(invalid.message)
                    for payload in invalid.ineligible] or [str(invalid.message)]
    except (ProcedureNotOpen, DraftExpired) as refused:
        problems = [str(refused.message)]
    except InvalidTransition:
        pass
    if problems:
        return dossier_summary(request, public_id, problems=problems)
    return HttpResponseRedirect(reverse("dossiers:dossier-track", args=[public_id]) + "?submitted=1")


@citizen_required
@require_POST
def dossier_delete(request, public_id):
    dossier = _dossier_or_404(request, public_id)
    try:
        services.delete_draft(actor=request.user, dossier=dossier)
    except InvalidTransition:
        return HttpResponseRedirect(reverse("dossiers:dossier-track", args=[dossier.public_id]))
    return HttpResponseRedirect(reverse("portal:my-dossiers") + "?deleted=1")


@citizen_required
def dossier_track(request, public_id):
    dossier = _dossier_or_404(request, public_id)
    if dossier.state == DossierState.DRAFT:
        return HttpResponseRedirect(reverse("dossiers:dossier-step", args=[dossier.public_id, dossier.current_step]))
    return render(request, "dossiers/track.html", _track_context(request, dossier))


@citizen_required
def dossier_receipt(request, public_id):
    dossier = _dossier_or_404(request, public_id)
    receipt = selectors.get_receipt(dossier=dossier)
    if receipt is None:
        raise Http404
    return FileResponse(receipt.file.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"giay-tiep-nhan-{dossier.code}.pdf")


@citizen_required
def dossier_result(request, public_id):
    """The signed result document of the applicant's decided dossier (404 until it is issued)."""
    from motcua.instruction import selectors as instruction_selectors

    dossier = _dossier_or_404(request, public_id)
    result = instruction_selectors.get_result(dossier)
    if result is None:
        raise Http404
    return FileResponse(result.file.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"ket-qua-{dossier.code}.pdf")


@citizen_required
def attachment_download(request, public_id, token):
    try:
        attachment = selectors.get_attachment_for_applicant(actor=request.user, public_id=public_id, token=token)
    except NotFound:
        raise Http404 from None
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type, as_attachment=True,
                        filename=attachment.name)


@citizen_required
@require_http_methods(["GET", "POST"])
def test_dossiers(request, public_id):
    """Builder's test mode: a procedure administrator files test dossiers on the draft form,
    through the same pages as an applicant. They are deleted when the draft is published."""
    from motcua.core.errors import PermissionDenied
    from motcua.procedures.models import Procedure

    procedure = Procedure.objects.filter(public_id=public_id).select_related("agency").first()
    if procedure is None or procedure.agency_id not in procedure_selectors.administered_agency_ids(actor=request.user):
        raise Http404
    if request.method == "POST":
        try:
            dossier = services.start_test_dossier(actor=request.user, procedure=procedure)
        except PermissionDenied:
            raise Http404 from None
        return HttpResponseRedirect(reverse("dossiers:dossier-step", args=[dossier.public_id, 0]))
    context = {"procedure": procedure, "dossiers": selectors.list_test_dossiers(procedure=procedure)[:100]}
    return render(request, "dossiers/test_dossiers.html", context)


# --- After submission: messages, supplement, withdrawal, survey, public lookup -----------------


def _track_context(request, dossier, *, message_form=None) -> dict:
    """What the tracking page shows: status, receipt, history, the request to complete the
    dossier, the survey invitation, the messages and their form."""
    from motcua.instruction import selectors as instruction_selectors

    from . import states
    from .constants import ActorRole
    from .forms import MessageForm

    supplement = services.open_supplement_request(dossier)
    context = {
        "dossier": dossier, "procedure": dossier.procedure,
        "timeline": timeline.public_timeline(selectors.list_events(dossier=dossier)),
        "just_submitted": request.GET.get("submitted") == "1", "receipt": selectors.get_receipt(dossier=dossier),
        "thread": selectors.list_messages(dossier=dossier), "message_form": message_form or MessageForm(),
        "message_sent": request.GET.get("sent") == "1", "supplement": supplement,
        "supplement_fields": _field_labels(dossier, supplement.field_ids) if supplement else [],
        "supplemented": request.GET.get("supplemented") == "1", "withdrawn": request.GET.get("withdrawn") == "1",
        "can_withdraw": states.allowed("withdraw", state=dossier.state, role=ActorRole.APPLICANT),
        "rated": request.GET.get("rated") == "1",
        "intake_refusal": instruction_selectors.get_intake_refusal(dossier)
        if dossier.state == DossierState.REJECTED_AT_INTAKE else None,
        # Apologies with their new return dates (form 04) and the stop notice (form 05).
        **instruction_selectors.delay_summary(dossier),
    }
    if dossier.state in (DossierState.DECIDED, DossierState.DELIVERED):
        decided = next((item for item in reversed(context["timeline"]) if item["type"] == "dossier.decided"), None)
        context["motivation"] = (decided["payload"] or {}).get("motivation", "") if decided else ""
        context["result"] = instruction_selectors.get_result(dossier)
    if dossier.state == DossierState.DELIVERED:
        answer = selectors.get_survey_answer(dossier=dossier)
        context["survey_answer"] = answer
        context["survey_open"] = answer is None or timezone.now() <= services.survey_editable_until(answer)
        context["survey_until"] = services.survey_editable_until(answer) if answer else None
    return context


def _field_labels(dossier, field_ids) -> list[str]:
    compiled = runtime.compile_revision(dossier.revision)
    return [compiled.by_id[sid].label for sid in field_ids if sid in compiled.by_id]


@citizen_required
@require_POST
def dossier_message_send(request, public_id):
    """Send a message to the agency from the tracking page. On a problem, the page comes back
    with the message as typed."""
    from .errors import AttachmentRejected, InputInvalid
    from .forms import MessageForm

    dossier = _dossier_or_404(request, public_id)
    if dossier.state == DossierState.DRAFT:
        return HttpResponseRedirect(reverse("dossiers:dossier-step", args=[dossier.public_id, dossier.current_step]))
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.send_message(actor=request.user, dossier=dossier, body=form.cleaned_data["body"],
                                  files=form.cleaned_data["files"])
        except InputInvalid as invalid:
            for name, problems in invalid.fields.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        except AttachmentRejected as rejected:
            form.add_error("files", str(rejected.message))
        except InvalidTransition as refused:
            form.add_error(None, str(refused.message))
        else:
            return HttpResponseRedirect(reverse("dossiers:dossier-track", args=[dossier.public_id]) + "?sent=1#messages")
    if request.FILES:
        form.add_error("files", _("Your message was not sent: choose the files again."))
    return render(request, "dossiers/track.html", _track_context(request, dossier, message_form=form), status=400)


def _pending_values(dossier, supplement, compiled) -> dict:
    """The stored answers plus the files uploaded for the requested fields since the request
    and not yet part of the answers (sent with a form that had to be corrected): nothing the
    applicant uploaded is lost between two tries."""
    from .constants import ScanStatus

    values = {key: value for key, value in dossier.values.items()}
    present = services.attachment_tokens(dossier.values)
    pending = (dossier.attachments.filter(created_at__gte=supplement.created_at, message__isnull=True)
               .exclude(scan_status=ScanStatus.INFECTED).exclude(token__in=present).order_by("created_at", "pk"))
    for attachment in pending:
        parts = attachment.field_key.split(".")
        if parts[0] not in supplement.field_ids or parts[0] not in compiled.by_id:
            continue
        if len(parts) == 1:
            field = compiled.by_id[parts[0]]
            if field.type != "file":  # identity scans (front/back) are sent again instead
                continue
            current = values.get(parts[0])
            kept = current if isinstance(current, list) and getattr(compiled.options[parts[0]], "multiple", False) else []
            values[parts[0]] = [*kept, attachment.reference()]
        elif len(parts) == 3 and parts[1].isdigit():
            rows = values.get(parts[0])
            index = int(parts[1])
            if isinstance(rows, list) and index < len(rows) and isinstance(rows[index], dict):
                rows = [dict(row) if isinstance(row, dict) else row for row in rows]
                cell = rows[index].get(parts[2])
                rows[index][parts[2]] = [*(cell if isinstance(cell, list) else []), attachment.reference()]
                values[parts[0]] = rows
    return values


def _drop_removed_pending_file(request, dossier, stored) -> None:
    """"Remove" pressed on a file sent since the request: delete it (files submitted earlier
    stay with the dossier; dropping them from the answer is enough)."""
    from . import attachments

    token = str(request.POST.get("remove_file") or "")
    if token and token in services.attachment_tokens(stored) - services.attachment_tokens(dossier.values):
        try:
            attachments.delete_attachment(actor=request.user, dossier=dossier, token=token)
        except MotcuaError:
            pass


@citizen_required
@require_http_methods(["GET", "POST"])
def dossier_supplement(request, public_id):
    """Complete the dossier as the agency asked: only the requested answers and files can be
    changed; the others are shown read-only. "Send" checks the whole dossier again."""
    dossier = _dossier_or_404(request, public_id)
    supplement = services.open_supplement_request(dossier)
    if supplement is None:
        return HttpResponseRedirect(reverse("dossiers:dossier-track", args=[dossier.public_id]))
    compiled = runtime.compile_revision(dossier.revision)
    requested = [f.stable_id for f in compiled.fields if f.stable_id in set(supplement.field_ids)]
    stored = _pending_values(dossier, supplement, compiled)
    values, errors, problems, status = stored, {}, [], 200
    if request.method == "POST":
        _drop_removed_pending_file(request, dossier, stored)
        raw = rendering.raw_answers(compiled, request.POST, requested, stored)
        upload_errors: dict[str, list[str]] = {}
        _store_uploads(request, dossier, compiled, requested, raw, upload_errors)
        values = {**stored, **raw}
        structural = any(name in request.POST for name in ("add_row", "remove_row", "remove_file"))
        if upload_errors:
            errors, status = upload_errors, 400
        elif not structural:
            try:
                services.answer_supplement(actor=request.user, dossier=dossier, data=raw)
            except DossierInvalid as invalid:
                errors, status = invalid.errors, 400
                language = (request.LANGUAGE_CODE or "vi")[:2]
                problems = [payload.get(f"message_{language}") or payload.get("message_vi") or str(invalid.message)
                            for payload in invalid.ineligible]
            except InvalidTransition:
                return HttpResponseRedirect(reverse("dossiers:dossier-track", args=[dossier.public_id]))
            else:
                return HttpResponseRedirect(reverse("dossiers:dossier-track", args=[dossier.public_id]) + "?supplemented=1")
    evaluation = compiled.program.evaluate(values, today=timezone.localdate())
    requested_ids = set(requested)
    sections = []
    for section in rendering.summary_sections(compiled, dossier.values, hidden=evaluation.hidden):
        rows = [row for row in section["rows"] if row["id"].split("__")[0] not in requested_ids]
        if rows:
            sections.append({**section, "rows": rows})
    context = {
        "dossier": dossier, "procedure": dossier.procedure, "supplement": supplement,
        "items": rendering.build_items(compiled, step_ids=requested, values=values, errors=errors, hidden=evaluation.hidden),
        "error_links": rendering.error_links(compiled, errors), "problems": problems, "sections": sections,
    }
    return render(request, "dossiers/supplement.html", context, status=status)


@citizen_required
@require_http_methods(["GET", "POST"])
def dossier_withdraw(request, public_id):
    """Withdraw the dossier, with a reason, after a confirmation page."""
    from . import states
    from .constants import ActorRole
    from .errors import InputInvalid
    from .forms import WithdrawForm

    dossier = _dossier_or_404(request, public_id)
    track = reverse("dossiers:dossier-track", args=[dossier.public_id])
    if not states.allowed("withdraw", state=dossier.state, role=ActorRole.APPLICANT):
        return HttpResponseRedirect(track)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_dossier(actor=request.user, dossier=dossier, reason=form.cleaned_data["reason"])
        except InputInvalid as invalid:
            for problem in invalid.fields.get("reason", []):
                form.add_error("reason", problem)
        except InvalidTransition:
            return HttpResponseRedirect(track)
        else:
            return HttpResponseRedirect(track + "?withdrawn=1")
    return render(request, "dossiers/withdraw.html", {"dossier": dossier, "procedure": dossier.procedure, "form": form},
                  status=400 if form.errors else 200)


@citizen_required
@require_http_methods(["GET", "POST"])
def dossier_survey(request, public_id):
    """Rate the service once the result is delivered; the answers can be changed for
    survey.EDIT_DAYS days, then they are shown read-only."""
    from . import survey
    from .errors import InputInvalid, SurveyLocked
    from .forms import SurveyForm

    dossier = _dossier_or_404(request, public_id)
    if dossier.state != DossierState.DELIVERED:
        return HttpResponseRedirect(reverse("dossiers:dossier-track", args=[dossier.public_id]))
    answer = selectors.get_survey_answer(dossier=dossier)
    until = services.survey_editable_until(answer) if answer else None
    locked = answer is not None and timezone.now() > until
    initial = {}
    if answer is not None:
        initial = {f"criterion_{key}": str(value) for key, value in answer.scores.items()}
        initial.update(ease=answer.ease, overall=answer.overall, comment=answer.comment)
    form = SurveyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and not locked:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.answer_survey(actor=request.user, dossier=dossier, scores=form.scores(), ease=data["ease"],
                                       overall=data["overall"], comment=data["comment"])
            except InputInvalid as invalid:
                for name, problems in invalid.fields.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
            except SurveyLocked:
                locked = True
            except InvalidTransition:
                return HttpResponseRedirect(reverse("dossiers:dossier-track", args=[dossier.public_id]))
            else:
                return HttpResponseRedirect(reverse("dossiers:dossier-track", args=[dossier.public_id]) + "?rated=1")
        status = 400
    if locked:
        status = 409 if request.method == "POST" else 200
    summary = []
    if answer is not None:
        for criterion in survey.CRITERIA:
            points = answer.scores.get(criterion.key)
            summary.append({"question": criterion.question, "answer": dict(criterion.answers).get(points, "—")})
        labels = dict(survey.Satisfaction.choices)
        summary.append({"question": survey.EASE_QUESTION, "answer": labels.get(answer.ease, "—")})
        summary.append({"question": survey.OVERALL_QUESTION, "answer": labels.get(answer.overall, "—")})
    context = {"dossier": dossier, "procedure": dossier.procedure, "form": form, "answer": answer, "until": until,
               "locked": locked, "summary": summary}
    return render(request, "dossiers/survey.html", context, status=status)


LOOKUP_LIMIT = (10, 600)  # attempts, seconds: per client address, and per dossier code


def _lookup_allowed(request, code: str) -> bool:
    """Count one lookup attempt for the client address and for the code typed; False once
    either passed LOOKUP_LIMIT (a fixed window in the cache)."""
    import hashlib

    from django.core.cache import cache

    hits, window = LOOKUP_LIMIT
    keys = [f"dossiers:lookup:ip:{request.META.get('REMOTE_ADDR', '')}"]
    if code:
        keys.append("dossiers:lookup:code:" + hashlib.sha256(code.encode()).hexdigest()[:32])
    allowed = True
    for key in keys:
        if cache.add(key, 1, timeout=window):
            continue
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=window)
            count = 1
        allowed = allowed and count <= hits
    return allowed


@never_cache
@require_http_methods(["GET", "POST"])
def dossier_lookup(request):
    """Follow a dossier without signing in: its code and a second factor (the end of the
    applicant's phone number or their personal ID number) show its status and public history."""
    from .forms import LookupForm

    form = LookupForm(request.POST or None)
    not_found = False
    if request.method == "POST":
        code = str(request.POST.get("code") or "").strip().upper()[:40]
        if not _lookup_allowed(request, code):
            response = render(request, "dossiers/lookup_limited.html", {"minutes": LOOKUP_LIMIT[1] // 60}, status=429)
            response["Retry-After"] = str(LOOKUP_LIMIT[1])
            return response
        if form.is_valid():
            try:
                dossier = selectors.get_dossier_for_lookup(code=form.cleaned_data["code"], factor=form.cleaned_data["factor"])
            except NotFound:
                not_found = True
            else:
                context = {"dossier": dossier, "procedure": dossier.procedure,
                           "timeline": timeline.public_timeline(selectors.list_events(dossier=dossier))}
                return render(request, "dossiers/lookup_result.html", context)
    status = 400 if form.errors or not_found else 200
    return render(request, "dossiers/lookup.html", {"form": form, "not_found": not_found}, status=status)
