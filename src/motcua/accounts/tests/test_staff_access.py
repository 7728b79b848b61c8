"""`staff_required` and the Django admin: only staff verified by TOTP get in."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from motcua.accounts.decorators import staff_required

from .factories import StaffFactory, StaffWithTotpFactory, UserFactory
from .staff_helpers import BACKOFFICE_URL, ENROL_URL, LOGIN_URL, TOTP_URL, sign_in, submit_password

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_staff_sign_in(client):
    response = client.get(BACKOFFICE_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/backoffice/"


def test_citizens_get_the_access_denied_page(client, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(UserFactory(), backend="motcua.accounts.backends.StaffBackend")
    response = client.get(BACKOFFICE_URL)
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_signed_in_staff_not_verified_by_otp_are_sent_to_the_code_step(client):
    staff = StaffWithTotpFactory()
    client.force_login(staff, backend="motcua.accounts.backends.StaffBackend")
    assert client.get(BACKOFFICE_URL)["Location"] == TOTP_URL


def test_signed_in_staff_without_device_are_sent_to_enrolment(client):
    client.force_login(StaffFactory(), backend="motcua.accounts.backends.StaffBackend")
    assert client.get(BACKOFFICE_URL)["Location"] == ENROL_URL


def test_signed_in_unverified_staff_can_verify_with_the_code_step(client):
    from .staff_helpers import totp_code

    staff = StaffWithTotpFactory()
    client.force_login(staff, backend="motcua.accounts.backends.StaffBackend")
    assert client.post(TOTP_URL, {"code": totp_code(staff.totp_device)})["Location"] == BACKOFFICE_URL
    assert client.get(BACKOFFICE_URL).status_code == 200


def test_staff_between_the_two_steps_are_sent_to_the_code_step(client):
    staff = StaffWithTotpFactory()
    submit_password(client, staff.email)
    assert client.get(BACKOFFICE_URL)["Location"] == TOTP_URL


def test_verified_staff_reach_the_view():
    staff = StaffWithTotpFactory()
    request = RequestFactory().get("/x/")
    request.user = staff
    staff.is_verified = lambda: True
    assert staff_required(lambda r: HttpResponse("ok"))(request).content == b"ok"


def test_verified_superuser_reaches_the_django_admin(client):
    staff = StaffWithTotpFactory(is_superuser=True)
    sign_in(client, staff, staff.totp_device)
    assert client.get(reverse("admin:index")).status_code == 200

