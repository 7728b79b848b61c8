"""Demo key material: a root CA and an agency signing certificate, made with `cryptography`.

For demos and tests only: real agencies sign with certificates from a licensed certification
authority, configured through SIGNING_*. Keys are EC P-256 (quick to make and to use). Entry
point: `ensure_demo_pki(paths, agency_name=..., p12_password=...)`, used by `documents_setup`,
which creates what is missing and keeps everything else (idempotent); files holding a private key
are written with mode 600 and never committed (var/ is ignored by git).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

DEMO_ROOT_NAME = "motcua demo root CA (not for real documents)"
DEMO_AGENCY_NAME = "Trung tâm Phục vụ hành chính công tỉnh Điện Biên"
ROOT_VALIDITY = dt.timedelta(days=10 * 365)
SIGNING_VALIDITY = dt.timedelta(days=3 * 365)
# A certificate this close to its end is replaced by the next `documents_setup`.
RENEW_BEFORE = dt.timedelta(days=30)


@dataclass(frozen=True)
class DemoPkiPaths:
    root_cert: Path
    root_key: Path
    agency_cert: Path
    agency_key: Path
    agency_p12: Path

    @classmethod
    def in_directory(cls, directory: Path) -> DemoPkiPaths:
        directory = Path(directory)
        return cls(
            root_cert=directory / "root-ca.pem",
            root_key=directory / "root-ca-key.pem",
            agency_cert=directory / "agency-cert.pem",
            agency_key=directory / "agency-key.pem",
            agency_p12=directory / "agency.p12",
        )


@dataclass(frozen=True)
class Credentials:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate


def _now() -> dt.datetime:
    return dt.datetime.now(tz=dt.UTC)


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing, content_commitment=signing, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=not signing, crl_sign=not signing, encipher_only=False, decipher_only=False,
    )


def make_root_ca(common_name: str = DEMO_ROOT_NAME) -> Credentials:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, "motcua demo")
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + ROOT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Credentials(key=key, certificate=certificate)


def make_signing_certificate(root: Credentials, *, agency_name: str = DEMO_AGENCY_NAME) -> Credentials:
    """A document-signing certificate whose subject names the agency, issued by `root`."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(agency_name, agency_name))
        .issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(min(now + SIGNING_VALIDITY, root.certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(root.key, hashes.SHA256())
    )
    return Credentials(key=key, certificate=certificate)


def certificate_pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def private_key_pem(key: ec.EllipticCurvePrivateKey, password: str = "") -> bytes:
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def pkcs12_bytes(credentials: Credentials, root: x509.Certificate, *, password: str, friendly_name: str = "agency") -> bytes:
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode(), credentials.key, credentials.certificate, [root], encryption
    )


def _write(path: Path, data: bytes, *, secret: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if secret:
        path.chmod(0o600)


def _needs_renewal(path: Path) -> bool:
    if not path.is_file():
        return True
    try:
        certificate = x509.load_pem_x509_certificate(path.read_bytes())
    except ValueError:
        return True
    return certificate.not_valid_after_utc - RENEW_BEFORE < _now()


def ensure_demo_pki(
    paths: DemoPkiPaths, *, agency_name: str = DEMO_AGENCY_NAME, p12_password: str, key_password: str = ""
) -> list[Path]:
    """Create the demo root CA and the agency's key, certificate and PKCS#12 file where missing
    (or expiring); return the files written. Existing files are kept."""
    written: list[Path] = []
    if _needs_renewal(paths.root_cert) or not paths.root_key.is_file():
        root = make_root_ca()
        _write(paths.root_key, private_key_pem(root.key), secret=True)
        _write(paths.root_cert, certificate_pem(root.certificate), secret=False)
        written += [paths.root_key, paths.root_cert]
        renew_agency = True
    else:
        root = Credentials(
            key=serialization.load_pem_private_key(paths.root_key.read_bytes(), password=None),
            certificate=x509.load_pem_x509_certificate(paths.root_cert.read_bytes()),
        )
        renew_agency = _needs_renewal(paths.agency_cert)

    agency_files = (paths.agency_key, paths.agency_cert, paths.agency_p12)
    if renew_agency or not all(path.is_file() for path in agency_files):
        agency = make_signing_certificate(root, agency_name=agency_name)
        _write(paths.agency_key, private_key_pem(agency.key, key_password), secret=True)
        _write(paths.agency_cert, certificate_pem(agency.certificate), secret=False)
        _write(paths.agency_p12, pkcs12_bytes(agency, root.certificate, password=p12_password), secret=True)
        written += list(agency_files)
    return written
