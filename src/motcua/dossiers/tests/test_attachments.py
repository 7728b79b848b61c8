"""Uploading, checking, storing and deleting attachments (dossiers/attachments.py)."""

import hashlib
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from motcua.accounts.tests.factories import CitizenFactory
from motcua.core.errors import NotFound

from .. import attachments, selectors, services
from ..constants import ScanStatus
from ..errors import AttachmentRejected, InvalidTransition
from ..models import Attachment
from . import samples
from .factories import VALID_ANSWERS, DossierFactory

pytestmark = pytest.mark.django_db

ALL_FAMILIES = ["pdf", "image", "office", "archive", "signed", "cad"]


def _upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _store(dossier, name, content, *, families=("pdf", "image", "office"), max_size_mb=10, actor=None,
           content_type="application/octet-stream"):
    return attachments.store_upload(actor=actor or dossier.applicant, dossier=dossier, field_key="documents",
                                    upload=_upload(name, content, content_type), families=list(families), max_size_mb=max_size_mb)


def _rejected(dossier, name, content, **kwargs) -> AttachmentRejected:
    with pytest.raises(AttachmentRejected) as info:
        _store(dossier, name, content, **kwargs)
    assert not Attachment.objects.exists()
    return info.value


@pytest.fixture(autouse=True)
def _no_antivirus(settings):
    """No clamd unless a test asks for the fake one (whatever the environment says). Files go to
    the per-test MEDIA_ROOT of the project's conftest."""
    settings.CLAMD_URL = ""


@pytest.fixture
def dossier():
    return DossierFactory()


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(("name", "make", "content_type"), [
    ("đơn đề nghị.pdf", samples.pdf, "application/pdf"),
    ("ảnh chân dung.png", samples.png, "image/png"),
    ("Tờ khai.docx", samples.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("Tờ khai.odt", samples.odt, "application/vnd.oasis.opendocument.text"),
])
def test_good_files_are_stored_with_their_hash_and_sniffed_type(dossier, name, make, content_type):
    content = make()
    # The browser's claim is ignored: the type comes from the bytes.
    attachment = _store(dossier, name, content, content_type="text/plain")
    attachment.refresh_from_db()
    assert attachment.content_type == content_type
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.size == len(content)
    assert attachment.name == name and attachment.uploaded_by == dossier.applicant
    assert attachment.scan_status == ScanStatus.NOT_SCANNED and attachment.scanner == "noop"
    assert name not in attachment.file.name and attachment.token in attachment.file.name  # random storage name
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    assert attachment.reference() == {"id": attachment.token, "name": name, "size": len(content),
                                      "sha256": attachment.sha256, "content_type": content_type}


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("ảnh.jpg", samples.JPEG, "image/jpeg"),
    ("ảnh.webp", samples.WEBP, "image/webp"),
    ("ảnh.heic", samples.HEIC, "image/heic"),
    ("bản quét.tiff", samples.TIFF, "image/tiff"),
    ("hồ sơ.7z", samples.SEVEN_ZIP, "application/x-7z-compressed"),
    ("hồ sơ.zip", samples.plain_zip(), "application/zip"),
    ("bản vẽ.dwg", samples.DWG, "image/vnd.dwg"),
    ("bản vẽ.dxf", samples.DXF, "image/vnd.dxf"),
    ("hoá đơn.xml", samples.XML, "application/xml"),
    ("chữ ký.p7s", samples.p7s(), "application/pkcs7-signature"),
    ("chữ ký PEM.p7s", samples.p7s(pem=True), "application/pkcs7-signature"),
    ("tờ khai cũ.doc", samples.OLE, "application/msword"),
    ("bảng cũ.xls", samples.OLE, "application/vnd.ms-excel"),
])
def test_each_accepted_format_is_recognised(dossier, name, content, content_type):
    assert _store(dossier, name, content, families=ALL_FAMILIES).content_type == content_type


@pytest.mark.parametrize(("name", "content", "code"), [
    ("hình.xml", samples.SVG, "type_mismatch"),  # SVG can carry scripts: not an accepted kind
    ("tờ khai.pdf", samples.SHELL_SCRIPT, "type_mismatch"),
    ("chương trình.zip", samples.plain_zip({"META-INF/MANIFEST.MF": b"Main-Class: X"}), "type_mismatch"),
    ("tờ khai.exe", samples.windows_program(), "type_not_allowed"),
])
def test_dangerous_content_is_refused_whatever_its_name(dossier, name, content, code):
    assert _rejected(dossier, name, content, families=ALL_FAMILIES).code == code


