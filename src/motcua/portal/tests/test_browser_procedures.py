"""The catalogue and procedure pages in Chromium, with the demo procedures: axe-core at desktop
width and at 320 px (no horizontal scroll), and the search without JavaScript."""

import pytest

from motcua.core.testing.axe import assert_no_axe_violations
from motcua.demo import services as demo_services
from motcua.procedures import services as procedure_services
from motcua.procedures.models import Procedure
from motcua.procedures.tests.factories import procedure_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_paths(db):
    """Catalogue states and procedure pages of the demo, one of them closed and replaced."""
    demo_services.load_demo()
    birth = Procedure.objects.get(name_vi="Đăng ký khai sinh")
    permit = Procedure.objects.get(name_vi="Cấp giấy phép xây dựng nhà ở riêng lẻ")
    marriage = Procedure.objects.get(name_vi="Đăng ký kết hôn")
    business = Procedure.objects.get(name_vi="Đăng ký thành lập hộ kinh doanh")
    procedure_services.close_procedure(actor=procedure_admin(business.agency), procedure=business, successor=marriage)
    return [
        "/procedures/",
        "/procedures/?q=khai+sinh",
        "/procedures/?q=zzzz",  # empty state
        "/procedures/?life_event=birth",
        "/procedures/?sector=NOPE",  # error summary
        f"/procedures/{birth.public_id}/",
        f"/procedures/{permit.public_id}/",  # partly online, three documents
        f"/procedures/{business.public_id}/",  # replaced
    ]


@pytest.mark.parametrize("width", [None, 320], ids=["desktop", "320px"])
def test_catalogue_and_procedure_pages_have_no_axe_violations_and_no_horizontal_scroll(page_factory, demo_paths, width):
    page = page_factory(width=width)
    for path in demo_paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(page)
        if width:
            scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{path} is {scroll_width}px wide at {width}px"


def test_citizen_finds_a_procedure_without_javascript_when_typing_without_accents(page_factory, demo_paths):
    page = page_factory(javascript_enabled=False)
    page.goto("/")

    page.fill("#home-q", "khai sinh")
    with page.expect_navigation():
        page.press("#home-q", "Enter")

    assert "/procedures/?q=khai+sinh" in page.url
    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()
    page.wait_for_url("**/procedures/*-*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Đăng ký khai sinh"
    assert page.locator(".apply-box").is_visible()

