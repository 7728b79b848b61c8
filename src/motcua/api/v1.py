"""Version 1 of the API: one NinjaAPI, the routers of the apps mounted on it.

Every operation runs in the language of the request's Accept-Language header (so error messages
are translated), authenticates with OAuth2 scopes (auth.py), is rate limited per client
(throttling.py) and answers errors with the problem body (errors.py).
"""

from __future__ import annotations

import functools

from django.utils import translation
from django.utils.cache import patch_vary_headers
from ninja import NinjaAPI, Swagger

from . import errors
from .openapi import ScopedOpenAPISchema
from .throttling import ClientRateThrottle


class MotcuaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ScopedOpenAPISchema(self, path_prefix)


def in_request_language(run):
    """Run an operation (authentication, validation, errors included) in the language the client
    asked for (Accept-Language; Vietnamese by default)."""

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        with translation.override(translation.get_language_from_request(request)):
            response = run(request, *args, **kwargs)
            response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper


api = MotcuaAPI(
    title="motcua API",
    version="1",
    description="API for agency systems. Authenticate with OAuth2 client credentials at /api/oauth/token/.",
    urls_namespace="api-v1",
    docs=Swagger(settings={"validatorUrl": None}),  # no call to swagger.io (CSP, privacy)
    throttle=[ClientRateThrottle()],
)
errors.install_handlers(api)
api.add_decorator(in_request_language, mode="view")
api.add_router("", "motcua.dossiers.api.router")
