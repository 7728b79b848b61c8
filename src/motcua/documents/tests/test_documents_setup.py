"""`manage.py documents_setup` makes the demo key material once and keeps it."""

import io
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import CommandError, call_command

from motcua.documents.keys import DEMO_AGENCY_NAME, DemoPkiPaths

NAMES = ("root-ca.pem", "root-ca-key.pem", "agency-cert.pem", "agency-key.pem", "agency.p12")


@pytest.fixture
def signing_dir(settings, tmp_path):
    """Settings as deployed by default: every SIGNING_* path inside SIGNING_DIR."""
    directory = tmp_path / "signing"
    paths = DemoPkiPaths.in_directory(directory)
    settings.SIGNING_DIR = directory
    settings.SIGNING_P12_PATH = str(paths.agency_p12)
    settings.SIGNING_PEM_KEY_PATH = str(paths.agency_key)
    settings.SIGNING_PEM_CERT_PATH = str(paths.agency_cert)
    settings.SIGNING_PEM_CHAIN_PATHS = [str(paths.root_cert)]
    settings.SIGNING_TRUST_ROOTS = [str(paths.root_cert)]
    return directory


def test_documents_setup_creates_a_root_and_an_agency_certificate_with_private_keys_kept_private(signing_dir, settings):
    call_command("documents_setup", stdout=io.StringIO())

    assert sorted(path.name for path in signing_dir.iterdir()) == sorted(NAMES)
    for name in ("root-ca-key.pem", "agency-key.pem", "agency.p12"):
        assert stat.S_IMODE((signing_dir / name).stat().st_mode) == 0o600
    key, certificate, chain = pkcs12.load_key_and_certificates(
        (signing_dir / "agency.p12").read_bytes(), settings.SIGNING_P12_PASSWORD.encode()
    )
    root = x509.load_pem_x509_certificate((signing_dir / "root-ca.pem").read_bytes())
    assert key is not None
    assert certificate.subject.rfc4514_string().startswith(f"CN={DEMO_AGENCY_NAME}")
    assert certificate.issuer == root.subject
    assert chain == [root]


def test_documents_setup_is_idempotent(signing_dir, capsys):
    call_command("documents_setup")
    before = {name: (signing_dir / name).read_bytes() for name in NAMES}

    call_command("documents_setup")

    assert {name: (signing_dir / name).read_bytes() for name in NAMES} == before
    assert "Kept the key material" in capsys.readouterr().out


def test_documents_setup_force_makes_new_key_material(signing_dir):
    call_command("documents_setup", stdout=io.StringIO())
    before = (signing_dir / "root-ca.pem").read_bytes()

    call_command("documents_setup", "--force", stdout=io.StringIO())

    assert (signing_dir / "root-ca.pem").read_bytes() != before


def test_documents_setup_replaces_a_missing_agency_file_from_the_same_root(signing_dir):
    call_command("documents_setup", stdout=io.StringIO())
    root = (signing_dir / "root-ca.pem").read_bytes()
    (signing_dir / "agency.p12").unlink()

    call_command("documents_setup", "--agency-name", "UBND xã Mường Phăng", stdout=io.StringIO())

    assert (signing_dir / "root-ca.pem").read_bytes() == root
    certificate = x509.load_pem_x509_certificate((signing_dir / "agency-cert.pem").read_bytes())
    assert "UBND xã Mường Phăng" in certificate.subject.rfc4514_string()


def test_documents_setup_fails_when_the_configured_provider_cannot_sign(signing_dir, settings, tmp_path):
    settings.SIGNING_P12_PATH = str(tmp_path / "elsewhere.p12")  # outside SIGNING_DIR: not made by the command

    with pytest.raises(CommandError, match="pkcs12"):
        call_command("documents_setup", stdout=io.StringIO(), stderr=io.StringIO())
