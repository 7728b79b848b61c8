"""Portal pages in Chromium: language, accessibility (axe-core, keyboard, focus), 320 px reflow."""

import pytest
from django.utils import translation

from motcua.core.testing.axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE_SELECT = "form.language-switcher select[name=language]"
LANGUAGE_SUBMIT = "form.language-switcher [type=submit]"


def _translated(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def _choose_language(page, code: str) -> None:
    page.select_option(LANGUAGE_SELECT, code)
    with page.expect_navigation():
        page.click(LANGUAGE_SUBMIT)


def test_home_is_in_vietnamese_and_accessible_when_opened_first(page, browser_console):
    page.goto("/")

    assert page.get_attribute("html", "lang") == "vi"
    heading = page.get_by_role("heading", level=1)
    assert heading.is_visible()
    assert heading.inner_text() == _translated("vi", "Online public services")
    assert_no_axe_violations(page)
    browser_console.assert_no_errors()


@pytest.mark.parametrize("javascript_enabled", [True, False], ids=["js", "no-js"])
def test_language_switcher_changes_the_page_language_when_a_language_is_chosen(page_factory, javascript_enabled):
    page = page_factory(javascript_enabled=javascript_enabled)
    page.goto("/agencies/")

    _choose_language(page, "en")

    assert page.get_attribute("html", "lang") == "en"
    assert page.url.endswith("/agencies/")  # back on the page where the language was chosen
    assert page.input_value(LANGUAGE_SELECT) == "en"
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Online public services"

    _choose_language(page, "fr")

    assert page.get_attribute("html", "lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == _translated("fr", "Online public services")
    page.reload()
    assert page.get_attribute("html", "lang") == "fr"  # remembered by the cookie
    if javascript_enabled:  # axe-core is JavaScript: it checks the same French page in the other run
        assert_no_axe_violations(page)


@pytest.mark.parametrize("path", ["/", "/agencies/"])
def test_page_has_no_horizontal_scroll_when_the_viewport_is_320px(page_factory, path):
    page = page_factory(width=320)
    page.goto(path)

    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 320, f"{path} is {scroll_width}px wide at a 320px viewport"
    assert_no_axe_violations(page)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main_when_activated(page):
    page.goto("/")

    page.keyboard.press("Tab")

    focused = page.evaluate("() => ({cls: document.activeElement.className, href: document.activeElement.getAttribute('href')})")
    assert focused == {"cls": "skip-link", "href": "#main"}
    assert page.locator(".skip-link").is_visible()  # shown on focus, not only to screen readers
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'main'")


def test_every_tab_stop_shows_a_focus_indicator_when_reached_with_the_keyboard(page):
    page.goto("/")
    seen = []

    for _ in range(40):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return null;
                const style = getComputedStyle(el);
                return {
                    label: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + (el.textContent || '').trim().slice(0, 40),
                    outline: style.outlineStyle,
                    outlineWidth: parseFloat(style.outlineWidth),
                    shadow: style.boxShadow,
                    focusVisible: el.matches(':focus-visible'),
                };
            }"""
        )
        if state is None or (seen and state["label"] == seen[0]["label"]):
            break
        seen.append(state)

    assert len(seen) >= 5, seen  # skip link, brand, language form, menu, sign-in at least
    invisible = [s["label"] for s in seen if not s["focusVisible"] or s["outline"] == "none" or s["outlineWidth"] < 2]
    assert not invisible, f"no visible focus indicator on: {invisible}"
