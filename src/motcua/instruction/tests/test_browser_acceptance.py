"""Issue 6 acceptance path in Chromium, through the pages only: the one-stop desk receives a
dossier, which goes to its instructor group; an instructor of the group takes it, asks for a
supplement, the citizen answers it, the instructor asks an expert, who answers through the
e-mailed link, then decides; the result is signed; the desk delivers it; the citizen downloads
a result that pyHanko validates against the agency's trust root. axe-core finds nothing on the
inbox and the dossier page at each step."""

import io
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory, StaffFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.core.testing.axe import assert_no_axe_violations
from motcua.dossiers.constants import DossierState
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import published_procedure
from motcua.dossiers.tests.lifecycle import staff_of, submitted_dossier

from .. import groups

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INBOX = "/backoffice/dossiers/"


def _page_as(page_factory, live_server, user, *, staff=True):
    client = Client()
    if staff:
        force_verified_login(client, user)
    else:
        client.force_login(user)
    page = page_factory()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    return page


def _submit(page, selector):
    with page.expect_navigation():
        page.locator(selector).click()
    assert page.locator(".messages .notice--success").is_visible(), page.locator("main").inner_text()[:500]


@pytest.fixture
def setup(db):
    procedure = published_procedure()
    groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ một cửa chung", key="chung")
    instructor = StaffFactory(full_name="Nguyễn Văn Hùng")
    groups.add_member(actor=procedure.admin, group=procedure.instructor_groups.get(), email=instructor.email)
    applicant = CitizenFactory(full_name="Lò Văn Thành", email="thanh@example.vn")
    dossier = submitted_dossier(procedure=procedure, applicant=applicant)
    return {"dossier": dossier, "desk": staff_of(procedure.agency, Role.RECEIVING_OFFICER), "instructor": instructor,
            "applicant": applicant, "outsider": staff_of(procedure.agency, Role.INSTRUCTOR)}


def test_dossier_goes_from_reception_to_a_signed_result_the_citizen_downloads(page_factory, live_server, setup, signing_pki):
    dossier, detail = setup["dossier"], f"{INBOX}{setup['dossier'].public_id}/"

    # 1. The one-stop desk receives the dossier from the inbox.
    desk = _page_as(page_factory, live_server, setup["desk"])
    desk.goto(INBOX)
    assert_no_axe_violations(desk)
    with desk.expect_navigation():
        desk.get_by_role("link", name=dossier.code).click()
    assert_no_axe_violations(desk)
    desk.fill("#id_receive-note", "Hồ sơ đầy đủ.")
    _submit(desk, "#receive button[type=submit]")
    assert Dossier.objects.get(pk=dossier.pk).group.key == "chung"

    # 2. An instructor of the group finds it, takes it, starts, and asks for a supplement.
    instructor = _page_as(page_factory, live_server, setup["instructor"])
    instructor.goto(f"{INBOX}?tab=to_instruct")
    assert_no_axe_violations(instructor)
    with instructor.expect_navigation():
        instructor.get_by_role("link", name=dossier.code).click()
    _submit(instructor, "form[action$='/take/'] button[type=submit]")
    _submit(instructor, "#start button[type=submit]")
    assert_no_axe_violations(instructor)
    instructor.fill("#id_supplement-reason", "Ghi rõ lý do xin cấp bản sao.")
    instructor.locator("#supplement input[value=reason]").check()
    _submit(instructor, "#supplement button[type=submit]")
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.AWAITING_SUPPLEMENT

    # 3. The citizen answers the supplement request.
    citizen = _page_as(page_factory, live_server, setup["applicant"], staff=False)
    citizen.goto(f"/dossiers/{dossier.public_id}/supplement/")
    citizen.fill("#id_reason", "Xin cấp bản sao để nộp hồ sơ xin việc.")
    with citizen.expect_navigation():
        citizen.locator("form button[value=send]").click()
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.IN_INSTRUCTION

    # 4. The instructor asks an expert; the expert answers through the e-mailed link.
    instructor.goto(detail)
    assert_no_axe_violations(instructor)
    instructor.fill("#id_opinion-expert_email", "chuyengia@example.vn")
    instructor.fill("#id_opinion-expert_name", "TS. Trần Bình")
    instructor.fill("#id_opinion-question", "Hồ sơ có đủ điều kiện cấp bản sao không?")
    _submit(instructor, "#opinions form button[type=submit]")
    link = re.search(r"https?://\S+/backoffice/opinions/\S+/", next(m for m in mail.outbox if "chuyengia@example.vn" in m.to).body).group(0)
    expert = page_factory()
    expert.goto(live_server.url + link[link.index("/backoffice/"):])
    expert.fill("textarea", "Đủ điều kiện.")
    with expert.expect_navigation():
        expert.locator("main form button[type=submit]").click()
    instructor.goto(detail)
    assert "Đủ điều kiện." in instructor.locator("#opinions").inner_text()

    # 5. The instructor decides; the signed result is issued.
    instructor.locator("#decide input[value=accepted]").check()
    _submit(instructor, "#decide button.button:not(.button--secondary)")
    instructor.goto(detail)
    assert instructor.locator("#result a[download]").count() == 1
    assert_no_axe_violations(instructor)

    # 6. The desk delivers the result electronically.
    desk.goto(detail)
    desk.locator("#deliver select, #deliver input[value=electronic]").first.select_option("electronic") \
        if desk.locator("#deliver select").count() else desk.locator("#deliver input[value=electronic]").check()
    _submit(desk, "#deliver button[type=submit]")
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.DELIVERED
    assert_no_axe_violations(desk)

    # 7. The citizen downloads the result from the tracking page; its signature is valid and trusted.
    citizen.goto(f"/dossiers/{dossier.public_id}/track/")
    href = citizen.locator(f"a[href$='/dossiers/{dossier.public_id}/result.pdf']").first.get_attribute("href")
    response = citizen.request.get(live_server.url + href)
    assert response.status == 200 and response.body().startswith(b"%PDF")
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(signing_pki.root_cert))])
    signature = PdfFileReader(io.BytesIO(response.body())).embedded_signatures[0]
    # pyHanko runs its own event loop: not inside Playwright's (a thread of its own).
    with ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(validate_pdf_signature, signature, context).result()
    assert status.intact and status.valid and status.trusted

    # An instructor of the agency outside the group never saw the dossier.
    outsider = _page_as(page_factory, live_server, setup["outsider"])
    assert outsider.goto(detail).status == 404
