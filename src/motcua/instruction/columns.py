"""The columns a staff member can show about dossiers: in the inbox table and in exports.

Entry points:
- `available_columns(procedure=None) -> list[Column]`: the built-in columns (code, applicant,
  procedure, state, group, assignee, dates, deadline status, channel), then, when a procedure
  is given, one column per answer (`field:<stable_id>`) and per private annotation
  (`annotation:<stable_id>`) of its published form, in form order.
- `get_columns(keys, procedure=None) -> list[Column]`: the columns named by `keys`, in that
  order; unknown keys (a field removed from the form, a typo in a saved preference) are ignored.

A `Column` says how to read its value from one Dossier row (`value`) and how to sort on it
(`order_by`, an ORM expression; None when it cannot be sorted on). Values are plain Python
values (text, datetimes, None) that a template or a spreadsheet cell shows as they are; answers
are shown through their field type (`FieldType.display`), in the active language.

Invariants: column keys are stable (they are stored in users' preferences and export templates);
reading a value costs no query when the rows were loaded with `procedure`, `agency`, `group` and
`assignee` (select_related) — the selectors of the inbox and of exports do so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.constants import DossierState
from motcua.dossiers.models import Dossier

FIELD_PREFIX = "field:"
ANNOTATION_PREFIX = "annotation:"

# Staff read the state in their own words where the applicant's label speaks to the applicant.
STAFF_STATE_LABELS = {
    DossierState.AWAITING_SUPPLEMENT: _("Waiting for the applicant's supplement"),
}


@dataclass(frozen=True)
class Column:
    key: str
    """Stable identifier: "code", "applicant", ..., "field:<stable_id>", "annotation:<stable_id>"."""
    label: str
    """Header, translated (lazy: rendered in the language active when shown)."""
    value: Callable[[Dossier], Any]
    """The display value for one dossier row."""
    order_by: str | None = None
    """ORM expression to sort by (None: not sortable)."""
    kind: str = "text"
    """How the inbox shows the value: "text", "datetime", "date" (a datetime shown as a day),
    "deadline" (a status badge) or "code" (the link to the dossier)."""
    needs_values: bool = False
    """True when `value` reads the dossier's answers (`Dossier.values`): lists that defer the
    answers load them only when such a column is shown."""


def staff_state_label(dossier: Dossier) -> str:
    return str(STAFF_STATE_LABELS.get(dossier.state, dossier.get_state_display()))


def _applicant(dossier: Dossier) -> str:
    name = (dossier.identity or {}).get("full_name") or ""
    represented = (dossier.represented or {}).get("name") or ""
    if represented:
        return gettext("%(applicant)s, for %(represented)s") % {"applicant": name or "—", "represented": represented}
    return name


def _person(user) -> str:
    if user is None:
        return ""
    return user.full_name or user.email or user.get_username()


def deadline_key(dossier: Dossier) -> str | None:
    """The dossier's deadline status now (selectors.DEADLINE_*), None when closed or not dated."""
    from . import selectors

    now = timezone.now()
    return selectors.deadline_status(dossier, now=now, soon_until=_soon_until(now))


def _soon_until(now):
    # due_soon_until reads the working-day calendar: computed once per day and process, not per row.
    from . import selectors

    day = timezone.localdate(now)
    cached = _SOON_CACHE.get(day)
    if cached is None:
        _SOON_CACHE.clear()
        cached = _SOON_CACHE[day] = selectors.due_soon_until(now)
    return cached


_SOON_CACHE: dict = {}


def _deadline_label(dossier: Dossier) -> str:
    from . import selectors

    status = deadline_key(dossier)
    return str(selectors.DEADLINE_LABELS[status]) if status else ""


def _builtins() -> list[Column]:
    return [
        Column("code", _("Dossier code"), lambda d: d.code or "", "code", kind="code"),
        Column("applicant", _("Applicant"), _applicant),
        Column("procedure", _("Procedure"), lambda d: d.procedure.name),
        Column("state", _("Status"), staff_state_label, "state"),
        Column("group", _("Instructor group"), lambda d: d.group.name if d.group_id else "", "group__name"),
        Column("assignee", _("Assigned to"), lambda d: _person(d.assignee) if d.assignee_id else "", "assignee__full_name"),
        Column("submitted_at", _("Submitted"), lambda d: d.submitted_at, "submitted_at", kind="datetime"),
        Column("received_at", _("Received"), lambda d: d.received_at, "received_at", kind="datetime"),
        Column("due_at", _("Due date"), lambda d: d.due_at, "due_at", kind="date"),
        Column("decided_at", _("Decided"), lambda d: d.decided_at, "decided_at", kind="datetime"),
        Column("deadline", _("Deadline"), _deadline_label, "due_at", kind="deadline"),
        Column("channel", _("Filed through"), lambda d: d.get_channel_display(), "channel"),
    ]


BUILTIN_KEYS: tuple[str, ...] = tuple(c.key for c in _builtins())


def _answer_reader(stable_id: str, field_type, options) -> Callable[[Dossier], Any]:
    def read(dossier: Dossier) -> Any:
        value = (dossier.values or {}).get(stable_id)
        if field_type.is_empty(value):
            return ""
        try:
            return field_type.display(value, options)
        except (TypeError, ValueError, KeyError, AttributeError):
            # A value stored by an older revision in another shape: shown raw rather than lost.
            return str(value)

    return read


def form_fields(procedure) -> list:
    """The top-level fields holding a value of `procedure`'s published form, in form order
    (answers and private annotations); [] without a published form."""
    from motcua.procedures import runtime
    from motcua.procedures import selectors as procedure_selectors
    from motcua.procedures.fields.registry import field_types

    revision = procedure_selectors.get_published(procedure=procedure)
    if revision is None:
        return []
    compiled = runtime.compile_revision(revision)
    return [(f, compiled.options[f.stable_id]) for f in compiled.fields
            if not f.parent_id and field_types[f.type].has_value]


def _field_columns(procedure) -> list[Column]:
    from motcua.procedures.fields.registry import field_types

    columns = []
    for field, options in form_fields(procedure):
        prefix = ANNOTATION_PREFIX if field.private else FIELD_PREFIX
        columns.append(Column(f"{prefix}{field.stable_id}", lazy(field.tr, str)("label"),
                              _answer_reader(field.stable_id, field_types[field.type], options), needs_values=True))
    return columns


def available_columns(*, procedure=None) -> list[Column]:
    """Every column offered: the built-ins, then the answers and annotations of `procedure`'s
    published form (two queries the first time, for the form version and its fields)."""
    columns = _builtins()
    if procedure is not None:
        columns += _field_columns(procedure)
    return columns


def get_columns(keys: Iterable[str], *, procedure=None) -> list[Column]:
    """The columns named by `keys`, in that order, each once; unknown keys are ignored. Field
    and annotation keys are known only when `procedure` is given."""
    keys = [k for k in keys if isinstance(k, str)]
    wants_fields = procedure is not None and any(k.startswith((FIELD_PREFIX, ANNOTATION_PREFIX)) for k in keys)
    by_key = {c.key: c for c in (available_columns(procedure=procedure) if wants_fields else _builtins())}
    chosen, seen = [], set()
    for key in keys:
        if key in by_key and key not in seen:
            chosen.append(by_key[key])
            seen.add(key)
    return chosen
