"""Procedure use cases (writes): catalogue metadata, the draft revision's fields and rules,
publishing, cloning and closing.

Invariants:
- a procedure has exactly one draft revision and at most one published revision;
- a published or superseded revision never changes (RevisionFrozen);
- publishing validates the whole draft first and refuses with every problem listed
  (RevisionInvalid), changing nothing;
- a field keeps its `stable_id` across revisions and clones.
Permission: the actor is a procedure administrator of the procedure's agency or of one of its
parent agencies, or a superuser (`PermissionDenied` otherwise), checked here, not in views.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.agencies.models import Agency
from motcua.core.errors import PermissionDenied
from motcua.core.text import search_key

from . import selectors, signals, validation
from .constants import MAX_FIELDS_PER_REVISION, ProcedureStatus, RevisionState
from .errors import ProcedureClosed, RevisionFrozen, RevisionInvalid, UnknownFieldType
from .fields.registry import field_types
from .models import FieldDefinition, LifeEvent, Procedure, ProcedureFee, RequiredDocument, Revision

STABLE_ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
PROCEDURE_FIELDS = {
    "national_code", "sector", "name_vi", "name_en", "name_fr", "summary_vi", "summary_en", "summary_fr", "level",
    "deadline_amount", "deadline_unit", "legal_basis", "result_vi", "result_en", "result_fr", "applicant_kinds", "channels",
}
FIELD_FIELDS = {
    "stable_id", "type", "label_vi", "label_en", "label_fr", "help_vi", "help_en", "help_fr", "required", "private", "options", "condition",
}


def _check_can_administer(actor, agency: Agency) -> None:
    if agency.pk not in selectors.administered_agency_ids(actor=actor):
        raise PermissionDenied()


def _check_draft(revision: Revision) -> None:
    if revision.is_frozen:
        raise RevisionFrozen()
    if revision.procedure.status == ProcedureStatus.CLOSED:
        raise ProcedureClosed()


def _refresh_search_key(procedure: Procedure) -> None:
    # Names first: the length cap cuts summaries, never names.
    procedure.search_key = search_key(" ".join([
        procedure.national_code, procedure.name_vi, procedure.name_en, procedure.name_fr,
        procedure.summary_vi, procedure.summary_en, procedure.summary_fr,
    ]))[:1200]


# --- Catalogue metadata ----------------------------------------------------------------------


@transaction.atomic
def create_procedure(*, actor, agency: Agency, name_vi: str, life_events: list[LifeEvent] = (), **metadata: Any) -> Procedure:
    """A new procedure with its empty draft revision (number 1)."""
    _check_can_administer(actor, agency)
    unknown = set(metadata) - PROCEDURE_FIELDS
    if unknown:
        raise TypeError(f"unknown procedure attributes: {sorted(unknown)}")
    metadata.setdefault("applicant_kinds", ["citizen"])
    metadata.setdefault("channels", ["online", "counter"])
    procedure = Procedure(agency=agency, name_vi=name_vi, **metadata)
    _refresh_search_key(procedure)
    procedure.full_clean()
    procedure.save()
    procedure.life_events.set(life_events)
    Revision.objects.create(procedure=procedure, number=1, state=RevisionState.DRAFT)
    return procedure


@transaction.atomic
def update_procedure(*, actor, procedure: Procedure, life_events: list[LifeEvent] | None = None, **changes: Any) -> Procedure:
    _check_can_administer(actor, procedure.agency)
    unknown = set(changes) - PROCEDURE_FIELDS
    if unknown:
        raise TypeError(f"unknown procedure attributes: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(procedure, name, value)
    _refresh_search_key(procedure)
    procedure.full_clean()
    procedure.save()
    if life_events is not None:
        procedure.life_events.set(life_events)
    return procedure


def _replace_rows(actor, procedure: Procedure, model, related_name: str, rows: list[dict]) -> list:
    _check_can_administer(actor, procedure.agency)
    objects = [model(procedure=procedure, position=i, **row) for i, row in enumerate(rows)]
    for obj in objects:
        obj.full_clean(exclude=["procedure"])
    getattr(procedure, related_name).all().delete()
    return model.objects.bulk_create(objects)


@transaction.atomic
def set_fees(*, actor, procedure: Procedure, fees: list[dict]) -> list[ProcedureFee]:
    """Replace the procedure's fees (each: name_vi[, name_en, name_fr], amount_vnd, payer, exemptions)."""
    return _replace_rows(actor, procedure, ProcedureFee, "fees", fees)


@transaction.atomic
def set_required_documents(*, actor, procedure: Procedure, documents: list[dict]) -> list[RequiredDocument]:
    """Replace the list of documents the applicant hands in."""
    return _replace_rows(actor, procedure, RequiredDocument, "required_documents", documents)


@transaction.atomic
def close_procedure(*, actor, procedure: Procedure, successor: Procedure | None = None) -> Procedure:
    """Close a procedure; people who open it are sent to `successor` when given."""
    _check_can_administer(actor, procedure.agency)
    procedure.status = ProcedureStatus.CLOSED
    procedure.closed_at = timezone.now()
    procedure.successor = successor
    procedure.full_clean()
    procedure.save(update_fields=["status", "closed_at", "successor", "updated_at"])
    return procedure


