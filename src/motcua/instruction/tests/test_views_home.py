"""The back office workspace page."""

import pytest
from django.urls import reverse

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import StaffWithTotpFactory
from motcua.accounts.tests.staff_helpers import sign_in
from motcua.agencies.tests.factories import AgencyFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HOME_URL = reverse("backoffice:home")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def staff_client(client):
    staff = StaffWithTotpFactory(full_name="Trần Thị Lan")
    assert sign_in(client, staff, staff.totp_device).status_code == 302
    client.staff = staff
    return client


def test_workspace_lists_the_agencies_and_roles_of_the_user(staff_client):
    agency = AgencyFactory(name_vi="Sở Tư pháp", name_en="Department of Justice", eid_code="H11.21")
    MembershipFactory(user=staff_client.staff, agency=agency, role=Role.INSTRUCTOR)
    MembershipFactory(user=staff_client.staff, agency=agency, role=Role.AGENCY_ADMIN)
    MembershipFactory(agency=AgencyFactory(name_en="Someone else's agency"))

    response = staff_client.get(HOME_URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Workspace</h1>" in content
    assert "Welcome, Trần Thị Lan." in content
    assert "Department of Justice" in content
    assert "Instructor" in content and "Agency administrator" in content
    assert "Someone else" not in content
    assert 'aria-current="page"' in content


def test_workspace_shows_the_agency_name_in_the_active_language(staff_client, settings):
    settings.LANGUAGE_CODE = "vi"
    MembershipFactory(user=staff_client.staff, agency=AgencyFactory(name_vi="Sở Tư pháp", name_en="Department of Justice"))
    assert "Sở Tư pháp" in staff_client.get(HOME_URL).content.decode()


def test_workspace_has_a_clear_empty_state(staff_client):
    content = staff_client.get(HOME_URL).content.decode()
    assert "You have no role in any agency yet" in content
    assert "<table" not in content


@pytest.mark.parametrize("rows", [2, 20])
def test_workspace_query_count_does_not_grow_with_memberships(staff_client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        MembershipFactory(user=staff_client.staff)
    # session, user, OTP device, memberships, and the navigation's unread notification count
    with django_assert_max_num_queries(5):
        response = staff_client.get(HOME_URL)
    assert response.content.decode().count("<tr>") == rows + 1


def test_workspace_requires_sign_in(client):
    assert client.get(HOME_URL)["Location"] == f"{reverse('accounts:login')}?next={HOME_URL}"


def test_workspace_offers_the_procedure_builder_to_procedure_administrators(staff_client):
    assert "/backoffice/procedures/" not in staff_client.get(HOME_URL).content.decode()

    MembershipFactory(user=staff_client.staff, role="procedure_admin")

    assert "/backoffice/procedures/" in staff_client.get(HOME_URL).content.decode()
