"""The tracking book of dossiers (sổ theo dõi hồ sơ, one-stop form 07) as an XLSX workbook.

Source of the layout: the one-stop forms list in shared/reference/vietnam.md §3.4 (form 07 "Sổ
theo dõi hồ sơ" of Circular 03/2025/TT-VPCP Appendix I, as summarised by a secondary source; the
same book existed under Circular 01/2018/TT-VPCP), and the book's columns as agencies keep it:
STT, dossier code, procedure, number of sets, person or organisation, address and phone, agency
in charge, then the dates (received, return appointment, sent to the handling agency, result
received from it, result returned to the applicant) and a note. The exact wording of the 2025
form was not found in stored material: the titles below are those of the 2018 book.

The book is a legal register: its titles and cells are in Vietnamese whatever the language of
the staff member (names of procedures and agencies in Vietnamese too). One row per dossier, in
order of reception (dossiers not received yet, or refused at intake, come last, by submission).

How our data fills it:
- "Số lượng hồ sơ (bộ)": 1 (a dossier is one set);
- "Tên cá nhân, tổ chức": the person or organisation the dossier is for (`represented`), else
  the applicant; "Địa chỉ, số điện thoại": their address, then the applicant's phone;
- "Cơ quan chủ trì giải quyết": the receiving agency (our agencies handle what they receive);
- "Chuyển hồ sơ đến cơ quan giải quyết": when processing started ("dossier.instruction_started");
- "Nhận kết quả từ cơ quan giải quyết": the decision date; "Trả kết quả": the delivery date;
- "Ghi chú": the national status (§3.2) of a dossier not delivered yet, and "Quá hạn" when the
  result came (or is still due) after the appointment day (day granularity, as §3.5 says).

Entry point: `write_tracking_book(path, queryset, progress=)`; constant memory (write-only
workbook, rows read by chunks, one correlated subquery for the hand-off date).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from motcua.dossiers.constants import NATIONAL_STATUS, DossierState
from motcua.dossiers.models import DossierEvent

from ..selectors import CLOCK_RUNNING_STATES
from .rows import CHUNK_SIZE, Reader, local_date
from .writers import _xlsx_row

HANDOFF_EVENT = "dossier.instruction_started"
TITLE = "SỔ THEO DÕI HỒ SƠ"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
LATE = "Quá hạn"
DATES_HEADER = "Ngày, tháng, năm"
# (header, width); the five date columns are grouped under DATES_HEADER.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("STT", 6),
    ("Mã hồ sơ", 24),
    ("Tên thủ tục hành chính", 40),
    ("Số lượng hồ sơ (bộ)", 10),
    ("Tên cá nhân, tổ chức", 28),
    ("Địa chỉ, số điện thoại", 36),
    ("Cơ quan chủ trì giải quyết", 28),
    ("Nhận hồ sơ", 13),
    ("Hẹn trả kết quả", 13),
    ("Chuyển hồ sơ đến cơ quan giải quyết", 15),
    ("Nhận kết quả từ cơ quan giải quyết", 15),
    ("Trả kết quả cho cá nhân, tổ chức", 15),
    ("Ghi chú", 24),
)
FIRST_DATE_COLUMN, LAST_DATE_COLUMN = 8, 12  # 1-based
HEADERS = [header for header, _width in COLUMNS]
DATE_FORMAT = "dd/mm/yyyy"


def _address(value) -> str:
    if isinstance(value, dict):
        return str(value.get("formatted") or value.get("text") or value.get("street") or "")
    return str(value or "")


def _book_rows(queryset: QuerySet):
    """(reader query, function row -> cells without STT) of the book."""
    reader = Reader()
    handoff = DossierEvent.objects.filter(dossier=OuterRef("pk"), type=HANDOFF_EVENT).order_by("seq").values("created_at")[:1]
    code = reader.field("code")
    procedure = reader.field("procedure__name_vi")
    name = reader.expression("applicant_name", KeyTextTransform("full_name", "identity"))
    phone = reader.expression("applicant_phone", KeyTextTransform("phone", "identity"))
    address = reader.expression("applicant_address", KeyTransform("address", "identity"))
    represented = reader.expression("represented_name", KeyTextTransform("name", "represented"))
    represented_address = reader.expression("represented_address", KeyTransform("address", "represented"))
    agency = reader.field("agency__name_vi")
    state = reader.field("state")
    received, due, decided, delivered = (reader.field(f) for f in ("received_at", "due_at", "decided_at", "delivered_at"))
    handed_off = reader.expression("handoff_at", Subquery(handoff))
    today = timezone.localdate()
    tz = timezone.get_current_timezone()

    def note(row, due_on, result_on) -> str:
        parts = []
        if row[state] != DossierState.DELIVERED and row[state] in NATIONAL_STATUS:
            parts.append(NATIONAL_STATUS[row[state]][1])
        if due_on:
            # A dossier whose clock is paused is not late: its day moves when the applicant answers.
            finished_on = result_on or (today if row[state] in CLOCK_RUNNING_STATES else None)
            if finished_on and finished_on > due_on:
                parts.append(LATE)
        return "; ".join(parts)

    def cells(row) -> list:
        who = row[represented] or row[name] or ""
        where = _address(row[represented_address]) if row[represented] else _address(row[address])
        contact = "; ".join(part for part in (where, row[phone] or "") if part)
        due_on, result_on = local_date(row[due], tz), local_date(row[decided], tz)
        return [row[code] or "", row[procedure] or "", 1, who, contact, row[agency] or "",
                local_date(row[received], tz), due_on, local_date(row[handed_off], tz), result_on,
                local_date(row[delivered], tz), note(row, due_on, result_on)]

    ordered = queryset.order_by(F("received_at").asc(nulls_last=True), "submitted_at", "pk")
    return reader.query(ordered), cells


def _title_rows(sheet, *, agency_name: str, period: str) -> None:
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    width = len(COLUMNS)

    def cell(value, *, strong=False, italic=False, size=None):
        c = WriteOnlyCell(sheet, value=value)
        c.font = Font(bold=strong, italic=italic, size=size)
        c.alignment = center
        return c

    # Line 1-2: the agency on the left, the national motto on the right (as official forms).
    sheet.append([cell(agency_name.upper(), strong=True), *[None] * 5, cell(NATION, strong=True)])
    sheet.append([None] * 6 + [cell(MOTTO, strong=True)])
    sheet.append([])
    sheet.append([cell(TITLE, strong=True, size=14)])
    sheet.append([cell(period, italic=True)])
    sheet.append([])
    for row in (1, 2):
        sheet.merged_cells.add(f"G{row}:M{row}")
    sheet.merged_cells.add("A1:F1")
    sheet.merged_cells.add(f"A4:{_letter(width)}4")
    sheet.merged_cells.add(f"A5:{_letter(width)}5")
    # Lines 7-9: the column headers on two lines (the dates grouped), then their numbers.
    first, second, numbers = [], [], []
    for index, header in enumerate(HEADERS, start=1):
        if FIRST_DATE_COLUMN <= index <= LAST_DATE_COLUMN:
            first.append(cell(DATES_HEADER, strong=True) if index == FIRST_DATE_COLUMN else None)
            second.append(cell(header, strong=True))
        else:
            first.append(cell(header, strong=True))
            second.append(None)
        numbers.append(cell(f"({index})", italic=True))
    sheet.append(first)
    sheet.append(second)
    sheet.append(numbers)
    for index in range(1, width + 1):
        if not FIRST_DATE_COLUMN <= index <= LAST_DATE_COLUMN:
            sheet.merged_cells.add(f"{_letter(index)}7:{_letter(index)}8")
    sheet.merged_cells.add(f"{_letter(FIRST_DATE_COLUMN)}7:{_letter(LAST_DATE_COLUMN)}7")
    for index, (_header, column_width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[_letter(index)].width = column_width


HEADER_ROWS = 9  # title block and column headers: data starts on row 10


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _period(queryset: QuerySet) -> str:
    from django.db.models import Max, Min

    span = queryset.order_by().aggregate(first=Min("received_at"), last=Max("received_at"))
    if span["first"] is None:
        return f"Ngày lập sổ: {timezone.localdate():%d/%m/%Y}"
    first, last = timezone.localdate(span["first"]), timezone.localdate(span["last"])
    return f"Hồ sơ tiếp nhận từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"


def _agency_name(queryset: QuerySet) -> str:
    """The receiving agency when every dossier of the book has the same, else ""."""
    names = list(queryset.order_by().values_list("agency__name_vi", flat=True).distinct()[:2])
    return names[0] if len(names) == 1 else ""


def write_tracking_book(path, queryset: QuerySet, *, progress: Callable[[int], None] | None = None,
                        every: int = 1000, chunk_size: int = CHUNK_SIZE) -> int:
    """Write the tracking book of the dossiers of `queryset` to `path` (XLSX). `progress(n)` is
    called with the number of rows written since its last call, every `every` rows and at the
    end. Returns the number of dossiers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Sổ theo dõi hồ sơ")
    sheet.freeze_panes = f"C{HEADER_ROWS + 1}"
    _title_rows(sheet, agency_name=_agency_name(queryset), period=_period(queryset))
    query, cells = _book_rows(queryset)
    wrap = Alignment(vertical="top", wrap_text=True)
    count = pending = 0
    for row in query.iterator(chunk_size=chunk_size):
        count += 1
        values = _xlsx_row(sheet, [count, *cells(row)])
        for index in range(FIRST_DATE_COLUMN - 1, LAST_DATE_COLUMN):
            if values[index] != "":
                date_cell = WriteOnlyCell(sheet, value=values[index])
                date_cell.number_format = DATE_FORMAT
                values[index] = date_cell
        for index in (4, 5, 12):  # names, addresses and notes may be long: wrapped
            if isinstance(values[index], str) and values[index]:
                text = WriteOnlyCell(sheet, value=values[index])
                text.alignment = wrap
                values[index] = text
        sheet.append(values)
        pending += 1
        if progress is not None and pending >= every:
            progress(pending)
            pending = 0
    if progress is not None and pending:
        progress(pending)
    workbook.save(path)
    return count