def test_file_larger_than_the_limit_is_refused_even_when_its_declared_size_lies(dossier, english):
    upload = _upload("scan.pdf", samples.pdf(b"%" + b"x" * 1024 * 1024))
    upload.size = 10  # what a lying client could claim
    with pytest.raises(AttachmentRejected) as info:
        attachments.store_upload(actor=dossier.applicant, dossier=dossier, field_key="documents", upload=upload,
                                 families=["pdf"], max_size_mb=1)
    assert info.value.code == "too_large"
    assert "scan.pdf" in str(info.value.message) and "1 MB" in str(info.value.message)
    assert not Attachment.objects.exists()


def test_the_site_ceiling_applies_under_the_field_limit(dossier, settings):
    settings.ATTACHMENT_MAX_SIZE_MB = 1
    assert _rejected(dossier, "scan.pdf", samples.pdf(b"%" + b"x" * 1024 * 1024), max_size_mb=50).code == "too_large"


def test_empty_file_is_refused(dossier, english):
    error = _rejected(dossier, "trống.pdf", b"")
    assert error.code == "empty_file" and "trống.pdf" in str(error.message)


def test_program_renamed_pdf_is_refused_with_a_clear_message(dossier, english):
    error = _rejected(dossier, "hoá đơn.pdf", samples.windows_program(), content_type="application/pdf")
    assert error.code == "type_mismatch"
    assert str(error.message).startswith("The file hoá đơn.pdf is not a PDF document: its content is a program.")


def test_kind_not_accepted_by_the_field_is_refused(dossier, english):
    error = _rejected(dossier, "ảnh.png", samples.png(), families=["pdf"])
    assert error.code == "type_not_allowed"
    assert "its content is an image" in str(error.message) and "PDF" in str(error.message)


def test_extension_must_agree_with_the_content(dossier, english):
    error = _rejected(dossier, "tờ khai.pdf", samples.docx())
    assert error.code == "type_mismatch" and "is not a PDF document: its content is an office document" in str(error.message)
    error = _rejected(dossier, "scan.txt", samples.pdf())
    assert error.code == "extension_mismatch" and ".pdf" in str(error.message)
    # Photos keep their kind whatever image extension they carry.
    assert _store(dossier, "ảnh.jpg", samples.png()).content_type == "image/png"


def test_zip_bomb_is_refused(dossier, english):
    bomb = samples.zip_bomb(20)  # 20 MB of zeros in ~20 KB
    error = _rejected(dossier, "hồ sơ.zip", bomb, families=["archive"])
    assert error.code == "archive_too_large" and "hồ sơ.zip" in str(error.message)


def test_zip_limits_on_total_size_and_entries(dossier, settings):
    settings.ATTACHMENT_ZIP_MAX_UNCOMPRESSED_MB = 1
    big = samples.plain_zip({"a.bin": bytes(2 * 1024 * 1024)})
    assert _rejected(dossier, "a.zip", big, families=["archive"]).code == "archive_too_large"
    settings.ATTACHMENT_ZIP_MAX_ENTRIES = 3
    many = samples.plain_zip({f"{i}.txt": b"x" for i in range(4)})
    assert _rejected(dossier, "b.zip", many, families=["archive"]).code == "archive_too_many_entries"


def test_overlapping_and_encrypted_zips_are_refused(dossier):
    assert _rejected(dossier, "a.zip", samples.overlapping_zip(), families=["archive"]).code == "archive_suspicious"
    assert _rejected(dossier, "b.zip", samples.encrypted_zip(), families=["archive"]).code == "encrypted_file"
    assert _rejected(dossier, "c.docx", samples.docx()[:200]).code == "damaged_file"


def test_nested_archive_is_accepted_without_being_expanded(dossier):
    inner = samples.zip_bomb(20)
    outer = samples.plain_zip({"inner.zip": inner})
    attachment = _store(dossier, "outer.zip", outer, families=["archive"])
    assert attachment.content_type == "application/zip"


def test_path_traversal_name_is_sanitised(dossier):
    attachment = _store(dossier, "../../etc/passwd.pdf", samples.pdf())
    assert attachment.name == "passwd.pdf"


@pytest.mark.parametrize(("raw", "expected"), [
    ("..\\..\\Windows\\giấy tờ.pdf", "giấy tờ.pdf"),
    (unicodedata.normalize("NFD", "Giấy khai sinh.pdf"), "Giấy khai sinh.pdf"),
    ("a\x00b\x1fc\u202efdp.exe", "abcfdp.exe"),  # control and right-to-left override characters
    ("CON.pdf", "_CON.pdf"),
    ("  .hidden  ", "file.hidden"),  # a leading dot never hides a file
    ("...", "file"),
    (".pdf", "file.pdf"),
    ('ảnh<1>:"2"|?*.jpg', "ảnh_1___2____.jpg"),
    ("x" * 300 + ".docx", "x" * 145 + ".docx"),
])
def test_sanitize_filename(raw, expected):
    result = attachments.sanitize_filename(raw)
    assert result == expected
    assert unicodedata.is_normalized("NFC", result)


