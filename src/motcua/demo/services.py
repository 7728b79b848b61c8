"""Demo data for the province of Điện Biên: agencies, staff of every role, citizens.

Entry points: `load_demo()` (writes; idempotent: run it twice and the rows are the same) and
`login_text()` (what `load_demo` and `make demo` print: the demo logins).

Everything goes through the owning apps' services. Two of them are optional while they are
being written (the TOTP provisioning service and the demo identity provider): when one is
missing, `load_demo` skips that part and returns a warning instead of failing.

Never run this on a production database: every demo account shares one published password.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts import services as account_services
from motcua.accounts.idp import services as idp_services
from motcua.accounts.models import User
from motcua.accounts.constants import Gender, Role
from motcua.agencies import services as agency_services
from motcua.agencies.constants import AdminUnitLevel, AgencyLevel
from motcua.agencies.models import AdminUnit, Agency
from motcua.instruction import groups as group_services
from motcua.instruction.models import InstructorGroup

from . import procedures as demo_procedures

"""Shared by every demo account (staff and demo identity provider). Passes the validators."""

PROVINCE_CODENAME = "dien_bien"
"""`vietnam-provinces` code name of Điện Biên; its 2-digit code is looked up in the package."""

BIRTH_PROVINCE_CODE = "011"
"""Điện Biên's 3-digit code used in personal ID numbers (its pre-2025 province code, 11)."""

# Decision 20/2020/QĐ-TTg gives provinces `Hxx` codes and their bodies suffixed codes
# (`H56.14`). The reference notes (vietnam.md) give no code for Điện Biên: H18 is a plausible
# code (alphabetical order of the 63 former provinces), not checked against the decision's
# annex, and the suffixes below are illustrative.
PROVINCE_EID = "H18"

_WEEKDAYS = [0, 1, 2, 3, 4]
_OFFICE_HOURS = [
    {"weekdays": _WEEKDAYS, "opens": "07:00", "closes": "11:30"},
    {"weekdays": _WEEKDAYS, "opens": "13:30", "closes": "17:00"},
]
_CENTRE_HOURS = [*_OFFICE_HOURS, {"weekdays": [5], "opens": "07:00", "closes": "11:30"}]


@dataclass(frozen=True)
class DemoStaff:
    email: str
    full_name: str
    role: str | None  # None: superuser without an agency role
    agency_eid: str | None
    description: str


@dataclass(frozen=True)
class DemoCitizen:
    personal_id: str
    full_name: str
    birth_date: date
    gender: str
    phone: str
    email: str
    street: str
    commune_codename: str


@dataclass
class DemoResult:
    agencies: int = 0
    staff: int = 0
    memberships: int = 0
    totp_devices: int = 0
    citizens: int = 0
    admin_units_loaded: bool = False
    procedures: int = 0


