"""Agency directory writes: administrative units, agencies, staff memberships.

Entry points:
- `load_admin_units()` loads the 34 provinces and 3,321 communes in force since 1 July 2025
  (Resolution 202/2025/QH15; codes of Decision 19/2025/QĐ-TTg) from `vietnam-provinces`.
- `upsert_agency(...)` / `save_agency(...)` create or update a directory entry.
- `add_membership(...)` gives a staff member a role in an agency.

Invariants: `AdminUnit.search_key` and `Agency.search_key` are always computed here, from the
name(s), with `core.text.search_key`, so that search works without diacritics. Every write is
idempotent: running an onboarding script twice leaves the same rows.

These services are called by onboarding commands, the demo loader and the Django admin, which
restrict who may run them; they check no permission themselves.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from motcua.core.text import search_key

from .constants import AdminUnitLevel, AgencyLevel
from .models import AdminUnit, Agency, Membership

_UNIT_UPDATE_FIELDS = ["name", "level", "division_type", "codename", "parent", "search_key"]


def province_code(code: int) -> str:
    """Decision 19/2025/QĐ-TTg: provinces have 2-digit codes (01 Hà Nội … 96 Cà Mau)."""
    return f"{int(code):02d}"


def commune_code(code: int) -> str:
    """Decision 19/2025/QĐ-TTg: communes have 5-digit codes, zero-padded (00004 Ba Đình)."""
    return f"{int(code):05d}"


@transaction.atomic
def load_admin_units() -> tuple[int, int]:
    """Create or update every province and commune of the package; return (provinces, communes).

    Idempotent: rows are matched on their code (bulk upsert). Units that disappear from a later
    package version are kept, because agencies and old dossiers may still point to them.
    """
    from vietnam_provinces import Province, Ward

    provinces = [
        AdminUnit(
            code=province_code(p.code),
            name=p.name,
            level=AdminUnitLevel.PROVINCE,
            division_type=p.division_type.value,
            codename=p.codename,
            parent=None,
            search_key=search_key(p.name),
        )
        for p in Province.iter_all()
    ]
    AdminUnit.objects.bulk_create(
        provinces, update_conflicts=True, unique_fields=["code"], update_fields=_UNIT_UPDATE_FIELDS, batch_size=500
    )
    parent_ids = dict(
        AdminUnit.objects.filter(level=AdminUnitLevel.PROVINCE).values_list("code", "id")
    )
    communes = [
        AdminUnit(
            code=commune_code(w.code),
            name=w.name,
            level=AdminUnitLevel.COMMUNE,
            division_type=w.division_type.value,
            codename=w.codename,
            parent_id=parent_ids[province_code(w.province_code)],
            search_key=search_key(w.name),
        )
        for w in Ward.iter_all()
    ]
    AdminUnit.objects.bulk_create(
        communes, update_conflicts=True, unique_fields=["code"], update_fields=_UNIT_UPDATE_FIELDS, batch_size=500
    )
    return len(provinces), len(communes)


def admin_units_loaded() -> bool:
    """True once at least one province and one commune are in the database."""
    return (
        AdminUnit.objects.filter(level=AdminUnitLevel.PROVINCE).exists()
        and AdminUnit.objects.filter(level=AdminUnitLevel.COMMUNE).exists()
    )


def _agency_search_key(agency: Agency) -> str:
    names = dict.fromkeys(n for n in (agency.name_vi, agency.name_en, agency.name_fr) if n)
    key = search_key(" ".join([agency.eid_code, *names]))
    return key[: Agency._meta.get_field("search_key").max_length]


def save_agency(*, agency: Agency) -> Agency:
    """Validate and save an agency built or changed by the caller (the admin, `upsert_agency`).

    Raises django.core.exceptions.ValidationError when a field is invalid.
    """
    agency.search_key = _agency_search_key(agency)
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def upsert_agency(
    *,
    eid_code: str,
    name_vi: str,
    level: str = AgencyLevel.UNIT,
    name_en: str = "",
    name_fr: str = "",
    parent: Agency | None = None,
    admin_unit: AdminUnit | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
    opening_hours: list[dict] | None = None,
    latitude: Decimal | float | str | None = None,
    longitude: Decimal | float | str | None = None,
    is_one_stop_centre: bool = False,
) -> Agency:
    """Create the agency with this electronic identifier code, or update it to these values.

    Raises ValidationError (full_clean) for an invalid code, e-mail, URL, coordinates or
    opening hours.
    """
    agency = Agency.objects.filter(eid_code=eid_code).first() or Agency(eid_code=eid_code)
    agency.name_vi = name_vi
    agency.name_en = name_en
    agency.name_fr = name_fr
    agency.level = level
    agency.parent = parent
    agency.admin_unit = admin_unit
    agency.address = address
    agency.phone = phone
    agency.email = email
    agency.website = website
    agency.opening_hours = list(opening_hours or [])
    agency.latitude = None if latitude is None else Decimal(str(latitude))
    agency.longitude = None if longitude is None else Decimal(str(longitude))
    agency.is_one_stop_centre = is_one_stop_centre
    return save_agency(agency=agency)


def add_membership(*, user, agency: Agency, role: str) -> Membership:
    """Give `user` the `role` in `agency`. Idempotent: an existing membership is returned as is.

    Raises ValidationError for a role that is not one of `accounts.constants.Role`.
    """
    membership = Membership.objects.filter(user=user, agency=agency, role=role).first()
    if membership is None:
        membership = Membership(user=user, agency=agency, role=role)
        membership.full_clean()
        membership.save()
    return membership
