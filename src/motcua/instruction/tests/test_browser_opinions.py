"""Expert opinions in Chromium: the expert's page without JavaScript at 320 px (question, errors,
answer, thank-you page) and the staff dossier page with the request form and an answered
opinion; axe-core finds nothing, and no page scrolls sideways."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from django.conf import settings
from django.test import Client

from motcua.accounts.constants import Role
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.core.testing.axe import assert_no_axe_violations
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

from .. import opinions
from ..models import Opinion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page, width=320):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_expert_answers_without_javascript_at_320px(page_factory, live_server, db):
    dossier = advance(submitted_dossier(), "receive", "start_instruction")
    opinion = opinions.request_opinion(actor=staff_of(dossier.agency), dossier=dossier, expert_email="cg@example.vn",
                                       expert_name="TS. Trần Bình", question="Ý kiến của ông về hồ sơ này?")
    url = f"{live_server.url}/backoffice/opinions/{opinion.token}/"
    with translation.override("vi"):  # the expert's page is in the default language
        send = gettext("Send my opinion")
    page = page_factory(width=320, javascript_enabled=False)
    checker = page_factory(width=320)  # axe-core needs JavaScript: it checks the same pages

    page.goto(url)
    assert "Ý kiến của ông về hồ sơ này?" in page.locator("main").inner_text()
    _no_sideways_scroll(page)
    checker.goto(url)
    assert_no_axe_violations(checker)

    with page.expect_navigation():
        page.get_by_role("button", name=send).click()
    assert page.locator(".error-summary").is_visible()
    with checker.expect_navigation():
        checker.get_by_role("button", name=send).click()
    assert_no_axe_violations(checker)

    page.fill("#id_answer", "Đề nghị chấp thuận.")
    with page.expect_navigation():
        page.get_by_role("button", name=send).click()
    assert page.locator(".notice--success").is_visible() and page.locator("#id_answer").count() == 0
    assert Opinion.objects.get().answer == "Đề nghị chấp thuận."
    _no_sideways_scroll(page)
    checker.goto(url)
    assert_no_axe_violations(checker)


def test_staff_page_with_opinions_has_no_axe_violations_at_320px(page_factory, live_server, db):
    dossier = advance(submitted_dossier(), "receive", "start_instruction")
    instructor = staff_of(dossier.agency, Role.INSTRUCTOR)
    answered = opinions.request_opinion(actor=instructor, dossier=dossier, expert_email="cg@example.vn",
                                        expert_name="TS. Trần Bình", question="Câu hỏi thứ nhất?")
    opinions.answer_opinion(token=answered.token, answer="Trả lời của chuyên gia.")
    opinions.request_opinion(actor=instructor, dossier=dossier, expert_email="cg2@example.vn",
                             expert_name="KS. Lê Hoa", question="Câu hỏi thứ hai?")
    client = force_verified_login(Client(), instructor)
    page = page_factory(width=320)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])

    page.goto(f"{live_server.url}/backoffice/dossiers/{dossier.public_id}/")
    assert "Trả lời của chuyên gia." in page.locator("#opinions").inner_text()
    assert_no_axe_violations(page)
    _no_sideways_scroll(page)
    with page.expect_navigation():
        page.locator("#opinions button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert_no_axe_violations(page)
