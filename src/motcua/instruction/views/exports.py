"""Exports of dossiers: the export page (reached from the inbox's "Export" button with the inbox's
tab, search and filters, or with ticked dossiers), its column templates, and "My exports".

The page carries the selection it was opened with as hidden fields (never widened: the service
reads it through the inbox's scoped selectors). Starting an export redirects to the job page
(views/jobs.py), which shows the progress and the download link.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.decorators import staff_required
from motcua.core.errors import NotFound, PermissionDenied
from motcua.dossiers.errors import InputInvalid

from .. import columns as columns_module
from .. import selectors
from ..exports import services as exports
from ..exports.forms import DEFAULT_COLUMNS, ExportForm

# Parameters of the export page itself; every other one is the inbox's, carried as it came.
OWN_PARAMS = frozenset({"format", "columns", "template", "template_name", "action", "csrfmiddlewaretoken", "page",
                        "cursor", "dossier"})


def _selection(data) -> dict:
    ticked = data.getlist("dossier")
    if ticked:
        return {"dossiers": ticked}
    return {"params": {key: data.getlist(key) for key in data if key not in OWN_PARAMS}}


def _carried(selection: dict) -> list[tuple[str, str]]:
    """(name, value) of the hidden fields that keep the selection from one form to the next
    (the procedure apart: the page has its own field for it)."""
    if "dossiers" in selection:
        return [("dossier", value) for value in selection["dossiers"]]
    return [(key, value) for key, values in selection["params"].items() if key != "procedure" for value in values]


def _procedure(request, data):
    raw = (data.get("procedure") or "").strip()
    if not raw:
        return None
    try:
        return exports.get_export_procedure(actor=request.user, procedure_id=raw)
    except NotFound:
        return None


def _summary(selection: dict) -> str:
    if "dossiers" in selection:
        return _("The dossiers you ticked.")
    params = selection["params"]
    tab = selectors.TABS_BY_KEY.get((params.get("tab") or [selectors.DEFAULT_TAB])[0])
    label = tab.label if tab else selectors.TABS[0].label
    filtered = any(values and any(values) for key, values in params.items() if key not in ("tab", "sort"))
    if filtered:
        return _("The list “%(tab)s” of the inbox, with its search and filters.") % {"tab": label}
    return _("The list “%(tab)s” of the inbox.") % {"tab": label}


def _page(request, *, form, selection, procedure, count, status=200, empty=False):
    templates = list(exports.list_export_templates(actor=request.user, procedure=procedure))
    carried = _carried(selection)
    back = reverse("backoffice:dossier-list")
    procedure_value = str(procedure.pk) if procedure is not None else (request.POST or request.GET).get("procedure", "")
    if "params" in selection:
        pairs = carried + ([("procedure", procedure_value)] if procedure_value else [])
        back = f"{back}?{urlencode(pairs)}" if pairs else back
    context = {
        "form": form, "groups": form.groups(), "count": count, "empty": empty, "summary": _summary(selection),
        "carried": carried, "procedure": procedure, "procedure_value": procedure_value, "procedures": exports.procedure_options(actor=request.user),
        "templates": templates, "back_url": back,
    }
    return render(request, "instruction/export.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def export_new(request):
    """GET: the export page for the selection in the URL (a template's columns with
    ?template=<id>). POST: start the export (then the job page), or save the ticked columns
    as a template (action=save_template)."""
    try:
        exports.check_can_export(request.user)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    data = request.POST if request.method == "POST" else request.GET
    selection = exports.clean_selection(_selection(data))
    procedure = _procedure(request, data)
    available = columns_module.available_columns(procedure=procedure)
    count = exports.selected_dossiers(actor=request.user, selection=selection, procedure=procedure).count()
    if request.method == "GET":
        columns = data.getlist("columns") or list(DEFAULT_COLUMNS)
        if data.get("template"):
            try:
                columns = exports.get_export_template(actor=request.user, template_id=data["template"]).columns
            except NotFound:
                messages.error(request, _("This column template does not exist any more."))
        form = ExportForm(initial={"format": data.get("format") or "csv", "columns": columns}, available=available)
        return _page(request, form=form, selection=selection, procedure=procedure, count=count,
                     status=200 if count else 400, empty=not count)

    form = ExportForm(data, available=available)
    if data.get("action") == "save_template":
        return _save_template(request, form, selection=selection, procedure=procedure, count=count)
    if not form.is_valid():
        return _page(request, form=form, selection=selection, procedure=procedure, count=count, status=400)
    try:
        job = exports.start_export(actor=request.user, format=form.cleaned_data["format"],
                                   columns=form.cleaned_data["columns"], selection=selection, procedure=procedure)
    except exports.EmptyExport:
        return _page(request, form=form, selection=selection, procedure=procedure, count=0, status=400, empty=True)
    except InputInvalid as invalid:
        for name, errors in invalid.fields.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
        return _page(request, form=form, selection=selection, procedure=procedure, count=count, status=400)
    return redirect("backoffice:job-detail", public_id=job.public_id)


def _save_template(request, form, *, selection, procedure, count):
    form.is_valid()  # cleans what can be; the service says what is missing
    try:
        template = exports.save_export_template(actor=request.user, name=form.data.get("template_name", ""),
                                                columns=form.data.getlist("columns"), procedure=procedure)
    except InputInvalid as invalid:
        for name, errors in invalid.fields.items():
            if form.errors.get(name):
                continue  # the form said it already
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
        return _page(request, form=form, selection=selection, procedure=procedure, count=count, status=400)
    messages.success(request, _("The columns were saved as the template “%(name)s”.") % {"name": template.name})
    pairs = [*_carried(selection), ("template", template.pk), ("format", form.data.get("format") or "csv")]
    if procedure is not None:
        pairs.append(("procedure", procedure.pk))
    return redirect(f"{reverse('backoffice:export-new')}?{urlencode(pairs)}")


@staff_required
@require_POST
def export_template_delete(request, template_id: int):
    """Delete one of the user's column templates, then back to the export page."""
    try:
        template = exports.get_export_template(actor=request.user, template_id=template_id)
        name = template.name
        exports.delete_export_template(actor=request.user, template_id=template_id)
    except NotFound:
        from django.http import Http404

        raise Http404 from None
    messages.success(request, _("The template “%(name)s” was deleted.") % {"name": name})
    selection = exports.clean_selection(_selection(request.POST))
    pairs = _carried(selection)
    procedure = _procedure(request, request.POST)
    if procedure is not None:
        pairs.append(("procedure", procedure.pk))
    return redirect(f"{reverse('backoffice:export-new')}?{urlencode(pairs)}")


@staff_required
def export_list(request):
    """The user's last exports, newest first, with their state and a link to each."""
    jobs = list(exports.list_exports(actor=request.user))
    for job in jobs:
        job.format_label = exports.FORMATS.get((job.params or {}).get("format"), "")
    return render(request, "instruction/export_list.html", {"jobs": jobs})
