"""Test data for the documents app: form 01 contexts and issued receipts (through the real service)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from .. import services
from ..receipts import ReceiptContext, ReceivedDocument

APPLICANT_NAME = "Nguyễn Thị Hương"
PROCEDURE_NAME = "Cấp giấy phép xây dựng đối với công trình cấp III, cấp IV"


def make_receipt_context(**overrides) -> ReceiptContext:
    values = {
        "dossier_code": "H18.40-260305-0007",
        "governing_body": "UBND TỈNH ĐIỆN BIÊN",
        "agency_name": "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "desk_name": "Bộ phận tiếp nhận và trả kết quả tỉnh Điện Biên",
        "place_name": "Điện Biên",
        "applicant_name": APPLICANT_NAME,
        "applicant_address": "Số 12, tổ 3, phường Điện Biên Phủ, tỉnh Điện Biên",
        "applicant_phone": "0912 345 678",
        "applicant_email": "huong@example.vn",
        "procedure_name": PROCEDURE_NAME,
        "received_at": timezone.make_aware(datetime(2026, 3, 5, 8, 30)),
        "due_at": timezone.make_aware(datetime(2026, 3, 19, 16, 0)),
        "received_by": "Lò Văn Thắng",
        "documents": (
            ReceivedDocument("Đơn đề nghị cấp giấy phép xây dựng", originals=1),
            ReceivedDocument("Bản vẽ thiết kế xây dựng", copies=2),
        ),
        "processing_time": "15 ngày làm việc",
        "return_place": "Bộ phận một cửa tỉnh Điện Biên",
        "tracking_url": "https://dichvucong.dienbien.gov.vn",
    }
    values.update(overrides)
    return ReceiptContext(**values)


def issue_test_receipt(**overrides):
    return services.issue_receipt(receipt=make_receipt_context(**overrides))
