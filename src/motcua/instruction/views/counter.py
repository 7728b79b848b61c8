"""Filing at the one-stop desk: choose a procedure, type the applicant's identity and the whole
form on one page (with the scanned papers), then print the receipt. Works without JavaScript:
"Add a row" and "Update the form" post the page back with what was typed (conditions applied);
the files are chosen again after a post that did not file the dossier (browsers cannot keep
them), and the page says so next to each file control."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.accounts.decorators import staff_required
from motcua.core.errors import MotcuaError, NotFound
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers import services as dossier_services
from motcua.dossiers.errors import FilingInvalid
from motcua.procedures import rendering, runtime
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.constants import Channel

from .. import counter, selectors
from ..forms import CounterApplicantForm, CounterProcedureSearchForm

PAGE_SIZE = 50
STRUCTURAL_POSTS = ("add_row", "remove_row")


@staff_required
def counter_procedures(request):
    """The procedures the officer may file at the desk, searched by name without accents."""
    search = CounterProcedureSearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    paginator = Paginator(counter.list_procedures_for_counter(actor=request.user, query=query), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [{"procedure": p, "at_desk": not p.channels or Channel.COUNTER in p.channels} for p in page.object_list]
    context = {"search": search, "query": query, "rows": rows, "page": page,
               "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)}
    return render(request, "instruction/counter_procedures.html", context)


def _procedure_or_404(request, public_id):
    try:
        return counter.get_procedure_for_counter(actor=request.user, public_id=public_id)
    except NotFound:
        raise Http404 from None


def _identity_fields(compiled) -> dict[str, str]:
    """The form's fields filled from the applicant's identity (not typed twice), shown read-only."""
    source = _("the applicant's identity above")
    return {sid: source for sid, options in compiled.options.items()
            if compiled.by_id[sid].type == "registry_lookup" and getattr(options, "source", "") == "identity"
            and not getattr(options, "editable", False)}


def _form_context(procedure, revision, compiled, *, identity_form, values, errors, problems=(), files_lost=False):
    revision_values = dict(values)
    # Show the identity fields of the form with what the identity typed above gives them.
    typed = identity_form.identity()
    identity_answers = dossier_services.prefill_values(revision=revision, identity=typed)
    readonly = _identity_fields(compiled)
    revision_values.update({sid: value for sid, value in identity_answers.items() if sid in readonly})
    evaluation = compiled.program.evaluate(revision_values, today=timezone.localdate())
    sections = [
        {"index": index, "items": rendering.build_items(compiled, step_ids=ids, values=revision_values, errors=errors,
                                                        hidden=evaluation.hidden, readonly=readonly, evaluation=evaluation)}
        for index, ids in enumerate(compiled.steps)
    ]
    return {
        "procedure": procedure, "identity_form": identity_form, "sections": sections, "problems": list(problems),
        "error_links": rendering.error_links(compiled, errors), "files_lost": files_lost,
    }


def _chosen_file_keys(request, compiled, top_ids, values) -> list[str]:
    """The field keys of the file controls for which files were chosen in this post."""
    keys = []
    for name, key, _field in rendering.file_inputs(compiled, top_ids, values):
        if any(request.FILES.getlist(name + suffix) for suffix in ("", "__front", "__back")):
            keys.append(key)
    return keys


@staff_required
@require_http_methods(["GET", "POST"])
def counter_file(request, public_id):
    """The applicant's identity and the whole form on one page; "File the dossier" files it and
    receives it at once (then the page with the code and the receipt)."""
    procedure = _procedure_or_404(request, public_id)
    revision = procedure_selectors.get_published(procedure=procedure)
    if revision is None:
        raise Http404
    compiled = runtime.compile_revision(revision)
    top_ids = [sid for ids in compiled.steps for sid in ids]
    if request.method == "GET":
        context = _form_context(procedure, revision, compiled, identity_form=CounterApplicantForm(), values={}, errors={})
        return render(request, "instruction/counter_form.html", context)

    identity_form = CounterApplicantForm(request.POST)
    values = rendering.raw_answers(compiled, request.POST, top_ids, {})
    chosen = _chosen_file_keys(request, compiled, top_ids, values)
    lost = _("Choose the file again: files are not kept until the dossier is filed.")
    if any(name in request.POST for name in STRUCTURAL_POSTS) or request.POST.get("action") == "refresh":
        # The page again with the rows and conditions updated; nothing is checked nor filed yet
        # (an unbound form: no "required" message for what is still to be typed).
        identity_form = CounterApplicantForm(initial=identity_form.identity())
        context = _form_context(procedure, revision, compiled, identity_form=identity_form, values=values, errors={},
                                files_lost=bool(chosen))
        return render(request, "instruction/counter_form.html", context)
    identity_form.is_valid()  # lengths and required identity fields; the service checks the rest
    problems: list[str] = []
    errors: dict[str, list[str]] = {}
    try:
        dossier = counter.file_at_counter(actor=request.user, procedure=procedure, applicant_identity=identity_form.identity(),
                                          values=values, files=request.FILES)
    except FilingInvalid as invalid:
        for name, messages in invalid.identity.items():
            if name in identity_form.fields and name not in identity_form.errors:
                for message in messages:
                    identity_form.add_error(name, message)
        errors = {key: list(messages) for key, messages in invalid.errors.items()}
        language = (request.LANGUAGE_CODE or "vi")[:2]
        problems = [payload.get(f"message_{language}") or payload.get("message_vi") or str(invalid.message)
                    for payload in invalid.ineligible]
    except NotFound:
        raise Http404 from None
    except MotcuaError as refused:
        problems = [str(refused.message)]
    else:
        return HttpResponseRedirect(reverse("backoffice:counter-done", args=[dossier.public_id]))
    for key in chosen:
        errors.setdefault(key, []).append(lost)
    context = _form_context(procedure, revision, compiled, identity_form=identity_form, values=values, errors=errors,
                            problems=problems, files_lost=bool(chosen))
    return render(request, "instruction/counter_form.html", context, status=400)


def _dossier_or_404(request, public_id):
    try:
        return selectors.get_dossier_for_staff(actor=request.user, public_id=public_id)
    except NotFound:
        raise Http404 from None


@staff_required
def counter_done(request, public_id):
    """The dossier just filed: its code, the return date, and the receipt to print."""
    dossier = _dossier_or_404(request, public_id)
    context = {"dossier": dossier, "procedure": dossier.procedure, "receipt": dossier_selectors.get_receipt(dossier=dossier)}
    return render(request, "instruction/counter_done.html", context)


@staff_required
def dossier_receipt(request, public_id):
    """The signed receipt (form 01) of a dossier of the officer's agencies, shown in the browser
    to be printed (404 until it is issued)."""
    dossier = _dossier_or_404(request, public_id)
    receipt = dossier_selectors.get_receipt(dossier=dossier)
    if receipt is None:
        raise Http404
    return FileResponse(receipt.file.open("rb"), content_type="application/pdf", as_attachment=False,
                        filename=f"giay-tiep-nhan-{dossier.code}.pdf")
