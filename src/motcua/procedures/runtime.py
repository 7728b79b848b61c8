"""A revision's form at run time: steps, cleaning and logic, compiled once per revision.

Entry points:
- `compile_revision(revision) -> CompiledRevision`: the fields (one query), their parsed
  options, the steps (a step starts at each level-1 section) and the compiled logic program.
  Cached per process, keyed by revision and its last change, so a published (frozen) revision
  is compiled once; a draft is recompiled after each edit.
- `validate_step(...) -> StepResult`: cleans what the applicant sent for one step, evaluates the
  conditions on the merged answers, drops hidden answers, checks required visible fields and
  computes calculated fields; in repetition blocks, row by row (a column hidden in one row is
  cleared and not required in that row only; a calculated column is stored in each row). No
  query per field: validating a step costs the fields query the first time, then none (admin
  units come from a process cache).
- `validate_all(...)`: the same over every step, plus the ineligibility rules (at submission).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from . import selectors, validation
from .fields.base import CleanContext, FieldConfigError, FieldValueError
from .fields.registry import field_types
from .logic.ast import ParseError
from .logic.deps import CycleError
from .logic.evaluate import Evaluation, Program, compile_program

logger = logging.getLogger(__name__)

CACHE_SIZE = 256


@dataclass(frozen=True)
class CompiledRevision:
    revision_id: int
    fields: tuple  # FieldDefinition rows in form order
    by_id: Mapping[str, Any]
    options: Mapping[str, Any]  # stable id -> parsed options
    steps: tuple[tuple[str, ...], ...]  # top-level stable ids of each step
    step_titles: tuple[str, ...]
    columns: Mapping[str, tuple[str, ...]]  # block -> its columns
    program: Program


@dataclass
class StepResult:
    values: dict[str, Any]
    """Every answer so far, this step's cleaned answers merged in, hidden answers removed and
    calculated values refreshed: what the draft stores."""
    errors: dict[str, list[str]] = field(default_factory=dict)
    """Field key (stable id, or "<block>.<row>.<column>") -> translated messages."""
    evaluation: Evaluation | None = None
    ineligible: list[Any] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.ineligible


_cache: OrderedDict[tuple, CompiledRevision] = OrderedDict()
_lock = threading.Lock()


def _split_steps(fields) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    steps: list[list[str]] = []
    titles: list[str] = []
    for f in fields:
        if f.parent_id:
            continue
        starts = f.type == "section_header" and int((f.options or {}).get("level", 1) or 1) == 1
        if starts or not steps:
            steps.append([])
            titles.append(f.label if starts else "")
        steps[-1].append(f.stable_id)
    return tuple(tuple(s) for s in steps), tuple(titles)


def compile_revision(revision) -> CompiledRevision:
    key = (revision.pk, revision.updated_at)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    fields = tuple(f for f in selectors.list_fields(revision=revision) if f.type in field_types)
    options = {}
    for f in fields:
        try:
            options[f.stable_id] = field_types[f.type].parse_options(f.options)
        except FieldConfigError:  # only drafts can hold invalid options: publication refuses them
            options[f.stable_id] = field_types[f.type].parse_options({})
    by_pk = {f.pk: f for f in fields}
    columns: dict[str, list[str]] = {}
    for f in fields:
        if f.parent_id in by_pk:
            columns.setdefault(by_pk[f.parent_id].stable_id, []).append(f.stable_id)
    steps, titles = _split_steps(fields)
    infos = validation.field_infos(fields)
    try:
        program = compile_program(validation.logic_items(revision, fields=list(fields)), fields=infos)
    except (ParseError, CycleError) as error:
        # Only a draft can hold broken logic (publication refuses it): its preview and test
        # dossiers then run without conditions, and the builder's publish report lists why.
        logger.warning("procedures.draft_logic_not_compiled revision=%s error=%s", revision.pk, type(error).__name__)
        program = compile_program([], fields=infos)
    compiled = CompiledRevision(
        revision_id=revision.pk, fields=fields, by_id={f.stable_id: f for f in fields}, options=options,
        steps=steps, step_titles=titles, columns={k: tuple(v) for k, v in columns.items()}, program=program,
    )
    with _lock:
        _cache[key] = compiled
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def _clean(field, options, raw, context, errors, key) -> Any:
    field_type = field_types[field.type]
    try:
        return field_type.clean(raw, options, context=context, required=False)
    except FieldValueError as error:
        errors.setdefault(key, []).append(str(error.message))
        return raw  # kept so that nothing typed is lost; the error is shown next to it


def validate_step(
    *, revision, step: int | None, data: Mapping[str, Any], values: Mapping[str, Any] | None = None,
    today: date | None = None, context: CleanContext | None = None, check_eligibility: bool = False,
    include_private: bool = False,
) -> StepResult:
    """Validate the answers `data` of step `step` (None: every step) against `revision`.

    `data` maps stable ids to raw values (form strings or API JSON); a block's value is a list
    of {column id: raw value} rows. `values` are the answers stored so far."""
    compiled = compile_revision(revision)
    if step is not None and not 0 <= step < len(compiled.steps):
        raise IndexError(f"step {step} does not exist")
    today = today or timezone.localdate()
    context = context or CleanContext(today=today)
    merged: dict[str, Any] = dict(values or {})
    errors: dict[str, list[str]] = {}
    step_ids = [sid for ids in compiled.steps for sid in ids] if step is None else list(compiled.steps[step])
    for sid in step_ids:
        field = compiled.by_id[sid]
        field_type = field_types[field.type]
        if not field_type.has_value or field_type.read_only or (field.private and not include_private):
            continue
        raw = data.get(sid)
        if field_type.value_type == "rows":
            rows = raw if isinstance(raw, list) else []
            _clean(field, compiled.options[sid], rows, context, errors, sid)  # row counts
            cleaned_rows = []
            for index, row in enumerate(rows[:500]):
                row = row if isinstance(row, Mapping) else {}
                cleaned_rows.append({
                    col: _clean(compiled.by_id[col], compiled.options[col], row.get(col), context, errors, f"{sid}.{index}.{col}")
                    for col in compiled.columns.get(sid, ())
                })
            merged[sid] = cleaned_rows
        else:
            merged[sid] = _clean(field, compiled.options[sid], raw, context, errors, sid)
    evaluation = compiled.program.evaluate(merged, today=today)
    for sid in list(merged):
        if sid in evaluation.hidden:
            merged.pop(sid)  # hidden answers are cleared (they may not be submitted)
            errors = {k: v for k, v in errors.items() if k != sid and not k.startswith(f"{sid}.")}
    for sid, value in evaluation.calculated.items():
        if value is None:
            merged.pop(sid, None)
        else:
            merged[sid] = value
    cleared: set[str] = set()
    for sid, results in evaluation.rows.items():
        if isinstance(merged.get(sid), list):
            merged[sid] = _apply_rows(sid, merged[sid], results, cleared)
    if cleared:
        errors = {k: v for k, v in errors.items() if k not in cleared}
    for sid in step_ids:
        field = compiled.by_id[sid]
        field_type = field_types[field.type]
        if sid in evaluation.hidden or field_type.read_only or not field_type.has_value:
            continue
        if field.private and not include_private:
            continue
        if field.required and sid not in errors and field_type.is_empty(merged.get(sid)):
            errors.setdefault(sid, []).append(str(field_type.required_message(compiled.options[sid])))
        if field_type.value_type == "rows":
            _check_required_cells(compiled, sid, merged.get(sid), evaluation, errors)
    ineligible = list(evaluation.ineligible) if check_eligibility else []
    return StepResult(values=merged, errors=errors, evaluation=evaluation, ineligible=ineligible)


def _apply_rows(block: str, rows: list, results, cleared: set[str]) -> list:
    """The block's rows with each row's hidden cells removed and calculated cells refreshed
    (copies: the stored rows are not changed in place); keys of the removed cells' errors are
    added to `cleared`."""
    out = []
    for index, row in enumerate(rows):
        if index >= len(results) or not isinstance(row, Mapping):
            out.append(row)
            continue
        result = results[index]
        row = dict(row)
        for col in result.hidden:
            row.pop(col, None)
            cleared.add(f"{block}.{index}.{col}")
        for col, value in result.calculated.items():
            if value is None:
                row.pop(col, None)
            else:
                row[col] = value
        out.append(row)
    return out


def _check_required_cells(compiled, block: str, rows, evaluation: Evaluation, errors: dict[str, list[str]]) -> None:
    """Required columns must be answered in each row where they are shown."""
    if not isinstance(rows, list):
        return
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            continue
        row_result = evaluation.row(block, index)
        for col in compiled.columns.get(block, ()):
            column = compiled.by_id[col]
            column_type = field_types[column.type]
            if not column.required or column_type.read_only or not column_type.has_value:
                continue
            if col in evaluation.hidden or (row_result is not None and not row_result.is_visible(col)):
                continue
            key = f"{block}.{index}.{col}"
            if key not in errors and column_type.is_empty(row.get(col)):
                errors.setdefault(key, []).append(str(column_type.required_message(compiled.options[col])))


def validate_all(*, revision, data: Mapping[str, Any], today: date | None = None, context: CleanContext | None = None) -> StepResult:
    """Every step at once, with the ineligibility rules: what submission checks."""
    return validate_step(revision=revision, step=None, data=data, values={}, today=today, context=context, check_eligibility=True)
