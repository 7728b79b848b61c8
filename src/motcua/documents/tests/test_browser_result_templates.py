"""A procedure administrator writes a result template in Chromium: the pages pass axe-core, fit a
320 px screen, work without JavaScript, and a mistyped placeholder comes back with its message
and the text as typed."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core.testing.axe import assert_no_axe_violations
from motcua.documents.models import ResultTemplate
from motcua.procedures.tests.factories import make_procedure, procedure_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(page_factory, live_server, user, **options):
    client = force_verified_login(Client(), user)
    page = page_factory(**options)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    return page


@pytest.mark.parametrize("options", [{}, {"width": 320}, {"width": 320, "javascript_enabled": False}],
                         ids=["desktop", "phone", "phone-no-js"])
def test_write_a_result_template_from_the_builder(page_factory, live_server, options):
    agency = AgencyFactory()
    admin = procedure_admin(agency)
    procedure = make_procedure(actor=admin, agency=agency, fields=(("short_text", "Họ và tên", {"stable_id": "ho_ten"}),))
    page = _signed_in_page(page_factory, live_server, admin, **options)
    # axe-core needs JavaScript: the page without it is checked for what it does, not by axe.
    check = assert_no_axe_violations if options.get("javascript_enabled", True) else (lambda page: None)

    page.goto(reverse("builder:procedure-detail", args=[procedure.public_id]))
    page.click("main a[href$='/result-templates/']")
    assert page.locator("h1").count() == 1
    check(page)
    page.click("main a[href$='/result-templates/accepted/']")
    check(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    typed = "Ông/Bà [field:ho_ten] — [dossier.cod]"
    page.fill("#id_body", typed)
    page.click("main form button.button:not(.button--secondary)")

    assert page.locator(".error-summary").count() == 1
    assert "[dossier.cod]" in page.locator(".error-summary").inner_text()
    assert page.input_value("#id_body") == typed
    check(page)
    assert not ResultTemplate.objects.exists()

    page.fill("#id_body", "Ông/Bà [field:ho_ten] — [dossier.code]")
    page.click("main form button.button:not(.button--secondary)")
    assert page.url.endswith(f"/backoffice/procedures/{procedure.public_id}/result-templates/")
    assert ResultTemplate.objects.get().body == "Ông/Bà [field:ho_ten] — [dossier.code]"
