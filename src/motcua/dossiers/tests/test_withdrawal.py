"""Withdrawing a dossier, with a reason, after a confirmation page."""

import pytest
from django.urls import reverse

from motcua.accounts.tests.factories import CitizenFactory
from motcua.core.errors import NotFound

from .. import services
from ..constants import DossierState
from ..errors import InputInvalid, InvalidTransition
from ..models import ClockPause
from .factories import make_dossier
from .lifecycle import dossier_in, staff_of, submitted_dossier

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", [DossierState.SUBMITTED, DossierState.IN_INSTRUCTION])
def test_applicant_withdraws_an_open_dossier(state):
    dossier = dossier_in(state)
    dossier = services.withdraw_dossier(actor=dossier.applicant, dossier=dossier, reason="  Tôi đã chuyển nơi ở  ")
    assert dossier.state == DossierState.WITHDRAWN and dossier.closed_at
    event = dossier.events.get(type="dossier.withdrawn")
    assert event.payload == {"reason": "Tôi đã chuyển nơi ở"} and event.from_state == state


def test_withdrawing_while_waiting_for_a_supplement_closes_the_pause():
    dossier = submitted_dossier()
    services.request_supplement(actor=staff_of(dossier.agency), dossier=dossier, reason="Thiếu", field_ids=["reason"])
    services.withdraw_dossier(actor=dossier.applicant, dossier=dossier, reason="Không cần nữa")
    assert ClockPause.objects.get(dossier=dossier).ended_at is not None


def test_reason_is_required_and_only_open_dossiers_can_be_withdrawn():
    dossier = submitted_dossier()
    with pytest.raises(InputInvalid):
        services.withdraw_dossier(actor=dossier.applicant, dossier=dossier, reason=" ")
    with pytest.raises(NotFound):
        services.withdraw_dossier(actor=CitizenFactory(), dossier=dossier, reason="x")
    for closed in (make_dossier(), dossier_in(DossierState.DELIVERED)):
        with pytest.raises(InvalidTransition):
            services.withdraw_dossier(actor=closed.applicant, dossier=closed, reason="x")


def test_confirmation_page_then_withdrawal(client):
    dossier = submitted_dossier()
    client.force_login(dossier.applicant)
    track = reverse("dossiers:dossier-track", args=[dossier.public_id])
    url = reverse("dossiers:dossier-withdraw", args=[dossier.public_id])
    assert url in client.get(track).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "Withdraw the dossier?" in page.content.decode()
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400 and 'class="error-summary"' in missing.content.decode()
    response = client.post(url, {"reason": "Tôi nộp nhầm thủ tục"})
    assert response.status_code == 302 and response["Location"] == track + "?withdrawn=1"
    dossier.refresh_from_db()
    assert dossier.state == DossierState.WITHDRAWN
    html = client.get(response["Location"]).content.decode()
    assert "was withdrawn" in html and "7: Công dân yêu cầu rút hồ sơ" in html and url not in html
    assert client.get(url).status_code == 302  # nothing to withdraw any more


def test_another_citizen_gets_not_found(client):
    dossier = submitted_dossier()
    client.force_login(CitizenFactory())
    url = reverse("dossiers:dossier-withdraw", args=[dossier.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
