"""The whole citizen filing path in Chromium, on the demo's building permit: find the procedure
without accents, start a dossier for oneself, fill the three steps (a co-owner row, the commune
picker, the map, two PDF files, the declaration), check the summary, submit, then see the dossier
code and download the receipt. Once with JavaScript (axe-core on every page), once without; and a
step at 320 px without horizontal scroll."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from motcua.accounts.tests.factories import CitizenFactory
from motcua.core.testing.axe import assert_no_axe_violations
from motcua.demo import services as demo_services
from motcua.procedures.models import Procedure

from .. import services
from ..constants import DossierState
from ..models import Dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERMIT = "Cấp giấy phép xây dựng nhà ở riêng lẻ"
DIEN_BIEN_PHU = "03127"  # Phường Điện Biên Phủ, Điện Biên
CO_OWNERS = [("Quàng Thị Hoa", "011192003586"), ("Nguyễn Minh Đức", "011201007349")]  # demo citizens
CORNERS = ["21.386120, 103.017410", "21.386120, 103.017650", "21.385900, 103.017650", "21.385900, 103.017410"]
CODE = re.compile(r"[A-Z0-9.]+-\d{6}-\d{4}")
# A transparent 1x1 PNG: the map's tile server is answered locally (tests never leave the machine).
BLANK_TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c"
    "6360000002000001e221bc330000000049454e44ae426082"
)


def _pdf(title: str) -> bytes:
    """A small valid one-page PDF (cross-reference offsets computed)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
    ]
    stream = f"BT /F1 12 Tf 20 100 Td ({title}) Tj ET".encode()
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _t(message: str) -> str:
    """`message` as the pages show it: in Vietnamese, the default language (the msgid until translated)."""
    with translation.override("vi"):
        return translation.gettext(message)


@pytest.fixture
def citizen(db):
    """The demo loaded, and its first citizen (Lò Văn Thành) as the OpenID Connect backend creates him."""
    demo_services.load_demo()
    demo = demo_services.CITIZENS[0]
    return CitizenFactory(full_name=demo.full_name, personal_id=demo.personal_id, birth_date=demo.birth_date,
                          gender=demo.gender, phone=demo.phone, email=demo.email)


# The step's form is saved by htmx 400 ms after each change (_step_form.html: hx-trigger "change
# delay:400ms"), then replaced by the server's rendering. The tests let each save finish before the
# next action: a value typed meanwhile would be replaced, and the live server's in-memory SQLite
# refuses two concurrent writes ("database table is locked"). The init script notes the last change.
LAST_CHANGE_SCRIPT = "window.__lastChange = -1e9; document.addEventListener('change', () => { window.__lastChange = performance.now(); }, true);"
SETTLED = """() => performance.now() - window.__lastChange > 500
                 && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"""


def _signed_in_page(page_factory, live_server, user, **options):
    """A page whose browser holds a session of `user` (as after signing in with the identity provider)."""
    client = Client()
    client.force_login(user)
    page = page_factory(**options)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    page.context.add_init_script(script=LAST_CHANGE_SCRIPT)
    page.context.route(re.compile(r"^https://tile\.openstreetmap\.org/"),
                       lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_TILE))
    return page


def _settle(page) -> None:
    """Wait until the autosave a change scheduled was sent and the form put back (at once when
    nothing changed in the last half second)."""
    page.wait_for_function(SETTLED, polling=100)


def _submit(page, name: str, *, javascript: bool) -> None:
    """Press the form button `name` (a full page load); with JavaScript, axe checks the new page."""
    if javascript:
        _settle(page)
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()
    _assert_no_error_summary(page)
    if javascript:
        assert_no_axe_violations(page)


def _assert_no_error_summary(page) -> None:
    summary = page.locator(".error-summary")
    if summary.count():
        links = [link.get_attribute("href") for link in summary.locator("a").all()]
        raise AssertionError(f"{page.url} shows errors: {summary.inner_text()} {links}")


