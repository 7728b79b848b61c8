"""Prefilled links: an agency system sends answers for a procedure's prefillable fields through
the API (scope "prefill") and gets a single-use link that starts a dossier with them.

Entry points:
- `is_prefillable(field, options)`: may a form field be prefilled (by a link or by URL parameters)?
- `find_procedure(code=..., agency_code=...)`: a procedure open to citizens, by public id or by
  national code (NotFound; AmbiguousProcedure when several agencies share the code).
- `create_prefill_token(client_id=..., procedure=..., values=..., expires_in=...)`: cleans every
  value with its field type and stores the link (PrefillInvalid lists every problem per field).
- `get_usable_token(token=..., procedure=...)`: the link if it is unused, unexpired and for this
  procedure, else None.

Invariants: a link holds cleaned values of prefillable fields only; it is spent by
`services.start_dossier(prefill_token=...)` in the transaction that creates the dossier, so it
starts one dossier at most. The identity fields filled from the applicant's electronic identity
are never taken from a link.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import MotcuaError, NotFound
from motcua.procedures import runtime
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.fields.base import CleanContext, FieldValueError
from motcua.procedures.fields.registry import field_types

from .models import PrefillToken

DEFAULT_EXPIRES_IN = 24 * 3600
MIN_EXPIRES_IN = 60
MAX_EXPIRES_IN = 7 * 24 * 3600
MAX_VALUES = 500


class AmbiguousProcedure(MotcuaError):
    code = "ambiguous_procedure"
    default_message = _("Several agencies offer a procedure with this code: say which one with “agency”, its electronic identifier code.")
    status = 409


class PrefillInvalid(MotcuaError):
    """`fields` maps each rejected stable id to its problems ({"code", "message"})."""

    code = "prefill_invalid"
    default_message = _("Some values cannot be prefilled: see the problems listed for each field.")
    status = 422


def is_prefillable(field, options) -> bool:
    """A top-level, public field with a value the applicant types, whose type allows prefilling
    (not calculated, not a file, not a value only a registry may write)."""
    field_type = field_types[field.type]
    return (
        field_type.prefill_allowed and field_type.has_value and not field_type.read_only
        and not field.parent_id and not field.private
        # A registry value the applicant may not correct is written by the registry only.
        and getattr(options, "editable", True) is not False
    )


def find_procedure(*, code: str, agency_code: str | None = None):
    """The procedure open to citizens whose public id or national code is `code`, narrowed to
    the agency with electronic identifier `agency_code` when given."""
    procedures: QuerySet = procedure_selectors.list_public_procedures()
    try:
        matches = procedures.filter(public_id=uuid.UUID(code))
    except ValueError:
        matches = procedures.filter(national_code=code.strip())
    if agency_code:
        matches = matches.filter(agency__eid_code=agency_code.strip())
    found = list(matches[:2])
    if not found:
        raise NotFound()
    if len(found) > 1:
        raise AmbiguousProcedure()
    return found[0]


def _problem(code: str, message) -> list[dict[str, Any]]:
    return [{"code": code, "message": str(message)}]


def clean_prefill_values(*, revision, values: dict[str, Any]) -> dict[str, Any]:
    """The cleaned, non-empty values; PrefillInvalid lists every rejected field."""
    compiled = runtime.compile_revision(revision)
    context = CleanContext(source="api")
    problems: dict[str, list] = {}
    cleaned: dict[str, Any] = {}
    if len(values) > MAX_VALUES:
        raise PrefillInvalid(fields={"values": _problem("too_many", _("Send at most %(max)s values.") % {"max": MAX_VALUES})})
    for sid, raw in values.items():
        field = compiled.by_id.get(sid)
        if field is None or field.private:
            problems[sid] = _problem("unknown_field", _("The form has no field with this id."))
            continue
        options = compiled.options[sid]
        if not is_prefillable(field, options):
            problems[sid] = _problem("not_prefillable", _("This field cannot be prefilled."))
            continue
        field_type = field_types[field.type]
        try:
            value = field_type.clean(raw, options, context=context, required=False)
        except FieldValueError as error:
            problems[sid] = _problem(error.code, error.message)
            continue
        if not field_type.is_empty(value):
            cleaned[sid] = value
    if problems:
        raise PrefillInvalid(fields=problems)
    return cleaned


def create_prefill_token(*, client_id: str, procedure, values: dict[str, Any], expires_in: int | None = None) -> PrefillToken:
    """A new prefilled link to start a dossier of `procedure` (open to citizens, published form).

    Permission: the caller is an API client with the "prefill" scope (checked by the API).
    Raises PrefillInvalid (every rejected field listed) and NotFound (no published form)."""
    revision = procedure_selectors.get_published(procedure=procedure)
    if revision is None:
        raise NotFound()
    cleaned = clean_prefill_values(revision=revision, values=values)
    seconds = min(max(expires_in or DEFAULT_EXPIRES_IN, MIN_EXPIRES_IN), MAX_EXPIRES_IN)
    token = PrefillToken(procedure=procedure, values=cleaned, created_by_client=client_id,
                         expires_at=timezone.now() + timedelta(seconds=seconds))
    token.full_clean()
    token.save()
    return token


def _usable() -> QuerySet[PrefillToken]:
    return PrefillToken.objects.filter(used_at__isnull=True, expires_at__gt=timezone.now())


def get_usable_token(*, token: str, procedure) -> PrefillToken | None:
    if not token or len(token) > 64:
        return None
    return _usable().filter(token=token, procedure=procedure).first()


def lock_usable_token(*, token: str, procedure) -> PrefillToken | None:
    """Like get_usable_token, the row locked until the end of the transaction (spending it)."""
    if not token or len(token) > 64:
        return None
    return _usable().select_for_update().filter(token=token, procedure=procedure).first()
