"""issue_document renders, signs, hashes and stores in one call; pyHanko accepts the result."""

import hashlib
import io

import pypdf
import pytest
from asn1crypto import pem, x509
from django.core.files.storage import default_storage
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from motcua.agencies.tests.factories import AgencyFactory
from motcua.documents import services
from motcua.documents.constants import DocumentKind
from motcua.documents.errors import SignerNotConfigured, SigningFailed
from motcua.documents.keys import DEMO_AGENCY_NAME
from motcua.documents.models import IssuedDocument
from motcua.documents.signers.base import SignerProfile

from .factories import issue_test_receipt, make_receipt_context

pytestmark = pytest.mark.django_db


def _stored_bytes(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_issued_receipt_passes_pyhanko_validation_against_the_demo_root(signing_pki):
    document = issue_test_receipt()
    _, _, der = pem.unarmor(signing_pki.root_cert.read_bytes())
    context = ValidationContext(trust_roots=[x509.Certificate.load(der)])

    reader = PdfFileReader(io.BytesIO(_stored_bytes(document)))
    [signature] = reader.embedded_signatures
    status = validate_pdf_signature(signature, context)

    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == DEMO_AGENCY_NAME


def test_issue_document_records_the_hash_the_signer_and_the_file():
    agency = AgencyFactory()
    document = services.issue_receipt(receipt=make_receipt_context(dossier_code="H18-260305-0001"), agency=agency)

    document.refresh_from_db()
    data = _stored_bytes(document)
    assert document.kind == DocumentKind.RECEIPT
    assert document.reference == "H18-260305-0001"
    assert document.title == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    assert document.agency == agency
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert document.signature_provider == "pkcs12"
    assert document.signer_name == DEMO_AGENCY_NAME
    assert DEMO_AGENCY_NAME in document.signer_subject
    assert document.signed_at is not None
    assert document.file.name == f"documents/{document.signed_at:%Y/%m}/{document.code}.pdf"


def test_issue_document_prints_the_verification_url_of_its_own_code(settings):
    settings.SITE_URL = "https://dichvucong.example.vn"
    document = issue_test_receipt()

    text = " ".join(pypdf.PdfReader(io.BytesIO(_stored_bytes(document))).pages[0].extract_text().split())
    assert f"https://dichvucong.example.vn/verify/{document.code}/" in text


def test_issue_document_signs_with_the_profile_it_is_given():
    document = services.issue_document(
        kind=DocumentKind.RESULT,
        reference="H18-260305-0002",
        title="Giấy phép xây dựng",
        template_name="documents/pdf/receipt.html",
        context=make_receipt_context().as_context(),
        signer_profile=SignerProfile(provider="pem", location="Điện Biên"),
    )

    assert document.signature_provider == "pem"
    assert document.kind == DocumentKind.RESULT


def test_issue_document_stores_nothing_when_the_key_is_missing(settings, tmp_path):
    settings.SIGNING_P12_PATH = str(tmp_path / "absent.p12")

    with pytest.raises(SignerNotConfigured):
        issue_test_receipt()

    assert not IssuedDocument.objects.exists()
    assert not default_storage.exists("documents")


def test_issue_document_refuses_a_signature_the_verifier_would_not_trust(settings, foreign_pki):
    settings.SIGNING_TRUST_ROOTS = [str(foreign_pki.root_cert)]

    with pytest.raises(SigningFailed):
        issue_test_receipt()

    assert not IssuedDocument.objects.exists()


def test_issued_documents_get_distinct_codes():
    first, second = issue_test_receipt(), issue_test_receipt()

    assert first.code != second.code
    assert first.sha256 != second.sha256