def _find_and_start(page, *, javascript: bool) -> None:
    response = page.goto("/procedures/")
    assert response.status == 200
    if javascript:
        assert_no_axe_violations(page)
    page.get_by_label(_t("Procedure name, subject or code")).fill("xay dung")
    _submit(page, _t("Search"), javascript=javascript)
    assert "q=xay+dung" in page.url

    with page.expect_navigation():
        page.get_by_role("link", name=PERMIT, exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == PERMIT
    if javascript:
        assert_no_axe_violations(page)

    with page.expect_navigation() as start:
        page.get_by_role("button", name=_t("Apply online")).click()
    # The procedure page's button posts to the start page: it must come as a form to fill, not
    # as a refused one ("This field is required" before anything was chosen).
    assert start.value.status == 200
    _assert_no_error_summary(page)
    if javascript:
        assert_no_axe_violations(page)
    page.get_by_label(_t("For myself")).check()
    _submit(page, _t("Start the dossier"), javascript=javascript)
    assert re.search(r"/dossiers/[0-9a-f-]+/steps/0/$", page.url)


def _choose_commune(page, scope, *, javascript: bool) -> None:
    """The commune of an address: typed without accents in the combobox when combobox.js enhanced
    the select, chosen in the select otherwise."""
    label = _t("Commune or ward")
    if javascript:
        combobox = scope.get_by_role("combobox", name=label)
        combobox.press_sequentially("dien bien phu")
        page.get_by_role("listbox").get_by_role("option", name=re.compile("^Phường Điện Biên Phủ")).click()
        _settle(page)
        assert scope.get_by_role("combobox", name=label).input_value().startswith("Phường Điện Biên Phủ")
    else:
        scope.get_by_label(label).select_option(DIEN_BIEN_PHU)


def _fill_owner_step(page, *, javascript: bool) -> None:
    assert page.get_by_role("heading", level=1).inner_text() == "Chủ đầu tư"
    owner = page.locator("#item-owner_residence")
    _choose_commune(page, owner, javascript=javascript)
    page.get_by_label("Họ, chữ đệm, tên của chủ đầu tư").fill("Lò Văn Thành")
    page.get_by_label("Ngày, tháng, năm sinh của chủ đầu tư").fill("12/03/1985")
    page.get_by_label("Số định danh cá nhân của chủ đầu tư").fill("011085004217")
    owner.get_by_label(_t("House number and street, hamlet or village")).fill("Số 15, tổ dân phố 3")
    page.get_by_label("Điện thoại").fill("0912345671")

    # Co-owners: "Add a row" is a plain submit button, with or without JavaScript. The block shows
    # one empty row before any is added (rendering.row_count), so there may be two: each gets a co-owner.
    _submit(page, _t("Add a row"), javascript=javascript)
    rows = page.locator("#item-co_owners .repeat-row")
    assert 1 <= rows.count() <= len(CO_OWNERS)
    assert page.get_by_label("Họ, chữ đệm, tên của chủ đầu tư").input_value() == "Lò Văn Thành"  # kept
    for index in range(rows.count()):
        name, personal_id = CO_OWNERS[index]
        rows.nth(index).get_by_label("Họ, chữ đệm, tên").fill(name)
        rows.nth(index).get_by_label("Số định danh cá nhân").fill(personal_id)
    _submit(page, _t("Save and continue"), javascript=javascript)


def _fill_plot_step(page, *, javascript: bool) -> None:
    assert page.get_by_role("heading", level=1).inner_text() == "Thửa đất"
    _choose_commune(page, page.locator("#item-plot_address"), javascript=javascript)
    page.get_by_label("Số thửa").fill("125")
    page.get_by_label("Tờ bản đồ số").fill("17")
    page.get_by_label("Số giấy chứng nhận quyền sử dụng đất").fill("dg123456")  # upper-cased
    page.locator("#item-plot_address").get_by_label(_t("House number and street, hamlet or village")).fill("Tổ dân phố 5")
    page.get_by_label("Diện tích thửa đất").fill("120,5")
    coordinates = page.get_by_label(_t("Coordinates"))
    if javascript:
        _settle(page)
        _draw_area(page)
        assert len(coordinates.input_value().splitlines()) == 3
        assert page.get_by_label(_t("Kind of place")).input_value() == "Polygon"
    else:
        page.get_by_label(_t("Kind of place")).select_option("Polygon")
        coordinates.fill("\n".join(CORNERS))
    _submit(page, _t("Save and continue"), javascript=javascript)


def _draw_area(page) -> None:
    """Three corners drawn with Leaflet-Geoman's area tool (map-field.js), the first clicked again to close it."""
    container = page.locator(".leaflet-container")
    container.wait_for()
    page.locator(".leaflet-pm-toolbar .leaflet-pm-icon-polygon").click()
    container.scroll_into_view_if_needed()
    box = container.bounding_box()
    # Around the middle: inside the accepted box (Vietnam) whatever the map's width, away from the
    # tool's own buttons (Finish, Cancel...).
    corners = [(0.45, 0.5), (0.6, 0.5), (0.52, 0.65)]
    for x, y in [*corners, corners[0]]:
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y, steps=4)
        page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)


