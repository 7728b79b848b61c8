"""Back-office pages where procedure administrators write the result documents of a procedure
(documents.result_templates): the list of decision kinds, and one page per kind with the form,
the placeholders it may use, a PDF preview with sample values and the removal.

Mounted under the builder's address (/backoffice/procedures/<id>/result-templates/); the
builder's procedure page links here. Staff only (`staff_required`); a procedure the user does not
administer, or an unknown decision kind, is a 404. Bad input shows the page again with every
message next to its field and what was typed (400); nothing is saved then.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.decorators import staff_required
from motcua.core.errors import NotFound
from motcua.procedures import selectors as procedure_selectors

from . import placeholders, result_templates
from .constants import ResultTemplateDecision
from .errors import ResultTemplateInvalid
from .forms import ResultTemplateForm


def _procedure_or_404(request, public_id):
    try:
        return procedure_selectors.get_procedure_for_admin(actor=request.user, public_id=public_id)
    except NotFound:
        raise Http404 from None


def _template_or_404(request, procedure, decision):
    try:
        return result_templates.get_template_for_admin(actor=request.user, procedure=procedure, decision=decision)
    except NotFound:
        raise Http404 from None


def _edit_context(procedure, decision: str, template, form) -> dict:
    return {
        "procedure": procedure,
        "decision": decision,
        "decision_label": ResultTemplateDecision(decision).label,
        "template": template,
        "form": form,
        "built_ins": [(f"[{item.name}]", item.label) for item in placeholders.BUILT_INS.values()],
        "fields": result_templates.list_field_placeholders(procedure=procedure),
        "saved_problems": result_templates.template_problems(procedure=procedure, template=template) if template else [],
        "motivation_required": decision != ResultTemplateDecision.ACCEPTED,
    }


def _show_errors(request, procedure, decision, template, form, error: ResultTemplateInvalid):
    for name, problems in error.fields.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)
    return render(request, "documents/result_template_edit.html", _edit_context(procedure, decision, template, form),
                  status=400)


@staff_required
def result_template_list(request, public_id):
    procedure = _procedure_or_404(request, public_id)
    try:
        kinds = result_templates.list_templates_for_admin(actor=request.user, procedure=procedure)
    except NotFound:
        raise Http404 from None
    return render(request, "documents/result_template_list.html", {"procedure": procedure, "kinds": kinds})


@staff_required
@require_http_methods(["GET", "POST"])
def result_template_edit(request, public_id, decision):
    procedure = _procedure_or_404(request, public_id)
    template = _template_or_404(request, procedure, decision)
    starter_title, starter_body = result_templates.STARTERS[decision]
    initial = {"title": template.title, "body": template.body} if template else {"title": starter_title, "body": starter_body}
    form = ResultTemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "documents/result_template_edit.html",
                          _edit_context(procedure, decision, template, form), status=400)
        try:
            result_templates.save_result_template(actor=request.user, procedure=procedure, decision=decision,
                                                  title=form.cleaned_data["title"], body=form.cleaned_data["body"])
        except ResultTemplateInvalid as error:
            return _show_errors(request, procedure, decision, template, form, error)
        messages.success(request, _("The result document was saved. It is used for the next decisions."))
        return redirect("result_templates:result-template-list", public_id=procedure.public_id)
    return render(request, "documents/result_template_edit.html", _edit_context(procedure, decision, template, form))


@staff_required
@require_POST
def result_template_preview(request, public_id, decision):
    """The unsigned PDF of the text as typed (the form's "Preview" button posts here, in a new
    tab); errors: the edit page again with the messages and what was typed."""
    procedure = _procedure_or_404(request, public_id)
    template = _template_or_404(request, procedure, decision)
    form = ResultTemplateForm(request.POST)
    if not form.is_valid():
        return render(request, "documents/result_template_edit.html",
                      _edit_context(procedure, decision, template, form), status=400)
    try:
        pdf = result_templates.preview_result_template_pdf(actor=request.user, procedure=procedure, decision=decision,
                                                           title=form.cleaned_data["title"], body=form.cleaned_data["body"])
    except ResultTemplateInvalid as error:
        return _show_errors(request, procedure, decision, template, form, error)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="result-template-{decision}-preview.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_POST
def result_template_delete(request, public_id, decision):
    procedure = _procedure_or_404(request, public_id)
    try:
        deleted = result_templates.delete_result_template(actor=request.user, procedure=procedure, decision=decision)
    except NotFound:
        raise Http404 from None
    if deleted:
        messages.success(request, _("The template was removed: the standard wording is printed again."))
    return redirect("result_templates:result-template-list", public_id=procedure.public_id)
