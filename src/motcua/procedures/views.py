"""The procedure builder (back office): server-rendered pages, enhanced by htmx where useful.

Every view is for signed-in, OTP-verified staff (`staff_required`); what each person may see
and change is decided by procedures.selectors / services (procedure administrators of the
agency or of a parent agency). Objects out of scope are 404s.
"""

from __future__ import annotations

import dataclasses
import json
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.decorators import staff_required
from motcua.agencies.models import Agency
from motcua.core.errors import NotFound

from . import diff, interchange, runtime, selectors, services, validation
from .errors import RevisionInvalid
from .fields.base import FieldConfigError
from .fields.registry import field_types
from .forms import AddFieldForm, ConditionForm, FieldSettingsForm, FormulaForm, OptionsForm, ProcedureForm, RuleForm
from .logic import find_cycles, validate_logic
from .logic.formula import Unprintable, to_text
from .models import FieldDefinition

PROCEDURES_PER_PAGE = 20


def _procedure_or_404(request, public_id):
    try:
        return selectors.get_procedure_for_admin(actor=request.user, public_id=public_id)
    except NotFound:
        raise Http404 from None


def _draft_field_or_404(procedure, stable_id) -> FieldDefinition:
    draft = selectors.get_draft(procedure=procedure)
    field = draft.fields.filter(stable_id=stable_id).select_related("revision__procedure").first()
    if field is None:
        raise Http404
    return field


def _administered_agencies(user):
    return Agency.objects.filter(pk__in=selectors.administered_agency_ids(actor=user)).order_by("eid_code")


def _posted_agency(agencies, raw):
    """The agency chosen in a form among `agencies`, or None (unknown or tampered value)."""
    try:
        return agencies.filter(pk=int(raw)).first()
    except (TypeError, ValueError):
        return None


def _type_choices():
    by_family: dict[str, list] = {}
    for field_type in field_types.all():
        by_family.setdefault(str(getattr(field_type, "family_label", field_type.family)), []).append((field_type.id, field_type.label))
    return [(family, sorted(items, key=lambda item: str(item[1]))) for family, items in by_family.items()]


