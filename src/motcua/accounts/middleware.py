"""Sessions with a separate cookie for the demo identity provider.

The demo identity provider is served by this project under /idp/ but must behave like
another site: signing in at the IdP must not sign anybody in to motcua, and ending one
session must not silently end the other (RP-initiated logout ends both, explicitly). So
requests under IDP_PATH_PREFIX read and write a second session cookie, scoped to that path.
Everything else is Django's SessionMiddleware behaviour.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

IDP_PATH_PREFIX = "/idp/"
IDP_SESSION_COOKIE_NAME = "motcua_idp_session"


@dataclass(frozen=True)
class _Cookie:
    name: str
    path: str


def session_cookie_for(path: str) -> _Cookie:
    if path.startswith(IDP_PATH_PREFIX):
        return _Cookie(IDP_SESSION_COOKIE_NAME, IDP_PATH_PREFIX)
    return _Cookie(settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_PATH)


class SplitSessionMiddleware(SessionMiddleware):
    def process_request(self, request):
        cookie = session_cookie_for(request.path_info)
        request.session = self.SessionStore(request.COOKIES.get(cookie.name))

    def process_response(self, request, response):
        try:
            accessed = request.session.accessed
            modified = request.session.modified
            empty = request.session.is_empty()
        except AttributeError:
            return response
        cookie = session_cookie_for(request.path_info)
        if cookie.name in request.COOKIES and empty:
            response.delete_cookie(
                cookie.name, path=cookie.path, domain=settings.SESSION_COOKIE_DOMAIN, samesite=settings.SESSION_COOKIE_SAMESITE
            )
            need_vary_cookie = True
        else:
            need_vary_cookie = accessed
            if (modified or settings.SESSION_SAVE_EVERY_REQUEST) and not empty and response.status_code < 500:
                if request.session.get_expire_at_browser_close():
                    max_age = expires = None
                else:
                    max_age = request.session.get_expiry_age()
                    expires = http_date(time.time() + max_age)
                try:
                    request.session.save()
                except UpdateError:
                    raise SessionInterrupted("The session was deleted before the request completed.") from None
                response.set_cookie(
                    cookie.name,
                    request.session.session_key,
                    max_age=max_age,
                    expires=expires,
                    domain=settings.SESSION_COOKIE_DOMAIN,
                    path=cookie.path,
                    secure=settings.SESSION_COOKIE_SECURE or None,
                    httponly=True,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
                need_vary_cookie = True
        if need_vary_cookie:
            patch_vary_headers(response, ("Cookie",))
        return response
