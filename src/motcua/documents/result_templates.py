"""Result templates: the wording of a procedure's result document, per decision, written by the
procedure's administrators (issue 6, item 6; docs/result-templates.md).

Entry points:
- `list_templates_for_admin(actor=, procedure=)`: every decision kind with its template or None.
- `save_result_template(actor=, procedure=, decision=, title=, body=)`: create or replace one.
- `delete_result_template(actor=, procedure=, decision=)`: back to the standard wording.
- `preview_result_template_pdf(actor=, procedure=, decision=, title=, body=)`: the unsigned
  result document with sample values, as typed (not saved).
- `list_field_placeholders(procedure=)`: the answers a template may print (`[field:<id>]`).
- `get_template_for_decision(procedure_id=, decision=)` and `fill(context, template, values=,
  fields=)`: what instruction uses to print a decided dossier's result; `field_texts(compiled,
  values)` gives the answers as displayed.
- `copy_result_templates(source=, target=)`: a cloned procedure keeps its templates (receiver
  of procedures.signals.procedure_cloned, connected in DocumentsConfig.ready()).

Invariants: a saved template names only known placeholders: built-in names, and fields of the
procedure's published revision or of its draft (checked by placeholders.check; a field deleted
later prints "…", never an error). Refusals and closures state their reasons: a template used
for them prints `[decision.motivation]`. Permission: a procedure administrator of the
procedure's agency or of a parent agency, or a superuser; anyone else gets NotFound.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from motcua.core.errors import NotFound
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.fields.registry import field_types
from motcua.procedures.rendering import safe_display

from . import placeholders, services
from .constants import RESULT_TEMPLATE_BODY_MAX_LENGTH, RESULT_TEMPLATE_TITLE_MAX_LENGTH, ResultTemplateDecision
from .errors import ResultTemplateInvalid
from .models import ResultTemplate
from .receipts import vietnamese_date

logger = logging.getLogger(__name__)

RESULT_TEMPLATE = "documents/pdf/result.html"
ISSUED_TITLE_MAX_LENGTH = 255  # IssuedDocument.title
# Answers that cannot be printed in a sentence: repetition blocks (tables) and files.
_NOT_PRINTABLE = frozenset({"rows", "file"})
# Kinds whose decisions must state their reasons (a template for every decision is one of them).
_MOTIVATED = frozenset({ResultTemplateDecision.ANY, ResultTemplateDecision.REFUSED, ResultTemplateDecision.WITHOUT_FOLLOW_UP})
# The decision in words, as instruction.services.DECISION_TEXT_VI prints it (a test keeps them
# equal): for the builder's preview only. Vietnamese: the document's language.
SAMPLE_DECISION_TEXT = {
    ResultTemplateDecision.ANY: "Chấp thuận",
    ResultTemplateDecision.ACCEPTED: "Chấp thuận",
    ResultTemplateDecision.REFUSED: "Từ chối giải quyết",
    ResultTemplateDecision.WITHOUT_FOLLOW_UP: "Dừng giải quyết, không tiếp tục xử lý",
}


_APPLICANT_LINES = ("Tổ chức, cá nhân: [applicant.name]\nĐịa chỉ: [applicant.address]\n"
                    "Thủ tục hành chính: [procedure.name]\nHồ sơ nộp ngày [dossier.submitted_on].")
_REASONS = "Quyết định: [decision.text].\nLý do: [decision.motivation]\n\nXin thông báo để Ông/Bà được biết./."
# What a new template's form starts with: the standard wording in placeholders (Vietnamese).
STARTERS = {
    ResultTemplateDecision.ANY: ("Kết quả giải quyết hồ sơ", f"{_APPLICANT_LINES}\n\n{_REASONS}"),
    ResultTemplateDecision.ACCEPTED: ("Kết quả giải quyết thủ tục hành chính",
                                      f"{_APPLICANT_LINES}\n\nKết quả: [decision.text] – [procedure.result]."),
    ResultTemplateDecision.REFUSED: ("Thông báo từ chối giải quyết hồ sơ", f"{_APPLICANT_LINES}\n\n{_REASONS}"),
    ResultTemplateDecision.WITHOUT_FOLLOW_UP: ("Thông báo dừng giải quyết hồ sơ", f"{_APPLICANT_LINES}\n\n{_REASONS}"),
}


def _check_can_administer(actor, procedure) -> None:
    if procedure.agency_id not in procedure_selectors.administered_agency_ids(actor=actor):
        raise NotFound()


def _check_decision(decision: str) -> None:
    if decision not in ResultTemplateDecision.values:
        raise NotFound()


# --- Reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldPlaceholder:
    """A field whose answer a template may print."""

    stable_id: str
    label: str
    type_label: str
    in_draft: bool
    in_published: bool

    @property
    def placeholder(self) -> str:
        return f"[{placeholders.FIELD_NAMESPACE}:{self.stable_id}]"


def is_printable(field) -> bool:
    """A top-level field of the applicant's form with a value that reads as text (not a block,
    not a file). Private fields (instructors' annotations) are never printed for the applicant."""
    if field.parent_id is not None or field.private or field.type not in field_types:
        return False
    field_type = field_types[field.type]
    return field_type.has_value and field_type.value_type not in _NOT_PRINTABLE


def list_field_placeholders(*, procedure) -> list[FieldPlaceholder]:
    """The printable fields of the draft (in form order), then those only in the published
    revision. Two queries per revision."""
    draft = procedure_selectors.get_draft(procedure=procedure)
    published = procedure_selectors.get_published(procedure=procedure)
    draft_fields = [f for f in procedure_selectors.list_fields(revision=draft) if is_printable(f)]
    published_fields = [f for f in procedure_selectors.list_fields(revision=published) if is_printable(f)] if published else []
    published_ids = {f.stable_id for f in published_fields}
    draft_ids = {f.stable_id for f in draft_fields}
    found = []
    for field in [*draft_fields, *(f for f in published_fields if f.stable_id not in draft_ids)]:
        found.append(FieldPlaceholder(
            stable_id=field.stable_id, label=field.label, type_label=str(field_types[field.type].label),
            in_draft=field.stable_id in draft_ids, in_published=field.stable_id in published_ids,
        ))
    return found


def get_template_for_decision(*, procedure_id: int, decision: str) -> ResultTemplate | None:
    """The template of that decision, else the procedure's template for every decision, else
    None (the standard wording). No permission check: for documents being issued."""
    rows = {t.decision: t for t in ResultTemplate.objects.filter(
        procedure_id=procedure_id, decision__in=[decision, ResultTemplateDecision.ANY])}
    return rows.get(decision) or rows.get(ResultTemplateDecision.ANY)


def list_templates_for_admin(*, actor, procedure) -> list[tuple[str, str, ResultTemplate | None]]:
    """(decision, its label, its template or None) for every kind, in ResultTemplateDecision
    order. NotFound unless `actor` administers the procedure. One query."""
    _check_can_administer(actor, procedure)
    rows = {t.decision: t for t in ResultTemplate.objects.filter(procedure=procedure).select_related("updated_by")}
    return [(value, label, rows.get(value)) for value, label in ResultTemplateDecision.choices]


def get_template_for_admin(*, actor, procedure, decision: str) -> ResultTemplate | None:
    """The procedure's template for `decision` (None when not written). NotFound for an
    unknown decision or an actor who does not administer the procedure."""
    _check_can_administer(actor, procedure)
    _check_decision(decision)
    return ResultTemplate.objects.filter(procedure=procedure, decision=decision).select_related("updated_by").first()


# --- Checking -------------------------------------------------------------------------------------


def check_template(*, decision: str, title: str, body: str, field_ids) -> dict[str, list[str]]:
    """Messages (in the active language) by form field, "title" and "body"; empty when valid."""
    problems: dict[str, list[str]] = {}
    if not title.strip():
        problems.setdefault("title", []).append(gettext("Enter the title of the document."))
    elif len(title) > RESULT_TEMPLATE_TITLE_MAX_LENGTH:
        problems.setdefault("title", []).append(
            gettext("Write at most %(max)s characters.") % {"max": RESULT_TEMPLATE_TITLE_MAX_LENGTH})
    if not body.strip():
        problems.setdefault("body", []).append(gettext("Write the text of the document."))
    elif len(body) > RESULT_TEMPLATE_BODY_MAX_LENGTH:
        problems.setdefault("body", []).append(
            gettext("Write at most %(max)s characters.") % {"max": RESULT_TEMPLATE_BODY_MAX_LENGTH})
    for name, text in (("title", title), ("body", body)):
        problems_found = placeholders.check(text, field_ids=field_ids)
        if problems_found:
            problems.setdefault(name, []).extend(problem.message for problem in problems_found)
    if decision in _MOTIVATED and body.strip() and placeholders.MOTIVATION not in placeholders.placeholder_names(body):
        problems.setdefault("body", []).append(gettext(
            "Refusals and closures without follow-up must give their reasons: put [decision.motivation] in the text."))
    return problems


def template_problems(*, procedure, template: ResultTemplate) -> list[str]:
    """What is wrong with a saved template now (a field it prints was deleted since), for the
    administrator's page."""
    field_ids = {f.stable_id for f in list_field_placeholders(procedure=procedure)}
    found = check_template(decision=template.decision, title=template.title, body=template.body, field_ids=field_ids)
    return [message for messages in found.values() for message in messages]


def _checked(procedure, decision: str, title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), placeholders.normalise(body).strip()
    field_ids = {f.stable_id for f in list_field_placeholders(procedure=procedure)}
    problems = check_template(decision=decision, title=title, body=body, field_ids=field_ids)
    if problems:
        raise ResultTemplateInvalid(fields=problems)
    return title, body


# --- Writes ---------------------------------------------------------------------------------------


def save_result_template(*, actor, procedure, decision: str, title: str, body: str) -> ResultTemplate:
    """Create or replace the procedure's template for `decision`.

    Permission: a procedure administrator of the procedure (others: NotFound). Raises NotFound
    for an unknown decision, ResultTemplateInvalid (fields "title", "body": empty, too long, an
    unknown or malformed placeholder, named with its line and column; the motivation missing
    from a template used for refusals); nothing is changed then."""
    _check_can_administer(actor, procedure)
    _check_decision(decision)
    title, body = _checked(procedure, decision, title, body)
    with transaction.atomic():
        template = (ResultTemplate.objects.select_for_update().filter(procedure=procedure, decision=decision).first()
                    or ResultTemplate(procedure=procedure, decision=decision))
        template.title, template.body, template.updated_by = title, body, actor
        template.full_clean()
        template.save()
    logger.info("result_template.saved procedure=%s decision=%s actor=%s", procedure.pk, decision, getattr(actor, "pk", None))
    return template


def delete_result_template(*, actor, procedure, decision: str) -> bool:
    """Remove the procedure's template for `decision` (the standard wording, or the template
    for every decision, is printed again). True when there was one. Permission as saving."""
    _check_can_administer(actor, procedure)
    _check_decision(decision)
    deleted, _rows = ResultTemplate.objects.filter(procedure=procedure, decision=decision).delete()
    logger.info("result_template.deleted procedure=%s decision=%s actor=%s", procedure.pk, decision, getattr(actor, "pk", None))
    return bool(deleted)


def copy_result_templates(*, source, target) -> int:
    """Give `target` (a fresh clone of `source`) the templates of `source`; returns how many.
    The clone's draft is a copy of the source's draft, so the fields they print are there."""
    copies = [ResultTemplate(procedure=target, decision=t.decision, title=t.title, body=t.body, updated_by=t.updated_by)
              for t in ResultTemplate.objects.filter(procedure=source)]
    ResultTemplate.objects.bulk_create(copies)
    return len(copies)


def on_procedure_cloned(sender, *, procedure, source, **kwargs) -> None:
    """procedures.signals.procedure_cloned receiver (inside the clone's transaction)."""
    copy_result_templates(source=source, target=procedure)


# --- Filling a template ---------------------------------------------------------------------------


def field_texts(compiled, values: Mapping[str, Any]) -> dict[str, str]:
    """The printable answers of a dossier, displayed by their field type (stable id -> text),
    from a procedures.runtime compiled revision. Call in the document's language."""
    texts = {}
    for field in compiled.fields:
        if not is_printable(field) or values.get(field.stable_id) in (None, "", [], {}):
            continue
        texts[field.stable_id] = safe_display(field_types[field.type], values[field.stable_id], compiled.options[field.stable_id])
    return texts


def fill(context: dict, template: ResultTemplate, *, values: Mapping[str, str], fields: Mapping[str, str]) -> dict:
    """`context` of documents/pdf/result.html with the template's title and text (`body_html`,
    escaped paragraphs) filled in."""
    title = placeholders.render_line(template.title, values=values, fields=fields)[:ISSUED_TITLE_MAX_LENGTH]
    return {**context, "title": title or context.get("title", ""), "body_html": placeholders.render_html(
        template.body, values=values, fields=fields)}


def _place_name(agency) -> str:
    place = agency.admin_unit.name if agency.admin_unit_id else ""
    return place.replace("Tỉnh ", "").replace("Thành phố ", "")


def _sample_context(procedure, *, decision: str, title: str, body: str) -> dict:
    agency = procedure.agency
    today = timezone.localdate()
    values = {name: item.sample for name, item in placeholders.BUILT_INS.items()}
    values.update({
        "procedure.name": procedure.name_vi,
        "procedure.result": procedure.result_vi or procedure.name_vi,
        "agency.name": agency.name_vi,
        "agency.place": _place_name(agency),
        "decision.text": SAMPLE_DECISION_TEXT[decision],
        "decision.date": today.strftime("%d/%m/%Y"),
    })
    fields = {f.stable_id: f"«{f.label}»" for f in list_field_placeholders(procedure=procedure)}
    context = {
        "dossier_code": values["dossier.code"],
        "governing_body": (agency.parent.name_vi if agency.parent_id else "").upper(),
        "agency_name": agency.name_vi.upper(),
        "place_name": values["agency.place"],
        "issued_on_text": vietnamese_date(today),
        "title": title,
        "accepted": decision in (ResultTemplateDecision.ANY, ResultTemplateDecision.ACCEPTED),
        "decision_text": values["decision.text"],
        "motivation": values["decision.motivation"],
        "result_name": values["procedure.result"],
        "procedure_name": procedure.name_vi,
        "applicant_name": values["applicant.name"],
        "applicant_address": values["applicant.address"],
        "submitted_on_text": "",
        "sections": [],
        "signed_by": values["officer.name"],
        "tracking_url": f"{settings.SITE_URL}{reverse('portal:home')}",
    }
    sample = ResultTemplate(procedure=procedure, decision=decision, title=title, body=body)
    return fill(context, sample, values=values, fields=fields)


def preview_result_template_pdf(*, actor, procedure, decision: str, title: str, body: str) -> bytes:
    """The unsigned result document printed with `title` and `body` as typed, filled with
    sample values (answers shown as «their label»), marked as a preview. Nothing is saved.

    Permission and errors as `save_result_template`."""
    _check_can_administer(actor, procedure)
    _check_decision(decision)
    title, body = _checked(procedure, decision, title, body)
    with translation.override("vi"):
        context = _sample_context(procedure, decision=decision, title=title, body=body)
    return services.preview_document(template_name=RESULT_TEMPLATE, context=context)
