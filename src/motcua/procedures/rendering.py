"""Rendering a revision's form for an applicant, step by step, without JavaScript.

Used by the citizen filing pages (dossiers) and the builder's test page. A step's controls are
named by stable id; a repetition block's cells `<block>__<row>__<column>` with a hidden row
count `<block>__rows`; a file control lists the files already attached as hidden
`<name>__keep` inputs (their reference ids) next to the file input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .fields.registry import field_types

FILE_VALUE_TYPE = "file"
MAX_ROWS = 200


def row_count(compiled, data: Mapping, block_id: str, stored: int = 0) -> int:
    """Rows to show for a block: what the form posted (or what is stored), at least the block's
    minimum and one, plus one when "Add a row" was pressed, minus one for "Remove"."""
    options = compiled.options[block_id]
    posted = data.get(f"{block_id}__rows") if hasattr(data, "get") else None
    try:
        rows = int(posted) if posted is not None else stored
    except (TypeError, ValueError):
        rows = stored
    rows = max(rows, getattr(options, "min_rows", 0))
    if data.get("add_row") == block_id:
        rows += 1
    return max(0, min(rows, getattr(options, "max_rows", 50), MAX_ROWS))


def removed_row(data: Mapping, block_id: str) -> int | None:
    raw = str(data.get("remove_row") or "")
    block, _sep, index = raw.rpartition(":")
    if block == block_id and index.isdigit():
        return int(index)
    return None


def kept_files(data: Mapping, name: str, stored) -> list[dict]:
    """The stored file references the form kept (hidden `<name>__keep` inputs), minus the
    one whose "Remove" button was pressed. Ids not among the stored ones are ignored."""
    keep = set(data.getlist(f"{name}__keep")) if hasattr(data, "getlist") else set(data.get(f"{name}__keep") or [])
    keep.discard(str(data.get("remove_file") or ""))
    return [item for item in stored or [] if isinstance(item, dict) and item.get("id") in keep]


def _raw_value(field_type, data, name: str, stored):
    if field_type.value_type == FILE_VALUE_TYPE:
        return kept_files(data, name, stored if isinstance(stored, list) else [])
    return field_type.value_from_post(data, name)


def raw_answers(compiled, data: Mapping, step_ids, stored: Mapping[str, Any]) -> dict[str, Any]:
    """The raw answers a step's form posted, in the shape `runtime.validate_step` takes."""
    raw: dict[str, Any] = {}
    for sid in step_ids:
        field = compiled.by_id[sid]
        field_type = field_types[field.type]
        if field.private or not field_type.has_value or field_type.read_only:
            continue
        if field_type.value_type == "rows":
            stored_rows = stored.get(sid) if isinstance(stored.get(sid), list) else []
            rows = []
            for index in range(row_count(compiled, data, sid, len(stored_rows))):
                old = stored_rows[index] if index < len(stored_rows) and isinstance(stored_rows[index], dict) else {}
                rows.append({
                    col: _raw_value(field_types[compiled.by_id[col].type], data, f"{sid}__{index}__{col}", old.get(col))
                    for col in compiled.columns.get(sid, ())
                })
            removed = removed_row(data, sid)
            if removed is not None and 0 <= removed < len(rows) and len(rows) > getattr(compiled.options[sid], "min_rows", 0):
                rows.pop(removed)
            raw[sid] = rows
        else:
            raw[sid] = _raw_value(field_type, data, sid, stored.get(sid))
    return raw