# --- The draft's fields -------------------------------------------------------------------------


def _locked_draft(revision: Revision) -> Revision:
    """The revision row locked for the rest of the transaction (concurrent builder edits),
    marked as changed: runtime.compile_revision recompiles a draft when its updated_at moves."""
    Revision.objects.filter(pk=revision.pk).update(updated_at=timezone.now())
    return Revision.objects.select_for_update().select_related("procedure__agency").get(pk=revision.pk)


def _check_field(field: FieldDefinition) -> None:
    if field.type not in field_types:
        raise UnknownFieldType()
    if not STABLE_ID_RE.fullmatch(field.stable_id or ""):
        raise validation.bad_stable_id()
    field.full_clean(exclude=["revision", "parent"])


def _renumber(revision: Revision, parent_id: int | None, ordered: list[FieldDefinition]) -> None:
    for index, item in enumerate(ordered):
        item.position = (index + 1) * 10
    FieldDefinition.objects.bulk_update(ordered, ["position"])


def _siblings(revision: Revision, parent_id: int | None) -> list[FieldDefinition]:
    return list(FieldDefinition.objects.filter(revision=revision, parent_id=parent_id).order_by("position", "id"))


@transaction.atomic
def add_field(
    *, actor, revision: Revision, type: str, label_vi: str, parent: FieldDefinition | None = None,
    position: int | None = None, **attributes: Any,
) -> FieldDefinition:
    """Add a field to the draft, at `position` (0-based among its siblings) or at the end."""
    revision = _locked_draft(revision)
    _check_can_administer(actor, revision.procedure.agency)
    _check_draft(revision)
    unknown = set(attributes) - FIELD_FIELDS
    if unknown:
        raise TypeError(f"unknown field attributes: {sorted(unknown)}")
    if "stable_id" in attributes and FieldDefinition.objects.filter(revision=revision, stable_id=attributes["stable_id"]).exists():
        raise validation.bad_stable_id()
    if FieldDefinition.objects.filter(revision=revision).count() >= MAX_FIELDS_PER_REVISION:
        raise validation.too_many_fields()
    if parent is not None and (parent.revision_id != revision.pk or field_types[parent.type].value_type != "rows"):
        raise validation.bad_parent()
    field = FieldDefinition(revision=revision, type=type, label_vi=label_vi, parent=parent, **attributes)
    _check_field(field)
    siblings = _siblings(revision, parent.pk if parent else None)
    field.position = (len(siblings) + 1) * 10
    field.save()
    if position is not None:
        siblings.insert(max(0, min(position, len(siblings))), field)
        _renumber(revision, field.parent_id, siblings)
    return field


@transaction.atomic
def update_field(*, actor, field: FieldDefinition, **changes: Any) -> FieldDefinition:
    revision = _locked_draft(field.revision)
    _check_can_administer(actor, revision.procedure.agency)
    _check_draft(revision)
    unknown = set(changes) - FIELD_FIELDS
    if unknown:
        raise TypeError(f"unknown field attributes: {sorted(unknown)}")
    if "stable_id" in changes and changes["stable_id"] != field.stable_id:
        raise validation.bad_stable_id()  # identifiers are what keeps answers across versions
    for name, value in changes.items():
        setattr(field, name, value)
    _check_field(field)
    field.save()
    return field


@transaction.atomic
def delete_field(*, actor, field: FieldDefinition) -> None:
    """Delete a field (and a block's columns). Conditions that referred to it are reported
    at publication, not silently rewritten."""
    revision = _locked_draft(field.revision)
    _check_can_administer(actor, revision.procedure.agency)
    _check_draft(revision)
    parent_id = field.parent_id
    field.delete()
    _renumber(revision, parent_id, _siblings(revision, parent_id))


@transaction.atomic
def move_field(*, actor, field: FieldDefinition, position: int) -> FieldDefinition:
    """Move a field to `position` (0-based) among its siblings."""
    revision = _locked_draft(field.revision)
    _check_can_administer(actor, revision.procedure.agency)
    _check_draft(revision)
    siblings = [f for f in _siblings(revision, field.parent_id) if f.pk != field.pk]
    siblings.insert(max(0, min(position, len(siblings))), field)
    _renumber(revision, field.parent_id, siblings)
    field.refresh_from_db(fields=["position"])
    return field


@transaction.atomic
def set_rules(*, actor, revision: Revision, ineligibility_rules: list | None = None, routing_rules: list | None = None) -> Revision:
    """Replace the draft's ineligibility and/or routing rules (checked in full at publication)."""
    revision = _locked_draft(revision)
    _check_can_administer(actor, revision.procedure.agency)
    _check_draft(revision)
    problems = validation.check_rules_shape(ineligibility_rules=ineligibility_rules, routing_rules=routing_rules)
    if problems:
        raise RevisionInvalid(problems)
    update = []
    if ineligibility_rules is not None:
        revision.ineligibility_rules, update = ineligibility_rules, [*update, "ineligibility_rules"]
    if routing_rules is not None:
        revision.routing_rules, update = routing_rules, [*update, "routing_rules"]
    revision.save(update_fields=[*update, "updated_at"])
    return revision


