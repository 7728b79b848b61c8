"""Dossier codes: `{agency e-ID code}-{yyMMdd}-{NNNN}` (vietnam.md §3.3). Pure functions."""

from __future__ import annotations

import re
from datetime import date

from .constants import MAX_DOSSIER_NUMBER_PER_DAY

_CODE = re.compile(r"^(?P<agency>[A-Z0-9.]+)-(?P<day>\d{6})-(?P<number>\d{4,})$")


def format_dossier_code(agency_code: str, day: date, number: int) -> str:
    if not 1 <= number <= MAX_DOSSIER_NUMBER_PER_DAY:
        raise ValueError(f"dossier number out of range: {number}")
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"


def parse_dossier_code(code: str) -> tuple[str, date, int] | None:
    """(agency code, day, number), or None when `code` is not a dossier code."""
    match = _CODE.match((code or "").strip().upper())
    if not match:
        return None
    raw = match["day"]
    try:
        day = date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:]))
    except ValueError:
        return None
    return match["agency"], day, int(match["number"])
