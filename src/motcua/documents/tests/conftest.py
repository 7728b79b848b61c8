"""Signing fixtures: one throwaway PKI per test session (EC P-256: milliseconds to make and use),
and settings pointing every provider and the verifier at it."""

import pytest
from django.core.cache import cache
from weasyprint import HTML

from motcua.documents.keys import DemoPkiPaths, ensure_demo_pki

from motcua.conftest import TEST_P12_PASSWORD  # noqa: F401  (the signing fixtures live in the root conftest)


@pytest.fixture(scope="session")
def foreign_pki(tmp_path_factory) -> DemoPkiPaths:
    """Key material of a signer our trust roots do not know."""
    paths = DemoPkiPaths.in_directory(tmp_path_factory.mktemp("foreign"))
    ensure_demo_pki(paths, agency_name="Someone else", p12_password=TEST_P12_PASSWORD)
    return paths


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture(scope="session")
def plain_pdf() -> bytes:
    """A small unsigned PDF."""
    return HTML(string="<html lang='vi'><body><p>Xin chào, Điện Biên</p></body></html>").write_pdf()


@pytest.fixture(autouse=True)
def _english_client(client, settings):
    """HTTP tests here read the English msgids: the client has chosen English (the interface is
    Vietnamese by default; translation completeness is checked by core/tests/test_translations.py)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