def _fill_building_step(page, *, javascript: bool) -> None:
    assert page.get_by_role("heading", level=1).inner_text() == "Công trình"
    page.get_by_label("Diện tích xây dựng tầng 1").fill("60")
    page.get_by_label("Số tầng").fill("3")
    page.get_by_label("Chiều cao công trình").fill("11,5")
    land_certificate = page.get_by_label("Bản sao giấy chứng nhận quyền sử dụng đất")
    drawings = page.get_by_label("Bản vẽ thiết kế")
    files = {
        land_certificate: [{"name": "giay-chung-nhan.pdf", "mimeType": "application/pdf", "buffer": _pdf("GCN DG123456")}],
        drawings: [{"name": "mat-bang.pdf", "mimeType": "application/pdf", "buffer": _pdf("Mat bang")},
                   {"name": "mat-dung.pdf", "mimeType": "application/pdf", "buffer": _pdf("Mat dung")}],
    }
    if javascript:
        _settle(page)
        for control, chosen in files.items():  # htmx sends each file as soon as it is chosen
            control.set_input_files(chosen)
            _settle(page)
        for name in ("giay-chung-nhan.pdf", "mat-bang.pdf", "mat-dung.pdf"):
            assert page.locator(".file-upload__list", has_text=name).count() == 1
        # The calculated density: 60 m² on 120.5 m².
        assert page.locator("#id_density").inner_text().strip().startswith("49,8")
    else:
        for control, chosen in files.items():
            control.set_input_files(chosen)
    page.get_by_label(_t("I have read and I accept this declaration.")).check()
    _submit(page, _t("Continue to the summary"), javascript=javascript)


def _check_summary_and_submit(page, *, javascript: bool) -> str:
    assert page.url.endswith("/summary/")
    text = page.locator("main").inner_text()
    for expected in ("Lò Văn Thành", CO_OWNERS[0][0], "DG123456", "giay-chung-nhan.pdf", "mat-bang.pdf"):
        assert expected in text, expected
    _submit(page, _t("Submit the dossier"), javascript=javascript)
    assert re.search(r"/dossiers/[0-9a-f-]+/track/\?submitted=1$", page.url)
    code = page.locator(".dossier-code").inner_text()
    assert CODE.fullmatch(code), code
    assert code in page.get_by_role("heading", level=1).inner_text()
    return code


def _download_receipt(page) -> None:
    link = page.get_by_role("link", name=_t("Download the receipt (PDF)"))
    assert link.count() == 1, "no receipt link on the tracking page (the receipt task ran at submission)"
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def _assert_stored(citizen, code: str) -> None:
    dossier = Dossier.objects.get(applicant=citizen)
    assert dossier.code == code and dossier.state == DossierState.SUBMITTED
    assert dossier.values["owner_personal_id"] == "011085004217"
    assert dossier.values["co_owners"][0] == {"co_owner_name": CO_OWNERS[0][0], "co_owner_personal_id": CO_OWNERS[0][1]}
    assert dossier.values["plot_address"]["commune_code"] == DIEN_BIEN_PHU
    assert dossier.values["plot_shape"]["type"] == "Polygon"
    assert dossier.values["land_certificate"] == "DG123456"
    assert [item["name"] for item in dossier.values["drawings"]] == ["mat-bang.pdf", "mat-dung.pdf"]
    assert dossier.values["declaration"]["accepted"] is True


def test_citizen_files_the_building_permit_with_javascript(page_factory, live_server, citizen, browser_console):
    page = _signed_in_page(page_factory, live_server, citizen)

    _find_and_start(page, javascript=True)
    _fill_owner_step(page, javascript=True)
    _fill_plot_step(page, javascript=True)
    _fill_building_step(page, javascript=True)
    code = _check_summary_and_submit(page, javascript=True)
    _download_receipt(page)

    _assert_stored(citizen, code)
    browser_console.assert_no_errors()


def test_citizen_files_the_building_permit_without_javascript(page_factory, live_server, citizen):
    page = _signed_in_page(page_factory, live_server, citizen, javascript_enabled=False)

    _find_and_start(page, javascript=False)
    _fill_owner_step(page, javascript=False)
    _fill_plot_step(page, javascript=False)
    _fill_building_step(page, javascript=False)
    code = _check_summary_and_submit(page, javascript=False)
    _download_receipt(page)

    _assert_stored(citizen, code)


def test_step_has_no_horizontal_scroll_at_320px(page_factory, live_server, citizen):
    procedure = Procedure.objects.get(name_vi=PERMIT)
    dossier = services.start_dossier(actor=citizen, procedure=procedure)
    page = _signed_in_page(page_factory, live_server, citizen, width=320)
    for step in range(3):
        response = page.goto(f"/dossiers/{dossier.public_id}/steps/{step}/")
        assert response.status == 200
        if step == 1:
            page.locator(".leaflet-container").wait_for()  # the map is part of the width
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"step {step + 1} is {width}px wide at 320px"
