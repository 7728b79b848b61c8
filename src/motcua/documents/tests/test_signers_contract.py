"""Every registered signature provider honours the contract (STYLE.md §4)."""

import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils.generic import NameObject, TextStringObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from motcua.documents.errors import SignerNotConfigured
from motcua.documents.keys import DEMO_AGENCY_NAME
from motcua.documents.signers.base import SignatureProvider, SignerProfile, VerificationStatus
from motcua.documents.signers.registry import signature_providers

from .conftest import TEST_P12_PASSWORD

PROVIDERS = signature_providers.all()


def _profile(provider, **options):
    return SignerProfile(provider=provider.id, reason="Kiểm thử", location="Điện Biên", options=options)


def _options_for(provider, pki) -> dict:
    """Options that point a provider at another PKI's key material."""
    if provider.id == "pkcs12":
        return {"path": str(pki.agency_p12), "password": TEST_P12_PASSWORD}
    return {"key_path": str(pki.agency_key), "cert_path": str(pki.agency_cert), "chain_paths": [str(pki.root_cert)]}


def _break_config(provider, settings, tmp_path):
    missing = str(tmp_path / "missing.pem")
    if provider.id == "pkcs12":
        settings.SIGNING_P12_PATH = missing
    else:
        settings.SIGNING_PEM_KEY_PATH = missing


def test_registry_holds_at_least_two_providers():
    assert {"pkcs12", "pem"} <= {provider.id for provider in PROVIDERS}


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_provider_is_a_well_formed_plugin(provider):
    assert isinstance(provider, SignatureProvider)
    assert provider.id == provider.id.lower() and provider.id.replace("_", "").isalnum()
    assert str(provider.label)
    assert provider.options_schema is not None


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_provider_signs_a_pdf_that_it_then_verifies_as_valid(provider, plain_pdf):
    signed = provider.sign_pdf(plain_pdf, signer=_profile(provider))

    assert signed.startswith(plain_pdf)  # an incremental update: the rendered bytes are untouched
    verification = provider.verify(signed)
    assert verification.status == VerificationStatus.VALID
    assert verification.is_valid
    assert verification.signer_common_name == DEMO_AGENCY_NAME
    assert verification.signed_at is not None and verification.signed_at.tzinfo is not None


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_provider_verify_reports_unsigned_and_non_pdf_input_without_raising(provider, plain_pdf):
    assert provider.verify(plain_pdf).status == VerificationStatus.UNSIGNED
    assert provider.verify(b"GIF89a not a pdf").status == VerificationStatus.NOT_PDF
    assert provider.verify(b"%PDF-1.7\n garbage without structure").status == VerificationStatus.NOT_PDF
    assert provider.verify(b"").status == VerificationStatus.NOT_PDF


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_provider_verify_reports_a_changed_byte_as_invalid(provider, plain_pdf):
    signed = provider.sign_pdf(plain_pdf, signer=_profile(provider))
    position = signed.index(b"WeasyPrint")  # the Producer entry, inside the signed bytes
    tampered = signed[:position] + b"X" + signed[position + 1 :]

    assert provider.verify(tampered).status == VerificationStatus.INVALID


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_provider_verify_reports_content_added_after_signing_as_modified(provider, plain_pdf):
    signed = provider.sign_pdf(plain_pdf, signer=_profile(provider))
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root[NameObject("/Lang")] = TextStringObject("en")  # a catalogue change after signing
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)

    assert provider.verify(output.getvalue()).status == VerificationStatus.MODIFIED


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_provider_verify_reports_a_signer_outside_the_trust_roots_as_untrusted(provider, plain_pdf, foreign_pki):
    signed = provider.sign_pdf(plain_pdf, signer=_profile(provider, **_options_for(provider, foreign_pki)))

    verification = provider.verify(signed)
    assert verification.status == VerificationStatus.UNTRUSTED
    assert verification.signer_common_name == "Someone else"


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_provider_check_config_is_empty_when_the_key_material_is_in_place(provider):
    assert provider.check_config() == []


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_provider_refuses_to_sign_and_reports_it_when_the_key_is_missing(provider, plain_pdf, settings, tmp_path):
    _break_config(provider, settings, tmp_path)

    with pytest.raises(SignerNotConfigured) as raised:
        provider.sign_pdf(plain_pdf, signer=_profile(provider))
    assert "missing.pem" in raised.value.detail
    assert any("missing.pem" in problem for problem in provider.check_config())


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_provider_check_config_reports_a_certificate_outside_the_trust_roots(provider, settings, foreign_pki):
    settings.SIGNING_TRUST_ROOTS = [str(foreign_pki.root_cert)]

    problems = provider.check_config()
    assert any("does not chain to SIGNING_TRUST_ROOTS" in problem for problem in problems)


def test_pkcs12_provider_reports_a_wrong_password(settings, plain_pdf):
    settings.SIGNING_P12_PASSWORD = "not the password"
    provider = signature_providers["pkcs12"]

    with pytest.raises(SignerNotConfigured, match="SIGNING_P12_PASSWORD"):
        provider.sign_pdf(plain_pdf, signer=_profile(provider))


def test_provider_refuses_invalid_options(plain_pdf):
    provider = signature_providers["pem"]

    with pytest.raises(SignerNotConfigured):
        provider.sign_pdf(plain_pdf, signer=_profile(provider, chain_paths="not a list"))


def test_verify_skips_an_unreadable_trust_root_and_reports_untrusted(settings, plain_pdf, tmp_path):
    provider = signature_providers["pkcs12"]
    signed = provider.sign_pdf(plain_pdf, signer=_profile(provider))
    broken = tmp_path / "broken.pem"
    broken.write_text("not a certificate")
    settings.SIGNING_TRUST_ROOTS = [str(broken), str(Path(tmp_path) / "absent.pem")]

    assert provider.verify(signed).status == VerificationStatus.UNTRUSTED