def personal_id(*, gender: str, birth_year: int, serial: int, province_code: str = BIRTH_PROVINCE_CODE) -> str:
    """A 12-digit personal identification number: 3 digits of the birth province, 1 digit of
    gender and century of birth (0/1 male/female born 1900–1999, 2/3 born 2000–2099), the last
    2 digits of the birth year, then a 6-digit serial (structure set by the Ministry of Public
    Security's circulars on the citizen identification number)."""
    century = {19: 0, 20: 2}[birth_year // 100]
    gender_century = century + (1 if gender == Gender.FEMALE else 0)
    return f"{province_code}{gender_century}{birth_year % 100:02d}{serial:06d}"


STAFF: tuple[DemoStaff, ...] = (
    DemoStaff("tiepnhan@dienbien.motcua.local", "Lò Thị Mai", Role.RECEIVING_OFFICER, f"{PROVINCE_EID}.40",
              "cán bộ tiếp nhận, Trung tâm Phục vụ hành chính công tỉnh"),
    DemoStaff("xuly@dienbien.motcua.local", "Nguyễn Văn Hùng", Role.INSTRUCTOR, f"{PROVINCE_EID}.12",
              "cán bộ xử lý, Sở Tư pháp"),
    DemoStaff("quantri@dienbien.motcua.local", "Trần Thị Thu Hà", Role.AGENCY_ADMIN, f"{PROVINCE_EID}.12",
              "quản trị cơ quan, Sở Tư pháp"),
    DemoStaff("thutuc@dienbien.motcua.local", "Phạm Quốc Tuấn", Role.PROCEDURE_ADMIN, PROVINCE_EID,
              "quản trị thủ tục, UBND tỉnh Điện Biên"),
    DemoStaff("admin@dienbien.motcua.local", "Đỗ Minh Quang", None, None,
              "quản trị hệ thống, superuser"),
)

CITIZENS: tuple[DemoCitizen, ...] = (
    DemoCitizen(personal_id(gender=Gender.MALE, birth_year=1985, serial=4217), "Lò Văn Thành", date(1985, 3, 12),
                Gender.MALE, "0912345671", "lovanthanh@example.com", "Số 15, tổ dân phố 3", "phuong_dien_bien_phu"),
    DemoCitizen(personal_id(gender=Gender.FEMALE, birth_year=1992, serial=3586), "Quàng Thị Hoa", date(1992, 11, 5),
                Gender.FEMALE, "0987654312", "quangthihoa@example.com", "Bản Mển", "xa_muong_phang"),
    DemoCitizen(personal_id(gender=Gender.MALE, birth_year=2001, serial=7349), "Nguyễn Minh Đức", date(2001, 6, 20),
                Gender.MALE, "0368123457", "nguyenminhduc@example.com", "Số 27, đường Trần Đăng Ninh, tổ dân phố 7",
                "phuong_muong_thanh"),
)


def demo_totp_key(email: str) -> str:
    """The fixed TOTP secret (40 hex digits = 20 bytes) of a demo staff account, so that the demo
    is reproducible: `manage.py demo_totp <email>` prints the current code."""
    return hashlib.sha256(f"motcua-demo-totp:{email}".encode()).hexdigest()[:40]


def _province() -> AdminUnit:
    from vietnam_provinces import Province

    package_province = next(p for p in Province.iter_all() if p.codename == PROVINCE_CODENAME)
    return AdminUnit.objects.get(code=agency_services.province_code(package_province.code))


def _commune(province: AdminUnit, codename: str) -> AdminUnit:
    return AdminUnit.objects.get(level=AdminUnitLevel.COMMUNE, parent=province, codename=codename)


def _load_agencies(province: AdminUnit) -> dict[str, Agency]:
    upsert = agency_services.upsert_agency
    ubnd = upsert(
        eid_code=PROVINCE_EID,
        name_vi="UBND tỉnh Điện Biên",
        name_en="People's Committee of Điện Biên Province",
        name_fr="Comité populaire de la province de Điện Biên",
        level=AgencyLevel.PROVINCE,
        admin_unit=province,
        address="Tổ dân phố 10, phường Điện Biên Phủ, tỉnh Điện Biên",
        phone="0215 3825 013",
        email="ubnd@dienbien.gov.vn",
        website="https://dienbien.gov.vn",
        opening_hours=_OFFICE_HOURS,
        latitude="21.386050",
        longitude="103.020420",
    )
    agencies = {ubnd.eid_code: ubnd}
    centre = upsert(
        eid_code=f"{PROVINCE_EID}.40",
        name_vi="Trung tâm Phục vụ hành chính công tỉnh Điện Biên",
        name_en="Điện Biên Provincial Public Administrative Service Centre",
        name_fr="Centre provincial de services administratifs publics de Điện Biên",
        level=AgencyLevel.UNIT,
        parent=ubnd,
        admin_unit=province,
        address="Số 6, đường Võ Nguyên Giáp, phường Điện Biên Phủ, tỉnh Điện Biên",
        phone="0215 3608 668",
        email="hcc@dienbien.gov.vn",
        website="https://dichvucong.dienbien.gov.vn",
        opening_hours=_CENTRE_HOURS,
        latitude="21.388920",
        longitude="103.018710",
        is_one_stop_centre=True,
    )
    agencies[centre.eid_code] = centre
    # Provincial departments after the 2025 reorganisation: Justice unchanged; Construction
    # absorbed Transport; Finance absorbed Planning and Investment.
    departments = [
        ("12", "Sở Tư pháp tỉnh Điện Biên", "Điện Biên Department of Justice", "Direction de la justice de Điện Biên",
         "stp@dienbien.gov.vn", "https://sotuphap.dienbien.gov.vn", "0215 3825 217", "Số 869, đường Võ Nguyên Giáp",
         "21.385210", "103.017830"),
        ("13", "Sở Xây dựng tỉnh Điện Biên", "Điện Biên Department of Construction",
         "Direction de la construction de Điện Biên", "sxd@dienbien.gov.vn", "https://soxaydung.dienbien.gov.vn",
         "0215 3825 356", "Số 2, đường Hoàng Văn Thái", "21.384470", "103.021690"),
        ("07", "Sở Tài chính tỉnh Điện Biên", "Điện Biên Department of Finance", "Direction des finances de Điện Biên",
         "stc@dienbien.gov.vn", "https://sotaichinh.dienbien.gov.vn", "0215 3825 549", "Số 879, đường Võ Nguyên Giáp",
         "21.385830", "103.016950"),
    ]
    for suffix, vi, en, fr, email, website, phone, street, lat, lon in departments:
        agency = upsert(
            eid_code=f"{PROVINCE_EID}.{suffix}", name_vi=vi, name_en=en, name_fr=fr, level=AgencyLevel.UNIT,
            parent=ubnd, admin_unit=province, address=f"{street}, phường Điện Biên Phủ, tỉnh Điện Biên",
            phone=phone, email=email, website=website, opening_hours=_OFFICE_HOURS, latitude=lat, longitude=lon,
        )
        agencies[agency.eid_code] = agency
    # Since 1 July 2025 communes report directly to the province; each has its own one-stop
    # desk (commune public administrative service centre, Decree 118/2025/NĐ-CP).
    communes = [
        ("61", "phuong_dien_bien_phu", "UBND phường Điện Biên Phủ", "People's Committee of Điện Biên Phủ Ward",
         "Comité populaire du quartier de Điện Biên Phủ", "Tổ dân phố 6, phường Điện Biên Phủ, tỉnh Điện Biên",
         "0215 3824 366", "ubnd.dienbienphu@dienbien.gov.vn", "https://dienbienphu.dienbien.gov.vn",
         "21.391030", "103.015820"),
        ("62", "xa_muong_phang", "UBND xã Mường Phăng", "People's Committee of Mường Phăng Commune",
         "Comité populaire de la commune de Mường Phăng", "Bản Khá, xã Mường Phăng, tỉnh Điện Biên",
         "0215 3931 108", "ubnd.muongphang@dienbien.gov.vn", "https://muongphang.dienbien.gov.vn",
         "21.452960", "103.141370"),
    ]
    for suffix, codename, vi, en, fr, address, phone, email, website, lat, lon in communes:
        agency = upsert(
            eid_code=f"{PROVINCE_EID}.{suffix}", name_vi=vi, name_en=en, name_fr=fr, level=AgencyLevel.COMMUNE,
            parent=ubnd, admin_unit=_commune(province, codename), address=address, phone=phone, email=email,
            website=website, opening_hours=_OFFICE_HOURS, latitude=lat, longitude=lon, is_one_stop_centre=True,
        )
        agencies[agency.eid_code] = agency
    return agencies


def _load_staff(agencies: dict[str, Agency], result: DemoResult) -> None:
    for staff in STAFF:
        account = account_services.upsert_staff_user(
            email=staff.email, full_name=staff.full_name, password=settings.DEMO_PASSWORD, is_superuser=staff.role is None
        )
        validate_password(settings.DEMO_PASSWORD, user=account)
        result.staff += 1
        if staff.role is not None:
            agency_services.add_membership(user=account, agency=agencies[staff.agency_eid], role=staff.role)
            result.memberships += 1
        key_hex = demo_totp_key(staff.email)
        # Re-provisioning would replace the device (new row, counters reset): keep it.
        if not TOTPDevice.objects.filter(user=account, key=key_hex, confirmed=True).exists():
            account_services.provision_totp_device(user=account, key_hex=key_hex)
        result.totp_devices += 1


def _load_citizens(province: AdminUnit, result: DemoResult) -> None:
    for citizen in CITIZENS:
        commune = _commune(province, citizen.commune_codename)
        idp_services.upsert_sandbox_identity(
            personal_id=citizen.personal_id,
            password=settings.DEMO_PASSWORD,
            full_name=citizen.full_name,
            birth_date=citizen.birth_date,
            gender=citizen.gender,
            phone=citizen.phone,
            email=citizen.email,
            address={
                "street": citizen.street,
                "commune_code": commune.code,
                "province_code": province.code,
                "formatted": f"{citizen.street}, {commune.name}, tỉnh {province.name}",
            },
        )
        result.citizens += 1


@transaction.atomic
def load_demo() -> DemoResult:
    """Create or update the Điện Biên demo: units (when missing), 7 agencies, 5 staff accounts
    with their roles and TOTP devices, 3 citizens in the demo identity provider, and five
    published procedures built with the builder's services (demo/procedures.py).

    Idempotent. Returns what it did."""
    result = DemoResult()
    if not agency_services.admin_units_loaded():
        agency_services.load_admin_units()
        result.admin_units_loaded = True
    province = _province()
    agencies = _load_agencies(province)
    result.agencies = len(agencies)
    _load_staff(agencies, result)
    _load_citizens(province, result)
    procedure_admin = User.objects.get(username="thutuc@dienbien.motcua.local")
    result.procedures = demo_procedures.load_demo_procedures(actor=procedure_admin, province_code=PROVINCE_EID)
    _load_group_members(procedure_admin)
    return result


def _load_group_members(procedure_admin) -> None:
    """Every demo instructor joins the instructor groups of their agency's procedures (the demo has
    one instructor per agency, so that routing is visible without hiding dossiers from them)."""
    for staff in STAFF:
        if staff.role != Role.INSTRUCTOR:
            continue
        for group in InstructorGroup.objects.filter(procedure__agency__eid_code=staff.agency_eid):
            if not group.memberships.filter(user__username=staff.email).exists():
                group_services.add_member(actor=procedure_admin, group=group, email=staff.email)


def login_text() -> str:
    """The demo logins, printed by `load_demo` and `make demo` (operator console text)."""
    site = settings.SITE_URL
    width = max(len(s.email) for s in STAFF)
    lines = [
        f"Demo accounts — one password for all of them: {settings.DEMO_PASSWORD}",
        "",
        f"Staff: sign in at {site}{reverse('accounts:login')} with e-mail, password and an authentication code.",
        *(f"  {s.email.ljust(width)}  {s.full_name} ({s.description})" for s in STAFF),
        "  Current authentication code (TOTP): .venv/bin/python manage.py demo_totp <email>",
        "",
        f"Citizens: at {site}{reverse('accounts:citizen-login')}, sign in with the demo identity provider"
        " using a personal identification number and the password.",
        *(f"  {c.personal_id}  {c.full_name} ({c.birth_date:%d/%m/%Y})" for c in CITIZENS),
    ]
    return "\n".join(lines)
