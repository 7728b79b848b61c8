"""A staff member's own inbox settings (`InboxPreference`): the columns shown and their order,
the sort, and named saved filters.

Entry points:
- read: `get_inbox_preference(user=)` (None until something is saved; one query),
  `inbox_columns(preference)` (the column keys to show, the defaults when none were chosen);
- writes: `save_inbox_columns(actor=, columns=)`, `save_inbox_sort(actor=, sort=)`,
  `save_inbox_filter(actor=, name=, query=)`, `delete_inbox_filter(actor=, name=)`.

Invariants: each user changes only their own row (the actor is the owner: nothing to look up,
nothing to leak). Column keys are checked for their shape, not against a procedure's form:
a field column is kept while the form changes and shown only when that procedure is filtered on
(columns.get_columns ignores what it does not know). No dossier changes here, so no event.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import NotFound
from motcua.dossiers.errors import InputInvalid

from .columns import ANNOTATION_PREFIX, BUILTIN_KEYS, FIELD_PREFIX
from .models import InboxPreference

# The columns shown (after the dossier code, always first) until the user chooses.
DEFAULT_COLUMNS = ("procedure", "applicant", "submitted_at", "due_at", "deadline", "state")
MAX_COLUMNS = 40
MAX_SAVED_FILTERS = 20
SAVED_FILTER_NAME_MAX_LENGTH = 60
_FIELD_KEY = re.compile(rf"^({re.escape(FIELD_PREFIX)}|{re.escape(ANNOTATION_PREFIX)})[A-Za-z0-9_-]{{1,32}}$")
_SORT = re.compile(r"^-?[a-z_]{1,40}$")


def _check_actor(actor) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_staff_member", False):
        raise NotFound()


def get_inbox_preference(*, user) -> InboxPreference | None:
    """The user's inbox settings, None when they never changed any (one query, cached on the
    user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_inbox_preference"):
        user._inbox_preference = InboxPreference.objects.filter(user=user).first()
    return user._inbox_preference


def inbox_columns(preference: InboxPreference | None) -> list[str]:
    """The keys of the columns to show after the code, in order."""
    if preference is None or not preference.columns:
        return list(DEFAULT_COLUMNS)
    return [k for k in preference.columns if isinstance(k, str) and k != "code"]


def is_column_key(key) -> bool:
    return isinstance(key, str) and (key in BUILTIN_KEYS or bool(_FIELD_KEY.match(key)))


def _preference_for_update(actor) -> InboxPreference:
    preference, _created = InboxPreference.objects.select_for_update().get_or_create(user=actor)
    return preference


def _save(preference: InboxPreference, actor, fields: list[str]) -> InboxPreference:
    preference.full_clean(exclude=["user"])
    preference.save(update_fields=[*fields, "updated_at"])
    actor._inbox_preference = preference
    return preference


def save_inbox_columns(*, actor, columns: list[str]) -> InboxPreference:
    """Show `columns` (keys, in order) after the dossier code. Unknown keys are dropped, each
    key kept once; "code" is always shown first and is not stored. InputInvalid when none is left."""
    _check_actor(actor)
    keys = list(dict.fromkeys(k for k in columns if is_column_key(k) and k != "code"))[:MAX_COLUMNS]
    if not keys:
        raise InputInvalid(fields={"show": [_("Choose at least one column besides the dossier code.")]})
    with transaction.atomic():
        preference = _preference_for_update(actor)
        preference.columns = keys
        return _save(preference, actor, ["columns"])


def save_inbox_sort(*, actor, sort: str) -> InboxPreference:
    """Remember the inbox's sort ("" for each tab's own order; callers check the column)."""
    _check_actor(actor)
    if sort and not _SORT.match(sort):
        raise InputInvalid(fields={"sort": [_("This list cannot be sorted that way.")]})
    with transaction.atomic():
        preference = _preference_for_update(actor)
        preference.sort = sort
        return _save(preference, actor, ["sort"])


def _clean_query(query: str) -> str:
    from .inbox import PARAM_NAMES

    pairs = [(k, v) for k, v in parse_qsl(query or "", keep_blank_values=False) if k in PARAM_NAMES and v]
    return urlencode(pairs)


def save_inbox_filter(*, actor, name: str, query: str) -> InboxPreference:
    """Save the inbox's current filters (`query`, the URL's query string: only the tab, search
    and filter parameters are kept) under `name`; a filter of the same name is replaced."""
    _check_actor(actor)
    name = " ".join((name or "").split())
    if not name:
        raise InputInvalid(fields={"name": [_("Give these filters a name.")]})
    if len(name) > SAVED_FILTER_NAME_MAX_LENGTH:
        raise InputInvalid(fields={"name": [_("Write at most %(max)s characters.") % {"max": SAVED_FILTER_NAME_MAX_LENGTH}]})
    with transaction.atomic():
        preference = _preference_for_update(actor)
        saved = [f for f in (preference.saved_filters or []) if isinstance(f, dict) and f.get("name") != name]
        if len(saved) >= MAX_SAVED_FILTERS:
            raise InputInvalid(fields={"name": [_("You can keep at most %(max)s saved filters: delete one first.")
                                         % {"max": MAX_SAVED_FILTERS}]})
        saved.append({"name": name, "query": _clean_query(query)})
        preference.saved_filters = saved
        return _save(preference, actor, ["saved_filters"])


def delete_inbox_filter(*, actor, name: str) -> InboxPreference | None:
    """Forget the saved filter `name` (nothing happens when there is none)."""
    _check_actor(actor)
    with transaction.atomic():
        preference = InboxPreference.objects.select_for_update().filter(user=actor).first()
        if preference is None:
            return None
        preference.saved_filters = [f for f in (preference.saved_filters or [])
                                    if isinstance(f, dict) and f.get("name") != name]
        return _save(preference, actor, ["saved_filters"])
