"""Form 01 renders as an A4 PDF with the official Vietnamese wording, dates and a QR code."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pypdf
import pytest
import zxingcpp
from django.utils import translation

from motcua.documents.pdf import qr_png_data_uri, render_pdf
from motcua.documents.receipts import RECEIPT_TEMPLATE, ReceivedDocument, vietnamese_date, vietnamese_datetime

from .factories import APPLICANT_NAME, PROCEDURE_NAME, make_receipt_context

VERIFY_URL = "http://testserver/verify/7K3M-Q9XD-2HBT/"


def _render(**overrides) -> bytes:
    context = make_receipt_context(**overrides).as_context()
    context.update(verification_url=VERIFY_URL, verification_code="7K3M-Q9XD-2HBT", verification_qr=qr_png_data_uri(VERIFY_URL))
    return render_pdf(RECEIPT_TEMPLATE, context)


@pytest.fixture(scope="module")
def receipt_pdf() -> bytes:
    return _render()


def _text(pdf: bytes) -> str:
    """The PDF's text with line breaks and runs of spaces made single spaces."""
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())


def test_receipt_prints_the_official_vietnamese_wording_and_the_dossier(receipt_pdf):
    text = _text(receipt_pdf)

    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mã hồ sơ: H18.40-260305-0007",
        f"Tiếp nhận hồ sơ của: {APPLICANT_NAME}",
        "Đơn đề nghị cấp giấy phép xây dựng",
        "Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 05 tháng 3 năm 2026",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Lò Văn Thắng",
        "Trang 1/1",
    ):
        assert expected in text, expected
    assert f"Nội dung yêu cầu giải quyết: {PROCEDURE_NAME}" in text


def test_receipt_is_one_tagged_a4_page_in_vietnamese(receipt_pdf):
    reader = pypdf.PdfReader(io.BytesIO(receipt_pdf))

    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "vi"
    assert catalog["/MarkInfo"]["/Marked"]  # tagged (PDF/UA-1): readable by screen readers
    assert "/StructTreeRoot" in catalog


def test_receipt_qr_code_decodes_to_the_verification_url(receipt_pdf):
    page = pypdf.PdfReader(io.BytesIO(receipt_pdf)).pages[0]
    decoded = [result.text for image in page.images for result in zxingcpp.read_barcodes(image.image)]

    assert decoded == [VERIFY_URL]


def test_receipt_stays_vietnamese_when_the_interface_language_is_english():
    with translation.override("en"):
        text = _text(_render(submitted_online=True))

    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "(Nộp hồ sơ trực tuyến)" in text


def test_receipt_runs_onto_a_second_page_with_page_numbers_when_the_list_is_long():
    documents = tuple(ReceivedDocument(f"Giấy tờ số {n}", copies=1) for n in range(40))
    pdf = _render(documents=documents)
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    text = _text(pdf)

    assert pages > 1
    assert all(f"Trang {n}/{pages}" in text for n in range(1, pages + 1))


def test_render_pdf_fetches_nothing_but_data_uris(tmp_path, settings):
    secret = tmp_path / "secret.png"
    secret.write_bytes(qr_png_data_uri("x").encode())  # any file: it must not be read
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    (tmp_path / "probe.html").write_text(
        f'<html><body><img src="file://{secret}"><img src="http://127.0.0.1:9/x.png"><img src="{qr_png_data_uri("ok")}"></body></html>'
    )

    pdf = render_pdf("probe.html", {})

    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_vietnamese_date_pads_days_below_10_and_months_1_and_2(value, expected):
    assert vietnamese_date(value) == expected


def test_vietnamese_datetime_is_written_in_vietnam_time():
    moment = datetime(2026, 3, 5, 1, 30, tzinfo=ZoneInfo("UTC"))

    assert vietnamese_datetime(moment) == "08 giờ 30 phút, ngày 05 tháng 3 năm 2026"
