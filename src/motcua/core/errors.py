"""Domain errors: every error a service raises has a stable code and a translated message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class MotcuaError(Exception):
    code = "error"
    default_message = _("Something went wrong.")
    status = 400

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.message))


class NotFound(MotcuaError):
    code = "not_found"
    default_message = _("This page or object does not exist, or you may not see it.")
    status = 404


class PermissionDenied(MotcuaError):
    code = "permission_denied"
    default_message = _("You are not allowed to do this.")
    status = 403
