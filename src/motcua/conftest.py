"""Project-wide pytest fixtures."""

import os

import pytest
from playwright.sync_api import sync_playwright

from motcua.documents.keys import DemoPkiPaths, ensure_demo_pki
from motcua.core.testing.browser import CHROMIUM_ARGS, CHROMIUM_PATH, open_page
from motcua.core.testing.console import BrowserConsole


@pytest.fixture(autouse=True)
def _default_language():
    """A request activates its language in the thread and nothing resets it: give every test the
    default language, whatever the previous test's requests chose."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test writes uploaded and generated files to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Browser tests (Playwright driving Debian's Chromium) --------------------------------------
# Tests that use these fixtures are marked `browser` and use pytest-django's `live_server`, which
# `--liveserver=127.0.0.1` (pyproject addopts) binds to the address pytest-socket allows. Playwright
# itself talks to its driver and to Chromium over pipes, so pytest-socket does not get in the way.


# --- Signing: one throwaway PKI per test session (EC P-256: milliseconds), used by every test that
# issues a document (receipts after submission...). documents/tests adds a foreign PKI.
TEST_P12_PASSWORD = "test-p12-password"


@pytest.fixture(scope="session")
def signing_pki(tmp_path_factory) -> DemoPkiPaths:
    paths = DemoPkiPaths.in_directory(tmp_path_factory.mktemp("signing"))
    ensure_demo_pki(paths, p12_password=TEST_P12_PASSWORD)
    return paths


@pytest.fixture(autouse=True)
def signing_settings(settings, signing_pki):
    settings.SIGNING_DIR = signing_pki.root_cert.parent
    settings.SIGNING_PROVIDER = "pkcs12"
    settings.SIGNING_P12_PATH = str(signing_pki.agency_p12)
    settings.SIGNING_P12_PASSWORD = TEST_P12_PASSWORD
    settings.SIGNING_PEM_KEY_PATH = str(signing_pki.agency_key)
    settings.SIGNING_PEM_KEY_PASSWORD = ""
    settings.SIGNING_PEM_CERT_PATH = str(signing_pki.agency_cert)
    settings.SIGNING_PEM_CHAIN_PATHS = [str(signing_pki.root_cert)]
    settings.SIGNING_TRUST_ROOTS = [str(signing_pki.root_cert)]
    return settings


def pytest_collection_modifyitems(items):
    """A test that drives the browser is a `browser` test even if its author forgot the marker,
    so `-m "not browser"` really leaves Chromium out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (each test gets its own context)."""
    if not CHROMIUM_PATH.exists():
        message = f"Chromium is missing at {CHROMIUM_PATH}: `make test` installs it (apt-get install chromium)."
        if os.environ.get("MOTCUA_SKIP_BROWSER") == "1":
            pytest.skip(message + " Skipped because MOTCUA_SKIP_BROWSER=1.")
        pytest.fail(message + " Set MOTCUA_SKIP_BROWSER=1 to skip the browser tests instead.", pytrace=False)

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses ORM
    # calls from a thread with a running loop; the tests' own ORM calls are still synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_console():
    """Console errors and CSP violations of every page the test opens (see core/testing/console.py)."""
    return BrowserConsole()


@pytest.fixture
def page_factory(browser, live_server, browser_console):
    """`page_factory(width=None, javascript_enabled=True, **context_options)` opens a page in a new
    browser context (Vietnamese locale, relative URLs resolved against the live server; see
    core/testing/browser.py). `width=320` gives the narrow phone viewport. At teardown the test
    fails if any page hit a Content-Security-Policy violation."""
    pages = []

    def factory(**options):
        page = open_page(browser, base_url=live_server.url, console=browser_console, **options)
        pages.append(page)
        return page

    yield factory
    for page in pages:
        page.context.close()
    browser_console.assert_no_csp_violations()


@pytest.fixture
def page(page_factory):
    """A page in a fresh browser context with the default viewport (1280 x 720), JavaScript on."""
    return page_factory()
