"""Private annotations (issue 6, item 4): the fields of a revision marked `private` are the
instructors' own notes on a dossier, filled in by staff and never shown to the applicant; and the
history of the dossier's values (each annotation's changes, each answer the applicant changed in
a supplement).

Entry points:
- `save_annotations(actor=, dossier=, data=)`: validates the posted annotations with the field
  types (the same cleaning as the applicant's answers, conditions included) and stores them in
  `Dossier.values` with one "annotations.updated" event listing each change (old and new value).
- `missing_required_annotations(dossier)` / `check_required_annotations(dossier)`: the required
  annotations still empty; `decide_dossier` refuses to decide until they are filled in.
- `can_annotate(user, dossier)`, `annotation_fields(compiled)`, `is_editable(field)`: what the
  staff page shows and lets whom edit.
- `value_history(events)` (pure) and `get_value_history(dossier=)` (one query): who changed which
  annotation when (old → new), and the answers changed by the applicant's supplements.

Invariants:
- Annotations live in the dossier's one JSON document (`values[stable_id]`), like the answers;
  the applicant's pages, receipt and result never show private fields (procedures.rendering
  skips them) and the "annotations.updated" event is not among the applicant's public events.
- Only top-level private fields are written here; repetition blocks and file annotations are
  shown but not editable in this increment (file uploads for staff need their own storage path).
- Annotations may change while the dossier is open (ANNOTATABLE_STATES), not once it is decided
  or closed. A required annotation is not required to save the others: it is required to decide.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import NotFound
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import DossierState
from motcua.dossiers.errors import InputInvalid, InvalidTransition
from motcua.dossiers.events import append_event
from motcua.dossiers.models import Dossier
from motcua.procedures import runtime
from motcua.procedures.fields.registry import field_types

from . import permissions

logger = logging.getLogger(__name__)

S = DossierState

# Staff annotate a dossier while it is open: from submission (the one-stop desk's intake notes)
# until the decision. Decided and closed dossiers keep their annotations as they were.
ANNOTATABLE_STATES = frozenset({S.SUBMITTED, S.RECEIVED, S.IN_INSTRUCTION, S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT})
# Value types not editable from the staff page yet: blocks of rows, uploaded files.
NOT_EDITABLE_VALUE_TYPES = frozenset({"rows", "file"})

ANNOTATIONS_EVENT = "annotations.updated"
SUPPLEMENT_EVENT = "supplement.answered"


class AnnotationsClosed(InvalidTransition):
    code = "annotations_closed"
    default_message = _("The annotations can no longer be changed: the dossier is decided or closed.")


# --- Which fields are annotations --------------------------------------------------------------


def annotation_fields(compiled) -> list:
    """The revision's annotations: top-level private fields holding a value, in form order."""
    return [f for f in compiled.fields
            if f.private and not f.parent_id and field_types[f.type].has_value]


def is_editable(field) -> bool:
    """Whether staff can type this annotation on the dossier page (not calculated, not a block
    of rows, not a file)."""
    field_type = field_types[field.type]
    return field_type.has_value and not field_type.read_only and field_type.value_type not in NOT_EDITABLE_VALUE_TYPES


def editable_annotation_ids(compiled, *, hidden=frozenset()) -> list[str]:
    """Stable ids of the annotations staff can edit, minus those hidden by a condition."""
    return [f.stable_id for f in annotation_fields(compiled) if is_editable(f) and f.stable_id not in hidden]


def can_annotate(user, dossier: Dossier) -> bool:
    """Whether `user` may change the dossier's annotations now (what `save_annotations` checks)."""
    if dossier.state not in ANNOTATABLE_STATES:
        return False
    try:
        permissions.check_can_instruct(user, dossier)
    except NotFound:
        return False
    return True


# --- Saving --------------------------------------------------------------------------------------


def _same(old, new, field_type) -> bool:
    if field_type.is_empty(old) and field_type.is_empty(new):
        return True
    return type(old) is type(new) and old == new


