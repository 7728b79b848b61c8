"""Staff sign-in: e-mail and password, then the TOTP code."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from motcua.accounts.constants import UserKind
from motcua.accounts.staff_signin import PENDING_MAX_AGE, PENDING_SESSION_KEY

from .factories import STAFF_PASSWORD, StaffFactory, StaffWithTotpFactory, UserFactory
from .staff_helpers import BACKOFFICE_URL, ENROL_URL, LOGIN_URL, TOTP_URL, sign_in, submit_password, totp_code, wrong_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _form_errors(response) -> list[str]:
    form = response.context["form"]
    return [str(e) for e in form.non_field_errors()] + [str(e) for f in form for e in f.errors]


def test_sign_in_page_has_accessible_fields(client):
    content = client.get(LOGIN_URL).content.decode()
    assert 'autocomplete="username"' in content
    assert 'autocomplete="current-password"' in content
    assert '<label class="field__label" for="id_email">' in content
    assert "<script>" not in content and "style=" not in content


def test_password_step_does_not_sign_in_when_the_password_is_right(client):
    staff = StaffWithTotpFactory()
    response = submit_password(client, staff.email)
    assert response.status_code == 302
    assert response["Location"] == TOTP_URL
    assert SESSION_KEY not in client.session
    assert client.session[PENDING_SESSION_KEY]["user_id"] == staff.pk


def test_staff_is_signed_in_and_verified_when_the_code_is_right(client):
    staff = StaffWithTotpFactory()
    response = sign_in(client, staff, staff.totp_device)
    assert response.status_code == 302
    assert response["Location"] == BACKOFFICE_URL
    assert client.session[SESSION_KEY] == str(staff.pk)
    assert PENDING_SESSION_KEY not in client.session
    assert client.get(BACKOFFICE_URL).status_code == 200


def test_code_page_shows_the_account_and_accessible_code_field(client):
    staff = StaffWithTotpFactory()
    submit_password(client, staff.email)
    content = client.get(TOTP_URL).content.decode()
    assert staff.email in content
    assert 'autocomplete="one-time-code"' in content
    assert 'inputmode="numeric"' in content


def test_wrong_code_is_refused_with_a_message(client, time_machine):
    staff = StaffWithTotpFactory()
    submit_password(client, staff.email)
    response = client.post(TOTP_URL, {"code": wrong_code(staff.totp_device)})
    assert response.status_code == 200
    assert _form_errors(response) == ["This code is not valid. Check the time on your phone and enter the code shown now."]
    assert SESSION_KEY not in client.session


def test_codes_are_refused_for_a_while_when_several_are_wrong(client, time_machine):
    time_machine.move_to("2026-03-02 08:00:00+07:00", tick=False)
    staff = StaffWithTotpFactory()
    submit_password(client, staff.email)
    client.post(TOTP_URL, {"code": wrong_code(staff.totp_device)})
    response = client.post(TOTP_URL, {"code": totp_code(staff.totp_device)})
    assert _form_errors(response) == ["Too many wrong codes. Wait a few seconds, then enter the code shown now."]
    time_machine.move_to("2026-03-02 08:00:05+07:00", tick=False)
    assert client.post(TOTP_URL, {"code": totp_code(staff.totp_device)}).status_code == 302


def test_a_code_cannot_be_used_twice(client, time_machine):
    time_machine.move_to("2026-03-02 08:00:00+07:00", tick=False)
    staff = StaffWithTotpFactory()
    sign_in(client, staff, staff.totp_device)
    client.post(reverse("accounts:logout"))
    submit_password(client, staff.email)
    response = client.post(TOTP_URL, {"code": totp_code(staff.totp_device)})
    assert response.status_code == 200 and SESSION_KEY not in client.session


def test_next_page_is_kept_across_both_steps(client):
    staff = StaffWithTotpFactory()
    target = reverse("backoffice:home") + "?tab=1"
    client.post(LOGIN_URL, {"email": staff.email, "password": STAFF_PASSWORD, "next": target})
    response = client.post(TOTP_URL, {"code": totp_code(staff.totp_device)})
    assert response["Location"] == target


def test_next_page_on_another_site_is_ignored(client):
    staff = StaffWithTotpFactory()
    client.post(LOGIN_URL, {"email": staff.email, "password": STAFF_PASSWORD, "next": "https://evil.example/"})
    response = client.post(TOTP_URL, {"code": totp_code(staff.totp_device)})
    assert response["Location"] == BACKOFFICE_URL


@pytest.mark.parametrize("kind", [UserKind.CITIZEN, UserKind.BUSINESS_REPRESENTATIVE, UserKind.SANDBOX_IDENTITY])
def test_non_staff_accounts_cannot_use_the_staff_sign_in(client, kind):
    user = UserFactory(kind=kind, username=f"{kind}@example.vn", email=f"{kind}@example.vn")
    user.set_password(STAFF_PASSWORD)
    user.save()
    response = submit_password(client, user.username)
    assert response.status_code == 200
    assert _form_errors(response) == ["Wrong e-mail address or password."]
    assert PENDING_SESSION_KEY not in client.session


def test_staff_without_back_office_access_cannot_sign_in(client):
    staff = StaffWithTotpFactory(is_staff=False)
    assert _form_errors(submit_password(client, staff.email)) == ["Wrong e-mail address or password."]


def test_inactive_staff_cannot_sign_in(client):
    staff = StaffWithTotpFactory(is_active=False)
    assert _form_errors(submit_password(client, staff.email)) == ["Wrong e-mail address or password."]


def test_the_same_message_is_shown_when_the_account_does_not_exist(client):
    staff = StaffWithTotpFactory()
    unknown = _form_errors(submit_password(client, "nobody@dienbien.gov.vn", "whatever it is"))
    wrong = _form_errors(submit_password(client, staff.email, "whatever it is"))
    assert unknown == wrong == ["Wrong e-mail address or password."]


def test_typed_email_is_kept_when_the_password_is_wrong(client):
    response = submit_password(client, "Lan.Nguyen@DienBien.gov.vn", "wrong password")
    content = response.content.decode()
    assert 'value="Lan.Nguyen@DienBien.gov.vn"' in content
    assert "wrong password" not in content
    assert 'class="error-summary"' in content


def test_typed_email_is_kept_when_the_password_is_missing(client):
    response = client.post(LOGIN_URL, {"email": "lan@dienbien.gov.vn", "password": ""})
    assert _form_errors(response) == ["Enter your password."]
    assert 'value="lan@dienbien.gov.vn"' in response.content.decode()
    assert 'aria-describedby="id_password-error"' in response.content.decode()


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, ["Enter your e-mail address.", "Enter your password."]),
        ({"email": "not an address", "password": "x"}, ["Enter an e-mail address in the right format, like name@example.gov.vn."]),
        ({"email": "a" * 10_000 + "@x.vn", "password": "x"}, ["An e-mail address has at most 254 characters."]),
        ({"email": "lan@dienbien.gov.vn", "password": "p" * 10_000}, ["This password is too long."]),
        ({"email": "lan@dienbien.gov.vn\x00", "password": "x"}, None),
    ],
)
def test_malformed_sign_in_forms_get_a_message(client, data, errors):
    response = client.post(LOGIN_URL, data)
    assert response.status_code == 200
    if errors is not None:
        assert _form_errors(response) == errors
    else:
        assert _form_errors(response)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("", "Enter the 6-digit code from your authenticator app."),
        ("abcdef", "Enter the 6 digits shown by your authenticator app, like 123456."),
        ("12345", "Enter the 6 digits shown by your authenticator app, like 123456."),
        ("1" * 10_000, "Enter the 6 digits shown by your authenticator app, like 123456."),
        ("١٢٣٤٥٦", "Enter the 6 digits shown by your authenticator app, like 123456."),
    ],
)
def test_malformed_codes_get_a_message(client, code, error):
    staff = StaffWithTotpFactory()
    submit_password(client, staff.email)
    response = client.post(TOTP_URL, {"code": code})
    assert response.status_code == 200
    assert _form_errors(response) == [error]


def test_code_with_spaces_is_accepted(client):
    staff = StaffWithTotpFactory()
    submit_password(client, staff.email)
    code = totp_code(staff.totp_device)
    assert client.post(TOTP_URL, {"code": f" {code[:3]} {code[3:]} "}).status_code == 302


@pytest.mark.parametrize("url", [LOGIN_URL, TOTP_URL, ENROL_URL])
def test_forms_without_csrf_token_are_refused_with_a_translated_page(url):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(url, {"email": "lan@dienbien.gov.vn", "password": "x", "code": "123456"})
    assert response.status_code == 403
    assert "Your session has expired" in response.content.decode()


def test_code_page_sends_back_to_the_first_step_without_a_password(client):
    assert client.get(TOTP_URL)["Location"] == LOGIN_URL
    assert client.post(TOTP_URL, {"code": "123456"})["Location"] == LOGIN_URL
    assert client.get(ENROL_URL)["Location"] == LOGIN_URL


def test_password_step_expires(client, time_machine):
    time_machine.move_to("2026-03-02 08:00:00+07:00", tick=False)
    staff = StaffWithTotpFactory()
    submit_password(client, staff.email)
    time_machine.move_to(f"2026-03-02 08:{PENDING_MAX_AGE // 60 + 1:02d}:00+07:00", tick=False)
    assert client.post(TOTP_URL, {"code": totp_code(staff.totp_device)})["Location"] == LOGIN_URL
    assert SESSION_KEY not in client.session


def test_password_step_is_dropped_when_the_password_changes_meanwhile(client):
    staff = StaffWithTotpFactory()
    submit_password(client, staff.email)
    staff.set_password("another long password 99")
    staff.save()
    assert client.post(TOTP_URL, {"code": totp_code(staff.totp_device)})["Location"] == LOGIN_URL


def test_signed_in_staff_going_to_the_sign_in_page_is_sent_on(client):
    staff = StaffWithTotpFactory()
    sign_in(client, staff, staff.totp_device)
    assert client.get(LOGIN_URL)["Location"] == BACKOFFICE_URL


def test_staff_without_device_is_sent_to_enrolment_after_the_password(client):
    staff = StaffFactory()
    assert submit_password(client, staff.email)["Location"] == ENROL_URL
    assert client.get(TOTP_URL)["Location"] == ENROL_URL


@pytest.mark.parametrize("url", [TOTP_URL, ENROL_URL])
def test_code_forms_sent_empty_get_a_message(client, url):
    staff = StaffWithTotpFactory() if url == TOTP_URL else StaffFactory()
    submit_password(client, staff.email)
    response = client.post(url, {})
    assert response.status_code == 200
    assert _form_errors(response) == ["Enter the 6-digit code from your authenticator app."]
