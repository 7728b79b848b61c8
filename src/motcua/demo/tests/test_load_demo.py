import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.constants import Gender, Role, UserKind
from motcua.agencies.models import AdminUnit, Agency, Membership
from motcua.demo import services

pytestmark = pytest.mark.django_db

User = get_user_model()


def _counts():
    return {
        "units": AdminUnit.objects.count(),
        "agencies": sorted(Agency.objects.values_list("pk", "eid_code")),
        "users": sorted(User.objects.values_list("pk", "username", "kind")),
        "memberships": sorted(Membership.objects.values_list("pk", "user_id", "agency_id", "role")),
        "devices": sorted(TOTPDevice.objects.values_list("pk", "user_id", "key")),
    }


def test_load_demo_gives_the_same_rows_when_run_twice():
    services.load_demo()
    first = _counts()

    result = services.load_demo()

    assert _counts() == first
    assert first["units"] == 34 + 3321
    assert len(first["agencies"]) == result.agencies == 7
    assert not result.admin_units_loaded


def test_load_demo_creates_the_dien_bien_agencies_with_their_units():
    services.load_demo()

    province = Agency.objects.select_related("admin_unit").get(eid_code=services.PROVINCE_EID)
    assert (province.name_vi, province.level, province.admin_unit.code) == ("UBND tỉnh Điện Biên", "province", "11")
    centre = Agency.objects.get(name_vi="Trung tâm Phục vụ hành chính công tỉnh Điện Biên")
    assert centre.is_one_stop_centre and centre.level == "unit" and centre.parent == province
    assert {5} <= {day for period in centre.opening_hours for day in period["weekdays"]}
    assert set(province.children.filter(name_vi__startswith="Sở").values_list("name_vi", flat=True)) == {
        "Sở Tư pháp tỉnh Điện Biên", "Sở Xây dựng tỉnh Điện Biên", "Sở Tài chính tỉnh Điện Biên",
    }
    communes = Agency.objects.filter(level="commune").select_related("admin_unit__parent")
    assert {a.admin_unit.code for a in communes} == {"03127", "03325"}
    assert {a.admin_unit.parent.code for a in communes} == {"11"}
    for agency in Agency.objects.all():
        assert agency.name_en and agency.name_fr and agency.email and agency.website and agency.latitude
        agency.full_clean()


def test_load_demo_gives_each_staff_role_a_totp_device_and_the_shared_password():
    services.load_demo()

    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {
        "tiepnhan@dienbien.motcua.local": Role.RECEIVING_OFFICER,
        "xuly@dienbien.motcua.local": Role.INSTRUCTOR,
        "quantri@dienbien.motcua.local": Role.AGENCY_ADMIN,
        "thutuc@dienbien.motcua.local": Role.PROCEDURE_ADMIN,
    }
    assert Membership.objects.get(role=Role.RECEIVING_OFFICER).agency.is_one_stop_centre
    assert Membership.objects.get(role=Role.INSTRUCTOR).agency.name_vi == "Sở Tư pháp tỉnh Điện Biên"
    superuser = User.objects.get(username="admin@dienbien.motcua.local")
    assert superuser.is_superuser and superuser.kind == UserKind.STAFF
    staff = User.objects.filter(kind=UserKind.STAFF)
    assert staff.count() == 5
    for user in staff:
        assert user.check_password(settings.DEMO_PASSWORD)
        validate_password(settings.DEMO_PASSWORD, user=user)
        if hasattr(services.account_services, "provision_totp_device"):
            device = TOTPDevice.objects.get(user=user)
            assert device.confirmed and device.key == services.demo_totp_key(user.email)


def test_load_demo_creates_three_citizens_in_the_demo_identity_provider():
    result = services.load_demo()
    services.load_demo()

    identities = User.objects.filter(kind=UserKind.SANDBOX_IDENTITY)
    assert result.citizens == 3
    assert sorted(identities.values_list("personal_id", flat=True)) == sorted(c.personal_id for c in services.CITIZENS)


@pytest.mark.parametrize(
    ("gender", "year", "serial", "expected"),
    [
        (Gender.MALE, 1985, 4217, "011085004217"),
        (Gender.FEMALE, 1992, 3586, "011192003586"),
        (Gender.MALE, 2001, 7349, "011201007349"),
        (Gender.FEMALE, 2003, 12, "011303000012"),
    ],
)
def test_personal_id_encodes_province_gender_century_and_year(gender, year, serial, expected):
    assert services.personal_id(gender=gender, birth_year=year, serial=serial) == expected


def test_demo_citizens_have_valid_personal_ids_and_dien_bien_addresses():
    for citizen in services.CITIZENS:
        assert len(citizen.personal_id) == 12 and citizen.personal_id.startswith("011")
        assert citizen.personal_id[4:6] == f"{citizen.birth_date.year % 100:02d}"


def test_load_demo_command_prints_the_logins(capsys):
    call_command("load_demo")

    out = capsys.readouterr().out
    assert "7 agencies, 5 staff accounts" in out
    assert settings.DEMO_PASSWORD in out
    assert "tiepnhan@dienbien.motcua.local" in out and "admin@dienbien.motcua.local" in out
    assert "manage.py demo_totp <email>" in out
    assert all(c.personal_id in out for c in services.CITIZENS)
    assert services.login_text() in out


def test_demo_logins_command_prints_the_login_text(capsys):
    call_command("demo_logins")

    assert capsys.readouterr().out.strip() == services.login_text()


def test_load_demo_publishes_five_procedures_built_with_the_builder():
    from motcua.procedures import selectors as procedure_selectors, validation
    from motcua.procedures.models import Procedure

    services.load_demo()
    services.load_demo()  # idempotent

    procedures = list(Procedure.objects.all())
    assert len(procedures) == 5
    types_used = set()
    for procedure in procedures:
        published = procedure_selectors.get_published(procedure=procedure)
        fields = procedure_selectors.list_fields(revision=published)
        assert len(fields) >= 8, procedure.name_vi
        assert validation.validate_revision(published, fields=fields) == []
        types_used |= {f.type for f in fields}
    assert {"map", "repetition", "calculated", "address", "personal_id", "file"} <= types_used
    assert any(f.condition for p in procedures for f in procedure_selectors.get_published(procedure=p).fields.all())


def test_load_demo_routes_the_criminal_record_procedure_to_two_instructor_groups():
    from motcua.instruction.models import GroupMembership, InstructorGroup

    services.load_demo()
    services.load_demo()  # idempotent
    groups = list(InstructorGroup.objects.filter(procedure__national_code="", procedure__sector__code="LLTP")
                  .order_by("position"))
    assert [(g.key, g.is_default) for g in groups] == [("phieu-so-1", True), ("phieu-so-2", False)]
    assert groups[0].procedure.revisions.get(published_at__isnull=False).routing_rules[0]["group"] == "phieu-so-2"
    assert set(GroupMembership.objects.filter(group__in=groups).values_list("user__username", flat=True)) == {
        "xuly@dienbien.motcua.local"}
    assert GroupMembership.objects.filter(group__in=groups).count() == 2
