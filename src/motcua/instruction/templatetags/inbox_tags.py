"""The rows of the dossier inbox, rendered in Python: 50 rows of user-chosen columns through
template tags and filters cost several times what this does (bench/inbox.py measures the page),
for the same HTML."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

_ANY_ID = "00000000-0000-0000-0000-000000000000"
_EMPTY = mark_safe("<td>—</td>")
_BLANK = mark_safe("<td></td>")


def _time(value, fmt: str) -> SafeString:
    if not value:
        return _EMPTY
    local = timezone.localtime(value)
    return format_html('<td><time datetime="{}">{}</time></td>', local.isoformat(), dateformat.format(local, fmt))


def _cell(cell: dict, dossier, formats_: dict) -> SafeString:
    column, value = cell["column"], cell["value"]
    if column.kind in ("datetime", "date"):
        return _time(value, formats_[column.kind])
    if column.kind == "deadline":
        if not cell.get("deadline"):
            return _BLANK
        return format_html('<td><span class="badge badge--{}">{}</span></td>', cell["deadline"], value)
    if column.key == "procedure" and dossier.agency_id:
        return format_html('<td>{}<br><span class="hint">{}</span></td>', value, dossier.agency.name)
    return format_html("<td>{}</td>", value if value not in (None, "") else "—")


@register.simple_tag
def inbox_rows(rows) -> SafeString:
    """The <tr> of each row ({"dossier", "cells"}): a checkbox to select it, the dossier code (the
    link the keyboard shortcuts move between) as the row header, then one cell per column."""
    # One reverse() for the page: the dossier's id is the only part of the URL that changes.
    pattern = reverse("backoffice:dossier-detail", args=[_ANY_ID])
    # The active language's formats, looked up once for the page.
    formats_ = {"datetime": formats.get_format("SHORT_DATETIME_FORMAT"), "date": formats.get_format("SHORT_DATE_FORMAT")}
    # The first cell ticks the dossier for a bulk action (views/bulk.py: the form around the table).
    pick = gettext("Select the dossier %(code)s")
    return format_html_join(
        "\n", '<tr><td class="inbox-table__pick"><input type="checkbox" name="dossier" value="{}" id="pick-{}" aria-label="{}">'
               '</td><th scope="row"><a class="dossier-code" href="{}">{}</a></th>{}</tr>',
        ((row["dossier"].public_id, row["dossier"].public_id,
          pick % {"code": row["dossier"].code or row["dossier"].public_id},
          pattern.replace(_ANY_ID, str(row["dossier"].public_id)), row["dossier"].code or row["dossier"].public_id,
          SafeString("".join(_cell(cell, row["dossier"], formats_) for cell in row["cells"]))) for row in rows),
    )
