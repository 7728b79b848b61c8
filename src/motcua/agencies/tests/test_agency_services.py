import pytest
from django.core.exceptions import ValidationError

from motcua.accounts.constants import Role
from motcua.agencies import services
from motcua.agencies.constants import AgencyLevel
from motcua.agencies.models import Agency, Membership

from .factories import OFFICE_HOURS, AgencyFactory, ProvinceFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def _upsert(**overrides):
    values = {
        "eid_code": "H18.12",
        "name_vi": "Sở Tư pháp tỉnh Điện Biên",
        "name_en": "Điện Biên Department of Justice",
        "name_fr": "Direction de la justice de Điện Biên",
        "level": AgencyLevel.UNIT,
        "email": "stp@dienbien.gov.vn",
        "website": "https://sotuphap.dienbien.gov.vn",
        "opening_hours": OFFICE_HOURS,
        "latitude": "21.385210",
        "longitude": "103.017830",
    }
    return services.upsert_agency(**{**values, **overrides})


def test_upsert_agency_computes_the_search_key_from_the_three_names():
    agency = _upsert()

    assert agency.search_key == (
        "h18.12 so tu phap tinh dien bien dien bien department of justice direction de la justice de dien bien"
    )


def test_upsert_agency_updates_the_same_row_when_run_twice():
    first = _upsert(admin_unit=ProvinceFactory(code="11", name="Điện Biên"))
    second = _upsert(phone="0215 3825 217", name_en="")

    assert second.pk == first.pk
    assert Agency.objects.count() == 1
    second.refresh_from_db()
    assert second.phone == "0215 3825 217"
    assert "department" not in second.search_key


@pytest.mark.parametrize(
    "overrides",
    [
        {"eid_code": "h18 12"},
        {"email": "not an e-mail"},
        {"latitude": "91"},
        {"opening_hours": [{"weekdays": [7], "opens": "07:00", "closes": "11:30"}]},
        {"opening_hours": [{"weekdays": [0], "opens": "13:00", "closes": "11:30"}]},
        {"opening_hours": [{"weekdays": [0], "opens": "7h", "closes": "11:30"}]},
        {"opening_hours": {"monday": "07:00-11:30"}},
    ],
)
def test_upsert_agency_raises_validation_error_when_a_field_is_invalid(overrides):
    with pytest.raises(ValidationError):
        _upsert(**overrides)
    assert not Agency.objects.exists()


def test_add_membership_is_idempotent_when_called_twice():
    user, agency = StaffUserFactory(), AgencyFactory()

    first = services.add_membership(user=user, agency=agency, role=Role.INSTRUCTOR)
    second = services.add_membership(user=user, agency=agency, role=Role.INSTRUCTOR)
    services.add_membership(user=user, agency=agency, role=Role.AGENCY_ADMIN)

    assert first.pk == second.pk
    assert Membership.objects.filter(user=user).count() == 2


def test_add_membership_raises_validation_error_when_the_role_is_unknown():
    with pytest.raises(ValidationError):
        services.add_membership(user=StaffUserFactory(), agency=AgencyFactory(), role="mayor")


def test_upsert_agency_truncates_the_search_key_when_the_names_are_very_long():
    agency = _upsert(name_vi="Điện " * 51, name_en="Bien " * 51, name_fr="Phu " * 51)

    assert len(agency.search_key) <= 800
