"""Broken key material for the signing-failure tests, issued by the session's test root CA
(`signing_pki`) so that only the broken part differs: a certificate whose validity ended or has
not started, and key files protected by another password."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from motcua.documents import keys

EXPIRED_ON = dt.date(2025, 12, 31)


def _root(pki: keys.DemoPkiPaths) -> keys.Credentials:
    return keys.Credentials(
        key=serialization.load_pem_private_key(pki.root_key.read_bytes(), password=None),
        certificate=x509.load_pem_x509_certificate(pki.root_cert.read_bytes()),
    )


def signing_credentials(pki: keys.DemoPkiPaths, *, not_before: dt.datetime, not_after: dt.datetime) -> keys.Credentials:
    """An agency signing certificate from the test root, valid from `not_before` to `not_after`."""
    root = _root(pki)
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(keys._name(keys.DEMO_AGENCY_NAME, keys.DEMO_AGENCY_NAME))
        .issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(keys._key_usage(signing=True), critical=True)
        .sign(root.key, hashes.SHA256())
    )
    return keys.Credentials(key=key, certificate=certificate)


def expired_credentials(pki: keys.DemoPkiPaths) -> keys.Credentials:
    end = dt.datetime.combine(EXPIRED_ON, dt.time(12), tzinfo=dt.UTC)
    return signing_credentials(pki, not_before=end - dt.timedelta(days=365), not_after=end)


def future_credentials(pki: keys.DemoPkiPaths, *, valid_from: dt.date) -> keys.Credentials:
    start = dt.datetime.combine(valid_from, dt.time(12), tzinfo=dt.UTC)
    return signing_credentials(pki, not_before=start, not_after=start + dt.timedelta(days=365))


def write_p12(directory: Path, credentials: keys.Credentials, pki: keys.DemoPkiPaths, *, password: str) -> Path:
    path = Path(directory) / "agency-broken.p12"
    root = x509.load_pem_x509_certificate(pki.root_cert.read_bytes())
    path.write_bytes(keys.pkcs12_bytes(credentials, root, password=password))
    return path


def write_pem(directory: Path, credentials: keys.Credentials, *, password: str = "") -> tuple[Path, Path]:
    """(key path, certificate path)."""
    key_path, cert_path = Path(directory) / "agency-broken-key.pem", Path(directory) / "agency-broken-cert.pem"
    key_path.write_bytes(keys.private_key_pem(credentials.key, password))
    cert_path.write_bytes(keys.certificate_pem(credentials.certificate))
    return key_path, cert_path
