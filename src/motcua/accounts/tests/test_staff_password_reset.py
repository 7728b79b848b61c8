"""Password reset by e-mail, for staff accounts only."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from motcua.accounts.constants import UserKind

from .factories import STAFF_PASSWORD, StaffWithTotpFactory, UserFactory
from .staff_helpers import LOGIN_URL, TOTP_URL, submit_password

pytestmark = pytest.mark.django_db

RESET_URL = reverse("accounts:password-reset")
DONE_URL = reverse("accounts:password-reset-done")
NEW_PASSWORD = "a brand new passphrase 2026"
LINK_RE = re.compile(r"http://testserver(/accounts/staff/password-reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _request_reset(client, data):
    """POST the reset form and run what it schedules after commit (the e-mail task)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(RESET_URL, data)


def _reset_link() -> str:
    assert len(mail.outbox) == 1
    return LINK_RE.search(mail.outbox[0].body).group(1)


def test_reset_sends_an_email_with_a_working_link_and_the_new_password_works(client):
    staff = StaffWithTotpFactory(full_name="Trần Thị Lan")
    response = _request_reset(client, {"email": staff.email.upper()})
    assert response["Location"] == DONE_URL

    message = mail.outbox[0]
    assert message.to == [staff.email]
    assert "reset your password" in message.subject
    assert "Hello Trần Thị Lan," in message.body

    form_page = client.get(_reset_link(), follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password-reset-complete")

    assert submit_password(client, staff.email, NEW_PASSWORD)["Location"] == TOTP_URL
    client.session.flush()
    assert submit_password(client, staff.email, STAFF_PASSWORD).status_code == 200


def test_reset_link_works_only_once(client):
    staff = StaffWithTotpFactory()
    _request_reset(client, {"email": staff.email})
    link = _reset_link()
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(link, follow=True)
    assert not again.context["validlink"]
    assert "This link does not work" in again.content.decode()


def test_reset_unlocks_a_locked_account(client):
    staff = StaffWithTotpFactory()
    for _ in range(6):
        submit_password(client, staff.email, "wrong")
    assert submit_password(client, staff.email, STAFF_PASSWORD).status_code == 429
    _request_reset(client, {"email": staff.email})
    page = client.get(_reset_link(), follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert submit_password(client, staff.email, NEW_PASSWORD)["Location"] == TOTP_URL


def test_weak_new_password_is_refused_with_a_message(client):
    staff = StaffWithTotpFactory()
    _request_reset(client, {"email": staff.email})
    page = client.get(_reset_link(), follow=True)
    response = client.post(page.redirect_chain[-1][0], {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="error-summary"' in response.content.decode()


@pytest.mark.parametrize("kind", [UserKind.CITIZEN, UserKind.SANDBOX_IDENTITY])
def test_no_email_is_sent_to_non_staff_accounts_but_the_answer_is_the_same(client, kind):
    user = UserFactory(kind=kind, email="citizen@example.vn")
    user.set_password(STAFF_PASSWORD)
    user.save()
    assert _request_reset(client, {"email": user.email})["Location"] == DONE_URL
    assert mail.outbox == []


def test_no_email_is_sent_for_an_unknown_address_but_the_answer_is_the_same(client):
    assert _request_reset(client, {"email": "nobody@dienbien.gov.vn"})["Location"] == DONE_URL
    assert mail.outbox == []


def test_no_email_is_sent_to_staff_without_a_usable_password(client):
    staff = StaffWithTotpFactory()
    staff.set_unusable_password()
    staff.save()
    _request_reset(client, {"email": staff.email})
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Enter your e-mail address."),
        ({"email": "nope"}, "Enter an e-mail address in the right format, like name@example.gov.vn."),
        ({"email": "a" * 10_000}, "An e-mail address has at most 254 characters."),
    ],
)
def test_malformed_reset_forms_get_a_message(client, data, error):
    response = _request_reset(client, data)
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [error]


def test_reset_pages_are_reachable_from_the_sign_in_page(client):
    assert RESET_URL in client.get(LOGIN_URL).content.decode()
    assert client.get(RESET_URL).status_code == 200
    assert client.get(DONE_URL).status_code == 200
    assert client.get(reverse("accounts:password-reset-complete")).status_code == 200

