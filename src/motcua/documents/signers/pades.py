"""PAdES signing and verification with pyHanko, shared by the providers that hold a local key.

`PadesProvider` implements the whole contract except `load_signer(options)`, which each provider
writes for its own kind of key material (PKCS#12 file, PEM files). Verification does not depend on
how a document was signed: every provider verifies against SIGNING_TRUST_ROOTS.

Signatures are PAdES baseline B-B (ETSI.CAdES.detached, SHA-256), added as an incremental update
so that the rendered bytes stay untouched. No timestamp authority is configured, so the signing
time is the one the signer reports.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext

from ..errors import SignerNotConfigured, SigningCertificateExpired, SigningCertificateNotYetValid
from .base import SignatureProvider, SignerProfile, Verification, VerificationStatus

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Modifications after the last signature that leave a document "as signed": none, or the
# validation data (DSS, document timestamps) that long-term signatures add.
_HARMLESS_MODIFICATIONS = {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES}


def run_sync(function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Call one of pyHanko's synchronous functions.

    They call asyncio.run(), which refuses to run inside a running event loop (an async view,
    or Playwright's synchronous API in tests); there the call goes to a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def load_trust_roots() -> list[asn1_x509.Certificate]:
    """The certificates of SIGNING_TRUST_ROOTS (PEM or DER files); missing files are skipped
    (check_config reports them)."""
    roots: list[asn1_x509.Certificate] = []
    for path in settings.SIGNING_TRUST_ROOTS:
        try:
            roots.extend(load_certs_from_pemder([path]))
        except (OSError, ValueError) as error:
            logger.warning("documents.trust_root_unreadable path=%s error=%s", path, error)
    return roots


def _common_name(certificate: asn1_x509.Certificate) -> str:
    return certificate.subject.native.get("common_name", "") or certificate.subject.human_friendly


def _pdf_header_missing(data: bytes) -> bool:
    # ISO 32000 readers accept the header anywhere in the first 1024 bytes.
    return b"%PDF-" not in data[:1024]


def verify_pdf(data: bytes) -> Verification:
    """Check every signature of `data` against SIGNING_TRUST_ROOTS; never raises for bad input."""
    if _pdf_header_missing(data):
        return Verification(VerificationStatus.NOT_PDF, detail="no PDF header")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = reader.embedded_signatures
    except Exception as error:  # noqa: BLE001 - pyHanko raises many kinds on damaged files
        return Verification(VerificationStatus.NOT_PDF, detail=f"unreadable PDF: {type(error).__name__}: {error}")
    if not embedded:
        return Verification(VerificationStatus.UNSIGNED, detail="no signature")

    context = ValidationContext(trust_roots=load_trust_roots(), allow_fetching=False)
    statuses = []
    for signature in embedded:
        try:
            statuses.append(run_sync(validate_pdf_signature, signature, context))
        except Exception as error:  # noqa: BLE001 - a broken or exotic CMS blob is an invalid signature
            return Verification(VerificationStatus.INVALID, detail=f"{signature.field_name}: {type(error).__name__}: {error}")

    last = statuses[-1]
    certificate = last.signing_cert
    signed_at = last.signer_reported_dt
    if signed_at is not None and signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=UTC)
    found = {
        "signer_subject": certificate.subject.human_friendly,
        "signer_common_name": _common_name(certificate),
        "signed_at": signed_at,
    }
    summaries = "; ".join(f"{s.summary()} coverage={s.coverage} modifications={s.modification_level}" for s in statuses)

    if not all(s.intact and s.valid for s in statuses):
        return Verification(VerificationStatus.INVALID, detail=summaries, **found)
    if any(s.coverage is None or s.coverage < SignatureCoverageLevel.ENTIRE_REVISION for s in statuses):
        return Verification(VerificationStatus.INVALID, detail=summaries, **found)
    if last.coverage != SignatureCoverageLevel.ENTIRE_FILE and last.modification_level not in _HARMLESS_MODIFICATIONS:
        return Verification(VerificationStatus.MODIFIED, detail=summaries, **found)
    if not all(s.trusted for s in statuses):
        return Verification(VerificationStatus.UNTRUSTED, detail=summaries, **found)
    return Verification(VerificationStatus.VALID, detail=summaries, **found)


def check_certificate_validity(certificate: asn1_x509.Certificate, *, now: datetime | None = None) -> None:
    """Raise SigningCertificateExpired / SigningCertificateNotYetValid unless `now` is within the
    certificate's validity. pyHanko signs with an expired certificate without a word; the
    document would then fail every verification, ours included, with a vaguer message."""
    now = now or datetime.now(tz=UTC)
    validity = certificate["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    subject = certificate.subject.human_friendly
    if now > not_after:
        raise SigningCertificateExpired(expired_on=not_after.date(),
                                        detail=f"the signing certificate ({subject}) expired on {not_after:%Y-%m-%d %H:%M} UTC")
    if now < not_before:
        raise SigningCertificateNotYetValid(valid_from=not_before.date(),
                                            detail=f"the signing certificate ({subject}) is valid from {not_before:%Y-%m-%d %H:%M} UTC")


class PadesProvider(SignatureProvider):
    """A provider whose key is held locally and loaded by `load_signer`."""

    def load_signer(self, options: Any) -> signers.SimpleSigner:
        """pyHanko's signer for these (validated) options; SignerNotConfigured if it cannot."""
        raise NotImplementedError

    def sign_pdf(self, data: bytes, *, signer: SignerProfile) -> bytes:
        pyhanko_signer = self.load_signer(self.options(signer))
        check_certificate_validity(pyhanko_signer.signing_cert)
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        existing = len(writer.prev.embedded_signatures)
        metadata = signers.PdfSignatureMetadata(
            field_name=f"Signature{existing + 1}",
            reason=signer.reason or None,
            location=signer.location or None,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        output = run_sync(signers.sign_pdf, writer, metadata, signer=pyhanko_signer)
        return output.getvalue()

    def verify(self, data: bytes) -> Verification:
        return verify_pdf(data)

    def check_config(self) -> list[str]:
        problems = []
        roots = []
        for path in settings.SIGNING_TRUST_ROOTS:
            if not Path(path).is_file():
                problems.append(f"SIGNING_TRUST_ROOTS: no file at {path}")
                continue
            try:
                roots.extend(load_certs_from_pemder([path]))
            except (OSError, ValueError) as error:
                problems.append(f"SIGNING_TRUST_ROOTS: cannot read {path}: {error}")
        if not roots:
            problems.append("SIGNING_TRUST_ROOTS: no trusted certificate, every signature would be reported untrusted")
        try:
            pyhanko_signer = self.load_signer(self.options(SignerProfile(provider=self.id)))
        except SignerNotConfigured as error:
            return [*problems, error.detail or str(error)]

        certificate = pyhanko_signer.signing_cert
        try:
            check_certificate_validity(certificate)
        except SignerNotConfigured as error:
            problems.append(f"{self.id}: {error.detail}")
        if roots:
            context = ValidationContext(trust_roots=roots, allow_fetching=False)
            intermediates = list(pyhanko_signer.cert_registry)
            validator = CertificateValidator(certificate, intermediate_certs=intermediates, validation_context=context)
            try:
                run_sync(asyncio.run, validator.async_validate_usage({"digital_signature"}))
            except Exception as error:  # noqa: BLE001 - path building, validation and usage errors alike
                problems.append(f"{self.id}: the signing certificate does not chain to SIGNING_TRUST_ROOTS for signing: {error}")
        return problems
