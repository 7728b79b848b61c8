"""The inbox in Chromium: keyboard navigation between dossiers (js/inbox-keys.js: j/k, arrows,
Enter, "/"), and axe-core finding nothing on the inbox with its filters open, the column chooser
and the saved-filter page, at desktop width and at 320 px (no horizontal scroll of the page)."""

import pytest
from django.conf import settings
from django.test import Client

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.core.testing.axe import assert_no_axe_violations
from motcua.dossiers.tests.factories import published_procedure
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INBOX = "/backoffice/dossiers/"


def _staff_page(page_factory, live_server, user, **options):
    client = force_verified_login(Client(), user)
    page = page_factory(**options)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    return page


@pytest.fixture
def setup(db):
    procedure = published_procedure()
    officer = staff_of(procedure.agency, Role.RECEIVING_OFFICER)
    waiting = [submitted_dossier(procedure=procedure, applicant=CitizenFactory(full_name=name))
               for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")]
    advance(submitted_dossier(procedure=procedure), "receive")
    return {"officer": officer, "waiting": waiting, "procedure": procedure}


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement.textContent.trim()")


def test_keys_move_between_dossiers_and_enter_opens_one(page_factory, live_server, setup):
    codes = [d.code for d in setup["waiting"]]
    page = _staff_page(page_factory, live_server, setup["officer"])
    page.goto(f"{INBOX}?tab=to_receive")

    page.keyboard.press("j")
    assert _focused(page) == codes[0]
    page.keyboard.press("j")
    page.keyboard.press("ArrowDown")
    assert _focused(page) == codes[2]
    page.keyboard.press("j")  # stays on the last one
    assert _focused(page) == codes[2]
    page.keyboard.press("k")
    page.keyboard.press("ArrowUp")
    assert _focused(page) == codes[0]

    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.type") == "search"
    page.keyboard.type("jk")  # typing in the search box is typing, not moving
    assert page.locator('input[type="search"]').input_value() == "jk"

    page.locator("a.dossier-code").nth(1).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text().endswith(codes[1])


def test_the_shortcuts_are_documented_and_the_list_works_without_javascript(page_factory, live_server, setup):
    page = _staff_page(page_factory, live_server, setup["officer"], javascript_enabled=False)
    page.goto(f"{INBOX}?tab=to_receive")

    page.locator(".inbox-help > summary").click()
    assert page.locator(".inbox-help kbd").count() >= 4
    assert page.locator(".inbox-help kbd").first.is_visible()
    page.locator(".inbox-filters__more > summary").click()
    page.select_option("#id_state", "received")
    with page.expect_navigation():
        page.locator(".inbox-filters__more button[type=submit]").click()
    assert "state=received" in page.url and "tab=to_receive" in page.url
    assert page.locator("a.dossier-code").count() == 0  # none received in "To receive"


@pytest.mark.parametrize("width", [None, 320], ids=["desktop", "320px"])
def test_inbox_pages_have_no_axe_violations(page_factory, live_server, setup, width):
    procedure = setup["procedure"]
    page = _staff_page(page_factory, live_server, setup["officer"], width=width)
    paths = [
        f"{INBOX}?tab=to_receive&channel=online&procedure={procedure.pk}",  # filters open, active filters listed
        f"{INBOX}?tab=to_receive&submitted_from=31/02/2026",  # an error in the summary and next to the field
        f"{INBOX}columns/?next=tab%3Dto_receive",
        f"{INBOX}saved-filters/?tab=to_receive&channel=online",
    ]
    for path in paths:
        response = page.goto(path)
        assert response.status in (200, 400), path
        assert_no_axe_violations(page)
        if width:
            scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{path} is {scroll_width}px wide at {width}px"
