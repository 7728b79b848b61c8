"""Lockout after wrong staff passwords (django-axes + accounts/lockout.py).

The rule: five wrong passwords are answered "wrong e-mail address or password"; the sixth
attempt is refused with the lockout page, even with the right password."""

import pytest
from axes.models import AccessAttempt

from .factories import STAFF_PASSWORD, StaffWithTotpFactory
from .staff_helpers import LOGIN_URL, TOTP_URL, sign_in, submit_password

pytestmark = pytest.mark.django_db

WRONG = "not the password at all"


def _assert_wrong_password_answer(response):
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Wrong e-mail address or password."]


def _assert_locked(response):
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "administrator of your agency" in response.content.decode()


def test_sixth_attempt_is_locked_when_five_wrong_passwords_even_with_the_right_password(client, settings):
    settings.LANGUAGE_CODE = "en"
    staff = StaffWithTotpFactory()
    for _ in range(5):
        _assert_wrong_password_answer(submit_password(client, staff.email, WRONG))

    response = submit_password(client, staff.email, STAFF_PASSWORD)

    _assert_locked(response)
    assert "motcua_staff_signin" not in client.session
    assert client.get(TOTP_URL)["Location"] == LOGIN_URL


def test_lockout_stays_when_more_attempts_are_made(client, settings):
    settings.LANGUAGE_CODE = "en"
    staff = StaffWithTotpFactory()
    for _ in range(5):
        submit_password(client, staff.email, WRONG)
    _assert_locked(submit_password(client, staff.email, WRONG))
    _assert_locked(submit_password(client, staff.email, STAFF_PASSWORD))


def test_lockout_page_says_when_to_retry(client, settings):
    settings.LANGUAGE_CODE = "en"
    staff = StaffWithTotpFactory()
    for _ in range(6):
        response = submit_password(client, staff.email, WRONG)
    content = response.content.decode()
    assert "You can try again in 30 minutes, after" in content
    assert 'lang="en"' in content


def test_lockout_page_is_translated(client, settings):
    settings.LANGUAGE_CODE = "vi"
    staff = StaffWithTotpFactory()
    for _ in range(6):
        response = submit_password(client, staff.email, WRONG)
    assert response.status_code == 429
    assert 'lang="vi"' in response.content.decode()


def test_counter_restarts_when_the_right_password_is_given_before_the_limit(client, settings):
    settings.LANGUAGE_CODE = "en"
    staff = StaffWithTotpFactory()
    for _ in range(4):
        _assert_wrong_password_answer(submit_password(client, staff.email, WRONG))
    assert sign_in(client, staff, staff.totp_device).status_code == 302
    client.post("/accounts/sign-out/")

    for _ in range(5):
        _assert_wrong_password_answer(submit_password(client, staff.email, WRONG))
    _assert_locked(submit_password(client, staff.email, STAFF_PASSWORD))


def test_counter_restarts_when_only_the_password_step_succeeds(client, settings):
    settings.LANGUAGE_CODE = "en"
    staff = StaffWithTotpFactory()
    for _ in range(4):
        submit_password(client, staff.email, WRONG)
    assert submit_password(client, staff.email, STAFF_PASSWORD)["Location"] == TOTP_URL
    assert not AccessAttempt.objects.exists()


def test_failures_are_counted_per_account_whatever_the_case_of_the_address(client, settings):
    settings.LANGUAGE_CODE = "en"
    staff = StaffWithTotpFactory(username="lan.nguyen@dienbien.gov.vn")
    for variant in ["Lan.Nguyen@dienbien.gov.vn", "LAN.NGUYEN@DIENBIEN.GOV.VN", " lan.nguyen@dienbien.gov.vn", "lan.nguyen@Dienbien.gov.vn", "lan.nguyen@dienbien.gov.vn"]:
        _assert_wrong_password_answer(submit_password(client, variant, WRONG))
    _assert_locked(submit_password(client, staff.email, STAFF_PASSWORD))


def test_unknown_address_is_answered_and_locked_like_a_real_account(client, settings):
    """Same answers, so the lockout does not tell which addresses have an account."""
    settings.LANGUAGE_CODE = "en"
    for _ in range(5):
        _assert_wrong_password_answer(submit_password(client, "nobody@dienbien.gov.vn", WRONG))
    _assert_locked(submit_password(client, "nobody@dienbien.gov.vn", WRONG))


def test_other_accounts_are_not_locked(client, settings):
    settings.LANGUAGE_CODE = "en"
    locked, other = StaffWithTotpFactory(), StaffWithTotpFactory()
    for _ in range(6):
        submit_password(client, locked.email, WRONG)
    assert submit_password(client, other.email, STAFF_PASSWORD)["Location"] == TOTP_URL


def test_lockout_ends_after_the_cool_off(client, settings, time_machine):
    settings.LANGUAGE_CODE = "en"
    staff = StaffWithTotpFactory()
    time_machine.move_to("2026-03-02 08:00:00+07:00", tick=False)
    for _ in range(6):
        submit_password(client, staff.email, WRONG)
    time_machine.move_to("2026-03-02 08:31:00+07:00", tick=False)
    assert submit_password(client, staff.email, STAFF_PASSWORD)["Location"] == TOTP_URL


def test_axes_alone_would_show_the_lockout_page_at_the_fifth_wrong_password(client, settings):
    """Why accounts/lockout.py exists: axes marks the request that reaches the limit as locked
    out. If this starts failing after an axes upgrade, revisit lockout_response."""
    settings.AXES_LOCKOUT_CALLABLE = None
    settings.AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
    staff = StaffWithTotpFactory()
    for _ in range(4):
        assert submit_password(client, staff.email, WRONG).status_code == 200
    assert submit_password(client, staff.email, WRONG).status_code == 429