def test_not_the_applicant_gets_not_found(dossier):
    with pytest.raises(NotFound):
        _store(dossier, "a.pdf", samples.pdf(), actor=CitizenFactory())
    assert not Attachment.objects.exists()


def test_dossier_must_be_editable(dossier):
    dossier.values = VALID_ANSWERS
    dossier.save(update_fields=["values"])
    dossier = services.submit_dossier(actor=dossier.applicant, dossier=dossier)
    with pytest.raises(InvalidTransition):
        _store(dossier, "a.pdf", samples.pdf())
    services.transition_dossier(dossier=dossier, name="request_supplement", actor=None, role="reception")
    assert _store(dossier, "bổ sung.pdf", samples.pdf()).dossier_id == dossier.pk


def test_infected_file_is_refused_by_clamd(dossier, fake_clamd, english):
    error = _rejected(dossier, "hợp đồng.pdf", samples.pdf(samples.EICAR))
    assert error.code == "infected"
    assert "hợp đồng.pdf" in str(error.message) and "Eicar-Signature" in str(error.message)
    assert fake_clamd.received == [samples.pdf(samples.EICAR)]


def test_clean_file_is_marked_clean_by_clamd(dossier, fake_clamd):
    attachment = _store(dossier, "a.pdf", samples.pdf())
    assert attachment.scan_status == ScanStatus.CLEAN and attachment.scanner == "clamd"


def test_file_is_refused_when_clamd_does_not_answer(dossier, settings):
    settings.CLAMD_URL = "tcp://127.0.0.1:9"  # nothing listens there
    settings.CLAMD_TIMEOUT = 2
    assert _rejected(dossier, "a.pdf", samples.pdf()).code == "scan_unavailable"


def test_delete_attachment_removes_row_file_and_reference(dossier, django_capture_on_commit_callbacks):
    attachment = _store(dossier, "a.pdf", samples.pdf())
    kept = _store(dossier, "b.pdf", samples.pdf(b"% other"))
    dossier.values = {"documents": [attachment.reference(), kept.reference()], "full_name": "An"}
    dossier.save(update_fields=["values"])
    storage, name = attachment.file.storage, attachment.file.name
    with pytest.raises(NotFound):
        attachments.delete_attachment(actor=CitizenFactory(), dossier=dossier, token=attachment.token)
    with django_capture_on_commit_callbacks(execute=True):
        attachments.delete_attachment(actor=dossier.applicant, dossier=dossier, token=attachment.token)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not storage.exists(name)
    dossier.refresh_from_db()
    assert dossier.values == {"documents": [kept.reference()], "full_name": "An"}
    with pytest.raises(NotFound):
        attachments.delete_attachment(actor=dossier.applicant, dossier=dossier, token=attachment.token)


def test_files_submitted_before_a_supplement_request_cannot_be_deleted(dossier):
    submitted = _store(dossier, "a.pdf", samples.pdf())
    dossier.values = VALID_ANSWERS
    dossier.save(update_fields=["values"])
    dossier = services.submit_dossier(actor=dossier.applicant, dossier=dossier)
    services.transition_dossier(dossier=dossier, name="request_supplement", actor=None, role="reception")
    added = _store(dossier, "b.pdf", samples.pdf(b"% supplement"))
    with pytest.raises(InvalidTransition):
        attachments.delete_attachment(actor=dossier.applicant, dossier=dossier, token=submitted.token)
    attachments.delete_attachment(actor=dossier.applicant, dossier=dossier, token=added.token)
    assert list(Attachment.objects.all()) == [submitted]


def test_get_attachment_for_applicant(dossier):
    attachment = _store(dossier, "a.pdf", samples.pdf())
    found = selectors.get_attachment_for_applicant(actor=dossier.applicant, public_id=dossier.public_id, token=attachment.token)
    assert found == attachment
    assert selectors.get_attachment_for_applicant(actor=dossier.applicant, dossier=dossier, token=attachment.token) == attachment
    other_dossier = DossierFactory(applicant=dossier.applicant, procedure=dossier.procedure)
    for kwargs in (
        {"actor": CitizenFactory(), "public_id": dossier.public_id, "token": attachment.token},
        {"actor": None, "public_id": dossier.public_id, "token": attachment.token},
        {"actor": dossier.applicant, "public_id": other_dossier.public_id, "token": attachment.token},
        {"actor": dossier.applicant, "public_id": "not-a-uuid", "token": attachment.token},
        {"actor": dossier.applicant, "public_id": dossier.public_id, "token": "unknown-token"},
    ):
        with pytest.raises(NotFound):
            selectors.get_attachment_for_applicant(**kwargs)
