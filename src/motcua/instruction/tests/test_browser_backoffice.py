"""The inbox and the staff dossier page in Chromium: a receiving officer opens the inbox, opens
a dossier and receives it; axe-core finds nothing on either page (with and without errors), at
desktop width and at 320 px (no horizontal scroll of the page)."""

import pytest
from django.conf import settings
from django.test import Client

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.core.testing.axe import assert_no_axe_violations
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import DossierState
from motcua.dossiers.models import Dossier
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
    waiting = submitted_dossier(procedure=procedure, applicant=CitizenFactory(full_name="Nguyễn Văn An"))
    dossier_services.send_message(actor=waiting.applicant, dossier=waiting, body="Tôi có cần mang bản gốc không?")
    dossier_services.send_message(actor=officer, dossier=waiting, body="Có, vui lòng mang bản gốc.")
    advance(submitted_dossier(procedure=procedure), "receive")
    return {"officer": officer, "waiting": waiting}


def test_a_receiving_officer_receives_a_dossier_from_the_inbox(page_factory, live_server, setup):
    waiting = setup["waiting"]
    page = _staff_page(page_factory, live_server, setup["officer"])

    page.goto(INBOX)
    assert page.locator('.tabs a[aria-current="page"]').get_attribute("href").endswith("?tab=to_receive")
    with page.expect_navigation():
        page.get_by_role("link", name=waiting.code).click()
    assert page.locator("h1").inner_text().endswith(waiting.code)

    page.fill("#id_receive-note", "Đã kiểm tra bản gốc.")
    with page.expect_navigation():
        page.locator("#receive button[type=submit]").click()

    assert page.locator(".messages .notice--success").is_visible()
    assert Dossier.objects.get(pk=waiting.pk).state == DossierState.RECEIVED
    assert page.locator("#receive").count() == 0  # nothing left to receive
    assert "Đã kiểm tra bản gốc." in page.locator(".timeline").inner_text()


@pytest.mark.parametrize("width", [None, 320], ids=["desktop", "320px"])
def test_inbox_and_dossier_page_have_no_axe_violations(page_factory, live_server, setup, width):
    waiting = setup["waiting"]
    page = _staff_page(page_factory, live_server, setup["officer"], width=width)
    paths = [INBOX, f"{INBOX}?tab=to_instruct", f"{INBOX}?tab=overdue", f"{INBOX}?q=Nguyễn", f"{INBOX}{waiting.public_id}/"]
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(page)
        if width:
            scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{path} is {scroll_width}px wide at {width}px"
    # The dossier page with errors: the supplement request sent empty.
    with page.expect_navigation():
        page.locator("#supplement button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert_no_axe_violations(page)
