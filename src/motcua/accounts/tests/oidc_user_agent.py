"""A minimal browser for the OpenID Connect tests: a requests.Session against the live
server that follows the protocol's redirects one by one (so tests can stop, inspect or tamper
between steps) and submits forms with their CSRF token. Cookies are kept per path, as a
browser does: the IdP's cookie (path /idp/) never reaches motcua's pages."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

TIMEOUT = 15
_CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def csrf_token_in(html: str) -> str:
    match = _CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class UserAgent:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()

    def close(self) -> None:
        """Close kept-alive connections, so that no live-server thread outlives the test."""
        self.http.close()

    def absolute(self, url: str) -> str:
        return urljoin(self.base_url + "/", url)

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.http.get(self.absolute(url), allow_redirects=False, timeout=TIMEOUT, **kwargs)

    def post(self, url: str, data: dict, **kwargs) -> requests.Response:
        return self.http.post(self.absolute(url), data=data, allow_redirects=False, timeout=TIMEOUT, **kwargs)

    def submit(self, page: requests.Response, url: str, data: dict) -> requests.Response:
        """Post a form of `page` (its CSRF token included) to `url`."""
        return self.post(url, {"csrfmiddlewaretoken": csrf_token_in(page.text), **data})

    def cookie(self, name: str) -> str | None:
        return self.http.cookies.get(name)

    # --- The steps of a sign-in -------------------------------------------------------------
    def start_sign_in(self) -> str:
        """Open motcua's sign-in link; return the authorization request URL it redirects to."""
        response = self.get("/oidc/authenticate/")
        assert response.status_code == 302, response.status_code
        return response.headers["Location"]

    def sign_in_at_idp(self, authorize_url: str, personal_id: str, password: str) -> str:
        """Go through the IdP (its sign-in page when needed; consent is skipped for motcua's
        trusted client); return the redirect back to motcua (its callback URL)."""
        response = self.get(authorize_url)
        assert response.status_code == 302, response.status_code
        location = response.headers["Location"]
        if urlsplit(location).path.endswith("/idp/sign-in/"):
            page = self.get(location)
            assert page.status_code == 200
            next_url = query_of(location)["next"]
            response = self.submit(
                page, "/idp/sign-in/", {"personal_id": personal_id, "password": password, "next": next_url}
            )
            assert response.status_code == 302, response.text
            response = self.get(response.headers["Location"])
            assert response.status_code == 302, response.status_code
            location = response.headers["Location"]
        return location

    def sign_in(self, personal_id: str, password: str) -> requests.Response:
        """The whole sign-in; returns motcua's answer to the callback."""
        callback_url = self.sign_in_at_idp(self.start_sign_in(), personal_id, password)
        return self.get(callback_url)