def save_annotations(*, actor, dossier: Dossier, data: Mapping[str, Any], now=None) -> Dossier:
    """Store the annotations in `data` (stable id -> raw value, as a form posts it or as JSON);
    annotations not in `data` are left as they are. Appends one "annotations.updated" event
    listing each changed annotation with its old and new value; nothing when nothing changed.

    Permission: staff who may instruct the dossier (permissions.check_can_instruct), or a
    superuser (others: NotFound). Raises AnnotationsClosed (an InvalidTransition: the dossier is
    decided or closed) and InputInvalid (fields by stable id: a value the field type refuses,
    or a field that is not an editable annotation); nothing is stored then. An empty required
    annotation is accepted here: deciding is what requires it (check_required_annotations)."""
    now = now or timezone.now()
    with transaction.atomic():
        dossier = dossier_services.lock_dossier(dossier)
        permissions.check_can_instruct(actor, dossier)
        if dossier.state not in ANNOTATABLE_STATES:
            raise AnnotationsClosed()
        compiled = runtime.compile_revision(dossier.revision)
        editable = set(editable_annotation_ids(compiled))
        refused = [str(sid) for sid in data if sid not in editable]
        if refused:
            message = str(_("Only the internal annotations can be changed here."))
            raise InputInvalid(fields={sid: [message] for sid in refused})
        today = timezone.localdate(now)
        # The whole document is validated so that conditions see the applicant's answers; only
        # the posted annotations are then taken from the result (the answers stay as stored).
        result = runtime.validate_step(revision=dossier.revision, step=None, data={**dossier.values, **data},
                                       values=dossier.values, today=today, include_private=True,
                                       context=runtime.CleanContext(today=today))
        hidden = result.evaluation.hidden if result.evaluation is not None else frozenset()
        errors: dict[str, list[str]] = {}
        for key, messages in result.errors.items():
            sid = key.split(".")[0]
            if sid not in data:
                continue
            if field_types[compiled.by_id[sid].type].is_empty(result.values.get(sid)):
                continue  # the "required" message: required annotations are checked when deciding
            errors.setdefault(sid, []).extend(messages)
        if errors:
            raise InputInvalid(fields=errors)
        values = dict(dossier.values)
        changes = []
        for sid in editable_annotation_ids(compiled, hidden=hidden):
            if sid not in data:
                continue
            field_type = field_types[compiled.by_id[sid].type]
            old, new = dossier.values.get(sid), result.values.get(sid)
            if _same(old, new, field_type):
                continue
            values[sid] = new
            changes.append({"field": sid, "old": old, "new": new})
        if not changes:
            return dossier
        dossier.values = values
        dossier.save(update_fields=["values", "updated_at"])
        append_event(dossier, type=ANNOTATIONS_EVENT, actor=actor, actor_role=permissions.instruction_role(actor, dossier),
                     payload={"changes": changes}, at=now)
    logger.info("annotations.updated dossier=%s fields=%s actor=%s", dossier.pk, len(changes), getattr(actor, "pk", None))
    return dossier


# --- Required annotations, before deciding --------------------------------------------------------


def missing_required_annotations(dossier: Dossier, *, today=None) -> list:
    """The required annotations still empty (those a condition hides are not required), in form
    order. Annotations staff cannot edit here (blocks, files) are not counted: nobody could fill
    them in."""
    compiled = runtime.compile_revision(dossier.revision)
    hidden = compiled.program.evaluate(dossier.values, today=today or timezone.localdate()).hidden
    missing = []
    for field in annotation_fields(compiled):
        if not field.required or not is_editable(field) or field.stable_id in hidden:
            continue
        if field_types[field.type].is_empty(dossier.values.get(field.stable_id)):
            missing.append(field)
    return missing


def check_required_annotations(dossier: Dossier) -> None:
    """Raise InputInvalid (one message per missing annotation, by stable id) unless every
    required annotation is filled in. Call with the dossier row locked (decide_dossier does)."""
    missing = missing_required_annotations(dossier)
    if missing:
        raise InputInvalid(fields={
            f.stable_id: [str(_("Fill in the annotation “%(label)s” before deciding.") % {"label": f.label})]
            for f in missing
        })


# --- History of the values --------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueChange:
    field: str
    at: datetime
    actor: str
    """The full name of who changed it ("" for a deleted account or the system)."""
    old: Any
    new: Any


@dataclass(frozen=True)
class ValueHistory:
    annotations: dict[str, list[ValueChange]] = dataclass_field(default_factory=dict)
    """Annotation stable id -> its changes, oldest first."""
    answers: dict[str, list[ValueChange]] = dataclass_field(default_factory=dict)
    """Answer stable id -> the changes the applicant made in supplements, oldest first."""


def value_history(events: Iterable) -> ValueHistory:
    """The history of the values, from the dossier's events (with `actor` loaded), oldest first.
    Pure: reuse the events the page already loaded."""
    history = ValueHistory()
    for event in events:
        target = {ANNOTATIONS_EVENT: history.annotations, SUPPLEMENT_EVENT: history.answers}.get(event.type)
        if target is None:
            continue
        actor = event.actor.get_full_name() if event.actor_id and event.actor else ""
        for change in (event.payload or {}).get("changes") or ():
            if isinstance(change, dict) and change.get("field"):
                target.setdefault(str(change["field"]), []).append(
                    ValueChange(field=str(change["field"]), at=event.created_at, actor=actor,
                                old=change.get("old"), new=change.get("new")))
    return history


def get_value_history(*, dossier: Dossier) -> ValueHistory:
    """`value_history` of the dossier, in one query. No permission check: call it for a dossier
    the staff member was already allowed to see."""
    events = (dossier.events.filter(type__in=(ANNOTATIONS_EVENT, SUPPLEMENT_EVENT))
              .select_related("actor").order_by("seq"))
    return value_history(events)
