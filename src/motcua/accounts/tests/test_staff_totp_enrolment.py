"""Enrolment of an authenticator app at the first sign-in, and the services behind it."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts import services
from motcua.accounts.errors import InvalidOtpToken, TotpAlreadyEnrolled
from motcua.core.errors import PermissionDenied

from .factories import StaffFactory, StaffWithTotpFactory, UserFactory
from .staff_helpers import BACKOFFICE_URL, ENROL_URL, TOTP_URL, submit_password, totp_code, wrong_code

pytestmark = pytest.mark.django_db

SECRET_RE = re.compile(r"<code>([A-Z2-7 ]+)</code>")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def enrolling(client):
    """A staff member without an authenticator who has just given the right password."""
    staff = StaffFactory()
    assert submit_password(client, staff.email)["Location"] == ENROL_URL
    return staff


def _pending_device(staff) -> TOTPDevice:
    return TOTPDevice.objects.get(user=staff, confirmed=False)


def test_staff_without_totp_cannot_reach_the_back_office(client, enrolling):
    response = client.get(BACKOFFICE_URL)
    assert response.status_code == 302
    assert response["Location"] == ENROL_URL


def test_staff_without_totp_cannot_reach_the_django_admin(client, enrolling):
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/django-admin/login/")
    assert SESSION_KEY not in client.session


def test_superuser_without_totp_cannot_sign_in_to_the_django_admin(client):
    staff = StaffFactory(is_superuser=True)
    response = client.post(
        "/django-admin/login/?next=/django-admin/",
        {"username": staff.email, "password": "correct horse battery staple 42", "otp_token": "123456"},
    )
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert client.get("/django-admin/").status_code == 302


def test_enrolment_page_shows_a_qr_code_and_the_key_in_text(client, enrolling):
    content = client.get(ENROL_URL).content.decode()
    device = _pending_device(enrolling)
    assert 'src="data:image/svg+xml' in content
    assert 'alt="QR code for your authenticator app.' in content
    shown = SECRET_RE.search(content).group(1).replace(" ", "")
    from base64 import b32encode

    assert shown == b32encode(device.bin_key).decode().rstrip("=")
    assert 'autocomplete="one-time-code"' in content and 'inputmode="numeric"' in content
    assert "<script>" not in content and "style=" not in content


def test_enrolment_refuses_a_wrong_code_and_still_shows_the_same_key(client, enrolling):
    first_page = client.get(ENROL_URL).content.decode()
    device = _pending_device(enrolling)

    response = client.post(ENROL_URL, {"code": wrong_code(device)})

    assert response.status_code == 200
    content = response.content.decode()
    assert "This code is not valid. Check the time on your phone and enter the code shown now." in content
    assert SECRET_RE.search(content).group(1) == SECRET_RE.search(first_page).group(1)
    assert 'src="data:image/svg+xml' in content
    assert TOTPDevice.objects.filter(user=enrolling).count() == 1
    assert not TOTPDevice.objects.filter(user=enrolling, confirmed=True).exists()
    assert client.get(BACKOFFICE_URL)["Location"] == ENROL_URL


def test_enrolment_refuses_a_non_numeric_code_and_still_shows_the_key(client, enrolling):
    response = client.post(ENROL_URL, {"code": "abc def"})
    content = response.content.decode()
    assert "Enter the 6 digits shown by your authenticator app, like 123456." in content
    assert SECRET_RE.search(content)


def test_enrolment_with_the_right_code_gives_access(client, enrolling, time_machine):
    time_machine.move_to("2026-03-02 08:00:00+07:00", tick=False)
    client.get(ENROL_URL)
    device = _pending_device(enrolling)

    response = client.post(ENROL_URL, {"code": totp_code(device)})

    assert response.status_code == 302
    assert response["Location"] == BACKOFFICE_URL
    device.refresh_from_db()
    assert device.confirmed
    page = client.get(BACKOFFICE_URL)
    assert page.status_code == 200
    assert "Your authenticator app is set up." in page.content.decode()


def test_enrolment_after_a_wrong_code_then_the_right_one(client, enrolling, time_machine):
    time_machine.move_to("2026-03-02 08:00:00+07:00", tick=False)
    client.get(ENROL_URL)
    device = _pending_device(enrolling)
    client.post(ENROL_URL, {"code": wrong_code(device)})
    time_machine.move_to("2026-03-02 08:00:10+07:00", tick=False)
    assert client.post(ENROL_URL, {"code": totp_code(device)})["Location"] == BACKOFFICE_URL


def test_next_sign_in_asks_for_the_code_once_enrolled(client, enrolling, time_machine):
    time_machine.move_to("2026-03-02 08:00:00+07:00", tick=False)
    client.get(ENROL_URL)
    device = _pending_device(enrolling)
    client.post(ENROL_URL, {"code": totp_code(device)})
    client.post("/accounts/sign-out/")
    time_machine.move_to("2026-03-02 08:01:00+07:00", tick=False)
    assert submit_password(client, enrolling.email)["Location"] == TOTP_URL
    assert client.get(ENROL_URL)["Location"] == TOTP_URL


def test_enrolment_page_is_not_offered_to_staff_who_have_an_authenticator(client):
    staff = StaffWithTotpFactory()
    submit_password(client, staff.email)
    assert client.get(ENROL_URL)["Location"] == TOTP_URL
    assert client.post(ENROL_URL, {"code": "123456"})["Location"] == TOTP_URL
    assert TOTPDevice.objects.filter(user=staff).count() == 1


# --- services ---------------------------------------------------------------------------------


def test_start_enrolment_returns_the_same_pending_device():
    staff = StaffFactory()
    first = services.start_totp_enrolment(user=staff)
    assert services.start_totp_enrolment(user=staff) == first
    assert not first.confirmed


def test_start_enrolment_is_refused_when_a_device_is_confirmed():
    staff = StaffWithTotpFactory()
    with pytest.raises(TotpAlreadyEnrolled):
        services.start_totp_enrolment(user=staff)


def test_confirm_enrolment_refuses_another_users_device(time_machine):
    time_machine.move_to("2026-03-02 08:00:00+07:00", tick=False)
    staff, other = StaffFactory(), StaffFactory()
    device = services.start_totp_enrolment(user=other)
    with pytest.raises(InvalidOtpToken):
        services.confirm_totp_enrolment(user=staff, device=device, token=totp_code(device))


def test_confirm_enrolment_removes_other_pending_devices(time_machine):
    time_machine.move_to("2026-03-02 08:00:00+07:00", tick=False)
    staff = StaffFactory()
    stale = TOTPDevice.objects.create(user=staff, name="old", confirmed=False)
    device = TOTPDevice.objects.create(user=staff, name="new", confirmed=False)
    services.confirm_totp_enrolment(user=staff, device=device, token=totp_code(device))
    assert list(TOTPDevice.objects.filter(user=staff)) == [device]
    assert not TOTPDevice.objects.filter(pk=stale.pk).exists()


def test_provision_totp_device_with_a_known_key_replaces_existing_devices(time_machine):
    time_machine.move_to("2026-03-02 08:00:00+07:00", tick=False)
    staff = StaffWithTotpFactory()
    device = services.provision_totp_device(user=staff, key_hex="3132333435363738393031323334353637383930")
    assert device.confirmed
    assert list(TOTPDevice.objects.filter(user=staff)) == [device]
    assert services.verify_staff_totp(user=staff, token=totp_code(device)) == device


def test_totp_devices_are_for_staff_only():
    citizen = UserFactory()
    with pytest.raises(PermissionDenied):
        services.provision_totp_device(user=citizen)
    with pytest.raises(PermissionDenied):
        services.start_totp_enrolment(user=citizen)


def test_an_unconfirmed_device_never_verifies_a_sign_in(time_machine):
    time_machine.move_to("2026-03-02 08:00:00+07:00", tick=False)
    staff = StaffFactory()
    device = services.start_totp_enrolment(user=staff)
    with pytest.raises(InvalidOtpToken):
        services.verify_staff_totp(user=staff, token=totp_code(device))