# --- Publishing, new drafts, clones ---------------------------------------------------------------


def _copy_revision(source: Revision, *, procedure: Procedure, number: int) -> Revision:
    """A new draft of `procedure` with the same fields (same stable ids) and rules as `source`."""
    draft = Revision.objects.create(
        procedure=procedure, number=number, state=RevisionState.DRAFT, based_on=source if source.procedure_id == procedure.pk else None,
        ineligibility_rules=source.ineligibility_rules, routing_rules=source.routing_rules,
    )
    fields = selectors.list_fields(revision=source)
    new_pk: dict[int, FieldDefinition] = {}
    copies = []
    for field in fields:  # parents come before their children in list_fields order
        copy = FieldDefinition(
            revision=draft, stable_id=field.stable_id, type=field.type, parent=new_pk.get(field.parent_id),
            label_vi=field.label_vi, label_en=field.label_en, label_fr=field.label_fr,
            help_vi=field.help_vi, help_en=field.help_en, help_fr=field.help_fr,
            required=field.required, private=field.private, options=field.options, condition=field.condition,
            position=field.position,
        )
        if field.parent_id is None:
            copy.save()  # children need their parent's primary key
            new_pk[field.pk] = copy
        else:
            copies.append(copy)
    FieldDefinition.objects.bulk_create(copies)
    return draft


@transaction.atomic
def publish_revision(*, actor, procedure: Procedure) -> Revision:
    """Validate and publish the draft; the previous published revision is superseded and a new
    draft, identical to what was published, is opened for the next changes.

    Raises RevisionInvalid with every problem found; nothing changes then."""
    _check_can_administer(actor, procedure.agency)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.status == ProcedureStatus.CLOSED:
        raise ProcedureClosed()
    draft = Revision.objects.select_for_update().get(procedure=procedure, state=RevisionState.DRAFT)
    problems = validation.validate_revision(draft, fields=selectors.list_fields(revision=draft))
    if problems:
        raise RevisionInvalid(problems)
    Revision.objects.filter(procedure=procedure, state=RevisionState.PUBLISHED).update(state=RevisionState.SUPERSEDED)
    draft.state = RevisionState.PUBLISHED
    draft.published_at = timezone.now()
    draft.published_by = actor
    draft.save(update_fields=["state", "published_at", "published_by", "updated_at"])
    _copy_revision(draft, procedure=procedure, number=draft.number + 1)
    signals.revision_published.send(sender=Revision, revision=draft, procedure=procedure, actor=actor)
    return draft


@transaction.atomic
def clone_procedure(*, actor, procedure: Procedure, agency: Agency | None = None, national_code: str | None = None) -> Procedure:
    """A copy of `procedure` (metadata, fees, documents, life events and its current draft) in
    `agency` (default: the same agency). The actor must administer both agencies. The copy
    starts unpublished with a single draft, named "… (copy)" when it stays in the same agency."""
    target = agency or procedure.agency
    _check_can_administer(actor, procedure.agency)
    _check_can_administer(actor, target)
    same_agency = target.pk == procedure.agency_id
    code = national_code if national_code is not None else ("" if same_agency else procedure.national_code)
    clone = Procedure(
        agency=target, cloned_from=procedure, national_code=code,
        **{name: getattr(procedure, name) for name in PROCEDURE_FIELDS - {"national_code"}},
    )
    if same_agency:
        clone.name_vi = validation.copy_name(procedure.name_vi, "vi")
        clone.name_en = validation.copy_name(procedure.name_en, "en") if procedure.name_en else ""
        clone.name_fr = validation.copy_name(procedure.name_fr, "fr") if procedure.name_fr else ""
    _refresh_search_key(clone)
    clone.full_clean()
    clone.save()
    clone.life_events.set(procedure.life_events.all())
    ProcedureFee.objects.bulk_create(
        ProcedureFee(procedure=clone, name_vi=f.name_vi, name_en=f.name_en, name_fr=f.name_fr, amount_vnd=f.amount_vnd,
                     payer=f.payer, exemptions=f.exemptions, position=f.position)
        for f in procedure.fees.all()
    )
    RequiredDocument.objects.bulk_create(
        RequiredDocument(procedure=clone, name_vi=d.name_vi, name_en=d.name_en, name_fr=d.name_fr, originals=d.originals,
                         copies=d.copies, template=d.template.name, replaceable_by_registry=d.replaceable_by_registry,
                         position=d.position)
        for d in procedure.required_documents.all()
    )
    _copy_revision(selectors.get_draft(procedure=procedure), procedure=clone, number=1)
    signals.procedure_cloned.send(sender=Procedure, procedure=clone, source=procedure, actor=actor)
    return clone
