"""Portal pages at the HTML level (no browser): language, redirects, security headers."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.html import escape

LANGUAGE_UNAVAILABLE = "This language is not available. Choose Vietnamese, English or French."


def _translated(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def _directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_home_is_in_vietnamese_when_nothing_asks_for_another_language(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert b'<html lang="vi">' in response.content
    assert _translated("vi", "Online public services") in response.content.decode()


@pytest.mark.parametrize("language", ["vi", "en", "fr"])
def test_set_language_is_400_with_a_translated_message_when_the_code_is_unknown(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.post("/language/", {"language": "de", "next": "/"})

    message = _translated(language, LANGUAGE_UNAVAILABLE)
    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert (message != LANGUAGE_UNAVAILABLE) == (language != "en"), "the catalogue must translate it"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_set_language_sets_the_cookie_and_returns_to_next_when_next_is_local(client):
    response = client.post("/language/", {"language": "en", "next": "/agencies/?page=2"})

    assert response.status_code == 302
    assert response["Location"] == "/agencies/?page=2"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/path", "http://127.0.0.1.evil.example/", "\\\\evil.example", "javascript:alert(1)"],
)
def test_set_language_redirects_home_when_next_leaves_the_site(client, next_url):
    response = client.post("/language/", {"language": "fr", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_set_language_redirects_home_when_next_is_missing(client):
    response = client.post("/language/", {"language": "fr"})

    assert response["Location"] == "/"


def test_set_language_refuses_get_when_called_as_a_link(client):
    assert client.get("/language/?language=en").status_code == 405


@pytest.mark.parametrize("tampered", ["de", "en'><script>alert(1)</script>", "", "vi-XX-garbage" * 20])
def test_page_is_in_vietnamese_when_the_language_cookie_is_tampered(client, tampered):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = tampered

    response = client.get("/")

    assert response.status_code == 200
    assert b'<html lang="vi">' in response.content
    assert b"<script>alert(1)" not in response.content


def test_page_follows_the_language_cookie_when_it_is_valid(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get("/")

    assert b'<html lang="fr">' in response.content


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [("get", "/", None), ("post", "/language/", {"language": "xx"}), ("get", "/no-such-page/", None)],
)
def test_page_sends_a_csp_without_unsafe_inline_scripts(client, method, path, data):
    response = getattr(client, method)(path, data)

    directives = _directives(response["Content-Security-Policy"])
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src, directives
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "*" not in script_src and "data:" not in script_src
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_browser_language_does_not_override_vietnamese_by_default(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert b'<html lang="vi">' in response.content


def test_browser_language_is_followed_when_configured(client, settings):
    settings.LANGUAGE_FROM_BROWSER = True

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    assert b'<html lang="fr">' in response.content


def test_chosen_language_wins_over_the_browser_language(client, settings):
    settings.LANGUAGE_FROM_BROWSER = True
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    assert b'<html lang="en">' in response.content
