"""The commune picker and the map field, enhanced by JavaScript on the builder's test page
(static/js/combobox.js, static/js/map-field.js): found without accents, chosen with the keyboard,
drawn with the mouse; the form posts what the plain widgets post, and axe finds nothing."""

import re

import pytest
from django.conf import settings
from django.test import Client

from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.selectors import admin_unit_codes
from motcua.agencies.tests.factories import AgencyFactory
from motcua.agencies.services import load_admin_units
from motcua.core.testing.axe import assert_no_axe_violations

from .factories import make_procedure, procedure_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIEN_BIEN_PHU = "03127"  # Phường Điện Biên Phủ, Điện Biên (Decision 19/2025/QĐ-TTg)
# A transparent 1x1 PNG: the tile server is answered locally (tests never leave the machine).
BLANK_TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c"
    "6360000002000001e221bc330000000049454e44ae426082"
)


@pytest.fixture
def units():
    admin_unit_codes.cache_clear()
    load_admin_units()
    admin_unit_codes.cache_clear()
    yield
    admin_unit_codes.cache_clear()


@pytest.fixture
def preview(units):
    agency = AgencyFactory()
    admin = procedure_admin(agency)
    procedure = make_procedure(agency=agency, actor=admin, fields=[
        ("commune", "Phường, xã nơi cư trú", {"required": True}),
        ("map", "Vị trí thửa đất", {"required": True}),
        ("address", "Địa chỉ liên hệ", {}),  # optional: its commune part is a second combobox
    ])
    fields = {f.type: f.stable_id for f in procedure.revisions.get().fields.all()}
    return admin, f"/backoffice/procedures/{procedure.public_id}/preview/", fields


def _form_data(body: str) -> dict[str, list[str]]:
    """The fields of a multipart/form-data body (the test form's encoding)."""
    data: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="([^"]+)"\r\n\r\n(.*?)\r\n--', body, flags=re.S):
        data.setdefault(name, []).append(value)
    return data


def _click_map(page, x: float, y: float) -> None:
    """Click the map at a fraction of its width and height, moving there first: Geoman places
    the point where its hint marker, which follows the mouse, is."""
    page.locator(".leaflet-container").scroll_into_view_if_needed()
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y, steps=4)
    page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)


def _signed_in_page(page_factory, live_server, user, **options):
    client = force_verified_login(Client(), user)
    page = page_factory(**options)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    page.context.route(re.compile(r"^https://tile\.openstreetmap\.org/"),
                       lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_TILE))
    return page


def test_commune_found_without_accents_is_chosen_with_the_keyboard_and_posted(page_factory, live_server, preview):
    admin, url, fields = preview
    page = _signed_in_page(page_factory, live_server, admin)
    page.goto(url)
    combobox = page.get_by_role("combobox", name="Phường, xã nơi cư trú")
    select = page.locator(f"select[name='{fields['commune']}']")
    assert select.is_hidden()  # the select stays in the form, out of sight and of the accessibility tree
    assert page.evaluate("() => window.motcuaCombobox.fold('Đặc khu Phú Quốc')") == "dac khu phu quoc"

    combobox.focus()
    page.keyboard.type("dien bien phu")
    listbox = page.get_by_role("listbox")
    listbox.get_by_role("option", name=re.compile("^Phường Điện Biên Phủ")).wait_for()
    assert combobox.get_attribute("aria-expanded") == "true"
    page.wait_for_function("() => /\\d/.test(document.querySelector('.combobox [role=status]').textContent)")
    assert_no_axe_violations(page)

    page.keyboard.press("ArrowDown")
    active = combobox.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").inner_text().startswith("Phường Điện Biên Phủ")
    with page.expect_response(lambda r: r.request.method == "POST"):  # htmx re-renders the form on change
        page.keyboard.press("Enter")
    page.wait_for_function("(name) => document.querySelector(`select[name='${name}']`).hasAttribute('data-combobox-enhanced')",
                           arg=fields["commune"])
    assert select.input_value() == DIEN_BIEN_PHU
    assert combobox.input_value() == "Phường Điện Biên Phủ, Điện Biên"
    assert page.evaluate("() => document.activeElement.getAttribute('role')") == "combobox"  # focus kept across the swap

    # Down opens the list again, Escape closes it without changing the choice.
    page.keyboard.press("ArrowDown")
    assert combobox.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert combobox.get_attribute("aria-expanded") == "false" and listbox.is_hidden()
    assert combobox.input_value() == "Phường Điện Biên Phủ, Điện Biên"

    # The map: point mode, a click on the map writes the coordinates.
    page.locator(".leaflet-container").wait_for()
    page.locator(".leaflet-pm-toolbar .leaflet-pm-icon-marker").click()
    _click_map(page, 0.5, 0.5)
    coordinates = page.locator(f"textarea[name='{fields['map']}']")
    assert re.fullmatch(r"-?\d+\.\d{6}, -?\d+\.\d{6}", coordinates.input_value())
    assert page.locator(f"select[name='{fields['map']}__kind']").input_value() == "Point"
    assert_no_axe_violations(page)

    with page.expect_request(lambda r: r.method == "POST" and "hx-request" not in r.headers) as posted:
        page.locator("#test-form form button[type=submit]:not([name])").click()
    data = _form_data(posted.value.post_data)
    assert data[fields["commune"]] == [DIEN_BIEN_PHU]
    assert re.fullmatch(r"-?\d+\.\d{6}, -?\d+\.\d{6}", data[fields["map"]][0])
    page.wait_for_selector(".notice--success")  # both answers are valid
    assert select.input_value() == DIEN_BIEN_PHU
    assert combobox.input_value() == "Phường Điện Biên Phủ, Điện Biên"
    assert coordinates.input_value() == data[fields["map"]][0]
    page.locator(".leaflet-marker-icon").wait_for()  # the kept point is drawn again
    assert_no_axe_violations(page)


