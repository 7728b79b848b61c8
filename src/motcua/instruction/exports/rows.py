"""Export rows read fast: the cells of the chosen columns (instruction/columns.py) computed from
`values_list` tuples instead of model instances.

`instruction.columns.Column.value(dossier)` reads a loaded Dossier: right for a page of 50 rows,
too slow and too big for 100,000 (a model instance per row, every column of the row and the
whole answers document loaded). Here each column key is compiled once into an extractor over a
plain tuple holding only what the chosen columns read: the database columns, the joined names
(procedure, group, assignee) and, for answers and annotations, only the chosen keys of the
answers document (one JSON key each, not the document). Labels of states and channels are
looked up in dicts translated once.

Entry point: `RowPlan.build(keys, procedure=)`, then `plan.headers` and `plan.rows(queryset)`
(an iterator over lists of cells, constant memory: `.iterator(chunk_size=...)`).

Invariants: a cell is what the inbox shows for that column (`Column.value`), in the active
language, as a plain value: text, int, a naive local `datetime` (datetime columns) or `date`
(the due date is shown as a day), or their ISO text for a CSV (`typed=False`, where PostgreSQL
formats them: the same text as str() of the datetime); never None (empty cells are ""). Answers and
annotations go through their field type's `export_columns`/`export_cells`, with the options of
the form version each dossier was filed on: a field type may spread its value over several
columns (an address: street, commune, province).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    F,
    Func,
    JSONField,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language, gettext

from motcua.dossiers.constants import CLOCK_PAUSED_STATES, DossierChannel, DossierState
from motcua.procedures.fields.registry import field_types

from .. import columns as columns_module
from .. import selectors

CHUNK_SIZE = 2000
ANSWERS_ALIAS = "export_answers"
MAX_BUILT_KEYS = 50  # jsonb_build_object takes at most 100 arguments


class Reader:
    """The lookups of one `values_list` query: each distinct lookup (a field path, or an
    expression given an alias) is fetched once and read back by its index in the tuple.

    `local_text`: read dates and times as local text made by the database (PostgreSQL's
    to_char) rather than as datetimes converted here: loading a timestamptz into Python and
    moving it to the local time zone costs more than the rest of a CSV row. `typed`: cells
    are real datetimes and dates (spreadsheets) rather than ISO text (CSV)."""

    def __init__(self, *, local_text: bool = False, typed: bool = True) -> None:
        self.names: list[str] = []
        self.expressions: dict[str, Any] = {}
        self.answer_ids: list[str] = []
        self.local_text, self.typed = local_text, typed

    def field(self, lookup: str) -> int:
        if lookup not in self.names:
            self.names.append(lookup)
        return self.names.index(lookup)

    def expression(self, alias: str, expression) -> int:
        alias = f"export_{alias}"
        if alias not in self.expressions:
            self.expressions[alias] = expression
        return self.field(alias)

    def answers(self, stable_id: str) -> int:
        """Index of the chosen answers of the row, as a dict by stable id (`prepare` decodes
        it): one JSON document per row, whatever the number of answer columns."""
        if stable_id not in self.answer_ids:
            self.answer_ids.append(stable_id)
        return self.field(ANSWERS_ALIAS)

    def _answers_expression(self):
        if not self.local_text:
            return F("values")  # decoded by the JSONField
        if len(self.answer_ids) > MAX_BUILT_KEYS:
            return Cast(F("values"), TextField())
        # PostgreSQL: only the chosen keys, as text decoded once by `prepare` (Django would
        # decode each key apart, through its JSONField converter).
        pairs = [part for sid in self.answer_ids for part in (Value(sid), KeyTransform(sid, "values"))]
        return Cast(Func(*pairs, function="jsonb_build_object", output_field=JSONField()), TextField())

    def query(self, queryset: QuerySet) -> QuerySet:
        expressions = dict(self.expressions)
        if self.answer_ids:
            expressions[ANSWERS_ALIAS] = self._answers_expression()
        if expressions:
            queryset = queryset.annotate(**expressions)
        return queryset.values_list(*self.names)

    def prepare(self) -> Callable[[tuple], tuple] | None:
        """The function that decodes a row's answers document, when it comes as text."""
        if not self.answer_ids or not self.local_text:
            return None
        at = self.names.index(ANSWERS_ALIAS)
        loads = json.loads

        def decode(row):
            row = list(row)
            row[at] = loads(row[at]) if row[at] else {}
            return row

        return decode


def local_datetime(value: dt.datetime | None, tz=None):
    """A naive local datetime to the second (spreadsheets know no time zones), or "". Pass `tz`
    (the current time zone, looked up once) when converting many values: looking it up costs
    more than the conversion."""
    if value is None:
        return ""
    return value.astimezone(tz or timezone.get_current_timezone()).replace(tzinfo=None, microsecond=0)


def local_date(value: dt.datetime | None, tz=None):
    return value.astimezone(tz or timezone.get_current_timezone()).date() if value is not None else ""


