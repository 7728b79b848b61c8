"""The wording of a decided dossier's result document: when the procedure's administrators wrote
a result template for the decision (documents.result_templates, docs/result-templates.md), its
title and text filled with this dossier's values replace the standard wording.

Entry points: `placeholder_values(context, dossier=, motivation=, decided_at=)` (the built-in
placeholders, every name of documents.placeholders.BUILT_INS) and `apply_result_template(context,
dossier=, compiled=, hidden=, decision=, motivation=, decided_at=)`, called by
services._result_context for the preview before signing and for the signed document alike.
"""

from __future__ import annotations

from collections.abc import Collection

from django.utils import timezone, translation

from motcua.documents import result_templates
from motcua.dossiers.models import Dossier


def _day(moment) -> str:
    if moment is None:
        return ""
    day = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment
    return day.strftime("%d/%m/%Y")


def placeholder_values(context: dict, *, dossier: Dossier, motivation: str, decided_at) -> dict[str, str]:
    """The value of every built-in placeholder, from the result document's `context` (letterhead,
    applicant, decision words) and the dossier."""
    procedure = dossier.procedure
    return {
        "dossier.code": dossier.code,
        "dossier.submitted_on": _day(dossier.submitted_at),
        "applicant.name": context["applicant_name"],
        "applicant.address": context["applicant_address"],
        "procedure.name": procedure.name_vi,
        "procedure.result": procedure.result_vi or procedure.name_vi,
        "agency.name": dossier.agency.name_vi,
        "agency.place": context["place_name"],
        "decision.text": context["decision_text"],
        "decision.date": _day(decided_at),
        "decision.motivation": motivation,
        "officer.name": context["signed_by"],
    }


def apply_result_template(context: dict, *, dossier: Dossier, compiled, hidden: Collection[str], decision: str,
                          motivation: str, decided_at) -> dict:
    """`context` with the template's `title` and `body_html` when the procedure has a template
    for `decision` (or for every decision); `context` unchanged otherwise. Answers hidden by the
    form's conditions print as "…", like answers never given."""
    template = result_templates.get_template_for_decision(procedure_id=dossier.procedure_id, decision=decision)
    if template is None:
        return context
    values = {key: value for key, value in dossier.values.items() if key not in hidden}
    with translation.override("vi"):  # answers are displayed as the document is written
        fields = result_templates.field_texts(compiled, values)
    return result_templates.fill(context, template, fields=fields,
                                 values=placeholder_values(context, dossier=dossier, motivation=motivation,
                                                           decided_at=decided_at))
