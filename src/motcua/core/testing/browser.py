"""Playwright pages for the `browser` tests: one Chromium per session, one context per page.

The fixtures of src/motcua/conftest.py are thin wrappers around this module. Each page gets its own
browser context (cookies, locale, viewport, JavaScript switch), records its console in a
`BrowserConsole`, and resolves relative URLs against the live server.
"""

from __future__ import annotations

import weakref
from pathlib import Path

CHROMIUM_PATH = Path("/usr/bin/chromium")  # Debian's package, installed by `make test`; never downloaded
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
DEFAULT_LOCALE = "vi-VN"
NARROW_WIDTH = 320  # WCAG 2.1 SC 1.4.10 (reflow): 320 CSS px without horizontal scrolling
TIMEOUT_MS = 10_000

_pages_without_javascript: weakref.WeakSet = weakref.WeakSet()


def open_page(browser, *, base_url: str, console, width: int | None = None, javascript_enabled: bool = True, **options):
    """A new page in a new context: `width` sets a 720 px high viewport of that width; other keyword
    arguments go to `Browser.new_context`. Returns the page (its context is `page.context`)."""
    context_options = {"locale": DEFAULT_LOCALE, "base_url": base_url, "java_script_enabled": javascript_enabled}
    if width is not None:
        context_options["viewport"] = {"width": width, "height": 720}
    context_options.update(options)
    context = browser.new_context(**context_options)
    context.set_default_timeout(TIMEOUT_MS)
    console.attach(context)
    page = context.new_page()
    if not context_options["java_script_enabled"]:
        _pages_without_javascript.add(page)
    return page


def javascript_enabled(page) -> bool:
    """False for pages opened by `open_page(javascript_enabled=False)`."""
    return page not in _pages_without_javascript
