"""Fixtures of the dossiers tests."""

import pytest

from .fake_clamd import FakeClamd


@pytest.fixture
def fake_clamd(settings):
    """A fake clamd on 127.0.0.1, configured as the antivirus (settings.CLAMD_URL)."""
    server = FakeClamd()
    settings.CLAMD_URL = server.url
    settings.CLAMD_TIMEOUT = 5
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _english_client(client, settings):
    """HTTP tests here read the English msgids: the client has chosen English (the interface is
    Vietnamese by default; translation completeness is checked by core/tests/test_translations.py)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
