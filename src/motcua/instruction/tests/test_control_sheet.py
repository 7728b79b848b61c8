"""The control sheet (form 06): one row per hand-off, read from the events, judged against the
due date; the PDF for the paper file (staff who handle the dossier only)."""

import io

import pypdf
import pytest
from django.urls import reverse

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import StaffFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.core.errors import NotFound
from motcua.dossiers.constants import Decision
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import published_procedure
from motcua.dossiers.tests.lifecycle import staff_of, submitted_dossier

from .. import control_sheet, groups, routing, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled():
    """A dossier received, routed to "Tổ hộ tịch", assigned, re-routed to "Tổ tư pháp", decided."""
    procedure = published_procedure()
    civil = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ hộ tịch", key="ho-tich")
    justice = groups.create_group(actor=procedure.admin, procedure=procedure, name="Tổ tư pháp", key="tu-phap")
    clerk, judge = StaffFactory(full_name="Vũ Thị Hộ"), StaffFactory(full_name="Đỗ Văn Pháp")
    groups.add_member(actor=procedure.admin, group=civil, email=clerk.email)
    groups.add_member(actor=procedure.admin, group=justice, email=judge.email)
    desk = staff_of(procedure.agency, Role.RECEIVING_OFFICER)
    dossier = services.receive_dossier(actor=desk, dossier=submitted_dossier(procedure=procedure))
    routing.assign_dossier(actor=clerk, dossier=dossier, assignee=clerk)
    routing.reroute_dossier(actor=clerk, dossier=dossier, group=justice, reason="Thuộc lĩnh vực tư pháp")
    services.start_instruction(actor=judge, dossier=dossier)
    services.decide_dossier(actor=judge, dossier=dossier, decision=Decision.ACCEPTED)
    return {"dossier": Dossier.objects.get(pk=dossier.pk), "desk": desk, "clerk": clerk, "judge": judge}


def test_rows_follow_every_hand_off_in_order(handled):
    rows = control_sheet.hand_offs(handled["dossier"])
    assert [r.step for r in rows] == [
        "Tiếp nhận hồ sơ", "Chuyển hồ sơ đến bộ phận xử lý", "Phân công cán bộ xử lý", "Chuyển bộ phận xử lý",
        "Chuyển kết quả giải quyết",
    ]
    assert (rows[1].giver_unit, rows[1].receiver_unit) == ("Bộ phận Một cửa", "Tổ hộ tịch")
    assert (rows[2].receiver_unit, rows[2].receiver) == ("Tổ hộ tịch", "Vũ Thị Hộ")
    assert (rows[3].giver_unit, rows[3].receiver_unit, rows[3].note) == ("Tổ hộ tịch", "Tổ tư pháp", "Thuộc lĩnh vực tư pháp")
    assert (rows[4].giver_unit, rows[4].giver, rows[4].receiver_unit) == ("Tổ tư pháp", "Đỗ Văn Pháp", "Bộ phận Một cửa")
    # Handled well before the due date; the applicant's step is not judged; the last row is in progress.
    assert [r.result for r in rows] == ["", "Đúng hạn", "Đúng hạn", "Đúng hạn", "Đúng hạn"]
    assert rows[-1].note == "Đang xử lý" and rows[0].note == "Đã xử lý"


def test_hand_off_after_the_due_date_is_late(handled, time_machine):
    dossier = handled["dossier"]
    time_machine.move_to(dossier.due_at + (dossier.due_at - dossier.received_at), tick=False)
    services.deliver_result(actor=handled["desk"], dossier=dossier, channel="counter")
    rows = control_sheet.hand_offs(Dossier.objects.get(pk=dossier.pk))
    assert (rows[-1].step, rows[-1].result, rows[-1].note) == ("Trả kết quả", "Quá hạn", "Đã xử lý")


def test_pdf_lists_the_hand_offs_for_those_who_handle_the_dossier(client, handled):
    dossier = handled["dossier"]
    force_verified_login(client, handled["judge"])
    response = client.get(reverse("backoffice:dossier-control-sheet", args=[dossier.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages).split())
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert dossier.code in text and "Tổ tư pháp" in text and "Thuộc lĩnh vực tư pháp" in text
    # The clerk's group no longer has the dossier: no sheet for them.
    with pytest.raises(NotFound):
        control_sheet.render_control_sheet(actor=handled["clerk"], dossier=dossier)
    force_verified_login(client, handled["clerk"])
    assert client.get(reverse("backoffice:dossier-control-sheet", args=[dossier.public_id])).status_code == 404
