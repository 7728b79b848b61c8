"""What a browser page reports on its console: errors, uncaught exceptions, CSP violations.

`BrowserConsole` listens to every page of the contexts it is attached to. The `page` fixtures of
src/motcua/conftest.py attach one per test and fail the test when a Content-Security-Policy
violation was seen; tests call `assert_no_errors()` for the stricter check.

CSP violations are caught twice on purpose: Chromium logs them on the console ("Refused to ...
because it violates the following Content Security Policy directive"), and an init script reports
each `securitypolicyviolation` DOM event, which also covers violations Chromium only reports once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CSP_MARKER = "[csp-violation]"

# Runs before any script of the page, outside CSP (injected by DevTools, not by the document).
CSP_LISTENER_SCRIPT = (
    "document.addEventListener('securitypolicyviolation', (event) => {"
    f"  console.error('{CSP_MARKER} ' + event.effectiveDirective + ' blocked ' + (event.blockedURI || 'inline')"
    "    + ' at ' + event.sourceFile + ':' + event.lineNumber);"
    "}, true);"
)


@dataclass(frozen=True)
class ConsoleEntry:
    kind: str  # console message type ("error", "warning", ...) or "pageerror"
    text: str
    url: str  # the page's URL
    source: str = ""  # the script or resource the message is about, when the browser says

    def __str__(self) -> str:
        where = f"{self.url}, {self.source}" if self.source and self.source != self.url else self.url
        return f"[{self.kind}] {self.text} ({where})"

    @property
    def is_csp_violation(self) -> bool:
        return self.text.startswith(CSP_MARKER) or "Content Security Policy" in self.text

    @property
    def is_error(self) -> bool:
        return self.kind in {"error", "pageerror"}


@dataclass
class BrowserConsole:
    entries: list[ConsoleEntry] = field(default_factory=list)

    def attach(self, context) -> None:
        """Record the console of every page opened in this Playwright browser context."""
        context.add_init_script(script=CSP_LISTENER_SCRIPT)
        context.on("console", self._on_console)
        context.on("weberror", self._on_web_error)

    def _on_console(self, message) -> None:
        page_url = message.page.url if message.page else ""
        self.entries.append(ConsoleEntry(message.type, message.text, page_url, message.location.get("url", "")))

    def _on_web_error(self, web_error) -> None:
        page_url = web_error.page.url if web_error.page else ""
        self.entries.append(ConsoleEntry("pageerror", str(web_error.error), page_url))

    @property
    def csp_violations(self) -> list[ConsoleEntry]:
        return [entry for entry in self.entries if entry.is_csp_violation]

    @property
    def errors(self) -> list[ConsoleEntry]:
        return [entry for entry in self.entries if entry.is_error]

    def assert_no_csp_violations(self) -> None:
        violations = self.csp_violations
        assert not violations, "Content-Security-Policy violation(s):\n" + "\n".join(map(str, violations))

    def assert_no_errors(self, *, ignore: tuple[str, ...] = ()) -> None:
        """No console error nor uncaught exception, except those containing one of `ignore`."""
        errors = [entry for entry in self.errors if not any(part in entry.text for part in ignore)]
        assert not errors, "Browser console error(s):\n" + "\n".join(map(str, errors))
