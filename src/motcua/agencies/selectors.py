"""Agency directory reads: selectors used by every app.

Entry points: `list_agencies`, `get_agency` (raises `core.errors.NotFound`), `list_communes`.
The public directory is not tenant-scoped (every agency is public); staff-scoped reads
(memberships) take the acting user and return only what that user may see.
"""

from __future__ import annotations

import functools

from django.db.models import Prefetch, QuerySet

from motcua.core.errors import NotFound
from motcua.core.text import search_key

from .constants import AdminUnitLevel
from .models import AdminUnit, Agency, Membership


# --- Public directory (agency list and detail pages, admin-unit pickers) ---------------------


def list_agencies(*, query: str = "", level: str | None = None) -> QuerySet[Agency]:
    """Public directory, ordered by code. `query` matches every word of it against the names
    and the code, ignoring case and diacritics ("dien bien" finds "Điện Biên")."""
    agencies = Agency.objects.select_related("admin_unit", "parent")
    for word in search_key(query).split():
        agencies = agencies.filter(search_key__contains=word)
    if level:
        agencies = agencies.filter(level=level)
    return agencies.order_by("eid_code")


def get_agency(*, eid_code: str) -> Agency:
    """The public directory entry with this code, its unit, parent and children loaded.

    Raises NotFound for an unknown code."""
    agency = (
        Agency.objects.select_related("admin_unit__parent", "parent")
        .prefetch_related(Prefetch("children", queryset=Agency.objects.order_by("eid_code")))
        .filter(eid_code=eid_code)
        .first()
    )
    if agency is None:
        raise NotFound()
    return agency


def list_communes(*, province_code: str) -> QuerySet[AdminUnit]:
    """The communes of a province (2-digit code), ordered by name."""
    return AdminUnit.objects.filter(level=AdminUnitLevel.COMMUNE, parent__code=province_code).order_by("name")


# --- Staff memberships ------------------------------------------------------------------------


def list_memberships_for_user(*, user) -> QuerySet[Membership]:
    """The roles `user` holds, with their agency loaded, ordered by agency code then role.

    Only the user's own memberships: what the back office shows them about themselves."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("agency").order_by("agency__eid_code", "role")


def agency_ids_for_role(*, user, role: str) -> set[int]:
    """Ids of the agencies where `user` holds `role`, with all their descendant agencies
    (a provincial procedure administrator also manages the departments' procedures).
    Superusers get every agency. One query per tree level (agency trees are shallow)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Agency.objects.values_list("id", flat=True))
    found = set(Membership.objects.filter(user=user, role=role).values_list("agency_id", flat=True))
    frontier = set(found)
    while frontier:
        frontier = set(Agency.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        found |= frontier
    return found


# --- Administrative-unit codes for validation -------------------------------------------------


@functools.lru_cache(maxsize=1)
def admin_unit_codes() -> dict:
    """Every province and commune code, loaded once per process (two queries):
    {"provinces": {code: name}, "communes": {code: (name, province_code)}}.

    Field validation uses it so that checking a form step never queries per field. Units change
    only when `load_admin_units` runs; call `admin_unit_codes.cache_clear()` after loading
    (tests that load units do)."""
    provinces = dict(
        AdminUnit.objects.filter(level=AdminUnitLevel.PROVINCE).values_list("code", "name")
    )
    communes = {
        code: (name, province)
        for code, name, province in AdminUnit.objects.filter(level=AdminUnitLevel.COMMUNE).values_list(
            "code", "name", "parent__code"
        )
    }
    return {"provinces": provinces, "communes": communes}
