"""Procedure reads, scoped to what the acting user may administer.

Entry points: `list_procedures_for_admin`, `get_procedure_for_admin` (NotFound also when the
procedure exists but is out of the actor's scope), `get_draft`, `get_published`,
`list_fields` (one query, ordered, for builders, renderers and validators).
"""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.accounts.constants import Role
from motcua.agencies import selectors as agency_selectors
from motcua.core.errors import NotFound

from .constants import RevisionState
from .models import FieldDefinition, Procedure, Revision


def administered_agency_ids(*, actor) -> set[int]:
    return agency_selectors.agency_ids_for_role(user=actor, role=Role.PROCEDURE_ADMIN)


def list_procedures_for_admin(*, actor) -> QuerySet[Procedure]:
    return (
        Procedure.objects.filter(agency_id__in=administered_agency_ids(actor=actor))
        .select_related("agency", "sector")
        .order_by("agency__eid_code", "national_code", "id")
    )


def get_procedure_for_admin(*, actor, public_id) -> Procedure:
    procedure = list_procedures_for_admin(actor=actor).filter(public_id=public_id).first()
    if procedure is None:
        raise NotFound()
    return procedure


def get_draft(*, procedure: Procedure) -> Revision:
    return procedure.revisions.get(state=RevisionState.DRAFT)


def get_published(*, procedure: Procedure) -> Revision | None:
    return procedure.revisions.filter(state=RevisionState.PUBLISHED).first()


def list_fields(*, revision: Revision) -> list[FieldDefinition]:
    """Every field of the revision in form order (children right after their block)."""
    rows = list(FieldDefinition.objects.filter(revision=revision).order_by("position", "id"))
    top = [f for f in rows if f.parent_id is None]
    children: dict[int, list[FieldDefinition]] = {}
    for f in rows:
        if f.parent_id is not None:
            children.setdefault(f.parent_id, []).append(f)
    ordered: list[FieldDefinition] = []
    for f in top:
        ordered.append(f)
        ordered.extend(children.get(f.pk, []))
    return ordered
