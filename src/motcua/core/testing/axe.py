"""Accessibility checks with axe-core, injected in a Playwright page.

Entry point: `assert_no_axe_violations(page, context=None)`. It runs the WCAG 2.0 and 2.1 level A and
AA rules plus axe's best-practice rules, and fails listing each violation (id, impact, help, targets).

axe-core comes from npm (`node_modules/axe-core/axe.min.js`, installed by `npm ci`), never vendored.
Our Content-Security-Policy forbids inline scripts, so `page.add_script_tag(content=...)` would be
blocked: the script text is evaluated through the DevTools protocol (`page.evaluate`), which CSP does
not govern. The page itself keeps its CSP, so a page that depends on inline code still breaks.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from .browser import javascript_enabled

AXE_PATH = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.0/2.1 A and AA: the bar DESIGN.md §8 sets for every page. best-practice adds the
# structural rules that make a page usable with a keyboard or a screen reader though WCAG does not
# name them: one main landmark, content inside landmarks, an h1, no skipped heading levels, unique
# landmark names, a skip link whose target exists. They are stable (not "experimental") and cheap.
DEFAULT_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")

_RUN_AXE = """
async ([context, options]) => {
  const results = await window.axe.run(context || document, options);
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({target: node.target, summary: node.failureSummary || ""})),
  }));
}
"""


@cache
def _axe_source() -> str:
    if not AXE_PATH.exists():
        raise AssertionError(f"axe-core is missing ({AXE_PATH}): run `npm ci` (or `make test`) at the repository root.")
    return AXE_PATH.read_text(encoding="utf-8")


def inject_axe(page) -> None:
    """Load axe-core in the page unless it is already there (once per document)."""
    if page.evaluate("() => typeof window.axe !== 'undefined'"):
        return
    # Evaluated as a script body, not as a function: axe's UMD wrapper then defines window.axe.
    page.evaluate(_axe_source() + "\n;undefined")


def axe_violations(page, *, context: Any = None, tags: tuple[str, ...] = DEFAULT_TAGS) -> list[dict]:
    """The violations axe-core finds in the page (or in `context`: a selector or axe context object)."""
    if not javascript_enabled(page):
        # With scripts disabled the page's timers never fire and axe.run() would wait forever.
        raise AssertionError(
            "axe-core cannot run in a page opened with javascript_enabled=False: "
            "check the same page from a page with JavaScript on."
        )
    inject_axe(page)
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    return page.evaluate(_RUN_AXE, [context, options])


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            target = " ".join(" >>> ".join(part) if isinstance(part, list) else part for part in node["target"])
            lines.append(f"    {target}")
            for summary_line in node["summary"].splitlines():
                if summary_line.strip():
                    lines.append(f"      {summary_line.strip()}")
    return "\n".join(lines)


def assert_no_axe_violations(page, *, context: Any = None, tags: tuple[str, ...] = DEFAULT_TAGS) -> None:
    """Fail listing every axe-core violation of the page as it is now (call it after each navigation
    or significant change: a new document needs a new check)."""
    violations = axe_violations(page, context=context, tags=tags)
    if violations:
        raise AssertionError(
            f"{len(violations)} axe-core violation(s) on {page.url}"
            f"{f' in {context!r}' if context else ''}:\n{format_violations(violations)}"
        )
