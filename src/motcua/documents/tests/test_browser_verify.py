"""The verification pages in Chromium: axe-core, 320 px, keyboard only and without JavaScript."""

import pytest

from motcua.core.testing.axe import assert_no_axe_violations

from .factories import issue_test_receipt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receipt_file(tmp_path):
    """An issued receipt and a copy of it with one byte changed, as files to upload."""
    document = issue_test_receipt()
    with document.file.open("rb") as handle:
        data = handle.read()
    position = data.index(b"WeasyPrint")
    tampered = tmp_path / "giay-tiep-nhan.pdf"
    tampered.write_bytes(data[:position] + b"X" + data[position + 1 :])
    not_pdf = tmp_path / "anh.png"
    not_pdf.write_bytes(b"\x89PNG\r\n\x1a\n")
    return document, tampered, not_pdf


@pytest.mark.parametrize("width", [None, 320], ids=["desktop", "320px"])
def test_verification_pages_have_no_axe_violations_in_every_state(page_factory, receipt_file, width):
    document, tampered, not_pdf = receipt_file
    page = page_factory(width=width)

    for path in ("/verify/", "/verify/?code=abc", f"/verify/{document.code}/"):
        page.goto(path)
        assert_no_axe_violations(page)
        if width:
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width, path

    page.set_input_files("input[type=file]", str(tampered))
    with page.expect_navigation():
        page.locator("main form[method=post] button").click()
    assert page.locator("[data-outcome=tampered]").is_visible()
    assert_no_axe_violations(page)

    page.set_input_files("input[type=file]", str(not_pdf))
    with page.expect_navigation():
        page.locator("main form[method=post] button").click()
    assert page.locator(".error-summary").is_visible()
    assert_no_axe_violations(page)


def test_a_code_is_found_and_a_file_checked_with_the_keyboard_and_without_javascript(page_factory, receipt_file):
    document, _, _ = receipt_file
    original = receipt_file[1].parent / "original.pdf"
    with document.file.open("rb") as handle:
        original.write_bytes(handle.read())
    page = page_factory(javascript_enabled=False)

    page.goto("/verify/")
    page.locator("input[name=code]").focus()
    page.keyboard.type(document.code.lower())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/verify/{document.code}/")

    page.set_input_files("input[type=file]", str(original))
    page.locator("input[type=file]").focus()
    page.keyboard.press("Tab")  # to the submit button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("[data-outcome=original]").is_visible()