# --- Built-in columns ----------------------------------------------------------------------------
# Each factory registers the lookups its column reads and returns the extractor of its cell.


def _code(reader: Reader) -> Callable:
    i = reader.field("code")
    return lambda row: row[i] or ""


def _applicant(reader: Reader) -> Callable:
    name = reader.expression("applicant_name", KeyTextTransform("full_name", "identity"))
    represented = reader.expression("represented_name", KeyTextTransform("name", "represented"))
    for_someone = gettext("%(applicant)s, for %(represented)s")  # as columns._applicant says it

    def cell(row):
        if row[represented]:
            return for_someone % {"applicant": row[name] or "—", "represented": row[represented]}
        return row[name] or ""

    return cell


def _procedure(reader: Reader) -> Callable:
    vi = reader.field("procedure__name_vi")
    language = (get_language() or "vi")[:2]
    if language == "vi":
        return lambda row: row[vi]
    own = reader.field(f"procedure__name_{language}")
    return lambda row: row[own] or row[vi]


def _state(reader: Reader) -> Callable:
    i = reader.field("state")
    labels = {state: str(columns_module.STAFF_STATE_LABELS.get(state, label)) for state, label in DossierState.choices}
    return lambda row: labels.get(row[i], row[i])


def _group(reader: Reader) -> Callable:
    i = reader.field("group__name")
    return lambda row: row[i] or ""


def _assignee(reader: Reader) -> Callable:
    full_name, email, username = (reader.field(f"assignee__{f}") for f in ("full_name", "email", "username"))
    return lambda row: row[full_name] or row[email] or row[username] or ""


def _local_text(lookup: str, sql_format: str):
    """`lookup` (a timestamptz) as text in the current time zone, formatted by PostgreSQL."""
    local = Func(Value(timezone.get_current_timezone_name()), F(lookup), function="timezone",
                 output_field=DateTimeField())
    return Func(local, Value(sql_format), function="to_char", output_field=CharField())


def _text_cell(reader: Reader, lookup: str, sql_format: str, parse: Callable) -> Callable:
    i = reader.expression(f"local_{lookup}", _local_text(lookup, sql_format))
    if reader.typed:
        return lambda row: parse(row[i]) if row[i] else ""
    return lambda row: row[i] or ""


def _datetime(lookup: str) -> Callable[[Reader], Callable]:
    def factory(reader: Reader) -> Callable:
        if reader.local_text:  # "2026-11-23 14:05:07", as str() of the naive local datetime
            return _text_cell(reader, lookup, "YYYY-MM-DD HH24:MI:SS", dt.datetime.fromisoformat)
        i, tz = reader.field(lookup), timezone.get_current_timezone()

        def cell(row):
            value = row[i]
            return "" if value is None else value.astimezone(tz).replace(tzinfo=None, microsecond=0)

        return cell

    return factory


def _date(lookup: str) -> Callable[[Reader], Callable]:
    def factory(reader: Reader) -> Callable:
        if reader.local_text:
            return _text_cell(reader, lookup, "YYYY-MM-DD", dt.date.fromisoformat)
        i, tz = reader.field(lookup), timezone.get_current_timezone()

        def cell(row):
            value = row[i]
            return "" if value is None else value.astimezone(tz).date()

        return cell

    return factory


def _deadline(reader: Reader) -> Callable:
    # selectors.deadline_status's rule, in SQL (loading every due date into Python costs more
    # than the rest of the row); test_exports checks that both say the same.
    now = timezone.now()
    soon_until = selectors.due_soon_until(now)
    running, paused = list(selectors.CLOCK_RUNNING_STATES), list(CLOCK_PAUSED_STATES)
    status = Case(
        When(state__in=paused, due_at__isnull=False, then=Value(selectors.DEADLINE_PAUSED)),
        When(state__in=running, due_at__lt=now, then=Value(selectors.DEADLINE_OVERDUE)),
        When(state__in=running, due_at__lt=soon_until, then=Value(selectors.DEADLINE_DUE_SOON)),
        When(state__in=running, due_at__isnull=False, then=Value(selectors.DEADLINE_ON_TIME)),
        default=Value(""), output_field=CharField(),
    )
    i = reader.expression("deadline", status)
    labels = {key: str(label) for key, label in selectors.DEADLINE_LABELS.items()}
    return lambda row: labels.get(row[i], "")


def _channel(reader: Reader) -> Callable:
    i = reader.field("channel")
    labels = {value: str(label) for value, label in DossierChannel.choices}
    return lambda row: labels.get(row[i], row[i])


BUILTIN_CELLS: dict[str, Callable[[Reader], Callable]] = {
    "code": _code,
    "applicant": _applicant,
    "procedure": _procedure,
    "state": _state,
    "group": _group,
    "assignee": _assignee,
    "submitted_at": _datetime("submitted_at"),
    "received_at": _datetime("received_at"),
    "due_at": _date("due_at"),
    "decided_at": _datetime("decided_at"),
    "deadline": _deadline,
    "channel": _channel,
}


