"""Errors raised by procedure services, each with a stable code and a translated message."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import MotcuaError


class RevisionFrozen(MotcuaError):
    code = "revision_frozen"
    default_message = _("This version is published and can no longer be changed. Edit the draft instead.")
    status = 409


class ProcedureClosed(MotcuaError):
    code = "procedure_closed"
    default_message = _("This procedure is closed.")
    status = 409


class UnknownFieldType(MotcuaError):
    code = "unknown_field_type"
    default_message = _("This type of field does not exist.")


@dataclass(frozen=True)
class Problem:
    """One problem found in a revision: where (field stable id or rule id, may be empty), a
    stable code, and a translated message."""

    code: str
    message: str
    field: str = ""
    path: str = ""


class RevisionInvalid(MotcuaError):
    """Publishing or importing refused: `problems` lists every problem found, not only the first."""

    code = "revision_invalid"
    default_message = _("The procedure cannot be published until the problems listed are corrected.")

    def __init__(self, problems: list[Problem], message=None):
        super().__init__(message)
        self.problems = problems
