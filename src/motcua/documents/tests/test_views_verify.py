"""The public verification pages: find a document by code, check a file, download the original."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.documents import views
from motcua.documents.signers.base import SignerProfile
from motcua.documents.signers.registry import signature_providers

from .conftest import TEST_P12_PASSWORD
from .factories import issue_test_receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt():
    return issue_test_receipt()


def _original(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def _detail_url(document) -> str:
    return reverse("documents:document-detail", kwargs={"code": document.code})


def _upload(client, document, data: bytes, name="giay-tiep-nhan.pdf"):
    return client.post(_detail_url(document), {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_detail_shows_the_document_to_anyone_without_signing_in(client, receipt):
    response = client.get(_detail_url(receipt))

    assert response.status_code == 200
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in response.text
    assert receipt.reference in response.text
    assert receipt.code in response.text
    assert receipt.signer_name in response.text
    assert reverse("documents:document-download", kwargs={"code": receipt.code}) in response.text
    assert 'enctype="multipart/form-data"' in response.text
    assert '<meta name="robots" content="noindex">' in response.text


def test_detail_is_404_for_an_unknown_or_malformed_code(client, receipt):
    assert client.get(reverse("documents:document-detail", kwargs={"code": "ZZZZ-ZZZZ-ZZZZ"})).status_code == 404
    assert client.get(reverse("documents:document-detail", kwargs={"code": "not-a-code"})).status_code == 404
    assert client.get(reverse("documents:document-download", kwargs={"code": "ZZZZ-ZZZZ-ZZZZ"})).status_code == 404


def test_detail_redirects_a_code_typed_in_lower_case_to_its_canonical_address(client, receipt):
    typed = receipt.code.lower().replace("-", "")

    response = client.get(reverse("documents:document-detail", kwargs={"code": typed}))

    assert response.status_code == 302
    assert response["Location"] == _detail_url(receipt)


def test_upload_of_the_original_says_it_is_the_original_with_a_valid_signature(client, receipt):
    response = _upload(client, receipt, _original(receipt))

    assert response.status_code == 200
    assert 'data-outcome="original"' in response.text
    assert "This file is the original" in response.text


def test_upload_with_one_byte_changed_says_the_file_was_changed(client, receipt):
    data = _original(receipt)
    position = data.index(b"WeasyPrint")  # inside the signed bytes
    tampered = data[:position] + b"X" + data[position + 1 :]

    response = _upload(client, receipt, tampered)

    assert 'data-outcome="tampered"' in response.text
    assert "This file has been changed" in response.text


def test_upload_of_an_unsigned_foreign_pdf_says_it_is_not_ours(client, receipt, plain_pdf):
    response = _upload(client, receipt, plain_pdf)

    assert 'data-outcome="not_ours"' in response.text
    assert "This file is not the original" in response.text


def test_upload_of_a_pdf_signed_by_an_unknown_signer_says_it_is_not_ours(client, receipt, plain_pdf, foreign_pki):
    profile = SignerProfile(provider="pkcs12", options={"path": str(foreign_pki.agency_p12), "password": TEST_P12_PASSWORD})
    foreign = signature_providers["pkcs12"].sign_pdf(plain_pdf, signer=profile)

    response = _upload(client, receipt, foreign)

    assert 'data-outcome="not_ours"' in response.text


def test_upload_of_another_issued_document_points_to_that_document(client, receipt):
    other = issue_test_receipt(dossier_code="H18.40-260305-0008")

    response = _upload(client, receipt, _original(other))

    assert 'data-outcome="other_document"' in response.text
    assert _detail_url(other) in response.text


def test_upload_of_a_file_that_is_not_a_pdf_gives_a_clear_message(client, receipt):
    response = _upload(client, receipt, b"\x89PNG\r\n\x1a\n not a pdf", name="anh-chup.png")

    assert response.status_code == 200
    assert "This file is not a PDF" in response.text
    assert 'class="error-summary"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert "data-outcome" not in response.text


def test_upload_of_a_damaged_pdf_says_it_could_not_be_read(client, receipt):
    response = _upload(client, receipt, b"%PDF-1.7\n" + b"\x00" * 200)

    assert 'data-outcome="not_pdf"' in response.text
    assert "This file could not be read" in response.text


def test_post_without_a_file_asks_for_one(client, receipt):
    response = client.post(_detail_url(receipt), {})

    assert "Choose the PDF file to check." in response.text


def test_upload_announced_larger_than_the_limit_is_refused_without_reading_it(client, receipt):
    response = client.post(
        _detail_url(receipt),
        {"file": SimpleUploadedFile("big.pdf", b"%PDF-1.7", content_type="application/pdf")},
        CONTENT_LENGTH=str(30 * 1024 * 1024),
    )

    assert response.status_code == 413
    assert "This file is larger than" in response.text


def test_upload_growing_past_the_limit_is_dropped_and_refused(client, receipt, monkeypatch):
    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 1000)

    response = _upload(client, receipt, _original(receipt))  # far more than 1000 bytes

    assert response.status_code == 413
    assert "This file is larger than" in response.text


def test_upload_needs_the_csrf_token(receipt):
    client = Client(enforce_csrf_checks=True)

    response = _upload(client, receipt, _original(receipt))

    assert response.status_code == 403


def test_download_returns_the_issued_bytes_as_a_pdf_attachment(client, receipt):
    response = client.get(reverse("documents:document-download", kwargs={"code": receipt.code}))

    data = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="receipt-{receipt.reference}.pdf"'
    assert hashlib.sha256(data).hexdigest() == receipt.sha256


def test_lookup_form_redirects_to_the_document_of_a_typed_code(client, receipt):
    typed = " " + receipt.code.lower().replace("-", " ") + " "

    response = client.get(reverse("documents:document-lookup"), {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == _detail_url(receipt)


def test_lookup_form_explains_an_unknown_or_malformed_code(client, receipt):
    url = reverse("documents:document-lookup")

    unknown = client.get(url, {"code": "ZZZZ-ZZZZ-ZZZZ"})
    malformed = client.get(url, {"code": "abc"})
    empty = client.get(url)

    assert unknown.status_code == 200 and "No document has this code" in unknown.text
    assert "A verification code has 12 letters and digits" in malformed.text
    assert empty.status_code == 200 and 'class="error-summary"' not in empty.text


def test_lookups_of_unknown_codes_are_rate_limited_per_address(client, receipt, monkeypatch):
    monkeypatch.setattr(views, "LOOKUP_LIMIT", (2, 60))
    unknown = reverse("documents:document-detail", kwargs={"code": "ZZZZ-ZZZZ-ZZZZ"})

    statuses = [client.get(unknown).status_code for _ in range(3)]

    assert statuses == [404, 404, 429]
    assert client.get(_detail_url(receipt)).status_code == 200  # known codes still open
    assert client.get(unknown, REMOTE_ADDR="10.0.0.2").status_code == 404  # other addresses unaffected


def test_uploads_are_rate_limited_per_address_and_document(client, receipt, monkeypatch):
    monkeypatch.setattr(views, "UPLOAD_LIMIT", (1, 60))

    assert _upload(client, receipt, _original(receipt)).status_code == 200
    assert _upload(client, receipt, _original(receipt)).status_code == 429
