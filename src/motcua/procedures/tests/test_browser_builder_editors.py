"""Keyboard only, in Chromium: a nested condition (any of: A, or B and C) built with the
condition editor's buttons, a formula typed as text on a calculated field (a mistake first,
kept with its message), then the procedure page's preview pane, refreshed after a move.
Every page passes axe-core."""

import re

import pytest
from django.conf import settings
from django.test import Client

from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core.testing.axe import assert_no_axe_violations
from motcua.procedures import selectors

from .factories import make_procedure, procedure_admin
from .test_browser_builder import _choose_with_arrows, _signed_in_page, _tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _press_and_wait(page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def _focused(page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector)


def test_nested_condition_and_formula_with_the_keyboard_then_the_preview(page_factory, live_server):
    agency = AgencyFactory()
    admin = procedure_admin(agency)
    procedure = make_procedure(agency=agency, actor=admin, name_vi="Hỗ trợ hộ gia đình", fields=[
        ("yes_no", "Hộ nghèo?", {}), ("integer", "Số con", {}), ("short_text", "Họ tên", {}),
        ("integer", "Số lượng", {}), ("money_vnd", "Đơn giá", {}),
        ("short_text", "Ghi chú", {}), ("calculated", "Thành tiền", {}),
    ])
    ids = {f.label_vi: f.stable_id for f in selectors.get_draft(procedure=procedure).fields.all()}
    detail = f"/backoffice/procedures/{procedure.public_id}/"
    page = _signed_in_page(page_factory, live_server, admin)

    # "Ghi chú" is shown when: any of (A: poor household) or (B: more than 2 children and C: name contains "an").
    page.goto(f"{detail}fields/{ids['Ghi chú']}/")
    assert_no_axe_violations(page)
    _tab_to(page, "#id_condition-n-mode")
    _choose_with_arrows(page, "#id_condition-n-mode", "any")
    page.keyboard.press("Tab")
    _choose_with_arrows(page, "#id_condition-n_0-field", ids["Hộ nghèo?"])
    page.keyboard.press("Tab")  # the test: "is" is already chosen
    page.keyboard.press("Tab")
    page.keyboard.type("true")
    _tab_to(page, "button[value='add_group:n']")
    _press_and_wait(page)
    assert _focused(page, "#id_condition-n_1-mode")  # the new group has the focus; "all of" is its default
    assert page.input_value("#id_condition-n_0-value") == "true"  # kept
    page.keyboard.press("Tab")
    _choose_with_arrows(page, "#id_condition-n_1_0-field", ids["Số con"])
    page.keyboard.press("Tab")
    _choose_with_arrows(page, "#id_condition-n_1_0-op", "gt")
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    _tab_to(page, "button[value='add_row:n_1']")
    _press_and_wait(page)
    assert _focused(page, "#id_condition-n_1_1-field")
    assert_no_axe_violations(page)
    _choose_with_arrows(page, "#id_condition-n_1_1-field", ids["Họ tên"])
    page.keyboard.press("Tab")
    _choose_with_arrows(page, "#id_condition-n_1_1-op", "contains")
    page.keyboard.press("Tab")
    page.keyboard.type("an")
    _press_and_wait(page)  # Enter in a text box presses "Save the field"
    page.wait_for_url(re.compile(rf".*{detail}(#.*)?$"))
    note = selectors.get_draft(procedure=procedure).fields.get(stable_id=ids["Ghi chú"])
    assert note.condition == {"op": "or", "args": [
        {"op": "eq", "args": [{"var": ids["Hộ nghèo?"]}, {"const": True}]},
        {"op": "and", "args": [{"op": "gt", "args": [{"var": ids["Số con"]}, {"const": 2}]},
                               {"op": "contains", "args": [{"var": ids["Họ tên"]}, {"const": "an"}]}]},
    ]}

    # The formula of "Thành tiền": a mistake first (kept, with where it is), then the right one.
    page.goto(f"{detail}fields/{ids['Thành tiền']}/")
    assert page.locator(".field-picker").get_by_text("{%s}" % ids["Số lượng"]).count() == 1
    _tab_to(page, "#id_formula-text")
    mistake = "{%s} * (2" % ids["Số lượng"]
    page.keyboard.type(mistake)
    _tab_to(page, "main form button:not([name])")  # "Save the field" (Enter in the box would add a line)
    _press_and_wait(page)
    assert page.input_value("#id_formula-text") == mistake
    assert str(mistake.index("(") + 1) in page.inner_text("#id_formula-text-error")  # where the bracket is opened
    assert_no_axe_violations(page)
    _tab_to(page, "#id_formula-text")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("{%s} * {%s} + 5000" % (ids["Số lượng"], ids["Đơn giá"]))
    _tab_to(page, "main form button:not([name])")
    _press_and_wait(page)
    page.wait_for_url(re.compile(rf".*{detail}(#.*)?$"))
    total = selectors.get_draft(procedure=procedure).fields.get(stable_id=ids["Thành tiền"])
    assert total.options["formula"]["op"] == "add"

    # The preview pane shows the form as an applicant first sees it, and follows a move.
    pane = page.locator("#preview-pane")
    assert pane.locator(f"[name='preview-{ids['Hộ nghèo?']}']").count() == 2  # yes / no
    assert pane.locator(f"[name='preview-{ids['Ghi chú']}']").count() == 0  # hidden until its condition holds
    assert pane.locator(f"#id_preview-{ids['Thành tiền']}").count() == 1
    assert_no_axe_violations(page)
    labels = pane.locator(".preview-field").all_inner_texts()
    assert labels[0].startswith("Hộ nghèo?")
    _tab_to(page, f"#move-up-{ids['Số con']}")
    page.evaluate("() => { window.sameDocument = true; }")
    page.keyboard.press("Enter")  # htmx: the list is swapped, the pane fetches itself again
    page.wait_for_function("() => document.querySelector('#preview-pane .preview-field').innerText.startsWith('Số con')")
    assert _focused(page, f"#move-up-{ids['Số con']}")  # the focus stays on the button
    assert page.evaluate("() => window.sameDocument === true")  # no page load
    assert_no_axe_violations(page)


def test_the_procedure_page_fits_a_narrow_screen_with_the_preview_below(page_factory, live_server):
    agency = AgencyFactory()
    admin = procedure_admin(agency)
    procedure = make_procedure(agency=agency, actor=admin, fields=[("short_text", "Họ tên", {}), ("date", "Ngày sinh", {})])
    client = force_verified_login(Client(), admin)
    page = page_factory(width=320)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])

    page.goto(f"/backoffice/procedures/{procedure.public_id}/")

    fields_box = page.locator(".builder-layout__fields").bounding_box()
    pane_box = page.locator("#preview-pane").bounding_box()
    assert pane_box["y"] >= fields_box["y"] + fields_box["height"]  # below the list
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(page)
