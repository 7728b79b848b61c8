"""Internal annotations on the staff dossier page: the section's content (editable controls for
those who may annotate, read-only text otherwise, each annotation's history) and the POST that
saves them; the answers' history (what the applicant changed in a supplement).

The controls are the field types' own widgets (`FieldType.render_widget`, as the applicant's form
renders them); the posted values are read with `FieldType.value_from_post`, then validated by
`annotations.save_annotations`. Bad input: the page again (400) with the errors next to the
controls and everything typed kept; 409 when the dossier was decided or closed meanwhile."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.decorators import staff_required
from motcua.core.errors import NotFound
from motcua.dossiers.errors import InputInvalid, InvalidTransition
from motcua.procedures import rendering, runtime
from motcua.procedures.fields.registry import field_types

from .. import annotations
from . import dossier_page as page


def _text(field, compiled, value) -> str:
    field_type = field_types[field.type]
    if field_type.is_empty(value):
        return ""
    return rendering.safe_display(field_type, value, compiled.options[field.stable_id])


def _history(field, compiled, changes) -> list[dict]:
    return [{"at": change.at, "actor": change.actor, "before": _text(field, compiled, change.old),
             "after": _text(field, compiled, change.new)} for change in changes]


def section(user, dossier, compiled, *, hidden, history: annotations.ValueHistory, values=None, errors=None,
            non_field_errors=(), editable=None) -> dict:
    """The annotations section: one item per annotation a condition does not hide, with its
    stored text, its history and, when `user` may annotate now (or `editable`), its control
    showing `values` (what was posted) with `errors`."""
    can_edit = annotations.can_annotate(user, dossier) if editable is None else editable
    values = dossier.values if values is None else values
    errors = errors or {}
    items = []
    for field in annotations.annotation_fields(compiled):
        sid = field.stable_id
        if sid in hidden:
            continue
        item = {"field": field, "text": _text(field, compiled, dossier.values.get(sid)),
                "history": _history(field, compiled, history.annotations.get(sid, ()))}
        if can_edit and annotations.is_editable(field):
            item["widget"] = field_types[field.type].render_widget(
                sid, values.get(sid), compiled.options[sid], errors.get(sid, []),
                label=field.label, help_text=field.help, required=field.required)
        items.append(item)
    field_errors = {key: value for key, value in errors.items() if key in compiled.by_id}
    other_errors = [*non_field_errors, *(m for key, value in errors.items() if key not in compiled.by_id for m in value)]
    return {
        "items": items,
        "editable": any("widget" in item for item in items),
        "non_field_errors": [str(m) for m in other_errors],
        "error_links": [{"href": "#annotations-title", "message": str(m)} for m in other_errors]
        + rendering.error_links(compiled, field_errors),
    }


def with_answer_changes(compiled, sections: list[dict], history: annotations.ValueHistory) -> list[dict]:
    """The summary sections, each answer row given the changes the applicant made to it in a
    supplement ("changes": when, and the text before when the row is the whole answer)."""
    for section_ in sections:
        for row in section_["rows"]:
            sid = row["id"].split("__")[0]
            changes = history.answers.get(sid)
            if not changes or sid not in compiled.by_id:
                continue
            whole = row["id"] == sid  # a block's cell: the date only (the change was to the whole block)
            row["changes"] = [{"at": change.at,
                               "before": _text(compiled.by_id[sid], compiled, change.old) if whole else None}
                              for change in changes]
    return sections


@staff_required
@require_POST
def dossier_annotations(request, public_id):
    """Save the dossier's internal annotations (the controls of the annotations section)."""
    dossier = page.dossier_or_404(request, public_id)
    compiled = runtime.compile_revision(dossier.revision)
    hidden = compiled.program.evaluate(dossier.values, today=timezone.localdate()).hidden
    raw = {sid: field_types[compiled.by_id[sid].type].value_from_post(request.POST, sid)
           for sid in annotations.editable_annotation_ids(compiled, hidden=hidden)}
    errors, non_field_errors, editable = {}, [], None
    try:
        annotations.save_annotations(actor=request.user, dossier=dossier, data=raw)
    except InputInvalid as invalid:
        status, errors = 400, invalid.fields
        if not errors:
            non_field_errors = [str(invalid.message)]
    except InvalidTransition as refused:
        # Decided or closed meanwhile: say so, and keep what was typed on screen (to copy it).
        status, non_field_errors, editable = 409, [str(refused.message)], True
        dossier = page.dossier_or_404(request, public_id)
    except NotFound:
        raise Http404 from None
    else:
        messages.success(request, _("The internal annotations were saved."))
        return HttpResponseRedirect(page.dossier_url(dossier, "annotations"))
    context = page.page_context(request, dossier)
    evaluation = compiled.program.evaluate(dossier.values, today=timezone.localdate())
    context["annotation_form"] = section(request.user, dossier, compiled, hidden=evaluation.hidden,
                                         history=context["value_history"], values={**dossier.values, **raw},
                                         errors=errors, non_field_errors=non_field_errors, editable=editable)
    return render(request, "instruction/dossier.html", context, status=status)