@staff_required
def procedure_list(request):
    procedures = selectors.list_procedures_for_admin(actor=request.user)
    page = Paginator(procedures, PROCEDURES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "can_create": _administered_agencies(request.user).exists(),
    }
    return render(request, "procedures/procedure_list.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def procedure_create(request):
    agencies = _administered_agencies(request.user)
    if not agencies.exists():
        raise Http404
    form = ProcedureForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agency, life_events = data.pop("agency"), data.pop("life_events")
        procedure = services.create_procedure(actor=request.user, agency=agency, life_events=life_events, **data)
        messages.success(request, _("The procedure was created. Add the fields of its form."))
        return redirect("builder:procedure-detail", public_id=procedure.public_id)
    return render(request, "procedures/procedure_form.html", {"form": form, "creating": True}, status=400 if form.errors else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def procedure_edit(request, public_id):
    procedure = _procedure_or_404(request, public_id)
    form = ProcedureForm(request.POST or None, instance=procedure)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields if name != "life_events"}
        services.update_procedure(actor=request.user, procedure=procedure, life_events=form.cleaned_data["life_events"], **data)
        messages.success(request, _("The procedure was saved."))
        return redirect("builder:procedure-detail", public_id=procedure.public_id)
    # The form edits `procedure` in place when invalid: reload for the page header.
    context = {"form": form, "creating": False, "procedure": selectors.get_procedure_for_admin(actor=request.user, public_id=public_id)}
    return render(request, "procedures/procedure_form.html", context, status=400 if form.errors else 200)


def _field_rows(fields):
    return [(f, field_types[f.type].label if f.type in field_types else f.type) for f in fields]


def _detail_context(request, procedure, *, add_form=None, problems=None):
    draft = selectors.get_draft(procedure=procedure)
    fields = selectors.list_fields(revision=draft)
    blocks = [f for f in fields if f.type in field_types and field_types[f.type].value_type == "rows"]
    return {
        "procedure": procedure,
        "draft": draft,
        "published": selectors.get_published(procedure=procedure),
        "rows": _field_rows(fields),
        "add_form": add_form or AddFieldForm(type_choices=_type_choices(), blocks=blocks),
        "revisions": procedure.revisions.order_by("-number")[:20],
        "problems": problems,
        "clone_agencies": _administered_agencies(request.user),
        **_pane_context(draft),
    }


@staff_required
def procedure_detail(request, public_id):
    procedure = _procedure_or_404(request, public_id)
    return render(request, "procedures/procedure_detail.html", _detail_context(request, procedure))


@staff_required
def procedure_preview_pane(request, public_id):
    """The detail page's preview pane alone (htmx refreshes it after each builder action)."""
    procedure = _procedure_or_404(request, public_id)
    context = {"procedure": procedure, **_pane_context(selectors.get_draft(procedure=procedure))}
    return render(request, "procedures/_preview_pane.html", context)


@staff_required
@require_POST
def field_add(request, public_id):
    procedure = _procedure_or_404(request, public_id)
    draft = selectors.get_draft(procedure=procedure)
    blocks = [f for f in selectors.list_fields(revision=draft) if f.type in field_types and field_types[f.type].value_type == "rows"]
    form = AddFieldForm(request.POST, type_choices=_type_choices(), blocks=blocks)
    if not form.is_valid():
        return render(request, "procedures/procedure_detail.html", _detail_context(request, procedure, add_form=form), status=400)
    parent = next((b for b in blocks if b.pk == form.cleaned_data.get("parent")), None)
    field = services.add_field(
        actor=request.user, revision=draft, type=form.cleaned_data["type"], label_vi=form.cleaned_data["label_vi"], parent=parent
    )
    messages.success(request, _("The field was added. Set it up below."))
    return redirect("builder:field-edit", public_id=procedure.public_id, stable_id=field.stable_id)


def _condition_sources(field: FieldDefinition, fields: list[FieldDefinition]) -> list[tuple[str, str]]:
    """Fields a condition on `field` may test: logic sources placed before it."""
    sources = []
    for other in fields:
        if other.pk == field.pk:
            break
        field_type = field_types[other.type] if other.type in field_types else None
        if field_type and field_type.can_be_logic_source:
            sources.append((other.stable_id, other.label))
    return sources


def _value_types(fields) -> dict[str, str]:
    return {f.stable_id: field_types[f.type].value_type for f in fields if f.type in field_types}


def _has_formula(field_type) -> bool:
    """Whether the type's options hold a formula (edited with the formula editor, not as JSON)."""
    return "formula" in field_type.options_schema.model_fields


def _formula_sources(field: FieldDefinition, fields: list[FieldDefinition]) -> list[dict]:
    """What the formula of `field` may read, for the field picker: every other logic source, and
    the columns of repetition blocks by their own id (a sibling's cell in a column's formula,
    a list to aggregate elsewhere: sum({column}))."""
    by_pk = {f.pk: f for f in fields}
    sources = []
    for other in fields:
        field_type = field_types[other.type] if other.type in field_types else None
        if other.pk == field.pk or field_type is None or not field_type.can_be_logic_source:
            continue
        parent = by_pk.get(other.parent_id)
        reference = other.stable_id
        label = f"{parent.label} › {other.label}" if parent is not None else other.label
        sources.append({"reference": "{" + reference + "}", "label": label, "type": field_type.label, "is_list": parent is not None})
    return sources


def _formula_problems(*, field, field_type, options: dict, ast, fields) -> list:
    """Logic errors of a calculated field's new formula: unknown fields, types (the result
    checked against the type chosen in `options`), and loops through other formulas."""
    infos = validation.field_infos(fields)
    info = infos.get(field.stable_id)
    if info is not None:
        value_type = info.value_type
        if hasattr(field_type, "value_type_for"):
            try:
                value_type = field_type.value_type_for(field_type.parse_options(options))
            except FieldConfigError:  # reported with the options
                pass
        infos[field.stable_id] = dataclasses.replace(info, value_type=value_type, formula=ast)
    order = {f.stable_id: i for i, f in enumerate(fields)}
    errors = validate_logic(ast, fields=infos, usage="calculated", owner=field.stable_id, order=order)
    if errors:
        return errors
    formulas = {sid: i.formula for sid, i in infos.items() if i.is_calculated and i.formula is not None}
    formulas[field.stable_id] = ast
    for cycle in find_cycles(formulas):
        if field.stable_id in cycle:
            labels = " → ".join(infos[sid].label or sid if sid in infos else sid for sid in cycle)
            return [validation.simple_problem("cycle", _("This formula depends on its own result through: %(cycle)s.") % {"cycle": labels})]
    return []


def _hide_errors(form) -> None:
    """A bound form shown again after an editing action: keep what was typed, show no error yet."""
    form._errors = ErrorDict()
    form.cleaned_data = {}


@staff_required
@require_http_methods(["GET", "POST"])
def field_edit(request, public_id, stable_id):
    procedure = _procedure_or_404(request, public_id)
    field = _draft_field_or_404(procedure, stable_id)
    field_type = field_types[field.type]
    fields = selectors.list_fields(revision=field.revision)
    sources = _condition_sources(field, fields)
    value_types = _value_types(fields)
    has_formula = _has_formula(field_type)
    data = request.POST if request.method == "POST" else None
    settings_form = FieldSettingsForm(data, has_value=field_type.has_value, initial={
        name: getattr(field, name) for name in ("label_vi", "label_en", "label_fr", "help_vi", "help_en", "help_fr", "required", "private")
    }, prefix="settings")
    options_form = OptionsForm(data, schema=field_type.options_schema, initial_options=field.options, prefix="options",
                               exclude=("formula",) if has_formula else ())
    condition_form = ConditionForm(data, sources=sources, value_types=value_types, ast=field.condition, prefix="condition")
    formula_form = FormulaForm(data, ast=(field.options or {}).get("formula"), prefix="formula") if has_formula else None
    all_forms = [form for form in (settings_form, options_form, formula_form, condition_form) if form is not None]
    if condition_form.changed:
        for form in all_forms:
            if form is not condition_form:
                _hide_errors(form)
    elif data is not None:
        # Each editor reads its own input even when another form has errors: every problem shows at once.
        valid = all([form.is_valid() for form in all_forms])
        formula_ast = formula_form.to_ast() if formula_form and formula_form.is_valid() else None
        condition = condition_form.to_ast() if condition_form.is_valid() else None
        if options_form.is_valid():
            options = options_form.options()
            if formula_ast is not None:
                options["formula"] = formula_ast
            for problem in validation.field_problems(field_type, options, condition, field=field, fields=fields):
                if problem.path.startswith("condition"):
                    condition_form.add_error(None, problem.message)
                elif formula_form and problem.path.startswith("options.formula"):
                    formula_form.add_error(formula_form.name, problem.message)
                else:
                    options_form.add_error(None, problem.message)
            if formula_ast is not None and not formula_form.errors:
                formula_form.add_logic_errors(
                    _formula_problems(field=field, field_type=field_type, options=options, ast=formula_ast, fields=fields), formula_ast
                )
            if valid and not any(form.errors for form in all_forms):
                services.update_field(actor=request.user, field=field, options=options, condition=condition, **settings_form.cleaned_data)
                messages.success(request, _("The field was saved."))
                return redirect(reverse("builder:procedure-detail", kwargs={"public_id": procedure.public_id}) + f"#field-{field.stable_id}")
    context = {
        "procedure": procedure, "field": field, "field_type": field_type, "settings_form": settings_form,
        "options_form": options_form, "condition_form": condition_form, "formula_form": formula_form,
        "formula_sources": _formula_sources(field, fields) if formula_form else [], "has_sources": bool(sources),
        "error_forms": [form for form in all_forms if form.errors],
    }
    return render(request, "procedures/field_edit.html", context, status=400 if data is not None and not condition_form.changed else 200)


@staff_required
@require_POST
def field_move(request, public_id, stable_id):
    procedure = _procedure_or_404(request, public_id)
    field = _draft_field_or_404(procedure, stable_id)
    siblings = list(FieldDefinition.objects.filter(revision=field.revision, parent=field.parent).order_by("position", "id"))
    index = siblings.index(field)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(siblings):
        services.move_field(actor=request.user, field=field, position=target)
    if request.headers.get("HX-Request") == "true":
        # htmx swaps the list in place (the moved button keeps the focus: same id) and the
        # "builder-changed" event makes the preview pane fetch itself again.
        context = {"procedure": procedure, "rows": _field_rows(selectors.list_fields(revision=field.revision))}
        response = render(request, "procedures/_field_list.html", context)
        response["HX-Trigger"] = "builder-changed"
        return response
    return redirect(reverse("builder:procedure-detail", kwargs={"public_id": procedure.public_id}) + f"#field-{field.stable_id}")


@staff_required
@require_http_methods(["GET", "POST"])
def field_delete(request, public_id, stable_id):
    procedure = _procedure_or_404(request, public_id)
    field = _draft_field_or_404(procedure, stable_id)
    if request.method == "POST":
        services.delete_field(actor=request.user, field=field)
        messages.success(request, _("The field was deleted."))
        return redirect("builder:procedure-detail", public_id=procedure.public_id)
    return render(request, "procedures/field_delete.html", {"procedure": procedure, "field": field})


@staff_required
@require_POST
def procedure_publish(request, public_id):
    procedure = _procedure_or_404(request, public_id)
    try:
        revision = services.publish_revision(actor=request.user, procedure=procedure)
    except RevisionInvalid as error:
        context = _detail_context(request, procedure, problems=error.problems)
        return render(request, "procedures/procedure_detail.html", context, status=422)
    messages.success(request, _("Version %(number)s is published.") % {"number": revision.number})
    return redirect("builder:procedure-detail", public_id=procedure.public_id)


@staff_required
@require_POST
def procedure_clone(request, public_id):
    procedure = _procedure_or_404(request, public_id)
    agency = _posted_agency(_administered_agencies(request.user), request.POST.get("agency") or procedure.agency_id)
    if agency is None:
        raise Http404
    clone = services.clone_procedure(actor=request.user, procedure=procedure, agency=agency)
    messages.success(request, _("This is the copy. It is not published yet."))
    return redirect("builder:procedure-detail", public_id=clone.public_id)


@staff_required
def procedure_export(request, public_id):
    procedure = _procedure_or_404(request, public_id)
    data = interchange.export_procedure(procedure=procedure)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8")
    name = procedure.national_code or str(procedure.public_id)
    response["Content-Disposition"] = f'attachment; filename="procedure-{name}.json"'
    return response


def _test_rows(compiled, data, block_id: str) -> int:
    options = compiled.options[block_id]
    try:
        posted = int(data.get(f"{block_id}__rows", 0))
    except (TypeError, ValueError):
        posted = 0
    rows = max(posted, getattr(options, "min_rows", 0), 1)
    if data.get("add_row") == block_id:
        rows += 1
    return min(rows, getattr(options, "max_rows", 50))


def _test_data(compiled, data) -> dict:
    """The raw answers of the test form, in the shape runtime.validate_step takes."""
    raw = {}
    for field in compiled.fields:
        if field.parent_id or field.private:
            continue
        field_type = field_types[field.type]
        if field_type.value_type == "rows":
            raw[field.stable_id] = [
                {col: field_types[compiled.by_id[col].type].value_from_post(data, f"{field.stable_id}__{i}__{col}")
                 for col in compiled.columns.get(field.stable_id, ())}
                for i in range(_test_rows(compiled, data, field.stable_id))
            ]
        elif field_type.has_value:
            raw[field.stable_id] = field_type.value_from_post(data, field.stable_id)
    return raw


def _preview_items(compiled, data, raw, result, *, show_errors: bool, name_prefix: str = "") -> list[dict]:
    """The visible fields of the form, each with its rendered widget (the applicant's widgets);
    a repetition block gives its rows of cells. `name_prefix` keeps names and ids apart from
    the other controls of the page (the builder's preview pane)."""
    items = []
    for field in compiled.fields:
        if field.parent_id or field.private or field.stable_id in result.evaluation.hidden:
            continue
        field_type = field_types[field.type]
        options = compiled.options[field.stable_id]
        if field_type.value_type == "rows":
            rows = []
            for i in range(_test_rows(compiled, data, field.stable_id)):
                cells = []
                for col in compiled.columns.get(field.stable_id, ()):
                    column = compiled.by_id[col]
                    key = f"{field.stable_id}.{i}.{col}"
                    row_values = raw.get(field.stable_id) or []
                    cells.append(field_types[column.type].render_widget(
                        f"{name_prefix}{field.stable_id}__{i}__{col}", row_values[i].get(col) if i < len(row_values) else None,
                        compiled.options[col], result.errors.get(key, []) if show_errors else [],
                        label=column.label, help_text=column.help, required=column.required,
                    ))
                rows.append(cells)
            items.append({"field": field, "rows": rows, "row_count": len(rows),
                          "errors": result.errors.get(field.stable_id, []) if show_errors else []})
            continue
        value = result.values.get(field.stable_id, raw.get(field.stable_id))
        widget = field_type.render_widget(
            f"{name_prefix}{field.stable_id}", value, options, result.errors.get(field.stable_id, []) if show_errors else [],
            label=field.label, help_text=field.help, required=field.required,
        )
        items.append({"field": field, "widget": widget})
    return items


def _pane_context(draft) -> dict:
    """The preview pane of the detail page: the draft's form before any answer, no errors."""
    compiled = runtime.compile_revision(draft)
    raw = _test_data(compiled, {})
    result = runtime.validate_step(revision=draft, step=None, data=raw, values={}, check_eligibility=False)
    return {"pane_items": _preview_items(compiled, {}, raw, result, show_errors=False, name_prefix="preview-")}


@staff_required
@require_http_methods(["GET", "POST"])
def procedure_preview(request, public_id):
    """Test the draft's form: fill it in, then "Check" runs exactly what submission will run
    (cleaning, conditions, calculated fields, required answers, ineligibility rules). Nothing
    is stored. With htmx, conditions and calculated values update on each change."""
    procedure = _procedure_or_404(request, public_id)
    draft = selectors.get_draft(procedure=procedure)
    compiled = runtime.compile_revision(draft)
    data = request.POST if request.method == "POST" else {}
    live = request.headers.get("HX-Request") == "true" or "add_row" in data
    raw = _test_data(compiled, data)
    result = runtime.validate_step(revision=draft, step=None, data=raw, values={}, check_eligibility=True)
    show_errors = request.method == "POST" and not live
    items = _preview_items(compiled, data, raw, result, show_errors=show_errors)
    context = {
        "procedure": procedure, "items": items, "checked": show_errors, "result": result,
        "error_count": len(result.errors) if show_errors else 0,
        "ineligible": [payload for _rule, payload in result.ineligible] if show_errors else [],
    }
    template = "procedures/_test_form.html" if request.headers.get("HX-Request") == "true" else "procedures/procedure_preview.html"
    return render(request, template, context)


@staff_required
@require_http_methods(["GET", "POST"])
def procedure_import(request):
    agencies = _administered_agencies(request.user)
    if not agencies.exists():
        raise Http404
    problems, status = None, 200
    if request.method == "POST":
        agency = _posted_agency(agencies, request.POST.get("agency"))
        upload = request.FILES.get("file")
        if agency is None or upload is None:
            problems, status = [validation.simple_problem("missing_input", _("Choose the agency and the file to import."))], 400
        else:
            try:
                with transaction.atomic():
                    procedure = interchange.import_procedure(
                        actor=request.user, agency=agency, data=interchange.load_document(upload.read(interchange.MAX_IMPORT_BYTES + 1))
                    )
            except RevisionInvalid as error:
                problems, status = error.problems, 400
            else:
                messages.success(request, _("The procedure was imported as a draft."))
                return redirect("builder:procedure-detail", public_id=procedure.public_id)
    return render(request, "procedures/procedure_import.html", {"agencies": agencies, "problems": problems,
                                                                  "chosen_agency": request.POST.get("agency", "")}, status=status)


@staff_required
def revision_diff(request, public_id):
    """What changed between two versions (default: the published one and the draft)."""
    procedure = _procedure_or_404(request, public_id)
    revisions = {r.number: r for r in procedure.revisions.all()}
    draft = selectors.get_draft(procedure=procedure)
    published = selectors.get_published(procedure=procedure)

    def pick(name, default):
        try:
            return revisions.get(int(request.GET.get(name, "")), default)
        except ValueError:
            return default

    new = pick("to", draft)
    old = pick("from", published or draft)
    context = {"procedure": procedure, "old": old, "new": new, "diff": diff.diff_revisions(old, new),
               "numbers": sorted(revisions, reverse=True)}
    return render(request, "procedures/revision_diff.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def procedure_close(request, public_id):
    procedure = _procedure_or_404(request, public_id)
    candidates = selectors.list_procedures_for_admin(actor=request.user).exclude(pk=procedure.pk).filter(status="active")
    if request.method == "POST":
        chosen = request.POST.get("successor", "")
        try:
            successor = candidates.filter(public_id=uuid.UUID(chosen)).first() if chosen else None
        except ValueError:
            successor = None
        if chosen and successor is None:
            return render(request, "procedures/procedure_close.html", {"procedure": procedure, "candidates": candidates,
                                                                        "error": _("Choose a procedure from the list.")}, status=400)
        services.close_procedure(actor=request.user, procedure=procedure, successor=successor)
        messages.success(request, _("The procedure is closed."))
        return redirect("builder:procedure-detail", public_id=procedure.public_id)
    return render(request, "procedures/procedure_close.html", {"procedure": procedure, "candidates": candidates})


def _rule_sources(fields) -> list[tuple[str, str]]:
    return [(f.stable_id, f.label) for f in fields if f.type in field_types and field_types[f.type].can_be_logic_source and not f.parent_id]


def _condition_text(condition) -> str:
    """A rule's condition as a readable formula (JSON when the syntax cannot write it)."""
    try:
        return to_text(condition)
    except Unprintable:
        return json.dumps(condition, ensure_ascii=False)


@staff_required
@require_http_methods(["GET", "POST"])
def rules_edit(request, public_id):
    """Ineligibility rules (with the message shown to the applicant) and routing rules of the
    draft, each built with the same condition editor as the fields'."""
    procedure = _procedure_or_404(request, public_id)
    draft = selectors.get_draft(procedure=procedure)
    fields = selectors.list_fields(revision=draft)
    sources = _rule_sources(fields)
    data = request.POST if request.method == "POST" else None
    kind = (data or request.GET).get("kind", "ineligibility")
    if kind not in ("ineligibility", "routing"):
        kind = "ineligibility"
    adding = data is not None and data.get("action") == "add"
    condition_form = ConditionForm(data if adding else None, sources=sources, value_types=_value_types(fields), prefix="condition")
    rule_form = RuleForm(data if adding else None, kind=kind)
    status = 200
    if data and data.get("action") == "delete":
        rule_id = data.get("rule_id", "")
        services.set_rules(
            actor=request.user, revision=draft,
            ineligibility_rules=[r for r in draft.ineligibility_rules if r.get("id") != rule_id],
            routing_rules=[r for r in draft.routing_rules if r.get("id") != rule_id],
        )
        messages.success(request, _("The rule was deleted."))
        return redirect("builder:rules-edit", public_id=procedure.public_id)
    if adding and condition_form.changed:
        _hide_errors(rule_form)
    elif adding:
        status = 400
        rule_valid = rule_form.is_valid()
        if condition_form.is_valid():
            condition = condition_form.to_ast()
            if condition is None and not condition_form.errors:
                condition_form.add_error(None, _("Choose at least one field to test."))
            if condition is not None:
                order = {f.stable_id: i for i, f in enumerate(fields)}
                for error in validate_logic(condition, fields=validation.field_infos(fields), usage=kind, owner=None, order=order):
                    condition_form.add_error(None, str(error.message))
            if rule_valid and not condition_form.errors:
                rule = {"id": "r" + uuid.uuid4().hex[:8], "condition": condition, **rule_form.cleaned_data}
                if kind == "ineligibility":
                    services.set_rules(actor=request.user, revision=draft, ineligibility_rules=[*draft.ineligibility_rules, rule])
                else:
                    services.set_rules(actor=request.user, revision=draft, routing_rules=[*draft.routing_rules, rule])
                messages.success(request, _("The rule was added."))
                return redirect("builder:rules-edit", public_id=procedure.public_id)
    context = {
        "procedure": procedure, "draft": draft, "condition_form": condition_form, "rule_form": rule_form, "kind": kind,
        "has_sources": bool(sources), "error_forms": [form for form in (condition_form, rule_form) if form.errors],
        "ineligibility_rules": [{**rule, "condition_text": _condition_text(rule.get("condition"))} for rule in draft.ineligibility_rules],
        "routing_rules": [{**rule, "condition_text": _condition_text(rule.get("condition"))} for rule in draft.routing_rules],
    }
    return render(request, "procedures/rules_edit.html", context, status=status)
