"""The export files: CSV, XLSX, and ZIP (the CSV plus each dossier's files), written row by row
to a file so that memory stays the same whatever the number of dossiers.

Entry points: `write_csv(out, headers, rows)`, `write_xlsx(path, headers, rows, title=)`,
`ZipExport(path)` (`add_file`, `add_csv`). Each `rows` is an iterable of lists of cells
(exports/rows.py); the writers consume it once and return the number of rows written.

CSV dialect (chosen for the spreadsheet most staff open it with): UTF-8 with a byte-order mark
(without it Excel reads UTF-8 as the local code page and breaks Vietnamese letters), fields
separated by semicolons (Excel in Vietnamese or French takes ";" as the list separator, because
"," is the decimal separator there; LibreOffice and Python's csv module read either), quotes
where needed, CRLF line ends (RFC 4180). Dates are ISO (2026-11-23 14:05:00), in local time.

Formula injection (OWASP "CSV injection"): an applicant can type "=HYPERLINK(...)" as their
name. In the CSV, a text cell starting with = + - @ or a tab/CR is prefixed with an apostrophe,
so that a spreadsheet shows it as text. In the XLSX, such a cell is written as a text cell
(openpyxl would otherwise store it as a formula); its content is kept as typed.
"""

from __future__ import annotations

import csv
import shutil
import zipfile
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font

CSV_DELIMITER = ";"
# First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = "=+-@\t\r"
COPY_BUFFER = 1024 * 1024


class ExcelSemicolon(csv.excel):
    delimiter = CSV_DELIMITER


def _safe_csv_row(row: list) -> list:
    for index, cell in enumerate(row):
        if cell.__class__ is str and cell and cell[0] in FORMULA_STARTS:
            row[index] = "'" + cell
    return row


def write_csv(out: IO[str], headers: list[str], rows: Iterable[list]) -> int:
    """Write the byte-order mark, `headers`, then `rows` to the text file `out` (opened with
    newline="" and encoding "utf-8": Python's "utf-8-sig" codec would write the same mark but
    encodes through slower Python code). Returns the number of rows."""
    out.write("\ufeff")
    writer = csv.writer(out, dialect=ExcelSemicolon)
    writer.writerow(_safe_csv_row(list(headers)))
    count = 0
    for row in rows:
        writer.writerow(_safe_csv_row(row))
        count += 1
    return count


# --- XLSX ----------------------------------------------------------------------------------------


def _xlsx_row(sheet, row: list) -> list:
    """The row with its text cleaned for the XLSX format: characters XML cannot hold removed,
    text that openpyxl would take for a formula written as a text cell."""
    for index, cell in enumerate(row):
        if cell.__class__ is str and cell:
            if ILLEGAL_CHARACTERS_RE.search(cell):
                cell = row[index] = ILLEGAL_CHARACTERS_RE.sub("", cell)
            if cell.startswith("="):
                text = WriteOnlyCell(sheet, value=None)
                text.value, text.data_type = cell, "s"
                row[index] = text
    return row


def header_cells(sheet, headers: list[str]) -> list:
    bold = Font(bold=True)
    cells = []
    for header in _xlsx_row(sheet, list(headers)):
        cell = header if isinstance(header, Cell) else WriteOnlyCell(sheet, value=header)
        cell.font = bold
        cells.append(cell)
    return cells


def write_xlsx(path, headers: list[str], rows: Iterable[list], *, title: str) -> int:
    """Write an XLSX workbook of one sheet `title` (headers in bold, frozen) to `path`, with
    openpyxl's write-only mode: rows go to a temporary XML file as they come. Returns the
    number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    for index in range(len(headers)):
        sheet.column_dimensions[_column_letter(index)].width = 20
    sheet.append(header_cells(sheet, headers))
    count = 0
    for row in rows:
        sheet.append(_xlsx_row(sheet, row))
        count += 1
    workbook.save(path)
    return count


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return "".join(c for c in str(title) if c not in "[]:*?/\\")[:31] or "Sheet"


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# --- ZIP -----------------------------------------------------------------------------------------


def safe_name(name: str, *, fallback: str = "file") -> str:
    """A file name usable inside an archive on every system: no folders, no control characters,
    no names made of dots, at most 150 characters (the extension kept)."""
    name = "".join("_" if (c in '/\\:*?"<>|' or ord(c) < 32) else c for c in str(name or "")).strip().strip(".")
    if not name:
        return fallback
    if len(name) > 150:
        path = PurePosixPath(name)
        suffix = path.suffix[:20]
        name = name[: 150 - len(suffix)] + suffix
    return name


class ZipExport:
    """A ZIP archive written to `path` entry by entry (files are copied by chunks of 1 MiB,
    never held in memory). Names are unique: a second "don.pdf" in a folder is "don (2).pdf"."""

    def __init__(self, path) -> None:
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self._names: set[str] = set()

    def unique(self, folder: str, name: str) -> str:
        stem, suffix = _split(name)
        candidate, n = f"{folder}/{name}" if folder else name, 1
        while candidate.lower() in self._names:
            n += 1
            candidate = f"{folder}/{stem} ({n}){suffix}" if folder else f"{stem} ({n}){suffix}"
        self._names.add(candidate.lower())
        return candidate

    def add_file(self, arcname: str, source: IO[bytes], *, size: int = 0) -> None:
        """Copy the open binary file `source` into the archive as `arcname` (a unique name).
        Attachments are stored as they are (PDFs and images are compressed already)."""
        info = zipfile.ZipInfo(arcname, date_time=_now_tuple())
        info.compress_type = zipfile.ZIP_STORED
        info.file_size = size
        with self._zip.open(info, "w", force_zip64=size > 2**31) as target:
            shutil.copyfileobj(source, target, COPY_BUFFER)

    def add_path(self, arcname: str, path) -> None:
        self._zip.write(path, arcname, compress_type=zipfile.ZIP_DEFLATED)

    def close(self) -> None:
        self._zip.close()


def _split(name: str) -> tuple[str, str]:
    path = PurePosixPath(name)
    return (name[: -len(path.suffix)], path.suffix) if path.suffix else (name, "")


def _now_tuple() -> tuple:
    from django.utils import timezone

    now = timezone.localtime()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)