# --- Answers and annotations ---------------------------------------------------------------------


class _FormVersions:
    """The parsed field options of each form version met in the export (one compilation per
    version: a procedure has a handful of them, whatever the number of dossiers)."""

    def __init__(self) -> None:
        self._options: dict[int, Any] = {}

    def options(self, revision_id: int):
        options = self._options.get(revision_id)
        if options is None:
            from motcua.procedures import runtime
            from motcua.procedures.models import Revision

            revision = Revision.objects.filter(pk=revision_id).first()
            options = self._options[revision_id] = runtime.compile_revision(revision).options if revision else {}
        return options


def _answer_cells(reader: Reader, versions: _FormVersions, field, options) -> tuple[list[str], bool, Callable]:
    """(headers, spreads, extractor) of one answer or annotation: the extractor returns the
    list of its cells when the field type spreads its value over several columns (`spreads`),
    else the one cell."""
    field_type = field_types[field.type]
    headers = [str(header) for _key, header in field_type.export_columns(field)]
    width = len(headers)
    answers_at = reader.answers(field.stable_id)
    revision_at = reader.field("revision_id")
    blank = [""] * width
    stable_id = field.stable_id

    def cells(row):
        value = (row[answers_at] or {}).get(stable_id)
        if value is None:
            return blank
        own = versions.options(row[revision_at]).get(stable_id, options)
        try:
            found = field_type.export_cells(value, own)
        except (TypeError, ValueError, KeyError, AttributeError):
            # A value stored by an older form version in another shape: shown raw, not lost.
            found = [str(value)]
        found = ["" if cell is None else cell for cell in found]
        return (found + blank)[:width] if len(found) != width else found

    if width != 1:
        return headers, True, cells
    export_cells = field_type.export_cells

    def cell(row):  # the usual case, without the lists
        value = (row[answers_at] or {}).get(stable_id)
        if value is None:
            return ""
        try:
            found = export_cells(value, versions.options(row[revision_at]).get(stable_id, options))
        except (TypeError, ValueError, KeyError, AttributeError):
            return str(value)
        return "" if not found or found[0] is None else found[0]

    return headers, False, cell


# --- The plan ------------------------------------------------------------------------------------


class RowPlan:
    """How to read the chosen columns of an export. Build it with `RowPlan.build`."""

    def __init__(self, headers: list[str], reader: Reader, extractors: list[tuple[bool, Callable]]) -> None:
        self.headers = headers
        self.reader = reader
        self._extractors = extractors
        self._prepare: Callable | None = None

    @classmethod
    def build(cls, keys: Sequence[str], *, procedure=None, typed: bool = True, using: str = DEFAULT_DB_ALIAS) -> RowPlan:
        """The plan of the columns `keys` (unknown keys are ignored, as columns.get_columns
        does). `typed`: dates and times as datetime/date cells (XLSX) rather than ISO text
        (CSV). Call it with the language of the export active: headers and labels are
        translated once, here."""
        reader = Reader(local_text=connections[using].vendor == "postgresql", typed=typed)
        versions = _FormVersions()
        fields = {}
        if procedure is not None:
            fields = {f.stable_id: (f, options) for f, options in columns_module.form_fields(procedure)}
        headers: list[str] = []
        extractors: list[tuple[bool, Callable]] = []
        for column in columns_module.get_columns(keys, procedure=procedure):
            factory = BUILTIN_CELLS.get(column.key)
            if factory is not None:
                headers.append(str(column.label))
                extractors.append((False, factory(reader)))
                continue
            stable_id = column.key.partition(":")[2]
            if stable_id not in fields:
                continue
            field, options = fields[stable_id]
            field_headers, spreads, cells = _answer_cells(reader, versions, field, options)
            if field_headers:
                headers.extend(field_headers)
                extractors.append((spreads, cells))
        return cls(headers, reader, extractors)

    def cells(self, row: tuple) -> list:
        """The cells of one `values_list` row of `self.reader.query(...)` (lookups may have
        been added to the reader after the plan was built: they come after the plan's own)."""
        if self._prepare is None:
            self._prepare = self.reader.prepare() or (lambda row: row)
        row = self._prepare(row)
        out: list = []
        for spreads, extract in self._extractors:
            if spreads:
                out.extend(extract(row))
            else:
                out.append(extract(row))
        return out

    def rows(self, queryset: QuerySet, *, chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
        """The cells of every dossier of `queryset`, in its order, read by chunks."""
        rows = self.reader.query(queryset).iterator(chunk_size=chunk_size)
        prepare = self.reader.prepare()
        if prepare is not None:
            rows = map(prepare, rows)
        if not any(spreads for spreads, _e in self._extractors):
            simple = [extract for _s, extract in self._extractors]
            for row in rows:
                yield [extract(row) for extract in simple]
            return
        for row in rows:
            out: list = []
            for spreads, extract in self._extractors:
                if spreads:
                    out.extend(extract(row))
                else:
                    out.append(extract(row))
            yield out