def test_map_draws_an_area_and_redraws_typed_coordinates(page_factory, live_server, preview):
    admin, url, fields = preview
    page = _signed_in_page(page_factory, live_server, admin, width=320)
    page.goto(url)
    page.locator(".leaflet-container").wait_for()
    page.locator(".leaflet-pm-toolbar .leaflet-pm-icon-polygon").click()
    # Below the tool's own buttons (Finish, Cancel...) and above the attribution, whose links
    # (OpenStreetMap...) wrap onto two lines at 320 px and would leave the page.
    corners = [(0.5, 0.55), (0.85, 0.55), (0.7, 0.78)]
    for x, y in corners + corners[:1]:  # clicking the first corner again closes the area
        _click_map(page, x, y)
    coordinates = page.locator(f"textarea[name='{fields['map']}']")
    assert len(coordinates.input_value().splitlines()) == 3
    assert page.locator(f"select[name='{fields['map']}__kind']").input_value() == "Polygon"

    # Typed coordinates are drawn: a point in Hà Nội.
    # The kind's change re-renders the test form (htmx): wait for that response and the swap
    # before typing, or the swap could replace what was typed.
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.select_option(f"select[name='{fields['map']}__kind']", "Point")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
    page.locator(".leaflet-container").wait_for()
    coordinates.fill("21.0285, 105.8542")
    page.locator(".leaflet-marker-icon").wait_for()
    assert page.locator(".leaflet-interactive").count() == 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    assert_no_axe_violations(page)


def test_without_javascript_the_plain_select_and_coordinates_remain(page_factory, live_server, preview):
    admin, url, fields = preview
    page = _signed_in_page(page_factory, live_server, admin, javascript_enabled=False)
    page.goto(url)
    assert page.locator(f"select[name='{fields['commune']}']").is_visible()
    assert page.get_by_role("combobox", name="Phường, xã nơi cư trú").count() == 1  # the <select> itself
    assert page.locator("input[role=combobox]").count() == 0
    assert page.locator(".leaflet-container").count() == 0
    assert page.locator(f"textarea[name='{fields['map']}']").is_visible()
    page.select_option(f"select[name='{fields['commune']}']", DIEN_BIEN_PHU)
    page.fill(f"textarea[name='{fields['map']}']", "21.0285, 105.8542")
    page.locator("#test-form form button[type=submit]:not([name])").click()
    page.wait_for_selector(".notice--success")
    assert page.locator(f"select[name='{fields['commune']}']").input_value() == DIEN_BIEN_PHU
