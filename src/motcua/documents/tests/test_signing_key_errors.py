"""Bad key material (issue 6, item 6): an expired or not-yet-valid signing certificate and a wrong
key password are refused by every provider *before* signing, with a domain error whose message
says what to do (translated, and said again in the reader's language from the stored code and
parameters); `documents_setup` reports them clearly; nothing is issued."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from motcua.documents.errors import (
    SignerNotConfigured,
    SigningCertificateExpired,
    SigningCertificateNotYetValid,
    SigningKeyUnreadable,
    signing_failure_message,
)
from motcua.documents.models import IssuedDocument
from motcua.documents.signers.base import SignerProfile
from motcua.documents.signers.registry import signature_providers

from .conftest import TEST_P12_PASSWORD
from .factories import issue_test_receipt
from .pki import EXPIRED_ON, expired_credentials, future_credentials, write_p12, write_pem

PROVIDERS = signature_providers.all()


def _options(provider, tmp_path, credentials, signing_pki, *, password=TEST_P12_PASSWORD, given=None) -> dict:
    """Options pointing `provider` at `credentials` written with `password`; `given`: the
    password the options claim (default: the right one)."""
    given = password if given is None else given
    if provider.id == "pkcs12":
        return {"path": str(write_p12(tmp_path, credentials, signing_pki, password=password)), "password": given}
    key_path, cert_path = write_pem(tmp_path, credentials, password=password)
    return {"key_path": str(key_path), "cert_path": str(cert_path), "chain_paths": [str(signing_pki.root_cert)],
            "key_password": given}


def _sign(provider, plain_pdf, options):
    return provider.sign_pdf(plain_pdf, signer=SignerProfile(provider=provider.id, options=options))


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_an_expired_certificate_is_refused_before_signing_when_any_provider_signs(provider, plain_pdf, tmp_path, signing_pki):
    options = _options(provider, tmp_path, expired_credentials(signing_pki), signing_pki)

    with pytest.raises(SigningCertificateExpired) as info:
        _sign(provider, plain_pdf, options)

    assert isinstance(info.value, SignerNotConfigured)  # the tasks' handling of signing failures applies
    assert info.value.code == "signing_certificate_expired" and info.value.expired_on == EXPIRED_ON
    assert info.value.params == {"expired_on": "2025-12-31"} and "expired on 2025-12-31" in info.value.detail


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_a_certificate_not_valid_yet_is_refused_before_signing(provider, plain_pdf, tmp_path, signing_pki):
    valid_from = dt.date.today() + dt.timedelta(days=30)
    options = _options(provider, tmp_path, future_credentials(signing_pki, valid_from=valid_from), signing_pki)

    with pytest.raises(SigningCertificateNotYetValid) as info:
        _sign(provider, plain_pdf, options)
    assert info.value.params == {"valid_from": valid_from.isoformat()}


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_a_wrong_key_password_is_a_clear_error_when_any_provider_signs(provider, plain_pdf, tmp_path, signing_pki):
    valid = future_credentials(signing_pki, valid_from=dt.date.today() - dt.timedelta(days=1))
    options = _options(provider, tmp_path, valid, signing_pki, password="the-right-one", given="a-wrong-one")

    with pytest.raises(SigningKeyUnreadable) as info:
        _sign(provider, plain_pdf, options)
    assert "PASSWORD" in info.value.detail
    with translation.override("en"):
        assert str(info.value.message) == ("The signing key cannot be opened: its password is wrong or the file is "
                                           "damaged. Ask the administrator to check the signing settings.")


@pytest.mark.django_db
def test_nothing_is_issued_when_the_configured_certificate_expired(settings, tmp_path, signing_pki):
    settings.SIGNING_P12_PATH = str(write_p12(tmp_path, expired_credentials(signing_pki), signing_pki,
                                              password=TEST_P12_PASSWORD))

    with pytest.raises(SigningCertificateExpired):
        issue_test_receipt()
    assert not IssuedDocument.objects.exists()


def test_the_message_is_said_again_in_the_language_of_the_reader_from_the_stored_code():
    params = {"expired_on": "2025-12-31"}

    with translation.override("en"):
        english = signing_failure_message("signing_certificate_expired", params)
    assert english == "The agency's signing certificate expired on Dec. 31, 2025; ask the administrator to renew it."
    with translation.override("vi"):
        assert "31" in signing_failure_message("signing_certificate_expired", params)
    with translation.override("en"):
        assert "valid only from" in signing_failure_message("signing_certificate_not_yet_valid", {"valid_from": "2030-01-02"})
        assert "password is wrong" in signing_failure_message("signing_key_unreadable")
        assert signing_failure_message("signing_certificate_expired", {"expired_on": "garbage"}).startswith(
            "The agency's signing certificate expired on …;")
        assert signing_failure_message("something_else", fallback="As recorded.") == "As recorded."


# --- documents_setup ---------------------------------------------------------------------------


def test_documents_setup_says_the_password_is_wrong_when_it_cannot_open_the_key(settings, tmp_path):
    settings.SIGNING_DIR = tmp_path / "signing"
    settings.SIGNING_P12_PATH = str(tmp_path / "signing" / "agency.p12")
    settings.SIGNING_PEM_KEY_PATH = str(tmp_path / "signing" / "agency-key.pem")
    settings.SIGNING_PEM_CERT_PATH = str(tmp_path / "signing" / "agency-cert.pem")
    settings.SIGNING_PEM_CHAIN_PATHS = [str(tmp_path / "signing" / "root-ca.pem")]
    settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "signing" / "root-ca.pem")]
    call_command("documents_setup", stdout=io.StringIO(), stderr=io.StringIO())  # made with the right password
    settings.SIGNING_P12_PASSWORD = "not-the-password"
    stderr = io.StringIO()

    with pytest.raises(CommandError, match="'pkcs12' is not ready"):
        call_command("documents_setup", stdout=io.StringIO(), stderr=stderr)
    assert "wrong SIGNING_P12_PASSWORD?" in stderr.getvalue()


def test_documents_setup_reports_an_expired_certificate(settings, tmp_path, signing_pki):
    settings.SIGNING_P12_PATH = str(write_p12(tmp_path, expired_credentials(signing_pki), signing_pki,
                                              password=TEST_P12_PASSWORD))
    stderr = io.StringIO()

    with pytest.raises(CommandError, match="'pkcs12' is not ready"):
        call_command("documents_setup", stdout=io.StringIO(), stderr=stderr)
    assert "expired on 2025-12-31" in stderr.getvalue()
