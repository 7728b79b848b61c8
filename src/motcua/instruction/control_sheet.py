"""The control sheet (form 06, phiếu kiểm soát quá trình giải quyết hồ sơ): every hand-off of a
dossier between the applicant, the one-stop desk, the instructor groups and instructors, with its
time and whether it happened before the dossier's due date.

Entry points: `hand_offs(dossier)` (the rows, from the dossier's events: nothing is stored twice)
and `render_control_sheet(actor=, dossier=)` (the PDF for the paper file; permission: who may
see the dossier in the back office, else NotFound).

Invariants: the sheet is derived from the append-only event log, so it can always be printed
again and always agrees with the history. Each row is judged against the dossier's due date at
that time (the date an apology letter moved is read from its event): "Đúng hạn" (on time) when
handed over before it, "Quá hạn" (late) after; the applicant's own steps are not judged. The
sheet is a Vietnamese administrative form: its texts are Vietnamese whatever the interface
language (documents.pdf.render_pdf).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime

from motcua.documents.pdf import render_pdf
from motcua.documents.receipts import vietnamese_datetime
from motcua.dossiers.models import Dossier

from . import letters, permissions

TEMPLATE = "documents/pdf/control_sheet.html"
DESK = "Bộ phận Một cửa"
APPLICANT = "Tổ chức, cá nhân"
INSTRUCTORS = "Cán bộ xử lý"
ON_TIME, LATE = "Đúng hạn", "Quá hạn"
DONE, IN_PROGRESS = "Đã xử lý", "Đang xử lý"


@dataclass
class HandOff:
    giver_unit: str
    giver: str
    receiver_unit: str
    receiver: str
    at: datetime
    step: str
    judged: bool = True
    result: str = ""
    note: str = ""

    @property
    def at_text(self) -> str:
        return vietnamese_datetime(self.at)


def _name(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else ""


def _payload_name(value) -> str:
    return (value or {}).get("name", "") if isinstance(value, dict) else ""


def hand_offs(dossier: Dossier) -> list[HandOff]:
    """The hand-offs of `dossier`, oldest first (one query for the events and their actors)."""
    events = dossier.events.select_related("actor").order_by("seq")
    applicant = (dossier.identity or {}).get("full_name") or _name(dossier.applicant)
    group_name = INSTRUCTORS
    rows: list[HandOff] = []
    due = None
    for event in events:
        actor = _name(event.actor)
        payload = event.payload or {}
        if event.type == "dossier.received":
            due = parse_datetime(payload.get("due_at") or "") or dossier.due_at
            rows.append(HandOff(APPLICANT, applicant, DESK, actor, event.created_at, "Tiếp nhận hồ sơ", judged=False))
        elif event.type == "dossier.routed":
            group_name = _payload_name(payload.get("group")) or group_name
            rows.append(HandOff(DESK, actor, group_name, "", event.created_at, "Chuyển hồ sơ đến bộ phận xử lý"))
        elif event.type == "dossier.rerouted":
            previous, group_name = group_name, _payload_name(payload.get("group")) or group_name
            rows.append(HandOff(_payload_name(payload.get("from_group")) or previous, actor, group_name, "",
                                event.created_at, "Chuyển bộ phận xử lý", note=payload.get("reason", "")))
        elif event.type == "dossier.assigned" and payload.get("assignee"):
            rows.append(HandOff(group_name, actor, group_name, _payload_name(payload.get("assignee")), event.created_at,
                                "Phân công cán bộ xử lý"))
        elif event.type == "supplement.requested":
            rows.append(HandOff(group_name if rows else DESK, actor, APPLICANT, applicant, event.created_at,
                                "Yêu cầu bổ sung hồ sơ", note=payload.get("reason", "")))
        elif event.type == "supplement.answered":
            due = parse_datetime(str(payload.get("due_at") or "")) or due  # the pause moved it
            rows.append(HandOff(APPLICANT, applicant, group_name if len(rows) > 1 else DESK, "", event.created_at,
                                "Bổ sung hồ sơ", judged=False))
        elif event.type == "dossier.apologised":
            due = parse_datetime(str(payload.get("due_at") or "")) or due
            rows.append(HandOff(group_name, actor, APPLICANT, applicant, event.created_at,
                                "Xin lỗi và hẹn lại ngày trả kết quả", note=payload.get("reason", "")))
        elif event.type == "dossier.decided":
            rows.append(HandOff(group_name, actor, DESK, "", event.created_at, "Chuyển kết quả giải quyết"))
        elif event.type == "dossier.stopped":
            rows.append(HandOff(group_name, actor, APPLICANT, applicant, event.created_at, "Dừng giải quyết hồ sơ",
                                note=payload.get("reason", "")))
        elif event.type == "result.delivered":
            rows.append(HandOff(DESK, actor, APPLICANT, applicant, event.created_at, "Trả kết quả"))
        else:
            continue
        row = rows[-1]
        if row.judged and due is not None:
            row.result = ON_TIME if row.at <= due else LATE
    for index, row in enumerate(rows):
        row.note = row.note or (DONE if index < len(rows) - 1 or dossier.closed_at else IN_PROGRESS)
    return rows


def render_control_sheet(*, actor, dossier: Dossier) -> bytes:
    """The control sheet as a PDF (unsigned: it is an internal form of the paper file)."""
    permissions.check_can_instruct(actor, dossier)
    context = letters.letter_context(dossier, at=dossier.received_at or dossier.submitted_at, officer=None)
    return render_pdf(TEMPLATE, {**context, "rows": hand_offs(dossier),
                                 "due_at_text": vietnamese_datetime(dossier.due_at) if dossier.due_at else ""})