def file_inputs(compiled, step_ids, values: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """(control name, field key, field) of every file control of a step, cells included."""
    found = []
    for sid in step_ids:
        field = compiled.by_id[sid]
        field_type = field_types[field.type]
        if field_type.value_type == FILE_VALUE_TYPE:
            found.append((sid, sid, field))
        elif field_type.value_type == "rows":
            for index in range(len(values.get(sid) or [])):
                for col in compiled.columns.get(sid, ()):
                    column = compiled.by_id[col]
                    if field_types[column.type].value_type == FILE_VALUE_TYPE:
                        found.append((f"{sid}__{index}__{col}", f"{sid}.{index}.{col}", column))
    return found


def build_items(compiled, *, step_ids, values: Mapping[str, Any], errors: Mapping[str, list], hidden=frozenset(),
                readonly: Mapping[str, str] | None = None, evaluation=None) -> list[dict]:
    """What a step's template shows: one item per visible top-level field, with its rendered
    control (or rows of controls for a block). `readonly` maps ids shown read-only to their
    source ("VNeID"...). With `evaluation`, a column hidden in a row is left out of that row."""
    readonly = readonly or {}
    items = []
    for sid in step_ids:
        field = compiled.by_id[sid]
        if field.private or sid in hidden:
            continue
        field_type = field_types[field.type]
        options = compiled.options[sid]
        if sid in readonly:
            items.append({"field": field, "readonly": True, "source": readonly[sid],
                          "display": safe_display(field_type, values.get(sid), options)})
            continue
        if field_type.value_type == "rows":
            stored_rows = values.get(sid) if isinstance(values.get(sid), list) else []
            rows = []
            for index in range(max(len(stored_rows), getattr(options, "min_rows", 0))):
                row = stored_rows[index] if index < len(stored_rows) and isinstance(stored_rows[index], dict) else {}
                row_result = evaluation.row(sid, index) if evaluation is not None else None
                cells = []
                for col in compiled.columns.get(sid, ()):
                    if row_result is not None and not row_result.is_visible(col):
                        continue
                    column = compiled.by_id[col]
                    key = f"{sid}.{index}.{col}"
                    cells.append(field_types[column.type].render_widget(
                        f"{sid}__{index}__{col}", row.get(col), compiled.options[col], errors.get(key, []),
                        label=column.label, help_text=column.help, required=column.required,
                    ))
                rows.append({"index": index, "cells": cells})
            items.append({"field": field, "rows": rows, "row_count": len(rows), "errors": errors.get(sid, []),
                          "can_add": len(rows) < getattr(options, "max_rows", 50),
                          "can_remove": len(rows) > getattr(options, "min_rows", 0)})
            continue
        items.append({"field": field, "widget": field_type.render_widget(
            sid, values.get(sid), options, errors.get(sid, []), label=field.label, help_text=field.help, required=field.required,
        )})
    return items


def error_links(compiled, errors: Mapping[str, list]) -> list[dict]:
    """The error summary's entries, in form order: message and the id of the control."""
    order = {f.stable_id: i for i, f in enumerate(compiled.fields)}
    entries = []
    for key in sorted(errors, key=lambda k: (order.get(k.split(".")[0], 10**6), k)):
        parts = key.split(".")
        name = "__".join(parts)
        for message in errors[key]:
            entries.append({"href": f"#id_{name}", "message": str(message), "key": key})
    return entries


def safe_display(field_type, value, options) -> str:
    """`display()` of a stored answer; a draft may hold an answer as typed (not yet valid)."""
    try:
        return field_type.display(value, options)
    except Exception:  # noqa: BLE001 - an invalid draft answer is shown as typed
        return "" if value is None else str(value)


def summary_sections(compiled, values: Mapping[str, Any], hidden=frozenset()) -> list[dict]:
    """The answers, step by step, as (label, text) rows for the summary page."""
    sections = []
    for index, step_ids in enumerate(compiled.steps):
        rows = []
        for sid in step_ids:
            field = compiled.by_id[sid]
            field_type = field_types[field.type]
            if field.private or sid in hidden or not field_type.has_value:
                continue
            if field_type.value_type == "rows":
                for number, row in enumerate(values.get(sid) or [], start=1):
                    for col in compiled.columns.get(sid, ()):
                        column = compiled.by_id[col]
                        text = safe_display(field_types[column.type], row.get(col), compiled.options[col]) if isinstance(row, dict) else ""
                        rows.append({"label": f"{field.label} {number} — {column.label}", "text": text, "id": f"{sid}__{number - 1}__{col}"})
            else:
                rows.append({"label": field.label, "text": safe_display(field_type, values.get(sid), compiled.options[sid]), "id": sid})
        sections.append({"index": index, "title": compiled.step_titles[index], "rows": rows})
    return sections
