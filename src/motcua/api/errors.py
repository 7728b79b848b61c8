"""The API's errors: one JSON body for every problem, `{"code", "message", "fields"}`.

`code` is stable (snake_case), `message` is translated into the request's language
(Accept-Language, see v1.py), `fields` maps a field name (or a form field's stable id) to a list
of `{"code", "message"}` problems. Domain errors (core.errors.MotcuaError) keep their code and
status; ninja's request validation errors become 422; authentication follows RFC 6750 §3
(`WWW-Authenticate: Bearer ...`); the rate limit answers 429 with Retry-After.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from motcua.core.errors import MotcuaError, NotFound

logger = logging.getLogger(__name__)

REALM = "motcua"


class NotAuthenticated(MotcuaError):
    code = "not_authenticated"
    default_message = _("Send an access token in the Authorization header: “Bearer <token>”.")
    status = 401


class InvalidToken(MotcuaError):
    code = "invalid_token"
    default_message = _("The access token is not valid or has expired: ask the token endpoint for a new one.")
    status = 401


class InsufficientScope(MotcuaError):
    code = "insufficient_scope"
    default_message = _("The access token does not allow this operation.")
    status = 403

    def __init__(self, scope: str):
        super().__init__(_("The access token does not allow this operation: it needs the scope “%(scope)s”.") % {"scope": scope})
        self.scope = scope


class RateLimited(MotcuaError):
    code = "rate_limited"
    default_message = _("Too many requests: wait a moment, then try again.")
    status = 429


class RequestInvalid(MotcuaError):
    code = "invalid_request"
    default_message = _("The request is not valid: see the problems listed for each field.")
    status = 422


class ServerError(MotcuaError):
    code = "server_error"
    default_message = _("Something went wrong on our side. Try again later.")
    status = 500


# Pydantic error types API clients meet most often, with a translated message.
_VALIDATION_MESSAGES = {
    "missing": _("This is required."),
    "extra_forbidden": _("This is not expected here."),
    "int_parsing": _("Send a whole number."),
    "int_type": _("Send a whole number."),
    "int_from_float": _("Send a whole number."),
    "greater_than_equal": _("This number is too small."),
    "less_than_equal": _("This number is too large."),
    "string_type": _("Send a text."),
    "string_too_long": _("This text is too long."),
    "dict_type": _("Send an object."),
    "model_attributes_type": _("Send an object."),
    "json_invalid": _("The body is not valid JSON."),
}


def _problem(code: str, message) -> dict[str, str]:
    return {"code": code, "message": str(message)}


def _fields_body(fields: Mapping[str, Any]) -> dict[str, list[dict[str, str]]]:
    """`MotcuaError.fields` as the API shows it: each problem a {"code", "message"} object
    (services may give plain messages)."""
    body: dict[str, list[dict[str, str]]] = {}
    for name, problems in fields.items():
        items = problems if isinstance(problems, (list, tuple)) else [problems]
        body[str(name)] = [
            _problem(str(item.get("code", "invalid")), item.get("message", "")) if isinstance(item, Mapping) else _problem("invalid", item)
            for item in items
        ]
    return body


def problem_response(api: NinjaAPI, request: HttpRequest, error: MotcuaError) -> HttpResponse:
    body = {"code": error.code, "message": str(error.message), "fields": _fields_body(error.fields)}
    response = api.create_response(request, body, status=error.status)
    if isinstance(error, NotAuthenticated):
        response["WWW-Authenticate"] = f'Bearer realm="{REALM}"'
    elif isinstance(error, InvalidToken):
        response["WWW-Authenticate"] = f'Bearer realm="{REALM}", error="invalid_token"'
    elif isinstance(error, InsufficientScope):
        response["WWW-Authenticate"] = f'Bearer realm="{REALM}", error="insufficient_scope", scope="{error.scope}"'
    return response


def _field_name(loc) -> str:
    # ninja's locations start with the source ("body", "path", "query") and, for a body schema,
    # the parameter's name: the client only knows the JSON path inside the body.
    parts = [str(part) for part in loc]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_fields(errors: list[dict]) -> dict[str, list[dict[str, str]]]:
    fields: dict[str, list[dict[str, str]]] = {}
    for error in errors:
        kind = error.get("type", "invalid")
        message = _VALIDATION_MESSAGES.get(kind) or error.get("msg") or _("This value is not valid.")
        fields.setdefault(_field_name(error.get("loc", ())), []).append({"code": kind, "message": message})
    return fields


def install_handlers(api: NinjaAPI) -> None:
    """Answer every error of `api` with the problem body."""

    def on_motcua_error(request, exc: MotcuaError):
        return problem_response(api, request, exc)

    def on_validation_error(request, exc: ValidationError):
        return problem_response(api, request, RequestInvalid(fields=_validation_fields(exc.errors)))

    def on_not_authenticated(request, exc: AuthenticationError):
        return problem_response(api, request, NotAuthenticated())

    def on_throttled(request, exc: Throttled):
        return problem_response(api, request, RateLimited())  # ninja adds Retry-After

    def on_http_error(request, exc: HttpError):
        # ninja raises it for a body that is not JSON (400)
        message = _("The body of the request could not be read: send JSON.") if exc.status_code == 400 else str(exc)
        error = MotcuaError(message, code="bad_request" if exc.status_code == 400 else "http_error")
        error.status = exc.status_code
        return problem_response(api, request, error)

    def on_not_found(request, exc: Http404):
        return problem_response(api, request, NotFound())

    def on_unexpected(request, exc: Exception):
        logger.exception("api.unexpected_error path=%s", request.path)
        return problem_response(api, request, ServerError())

    api.add_exception_handler(MotcuaError, on_motcua_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_not_authenticated)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(Exception, on_unexpected)
