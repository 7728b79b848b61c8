"""A procedure administrator builds, tests (preview), publishes and clones a procedure in
Chromium; adding a field and writing its condition are done with the keyboard only. Every
builder page passes axe-core."""

import re

import pytest
from django.conf import settings
from django.test import Client

from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core.testing.axe import assert_no_axe_violations
from motcua.procedures import selectors
from motcua.procedures.models import Procedure

from .factories import procedure_admin

FIELD_PAGE = re.compile(r".*/fields/f[0-9a-f]{11}/$")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(page_factory, live_server, user):
    client = force_verified_login(Client(), user)
    page = page_factory()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    return page


def _tab_to(page, selector: str, limit: int = 250) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def _choose_with_arrows(page, selector: str, value: str, limit: int = 80) -> None:
    """Change the focused <select> with the arrow keys until it holds `value`."""
    page.keyboard.press("Home")
    for _ in range(limit):
        if page.eval_on_selector(selector, "(el) => el.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} not reachable in {selector}")


def test_build_test_publish_and_clone_a_procedure(page_factory, live_server):
    agency = AgencyFactory(name_vi="UBND phường Điện Biên Phủ")
    page = _signed_in_page(page_factory, live_server, procedure_admin(agency))

    page.goto("/backoffice/procedures/")
    assert_no_axe_violations(page)
    page.click("main a[href$='/new/']")
    assert_no_axe_violations(page)
    page.select_option("#id_agency", str(agency.pk))
    page.fill("#id_name_vi", "Đăng ký kết hôn")
    page.check("input[name=level][value=partial_online]")
    page.fill("#id_deadline_amount", "1")
    page.check("input[name=applicant_kinds][value=citizen]")
    page.check("input[name=channels][value=online]")
    page.click("main form [type=submit]")
    page.wait_for_url(re.compile(r".*/backoffice/procedures/[0-9a-f-]{36}/$"))
    procedure = Procedure.objects.get()
    assert_no_axe_violations(page)

    # Keyboard only: add a yes/no question.
    _tab_to(page, "#id_type")
    _choose_with_arrows(page, "#id_type", "yes_no")
    page.keyboard.press("Tab")
    page.keyboard.type("Đã từng kết hôn?")
    page.keyboard.press("Enter")
    page.wait_for_url(FIELD_PAGE)
    assert_no_axe_violations(page)
    _tab_to(page, "main form button:not([name])")  # "Save the field"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf".*/backoffice/procedures/{procedure.public_id}/(#.*)?$"))

    # Keyboard only: add a file field shown only when the answer is yes.
    _tab_to(page, "#id_type")
    _choose_with_arrows(page, "#id_type", "file")
    page.keyboard.press("Tab")
    page.keyboard.type("Giấy tờ chứng minh đã ly hôn")
    page.keyboard.press("Enter")
    page.wait_for_url(FIELD_PAGE)
    source = selectors.get_draft(procedure=procedure).fields.get(type="yes_no")
    _tab_to(page, "#id_condition-n_0-field")
    _choose_with_arrows(page, "#id_condition-n_0-field", source.stable_id)
    page.keyboard.press("Tab")  # the test: "is" is already chosen
    page.keyboard.press("Tab")
    page.keyboard.type("true")
    page.keyboard.press("Enter")  # Enter in a text box submits the form
    page.wait_for_url(re.compile(rf".*/backoffice/procedures/{procedure.public_id}/(#.*)?$"))
    target = selectors.get_draft(procedure=procedure).fields.get(type="file")
    assert target.condition == {"op": "eq", "args": [{"var": source.stable_id}, {"const": True}]}
    assert_no_axe_violations(page)

    # Test: the preview shows both questions; then publish and clone.
    page.goto(f"/backoffice/procedures/{procedure.public_id}/preview/")
    assert page.locator(f"[name^='{source.stable_id}']").count() >= 1
    assert page.locator(f"[name='{target.stable_id}']").count() == 0  # hidden until the answer is yes
    page.check(f"input[name='{source.stable_id}'][value='true']")  # htmx re-renders the form on change
    page.wait_for_selector(f"[name='{target.stable_id}']")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Kiểm tra câu trả lời").click()
    page.wait_for_selector(".notice--success")  # nothing is required in this form: the answers are valid
    assert_no_axe_violations(page)
    page.goto(f"/backoffice/procedures/{procedure.public_id}/")
    page.click("form[action$='/publish/'] [type=submit]")
    page.wait_for_load_state()
    assert selectors.get_published(procedure=procedure).number == 1
    assert_no_axe_violations(page)
    page.click("form[action$='/clone/'] [type=submit]")
    page.wait_for_load_state()
    assert Procedure.objects.count() == 2
    assert_no_axe_violations(page)
    page.goto(f"/backoffice/procedures/{procedure.public_id}/changes/")
    assert_no_axe_violations(page)
    page.goto(f"/backoffice/procedures/{procedure.public_id}/close/")
    assert_no_axe_violations(page)
    page.goto(f"/backoffice/procedures/{procedure.public_id}/rules/")
    assert_no_axe_violations(page)
