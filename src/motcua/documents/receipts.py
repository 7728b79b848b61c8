"""Form 01 (giấy tiếp nhận hồ sơ và hẹn trả kết quả): what it prints, and Vietnamese dates.

`ReceiptContext` lists every value the template "documents/pdf/receipt.html" prints;
`ReceiptContext.as_context()` gives the plain dict the template takes (the verification values,
`verification_url`, `verification_code` and `verification_qr`, are added by `issue_document`).
The strings are printed as given: the form is a Vietnamese legal document, so callers pass the
Vietnamese names of the agency, the procedure and the documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from django.utils import timezone

RECEIPT_TEMPLATE = "documents/pdf/receipt.html"
RECEIPT_TITLE = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"


@dataclass(frozen=True)
class ReceivedDocument:
    """One line of "Thành phần hồ sơ": a document handed in, with how many originals and copies."""

    name: str
    originals: int = 0
    copies: int = 0
    note: str = ""


@dataclass(frozen=True)
class ReceiptContext:
    dossier_code: str
    """Mã hồ sơ, e.g. "H18.40-260105-0001"."""
    governing_body: str
    """First line of the letterhead (cơ quan chủ quản), e.g. "UBND TỈNH ĐIỆN BIÊN"."""
    agency_name: str
    """Second line (the receiving agency), e.g. "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"."""
    desk_name: str
    """The desk that received the dossier, e.g. "Bộ phận tiếp nhận và trả kết quả tỉnh Điện Biên"."""
    place_name: str
    """Place of the date line, e.g. "Điện Biên"."""
    applicant_name: str
    procedure_name: str
    """Nội dung yêu cầu giải quyết: the procedure's name."""
    received_at: datetime
    due_at: datetime
    """Appointment to return the result (ngày hẹn trả)."""
    received_by: str
    """Name of the officer who received the dossier."""
    applicant_address: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    documents: Sequence[ReceivedDocument] = ()
    dossier_sets: int = 1
    """Số lượng hồ sơ (bộ)."""
    processing_time: str = ""
    """The legal processing time as printed, e.g. "10 ngày làm việc"."""
    return_place: str = ""
    """Where the result is handed over (đăng ký nhận kết quả tại), e.g. the desk or "Qua dịch vụ bưu chính"."""
    tracking_url: str = ""
    """Where the applicant follows the dossier with its code (the portal)."""
    submitted_online: bool = False
    """Filed online: the applicant's signature block is replaced by a mention of the online filing."""
    register_book: str = ""
    """Sổ theo dõi hồ sơ: book number (quyển số), printed with `register_number` when given."""
    register_number: str = ""

    def as_context(self) -> dict:
        """The template context: every field, plus the dates written out in Vietnamese."""
        context = {field.name: getattr(self, field.name) for field in fields(self)}
        context["documents"] = list(self.documents)
        context["dossier_sets_text"] = f"{self.dossier_sets:02d}"
        context["received_at_text"] = vietnamese_datetime(self.received_at)
        context["due_at_text"] = vietnamese_datetime(self.due_at)
        context["issued_on_text"] = vietnamese_date(self.received_at)
        return context


def _day_month(value: date) -> tuple[str, str]:
    # Vietnamese clerical style (Decree 30/2020/NĐ-CP, Appendix I, the place-and-date line): days
    # below 10 and the months 1 and 2 take a leading zero, so that no digit can be added later.
    day = f"{value.day:02d}"
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return day, month


def vietnamese_date(value: date | datetime) -> str:
    """ "ngày 05 tháng 3 năm 2026" (a datetime is first converted to local time)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    day, month = _day_month(value)
    return f"ngày {day} tháng {month} năm {value.year}"


def vietnamese_datetime(value: datetime) -> str:
    """ "08 giờ 30 phút, ngày 05 tháng 3 năm 2026" in local time."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local.hour:02d} giờ {local.minute:02d} phút, {vietnamese_date(local)}"
