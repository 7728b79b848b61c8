"""Procedure reads, scoped to what the acting user may administer.

Entry points: `list_procedures_for_admin`, `get_procedure_for_admin` (NotFound also when the
procedure exists but is out of the actor's scope), `get_draft`, `get_published`,
`list_fields` (one query, ordered, for builders, renderers and validators).

Public catalogue (no actor: anyone may read it): `list_public_procedures`, `get_public_procedure`
(NotFound for unknown, unpublished, or closed procedures without a public successor),
`list_public_sectors`, `list_public_life_events`, `estimate_fill_seconds`. A procedure is public
when it is active and has a published revision.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import Lower

from motcua.accounts.constants import Role
from motcua.agencies import selectors as agency_selectors
from motcua.core.errors import NotFound
from motcua.core.text import search_key

from .constants import ProcedureStatus, RevisionState
from .models import FieldDefinition, LifeEvent, Procedure, Revision, Sector


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


# --- Public catalogue ---------------------------------------------------------------------------

MAX_QUERY_WORDS = 10
MAX_SUCCESSOR_HOPS = 10


def _has_published_revision():
    return Exists(Revision.objects.filter(procedure=OuterRef("pk"), state=RevisionState.PUBLISHED))


def _public_procedures() -> QuerySet[Procedure]:
    return Procedure.objects.filter(_has_published_revision(), status=ProcedureStatus.ACTIVE)


def list_public_procedures(*, query: str = "", sector=None, life_event=None, agency=None) -> QuerySet[Procedure]:
    """Active procedures with a published revision, agency and sector loaded.

    Every word of `query` must match the name (any language) or the national code, ignoring case
    and diacritics ("khai sinh" finds "Đăng ký khai sinh"), or appear in a summary as typed.
    `sector`, `life_event` and `agency` are model instances or primary keys. Ordered by
    lower-cased Vietnamese name (the database's collation decides where accented initials go)."""
    procedures = _public_procedures().select_related("agency", "sector")
    for word in query.split()[:MAX_QUERY_WORDS]:
        key = search_key(word)
        if not key:
            continue
        # Procedure.search_key holds the code and the names only; summaries are matched as typed
        # (with their accents), until summaries are added to the key.
        procedures = procedures.filter(
            Q(search_key__contains=key)
            | Q(summary_vi__icontains=word)
            | Q(summary_en__icontains=word)
            | Q(summary_fr__icontains=word)
        )
    if sector is not None:
        procedures = procedures.filter(sector=sector)
    if life_event is not None:
        procedures = procedures.filter(life_events=life_event)
    if agency is not None:
        procedures = procedures.filter(agency=agency)
    return procedures.order_by(Lower("name_vi"), "id")


def _is_public_or_replaced(procedure: Procedure, hops: int = 0) -> bool:
    """Active and published, or closed with a successor that is (following the chain)."""
    if procedure.status == ProcedureStatus.ACTIVE:
        return procedure.is_published
    if procedure.successor_id is None or hops >= MAX_SUCCESSOR_HOPS:
        return False
    successor = (
        Procedure.objects.annotate(is_published=_has_published_revision()).filter(pk=procedure.successor_id).first()
    )
    return successor is not None and _is_public_or_replaced(successor, hops + 1)


def get_public_procedure(*, public_id) -> Procedure:
    """The procedure page's procedure: agency, sector and successor loaded; fees, required
    documents and life events prefetched (active procedures only).

    A closed procedure is returned when its successor can be shown (the page then says it was
    replaced and links to `procedure.successor`). Raises NotFound for an unknown id, an active
    procedure that was never published, or a closed procedure without such a successor."""
    procedure = (
        Procedure.objects.select_related("agency", "sector", "successor")
        .annotate(is_published=_has_published_revision())
        .filter(public_id=public_id)
        .first()
    )
    if procedure is None or not _is_public_or_replaced(procedure):
        raise NotFound()
    if procedure.status == ProcedureStatus.ACTIVE:
        prefetch_related_objects([procedure], "fees", "required_documents", "life_events")
    return procedure


def list_public_sectors() -> QuerySet[Sector]:
    """Sectors with at least one public procedure, by code."""
    return Sector.objects.filter(Exists(_public_procedures().filter(sector=OuterRef("pk")))).order_by("code")


def list_public_life_events() -> QuerySet[LifeEvent]:
    """Life events with at least one public procedure, in their display order, each annotated
    with `procedure_count` (its public procedures)."""
    public = Q(procedures__status=ProcedureStatus.ACTIVE, procedures__revisions__state=RevisionState.PUBLISHED)
    return (
        LifeEvent.objects.annotate(procedure_count=Count("procedures", filter=public, distinct=True))
        .filter(procedure_count__gt=0)
        .order_by("position", "slug")
    )


def estimate_fill_seconds(*, revision: Revision) -> int:
    """Seconds an applicant needs to fill the revision's form: the fields always shown (no
    condition, not private), repetition blocks counted with their minimum rows (at least one).
    Fields shown only under a condition are left out: the estimate is the usual case."""
    from .fields.base import FieldConfigError
    from .fields.registry import field_types

    fields = list_fields(revision=revision)
    by_pk = {f.pk: f for f in fields}
    rows: dict[int, int] = {}
    total = 0
    for field in fields:
        if field.private or field.condition or field.type not in field_types:
            continue
        field_type = field_types[field.type]
        try:
            options = field_type.parse_options(field.options)
        except FieldConfigError:
            options = field_type.default_options()
        repeat = 1
        if field.parent_id is not None:
            parent = by_pk.get(field.parent_id)
            if parent is None or parent.private or parent.condition:
                continue
            repeat = rows.get(parent.pk, 1)
        if field_type.value_type == "rows":
            rows[field.pk] = max(getattr(options, "min_rows", 0), 1)
        total += field_type.fill_seconds(options) * repeat
    return total
